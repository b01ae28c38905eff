(function (module, exports, require, host) {
  // The `axios` npm package (promise API), over `host.http`. Follows axios 0.2x/1.x behaviour:
  // JSON bodies, `params`, `baseURL`, instances via `create`, interceptors, `validateStatus`,
  // rejection with an AxiosError carrying `response` on non-2xx.
  'use strict';

  var Buffer = require('buffer').Buffer;

  var STATUS_TEXT = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently',
    302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
    500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'
  };

  function isPlainObject(v) {
    if (v === null || typeof v !== 'object') return false;
    var proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  }

  function AxiosError(message, code, config, request, response) {
    this.name = 'AxiosError';
    this.message = message;
    this.code = code;
    this.config = config;
    this.request = request;
    this.response = response;
    this.status = response ? response.status : undefined;
    this.isAxiosError = true;
    this.stack = new Error(message).stack;
  }
  AxiosError.prototype = Object.create(Error.prototype);
  AxiosError.prototype.constructor = AxiosError;
  AxiosError.prototype.toJSON = function () {
    return { message: this.message, name: this.name, code: this.code, status: this.status, config: this.config };
  };

  // axios's default params serializer: arrays as key[]=v, dates as ISO, objects as JSON.
  function encodeParam(s) {
    return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',')
      .replace(/%20/g, '+').replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  }
  function serializeParams(params) {
    if (typeof URLSearchParams !== 'undefined' && params instanceof URLSearchParams) return params.toString();
    if (params && typeof params.toString === 'function' && params._list) return params.toString();
    var parts = [];
    Object.keys(params).forEach(function (key) {
      var val = params[key];
      if (val === null || val === undefined) return;
      var k = key;
      var vals = val;
      if (Array.isArray(val)) k = key + '[]';
      else vals = [val];
      vals.forEach(function (v) {
        if (v instanceof Date) v = v.toISOString();
        else if (v !== null && typeof v === 'object') v = JSON.stringify(v);
        parts.push(encodeParam(k) + '=' + encodeParam(v));
      });
    });
    return parts.join('&');
  }

  function buildURL(config) {
    var url = config.url || '';
    if (config.baseURL && !/^([a-z][a-z\d+\-.]*:)?\/\//i.test(url)) {
      url = url ? config.baseURL.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '') : config.baseURL;
    }
    if (config.params) {
      var qs = config.paramsSerializer ? config.paramsSerializer(config.params) : serializeParams(config.params);
      if (qs) {
        var hashAt = url.indexOf('#');
        if (hashAt >= 0) url = url.slice(0, hashAt);
        url += (url.indexOf('?') === -1 ? '?' : '&') + qs;
      }
    }
    return url;
  }

  function flattenHeaders(headers, method) {
    var out = {};
    headers = headers || {};
    var skip = { common: 1, get: 1, post: 1, put: 1, patch: 1, delete: 1, head: 1, options: 1 };
    function put(src) {
      if (!src) return;
      Object.keys(src).forEach(function (k) {
        if (skip[k.toLowerCase()] && typeof src[k] === 'object') return;
        if (src[k] === undefined || src[k] === null || src[k] === false) {
          delete out[k.toLowerCase()];
          return;
        }
        out[k.toLowerCase()] = String(src[k]);
      });
    }
    put(headers.common);
    put(headers[method]);
    put(headers);
    return out;
  }

  function mergeConfig(a, b) {
    var out = Object.assign({}, a, b);
    out.headers = Object.assign({}, a && a.headers, b && b.headers);
    if (a && a.headers && b && b.headers) {
      ['common', 'get', 'post', 'put', 'patch', 'delete', 'head'].forEach(function (k) {
        if (a.headers[k] || b.headers[k]) out.headers[k] = Object.assign({}, a.headers[k], b.headers[k]);
      });
    }
    return out;
  }

  function transformRequest(data, headers) {
    if (data === undefined || data === null) return undefined;
    if (typeof data === 'string') return data;
    if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8');
    if (data && data._list && typeof data.toString === 'function') { // URLSearchParams
      if (!headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8';
      return data.toString();
    }
    if (typeof data === 'object') {
      if (!headers['content-type']) headers['content-type'] = 'application/json';
      return JSON.stringify(data);
    }
    return String(data);
  }

  function transformResponse(config, raw) {
    if (config.responseType === 'text' || config.responseType === 'stream') return raw;
    if (config.responseType === 'arraybuffer') return Buffer.from(raw || '', 'utf8');
    if (typeof raw === 'string' && raw.length) {
      try {
        return JSON.parse(raw);
      } catch (e) {
        if (config.responseType === 'json') {
          throw new AxiosError(e.message, 'ERR_BAD_RESPONSE', config, {}, undefined);
        }
      }
    }
    return raw;
  }

  function dispatch(config) {
    return new Promise(function (resolve, reject) {
      var method = String(config.method || 'get').toLowerCase();
      var headers = flattenHeaders(config.headers, method);
      var body = transformRequest(config.data, headers);
      if (config.auth) {
        headers.authorization = 'Basic ' + Buffer.from((config.auth.username || '') + ':' + (config.auth.password || '')).toString('base64');
      }
      var url = buildURL(config);
      // axios's http adapter resolves a relative URL against http://localhost.
      if (!/^[a-z][a-z\d+\-.]*:/i.test(url)) url = 'http://localhost' + (url.charAt(0) === '/' ? '' : '/') + url;
      if (!/^https?:\/\//i.test(url)) {
        reject(new AxiosError('Invalid URL', 'ERR_INVALID_URL', config, {}, undefined));
        return;
      }
      var hostReq = { method: method.toUpperCase(), url: url, headers: headers, body: body };
      if (config.timeout) hostReq.timeoutMs = config.timeout;
      var request = { method: hostReq.method, path: url, url: url, headers: headers };
      host.http(hostReq, function (err, res) {
        if (err) {
          var timedOut = err.code === 'ETIMEDOUT' || err.code === 'ESOCKETTIMEDOUT';
          var e = timedOut && config.timeout
            ? new AxiosError('timeout of ' + config.timeout + 'ms exceeded', 'ECONNABORTED', config, request, undefined)
            : new AxiosError(err.message, err.code, config, request, undefined);
          // AxiosError.from keeps the transport error's name ('Error' for a reset socket).
          if (!(timedOut && config.timeout)) e.name = err.name || 'Error';
          e.cause = err;
          reject(e);
          return;
        }
        var data;
        try {
          data = transformResponse(config, res.body);
        } catch (e2) {
          reject(e2);
          return;
        }
        var response = {
          status: res.status,
          statusText: STATUS_TEXT[res.status] || '',
          headers: res.headers || {},
          data: data,
          config: config,
          request: request
        };
        var validate = config.validateStatus === undefined ? defaultValidate : config.validateStatus;
        if (!validate || validate(res.status)) {
          resolve(response);
        } else {
          reject(new AxiosError('Request failed with status code ' + res.status,
            res.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST', config, request, response));
        }
      });
    });
  }

  function defaultValidate(status) { return status >= 200 && status < 300; }

  function InterceptorManager() { this.handlers = []; }
  InterceptorManager.prototype.use = function (fulfilled, rejected) {
    this.handlers.push({ fulfilled: fulfilled, rejected: rejected });
    return this.handlers.length - 1;
  };
  InterceptorManager.prototype.eject = function (id) { if (this.handlers[id]) this.handlers[id] = null; };
  InterceptorManager.prototype.clear = function () { this.handlers = []; };

  function createInstance(defaults) {
    var interceptors = { request: new InterceptorManager(), response: new InterceptorManager() };

    function request(configOrUrl, config) {
      if (typeof configOrUrl === 'string') config = Object.assign({}, config, { url: configOrUrl });
      else config = configOrUrl || {};
      var merged = mergeConfig(instance.defaults, config);
      merged.method = String(merged.method || 'get').toLowerCase();
      var promise = Promise.resolve(merged);
      // Request interceptors run last-registered first, as in axios.
      interceptors.request.handlers.slice().reverse().forEach(function (h) {
        if (h) promise = promise.then(h.fulfilled, h.rejected);
      });
      promise = promise.then(dispatch);
      interceptors.response.handlers.forEach(function (h) {
        if (h) promise = promise.then(h.fulfilled, h.rejected);
      });
      return promise;
    }

    var instance = function (configOrUrl, config) { return request(configOrUrl, config); };
    instance.defaults = defaults;
    instance.interceptors = interceptors;
    instance.request = request;
    ['get', 'delete', 'head', 'options'].forEach(function (m) {
      instance[m] = function (url, config) { return request(Object.assign({}, config, { url: url, method: m })); };
    });
    ['post', 'put', 'patch'].forEach(function (m) {
      instance[m] = function (url, data, config) {
        return request(Object.assign({}, config, { url: url, method: m, data: data }));
      };
    });
    instance.getUri = function (config) { return buildURL(mergeConfig(instance.defaults, config || {})); };
    instance.create = function (instanceConfig) { return createInstance(mergeConfig(instance.defaults, instanceConfig || {})); };
    return instance;
  }

  var axios = createInstance({
    headers: { common: { Accept: 'application/json, text/plain, */*' } },
    timeout: 0,
    validateStatus: defaultValidate
  });
  axios.AxiosError = AxiosError;
  axios.Axios = createInstance;
  axios.isAxiosError = function (e) { return !!(e && e.isAxiosError); };
  axios.isCancel = function (e) { return !!(e && e.__CANCEL__); };
  axios.all = function (promises) { return Promise.all(promises); };
  axios.spread = function (fn) { return function (arr) { return fn.apply(null, arr); }; };
  axios.CancelToken = {
    source: function () {
      return { token: {}, cancel: function () {} };
    }
  };
  axios.default = axios;
  module.exports = axios;
})
