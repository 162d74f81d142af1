// Payload views: hex dump, JSON, link-format (RFC 6690) as a tree, and the Content-Format table
// (RFC 7252 §12.3) the console offers.

/** Content-Formats the console names: number, HTTP media type (RFC 8075 §6), label. */
export const FORMATS = [
  [0, 'text/plain; charset=utf-8', 'text/plain (0)'],
  [40, 'application/link-format', 'link-format (40)'],
  [41, 'application/xml', 'xml (41)'],
  [42, 'application/octet-stream', 'octet-stream (42)'],
  [47, 'application/exi', 'exi (47)'],
  [50, 'application/json', 'json (50)'],
  [51, 'application/json-patch+json', 'json-patch+json (51)'],
  [52, 'application/merge-patch+json', 'merge-patch+json (52)'],
  [60, 'application/cbor', 'cbor (60)'],
  [61, 'application/cwt', 'cwt (61)'],
  [110, 'application/senml+json', 'senml+json (110)'],
  [111, 'application/sensml+json', 'sensml+json (111)'],
  [112, 'application/senml+cbor', 'senml+cbor (112)'],
  [113, 'application/sensml+cbor', 'sensml+cbor (113)'],
];

const JSON_FORMATS = new Set([50, 51, 52, 110, 111, 256, 432]);
const CBOR_FORMATS = new Set([60, 61, 112, 113, 64, 10000]);

/** The HTTP Content-Type for a Content-Format number (RFC 8075 §6.3 for the unnamed ones). */
export function mediaType(cf) {
  const known = FORMATS.find((f) => f[0] === cf);
  return known ? known[1] : 'application/coap-payload; cf=' + cf;
}

/** How to show a payload of Content-Format cf (a number or undefined) and HTTP type contentType. */
export function kindOf(cf, contentType) {
  const t = (contentType || '').toLowerCase();
  if (cf === 40 || t.startsWith('application/link-format')) return 'link-format';
  if (JSON_FORMATS.has(cf) || /^application\/([a-z0-9.+-]*\+)?json/.test(t)) return 'json';
  if (CBOR_FORMATS.has(cf) || /^application\/([a-z0-9.+-]*\+)?cbor/.test(t)) return 'cbor';
  if (cf === 0 || cf === 41 || t.startsWith('text/') || t.startsWith('application/xml')) return 'text';
  if (cf === undefined && t === '') return 'text';
  return 'binary';
}

/** A hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function hexDump(bytes, limit = 65536) {
  const lines = [];
  const n = Math.min(bytes.length, limit);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    let h = '';
    let a = '';
    for (let i = 0; i < 16; i++) {
      h += i < row.length ? row[i].toString(16).padStart(2, '0') + ' ' : '   ';
      if (i === 7) h += ' ';
      if (i < row.length) a += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
    }
    lines.push(off.toString(16).padStart(8, '0') + '  ' + h + ' |' + a + '|');
  }
  if (bytes.length > n) lines.push('... ' + (bytes.length - n) + ' more bytes');
  return lines.join('\n') || '(empty)';
}

/** JSON re-indented, or undefined when the text is not JSON. */
export function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return undefined;
  }
}

/**
 * The links of a link-format document (RFC 6690 §2): [{target, attrs: [[name, value]]}]. Commas
 * and semicolons inside quoted values and inside <> are not separators. Lenient: a malformed
 * link is kept with what could be read.
 */
export function parseLinks(text) {
  const links = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /[\s,]/.test(text[i])) i++;
    if (i >= n) break;
    if (text[i] !== '<') {
      const next = text.indexOf(',', i);
      i = next < 0 ? n : next + 1; // not a link: skip it
      continue;
    }
    const close = text.indexOf('>', i);
    if (close < 0) break;
    const link = { target: text.slice(i + 1, close), attrs: [] };
    i = close + 1;
    while (i < n && text[i] === ';') {
      i++;
      let name = '';
      while (i < n && !/[=;,]/.test(text[i])) name += text[i++];
      let value = null;
      if (text[i] === '=') {
        i++;
        if (text[i] === '"') {
          i++;
          value = '';
          while (i < n && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < n) i++;
            value += text[i++];
          }
          i++;
        } else {
          value = '';
          while (i < n && !/[;,]/.test(text[i])) value += text[i++];
        }
      }
      link.attrs.push([name.trim(), value]);
    }
    links.push(link);
  }
  return links;
}

/**
 * The links as a tree by path segment: {name, link?, children: Map}. Targets with a scheme
 * (coap://other/...) hang under their authority.
 */
export function linkTree(links) {
  const root = { name: '', children: new Map() };
  for (const link of links) {
    let path = link.target;
    let prefix = [];
    const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(path);
    if (m) {
      prefix = [m[1]];
      path = m[2];
    }
    const segments = prefix.concat(path.split('/').filter((s) => s.length > 0));
    let node = root;
    for (const s of segments) {
      if (!node.children.has(s)) node.children.set(s, { name: s, children: new Map() });
      node = node.children.get(s);
    }
    node.link = link;
  }
  return root;
}

/** A number shown by the plot: a plain number, a JSON number, the first number of a JSON object, or SenML's v. */
export function numericValue(text) {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  let v;
  try {
    v = JSON.parse(t);
  } catch (e) {
    return undefined;
  }
  if (Array.isArray(v) && v.length > 0) v = v[v.length - 1]; // SenML: the last record
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    if (typeof v.v === 'number') return v.v;
    for (const k of Object.keys(v)) if (typeof v[k] === 'number') return v[k];
  }
  return undefined;
}
