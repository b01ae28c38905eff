(function installNodeGlobals(target, host, options) {
  // The Node 18/22 globals post-login Actions use that the Rules runtime does not define:
  // fetch (with Headers, Request, Response, FormData), URL and URLSearchParams, TextEncoder and
  // TextDecoder, structuredClone, AbortController/AbortSignal, atob/btoa, queueMicrotask and a
  // `process` whose `env` is empty. Installed on `target` (the sandbox's global object) by
  // installActions(...).installGlobals(target); what is already there is left alone.
  //
  // fetch goes to the host-operation outbox as a `host.http` request, like the `request` and
  // `node-fetch` emulations: it resolves with any HTTP status and rejects (TypeError 'fetch
  // failed', the cause attached) only on a network failure or an abort.
  //
  // URL and URLSearchParams are the `url` module's classes (host.require('url')): one
  // implementation for Rules and Actions. Overlap to merge later: TextEncoder/TextDecoder and
  // `process` here duplicate what a Rules-globals installer under runtime/js/modules/ is being
  // given; when both exist, one module should export them and both installers use it.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var installed = [];
  function give(name, value) {
    if (hasOwn.call(target, name) && target[name] !== undefined) return;
    Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }

  // ------------------------------------------------------------------ URL
  var urlModule = host.require ? host.require('url') : null;
  if (urlModule) { give('URL', urlModule.URL); give('URLSearchParams', urlModule.URLSearchParams); }
  // fetch normalises its URL by parsing it again (new URL(url).href, about 20 µs). A URL in
  // the form below is its own href under the url module's parser: an http(s) URL with a
  // lower-case ASCII host whose last label starts with a letter (a host that ends in a number
  // is an IPv4 address the parser rewrites), no userinfo, port or fragment, a path without dot
  // segments and a query of characters the parser keeps as they are (what URLSearchParams
  // writes). fetch takes it as it is when URL and its href getter are still the module's
  // (tests/runtime/actions/test_fetch_url.py checks the claim on tables and generated URLs).
  var URLClass = urlModule ? urlModule.URL : null;
  var urlHref = URLClass ? Object.getOwnPropertyDescriptor(URLClass.prototype, 'href').get : null;
  var CANONICAL_URL = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?:\/(?:[A-Za-z0-9_~!$&'()*+,;=:@-][A-Za-z0-9._~!$&'()*+,;=:@%-]*)?)+(?:\?[A-Za-z0-9._~!$&()*+,;=:@\/?%-]*)?$/;
  function normalHref(url) {
    if (target.URL === URLClass && URLClass !== null && CANONICAL_URL.test(url) &&
        Object.getOwnPropertyDescriptor(URLClass.prototype, 'href').get === urlHref) return url;
    return target.URL ? new target.URL(url).href : url;
  }

  // ------------------------------------------------------------------ TextEncoder / TextDecoder
  function TextEncoder() {}
  Object.defineProperty(TextEncoder.prototype, 'encoding', { get: function () { return 'utf-8'; } });
  TextEncoder.prototype.encode = function encode(input) {
    var s = input === undefined ? '' : String(input);
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  };
  function TextDecoder(label, opts) {
    var enc = String(label === undefined ? 'utf-8' : label).toLowerCase();
    if (enc !== 'utf-8' && enc !== 'utf8') throw new RangeError('The "' + label + '" encoding is not supported');
    this.fatal = !!(opts && opts.fatal);
  }
  Object.defineProperty(TextDecoder.prototype, 'encoding', { get: function () { return 'utf-8'; } });
  TextDecoder.prototype.decode = function decode(input) {
    if (input === undefined) return '';
    var b = input instanceof Uint8Array ? input
      : (ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input));
    var out = '', i = 0, fatal = this.fatal;
    function bad() { if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8'); return '\ufffd'; }
    while (i < b.length) {
      var c = b[i++];
      if (c < 0x80) { out += String.fromCharCode(c); continue; }
      var n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
      if (n < 0 || i + n > b.length) { out += bad(); continue; }
      var cp = c & (0x3f >> n), ok = true;
      for (var k = 0; k < n; k++) { var x = b[i + k]; if ((x & 0xc0) !== 0x80) { ok = false; break; } cp = (cp << 6) | (x & 63); }
      if (!ok) { out += bad(); continue; }
      i += n;
      out += String.fromCodePoint(cp);
    }
    return out;
  };
  give('TextEncoder', TextEncoder);
  give('TextDecoder', TextDecoder);

  // ------------------------------------------------------------------ structuredClone
  function DataCloneError(message) { var e = new Error(message); e.name = 'DataCloneError'; return e; }
  function structuredClone(value) {
    var seen = new Map();
    function copy(v) {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
        if (typeof v === 'symbol') throw DataCloneError(String(v) + ' could not be cloned.');
        return v;
      }
      if (typeof v === 'function') throw DataCloneError((v.name ? 'function ' + v.name : 'function') + ' could not be cloned.');
      if (seen.has(v)) return seen.get(v);
      var out;
      if (Array.isArray(v)) { out = []; seen.set(v, out); for (var i = 0; i < v.length; i++) out[i] = copy(v[i]); return out; }
      if (v instanceof Date) { out = new Date(v.getTime()); seen.set(v, out); return out; }
      if (v instanceof RegExp) { out = new RegExp(v.source, v.flags); seen.set(v, out); return out; }
      if (v instanceof Map) { out = new Map(); seen.set(v, out); v.forEach(function (val, key) { out.set(copy(key), copy(val)); }); return out; }
      if (v instanceof Set) { out = new Set(); seen.set(v, out); v.forEach(function (val) { out.add(copy(val)); }); return out; }
      if (ArrayBuffer.isView(v)) { out = new v.constructor(v); seen.set(v, out); return out; }
      if (v instanceof ArrayBuffer) { out = v.slice(0); seen.set(v, out); return out; }
      if (v instanceof Error) { out = new Error(v.message); out.name = v.name; seen.set(v, out); return out; }
      out = {};
      seen.set(v, out);
      for (var k in v) if (hasOwn.call(v, k)) out[k] = copy(v[k]);
      return out;
    }
    return copy(value);
  }
  give('structuredClone', structuredClone);

  // ------------------------------------------------------------------ AbortController
  function AbortSignal() { this.aborted = false; this.reason = undefined; this._listeners = []; this.onabort = null; }
  AbortSignal.prototype.addEventListener = function (type, fn) { if (type === 'abort' && typeof fn === 'function') this._listeners.push(fn); };
  AbortSignal.prototype.removeEventListener = function (type, fn) { this._listeners = this._listeners.filter(function (f) { return f !== fn; }); };
  AbortSignal.prototype.throwIfAborted = function () { if (this.aborted) throw this.reason; };
  function abortError(message) { var e = new Error(message || 'This operation was aborted'); e.name = 'AbortError'; e.code = 20; return e; }
  function doAbort(signal, reason) {
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason === undefined ? abortError() : reason;
    var ev = { type: 'abort', target: signal };
    if (typeof signal.onabort === 'function') signal.onabort(ev);
    signal._listeners.slice().forEach(function (fn) { fn(ev); });
  }
  AbortSignal.abort = function (reason) { var s = new AbortSignal(); doAbort(s, reason); return s; };
  AbortSignal.timeout = function (ms) {
    var s = new AbortSignal();
    target.setTimeout(function () { var e = new Error('The operation was aborted due to timeout'); e.name = 'TimeoutError'; e.code = 23; doAbort(s, e); }, ms);
    return s;
  };
  function AbortController() { this.signal = new AbortSignal(); }
  AbortController.prototype.abort = function (reason) { doAbort(this.signal, reason); };
  give('AbortController', AbortController);
  give('AbortSignal', AbortSignal);

  // ------------------------------------------------------------------ fetch
  function Headers(init) {
    this._map = {};
    var self = this;
    if (init instanceof Headers) init.forEach(function (v, k) { self.append(k, v); });
    else if (Array.isArray(init)) init.forEach(function (p) { self.append(p[0], p[1]); });
    else if (init && typeof init === 'object') Object.keys(init).forEach(function (k) { self.append(k, init[k]); });
  }
  Headers.prototype.append = function (k, v) { k = String(k).toLowerCase(); this._map[k] = hasOwn.call(this._map, k) ? this._map[k] + ', ' + String(v) : String(v); };
  Headers.prototype.set = function (k, v) { this._map[String(k).toLowerCase()] = String(v); };
  Headers.prototype.get = function (k) { var v = this._map[String(k).toLowerCase()]; return v === undefined ? null : v; };
  Headers.prototype.has = function (k) { return hasOwn.call(this._map, String(k).toLowerCase()); };
  Headers.prototype.delete = function (k) { delete this._map[String(k).toLowerCase()]; };
  Headers.prototype.forEach = function (fn, thisArg) { var m = this._map; Object.keys(m).sort().forEach(function (k) { fn.call(thisArg, m[k], k); }); };
  Headers.prototype.entries = function () { var m = this._map; return Object.keys(m).sort().map(function (k) { return [k, m[k]]; })[Symbol.iterator](); };
  Headers.prototype.keys = function () { return Object.keys(this._map).sort()[Symbol.iterator](); };
  Headers.prototype.values = function () { var m = this._map; return Object.keys(m).sort().map(function (k) { return m[k]; })[Symbol.iterator](); };
  Headers.prototype[Symbol.iterator] = Headers.prototype.entries;

  function FormData() { this._entries = []; }
  FormData.prototype.append = function (k, v) { this._entries.push([String(k), String(v)]); };
  FormData.prototype.set = function (k, v) { this.delete(k); this.append(k, v); };
  FormData.prototype.get = function (k) { for (var i = 0; i < this._entries.length; i++) if (this._entries[i][0] === String(k)) return this._entries[i][1]; return null; };
  FormData.prototype.getAll = function (k) { return this._entries.filter(function (e) { return e[0] === String(k); }).map(function (e) { return e[1]; }); };
  FormData.prototype.has = function (k) { return this.get(k) !== null; };
  FormData.prototype.delete = function (k) { this._entries = this._entries.filter(function (e) { return e[0] !== String(k); }); };
  FormData.prototype.entries = function () { return this._entries.slice()[Symbol.iterator](); };
  FormData.prototype[Symbol.iterator] = FormData.prototype.entries;

  function bodyText(body, headers) {
    if (body === undefined || body === null) return undefined;
    if (typeof body === 'string') { if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8'); return body; }
    if (target.URLSearchParams && body instanceof target.URLSearchParams) {
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      return body.toString();
    }
    if (body instanceof FormData) {
      var boundary = '----rulesim-formdata';
      if (!headers.has('content-type')) headers.set('content-type', 'multipart/form-data; boundary=' + boundary);
      return body._entries.map(function (e) { return '--' + boundary + '\r\nContent-Disposition: form-data; name="' + e[0] + '"\r\n\r\n' + e[1] + '\r\n'; }).join('') + '--' + boundary + '--\r\n';
    }
    if (body instanceof Uint8Array || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
    return String(body);
  }
  function Response(body, init) {
    init = init || {};
    this._body = body === undefined || body === null ? '' : String(body);
    this.status = init.status === undefined ? 200 : init.status;
    this.statusText = init.statusText || '';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.ok = this.status >= 200 && this.status < 300;
    this.url = init.url || '';
    this.redirected = false;
    this.type = 'basic';
    this.bodyUsed = false;
  }
  Response.prototype._consume = function () {
    if (this.bodyUsed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.bodyUsed = true;
    return Promise.resolve(this._body);
  };
  Response.prototype.text = function () { return this._consume(); };
  Response.prototype.json = function () { return this._consume().then(function (t) { return JSON.parse(t); }); };
  Response.prototype.arrayBuffer = function () { return this._consume().then(function (t) { return new TextEncoder().encode(t).buffer; }); };
  Response.prototype.clone = function () {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return new Response(this._body, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers), url: this.url });
  };
  Response.json = function (data, init) {
    init = init || {};
    var h = new Headers(init.headers);
    if (!h.has('content-type')) h.set('content-type', 'application/json');
    return new Response(JSON.stringify(data), { status: init.status, statusText: init.statusText, headers: h });
  };
  function Request(input, init) {
    init = init || {};
    this.url = input instanceof Request ? input.url : String(input && input.href ? input.href : input);
    this.method = String(init.method || (input instanceof Request ? input.method : 'GET')).toUpperCase();
    this.headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    this._body = init.body !== undefined ? init.body : (input instanceof Request ? input._body : undefined);
    this.signal = init.signal || (input instanceof Request ? input.signal : undefined);
  }
  function fetch(input, init) {
    var req = new Request(input, init);
    return new Promise(function (resolve, reject) {
      var href;
      try { href = normalHref(req.url); } catch (e) { reject(new TypeError('Failed to parse URL from ' + req.url)); return; }
      if (!/^https?:\/\//i.test(href)) { reject(new TypeError('fetch failed')); return; }
      var signal = req.signal;
      if (signal && signal.aborted) { reject(signal.reason); return; }
      var body = bodyText(req._body, req.headers);
      if (!req.headers.has('accept')) req.headers.set('accept', '*/*');
      var done = false;
      if (signal) signal.addEventListener('abort', function () { if (!done) { done = true; reject(signal.reason); } });
      host.http({ method: req.method, url: href, headers: Object.assign({}, req.headers._map), body: body }, function (err, res) {
        if (done) return;
        done = true;
        if (err) { var e = new TypeError('fetch failed'); e.cause = err; reject(e); return; }
        resolve(new Response(res.body, { status: res.status, headers: res.headers || {}, url: href }));
      });
    });
  }
  give('fetch', fetch);
  give('Headers', Headers);
  give('Request', Request);
  give('Response', Response);
  give('FormData', FormData);

  // ------------------------------------------------------------------ atob/btoa, microtasks, process
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  give('btoa', function btoa(s) {
    s = String(s);
    var out = '';
    for (var i = 0; i < s.length; i += 3) {
      var a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) { var e = new Error('Invalid character'); e.name = 'InvalidCharacterError'; throw e; }
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  });
  give('atob', function atob(s) {
    s = String(s).replace(/[\t\n\f\r ]/g, '').replace(/=+$/, '');
    var out = '', bits = 0, acc = 0;
    for (var i = 0; i < s.length; i++) {
      var v = B64.indexOf(s[i]);
      if (v < 0) { var e = new Error('The string to be decoded is not correctly encoded.'); e.name = 'InvalidCharacterError'; throw e; }
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
    }
    return out;
  });
  give('queueMicrotask', function queueMicrotask(fn) { Promise.resolve().then(function () { fn(); }); });
  var versions = { node: (options && options.nodeVersion) || '22.12.0' };
  give('process', {
    env: {},
    version: 'v' + versions.node,
    versions: versions,
    platform: 'linux',
    arch: 'x64',
    argv: [],
    cwd: function () { return '/'; },
    nextTick: function (fn) { var args = Array.prototype.slice.call(arguments, 1); Promise.resolve().then(function () { fn.apply(undefined, args); }); },
    hrtime: Object.assign(function () { var t = host.now(); return [Math.floor(t / 1000), (t % 1000) * 1e6]; },
      { bigint: function () { return BigInt(Math.floor(host.now())) * 1000000n; } }),
    emitWarning: function () {},
  });
  return installed;   // the names defined (those already present are left alone)
})
