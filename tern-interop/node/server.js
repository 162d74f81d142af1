'use strict';
// node-coap peer for the Tern interop tests.
// Usage: node server.js PORT
// Serves, on 127.0.0.1:PORT:
//   GET  /hello -> 2.05 "Hello from node"
//   POST /echo  -> 2.04 with the request payload
//   GET  /obs   -> observable (RFC 7641): a counter, a notification every 200 ms
//   GET  /large -> 2.05 with 3000 bytes of text ("00000|00001|..."), sent block-wise (RFC 7959)
// anything else -> 4.04. Prints "ready" on stdout once listening.
const coap = require('coap');

const port = Number.parseInt(process.argv[2] || '', 10);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}

// 3000 bytes: "00000|00001|..." cut to length; the interop test builds the same text.
let large = '';
for (let i = 0; large.length < 3000; i++) {
  large += String(i).padStart(5, '0') + '|';
}
large = large.substring(0, 3000);

const server = coap.createServer({ type: 'udp4' }, (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/obs' && req.method === 'GET') {
    res.code = '2.05';
    res.setOption('Content-Format', 'text/plain');
    if (req.headers.Observe !== 0) {
      res.end('0');
      return;
    }
    let n = 0;
    res.write(String(n));
    const timer = setInterval(() => { n += 1; res.write(String(n)); }, 200);
    const stopTimer = () => clearInterval(timer);
    res.on('finish', stopTimer);
    res.on('close', stopTimer);
    res.on('error', stopTimer);
  } else if (path === '/large' && req.method === 'GET') {
    res.code = '2.05';
    res.setOption('Content-Format', 'text/plain');
    res.end(large);
  } else if (path === '/hello' && req.method === 'GET') {
    res.code = '2.05';
    res.setOption('Content-Format', 'text/plain');
    res.end('Hello from node');
  } else if (path === '/echo' && req.method === 'POST') {
    res.code = '2.04';
    res.end(req.payload);
  } else if (path === '/hello' || path === '/echo' || path === '/large') {
    res.code = '4.05';
    res.end();
  } else {
    res.code = '4.04';
    res.end();
  }
});

server.on('error', (err) => {
  console.error('server error: ' + err.message);
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  console.log('ready');
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
