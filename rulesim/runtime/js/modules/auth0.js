(function (module, exports, require, host) {
  // The `auth0` npm package as node-auth0 v2 (2.44) shapes it: a ManagementClient whose user,
  // role, permission, identity, ticket and job calls go to rulesim's fake Management API
  // (`host.mgmt`), in callback and promise forms, with the package's method names (its
  // `assignRolestoUser` spelling included), its synchronous ArgumentErrors and its API errors
  // (`name` is the HTTP reason phrase, with `statusCode`). Calls the fake API does not know
  // (clients, connections, rules, logs streams, ...) fail with a clear "not simulated" error.
  // Token fetching with clientId/clientSecret is not simulated: the fake API accepts every client.
  'use strict';

  function ArgumentError(message) {
    this.name = 'ArgumentError';
    this.message = message;
    this.stack = new Error(message).stack;
  }
  ArgumentError.prototype = Object.create(Error.prototype);
  ArgumentError.prototype.constructor = ArgumentError;

  var PHRASES = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
    429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable'
  };

  // The error node-auth0 rejects with: rest-facade's APIError through SanitizedError.
  function apiError(err, info) {
    var e = new Error(err.message);
    e.name = PHRASES[err.statusCode] || err.name || 'APIError';
    e.statusCode = err.statusCode;
    e.requestInfo = info;
    e.originalError = err;
    return e;
  }

  function notFound(info) { return apiError({ message: 'Not Found', statusCode: 404 }, info); }

  // One Management API call: the store operation `op`, answered to `cb` (err, body) or as a
  // promise. `empty` operations answer no body, which node-auth0 hands back as {}.
  function call(client, op, args, cb, method, path, empty) {
    var info = { method: method, url: 'https://' + client.domain + '/api/v2' + path };
    function settle(err, result, done) {
      if (err) return done(err.statusCode ? apiError(err, info) : err);
      return done(null, empty || result === undefined || result === null ? {} : result);
    }
    if (typeof cb === 'function') {
      host.mgmt(op, args, function (err, result) { settle(err, result, function (e, r) { cb(e, r); }); });
      return undefined;
    }
    return new Promise(function (resolve, reject) {
      host.mgmt(op, args, function (err, result) {
        settle(err, result, function (e, r) { if (e) reject(e); else resolve(r); });
      });
    });
  }

  // A call that reaches no route of the API (a missing id in the URL): 404, as Auth0 answers.
  function missing(client, cb, method, path) {
    var err = notFound({ method: method, url: 'https://' + client.domain + '/api/v2' + path });
    if (typeof cb === 'function') {
      Promise.resolve().then(function () { cb(err); });
      return undefined;
    }
    return Promise.reject(err);
  }

  function json(data) { return data === undefined ? {} : JSON.parse(JSON.stringify(data)); }
  function hasId(params) { return params !== null && typeof params === 'object' && params.id !== undefined && params.id !== null && params.id !== ''; }
  function path(id, rest) { return '/users/' + encodeURIComponent(id) + (rest || ''); }

  // node-auth0's check of `params.id` for role and permission calls (it reads params.id
  // without a guard, so an undefined params throws a TypeError, as in the package).
  function requireUserId(params) {
    if (!params.id) throw new ArgumentError('The user_id cannot be null or undefined');
    if (typeof params.id !== 'string') throw new ArgumentError('The user_id has to be a string');
  }

  function UsersManager(client) { this.client = client; }
  UsersManager.prototype = {
    getAll: function (params, cb) {
      if (typeof params === 'function') { cb = params; params = {}; }
      params = params || {};
      var args = {};
      if (params.q !== undefined) args.q = String(params.q);
      if (params.per_page !== undefined) args.per_page = Number(params.per_page);
      if (params.page !== undefined) args.page = Number(params.page);
      return call(this.client, 'getUsers', args, cb, 'GET', '/users');
    },
    // Without an id the request is GET /users: the list, as the package does.
    get: function (params, cb) {
      if (typeof params === 'function') { cb = params; params = undefined; }
      if (!hasId(params)) return this.getAll(params !== null && typeof params === 'object' ? params : {}, cb);
      return call(this.client, 'getUser', { id: String(params.id) }, cb, 'GET', path(params.id));
    },
    getByEmail: function (email, options, cb) {
      if (typeof options === 'function') cb = options;
      return call(this.client, 'getUsersByEmail', { email: email }, cb, 'GET', '/users-by-email');
    },
    update: function (params, data, cb) {
      if (!hasId(params)) return missing(this.client, cb, 'PATCH', '/users');
      return call(this.client, 'updateUser', { id: String(params.id), data: json(data) }, cb, 'PATCH', path(params.id));
    },
    updateUserMetadata: function (params, metadata, cb) { return this.update(params, { user_metadata: metadata }, cb); },
    updateAppMetadata: function (params, metadata, cb) { return this.update(params, { app_metadata: metadata }, cb); },
    delete: function (params, cb) {
      if (typeof params !== 'object' || params === null || typeof params.id !== 'string') {
        throw new ArgumentError('You must provide an id for the delete method');
      }
      return call(this.client, 'deleteUser', { id: params.id }, cb, 'DELETE', path(params.id), true);
    },
    link: function (userId, params, cb) {
      params = params || {};
      if (!userId) throw new ArgumentError('The userId cannot be null or undefined');
      if (typeof userId !== 'string') throw new ArgumentError('The userId has to be a string');
      return call(this.client, 'linkUsers', Object.assign(json(params), { id: userId }), cb, 'POST', path(userId, '/identities'));
    },
    unlink: function (params, cb) {
      params = params || {};
      if (!params.id || typeof params.id !== 'string') throw new ArgumentError('id field is required');
      if (!params.user_id || typeof params.user_id !== 'string') throw new ArgumentError('user_id field is required');
      if (!params.provider || typeof params.provider !== 'string') throw new ArgumentError('provider field is required');
      return call(this.client, 'unlinkUsers', { id: params.id, provider: params.provider, user_id: params.user_id }, cb,
        'DELETE', path(params.id, '/identities/' + params.provider + '/' + params.user_id));
    },
    logs: function (params, cb) {
      params = params || {};
      if (!params.id || typeof params.id !== 'string') throw new ArgumentError('id field is required');
      return call(this.client, 'getUserLogs', { id: params.id }, cb, 'GET', path(params.id, '/logs'));
    },
    getGuardianEnrollments: function (params, cb) {
      if (!hasId(params)) return missing(this.client, cb, 'GET', '/users/enrollments');
      return call(this.client, 'getGuardianEnrollments', { id: String(params.id) }, cb, 'GET', path(params.id, '/enrollments'));
    },
    getRoles: function (params, cb) {
      if (!hasId(params)) return missing(this.client, cb, 'GET', '/users/roles');
      return call(this.client, 'getUserRoles', { id: String(params.id) }, cb, 'GET', path(params.id, '/roles'));
    },
    assignRoles: function (params, data, cb) {
      requireUserId(params);
      return call(this.client, 'assignRolesToUser', { id: params.id, roles: (data || {}).roles }, cb, 'POST', path(params.id, '/roles'), true);
    },
    removeRoles: function (params, data, cb) {
      requireUserId(params);
      return call(this.client, 'removeRolesFromUser', { id: params.id, roles: (data || {}).roles }, cb, 'DELETE', path(params.id, '/roles'), true);
    },
    getPermissions: function (params, cb) {
      if (!hasId(params)) return missing(this.client, cb, 'GET', '/users/permissions');
      return call(this.client, 'getUserPermissions', { id: String(params.id) }, cb, 'GET', path(params.id, '/permissions'));
    },
    assignPermissions: function (params, data, cb) {
      requireUserId(params);
      return call(this.client, 'assignPermissionsToUser', { id: params.id, permissions: json((data || {}).permissions) }, cb,
        'POST', path(params.id, '/permissions'), true);
    },
    removePermissions: function (params, data, cb) {
      requireUserId(params);
      return call(this.client, 'removePermissionsFromUser', { id: params.id, permissions: json((data || {}).permissions) }, cb,
        'DELETE', path(params.id, '/permissions'), true);
    }
  };

  function TicketsManager(client) { this.client = client; }
  TicketsManager.prototype = {
    changePassword: function (data, cb) {
      return call(this.client, 'createPasswordChangeTicket', Object.assign(json(data), { domain: this.client.domain }), cb,
        'POST', '/tickets/password-change');
    },
    verifyEmail: function (data, cb) {
      return call(this.client, 'createEmailVerificationTicket', Object.assign(json(data), { domain: this.client.domain }), cb,
        'POST', '/tickets/email-verification');
    }
  };

  function JobsManager(client) { this.client = client; }
  JobsManager.prototype.verifyEmail = function (data, cb) {
    if (!data.user_id || typeof data.user_id !== 'string') throw new ArgumentError('Must specify a user ID');
    return call(this.client, 'sendEmailVerification', Object.assign(json(data), { domain: this.client.domain }), cb,
      'POST', '/jobs/verification-email');
  };

  function UserBlocksManager(client) { this.client = client; }
  UserBlocksManager.prototype = {
    get: function (params, cb) {
      if (typeof params !== 'object' || params === null || typeof params.id !== 'string') {
        throw new ArgumentError('You must provide an user id for the get method');
      }
      return call(this.client, 'getUserBlocks', { id: params.id }, cb, 'GET', '/user-blocks/' + encodeURIComponent(params.id));
    },
    delete: function (params, cb) {
      if (typeof params !== 'object' || params === null || typeof params.id !== 'string') {
        throw new ArgumentError('You must provide an user id for the delete method');
      }
      return call(this.client, 'unblockUser', { id: params.id }, cb, 'DELETE', '/user-blocks/' + encodeURIComponent(params.id), true);
    }
  };

  function ManagementClient(options) {
    if (!(this instanceof ManagementClient)) return new ManagementClient(options);
    if (!options || typeof options !== 'object') throw new ArgumentError('Management API SDK options must be an object');
    if (!options.domain || options.domain.length === 0) throw new ArgumentError('Must provide a domain');
    if (options.token === undefined) {
      if (!options.clientId) throw new ArgumentError('Must provide a clientId');
      if (!options.clientSecret) throw new ArgumentError('Must provide a clientSecret');
      if (options.scope !== undefined && typeof options.scope !== 'string') throw new ArgumentError('scope must be a string');
    } else if (typeof options.token !== 'string' || options.token.length === 0) {
      throw new ArgumentError('Must provide a token');
    }
    this.options = options;
    this.domain = options.domain;
    this.users = new UsersManager(this);
    this.tickets = new TicketsManager(this);
    this.jobs = new JobsManager(this);
    this.userBlocks = new UserBlocksManager(this);
  }

  // node-auth0 v2's own methods that rulesim's fake API answers: name -> [manager, method].
  var SIMULATED = {
    getUsers: ['users', 'getAll'], getUsersByEmail: ['users', 'getByEmail'], getUser: ['users', 'get'],
    deleteUser: ['users', 'delete'], updateUser: ['users', 'update'],
    updateUserMetadata: ['users', 'updateUserMetadata'], updateAppMetadata: ['users', 'updateAppMetadata'],
    unlinkUsers: ['users', 'unlink'], linkUsers: ['users', 'link'], getUserLogs: ['users', 'logs'],
    getUserRoles: ['users', 'getRoles'], assignRolestoUser: ['users', 'assignRoles'],
    removeRolesFromUser: ['users', 'removeRoles'], getUserPermissions: ['users', 'getPermissions'],
    assignPermissionsToUser: ['users', 'assignPermissions'],
    removePermissionsFromUser: ['users', 'removePermissions'],
    getGuardianEnrollments: ['users', 'getGuardianEnrollments'],
    getUserBlocks: ['userBlocks', 'get'], unblockUser: ['userBlocks', 'delete'],
    sendEmailVerification: ['jobs', 'verifyEmail'],
    createPasswordChangeTicket: ['tickets', 'changePassword'],
    createEmailVerificationTicket: ['tickets', 'verifyEmail']
  };
  Object.keys(SIMULATED).forEach(function (name) {
    var target = SIMULATED[name];
    ManagementClient.prototype[name] = function () {
      var manager = this[target[0]];
      return manager[target[1]].apply(manager, arguments);
    };
  });

  // The rest of node-auth0 v2's ManagementClient: real methods there, not simulated here.
  var NOT_SIMULATED = [
    'getConnections', 'createConnection', 'getConnection', 'deleteConnection', 'updateConnection',
    'getClients', 'getClient', 'createClient', 'updateClient', 'deleteClient', 'getClientGrants',
    'createClientGrant', 'updateClientGrant', 'deleteClientGrant', 'getGrants', 'deleteGrant',
    'createDevicePublicKey', 'getDeviceCredentials', 'deleteDeviceCredential', 'getRules',
    'createRule', 'getRule', 'deleteRule', 'updateRule', 'deleteAllUsers', 'createUser',
    'deleteUserMultifactor', 'deleteUserMultifcator', 'assignUsersToRole',
    'regenerateRecoveryCode', 'invalidateRememberBrowser', 'getUserBlocksByIdentifier',
    'unblockUserByIdentifier', 'getGuardianEnrollment', 'deleteGuardianEnrollment',
    'getBlacklistedTokens', 'blacklistToken', 'createEmailTemplate', 'getEmailTemplate',
    'updateEmailTemplate', 'getEmailProvider', 'configureEmailProvider', 'deleteEmailProvider',
    'updateEmailProvider', 'getActiveUsersCount', 'getDailyStats', 'getTenantSettings',
    'updateTenantSettings', 'getJob', 'importUsers', 'importUsersJob', 'exportUsers',
    'getJobErrors', 'getLog', 'getLogs', 'getLogStreams', 'createLogStream', 'getLogStream',
    'deleteLogStream', 'updateLogStream', 'createResourceServer', 'getResourceServers',
    'getResourceServer', 'deleteResourceServer', 'updateResourceServer', 'setRulesConfig',
    'getRulesConfigs', 'deleteRulesConfig', 'createCustomDomain', 'getCustomDomains',
    'getCustomDomain', 'verifyCustomDomain', 'deleteCustomDomain', 'createGuardianEnrollmentTicket',
    'getGuardianFactors', 'getGuardianFactorSettings', 'getGuardianFactorProvider',
    'updateGuardianFactorProvider', 'updateGuardianFactorSettings', 'getGuardianFactorTemplates',
    'updateGuardianFactorTemplates', 'updateGuardianFactor', 'getGuardianPolicies',
    'updateGuardianPolicies', 'getGuardianPhoneFactorSelectedProvider',
    'updateGuardianPhoneFactorSelectedProvider', 'getGuardianPhoneFactorMessageTypes',
    'updateGuardianPhoneFactorMessageTypes', 'getRoles', 'createRole', 'getRole', 'deleteRole',
    'updateRole', 'getPermissionsInRole', 'addPermissionsInRole', 'removePermissionsFromRole',
    'getUsersInRole', 'getHooks', 'getHook', 'createHook', 'updateHook', 'deleteHook',
    'getHookSecrets', 'addHookSecrets', 'updateHookSecrets', 'removeHookSecrets', 'getAccessToken',
    'updateBrandingSettings', 'getBrandingSettings', 'getBrandingUniversalLoginTemplate',
    'setBrandingUniversalLoginTemplate', 'deleteBrandingUniversalLoginTemplate', 'updateMigrations',
    'getMigrations', 'getPromptsSettings', 'updatePromptsSettings', 'getCustomTextByLanguage',
    'updateCustomTextByLanguage'
  ];
  NOT_SIMULATED.forEach(function (name) {
    ManagementClient.prototype[name] = function () {
      var err = new Error('auth0.ManagementClient.' + name + ' is not simulated by rulesim. ' +
        'Supply a fake: simulate(..., modules={"auth0": "<JS source or path>"})');
      err.code = 'module_not_simulated';
      throw err;
    };
  });

  // The Authentication API client is not simulated: using it fails with a clear message.
  function AuthenticationClient(options) {
    if (!(this instanceof AuthenticationClient)) return new AuthenticationClient(options);
    if (!options || !options.domain) throw new ArgumentError('Must provide a domain');
    var target = { options: options, domain: options.domain };
    var proxy = new Proxy(target, {
      __proto__: null,   // no trap inherited from Object.prototype
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
      __proto__: null,
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
