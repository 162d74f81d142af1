// Talking to this gateway (RFC 8075): the URL of a CoAP target, and the CoAP view of a response
// from the X-CoAP-Code and X-CoAP-Options headers. The console only ever talks to its own origin.

/** Whether uri is a CoAP URI the gateway maps: coap, coaps, coap+tcp, coaps+tcp, coap+ws, coaps+ws. */
export function isCoapUri(uri) {
  return /^coaps?(\+(tcp|ws))?:\/\/[^/?#\s]+/i.test(uri);
}

/** The gateway URL of a CoAP target: the target_uri form (RFC 8075 §5.4), immune to URL normalisation. */
export function gatewayUrl(uri) {
  return '/hc/?target_uri=' + encodeURIComponent(uri);
}

/** scheme://host:port of a CoAP URI. */
export function authority(uri) {
  const m = /^(coaps?(?:\+(?:tcp|ws))?:\/\/[^/?#]*)/i.exec(uri);
  return m ? m[1] : '';
}

/** The absolute CoAP URI of a link target found at base (RFC 6690 §2.1, RFC 3986 §5). */
export function resolve(base, target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return target;
  if (target.startsWith('/')) return authority(base) + target;
  const dir = base.replace(/[?#].*$/, '').replace(/[^/]*$/, '');
  return dir + target;
}

/**
 * The options of X-CoAP-Options: [[name, value]] (value '' for empty options). Values are
 * decimal, 0xHEX, or quoted with \xHH escapes, as the gateway writes them.
 */
export function parseOptions(header) {
  const out = [];
  if (!header) return out;
  let i = 0;
  const n = header.length;
  while (i < n) {
    while (i < n && (header[i] === ',' || header[i] === ' ')) i++;
    if (i >= n) break;
    let name = '';
    while (i < n && header[i] !== '=' && header[i] !== ',') name += header[i++];
    let value = '';
    if (header[i] === '=') {
      i++;
      if (header[i] === '"') {
        const end = header.indexOf('"', i + 1);
        const stop = end < 0 ? n : end + 1;
        value = header.slice(i, stop);
        i = stop;
      } else {
        while (i < n && header[i] !== ',') value += header[i++];
      }
    }
    out.push([name.trim(), value.trim()]);
  }
  return out;
}

/** The Content-Format number among parsed options, or undefined. */
export function contentFormatOf(options) {
  const cf = options.find((o) => o[0] === 'Content-Format');
  return cf && /^\d+$/.test(cf[1]) ? Number(cf[1]) : undefined;
}

/** Bytes of a hex string (spaces and a 0x prefix allowed); throws on anything else. */
export function hexBytes(text) {
  const t = text.replace(/^0x/i, '').replace(/\s+/g, '');
  if (t.length % 2 !== 0 || /[^0-9a-f]/i.test(t)) throw new Error('not hex: ' + text);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(i * 2, 2), 16);
  return out;
}

/** An ETag as an HTTP entity tag the gateway understands (its hex, quoted), or * itself. */
export function entityTag(text) {
  const t = text.trim();
  if (t === '*') return '*';
  const bytes = hexBytes(t);
  if (bytes.length < 1 || bytes.length > 8) throw new Error('an ETag has 1 to 8 bytes (RFC 7252 §5.10.6)');
  return '"' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') + '"';
}
