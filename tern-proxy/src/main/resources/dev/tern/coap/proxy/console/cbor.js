// CBOR (RFC 8949) to diagnostic notation (RFC 8949 §8, with the indefinite-length forms of
// RFC 8610 Appendix G). Reads untrusted bytes: every length is checked against what is left,
// nesting is bounded, nothing is allocated from a length the data claims.

const MAX_DEPTH = 64;
const MAX_ITEMS = 100000;

class CborError extends Error {
  constructor(message, offset) {
    super(message + ' at byte ' + offset);
    this.offset = offset;
  }
}

/** The diagnostic notation of a CBOR sequence (RFC 8742): items separated by ", ". Throws CborError. */
export function diagnostic(bytes) {
  const r = new Reader(bytes);
  const items = [];
  while (r.pos < bytes.length) {
    items.push(r.item(0));
  }
  if (items.length === 0) {
    throw new CborError('no CBOR data item', 0);
  }
  return items.join(', ');
}

/** The value of a single CBOR data item if it is a number (integer or float), else undefined. */
export function numberOf(bytes) {
  if (bytes.length === 0) return undefined;
  const major = bytes[0] >> 5;
  const info = bytes[0] & 0x1f;
  if (major > 1 && !(major === 7 && info >= 25 && info <= 27)) return undefined;
  try {
    const r = new Reader(bytes);
    const v = r.value();
    return r.pos === bytes.length && typeof v === 'number' ? v : undefined;
  } catch (e) {
    return undefined;
  }
}

class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.pos = 0;
    this.count = 0;
  }

  need(n) {
    if (n > this.b.length - this.pos) {
      throw new CborError('truncated: ' + n + ' more bytes claimed, ' + (this.b.length - this.pos) + ' left', this.pos);
    }
  }

  byte() {
    this.need(1);
    return this.b[this.pos++];
  }

  // The argument of the head (RFC 8949 §3): a Number, or a BigInt beyond 2^53; -1 for indefinite.
  argument(info, start) {
    if (info < 24) return info;
    if (info === 24) return this.byte();
    if (info === 25 || info === 26 || info === 27) {
      const n = 1 << (info - 24);
      this.need(n);
      let v = 0n;
      for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.b[this.pos++]);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    if (info === 31) return -1;
    throw new CborError('reserved additional information ' + info, start);
  }

  length(arg, start) {
    if (typeof arg === 'bigint' || arg > this.b.length - this.pos) {
      throw new CborError('truncated: length ' + arg + ' beyond the data', start);
    }
    return arg;
  }

  // A number value for numberOf (only the integer and float forms).
  value() {
    const start = this.pos;
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    if (major === 7) return this.float(info, start);
    const arg = this.argument(info, start);
    if (arg === -1) throw new CborError('indefinite integer', start);
    const n = Number(arg);
    return major === 0 ? n : -1 - n;
  }

  float(info, start) {
    const n = 1 << (info - 24);
    this.need(n);
    const view = new DataView(this.b.buffer, this.b.byteOffset + this.pos, n);
    this.pos += n;
    if (info === 25) return half(view.getUint16(0));
    if (info === 26) return view.getFloat32(0);
    if (info === 27) return view.getFloat64(0);
    throw new CborError('not a float', start);
  }

  item(depth) {
    if (depth > MAX_DEPTH) throw new CborError('nested deeper than ' + MAX_DEPTH, this.pos);
    if (++this.count > MAX_ITEMS) throw new CborError('more than ' + MAX_ITEMS + ' items', this.pos);
    const start = this.pos;
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    if (major === 7) return this.simple(info, start);
    const arg = this.argument(info, start);
    switch (major) {
      case 0:
        if (arg === -1) throw new CborError('indefinite unsigned integer', start);
        return String(arg);
      case 1:
        if (arg === -1) throw new CborError('indefinite negative integer', start);
        return (-1n - BigInt(arg)).toString();
      case 2:
      case 3:
        return arg === -1 ? this.chunks(major, depth, start) : this.string(major, this.length(arg, start));
      case 4:
        return arg === -1 ? this.indefinite(']', depth, false) : this.array(this.length(arg, start), depth);
      case 5:
        return arg === -1 ? this.indefinite('}', depth, true) : this.map(this.length(arg, start), depth);
      case 6:
        return (typeof arg === 'bigint' ? arg.toString() : arg) + '(' + this.item(depth + 1) + ')';
      default:
        throw new CborError('unknown major type', start);
    }
  }

  string(major, n) {
    const bytes = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    if (major === 2) return "h'" + hex(bytes) + "'";
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      throw new CborError('text string is not UTF-8', this.pos - n);
    }
    return JSON.stringify(text);
  }

  chunks(major, depth, start) {
    const parts = [];
    for (;;) {
      const at = this.pos;
      const head = this.byte();
      if (head === 0xff) break;
      if (head >> 5 !== major || (head & 0x1f) === 31) {
        throw new CborError('indefinite string with a chunk of another type', at);
      }
      this.count++;
      parts.push(this.string(major, this.length(this.argument(head & 0x1f, at), at)));
    }
    return '(_ ' + parts.join(', ') + ')';
  }

  array(n, depth) {
    const items = [];
    for (let i = 0; i < n; i++) items.push(this.item(depth + 1));
    return '[' + items.join(', ') + ']';
  }

  map(n, depth) {
    const pairs = [];
    for (let i = 0; i < n; i++) pairs.push(this.item(depth + 1) + ': ' + this.item(depth + 1));
    return '{' + pairs.join(', ') + '}';
  }

  indefinite(close, depth, pairs) {
    const out = [];
    for (;;) {
      this.need(1);
      if (this.b[this.pos] === 0xff) {
        this.pos++;
        break;
      }
      const key = this.item(depth + 1);
      out.push(pairs ? key + ': ' + this.item(depth + 1) : key);
    }
    return (close === ']' ? '[_ ' : '{_ ') + out.join(', ') + close;
  }

  simple(info, start) {
    if (info < 20) return 'simple(' + info + ')';
    switch (info) {
      case 20: return 'false';
      case 21: return 'true';
      case 22: return 'null';
      case 23: return 'undefined';
      case 24: {
        const v = this.byte();
        if (v < 32) throw new CborError('simple value ' + v + ' in two bytes', start);
        return 'simple(' + v + ')';
      }
      case 25:
      case 26:
      case 27:
        return floatText(this.float(info, start));
      case 31:
        throw new CborError('break outside an indefinite-length item', start);
      default:
        throw new CborError('reserved simple value ' + info, start);
    }
  }
}

function half(bits) {
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * Math.pow(2, -24);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * Math.pow(2, exp - 15);
}

function floatText(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : s + '.0';
}

/** Lower-case hex of bytes. */
export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
