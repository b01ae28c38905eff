(function (module, exports, require, host) {
  // The `jsonwebtoken` npm package for HMAC keys (HS256, HS384, HS512): sign, verify, decode,
  // with its error classes and messages. Time comes from the sandbox's (virtual) Date.now().
  'use strict';

  var Buffer = require('buffer').Buffer;
  var crypto = require('crypto');

  function JsonWebTokenError(message, error) {
    this.name = 'JsonWebTokenError';
    this.message = message;
    if (error) this.inner = error;
    this.stack = new Error(message).stack;
  }
  JsonWebTokenError.prototype = Object.create(Error.prototype);
  JsonWebTokenError.prototype.constructor = JsonWebTokenError;

  function TokenExpiredError(message, expiredAt) {
    JsonWebTokenError.call(this, message);
    this.name = 'TokenExpiredError';
    this.expiredAt = expiredAt;
  }
  TokenExpiredError.prototype = Object.create(JsonWebTokenError.prototype);
  TokenExpiredError.prototype.constructor = TokenExpiredError;

  function NotBeforeError(message, date) {
    JsonWebTokenError.call(this, message);
    this.name = 'NotBeforeError';
    this.date = date;
  }
  NotBeforeError.prototype = Object.create(JsonWebTokenError.prototype);
  NotBeforeError.prototype.constructor = NotBeforeError;

  var HMAC = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

  // The `ms` package's grammar: '3d', '1h', '2 days', '10m', '100' (milliseconds).
  var UNITS = {
    years: 31557600000, year: 31557600000, yrs: 31557600000, yr: 31557600000, y: 31557600000,
    weeks: 604800000, week: 604800000, w: 604800000,
    days: 86400000, day: 86400000, d: 86400000,
    hours: 3600000, hour: 3600000, hrs: 3600000, hr: 3600000, h: 3600000,
    minutes: 60000, minute: 60000, mins: 60000, min: 60000, m: 60000,
    seconds: 1000, second: 1000, secs: 1000, sec: 1000, s: 1000,
    milliseconds: 1, millisecond: 1, msecs: 1, msec: 1, ms: 1
  };
  function ms(str) {
    var m = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i.exec(String(str));
    if (!m || String(str).length > 100) return undefined;
    var unit = (m[2] || 'ms').toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(UNITS, unit)) return undefined;
    return parseFloat(m[1]) * UNITS[unit];
  }

  // Seconds since the epoch at `timestamp + time`, as jsonwebtoken computes exp/nbf/maxAge.
  function timespan(time, timestamp) {
    if (typeof time === 'string') {
      var millis = ms(time);
      if (millis === undefined) return undefined;
      return Math.floor(timestamp + millis / 1000);
    }
    if (typeof time === 'number') return timestamp + time;
    return undefined;
  }


  function hmacSign(alg, input, secret) {
    return crypto.createHmac(HMAC[alg], secret).update(input).digest('base64url');
  }

  function keyOf(secret) {
    if (secret && typeof secret === 'object' && !(secret instanceof Uint8Array) && secret.key !== undefined) return secret.key;
    return secret;
  }

  // jsonwebtoken 8 validates `options` against a schema and throws on an unknown key
  // (`expiresInMinutes`, dropped in v5, is the classic one) or a value of the wrong type.
  var ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'none'];
  function isString(v) { return typeof v === 'string' || v instanceof String; }
  function isInteger(v) { return typeof v === 'number' && isFinite(v) && Math.floor(v) === v; }
  function isPlainObject(v) {
    if (v === null || typeof v !== 'object' || Object.prototype.toString.call(v) !== '[object Object]') return false;
    var proto = Object.getPrototypeOf(v);
    return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
  }
  function timespanOk(v) { return isInteger(v) || (isString(v) && v !== ''); }
  var SIGN_OPTIONS = {
    expiresIn: [timespanOk, '"expiresIn" should be a number of seconds or string representing a timespan'],
    notBefore: [timespanOk, '"notBefore" should be a number of seconds or string representing a timespan'],
    audience: [function (v) { return isString(v) || Array.isArray(v); }, '"audience" must be a string or array'],
    algorithm: [function (v) { return ALGORITHMS.indexOf(v) >= 0; }, '"algorithm" must be a valid string enum value'],
    header: [isPlainObject, '"header" must be an object'],
    encoding: [isString, '"encoding" must be a string'],
    issuer: [isString, '"issuer" must be a string'],
    subject: [isString, '"subject" must be a string'],
    jwtid: [isString, '"jwtid" must be a string'],
    noTimestamp: [function (v) { return typeof v === 'boolean'; }, '"noTimestamp" must be a boolean'],
    keyid: [isString, '"keyid" must be a string'],
    mutatePayload: [function (v) { return typeof v === 'boolean'; }, '"mutatePayload" must be a boolean']
  };
  var PAYLOAD_CLAIMS = {
    iat: [function (v) { return typeof v === 'number'; }, '"iat" should be a number of seconds'],
    exp: [function (v) { return typeof v === 'number'; }, '"exp" should be a number of seconds'],
    nbf: [function (v) { return typeof v === 'number'; }, '"nbf" should be a number of seconds']
  };
  function validate(schema, allowUnknown, object, name) {
    if (!isPlainObject(object)) throw new Error('Expected "' + name + '" to be a plain object.');
    Object.keys(object).forEach(function (key) {
      var rule = schema[key];
      if (!rule) {
        if (!allowUnknown) throw new Error('"' + key + '" is not allowed in "' + name + '"');
        return;
      }
      if (!rule[0](object[key])) throw new Error(rule[1]);
    });
  }

  var CLAIM_OPTIONS = { audience: 'aud', issuer: 'iss', subject: 'sub', jwtid: 'jti' };
  var OBJECT_ONLY = ['expiresIn', 'notBefore', 'noTimestamp', 'audience', 'issuer', 'subject', 'jwtid'];

  // The signing itself (jws): the header is encoded as latin1, the payload in `encoding`.
  function jwsSign(header, payload, key, encoding) {
    var alg = header.alg;
    var input = Buffer.from(JSON.stringify(header), 'latin1').toString('base64url') + '.' +
      Buffer.from(typeof payload === 'string' ? payload : payload instanceof Uint8Array ? Buffer.from(payload).toString() : JSON.stringify(payload), encoding).toString('base64url');
    if (alg === 'none') return input + '.';
    if (!HMAC[alg]) {
      if (ALGORITHMS.indexOf(alg) >= 0) {
        throw new Error('rulesim simulates jsonwebtoken with HMAC keys only (HS256/HS384/HS512); ' + alg + ' is not simulated');
      }
      throw new TypeError('"' + alg + '" is not a valid algorithm.\n  Supported algorithms are:\n  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" and "none".');
    }
    if (typeof key !== 'string' && !(key instanceof Uint8Array)) throw new TypeError('secret must be a string or bufferor a KeyObject');
    return input + '.' + hmacSign(alg, input, key);
  }

  // jsonwebtoken 8.5's sign(): the same checks in the same order, the same messages. A failure
  // with a callback calls it synchronously, as the package does; the token arrives later.
  function sign(payload, secretOrPrivateKey, options, callback) {
    if (typeof options === 'function') { callback = options; options = {}; } else { options = options || {}; }
    var isObjectPayload = typeof payload === 'object' && !(payload instanceof Buffer);
    var header = Object.assign({ alg: options.algorithm || 'HS256', typ: isObjectPayload ? 'JWT' : undefined, kid: options.keyid }, options.header);
    function failure(err) {
      if (callback) return callback(err);
      throw err;
    }
    if (!secretOrPrivateKey && options.algorithm !== 'none') return failure(new Error('secretOrPrivateKey must have a value'));
    if (typeof payload === 'undefined') return failure(new Error('payload is required'));
    if (isObjectPayload) {
      try { validate(PAYLOAD_CLAIMS, true, payload, 'payload'); } catch (error) { return failure(error); }
      if (!options.mutatePayload) payload = Object.assign({}, payload);
    } else {
      var invalid = OBJECT_ONLY.filter(function (opt) { return typeof options[opt] !== 'undefined'; });
      if (invalid.length > 0) return failure(new Error('invalid ' + invalid.join(',') + ' option for ' + (typeof payload) + ' payload'));
    }
    if (typeof payload.exp !== 'undefined' && typeof options.expiresIn !== 'undefined') {
      return failure(new Error('Bad "options.expiresIn" option the payload already has an "exp" property.'));
    }
    if (typeof payload.nbf !== 'undefined' && typeof options.notBefore !== 'undefined') {
      return failure(new Error('Bad "options.notBefore" option the payload already has an "nbf" property.'));
    }
    try { validate(SIGN_OPTIONS, false, options, 'options'); } catch (error) { return failure(error); }
    var timestamp = payload.iat || Math.floor(Date.now() / 1000);
    if (options.noTimestamp) delete payload.iat;
    else if (isObjectPayload) payload.iat = timestamp;
    if (typeof options.notBefore !== 'undefined') {
      payload.nbf = timespan(options.notBefore, timestamp);
      if (typeof payload.nbf === 'undefined') {
        return failure(new Error('"notBefore" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
      }
    }
    if (typeof options.expiresIn !== 'undefined' && typeof payload === 'object') {
      payload.exp = timespan(options.expiresIn, timestamp);
      if (typeof payload.exp === 'undefined') {
        return failure(new Error('"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
      }
    }
    Object.keys(CLAIM_OPTIONS).forEach(function (key) {
      var claim = CLAIM_OPTIONS[key];
      if (typeof options[key] !== 'undefined') {
        // As in the package, a conflict reports the error and signing goes on.
        if (typeof payload[claim] !== 'undefined') return failure(new Error('Bad "options.' + key + '" option. The payload already has an "' + claim + '" property.'));
        payload[claim] = options[key];
      }
    });
    var encoding = options.encoding || 'utf8';
    if (typeof callback === 'function') {
      var called = false;
      var once = function (err, token) { if (!called) { called = true; callback(err, token); } };
      Promise.resolve().then(function () {
        var token;
        try { token = jwsSign(header, payload, secretOrPrivateKey, encoding); } catch (e) { once(e); return; }
        once(null, token);
      });
      return undefined;
    }
    return jwsSign(header, payload, secretOrPrivateKey, encoding);
  }

  function decode(token, options) {
    options = options || {};
    if (typeof token !== 'string') return null;
    var parts = token.split('.');
    if (parts.length !== 3) return null;
    var header;
    var payload;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64').toString('utf8'));
      payload = Buffer.from(parts[1], 'base64').toString('utf8');
    } catch (e) {
      return null;
    }
    if (header === null || typeof header !== 'object') return null;
    try {
      var obj = JSON.parse(payload);
      if (obj !== null && typeof obj === 'object') payload = obj;
    } catch (e2) {
      // a string payload stays a string
    }
    if (options.complete) return { header: header, payload: payload, signature: parts[2] };
    return payload;
  }

  function verify(token, secretOrPublicKey, options, callback) {
    if (typeof options === 'function' && !callback) { callback = options; options = {}; }
    options = Object.assign({}, options);
    var done = callback || function (err, data) {
      if (err) throw err;
      return data;
    };
    if (options.clockTimestamp && typeof options.clockTimestamp !== 'number') {
      return done(new JsonWebTokenError('clockTimestamp must be a number'));
    }
    if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
      return done(new JsonWebTokenError('nonce must be a non-empty string'));
    }
    var now = options.clockTimestamp || Math.floor(Date.now() / 1000);
    var tolerance = options.clockTolerance || 0;
    if (!token) return done(new JsonWebTokenError('jwt must be provided'));
    if (typeof token !== 'string') return done(new JsonWebTokenError('jwt must be a string'));
    var parts = token.split('.');
    if (parts.length !== 3) return done(new JsonWebTokenError('jwt malformed'));
    var decoded = decode(token, { complete: true });
    if (!decoded) return done(new JsonWebTokenError('invalid token'));
    if (typeof secretOrPublicKey === 'function') {
      if (!callback) return done(new JsonWebTokenError('verify must be called asynchronous if secret or public key is provided as a callback'));
      return secretOrPublicKey(decoded.header, function (err, key) {
        if (err) return done(new JsonWebTokenError('error in secret or public key callback: ' + err.message));
        return checkToken(key);
      });
    }
    return checkToken(secretOrPublicKey);

    function checkToken(secret) {
      var header = decoded.header;
      var hasSignature = parts[2].trim() !== '';
      if (!hasSignature && secret) return done(new JsonWebTokenError('jwt signature is required'));
      if (hasSignature && !secret) return done(new JsonWebTokenError('secret or public key must be provided'));
      var key = keyOf(secret);
      var algorithms = options.algorithms || (hasSignature ? ['HS256', 'HS384', 'HS512'] : ['none']);
      if (algorithms.indexOf(header.alg) === -1) return done(new JsonWebTokenError('invalid algorithm'));
      if (hasSignature) {
        if (!HMAC[header.alg]) return done(new JsonWebTokenError('invalid algorithm'));
        if (typeof key !== 'string' && !(key instanceof Uint8Array)) return done(new TypeError('key must be a string or a buffer or a KeyObject'));
        var expected = hmacSign(header.alg, parts[0] + '.' + parts[1], key);
        if (expected !== parts[2]) return done(new JsonWebTokenError('invalid signature'));
      }
      return checkClaims(header);
    }

    function checkClaims(header) {
      var payload = decoded.payload;
      if (payload.nbf !== undefined && !options.ignoreNotBefore) {
        if (typeof payload.nbf !== 'number') return done(new JsonWebTokenError('invalid nbf value'));
        if (payload.nbf > now + tolerance) return done(new NotBeforeError('jwt not active', new Date(payload.nbf * 1000)));
      }
      if (payload.exp !== undefined && !options.ignoreExpiration) {
        if (typeof payload.exp !== 'number') return done(new JsonWebTokenError('invalid exp value'));
        if (now >= payload.exp + tolerance) return done(new TokenExpiredError('jwt expired', new Date(payload.exp * 1000)));
      }
      if (options.audience) {
        var audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
        var targets = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        var match = targets.some(function (t) {
          return audiences.some(function (a) { return a instanceof RegExp ? a.test(t) : a === t; });
        });
        if (!match) return done(new JsonWebTokenError('jwt audience invalid. expected: ' + audiences.join(' or ')));
      }
      if (options.issuer) {
        var badIssuer = (typeof options.issuer === 'string' && payload.iss !== options.issuer) ||
          (Array.isArray(options.issuer) && options.issuer.indexOf(payload.iss) === -1);
        if (badIssuer) return done(new JsonWebTokenError('jwt issuer invalid. expected: ' + options.issuer));
      }
      if (options.subject && payload.sub !== options.subject) {
        return done(new JsonWebTokenError('jwt subject invalid. expected: ' + options.subject));
      }
      if (options.jwtid && payload.jti !== options.jwtid) {
        return done(new JsonWebTokenError('jwt jwtid invalid. expected: ' + options.jwtid));
      }
      if (options.nonce && payload.nonce !== options.nonce) {
        return done(new JsonWebTokenError('jwt nonce invalid. expected: ' + options.nonce));
      }
      if (options.maxAge) {
        if (typeof payload.iat !== 'number') return done(new JsonWebTokenError('iat required when maxAge is specified'));
        var maxAgeTimestamp = timespan(options.maxAge, payload.iat);
        if (maxAgeTimestamp === undefined) {
          return done(new JsonWebTokenError('"maxAge" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        }
        if (now >= maxAgeTimestamp + tolerance) {
          return done(new TokenExpiredError('maxAge exceeded', new Date(maxAgeTimestamp * 1000)));
        }
      }
      if (options.complete === true) return done(null, { header: header, payload: payload, signature: parts[2] });
      return done(null, payload);
    }
  }

  module.exports = {
    sign: sign,
    verify: verify,
    decode: decode,
    JsonWebTokenError: JsonWebTokenError,
    TokenExpiredError: TokenExpiredError,
    NotBeforeError: NotBeforeError
  };
})
