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

  function b64url(bytes) { return Buffer.from(bytes).toString('base64url'); }
  function b64urlJson(obj) { return Buffer.from(JSON.stringify(obj), 'utf8').toString('base64url'); }

  function hmacSign(alg, input, secret) {
    return crypto.createHmac(HMAC[alg], secret).update(input).digest('base64url');
  }

  function keyOf(secret) {
    if (typeof secret === 'string' || secret instanceof Uint8Array) return secret;
    if (secret && typeof secret === 'object' && secret.key !== undefined) return secret.key;
    return secret;
  }

  var CLAIM_OPTIONS = { audience: 'aud', issuer: 'iss', subject: 'sub', jwtid: 'jti' };

  function sign(payload, secretOrPrivateKey, options, callback) {
    if (typeof options === 'function') { callback = options; options = {}; }
    options = options || {};
    function failure(err) {
      if (callback) {
        Promise.resolve().then(function () { callback(err); });
        return undefined;
      }
      throw err;
    }
    var isObjectPayload = payload !== null && typeof payload === 'object' && !(payload instanceof Uint8Array);
    var alg = options.algorithm || 'HS256';
    var key = keyOf(secretOrPrivateKey);
    if (alg !== 'none' && (key === undefined || key === null || key === '' || (key instanceof Uint8Array && key.length === 0))) {
      return failure(new Error('secretOrPrivateKey must have a value'));
    }
    if (alg !== 'none' && !HMAC[alg]) {
      if (/^(RS|PS|ES)\d+$/.test(alg)) {
        return failure(new Error('rulesim simulates jsonwebtoken with HMAC keys only (HS256/HS384/HS512); ' + alg + ' is not simulated'));
      }
      return failure(new Error('"algorithm" must be a valid string enum value'));
    }
    if (payload === undefined) return failure(new Error('payload is required'));
    if (!isObjectPayload) {
      var bad = ['expiresIn', 'notBefore', 'noTimestamp'].filter(function (k) { return options[k] !== undefined; });
      if (bad.length) return failure(new Error('invalid ' + bad[0] + ' option for ' + typeof payload + ' payload'));
    }
    var header = Object.assign({ alg: alg, typ: isObjectPayload ? 'JWT' : undefined, kid: options.keyid }, options.header);
    var claims = isObjectPayload ? Object.assign({}, payload) : payload;
    if (isObjectPayload) {
      if (claims.exp !== undefined && options.expiresIn !== undefined) {
        return failure(new Error('Bad "options.expiresIn" option the payload already has an "exp" property.'));
      }
      if (claims.nbf !== undefined && options.notBefore !== undefined) {
        return failure(new Error('Bad "options.notBefore" option the payload already has an "nbf" property.'));
      }
      var timestamp = claims.iat || Math.floor(Date.now() / 1000);
      if (options.noTimestamp) delete claims.iat;
      else claims.iat = timestamp;
      if (options.notBefore !== undefined) {
        claims.nbf = timespan(options.notBefore, timestamp);
        if (claims.nbf === undefined) {
          return failure(new Error('"notBefore" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        }
      }
      if (options.expiresIn !== undefined) {
        claims.exp = timespan(options.expiresIn, timestamp);
        if (claims.exp === undefined) {
          return failure(new Error('"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        }
      }
      var keys = Object.keys(CLAIM_OPTIONS);
      for (var i = 0; i < keys.length; i++) {
        var opt = keys[i];
        var claim = CLAIM_OPTIONS[opt];
        if (options[opt] === undefined) continue;
        if (claims[claim] !== undefined) {
          return failure(new Error('Bad "options.' + opt + '" option. The payload already has an "' + claim + '" property.'));
        }
        claims[claim] = options[opt];
      }
    }
    var body = typeof claims === 'string' ? Buffer.from(claims, 'utf8').toString('base64url')
      : claims instanceof Uint8Array ? b64url(claims) : b64urlJson(claims);
    var input = b64urlJson(header) + '.' + body;
    var token = input + '.' + (alg === 'none' ? '' : hmacSign(alg, input, key));
    if (callback) {
      Promise.resolve().then(function () { callback(null, token); });
      return undefined;
    }
    return token;
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
    if (options.clockTimestamp !== undefined && typeof options.clockTimestamp !== 'number') {
      return done(new JsonWebTokenError('clockTimestamp must be a number'));
    }
    var now = options.clockTimestamp || Math.floor(Date.now() / 1000);
    var tolerance = options.clockTolerance || 0;
    if (!token) return done(new JsonWebTokenError('jwt must be provided'));
    if (typeof token !== 'string') return done(new JsonWebTokenError('jwt must be a string'));
    var parts = token.split('.');
    if (parts.length !== 3) return done(new JsonWebTokenError('jwt malformed'));
    var decoded = decode(token, { complete: true });
    if (!decoded) return done(new JsonWebTokenError('invalid token'));
    var header = decoded.header;
    var hasSignature = parts[2].trim() !== '';
    if (!hasSignature && secretOrPublicKey) return done(new JsonWebTokenError('jwt signature is required'));
    if (hasSignature && !secretOrPublicKey) return done(new JsonWebTokenError('secret or public key must be provided'));
    var key = keyOf(secretOrPublicKey);
    var algorithms = options.algorithms || (hasSignature ? ['HS256', 'HS384', 'HS512'] : ['none']);
    if (algorithms.indexOf(header.alg) === -1) return done(new JsonWebTokenError('invalid algorithm'));
    if (hasSignature) {
      if (!HMAC[header.alg]) return done(new JsonWebTokenError('invalid algorithm'));
      var expected = hmacSign(header.alg, parts[0] + '.' + parts[1], key);
      if (expected !== parts[2]) return done(new JsonWebTokenError('invalid signature'));
    }
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
    if (options.complete) return done(null, { header: header, payload: payload, signature: parts[2] });
    return done(null, payload);
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
