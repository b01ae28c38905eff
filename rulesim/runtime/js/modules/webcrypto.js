(function (module, exports, require, host) {
  // Web Crypto's `crypto` and `Crypto`, globals from Node 19 on (installed for node22 Actions by
  // internal/globals' installNode22). getRandomValues and randomUUID draw from the login's
  // seeded generator through the crypto module, with Node 22's checks and messages (its
  // DOMExceptions are Errors of the same name and code here). Of `subtle`, only digest is
  // emulated (on the crypto module's native digests): each other method rejects with the
  // ReferenceError that ends the Action as unsupported_global (rulesim/sources/node_globals.py),
  // never a silent undefined; the call's line is the one reported (an error thrown by a getter
  // gets QuickJS's line of the last call before it).
  'use strict';

  var errors = require('internal/errors');
  var typeError = errors.typeError, domException = errors.domException;
  var INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
  function Crypto() { throw typeError('Illegal constructor', 'ERR_ILLEGAL_CONSTRUCTOR'); }
  var webcrypto = Object.create(Crypto.prototype);
  function thisCrypto(self) {
    if (self !== webcrypto) throw typeError('Value of "this" must be of type Crypto', 'ERR_INVALID_THIS');
  }
  function isIntegerArray(v) {
    if (!ArrayBuffer.isView(v)) return false;
    for (var i = 0; i < INTEGER_ARRAYS.length; i++) if (v instanceof INTEGER_ARRAYS[i]) return true;
    return false;
  }
  var cryptoMethods = {
    getRandomValues: function getRandomValues(data) {
      thisCrypto(this);
      if (arguments.length === 0) {
        throw typeError("Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present.", 'ERR_MISSING_ARGS');
      }
      if (!isIntegerArray(data)) throw domException('TypeMismatchError', 'The data argument must be an integer-type TypedArray', 17);
      if (data.byteLength > 65536) throw domException('QuotaExceededError', 'The requested length exceeds 65,536 bytes', 22);
      if (data.byteLength > 0) new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(require('crypto').randomBytes(data.byteLength));
      return data;
    },
    randomUUID: function randomUUID() {
      thisCrypto(this);
      return require('crypto').randomUUID();
    },
  };
  // SubtleCrypto's methods in Node's order, with their lengths; digest is emulated.
  var SUBTLE_METHODS = [['encrypt', 3], ['decrypt', 3], ['sign', 3], ['verify', 4], ['digest', 2], ['generateKey', 3],
    ['deriveKey', 5], ['deriveBits', 3], ['importKey', 5], ['exportKey', 2], ['wrapKey', 4], ['unwrapKey', 7]];
  function SubtleCrypto() { Crypto(); }
  var subtle = Object.create(SubtleCrypto.prototype);
  var DIGESTS = { __proto__: null, 'sha-1': 'sha1', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' };
  // digest(algorithm, data): a promise of the ArrayBuffer of the hash, its errors rejections.
  function digest(self, args) {
    if (self !== subtle) throw typeError('Value of "this" must be of type SubtleCrypto', 'ERR_INVALID_THIS');
    if (args.length < 2) {
      throw typeError("Failed to execute 'digest' on 'SubtleCrypto': 2 arguments required, but only " + args.length + ' present.', 'ERR_MISSING_ARGS');
    }
    var algorithm = args[0], data = args[1], name = algorithm;
    if (algorithm !== null && typeof algorithm === 'object') {
      name = algorithm.name;
      if (name === undefined) {
        throw typeError("Failed to normalize algorithm: passed algorithm can not be converted to 'Algorithm' because 'name' is required in 'Algorithm'.", 'ERR_MISSING_OPTION');
      }
    }
    var hash = DIGESTS[String(name).toLowerCase()];
    if (hash === undefined) throw domException('NotSupportedError', 'Unrecognized algorithm name', 9);
    var bytes;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      throw typeError("Failed to execute 'digest' on 'SubtleCrypto': 2nd argument is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.", 'ERR_INVALID_ARG_TYPE');
    }
    var out = require('crypto').createHash(hash).update(require('buffer').Buffer.from(bytes)).digest();
    var result = new ArrayBuffer(out.length);
    new Uint8Array(result).set(out);
    return result;
  }
  SUBTLE_METHODS.forEach(function (entry) {
    var name = entry[0], method;
    if (name === 'digest') {
      method = { m: function () {
        var self = this, args = arguments;
        return new Promise(function (resolve) { resolve(digest(self, args)); });
      } }.m;
    } else {
      method = { m: function () { return Promise.reject(new ReferenceError('crypto.subtle.' + name + ' is not defined')); } }.m;
    }
    Object.defineProperty(method, 'name', { value: name, configurable: true });
    Object.defineProperty(method, 'length', { value: entry[1], configurable: true });
    Object.defineProperty(SubtleCrypto.prototype, name, { value: method, writable: true, enumerable: true, configurable: true });
  });
  Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });
  Object.defineProperty(Crypto.prototype, 'subtle', {
    get: function () { thisCrypto(this); return subtle; },
    enumerable: true, configurable: true,
  });
  Object.defineProperty(Crypto.prototype, 'getRandomValues', { value: cryptoMethods.getRandomValues, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(Crypto.prototype, 'randomUUID', { value: cryptoMethods.randomUUID, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(Crypto.prototype, Symbol.toStringTag, { value: 'Crypto', configurable: true });


  module.exports = { crypto: webcrypto, Crypto: Crypto };
})
