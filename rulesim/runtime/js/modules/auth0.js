(function (module, exports, require, host) {
  // The `auth0` npm package (node-auth0 v2 style): a ManagementClient whose user operations go
  // to rulesim's fake Management API (`host.mgmt`), in callback and promise forms. Token
  // fetching with clientId/clientSecret is not simulated: the fake API accepts every client.
  'use strict';

  function ArgumentError(message) {
    this.name = 'ArgumentError';
    this.message = message;
    this.stack = new Error(message).stack;
  }
  ArgumentError.prototype = Object.create(Error.prototype);
  ArgumentError.prototype.constructor = ArgumentError;

  // Calls host.mgmt; with a callback the callback runs straight from the host (so its
  // exceptions surface as rule exceptions), otherwise a promise is returned.
  function call(op, args, cb) {
    if (typeof cb === 'function') {
      host.mgmt(op, args, function (err, result) { cb(err || null, result); });
      return undefined;
    }
    return new Promise(function (resolve, reject) {
      host.mgmt(op, args, function (err, result) {
        if (err) reject(err);
        else resolve(result);
      });
    });
  }

  function fail(message, cb) {
    var err = new ArgumentError(message);
    if (typeof cb === 'function') {
      Promise.resolve().then(function () { cb(err); });
      return undefined;
    }
    return Promise.reject(err);
  }

  function idOf(params) {
    if (params === null || params === undefined) return undefined;
    return typeof params === 'object' ? params.id : params;
  }

  function ManagementClient(options) {
    if (!(this instanceof ManagementClient)) return new ManagementClient(options);
    if (!options || typeof options !== 'object') throw new ArgumentError('Management API SDK options must be an object');
    if (!options.domain || String(options.domain).length === 0) throw new ArgumentError('Must provide a domain');
    if (!options.token && !(options.clientId && options.clientSecret)) {
      throw new ArgumentError('Must provide a token, or a clientId and clientSecret');
    }
    this.options = options;
    this.domain = options.domain;
    var self = this;
    // The v2 "managers" some rules use directly: management.users.update(...).
    this.users = {
      get: function (p, cb) { return self.getUser(p, cb); },
      getAll: function (p, cb) { return self.getUsers(p, cb); },
      getByEmail: function (e, cb) { return self.getUsersByEmail(e, cb); },
      update: function (p, d, cb) { return self.updateUser(p, d, cb); },
      updateAppMetadata: function (p, d, cb) { return self.updateAppMetadata(p, d, cb); },
      updateUserMetadata: function (p, d, cb) { return self.updateUserMetadata(p, d, cb); },
      assignRoles: function (p, d, cb) { return self.assignRolesToUser(p, d, cb); }
    };
  }

  ManagementClient.prototype.getUser = function (params, cb) {
    var id = idOf(params);
    if (!id) return fail('The user_id cannot be null or undefined', cb);
    return call('getUser', { id: id }, cb);
  };

  ManagementClient.prototype.getUsers = function (params, cb) {
    if (typeof params === 'function') { cb = params; params = {}; }
    var args = {};
    params = params || {};
    if (params.q !== undefined) args.q = String(params.q);
    if (params.per_page !== undefined) args.per_page = Number(params.per_page);
    return call('getUsers', args, cb);
  };

  ManagementClient.prototype.getUsersByEmail = function (email, cb) {
    if (email && typeof email === 'object') email = email.email;
    if (!email) return fail('The email cannot be null or undefined', cb);
    return call('getUsersByEmail', { email: String(email) }, cb);
  };

  ManagementClient.prototype.updateUser = function (params, data, cb) {
    var id = idOf(params);
    if (!id) return fail('The user_id cannot be null or undefined', cb);
    return call('updateUser', { id: id, data: data || {} }, cb);
  };

  ManagementClient.prototype.updateAppMetadata = function (params, data, cb) {
    var id = idOf(params);
    if (!id) return fail('The user_id cannot be null or undefined', cb);
    return call('updateAppMetadata', { id: id, data: data || {} }, cb);
  };

  ManagementClient.prototype.updateUserMetadata = function (params, data, cb) {
    var id = idOf(params);
    if (!id) return fail('The user_id cannot be null or undefined', cb);
    return call('updateUserMetadata', { id: id, data: data || {} }, cb);
  };

  ManagementClient.prototype.assignRolesToUser = function (params, data, cb) {
    var id = idOf(params);
    if (!id) return fail('The user_id cannot be null or undefined', cb);
    var roles = data && Array.isArray(data.roles) ? data.roles : null;
    if (!roles) return fail('The roles must be an array of role ids', cb);
    return call('assignRolesToUser', { id: id, roles: roles }, cb);
  };

  // The Authentication API client is not simulated: using it fails with a clear message.
  function AuthenticationClient(options) {
    if (!(this instanceof AuthenticationClient)) return new AuthenticationClient(options);
    if (!options || !options.domain) throw new ArgumentError('Must provide a domain');
    var target = { options: options, domain: options.domain };
    var proxy = new Proxy(target, {
      get: function (t, prop) {
        if (prop in t || typeof prop === 'symbol' || prop === 'then') return t[prop];
        return notSimulated(String(prop));
      }
    });
    return proxy;
  }

  function notSimulated(name) {
    function thrower() {
      var err = new Error('auth0.AuthenticationClient.' + name + ' is not simulated by rulesim. ' +
        'Supply a fake: simulate(..., modules={"auth0": "<JS source or path>"})');
      err.code = 'module_not_simulated';
      throw err;
    }
    return new Proxy(thrower, {
      get: function (t, prop) {
        if (typeof prop === 'symbol' || prop in t) return t[prop];
        return notSimulated(name + '.' + String(prop));
      }
    });
  }

  module.exports = {
    ManagementClient: ManagementClient,
    AuthenticationClient: AuthenticationClient,
    ArgumentError: ArgumentError
  };
})
