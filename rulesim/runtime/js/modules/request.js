(function (module, exports, require, host) {
  // The `request` npm package (callback API). Every call goes to `host.http`, i.e. to rulesim's
  // fake external services; nothing reaches a network.
  'use strict';

  var Buffer = require('buffer').Buffer;
  var EventEmitter = require('events');
  var querystring = require('querystring');

  var METHODS = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', del: 'DELETE', delete: 'DELETE', head: 'HEAD', options: 'OPTIONS' };

  // Regular expressions, made once: a literal in a function makes a new object at every call.
  var ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:\/\//i;
  var HTTP_URI = /^https?:\/\//i;
  var TRAILING_SLASHES = /\/+$/;
  var LEADING_SLASHES = /^\/+/;
  var ENDS_WITH_SEPARATOR = /[?&]$/;
  var USERINFO = /^(https?:\/\/)([^/@]+)@/;
  var RFC3986_RESERVED = /[!'()*]/;
  var RFC3986_RESERVED_ALL = /[!'()*]/g;

  function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
  }

  // The `qs` package's default form: nested keys in brackets, arrays with indices.
  function qsStringify(obj, prefix) {
    var parts = [];
    var keys = Object.keys(obj);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      var v = obj[k];
      var key = prefix ? prefix + '[' + k + ']' : k;
      if (v === undefined || typeof v === 'function') continue;
      if (v === null) {
        parts.push(encodeRfc3986(key) + '=');
      } else if (Array.isArray(v) || isPlainObject(v)) {
        var inner = qsStringify(v, key);
        if (inner) parts.push(inner);
      } else {
        parts.push(encodeRfc3986(key) + '=' + encodeRfc3986(v instanceof Date ? v.toISOString() : String(v)));
      }
    }
    return parts.join('&');
  }

  function percentEncoded(c) {
    return '%' + c.charCodeAt(0).toString(16).toUpperCase();
  }
  // encodeURIComponent, and the characters it leaves that RFC 3986 reserves (as qs does).
  function encodeRfc3986(s) {
    var encoded = encodeURIComponent(s);
    return RFC3986_RESERVED.test(encoded) ? encoded.replace(RFC3986_RESERVED_ALL, percentEncoded) : encoded;
  }

  function lowerHeaders(h) {
    var out = {};
    if (!h) return out;
    var keys = Object.keys(h);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (h[k] !== undefined && h[k] !== null) out[k.toLowerCase()] = String(h[k]);
    }
    return out;
  }

  function mergeDefaults(defaults, options) {
    var out = Object.assign({}, defaults, options);
    if (defaults.headers || options.headers) {
      out.headers = Object.assign({}, defaults.headers, options.headers);
    }
    return out;
  }

  // request(uri, options, callback) in any of its shapes -> one options object.
  function initParams(uri, options, callback) {
    if (typeof options === 'function') { callback = options; options = undefined; }
    var params = {};
    if (options !== null && typeof options === 'object') {
      params = Object.assign({}, options);
      if (typeof uri === 'string') params.uri = uri;
    } else if (typeof uri === 'string') {
      params = { uri: uri };
    } else if (uri !== null && typeof uri === 'object') {
      params = Object.assign({}, uri);
    }
    params.callback = callback || params.callback;
    return params;
  }

  function buildUrl(params) {
    var uri = params.uri !== undefined ? params.uri : params.url;
    if (uri && typeof uri === 'object') uri = uri.href || String(uri);
    if (typeof uri !== 'string' || uri === '') throw new Error('options.uri is a required argument');
    if (params.baseUrl) {
      if (ABSOLUTE_URI.test(uri)) throw new Error('options.uri must be a path when using options.baseUrl');
      var base = String(params.baseUrl);
      uri = base.replace(TRAILING_SLASHES, '') + '/' + uri.replace(LEADING_SLASHES, '');
      if (uri.slice(-1) === '/' && base.slice(-1) !== '/' && params.uri === '') uri = uri.slice(0, -1);
    }
    if (!HTTP_URI.test(uri)) throw new Error('Invalid URI "' + uri + '"');
    if (params.qs && typeof params.qs === 'object') {
      var extra = params.useQuerystring ? querystring.stringify(params.qs) : qsStringify(params.qs);
      if (extra) {
        var hashAt = uri.indexOf('#');
        var frag = hashAt >= 0 ? uri.slice(hashAt) : '';
        if (hashAt >= 0) uri = uri.slice(0, hashAt);
        uri += (uri.indexOf('?') >= 0 ? (ENDS_WITH_SEPARATOR.test(uri) ? '' : '&') : '?') + extra + frag;
      }
    }
    return uri;
  }

  // Turns request options into the host's request shape.
  function toHostRequest(params) {
    var url = buildUrl(params);
    var headers = lowerHeaders(params.headers);
    var body;
    // user:pass@ in the URL becomes basic auth, as request does.
    var m = url.indexOf('@') < 0 ? null : USERINFO.exec(url);
    if (m) {
      url = m[1] + url.slice(m[0].length);
      if (!headers.authorization) headers.authorization = 'Basic ' + Buffer.from(decodeURIComponent(m[2])).toString('base64');
    }
    if (params.auth) {
      var a = params.auth;
      if (a.bearer !== undefined) {
        var bearer = typeof a.bearer === 'function' ? a.bearer() : a.bearer;
        headers.authorization = 'Bearer ' + bearer;
      } else {
        var user = a.user !== undefined ? a.user : a.username;
        var pass = a.pass !== undefined ? a.pass : a.password;
        headers.authorization = 'Basic ' + Buffer.from(String(user || '') + ':' + String(pass || '')).toString('base64');
      }
    }
    if (params.form !== undefined) {
      body = typeof params.form === 'string' ? params.form : qsStringify(params.form);
      headers['content-type'] = headers['content-type'] || 'application/x-www-form-urlencoded';
    } else if (params.json !== undefined && params.json !== false && params.json !== true) {
      body = JSON.stringify(params.json);
      headers['content-type'] = headers['content-type'] || 'application/json';
    } else if (params.body !== undefined) {
      if (params.json === true && typeof params.body !== 'string' && !(params.body instanceof Uint8Array)) {
        body = JSON.stringify(params.body);
        headers['content-type'] = headers['content-type'] || 'application/json';
      } else if (typeof params.body === 'string') {
        body = params.body;
      } else if (params.body instanceof Uint8Array) {
        body = Buffer.from(params.body).toString('utf8');
      } else {
        throw new Error('Argument error, options.body.');
      }
    }
    if (params.json && !headers.accept) headers.accept = 'application/json';
    var method = String(params.method || 'GET').toUpperCase();
    var req = { method: method, url: url, headers: headers, body: body };
    if (typeof params.timeout === 'number') req.timeoutMs = params.timeout;
    return req;
  }

  function parseBody(params, raw) {
    if (params.encoding === null) return Buffer.from(raw || '', 'utf8');
    // An empty answer with `json` set: request's JSON.parse fails and the body stays undefined.
    if (params.json && (raw === '' || raw === undefined || raw === null)) return undefined;
    if (params.json && typeof raw === 'string') {
      try {
        return JSON.parse(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
      } catch (e) {
        return raw;
      }
    }
    return raw;
  }

  var STATUS_TEXT = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently',
    302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'
  };

  // The object request() returns: an emitter with response/error/complete events.
  function Request(hostReq) {
    EventEmitter.call(this);
    this.method = hostReq.method;
    this.uri = { href: hostReq.url };
    this.href = hostReq.url;
    this.headers = hostReq.headers;
    this.aborted = false;
  }
  Object.setPrototypeOf(Request.prototype, EventEmitter.prototype);
  Request.prototype.abort = function () { this.aborted = true; };
  Request.prototype.setHeader = function (name, value) { this.headers[String(name).toLowerCase()] = String(value); return this; };
  Request.prototype.pipe = function () { throw new Error('request(...).pipe() is not simulated by rulesim'); };

  function send(params) {
    var callback = typeof params.callback === 'function' ? params.callback : null;
    var hostReq;
    try {
      hostReq = toHostRequest(params);
    } catch (e) {
      // request emits a bad option as an 'error' while it is being built: its callback runs
      // at once, and without a callback the unhandled 'error' event throws.
      if (!callback) throw e;
      var failed = new Request({ method: String(params.method || 'GET').toUpperCase(), url: '', headers: {} });
      callback.call(failed, e);
      return failed;
    }
    var self = new Request(hostReq);
    host.http(hostReq, function (err, res) {
      if (self.aborted) return;
      if (err) {
        if (callback) callback.call(self, err);
        else if (self.listenerCount('error')) self.emit('error', err);
        // Fire-and-forget with no listener: the failure is recorded by the host, not thrown.
        return;
      }
      var body = parseBody(params, res.body);
      var response = {
        statusCode: res.status,
        statusMessage: STATUS_TEXT[res.status] || '',
        headers: res.headers || {},
        body: body,
        request: { uri: self.uri, method: self.method, headers: self.headers, href: self.href },
        toJSON: function () { return { statusCode: res.status, headers: res.headers, body: body }; }
      };
      self.response = response;
      if (self.listenerCount('response')) self.emit('response', response);
      if (callback) callback.call(self, null, response, body);
      if (self.listenerCount('complete')) self.emit('complete', response, body);
    });
    return self;
  }

  function makeRequest(defaults) {
    function request(uri, options, callback) {
      if (typeof uri === 'undefined') throw new Error('undefined is not a valid uri or options object.');
      return send(mergeDefaults(defaults, initParams(uri, options, callback)));
    }
    Object.keys(METHODS).forEach(function (name) {
      request[name] = function (uri, options, callback) {
        var params = initParams(uri, options, callback);
        params.method = METHODS[name];
        return send(mergeDefaults(defaults, params));
      };
    });
    request.defaults = function (opts) {
      if (typeof opts === 'function') throw new Error('request.defaults(requester) is not simulated by rulesim');
      return makeRequest(mergeDefaults(defaults, opts || {}));
    };
    request.jar = function () {
      return { setCookie: function () {}, getCookieString: function () { return ''; }, getCookies: function () { return []; } };
    };
    request.cookie = function (str) { return str; };
    request.initParams = initParams;
    // Shared with request-promise.
    request._toHostRequest = toHostRequest;
    request._parseBody = parseBody;
    request._initParams = initParams;
    request._mergeDefaults = mergeDefaults;
    request._defaults = defaults;
    return request;
  }

  module.exports = makeRequest({});
})
