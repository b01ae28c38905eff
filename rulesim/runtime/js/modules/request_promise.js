(function (module, exports, require, host) {
  // `request-promise` and `request-promise-native`: request's options, a Promise of the body.
  // Non-2xx responses reject with a StatusCodeError unless `simple: false`; transport failures
  // reject with a RequestError. `resolveWithFullResponse: true` resolves with the response.
  'use strict';

  var request = require('request');

  function RequestError(cause, options, response) {
    this.name = 'RequestError';
    this.message = String(cause);
    this.cause = cause;
    this.error = cause;
    this.options = options;
    this.response = response;
    if (Error.captureStackTrace) Error.captureStackTrace(this);
    else this.stack = new Error(this.message).stack;
  }
  RequestError.prototype = Object.create(Error.prototype);
  RequestError.prototype.constructor = RequestError;

  function StatusCodeError(statusCode, body, options, response) {
    this.name = 'StatusCodeError';
    this.statusCode = statusCode;
    this.message = statusCode + ' - ' + (body !== null && typeof body === 'object' ? JSON.stringify(body) : body);
    this.error = body;
    this.options = options;
    this.response = response;
    this.stack = new Error(this.message).stack;
  }
  StatusCodeError.prototype = Object.create(Error.prototype);
  StatusCodeError.prototype.constructor = StatusCodeError;

  function TransformError(cause, options, response) {
    this.name = 'TransformError';
    this.message = String(cause);
    this.cause = cause;
    this.error = cause;
    this.options = options;
    this.response = response;
    this.stack = new Error(this.message).stack;
  }
  TransformError.prototype = Object.create(Error.prototype);
  TransformError.prototype.constructor = TransformError;

  function run(params) {
    var simple = params.simple !== false;
    var full = params.resolveWithFullResponse === true;
    var transform = typeof params.transform === 'function' ? params.transform : null;
    var userCallback = typeof params.callback === 'function' ? params.callback : null;
    var req;
    var promise = new Promise(function (resolve, reject) {
      params.callback = function (err, response, body) {
        if (userCallback) userCallback.apply(this, arguments);
        if (err) {
          reject(new RequestError(err, params, response));
          return;
        }
        var ok = /^2/.test(String(response.statusCode));
        if (simple && !ok) {
          reject(new StatusCodeError(response.statusCode, body, params, response));
          return;
        }
        if (transform && (ok || params.transform2xxOnly !== true)) {
          try {
            resolve(transform(body, response, full));
          } catch (e) {
            reject(new TransformError(e, params, response));
          }
          return;
        }
        resolve(full ? response : body);
      };
      req = request(params);
    });
    // The returned value is both the request and a promise, as in request-promise.
    req.then = promise.then.bind(promise);
    req.catch = promise.catch.bind(promise);
    req.finally = promise.finally.bind(promise);
    req.promise = function () { return promise; };
    return req;
  }

  function make(defaults) {
    function rp(uri, options, callback) {
      return run(request._mergeDefaults(defaults, request._initParams(uri, options, callback)));
    }
    var verbs = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', del: 'DELETE', delete: 'DELETE', head: 'HEAD', options: 'OPTIONS' };
    Object.keys(verbs).forEach(function (name) {
      rp[name] = function (uri, options, callback) {
        var params = request._initParams(uri, options, callback);
        params.method = verbs[name];
        return run(request._mergeDefaults(defaults, params));
      };
    });
    rp.defaults = function (opts) { return make(request._mergeDefaults(defaults, opts || {})); };
    rp.jar = request.jar;
    rp.cookie = request.cookie;
    rp.errors = { RequestError: RequestError, StatusCodeError: StatusCodeError, TransformError: TransformError };
    return rp;
  }

  module.exports = make({});
})
