(function (module, exports, require, host) {
  // Node's `util`: format and inspect (internal/inspect: Node's layout), promisify,
  // callbackify, inherits, deprecate, TextEncoder/TextDecoder and the old is* predicates.
  'use strict';

  var Buffer = require('buffer').Buffer;

  var inspect = require('internal/inspect').inspect;
  var invalidArgType = require('internal/errors').invalidArgType;

  function format(f) {
    if (arguments.length === 0) return '';
    var args = Array.prototype.slice.call(arguments, 1);
    var out;
    if (typeof f !== 'string') {
      args.unshift(f);
      return args.map(function (a) { return typeof a === 'string' ? a : inspect(a); }).join(' ');
    }
    var i = 0;
    out = f.replace(/%([sdifjoOc%])/g, function (m, c) {
      if (c === '%') return '%';
      if (i >= args.length) return m;
      var a = args[i++];
      switch (c) {
        case 's':
          if (typeof a === 'string') return a;
          if (typeof a === 'bigint') return a + 'n';
          if (typeof a === 'object' && a !== null) return inspect(a, { depth: 0 });
          return String(a);
        case 'd':
          if (typeof a === 'bigint') return a + 'n';
          return typeof a === 'object' && a !== null ? 'NaN' : String(Number(a));
        case 'i': return typeof a === 'bigint' ? a + 'n' : String(parseInt(a, 10));
        case 'f': return String(parseFloat(a));
        case 'j':
          try { return JSON.stringify(a); } catch (e) { return '[Circular]'; }
        case 'o': case 'O': return inspect(a, { depth: c === 'o' ? 4 : 2 });
        case 'c': return '';
      }
      return m;
    });
    for (; i < args.length; i++) {
      var a = args[i];
      out += ' ' + (typeof a === 'string' ? a : inspect(a));
    }
    return out;
  }

  var kCustomPromisify = typeof Symbol === 'function' ? Symbol.for('nodejs.util.promisify.custom') : '__promisify__';

  function promisify(fn) {
    if (typeof fn !== 'function') throw invalidArgType('original', 'of type function', fn);
    if (fn[kCustomPromisify]) return fn[kCustomPromisify];
    function promisified() {
      var self = this;
      var args = Array.prototype.slice.call(arguments);
      return new Promise(function (resolve, reject) {
        args.push(function (err, value) {
          if (err) reject(err);
          else if (arguments.length > 2) resolve(Array.prototype.slice.call(arguments, 1));
          else resolve(value);
        });
        fn.apply(self, args);
      });
    }
    Object.setPrototypeOf(promisified, Object.getPrototypeOf(fn));
    return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(fn));
  }
  promisify.custom = kCustomPromisify;

  function callbackify(fn) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      var cb = args.pop();
      fn.apply(this, args).then(function (v) { cb(null, v); }, function (e) {
        if (!e) {
          var wrapped = new Error('Promise was rejected with a falsy value');
          wrapped.reason = e;
          e = wrapped;
        }
        cb(e);
      });
    };
  }

  function inherits(ctor, superCtor) {
    if (ctor === undefined || ctor === null) throw invalidArgType('ctor', 'of type function', ctor);
    if (superCtor === undefined || superCtor === null) throw invalidArgType('superCtor', 'of type function', superCtor);
    if (superCtor.prototype === undefined) throw invalidArgType('superCtor.prototype', 'of type object', superCtor.prototype);
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  function deprecate(fn) { return fn; }

  function isDeepStrictEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    var ka = Object.keys(a);
    var kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k]); });
  }

  // WHATWG TextEncoder / TextDecoder (Node exports them here and as globals): UTF-8 out;
  // UTF-8, UTF-16LE and latin1 (windows-1252) in.
  var DECODER_LABELS = {
    'utf-8': 'utf-8', 'utf8': 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
    'utf-16le': 'utf-16le', 'utf-16': 'utf-16le',
    'latin1': 'windows-1252', 'iso-8859-1': 'windows-1252', 'ascii': 'windows-1252', 'us-ascii': 'windows-1252',
    'windows-1252': 'windows-1252', 'l1': 'windows-1252', 'cp1252': 'windows-1252'
  };
  function TextEncoder() {}
  Object.defineProperty(TextEncoder.prototype, 'encoding', { get: function () { return 'utf-8'; } });
  TextEncoder.prototype.encode = function (input) {
    return new Uint8Array(Buffer.from(input === undefined ? '' : String(input), 'utf8'));
  };
  TextEncoder.prototype.encodeInto = function (src, dest) {
    var bytes = Buffer.from(String(src), 'utf8');
    var n = Math.min(bytes.length, dest.length);
    // Never split a character: back off to a UTF-8 lead byte.
    while (n < bytes.length && n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
    for (var i = 0; i < n; i++) dest[i] = bytes[i];
    return { read: Buffer.from(bytes.slice(0, n)).toString('utf8').length, written: n };
  };
  TextEncoder.prototype[Symbol.toStringTag] = 'TextEncoder';

  function TextDecoder(label, options) {
    var name = DECODER_LABELS[String(label === undefined ? 'utf-8' : label).trim().toLowerCase()];
    if (!name) {
      var err = new RangeError('The "' + label + '" encoding is not supported');
      err.code = 'ERR_ENCODING_NOT_SUPPORTED';
      throw err;
    }
    this._encoding = name;
    this._fatal = !!(options && options.fatal);
    this._ignoreBOM = !!(options && options.ignoreBOM);
  }
  Object.defineProperty(TextDecoder.prototype, 'encoding', { get: function () { return this._encoding; } });
  Object.defineProperty(TextDecoder.prototype, 'fatal', { get: function () { return this._fatal; } });
  Object.defineProperty(TextDecoder.prototype, 'ignoreBOM', { get: function () { return this._ignoreBOM; } });
  TextDecoder.prototype.decode = function (input) {
    if (input === undefined) return '';
    var bytes = input instanceof ArrayBuffer ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    var buf = Buffer.from(bytes);
    if (this._encoding === 'windows-1252') return buf.toString('latin1');
    if (this._encoding === 'utf-16le') {
      var text16 = buf.toString('utf16le');
      return !this._ignoreBOM && text16.charCodeAt(0) === 0xfeff ? text16.slice(1) : text16;
    }
    var text = buf.toString('utf8');
    if (this._fatal && text.indexOf('\ufffd') >= 0 && !Buffer.from(text, 'utf8').equals(buf)) {
      var e = new TypeError('The encoded data was not valid for encoding utf-8');
      e.code = 'ERR_ENCODING_INVALID_ENCODED_DATA';
      throw e;
    }
    return !this._ignoreBOM && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  TextDecoder.prototype[Symbol.toStringTag] = 'TextDecoder';

  module.exports = {
    TextEncoder: TextEncoder,
    TextDecoder: TextDecoder,
    format: format,
    inspect: inspect,
    promisify: promisify,
    callbackify: callbackify,
    inherits: inherits,
    deprecate: deprecate,
    isDeepStrictEqual: isDeepStrictEqual,
    isArray: Array.isArray,
    isBoolean: function (v) { return typeof v === 'boolean'; },
    isNull: function (v) { return v === null; },
    isNullOrUndefined: function (v) { return v === null || v === undefined; },
    isNumber: function (v) { return typeof v === 'number'; },
    isString: function (v) { return typeof v === 'string'; },
    isSymbol: function (v) { return typeof v === 'symbol'; },
    isUndefined: function (v) { return v === undefined; },
    isRegExp: function (v) { return v instanceof RegExp; },
    isObject: function (v) { return v !== null && typeof v === 'object'; },
    isDate: function (v) { return v instanceof Date; },
    isError: function (v) { return v instanceof Error; },
    isFunction: function (v) { return typeof v === 'function'; },
    isPrimitive: function (v) { return v === null || (typeof v !== 'object' && typeof v !== 'function'); },
    isBuffer: function (v) { return v instanceof Buffer; },
    types: {
      isDate: function (v) { return v instanceof Date; },
      isRegExp: function (v) { return v instanceof RegExp; },
      isPromise: function (v) { return v instanceof Promise; },
      isNativeError: function (v) { return v instanceof Error; },
      isUint8Array: function (v) { return v instanceof Uint8Array; }
    }
  };
})
