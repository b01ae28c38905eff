(function (module, exports, require, host) {
  // The `node-fetch` npm package (v2 API), over `host.http`.
  'use strict';

  var Buffer = require('buffer').Buffer;

  var STATUS_TEXT = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently',
    302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'
  };

  function FetchError(message, type, systemError) {
    this.name = 'FetchError';
    this.message = message;
    this.type = type;
    if (systemError) this.code = this.errno = systemError.code;
    this.stack = new Error(message).stack;
  }
  FetchError.prototype = Object.create(Error.prototype);
  FetchError.prototype.constructor = FetchError;

  function Headers(init) {
    this._map = {};
    var self = this;
    if (init instanceof Headers) {
      init.forEach(function (v, k) { self.append(k, v); });
    } else if (Array.isArray(init)) {
      init.forEach(function (pair) { self.append(pair[0], pair[1]); });
    } else if (init && typeof init === 'object') {
      Object.keys(init).forEach(function (k) { self.append(k, init[k]); });
    }
  }
  Headers.prototype.append = function (k, v) {
    k = String(k).toLowerCase();
    this._map[k] = this._map[k] === undefined ? String(v) : this._map[k] + ', ' + String(v);
  };
  Headers.prototype.set = function (k, v) { this._map[String(k).toLowerCase()] = String(v); };
  Headers.prototype.get = function (k) {
    var v = this._map[String(k).toLowerCase()];
    return v === undefined ? null : v;
  };
  Headers.prototype.has = function (k) { return this._map[String(k).toLowerCase()] !== undefined; };
  Headers.prototype.delete = function (k) { delete this._map[String(k).toLowerCase()]; };
  Headers.prototype.forEach = function (fn, thisArg) {
    var self = this;
    Object.keys(this._map).sort().forEach(function (k) { fn.call(thisArg, self._map[k], k, self); });
  };
  Headers.prototype.raw = function () {
    var out = {};
    var self = this;
    Object.keys(this._map).forEach(function (k) { out[k] = [self._map[k]]; });
    return out;
  };
  Headers.prototype.entries = function () {
    var self = this;
    return Object.keys(this._map).sort().map(function (k) { return [k, self._map[k]]; })[Symbol.iterator]();
  };
  Headers.prototype.keys = function () { return Object.keys(this._map).sort()[Symbol.iterator](); };
  Headers.prototype.values = function () {
    var self = this;
    return Object.keys(this._map).sort().map(function (k) { return self._map[k]; })[Symbol.iterator]();
  };
  Headers.prototype[Symbol.iterator] = Headers.prototype.entries;

  function Response(body, init) {
    init = init || {};
    this._body = body === undefined || body === null ? '' : String(body);
    this.status = init.status === undefined ? 200 : init.status;
    this.statusText = init.statusText || STATUS_TEXT[this.status] || '';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.url = init.url || '';
    this.ok = this.status >= 200 && this.status < 300;
    this.redirected = false;
    this.bodyUsed = false;
  }
  Response.prototype._consume = function () {
    if (this.bodyUsed) return Promise.reject(new TypeError('body used already for: ' + this.url));
    this.bodyUsed = true;
    return Promise.resolve(this._body);
  };
  Response.prototype.text = function () { return this._consume(); };
  Response.prototype.json = function () {
    var url = this.url;
    return this._consume().then(function (text) {
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new FetchError('invalid json response body at ' + url + ' reason: ' + e.message, 'invalid-json');
      }
    });
  };
  Response.prototype.buffer = function () {
    return this._consume().then(function (text) { return Buffer.from(text, 'utf8'); });
  };
  Response.prototype.arrayBuffer = function () {
    return this.buffer().then(function (b) { return b.buffer.slice(b.byteOffset, b.byteOffset + b.length); });
  };
  Response.prototype.clone = function () {
    if (this.bodyUsed) throw new Error('cannot clone body after it is used');
    return new Response(this._body, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers), url: this.url });
  };

  function fetch(url, opts) {
    opts = opts || {};
    return new Promise(function (resolve, reject) {
      var href = url && typeof url === 'object' ? (url.href || url.url || String(url)) : String(url);
      if (!/^https?:\/\//i.test(href)) {
        reject(new TypeError('Only absolute URLs are supported'));
        return;
      }
      var headers = new Headers(opts.headers);
      var body = opts.body;
      if (body !== undefined && body !== null) {
        if (body instanceof Uint8Array) body = Buffer.from(body).toString('utf8');
        else if (body && body._list && typeof body.toString === 'function') { // URLSearchParams
          if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
          body = body.toString();
        } else {
          if (typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
          body = String(body);
        }
      } else {
        body = undefined;
      }
      if (!headers.has('accept')) headers.set('accept', '*/*');
      var method = String(opts.method || 'GET').toUpperCase();
      var hostReq = { method: method, url: href, headers: Object.assign({}, headers._map), body: body };
      if (opts.timeout) hostReq.timeoutMs = opts.timeout;
      host.http(hostReq, function (err, res) {
        if (err) {
          var timedOut = err.code === 'ETIMEDOUT' || err.code === 'ESOCKETTIMEDOUT';
          if (timedOut && opts.timeout) reject(new FetchError('network timeout at: ' + href, 'request-timeout'));
          else reject(new FetchError('request to ' + href + ' failed, reason: ' + err.message, 'system', err));
          return;
        }
        resolve(new Response(res.body, { status: res.status, headers: res.headers || {}, url: href }));
      });
    });
  }

  fetch.default = fetch;
  fetch.Headers = Headers;
  fetch.Response = Response;
  fetch.FetchError = FetchError;
  fetch.isRedirect = function (code) { return code === 301 || code === 302 || code === 303 || code === 307 || code === 308; };
  module.exports = fetch;
})
