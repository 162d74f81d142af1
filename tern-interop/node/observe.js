'use strict';
// node-coap observer for the Tern interop tests.
// Usage: node observe.js URL COUNT
// Registers (GET with Observe=0), prints each notification's payload on its own line, and exits 0
// after COUNT notifications (the first response counts), or 1 after 10 s.
const coap = require('coap');

const url = process.argv[2];
const count = Number.parseInt(process.argv[3] || '', 10);
if (!url || !Number.isInteger(count) || count < 1) {
  console.error('usage: node observe.js URL COUNT');
  process.exit(2);
}
const u = new URL(url);
const req = coap.request({
  hostname: u.hostname.replace(/^\[|\]$/g, ''),
  port: u.port ? Number(u.port) : 5683,
  pathname: u.pathname,
  observe: true,
});
let seen = 0;
const guard = setTimeout(() => { console.error('timeout after ' + seen + ' notifications'); process.exit(1); }, 10000);
req.on('response', (res) => {
  if (!res.code.startsWith('2.')) {
    console.error('response ' + res.code);
    process.exit(1);
  }
  res.on('data', (chunk) => {
    console.log(chunk.toString());
    seen += 1;
    if (seen >= count) {
      clearTimeout(guard);
      res.close();
      setTimeout(() => process.exit(0), 100);
    }
  });
});
req.on('error', (err) => { console.error('request error: ' + err.message); process.exit(1); });
req.end();
