// The Tern console: CoAP requests from the browser through the gateway (RFC 8075), the response
// pretty-printed, discovery (RFC 6690) and Observe (RFC 7641). Device data is untrusted: it is
// only ever inserted as text (textContent), never as HTML.
import { diagnostic } from './cbor.js';
import { FORMATS, hexDump, kindOf, linkTree, mediaType, parseLinks, prettyJson } from './formats.js';
import { authority, contentFormatOf, entityTag, gatewayUrl, hexBytes, isCoapUri, parseOptions, resolve } from './gateway.js';
import { Observer } from './observe.js';

const $ = (id) => document.getElementById(id);
const WITH_BODY = new Set(['POST', 'PUT', 'FETCH', 'PATCH']);

function fillFormats(select, none) {
  select.appendChild(new Option(none, ''));
  for (const [cf, , labelText] of FORMATS) select.appendChild(new Option(labelText, String(cf)));
}

function setStatus(text, cls) {
  const s = $('status');
  s.textContent = text;
  s.className = 'status ' + cls;
}

function buildRequest(method) {
  const headers = {};
  const accept = $('accept').value;
  if (accept !== '') headers.Accept = mediaType(Number(accept));
  let body;
  if (WITH_BODY.has(method) && $('payload').value !== '') {
    const hexMode = $('payload-mode').value === 'hex';
    body = hexMode ? hexBytes($('payload').value) : new TextEncoder().encode($('payload').value);
    const number = $('cf-number').value.trim();
    const cf = number !== '' ? Number(number) : $('content-format').value;
    headers['Content-Type'] = cf !== '' ? mediaType(Number(cf))
      : hexMode ? 'application/octet-stream' : 'text/plain; charset=utf-8';
  }
  const ifMatch = $('if-match').value.trim();
  if (ifMatch !== '') headers['If-Match'] = entityTag(ifMatch);
  const ifNoneMatch = $('if-none-match').value.trim();
  if (ifNoneMatch !== '') headers['If-None-Match'] = entityTag(ifNoneMatch);
  return { method, headers, body, cache: 'no-store' };
}

/** Reads the body, showing bytes received against Content-Length (the gateway reassembles Block2, RFC 7959). */
async function readBody(res) {
  const total = Number(res.headers.get('Content-Length') || 0);
  const transfer = $('transfer');
  const progress = $('progress');
  transfer.hidden = false;
  progress.max = total || 1;
  progress.value = 0;
  const chunks = [];
  let received = 0;
  const show = () => {
    progress.max = total || Math.max(received, 1);
    progress.value = received;
    $('progress-text').textContent = received + (total ? ' of ' + total : '') + ' bytes received';
  };
  show();
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      show();
    }
  }
  const bytes = new Uint8Array(received);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  return bytes;
}

async function send(method, uri, discovering) {
  if (!isCoapUri(uri)) {
    setStatus('enter a coap://, coaps://, coap+tcp:// or coap+ws:// URI', 'failed');
    return;
  }
  let init;
  try {
    init = buildRequest(method);
  } catch (e) {
    setStatus(e.message, 'failed');
    return;
  }
  setStatus(method + ' ' + uri + ' ...', 'idle');
  const started = performance.now();
  let res;
  let bytes;
  try {
    res = await fetch(gatewayUrl(uri), init);
    bytes = await readBody(res);
  } catch (e) {
    setStatus('the gateway did not answer: ' + e.message, 'failed');
    return;
  }
  const ms = Math.round(performance.now() - started);
  showResponse(res, bytes, uri, ms, discovering);
}

