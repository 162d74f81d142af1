'use strict';
// node-coap peer for the Tern interop tests.
// Usage: node client.js [--non] [--method METHOD] [--payload TEXT] URL
// Sends one request (GET and CON by default), prints the response payload on stdout and the
// response code on stderr, and exits 0 on 2.xx, 1 on any other code, 2 on usage errors and
// 3 when no response arrives within 10 s.
const coap = require('coap');

let confirmable = true;
let method = 'GET';
let payload = null;
let url = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--non') {
    confirmable = false;
  } else if (a === '--method' && i + 1 < args.length) {
    method = args[++i].toUpperCase();
  } else if (a === '--payload' && i + 1 < args.length) {
    payload = args[++i];
  } else if (url === null && !a.startsWith('--')) {
    url = a;
  } else {
    console.error('usage: node client.js [--non] [--method METHOD] [--payload TEXT] URL');
    process.exit(2);
  }
}
if (url === null) {
  console.error('usage: node client.js [--non] [--method METHOD] [--payload TEXT] URL');
  process.exit(2);
}

const u = new URL(url);
const timer = setTimeout(() => {
  console.error('timeout: no response');
  process.exit(3);
}, 10000);

const req = coap.request({
  hostname: u.hostname.replace(/^\[|\]$/g, ''),
  port: u.port ? Number.parseInt(u.port, 10) : 5683,
  pathname: u.pathname,
  query: u.search.startsWith('?') ? u.search.substring(1) : '',
  method,
  confirmable,
  agent: false,
});
req.on('response', (res) => {
  clearTimeout(timer);
  const code = String(res.code);
  process.stdout.write(res.payload.toString('utf8'));
  console.error(code);
  process.exitCode = code.startsWith('2.') ? 0 : 1;
  // The agent keeps its socket open for a while; do not wait for it.
  process.stdout.write('', () => process.exit(process.exitCode));
});
req.on('error', (err) => {
  clearTimeout(timer);
  console.error('error: ' + err.message);
  process.exit(3);
});
if (payload !== null) {
  req.write(payload);
}
req.end();
