(function makeActionsApi(U) {
  // The post-login `api` (v3) as a command recorder: every method validates its arguments the
  // way Auth0's reference implementation does (throwing synchronously, so an uncaught bad
  // argument fails the flow), records a command on the flow, and returns what the real method
  // returns (`api` for the setters; nothing for addScope/removeScope, the MFA factor calls,
  // setPrimaryUser and prompt.render; result objects for the cache). What the commands do is
  // decided when the Action settles and when the flow ends (flow.js).
  //
  // build(flow, i, event, handler) -> api for Action i running `handler` on `event`.
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var MFA_PROVIDERS = { any: 1, guardian: 1, 'google-authenticator': 1, duo: 1, none: 1 };
  var FACTORS = { otp: 1, email: 1, phone: 1, 'push-notification': 1, push: 1, 'webauthn-platform': 1,
    'webauthn-roaming': 1, 'recovery-code': 1 };
  var PHONE_METHODS = { sms: 1, voice: 1, both: 1 };
  var NO_REDIRECT_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'oauth2-webauthn'];
  var META_KEY = /^[a-zA-Z0-9_-]{1,255}$/;
  var MAX_USER_ID = 128;
  var MAX_PROMPT_OPTIONS = 24 * 1024;
  var MAX_MFA_COMMANDS = 4;
  var SAML_ATTRIBUTE_NAME = 1024, SAML_ATTRIBUTE_VALUE = 2048, SAML_ATTRIBUTES = 100;
  var CACHE = { entries: 20, keyBytes: 64, valueBytes: 4096, totalBytes: 8192, ttl: 15 * 60 * 1000,
    maxTtl: 24 * 60 * 60 * 1000, sideEffects: 20 };
  var TX_META = { keyChars: 64, valueBytes: 8 * 1024, totalBytes: 16 * 1024 };
  // SAML configuration setters: name -> [config key, check].
  function str(max) { return function (v) { return typeof v === 'string' && !U.over(v, max) ? '' : 'must be a string of at most ' + max + ' bytes'; }; }
  function bool(v) { return typeof v === 'boolean' ? '' : 'must be a boolean'; }
  function oneOf(list) { return function (v) { return list.indexOf(v) >= 0 ? '' : 'must be one of ' + list.join(', '); }; }
  var SAML_CONFIG = {
    setAudience: ['audience', str(2048)], setRecipient: ['recipient', str(2048)], setDestination: ['destination', str(2048)],
    setIssuer: ['issuer', str(2048)], setRelayState: ['RelayState', str(2048)],
    setLifetimeInSeconds: ['lifetimeInSeconds', function (v) { return (typeof v === 'number' && v > 0 && Math.floor(v) === v) ? '' : 'must be a positive integer'; }],
    setSignResponse: ['signResponse', bool], setCreateUpnClaim: ['createUpnClaim', bool],
    setPassthroughClaimsWithNoMapping: ['passthroughClaimsWithNoMapping', bool], setMapUnknownClaimsAsIs: ['mapUnknownClaimsAsIs', bool],
    setMapIdentities: ['mapIdentities', bool], setIncludeAttributeNameFormat: ['includeAttributeNameFormat', bool],
    setTypedAttributes: ['typedAttributes', bool],
    setNameIdentifierFormat: ['nameIdentifierFormat', str(1024)],
    setNameIdentifierProbes: ['nameIdentifierProbes', function (v) {
      return (Array.isArray(v) && v.length <= 10 && v.every(function (x) { return typeof x === 'string' && !U.over(x, 1024); })) ? '' : 'must be an array of at most 10 strings';
    }],
    setAuthnContextClassRef: ['authnContextClassRef', str(1024)],
    setSignatureAlgorithm: ['signatureAlgorithm', oneOf(['rsa-sha256', 'rsa-sha1'])],
    setDigestAlgorithm: ['digestAlgorithm', oneOf(['sha256', 'sha1'])],
    setEncryptionAlgorithm: ['encryptionAlgorithm', oneOf(['aes128-cbc', 'aes256-cbc', 'aes128-gcm', 'aes256-gcm', 'tripledes-cbc'])],
    setSigningCert: ['signingCert', str(4096)], setEncryptionCert: ['encryptionCert', str(4096)],
    setEncryptionPublicKey: ['encryptionPublicKey', str(4096)], setCert: ['cert', str(4096)], setKey: ['key', str(4096)],
  };

  // An api object is built in two steps, so that an Action pays only for what it uses:
  // build() makes an object whose prototype has one accessor per namespace; the first
  // namespace read builds the api's closures (namespaces()), and each namespace is kept as a
  // plain property of the api once read. api[NS] holds the step's context.
  var NS = Symbol('namespaces');
  var NAMESPACES = ['access', 'validation', 'rules', 'idToken', 'accessToken', 'multifactor', 'authentication',
    'user', 'transaction', 'cache', 'redirect', 'prompt', 'samlResponse', 'session', 'refreshToken', 'groups', 'roles'];
  var defineProperty = Object.defineProperty;
  var API_PROTO = {};
  // One descriptor for every namespace kept (its value set for the call): no prototype, so
  // defineProperty's lookups of the fields it lacks end there.
  var KEEP = Object.create(null);
  KEEP.writable = true;
  KEEP.enumerable = true;
  KEEP.configurable = true;
  NAMESPACES.forEach(function (k) {
    function keep(obj, v) { KEEP.value = v; defineProperty(obj, k, KEEP); KEEP.value = undefined; return v; }
    defineProperty(API_PROTO, k, { enumerable: true, configurable: true,
      get: function () {
        var c = this[NS];
        if (c.rec === null) withCommands(c);
        c.built.push(k);
        return keep(this, BUILD[k](c));
      },
      set: function (v) { keep(this, v); } });
  });

  // The step's context: what build() knows; withCommands adds the rest when the first
  // namespace is read (most steps read none or one).
  function build(flow, i, event, handler) {
    var api = Object.create(API_PROTO);
    api[NS] = { flow: flow, i: i, event: event, handler: handler, api: api, rec: null };
    return api;
  }

  // release(api): drop the namespaces (their methods refer to the api: a reference cycle) and
  // the context's reference to the api (another).
  function release(api) {
    var c = api[NS];
    if (!c) return;
    if (c.rec !== null) {
      for (var n = 0; n < c.built.length; n++) delete api[c.built[n]];
      c.ax = c.P = c.bad = c.rec = null;
      c.built = [];
    }
    c.flow = c.event = c.api = null;
  }

  // The flags of a command that has none: shared, and frozen so that nothing adds to it.
  var NO_FLAGS = Object.freeze([]);

  // withCommands(c): the two functions every namespace of one api uses, made once per api,
  // and the parts of the flow the namespaces read (c.ax, c.P, c.O).
  function withCommands(c) {
    // (An api read after its flow was released has no flow: its methods fail when called.)
    var flow = c.flow, i = c.i, handler = c.handler, ax = c.ax = flow ? flow.actions[i] : null;
    var O = c.O = flow ? flow.options : null;
    c.P = flow ? flow.pending : null;
    c.built = [];

    // An error thrown by an api method: the flow knows it came from an invalid argument.
    function bad(message, Ctor) {
      var e = new (Ctor || Error)(message);
      flow.apiErrors.add(e);
      return e;
    }
    // rec(op, args): record the command; returns it, or null when it must not take effect (the
    // handler already settled: actions.after_resolve_commands = ignore). The arguments are
    // kept as JSON texts (`parts`, undefined for undefined) as they were when it was issued:
    // `args` is a fresh array the caller hands over, and becomes the parts (its values
    // replaced by their texts: one array less per command). A command without flags (most)
    // shares NO_FLAGS.
    var json = U.json;
    function rec(op, args) {
      var afterDeny = flow.deny && flow.deny.action === i && flow.deny.leg === flow.leg, flags = NO_FLAGS;
      if (ax.settled || afterDeny) {
        flags = [];
        if (ax.settled) flags.push('after_resolve');
        if (afterDeny) flags.push('after_deny');
      }
      for (var a = 0; a < args.length; a++) args[a] = json(args[a]);
      var cmd = { action: i, leg: flow.leg, handler: handler, op: op, parts: args, flags: flags };
      flow.commands.push(cmd);
      if (flags === NO_FLAGS) return cmd;
      var applies = !(ax.settled && O.after_resolve_commands === 'ignore');
      if (!applies) flags.push('ignored');
      for (var f = 0; f < flags.length; f++) U.flag(ax, flags[f]);
      return applies ? cmd : null;
    }
    c.bad = bad;
    c.rec = rec;
  }

  // The namespace builders: BUILD.access(c) builds api.access for the api of context c. A
  // helper that builds methods takes c too.
  var BUILD = {};

  // --- access, validation, rules ---------------------------------------------------------
  BUILD.access = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    deny: function deny(reason) {
      var text = reason;
      if (typeof reason !== 'string') { text = String(reason); U.flag(ax, 'non_string_reason'); }
      if (rec('access.deny', [text]) && !flow.deny) flow.deny = { action: i, leg: flow.leg, reason: text, kind: 'deny' };
      return api;
    },
  }; };
  BUILD.validation = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    error: function error(errorCode, errorMessage) {
      if (typeof errorCode !== 'string' || errorCode.length < 1 || errorCode.length > 100) throw bad('Invalid errorCode: must be a string of 1 to 100 characters');
      if (typeof errorMessage !== 'string' || errorMessage.length < 1 || errorMessage.length > 100) throw bad('Invalid errorMessage: must be a string of 1 to 100 characters');
      if (rec('validation.error', [errorCode, errorMessage]) && !flow.deny) {
        flow.deny = { action: i, leg: flow.leg, reason: errorMessage, code: errorCode, kind: 'validation' };
      }
      return api;
    },
  }; };
  BUILD.rules = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    wasExecuted: function wasExecuted(ruleId) { return flow.rulesExecuted.indexOf(ruleId) >= 0; },
  }; };

  // --- tokens ------------------------------------------------------------------------------
  function claimSetter(c, token, store) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function setCustomClaim(key, value) {
      if (typeof key !== 'string' || key.length === 0) throw bad('Invalid custom claim: the claim name must be a non-empty string');
      if (key === 'scope') throw bad("Cannot set custom claim 'scope'. Use api.accessToken.addScope() or removeScope() instead.");
      var cmd = rec(token + '.setCustomClaim', [key, value]);
      if (cmd) {
        var json = cmd.parts[1];
        if (json === undefined) delete store[key];
        else store[key] = { json: json, action: i };
      }
      return api;
    };
  }
  function scopeEditor(c, op) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function (scope) {
      if (typeof scope !== 'string') throw bad('Invalid scope: must be a string');
      var s = scope.trim();
      if (s.length < 1 || s.length > 280) throw bad('Invalid scope: must be between 1 and 280 characters');
      if (/\s/.test(s)) throw bad('Invalid scope: must not contain whitespace');
      if (P.scopeEdits.length >= O.scope_limit) throw bad('Too many scope modifications: at most ' + O.scope_limit + ' per transaction');
      if (rec('accessToken.' + op, [s])) P.scopeEdits.push([op === 'addScope' ? 'add' : 'remove', s, i]);
    };
  }
  BUILD.idToken = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return { setCustomClaim: claimSetter(c, 'idToken', P.idClaims) }; };
  BUILD.accessToken = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    setCustomClaim: claimSetter(c, 'accessToken', P.accessClaims),
    addScope: scopeEditor(c, 'addScope'),
    removeScope: scopeEditor(c, 'removeScope'),
  }; };

  // --- MFA -----------------------------------------------------------------------------------
  BUILD.multifactor = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    enable: function enable(provider, options) {
      if (typeof provider !== 'string' || !hasOwn.call(MFA_PROVIDERS, provider)) {
        throw bad('Invalid MFA provider ' + JSON.stringify(provider) + ": expected one of any, guardian, google-authenticator, duo, none");
      }
      options = options || {};
      var cmd = { provider: provider, allowRememberBrowser: options.allowRememberBrowser, providerOptions: U.clone(options.providerOptions) };
      if (!rec('multifactor.enable', [provider, options])) return api;
      if (provider === 'none') { if (O.mfa_none === 'cancel') P.mfa = null; }
      else { cmd.action = i; P.mfa = cmd; }
      return api;
    },
  }; };
  function checkFactor(c, f, what) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    if (!f || typeof f !== 'object' || typeof f.type !== 'string' || !hasOwn.call(FACTORS, f.type)) {
      throw bad('Invalid ' + what + ': each factor needs a `type` among ' + Object.keys(FACTORS).join(', '));
    }
    if (f.type === 'phone' && f.options && f.options.preferredMethod !== undefined && !hasOwn.call(PHONE_METHODS, f.options.preferredMethod)) {
      throw bad('Invalid ' + what + ': phone preferredMethod must be sms, voice or both');
    }
  }
  function factorCommand(c, op, list, options) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    if (!rec('authentication.' + op, [list, options])) return;
    P.mfaCommands++;
    if (P.mfaCommands > MAX_MFA_COMMANDS) {
      if (!flow.abort) flow.abort = { action: i, code: 'mfa_limit', message: 'Too many MFA challenge or enrollment commands: at most ' + MAX_MFA_COMMANDS + ' per transaction' };
      return;
    }
    P.factors.push({ op: op, factors: U.clone(list), options: U.clone(options), action: i, leg: flow.leg });
    flow.suspendAfter(i, { kind: op.indexOf('enroll') === 0 ? 'enroll' : 'challenge', factors: U.clone(list) });
  }
  BUILD.authentication = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    challengeWith: function challengeWith(factor, options) {
      checkFactor(c, factor, 'factor');
      var more = options && options.additionalFactors;
      if (more !== undefined) { if (!Array.isArray(more)) throw bad('Invalid additionalFactors: must be an array'); more.forEach(function (f) { checkFactor(c, f, 'additional factor'); }); }
      factorCommand(c, 'challengeWith', [factor].concat(more || []), options);
    },
    challengeWithAny: function challengeWithAny(factors) {
      if (!Array.isArray(factors) || !factors.length) throw bad('Invalid factors: must be a non-empty array');
      factors.forEach(function (f) { checkFactor(c, f, 'factor'); });
      factorCommand(c, 'challengeWithAny', factors);
    },
    enrollWith: function enrollWith(factor, options) {
      checkFactor(c, factor, 'factor');
      factorCommand(c, 'enrollWith', [factor], options);
    },
    enrollWithAny: function enrollWithAny(factors) {
      if (!Array.isArray(factors) || !factors.length) throw bad('Invalid factors: must be a non-empty array');
      factors.forEach(function (f) { checkFactor(c, f, 'factor'); });
      factorCommand(c, 'enrollWithAny', factors);
    },
    recordMethod: function recordMethod(providerUrl) {
      if (handler !== 'onContinuePostLogin') throw bad('api.authentication.recordMethod() can only be called in onContinuePostLogin');
      var u;
      try { u = new flow.URL(providerUrl); } catch (e) { throw bad('Invalid provider URL: ' + String(providerUrl)); }
      if (rec('authentication.recordMethod', [u.href])) { flow.carried.methods.push({ name: u.href, timestamp: U.isoNow(flow) }); flow.eventVersion++; }
      return api;
    },
    setPrimaryUser: function setPrimaryUser(primaryUserId) {
      if (P.primaryUser || flow.primaryUserFromRules) throw bad('The primary user can only be altered once per transaction');
      if (typeof primaryUserId !== 'string' || primaryUserId.length === 0) throw bad('The provided primary_user_id must be a non-empty string');
      if (primaryUserId.length > MAX_USER_ID) throw bad('The provided primary_user_id exceeds the maximum length.');
      if (rec('authentication.setPrimaryUser', [primaryUserId])) P.primaryUser = { id: primaryUserId, action: i, leg: flow.leg };
    },
  }; };

  // --- user metadata -----------------------------------------------------------------------
  function metaSetter(c, target, field) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function (key, value) {
      if (!U.isPlain(event.user && event.user[field])) {
        throw bad('Unexpected ' + field + ' format. Must be a valid JSON object' + (field === 'user_metadata' ? '.' : ''));
      }
      if (typeof key !== 'string' || key.length === 0) throw bad('Invalid metadata key: must be a non-empty string');
      var cmd = rec('user.set' + (target === 'app' ? 'App' : 'User') + 'Metadata', [key, value]);
      if (cmd) {
        var json = cmd.parts[1];
        // `cmd` is marked `persisted` when its value is written (flow.js flushMetadata).
        P.meta.push({ target: target, key: key, json: json === undefined ? 'null' : json, action: i, leg: flow.leg, cmd: cmd });
      }
      return api;
    };
  }
  BUILD.user = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return { setAppMetadata: metaSetter(c, 'app', 'app_metadata'), setUserMetadata: metaSetter(c, 'user', 'user_metadata') }; };

  // --- transaction metadata (visible at once) ----------------------------------------------
  BUILD.transaction = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var t = {
    setMetadata: function setMetadata(key, value) {
      if (typeof key !== 'string' || key.length < 1 || key.length > TX_META.keyChars) throw bad('Invalid transaction metadata key: must be a string of 1 to ' + TX_META.keyChars + ' characters');
      var m = flow.carried.transactionMetadata;
      if (value === null) {
        if (rec('transaction.setMetadata', [key, null])) delete m[key];
      } else {
        var t = typeof value;
        if (t !== 'string' && t !== 'number' && t !== 'boolean') throw bad('Invalid transaction metadata value: must be a string, number or boolean');
        if (t === 'number' && (!isFinite(value) || (Math.floor(value) === value && !Number.isSafeInteger(value)))) throw bad('Invalid transaction metadata value: numbers must be finite and integers safe');
        if (U.over(String(value), TX_META.valueBytes)) throw bad('Invalid transaction metadata value: at most ' + TX_META.valueBytes + ' bytes');
        var had = hasOwn.call(m, key), old = m[key];
        m[key] = value;
        var over = U.over(JSON.stringify(m), TX_META.totalBytes);
        if (had) m[key] = old; else delete m[key];
        if (over) throw bad('Invalid transaction metadata: at most ' + TX_META.totalBytes + ' bytes in total');
        if (rec('transaction.setMetadata', [key, value])) m[key] = value;
      }
      // The values are strings, numbers and booleans: a flat copy is a copy.
      if (!event.transaction) event.transaction = {};
      var copy = {};
      for (var mk in m) copy[mk] = m[mk];
      event.transaction.metadata = copy;
    },
  };
  ['addTargetScope', 'removeTargetScope', 'setTargetScopes', 'clearTargetScopes'].forEach(function (name) {
    t[name] = function () {
      if (!O.early_access) throw bad('Method not implemented.');
      rec('transaction.' + name, Array.prototype.slice.call(arguments));
    };
  }); return t; };

  // --- cache -------------------------------------------------------------------------------
  BUILD.cache = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return flow.cacheApi(i, rec, CACHE); };

  // --- redirect and prompt -----------------------------------------------------------------
  function canRedirect(c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var q = (event.request && event.request.query) || {};
    if (q.prompt === 'none') return false;
    var protocol = (event.transaction && event.transaction.protocol) || 'unknown-protocol';
    return NO_REDIRECT_PROTOCOLS.indexOf(protocol) < 0;
  }
  function continueParams(c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var r = event.request || {};
    var out = {}, k;
    for (k in (r.query || {})) out[k] = r.query[k];
    for (k in (r.body || {})) out[k] = r.body[k];
    return out;
  }
  BUILD.redirect = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    canRedirect: function canRedirectNow() { return canRedirect(c); },
    sendUserTo: function sendUserTo(baseUrl, urlOptions) {
      if (ax.renderedThisRun) {
        flow.abortAction(i, 'Redirect and render commands cannot be used in the same action.');
        return api;
      }
      var u;
      try { u = new flow.URL(baseUrl); } catch (e) { throw bad('Invalid URL', TypeError); }
      var q = urlOptions && urlOptions.query;
      if (q) for (var p in q) if (hasOwn.call(q, p)) u.searchParams.set(p, q[p]);
      if (rec('redirect.sendUserTo', [u.href])) {
        ax.redirectedThisRun = true;
        flow.suspendAfter(i, { kind: 'redirect', url: u.href, allowed: canRedirect(c), promptNone: ((event.request && event.request.query) || {}).prompt === 'none' });
      }
      return api;
    },
    encodeToken: function encodeToken(options) {
      options = options || {};
      var issuedAt = Math.floor(flow.host.now() / 1000);
      var payload = {
        iat: issuedAt, iss: event.request.hostname, sub: event.user.user_id,
        exp: issuedAt + (options.expiresInSeconds === undefined || options.expiresInSeconds === null ? 900 : options.expiresInSeconds),
        ip: event.request.ip,
      };
      var extra = options.payload || {};
      for (var k in extra) if (hasOwn.call(extra, k)) payload[k] = extra[k];
      var token = flow.jwt().sign(payload, options.secret, { algorithm: 'HS256' });
      rec('redirect.encodeToken', [{ payload: payload }]);
      return token;
    },
    validateToken: function validateToken(options) {
      options = options || {};
      var name = options.tokenParameterName || 'session_token';
      var params = continueParams(c);
      var token = params[name];
      if (!token) throw bad("There is no parameter called '" + name + "' available in either the POST body or query string.");
      var reason = '';
      var payload = null;
      try {
        payload = flow.jwt().verify(token, options.secret, { algorithms: ['HS256'], clockTimestamp: Math.floor(flow.host.now() / 1000) });
      } catch (e) { reason = e && e.message ? e.message : String(e); }
      if (!reason) {
        if (payload.sub !== event.user.user_id) reason = 'sub mismatch';
        else if (payload.iss !== event.request.hostname) reason = 'iss mismatch';
        else if (payload.state === undefined || payload.state !== params.state) reason = 'state mismatch';
      }
      // A token the page sent back without Auth0's claims (its `state`, the host as `iss`)
      // is what rule-utilities tokens look like: flagged for the migration comparison.
      if (reason === 'state mismatch') U.flag(ax, 'session_token_state');
      else if (reason === 'iss mismatch') U.flag(ax, 'session_token_iss');
      rec('redirect.validateToken', [{ valid: !reason, reason: reason }]);
      if (reason) throw bad('The session token is invalid: ' + reason);
      return payload;
    },
  }; };
  BUILD.prompt = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    render: function render(promptId, promptOptions) {
      if (ax.redirectedThisRun) { flow.abortAction(i, 'Redirect and render commands cannot be used in the same action.'); return; }
      if (ax.renderedThisRun) { flow.abortAction(i, 'Only 1 render command per action is allowed.'); return; }
      var opts = promptOptions || {};
      if (typeof promptId !== 'string' || !promptId) throw bad('Invalid promptId: must be a non-empty string');
      if (typeof opts !== 'object' || Array.isArray(opts)) throw bad('Invalid prompt options: must be an object');
      if (U.over(JSON.stringify(opts), MAX_PROMPT_OPTIONS)) throw bad('The total size of the prompt options exceeds the limit of ' + MAX_PROMPT_OPTIONS + ' bytes.');
      if (rec('prompt.render', [promptId, opts])) {
        ax.renderedThisRun = true;
        flow.suspendAfter(i, { kind: 'prompt', promptId: promptId, fields: U.clone(opts.fields || {}), vars: U.clone(opts.vars || {}) });
      }
    },
  }; };

  // --- SAML ----------------------------------------------------------------------------------
  BUILD.samlResponse = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var s = {
    setAttribute: function setAttribute(attribute, value) {
      if (value === undefined) value = null;
      if (typeof attribute !== 'string' || !attribute || U.over(attribute, SAML_ATTRIBUTE_NAME)) throw bad('Invalid SAML attribute name: must be a string of 1 to ' + SAML_ATTRIBUTE_NAME + ' bytes');
      var items = Array.isArray(value) ? value : [value];
      for (var k = 0; k < items.length; k++) {
        var v = items[k], t = typeof v;
        if (!(v === null || t === 'string' || t === 'number' || t === 'boolean')) throw bad('Invalid SAML attribute value: a string, number, boolean, null or an array of those');
        if (t === 'string' && U.over(v, SAML_ATTRIBUTE_VALUE)) throw bad('Invalid SAML attribute value: at most ' + SAML_ATTRIBUTE_VALUE + ' bytes');
      }
      var next = U.clone(P.saml.attributes); next[attribute] = value;
      if (U.over(JSON.stringify(next), O.saml_total_bytes)) throw bad('The total size of the SAML attributes exceeds the limit of ' + O.saml_total_bytes + ' bytes.');
      if (!hasOwn.call(P.saml.attributes, attribute) && Object.keys(P.saml.attributes).length >= SAML_ATTRIBUTES) throw bad('Too many SAML attributes: at most ' + SAML_ATTRIBUTES);
      if (rec('samlResponse.setAttribute', [attribute, value])) P.saml.attributes[attribute] = U.clone(value);
      return api;
    },
  };
  Object.keys(SAML_CONFIG).forEach(function (name) {
    var key = SAML_CONFIG[name][0], check = SAML_CONFIG[name][1];
    s[name] = function (value) {
      if (name === 'setNameIdentifierFormat' && value === undefined) value = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
      var problem = check(value);
      if (problem) throw bad('Invalid SAML configuration: ' + key + ' ' + problem);
      if (rec('samlResponse.' + name, [value])) P.saml.config[key] = U.clone(value);
      return api;
    };
  }); return s; };

  // --- session and refresh token -----------------------------------------------------------
  function checkMetadata(m) {
    var keys = Object.keys(m);
    if (keys.length > 25) return 'Metadata must not contain more than 25 entries';
    for (var k = 0; k < keys.length; k++) {
      if (keys[k].indexOf('\u0000') >= 0) return 'Metadata keys must not contain null bytes (\\x00)';
      if (!META_KEY.test(keys[k])) return keys[k].length > 255 ? 'All metadata keys must be at most 255 characters long' : 'Metadata keys may only include letters, numbers, underscores, or hyphens';
      var v = m[keys[k]];
      if (v.length > 255) return 'All metadata values must be at most 255 characters long';
      if (v.indexOf('\u0000') >= 0) return 'Metadata values must not contain null bytes (\\x00)';
    }
    return '';
  }
  function expiry(c, op, store, field) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function (when) {
      if (!when) throw bad('Either inactivity or absolute expiration time must be provided');
      if (typeof when !== 'number' || !isFinite(when) || when <= 0) throw bad('Invalid expiration: must be a positive number of milliseconds since the epoch');
      if (rec(op, [when]) && (store[field] === undefined || when < store[field])) store[field] = when;
    };
  }
  function metadataApi(c, prefix, state, eventKey, what, guard) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
      setMetadata: function setMetadata(key, value) {
        try {
          guard('setMetadata', true);
          if (typeof key !== 'string') throw new Error('Invalid metadata: Metadata key must be a string');
          var next = U.clone(state.metadata || {});
          if (value === null) {
            if (!hasOwn.call(next, key)) return;
            delete next[key];
          } else {
            if (typeof value !== 'string') throw new Error('Invalid metadata: Metadata value must be a string');
            next[key] = value;
            var problem = checkMetadata(next);
            if (problem) throw new Error('Invalid metadata: ' + problem);
          }
          if (rec(prefix + '.setMetadata', [key, value])) {
            state.metadata = next;
            flow.eventVersion++;
            if (event[eventKey]) event[eventKey].metadata = U.clone(next);
          }
        } catch (e) {
          throw bad('Failed to set ' + what + ' metadata: ' + (e && e.message ? e.message : String(e)));
        }
      },
      deleteMetadata: function deleteMetadata(key) {
        if (!guard('deleteMetadata', false) || !state.metadata || !hasOwn.call(state.metadata, key)) return;
        if (rec(prefix + '.deleteMetadata', [key])) {
          delete state.metadata[key];
          if (event[eventKey]) event[eventKey].metadata = U.clone(state.metadata);
        }
      },
      evictMetadata: function evictMetadata() {
        if (!guard('evictMetadata', false) || !state.metadata || !Object.keys(state.metadata).length) return;
        if (rec(prefix + '.evictMetadata', [])) {
          state.metadata = {};
          flow.eventVersion++;
          if (event[eventKey]) event[eventKey].metadata = {};
        }
      },
    };
  }
  // Session metadata needs a session: setMetadata throws without one; delete/evict do nothing.
  BUILD.session = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var S = P.session;
    var s = metadataApi(c, 'session', S, 'session', 'session', function (method, strict) {
    if (event.session) return true;
    if (strict) throw new Error('Cannot set metadata on a session that does not exist.');
    return false;
  });
  s.setExpiresAt = expiry(c, 'session.setExpiresAt', S, 'expiresAt');
  s.setIdleExpiresAt = expiry(c, 'session.setIdleExpiresAt', S, 'idleExpiresAt');
  s.setCookieMode = function setCookieMode(mode) {
    if (!mode) throw bad('Cookie mode must be provided');
    if (mode !== 'persistent' && mode !== 'non-persistent') throw bad('Invalid cookie mode: ' + mode + ". Valid values are 'persistent' and 'non-persistent'.");
    if (rec('session.setCookieMode', [mode])) {
      S.cookieMode = mode;
      flow.eventVersion++;
      if (event.session && typeof event.session === 'object' && Object.keys(event.session).length) {
        event.session.cookie = { mode: mode };
      }
    }
  };
  s.revoke = function revoke(reason, options) {
    if (typeof reason !== 'string' || !reason) throw bad('Invalid reason: must be a non-empty string');
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw bad('Invalid options: must be an object');
    if (rec('session.revoke', [reason, options])) {
      S.revoked = { reason: reason, preserveRefreshTokens: !!(options && options.preserveRefreshTokens), action: i };
      if (!flow.deny) flow.deny = { action: i, leg: flow.leg, reason: reason, kind: 'session_revoked' };
    }
  }; return s; };
  // Refresh-token metadata works before a refresh token exists (it is kept for the token the
  // flow creates); everything throws on an `online` refresh token.
  function notOnline(c, method) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    if (event.refresh_token && event.refresh_token.access === 'online') throw new Error('Cannot call ' + method + ' on an online refresh token.');
    return true;
  }
  BUILD.refreshToken = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    var R = P.refreshToken;
    var t = metadataApi(c, 'refreshToken', R, 'refresh_token', 'refresh token', function (method) { return notOnline(c, method); });
  function guarded(c, method, fn) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function () {
      try { notOnline(c, method); } catch (e) { throw bad(e.message); }
      return fn.apply(undefined, arguments);
    };
  }
  t.setExpiresAt = guarded(c, 'setExpiresAt', expiry(c, 'refreshToken.setExpiresAt', R, 'expiresAt'));
  t.setIdleExpiresAt = guarded(c, 'setIdleExpiresAt', expiry(c, 'refreshToken.setIdleExpiresAt', R, 'idleExpiresAt'));
  t.revoke = function revoke(reason) {
    if (typeof reason !== 'string' || !reason) throw bad('Invalid reason: must be a non-empty string');
    if (!rec('refreshToken.revoke', [reason])) return;
    if (event.refresh_token || (event.transaction && event.transaction.protocol === 'oauth2-refresh-token')) {
      R.revoked = { reason: reason, action: i };
      if (!flow.deny) flow.deny = { action: i, leg: flow.leg, reason: reason, kind: 'refresh_token_revoked' };
    } else {
      U.flag(ax, 'no_refresh_token');
    }
  }; return t; };

  // --- early access (fakes, off by default) ---------------------------------------------------
  function early(c, name, value) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return function () {
      if (!O.early_access) return Promise.reject(bad('Method not implemented.'));
      rec(name, Array.prototype.slice.call(arguments));
      return Promise.resolve(U.clone(value));
    };
  }
  BUILD.groups = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    getUserGroups: early(c, 'groups.getUserGroups', { groups: flow.fakes.groups || [] }),
    hasGroupMembership: early(c, 'groups.hasGroupMembership', { memberships: {} }),
  }; };
  BUILD.roles = function (c) { var flow = c.flow, i = c.i, event = c.event, handler = c.handler, api = c.api, ax = c.ax, P = c.P, O = c.O, bad = c.bad, rec = c.rec;
    return {
    getUserEffectiveRoles: early(c, 'roles.getUserEffectiveRoles', { roles: flow.fakes.roles || [] }),
    getUserEffectiveRolesByIds: early(c, 'roles.getUserEffectiveRolesByIds', { roles: [] }),
    getUserEffectiveRolesByNames: early(c, 'roles.getUserEffectiveRolesByNames', { roles: [] }),
  }; };
  return { build: build, release: release, CACHE: CACHE, NO_REDIRECT_PROTOCOLS: NO_REDIRECT_PROTOCOLS, SAML_CONFIG: SAML_CONFIG };
})