function showResponse(res, bytes, uri, ms, discovering) {
  const code = res.headers.get('X-CoAP-Code');
  const http = 'HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : '');
  if (code) {
    const cls = code.startsWith('2.') ? 'ok' : code.startsWith('4.') ? 'client' : 'server';
    setStatus(code + '  (' + http + ', ' + ms + ' ms)', cls);
  } else {
    setStatus('gateway: ' + http + ', ' + ms + ' ms', res.ok ? 'ok' : 'failed');
  }
  const options = parseOptions(res.headers.get('X-CoAP-Options'));
  const tbody = $('options').tBodies[0];
  tbody.replaceChildren();
  for (const [name, value] of options) {
    const tr = tbody.insertRow();
    tr.insertCell().textContent = name;
    tr.insertCell().textContent = value;
  }
  const cf = contentFormatOf(options);
  const type = res.headers.get('Content-Type') || '';
  const kind = bytes.length === 0 ? 'empty' : kindOf(cf, type);
  $('payload-kind').textContent = bytes.length + ' bytes' + (cf !== undefined ? ', Content-Format ' + cf : '')
    + (type ? ', ' + type : '') + (kind !== 'empty' ? ', shown as ' + kind : '');
  $('view-hex').textContent = hexDump(bytes);
  const tree = $('linktree');
  tree.replaceChildren();
  const pretty = $('pretty');
  const text = new TextDecoder('utf-8').decode(bytes);
  if (kind === 'json') {
    pretty.textContent = prettyJson(text) ?? text;
  } else if (kind === 'cbor') {
    try {
      pretty.textContent = diagnostic(bytes);
    } catch (e) {
      pretty.textContent = 'not valid CBOR (' + e.message + ')\n' + hexDump(bytes);
    }
  } else if (kind === 'link-format') {
    const links = parseLinks(text);
    pretty.textContent = links.length + ' links';
    renderTree(tree, linkTree(links), uri);
    if (discovering) {
      $('discovery-origin').textContent = authority(uri);
      renderTree($('discovery'), linkTree(links), uri);
    }
  } else if (kind === 'binary') {
    pretty.textContent = hexDump(bytes);
  } else {
    pretty.textContent = text;
  }
}

function renderTree(ul, node, base) {
  ul.replaceChildren();
  for (const child of node.children.values()) {
    const li = document.createElement('li');
    if (child.link) {
      const a = document.createElement('a');
      a.textContent = child.name;
      a.title = child.link.target;
      a.dataset.uri = resolve(base, child.link.target);
      a.className = 'link';
      a.addEventListener('click', () => {
        $('uri').value = a.dataset.uri;
        $('method').value = 'GET';
        $('uri').focus();
      });
      li.appendChild(a);
      for (const [name, value] of child.link.attrs) {
        const span = document.createElement('span');
        span.className = 'attr';
        span.textContent = value === null ? name : name + '=' + value;
        li.appendChild(span);
      }
    } else {
      li.appendChild(document.createTextNode(child.name + '/'));
    }
    if (child.children.size > 0) {
      const sub = document.createElement('ul');
      sub.className = 'tree';
      renderTree(sub, child, base);
      li.appendChild(sub);
    }
    ul.appendChild(li);
  }
}

function init() {
  fillFormats($('accept'), '(none)');
  fillFormats($('content-format'), '(by payload)');
  const observer = new Observer($('notifications'), $('plot'), $('observe-state'), $('observe'),
    (uri) => send('GET', uri, false));
  observer.draw();
  $('request').addEventListener('submit', (e) => {
    e.preventDefault();
    send($('method').value, $('uri').value.trim(), false);
  });
  $('discover').addEventListener('click', () => {
    const uri = $('uri').value.trim();
    if (!isCoapUri(uri)) {
      setStatus('enter a coap://, coaps://, coap+tcp:// or coap+ws:// URI', 'failed');
      return;
    }
    send('GET', authority(uri) + '/.well-known/core', true);
  });
  $('observe').addEventListener('click', () => {
    if (observer.active) {
      observer.stop();
      return;
    }
    const uri = $('uri').value.trim();
    if (!isCoapUri(uri)) {
      setStatus('enter a coap://, coaps://, coap+tcp:// or coap+ws:// URI', 'failed');
      return;
    }
    observer.start(uri);
  });
  for (const tab of document.querySelectorAll('.tab')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
      $('view-pretty').hidden = tab.dataset.view !== 'pretty';
      $('view-hex').hidden = tab.dataset.view !== 'hex';
    });
  }
  const params = new URLSearchParams(location.search);
  if (params.has('uri')) $('uri').value = params.get('uri');
}

init();
