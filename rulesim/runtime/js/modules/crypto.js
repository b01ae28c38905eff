(function (module, exports, require, host) {
  // Node's `crypto`, the parts rules use: hashes (md5, sha1, sha224, sha256, sha384, sha512),
  // HMAC and pbkdf2, computed natively by the host (rulesim/runtime/native.py) as Node's
  // OpenSSL binding did; seeded randomBytes / randomUUID / randomInt; timingSafeEqual.
  // Ciphers and key pairs are not simulated and throw a clear error.
  'use strict';

  var Buffer = require('buffer').Buffer;
  var fromCharCode = String.fromCharCode;

  var invalidArgType = require('internal/errors').invalidArgType;
  var typeError = require('internal/errors').typeError;
  function invalidData(data) {
    return invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  }

  function viewOf(data) {
    if (data instanceof Uint8Array) return data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (data && data.buffer instanceof ArrayBuffer) {
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    }
    return null;
  }

  // Bytes as the host takes them ('bytes'): one character a byte, code point = byte + 1,
  // since a NUL character cannot cross into Python.
  function bytesOf(view) {
    var s = '';
    for (var i = 0; i < view.length; i += 4096) {
      var n = Math.min(4096, view.length - i);
      var codes = new Array(n);
      for (var j = 0; j < n; j++) codes[j] = view[i + j] + 1;
      s += fromCharCode.apply(null, codes);
    }
    return s;
  }

  // A message part as the host takes it, in (partEnc, partData): text in utf8 crosses as
  // itself (the host encodes it) unless it holds a NUL or a lone surrogate, which go through
  // Buffer (that replaces lone surrogates as Node does); everything else crosses as bytes.
  var partEnc = '', partData = '';
  function setPart(data, enc) {
    if (typeof data === 'string') {
      if ((enc === undefined || enc === null || enc === 'utf8' || enc === 'utf-8') &&
          host.crossesAsText(data)) {
        partEnc = 'utf8';
        partData = data;
        return;
      }
      // Node refuses hex text of an odd length here (Buffer.from would drop the last digit).
      if (data.length % 2 === 1 && typeof enc === 'string' && enc.toLowerCase() === 'hex') {
        throw typeError("The argument 'encoding' is invalid for data of length " + data.length +
          ". Received '" + enc + "'", 'ERR_INVALID_ARG_VALUE');
      }
      partEnc = 'bytes';
      partData = bytesOf(Buffer.from(data, enc === undefined || enc === null ? 'utf8' : enc));
      return;
    }
    var view = viewOf(data);
    if (view === null) throw invalidData(data);
    partEnc = 'bytes';
    partData = bytesOf(view);
  }

  // Appends a part to a message `self._m`: a string while every part is text in utf8, [bytes]
  // from the first part that is not.
  function append(self, data, enc) {
    setPart(data, enc);
    var m = self._m;
    if (typeof m === 'string') {
      if (partEnc === 'utf8') self._m = m + partData;
      else self._m = [m === '' ? partData : bytesOf(Buffer.from(m, 'utf8')) + partData];
    } else if (partEnc === 'bytes') {
      m[0] += partData;
    } else {
      m[0] += bytesOf(Buffer.from(partData, 'utf8'));
    }
  }

  var DIRECT = Object.create(null);   // (no prototype: an encoding named 'toString' is unknown)
  DIRECT.hex = 'hex';
  DIRECT.base64 = 'base64';
  DIRECT.base64url = 'base64url';

  // The encoding to ask the host for: the caller's when the host speaks it, else hex.
  function hostEncoding(enc) {
    var d = enc === undefined ? undefined : DIRECT[enc];
    if (d !== undefined) return d;
    d = enc === undefined ? undefined : DIRECT[String(enc).toLowerCase()];
    return d !== undefined ? d : 'hex';
  }

  // The host's answer `s` (in hostEncoding(enc), `he`) as the caller asked for it.
  function output(s, enc, he, name, what) {
    if (s === '') throw new Error('rulesim: the host could not compute the ' + name + ' ' + what);
    if (enc === 'hex' || (enc !== undefined && he !== 'hex')) return s;
    var e = enc === undefined ? 'buffer' : String(enc).toLowerCase();
    if (e === 'hex') return s;
    var buf = Buffer.from(s, 'hex');
    return e === 'buffer' ? buf : buf.toString(e);
  }

  var ANY_TEXT = host.anyText;   // every string crosses as text (compiled host functions)
  var HASHES = host.hashes;   // 8 × a name's index is its code (rulesim/runtime/native.py code_of)
  var OUT_CODE = Object.create(null);   // the encodings the host writes: its output codes
  OUT_CODE.hex = 0;
  OUT_CODE.base64 = 1;
  OUT_CODE.base64url = 2;
  var hostDigest = host.digest, hostHmac = host.hmac;

  var NAMES = Object.create(null);   // algorithm as given -> Node name, or null

  function hashName(algorithm) {
    var key = String(algorithm);
    var known = NAMES[key];
    if (known !== undefined) return known;
    var name = key.toLowerCase().replace(/^rsa-/, '').replace(/^sha-/, 'sha');
    return (NAMES[key] = HASHES.indexOf(name) >= 0 ? name : null);
  }

  function finalized() {
    var err = new Error('Digest already called');
    err.code = 'ERR_CRYPTO_HASH_FINALIZED';
    return err;
  }

  // A hash or HMAC holds two fields (a new object's property array has room for two: a third
  // makes QuickJS grow it, and rules make one object a call): _k, the algorithm [name, 8 × its
  // index (native.code_of)], or an HMAC's key [keyEnc, key as it crosses, handle or -1, name];
  // _m, the message so far (see append()), null once digest() was called.
  var ALG = Object.create(null);
  for (var a = 0; a < HASHES.length; a++) ALG[HASHES[a]] = [HASHES[a], a * 8];

  function Hash(alg) {
    this._k = alg;
    this._m = '';
  }
  Hash.prototype.update = function update(data, enc) {
    var m = this._m;
    if (m === null) throw finalized();
    // The common case, text in utf8 onto text, without append()'s bookkeeping.
    if (typeof data === 'string' && enc === undefined && typeof m === 'string' &&
        (ANY_TEXT || host.crossesAsText(data))) {
      this._m = m === '' ? data : m + data;
      return this;
    }
    append(this, data, enc);
    return this;
  };
  Hash.prototype.digest = function digest(enc) {
    var m = this._m;
    if (m === null) throw finalized();
    this._m = null;
    var bytes = typeof m !== 'string', data = bytes ? m[0] : m;
    var code = this._k[1] + (bytes ? 4 : 0), s;
    var out = enc === undefined ? undefined : OUT_CODE[enc];
    if (out !== undefined) {   // the common case: the host's answer as it is
      s = hostDigest(code + out, data);
      if (s !== '') return s;
    }
    var he = hostEncoding(enc);
    s = hostDigest(code + OUT_CODE[he], data);
    return output(s, enc, he, this._k[0], 'digest');
  };
  Hash.prototype.copy = function copy() {
    var m = this._m;
    if (m === null) throw finalized();
    var h = new Hash(this._k);
    h._m = typeof m === 'string' ? m : [m[0]];
    return h;
  };

  // Rules sign with the same secret over and over: the host keeps each key's padded hash
  // states under a handle, and an HMAC sends only the handle and the message. How a text key
  // crosses and its handle are worked out once per key and algorithm (a bounded cache; the
  // compiled host finds text keys by their bytes itself, digestNew kind 3).
  var textKeys = Object.create(null);   // algorithm -> Map(text key -> Hmac's _k)
  var nTextKeys = 0;
  function keyOf(name, key) {
    setPart(key, 'utf8');
    var known = [partEnc, partData, host.hmacKey(name, partEnc, partData), name];
    if (typeof key === 'string') {
      if (nTextKeys >= 64) { textKeys = Object.create(null); nTextKeys = 0; }
      (textKeys[name] || (textKeys[name] = new Map())).set(key, known);
      nTextKeys++;
    }
    return known;
  }
  function Hmac(key) {
    this._k = key;
    this._m = '';
  }
  Hmac.prototype.update = Hash.prototype.update;
  Hmac.prototype.digest = function digest(enc) {
    var m = this._m;
    if (m === null) {
      // Node answers a second digest() with an empty digest.
      var empty = Buffer.alloc(0);
      return enc === undefined || enc === 'buffer' ? empty : empty.toString(enc);
    }
    this._m = null;
    var k = this._k, bytes = typeof m !== 'string', data = bytes ? m[0] : m, s;
    var out = enc === undefined ? undefined : OUT_CODE[enc];
    if (out !== undefined && k[2] >= 0) {   // the common case: the host's answer as it is
      s = hostHmac(k[2] + (bytes ? 4 : 0) + out, data);
      if (s !== '') return s;
    }
    var he = hostEncoding(enc);
    if (k[2] >= 0) s = hostHmac(k[2] + (bytes ? 4 : 0) + OUT_CODE[he], data);
    else s = host.hmacUnkeyed(k[3], k[0], k[1], bytes ? 'bytes' : 'utf8', data, he);
    return output(s, enc, he, k[3], 'HMAC');
  };

  // With the compiled host functions, hashes and HMACs are the host's digest objects
  // (rulesim/runtime/_hostc.c): engine objects on Hash.prototype and Hmac.prototype, whose C
  // methods hash each part as it comes and call digestHelper for what they leave to
  // JavaScript. Without them (the Python twins), the objects above.
  var DIGESTS = host.digests || null;
  var newDigest = DIGESTS !== null ? DIGESTS.create : null;
  function digestHelper(op, a, b) {
    switch (op) {
      case 0:   // a part that is not text in utf8, as 'bytes' text
        setPart(a, b);
        return partEnc === 'bytes' ? partData : bytesOf(Buffer.from(partData, 'utf8'));
      case 1: throw finalized();
      case 2:   // Node answers an HMAC's second digest() with an empty digest
        var empty = Buffer.alloc(0);
        return a === undefined || a === 'buffer' ? empty : empty.toString(a);
      case 3: return output(a, b, 'hex', '', 'digest');
      default: throw new TypeError('Illegal invocation');
    }
  }
  function method(which, name, proto) {
    var fn = DIGESTS.method(which, digestHelper, proto);
    Object.defineProperty(fn, 'name', { value: name });
    return fn;
  }
  if (DIGESTS !== null) {
    Hash.prototype.update = Hmac.prototype.update = method(0, 'update', null);
    Hash.prototype.digest = Hmac.prototype.digest = method(1, 'digest', null);
    Hash.prototype.copy = method(2, 'copy', Hash.prototype);
  }

  var HASH_PROTO = Hash.prototype, HMAC_PROTO = Hmac.prototype;

  function createHash(algorithm) {
    if (newDigest !== null) {   // Node's own name for the algorithm, in one call
      var made = newDigest(HASH_PROTO, 4, algorithm);
      if (made !== '') return made;
    }
    var name = hashName(algorithm);
    if (!name) throw new Error('Digest method not supported');
    return newDigest !== null ? newDigest(HASH_PROTO, 0, ALG[name][1]) : new Hash(ALG[name]);
  }

  function createHmac(algorithm, key) {
    if (newDigest !== null) {   // Node's own name for the algorithm and a text key, in one call
      var made = newDigest(HMAC_PROTO, 3, algorithm, key);
      if (made !== '') return made;
    }
    var name = typeof algorithm === 'string' ? NAMES[algorithm] : undefined;
    if (name === undefined) name = hashName(algorithm);
    if (!name) {
      var err = new Error('Invalid digest: ' + algorithm);
      err.code = 'ERR_CRYPTO_INVALID_DIGEST';
      throw err;
    }
    var known;
    if (typeof key === 'string') {
      if (newDigest !== null) return newDigest(HMAC_PROTO, 3, name, key);   // the host's text-key index
      var byKey = textKeys[name];
      known = byKey !== undefined ? byKey.get(key) : undefined;
    } else if (viewOf(key) === null) {
      throw invalidArgType('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey', key);
    }
    if (known === undefined) known = keyOf(name, key);
    if (newDigest === null) return new Hmac(known);
    return known[2] >= 0 ? newDigest(HMAC_PROTO, 1, known[2])
      : newDigest(HMAC_PROTO, 2, ALG[name][1], known[0] === 'bytes' ? 1 : 0, known[1]);
  }

  function pbkdf2Sync(password, salt, iterations, keylen, digest) {
    var name = hashName(digest || 'sha1');
    if (!name) throw new TypeError('Invalid digest: ' + digest);
    if (typeof iterations !== 'number' || iterations < 1 || iterations % 1 !== 0) {
      var e1 = new RangeError('The value of "iterations" is out of range. It must be an integer ' +
        '>= 1. Received ' + iterations);
      e1.code = 'ERR_OUT_OF_RANGE';
      throw e1;
    }
    if (typeof keylen !== 'number' || keylen < 0 || keylen % 1 !== 0) {
      var e2 = new RangeError('The value of "keylen" is out of range. It must be an integer ' +
        '>= 0. Received ' + keylen);
      e2.code = 'ERR_OUT_OF_RANGE';
      throw e2;
    }
    if (keylen === 0) return Buffer.alloc(0);
    setPart(password, 'utf8');
    var pwEnc = partEnc, pw = partData;
    setPart(salt, 'utf8');
    var out = host.pbkdf2(name, pwEnc, pw, partEnc, partData, iterations, keylen);
    if (out === '') {
      throw new Error('rulesim: pbkdf2 with ' + iterations + ' iterations is more work than one ' +
        'login may do in the sandbox');
    }
    return Buffer.from(out, 'hex');
  }

  function later(fn) {
    Promise.resolve().then(fn);
  }

  // Seeded from the host's per-login random stream, so a run reproduces exactly.
  function randomBytes(size, callback) {
    var buf = Buffer.alloc(size);
    for (var i = 0; i < size; i++) buf[i] = Math.floor(host.random() * 256);
    if (typeof callback === 'function') {
      later(function () { callback(null, buf); });
      return undefined;
    }
    return buf;
  }

  function randomUUID() {
    var b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = b.toString('hex');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function randomInt(min, max, callback) {
    if (max === undefined || typeof max === 'function') { callback = max; max = min; min = 0; }
    var n = min + Math.floor(host.random() * (max - min));
    if (typeof callback === 'function') {
      later(function () { callback(null, n); });
      return undefined;
    }
    return n;
  }

  function timingSafeEqual(a, b) {
    var x = viewOf(a);
    var y = viewOf(b);
    if (x === null || y === null) {
      var e0 = new TypeError('The "' + (x === null ? 'buf1' : 'buf2') + '" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.');
      e0.code = 'ERR_INVALID_ARG_TYPE';
      throw e0;
    }
    if (x.length !== y.length) {
      var err = new RangeError('Input buffers must have the same byte length');
      err.code = 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH';
      throw err;
    }
    var diff = 0;
    for (var i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  }

  function notSimulated(name) {
    return function () {
      var err = new Error('crypto.' + name + ' is not simulated by rulesim (only hashes, HMAC, ' +
        'pbkdf2 and random values are). Supply a fake crypto module if a rule needs it.');
      err.code = 'ERR_NOT_SIMULATED';
      throw err;
    };
  }

  module.exports = {
    createHash: createHash,
    createHmac: createHmac,
    pbkdf2Sync: pbkdf2Sync,
    pbkdf2: function (password, salt, iterations, keylen, digest, callback) {
      var result;
      try {
        result = pbkdf2Sync(password, salt, iterations, keylen, digest);
      } catch (e) {
        later(function () { callback(e); });
        return;
      }
      later(function () { callback(null, result); });
    },
    randomBytes: randomBytes,
    pseudoRandomBytes: randomBytes,
    randomUUID: randomUUID,
    randomInt: randomInt,
    timingSafeEqual: timingSafeEqual,
    getHashes: function () { return HASHES.slice(); },
    getCiphers: function () { return []; },
    createCipher: notSimulated('createCipher'),
    createCipheriv: notSimulated('createCipheriv'),
    createDecipher: notSimulated('createDecipher'),
    createDecipheriv: notSimulated('createDecipheriv'),
    createSign: notSimulated('createSign'),
    createVerify: notSimulated('createVerify'),
    publicEncrypt: notSimulated('publicEncrypt'),
    privateDecrypt: notSimulated('privateDecrypt'),
    generateKeyPairSync: notSimulated('generateKeyPairSync'),
    createPublicKey: notSimulated('createPublicKey'),
    createPrivateKey: notSimulated('createPrivateKey')
  };
})
