(function (module, exports, require, host) {
  // `@auth0/rule-utilities` (0.1.0 / 0.2.0), published on GitHub only, so rulesim provides it.
  // Written from its documented behaviour:
  //   Auth0RedirectRuleUtilities(user, context, configuration): canRedirect, isRedirectCallback,
  //     queryParams, createSessionToken(claims), validateSessionToken(), doRedirect(url, opts);
  //   Auth0UserUpdateUtilities(user, auth0, namespace): set/get user and app metadata (under an
  //     optional namespace key) and write them through a Management API client.
  'use strict';

  var jwt = require('jsonwebtoken');
  var ManagementClient = require('auth0').ManagementClient;

  var noRedirectProtocols = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'redirect-callback'];

  function Auth0RedirectRuleUtilities(user, context, configuration) {
    this.user = user || {};
    this.context = context || {};
    this.configuration = configuration || {};
    var request = this.context.request || {};
    this.queryParams = request.query || {};
    this.isRedirectCallback = this.context.protocol === 'redirect-callback';
  }

  Object.defineProperty(Auth0RedirectRuleUtilities.prototype, 'canRedirect', {
    get: function () {
      var ctx = this.context;
      return !ctx.redirect && !ctx.multifactor && this.queryParams.prompt !== 'none' &&
        noRedirectProtocols.indexOf(ctx.protocol) === -1;
    }
  });

  Auth0RedirectRuleUtilities.prototype._issuer = function () {
    var request = this.context.request || {};
    return 'https://' + request.hostname + '/';
  };

  Auth0RedirectRuleUtilities.prototype.createSessionToken = function (claims) {
    var request = this.context.request || {};
    var payload = Object.assign({}, claims, {
      sub: this.user.user_id,
      iss: this._issuer(),
      ip: request.ip
    });
    return jwt.sign(payload, this.configuration.SESSION_TOKEN_SECRET, {
      expiresIn: this.configuration.SESSION_TOKEN_EXPIRES_IN || '3d'
    });
  };

  // Returns the verified claims of `?session_token=`; throws a jsonwebtoken error otherwise.
  Auth0RedirectRuleUtilities.prototype.validateSessionToken = function () {
    var payload = jwt.verify(this.queryParams.session_token, this.configuration.SESSION_TOKEN_SECRET, {
      subject: this.user.user_id,
      issuer: this._issuer()
    });
    if (!payload.exp) throw new Error('Expired token');
    return payload;
  };

  // opts: {sessionToken: 'custom', generateSessionToken: false}; the 0.1.0 forms `false` and a
  // token string as the second argument are accepted too.
  Auth0RedirectRuleUtilities.prototype.doRedirect = function (url, opts) {
    if (!this.canRedirect) throw new Error('Cannot redirect');
    var token = null;
    if (typeof opts === 'string') {
      token = opts;
    } else if (opts !== false) {
      opts = opts || {};
      if (opts.sessionToken) token = opts.sessionToken;
      else if (opts.generateSessionToken !== false) token = this.createSessionToken();
    }
    var target = String(url);
    if (token) target += (target.indexOf('?') >= 0 ? '&' : '?') + 'session_token=' + token;
    this.context.redirect = { url: target };
  };

  function Auth0UserUpdateUtilities(user, auth0, namespace) {
    this.user = user;
    this.namespace = namespace || null;
    this.userId = user && user.user_id;
    this.updatedUserData = {};
    auth0 = auth0 || {};
    this.apiClient = new ManagementClient({ domain: auth0.domain || host.domain, token: auth0.accessToken || 'rulesim-token' });
  }

  function metaGet(util, field, key) {
    var meta = util.user[field] || {};
    if (util.namespace) meta = meta[util.namespace] || {};
    return meta[key];
  }

  function metaSet(util, field, key, value) {
    if (!util.user[field]) util.user[field] = {};
    var meta = util.user[field];
    if (util.namespace) {
      if (!meta[util.namespace]) meta[util.namespace] = {};
      meta = meta[util.namespace];
    }
    meta[key] = value;
  }

  Auth0UserUpdateUtilities.prototype.setUser = function (key, value) {
    this.user[key] = value;
    this.updatedUserData[key] = value;
  };
  Auth0UserUpdateUtilities.prototype.getUserMeta = function (key) { return metaGet(this, 'user_metadata', key); };
  Auth0UserUpdateUtilities.prototype.getAppMeta = function (key) { return metaGet(this, 'app_metadata', key); };
  Auth0UserUpdateUtilities.prototype.setUserMeta = function (key, value) { metaSet(this, 'user_metadata', key, value); };
  Auth0UserUpdateUtilities.prototype.setAppMeta = function (key, value) { metaSet(this, 'app_metadata', key, value); };

  Auth0UserUpdateUtilities.prototype.updateUser = function () {
    return this.apiClient.updateUser({ id: this.userId }, this.updatedUserData);
  };
  Auth0UserUpdateUtilities.prototype.updateUserMetadata = function () {
    return this.apiClient.updateUserMetadata({ id: this.userId }, this.user.user_metadata || {});
  };
  Auth0UserUpdateUtilities.prototype.updateAppMetadata = function () {
    return this.apiClient.updateAppMetadata({ id: this.userId }, this.user.app_metadata || {});
  };
  // The names the README and examples use.
  Auth0UserUpdateUtilities.prototype.updateUserMeta = Auth0UserUpdateUtilities.prototype.updateUserMetadata;
  Auth0UserUpdateUtilities.prototype.updateAppMeta = Auth0UserUpdateUtilities.prototype.updateAppMetadata;

  module.exports = {
    Auth0RedirectRuleUtilities: Auth0RedirectRuleUtilities,
    Auth0UserUpdateUtilities: Auth0UserUpdateUtilities,
    noRedirectProtocols: noRedirectProtocols
  };
})
