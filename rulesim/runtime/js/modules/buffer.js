(function (module, exports, require, host) {
  // Node's `buffer` module: a Buffer class built on Uint8Array, with the encodings rules use
  // (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le).
  'use strict';

  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var B64_LOOKUP = new Int16Array(256).fill(-1);
  for (var i = 0; i < 64; i++) {
    B64_LOOKUP[B64.charCodeAt(i)] = i;
    B64_LOOKUP[B64URL.charCodeAt(i)] = i;
  }

  function normEncoding(enc) {
    if (enc === undefined || enc === null) return 'utf8';
    switch (String(enc).toLowerCase()) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'latin1': case 'binary': return 'latin1';
      case 'ascii': return 'ascii';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
      default: {
        var err = new TypeError('Unknown encoding: ' + enc);
        err.code = 'ERR_UNKNOWN_ENCODING';
        throw err;
      }
    }
  }

  // --- encoders: string -> array of bytes ---

  function utf8Bytes(str) {
    var out = [];
    for (var i = 0; i < str.length; i++) {
      var c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        var d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
      if (c < 0x80) {
        out.push(c);
      } else if (c < 0x800) {
        out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      } else if (c < 0x10000) {
        out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      } else {
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
    }
    return out;
  }

  function hexBytes(str) {
    var out = [];
    for (var i = 0; i + 1 < str.length; i += 2) {
      var b = parseInt(str.substr(i, 2), 16);
      if (!/^[0-9a-fA-F]{2}$/.test(str.substr(i, 2))) break; // Node stops at the first bad pair
      out.push(b);
    }
    return out;
  }

  // Lenient like Node: ignores characters outside the alphabet and missing padding.
  function base64Bytes(str) {
    var out = [];
    var acc = 0;
    var bits = 0;
    for (var i = 0; i < str.length; i++) {
      var code = str.charCodeAt(i);
      if (code === 61) break; // '='
      var v = code < 256 ? B64_LOOKUP[code] : -1;
      if (v < 0) continue;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 255);
      }
    }
    return out;
  }

  function latin1Bytes(str) {
    var out = new Array(str.length);
    for (var i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 255;
    return out;
  }

  function utf16leBytes(str) {
    var out = [];
    for (var i = 0; i < str.length; i++) {
      var c = str.charCodeAt(i);
      out.push(c & 255, c >> 8);
    }
    return out;
  }

  function encode(str, enc) {
    switch (normEncoding(enc)) {
      case 'utf8': return utf8Bytes(str);
      case 'hex': return hexBytes(str);
      case 'base64': case 'base64url': return base64Bytes(str);
      case 'latin1': case 'ascii': return latin1Bytes(str);
      case 'utf16le': return utf16leBytes(str);
    }
    return [];
  }

  // --- decoders: bytes[start, end) -> string ---

  function fromCodes(codes) {
    var s = '';
    for (var i = 0; i < codes.length; i += 8192) {
      s += String.fromCharCode.apply(null, codes.slice(i, i + 8192));
    }
    return s;
  }

  // The WHATWG decoder Node uses: each maximal invalid subpart becomes one U+FFFD.
  function utf8Decode(b, start, end) {
    var codes = [];
    var i = start;
    while (i < end) {
      var c = b[i];
      if (c < 0x80) { codes.push(c); i++; continue; }
      var need = 0;
      var cp = 0;
      var lower = 0x80;
      var upper = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
      else if (c >= 0xe0 && c <= 0xef) {
        need = 2; cp = c & 0x0f;
        if (c === 0xe0) lower = 0xa0;
        if (c === 0xed) upper = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3; cp = c & 0x07;
        if (c === 0xf0) lower = 0x90;
        if (c === 0xf4) upper = 0x8f;
      } else { codes.push(0xfffd); i++; continue; }
      var ok = true;
      for (var j = 1; j <= need; j++) {
        var cc = i + j < end ? b[i + j] : -1;
        if (cc < lower || cc > upper) { ok = false; break; }
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (!ok) { codes.push(0xfffd); i += j; continue; }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        codes.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        codes.push(cp);
      }
      i += need + 1;
    }
    return fromCodes(codes);
  }

  function hexDecode(b, start, end) {
    var s = '';
    for (var i = start; i < end; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }

  function base64Decode(b, start, end, url) {
    var alphabet = url ? B64URL : B64;
    var s = '';
    var i = start;
    for (; i + 2 < end; i += 3) {
      var n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      s += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
    }
    var rest = end - i;
    if (rest === 1) {
      var n1 = b[i] << 16;
      s += alphabet[(n1 >> 18) & 63] + alphabet[(n1 >> 12) & 63] + (url ? '' : '==');
    } else if (rest === 2) {
      var n2 = (b[i] << 16) | (b[i + 1] << 8);
      s += alphabet[(n2 >> 18) & 63] + alphabet[(n2 >> 12) & 63] + alphabet[(n2 >> 6) & 63] + (url ? '' : '=');
    }
    return s;
  }

  function decode(b, enc, start, end) {
    var codes;
    switch (normEncoding(enc)) {
      case 'utf8': return utf8Decode(b, start, end);
      case 'hex': return hexDecode(b, start, end);
      case 'base64': return base64Decode(b, start, end, false);
      case 'base64url': return base64Decode(b, start, end, true);
      case 'latin1':
        return fromCodes(Array.prototype.slice.call(b, start, end));
      case 'ascii':
        codes = Array.prototype.slice.call(b, start, end).map(function (x) { return x & 0x7f; });
        return fromCodes(codes);
      case 'utf16le':
        codes = [];
        for (var i = start; i + 1 < end; i += 2) codes.push(b[i] | (b[i + 1] << 8));
        return fromCodes(codes);
    }
    return '';
  }

  function clampIndex(v, dflt, len) {
    if (v === undefined) return dflt;
    v = Math.trunc(Number(v)) || 0;
    if (v < 0) v = 0;
    return v > len ? len : v;
  }

  var invalidArgType = require('internal/errors').invalidArgType;
  function badArg(value) {
    return invalidArgType('The first argument', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
  }

  class Buffer extends Uint8Array {
    // Supports the deprecated `new Buffer(x)` forms and the (buffer, offset, length) form typed
    // array methods use to build views.
    constructor(a, b, c) {
      if (typeof a === 'string') {
        var bytes = encode(a, b);
        super(bytes.length);
        this.set(bytes);
      } else if (typeof a === 'number') {
        super(a);
      } else if (a instanceof ArrayBuffer) {
        var off = b === undefined ? 0 : b;
        super(a, off, c === undefined ? a.byteLength - off : c);
      } else if (a && typeof a === 'object' && a.type === 'Buffer' && Array.isArray(a.data)) {
        super(a.data.length);
        this.set(a.data.map(function (x) { return x & 255; }));
      } else if (a && typeof a === 'object' && typeof a.length === 'number') {
        super(a.length);
        for (var i = 0; i < a.length; i++) this[i] = Number(a[i]) & 255;
      } else {
        throw badArg(a);
      }
    }

    static from(value, encOrOffset, length) {
      if (typeof value === 'string') return new Buffer(value, encOrOffset);
      if (value instanceof ArrayBuffer) return new Buffer(value, encOrOffset, length);
      if (value && typeof value === 'object') {
        if (typeof value.length === 'number' || (value.type === 'Buffer' && Array.isArray(value.data))) {
          return new Buffer(value);
        }
        var prim = typeof value.valueOf === 'function' ? value.valueOf() : value;
        if (prim !== value && prim !== null && prim !== undefined) return Buffer.from(prim, encOrOffset, length);
      }
      throw badArg(value);
    }

    static alloc(size, fill, enc) {
      var buf = new Buffer(size);
      if (fill !== undefined && fill !== 0) buf.fill(fill, 0, size, enc);
      return buf;
    }

    static allocUnsafe(size) { return new Buffer(size); }
    static allocUnsafeSlow(size) { return new Buffer(size); }

    static isBuffer(obj) { return obj instanceof Buffer; }

    static isEncoding(enc) {
      try { normEncoding(enc); return typeof enc === 'string'; } catch (e) { return false; }
    }

    static byteLength(value, enc) {
      if (typeof value === 'string') return encode(value, enc).length;
      if (value && typeof value.byteLength === 'number') return value.byteLength;
      throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', value);
    }

    static concat(list, totalLength) {
      if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list);
      var total = totalLength;
      if (total === undefined) total = list.reduce(function (n, b) { return n + b.length; }, 0);
      var out = new Buffer(total);
      var pos = 0;
      for (var i = 0; i < list.length && pos < total; i++) {
        var item = list[i];
        var n = Math.min(item.length, total - pos);
        for (var j = 0; j < n; j++) out[pos + j] = item[j];
        pos += n;
      }
      return out;
    }

    static compare(a, b) { return Buffer.prototype.compare.call(a, b); }

    toString(enc, start, end) {
      var len = this.length;
      var s = clampIndex(start, 0, len);
      var e = clampIndex(end, len, len);
      if (e <= s) return '';
      return decode(this, enc, s, e);
    }

    toJSON() {
      return { type: 'Buffer', data: Array.prototype.slice.call(this) };
    }

    toLocaleString(enc, start, end) { return this.toString(enc, start, end); }

    inspect() {
      var hex = [];
      for (var i = 0; i < Math.min(this.length, 50); i++) hex.push((this[i] < 16 ? '0' : '') + this[i].toString(16));
      return '<Buffer' + (hex.length ? ' ' + hex.join(' ') : '') + (this.length > 50 ? ' ... ' + (this.length - 50) + ' more bytes' : '') + '>';
    }

    equals(other) {
      if (!(other instanceof Uint8Array)) throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', other);
      if (other.length !== this.length) return false;
      for (var i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
      return true;
    }

    compare(other) {
      var n = Math.min(this.length, other.length);
      for (var i = 0; i < n; i++) {
        if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1;
      }
      return this.length === other.length ? 0 : (this.length < other.length ? -1 : 1);
    }

    // Node's slice shares memory with the original, like subarray.
    slice(start, end) { return this.subarray(start, end); }

    write(string, offset, length, enc) {
      if (typeof offset === 'string') { enc = offset; offset = 0; length = undefined; }
      else if (typeof length === 'string') { enc = length; length = undefined; }
      offset = offset === undefined ? 0 : offset >>> 0;
      var bytes = encode(String(string), enc);
      var n = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
      for (var i = 0; i < n; i++) this[offset + i] = bytes[i];
      return n;
    }

    copy(target, targetStart, sourceStart, sourceEnd) {
      targetStart = targetStart || 0;
      sourceStart = sourceStart || 0;
      sourceEnd = sourceEnd === undefined ? this.length : sourceEnd;
      var n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
      for (var i = 0; i < n; i++) target[targetStart + i] = this[sourceStart + i];
      return Math.max(n, 0);
    }

    fill(value, offset, end, enc) {
      if (typeof offset === 'string') { enc = offset; offset = 0; end = this.length; }
      offset = offset === undefined ? 0 : offset;
      end = end === undefined ? this.length : end;
      if (typeof value === 'number') return super.fill(value & 255, offset, end);
      var bytes = typeof value === 'string' ? encode(value, enc) : Array.prototype.slice.call(value);
      if (!bytes.length) return super.fill(0, offset, end);
      for (var i = offset, j = 0; i < end; i++, j++) this[i] = bytes[j % bytes.length];
      return this;
    }

    indexOf(value, byteOffset, enc) {
      if (typeof value === 'number') return super.indexOf(value & 255, byteOffset);
      var needle = typeof value === 'string' ? encode(value, enc) : value;
      var from = byteOffset === undefined ? 0 : (byteOffset < 0 ? Math.max(this.length + byteOffset, 0) : byteOffset);
      outer: for (var i = from; i <= this.length - needle.length; i++) {
        for (var j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
        return i;
      }
      return -1;
    }

    includes(value, byteOffset, enc) { return this.indexOf(value, byteOffset, enc) !== -1; }

    readUInt8(o) { return this[o || 0]; }
    readUInt16BE(o) { o = o || 0; return (this[o] << 8) | this[o + 1]; }
    readUInt16LE(o) { o = o || 0; return this[o] | (this[o + 1] << 8); }
    readUInt32BE(o) { o = o || 0; return ((this[o] << 24) >>> 0) + ((this[o + 1] << 16) | (this[o + 2] << 8) | this[o + 3]); }
    readUInt32LE(o) { o = o || 0; return ((this[o + 3] << 24) >>> 0) + ((this[o + 2] << 16) | (this[o + 1] << 8) | this[o]); }
    readInt8(o) { var v = this[o || 0]; return v > 127 ? v - 256 : v; }
    readInt32BE(o) { return this.readUInt32BE(o) | 0; }
    readInt32LE(o) { return this.readUInt32LE(o) | 0; }
    writeUInt8(v, o) { o = o || 0; this[o] = v; return o + 1; }
    writeUInt16BE(v, o) { o = o || 0; this[o] = v >>> 8; this[o + 1] = v; return o + 2; }
    writeUInt32BE(v, o) {
      o = o || 0;
      this[o] = v >>> 24; this[o + 1] = v >>> 16; this[o + 2] = v >>> 8; this[o + 3] = v;
      return o + 4;
    }
    writeUInt32LE(v, o) {
      o = o || 0;
      this[o + 3] = v >>> 24; this[o + 2] = v >>> 16; this[o + 1] = v >>> 8; this[o] = v;
      return o + 4;
    }
  }

  Buffer.poolSize = 8192;
  // Aliases Node also has.
  Buffer.prototype.readUint8 = Buffer.prototype.readUInt8;
  Buffer.prototype.readUint32BE = Buffer.prototype.readUInt32BE;
  Buffer.prototype.writeUint8 = Buffer.prototype.writeUInt8;

  var kMaxLength = 0x7fffffff;

  module.exports = {
    Buffer: Buffer,
    SlowBuffer: Buffer,
    kMaxLength: kMaxLength,
    constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: 0x1fffffe8 },
    atob: function (s) { return Buffer.from(String(s), 'base64').toString('latin1'); },
    btoa: function (s) { return Buffer.from(String(s), 'latin1').toString('base64'); }
  };
})
