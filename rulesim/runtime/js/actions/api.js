(function makeActionsApi(U, sessionApi) {
  // The post-login `api` (v3) as a command recorder: every method validates its arguments the
  // way Auth0's reference implementation does (throwing synchronously, so an uncaught bad
  // argument fails the flow), records a command on the flow, and returns what the real method
  // returns (`api` for the setters; nothing for addScope/removeScope, the MFA factor calls,
  // setPrimaryUser and prompt.render; result objects for the cache). What the commands do is
  // decided when the Action settles and when the flow ends (flow.js).
  //
  // build(flow, i, event, handler) -> api for Action i running `handler` on `event`.
  // release(api): the flow is over: cut the api's reference cycles (flow.js release).
  // sessionApi: api_session.js (api.session and api.refreshToken).
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var MFA_PROVIDERS = { any: 1, guardian: 1, 'google-authenticator': 1, duo: 1, none: 1 };
  var FACTORS = { otp: 1, email: 1, phone: 1, 'push-notification': 1, push: 1, 'webauthn-platform': 1,
    'webauthn-roaming': 1, 'recovery-code': 1 };
  var PHONE_METHODS = { sms: 1, voice: 1, both: 1 };
  var NO_REDIRECT_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'oauth2-webauthn'];
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
  // build() makes an object whose prototype has one accessor per namespace, and the step's
  // context (api[NS]); the first read of a namespace builds it (BUILD[k](c)) and keeps it as a
  // plain property of the api.
  //
  // What an api allocates is the context, then for each namespace read its object and its
  // methods' closures, which refer to the context only: what a method needs of the flow (its
  // options, its pending changes, the Action's record) it looks up when called, and the two
  // helpers every method uses, bad() and rec(), are shared functions taking the context.
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
  function keep(obj, k, v) { KEEP.value = v; defineProperty(obj, k, KEEP); KEEP.value = undefined; return v; }
  NAMESPACES.forEach(function (k, n) {
    var bit = 1 << n;   // the namespace's bit in c.built
    defineProperty(API_PROTO, k, { enumerable: true, configurable: true,
      get: function () {
        var c = this[NS];
        if (c !== ENDED) c.built |= bit;   // (ENDED is frozen: it builds nothing release deletes)
        return keep(this, k, BUILD[k](c));
      },
      set: function (v) { keep(this, k, v); } });
  });

  // The step's context: the flow, the Action's index, its event and handler, the api, and
  // `built`, the namespaces the api built (a bit each, in NAMESPACES order: release deletes
  // them). Its fields are all set here, once.
  function build(flow, i, event, handler) {
    var api = Object.create(API_PROTO);
    api[NS] = { flow: flow, i: i, event: event, handler: handler, api: api, built: 0 };
    return api;
  }

  // release(api): cut the api's reference cycles: drop the namespaces it built (their
  // methods refer to the context, which refers to the api) and replace its context (which
  // refers to the api) by ENDED, a context without a flow: a namespace read afterwards fails
  // when its methods are called. The context itself is left as it is, so that a method kept
  // elsewhere works on its flow as before.
  var ENDED = Object.freeze({ flow: null, i: -1, event: null, handler: null, api: null, built: 0 });
  function release(api) {
    var c = api[NS];
    if (!c || c === ENDED) return;
    if (c.built !== 0) {
      for (var n = 0; n < NAMESPACES.length; n++) if (c.built & (1 << n)) delete api[NAMESPACES[n]];
    }
    api[NS] = ENDED;
  }

  // bad(c, message[, Ctor]): an error thrown by an api method: the flow knows it came from an
  // invalid argument.
  function bad(c, message, Ctor) {
    var e = new (Ctor || Error)(message);
    c.flow.apiErrors.add(e);
    return e;
  }

  // The flags of a command that has none: shared, and frozen so that nothing adds to it.
  var NO_FLAGS = Object.freeze([]);
  var json = U.json;
  // rec(c, op, args): record the command; returns it, or null when it must not take effect (the
  // handler already settled: actions.after_resolve_commands = ignore). The arguments are
  // kept as JSON texts (`parts`, undefined for undefined) as they were when it was issued:
  // `args` is a fresh array the caller hands over, and becomes the parts (its values
  // replaced by their texts: one array less per command). A command without flags (most)
  // shares NO_FLAGS.
  function rec(c, op, args) {
    var flow = c.flow, i = c.i;
    var afterDeny = flow.deny && flow.deny.action === i && flow.deny.leg === flow.leg, flags = NO_FLAGS;
    var ax = flow.actions[i];
    if (ax.settled || afterDeny) {
      flags = [];
      if (ax.settled) flags.push('after_resolve');
      if (afterDeny) flags.push('after_deny');
    }
    for (var a = 0; a < args.length; a++) args[a] = json(args[a]);
    var cmd = { action: i, leg: flow.leg, handler: c.handler, op: op, parts: args, flags: flags };
    flow.commands.push(cmd);
    if (flags === NO_FLAGS) return cmd;
    var applies = !(ax.settled && flow.options.after_resolve_commands === 'ignore');
    if (!applies) flags.push('ignored');
    for (var f = 0; f < flags.length; f++) U.flag(ax, flags[f]);
    return applies ? cmd : null;
  }

  // The namespace builders: BUILD.access(c) builds api.access for the api of context c. A
  // helper that builds methods takes c too.
  var BUILD = {};

  // --- access, validation, rules ---------------------------------------------------------
  BUILD.access = function (c) {
    return {
      deny: function deny(reason) {
        var flow = c.flow, text = reason;
        if (typeof reason !== 'string') { text = String(reason); U.flag(flow.actions[c.i], 'non_string_reason'); }
        if (rec(c, 'access.deny', [text]) && !flow.deny) flow.deny = { action: c.i, leg: flow.leg, reason: text, kind: 'deny' };
        return c.api;
      },
    };
  };
  BUILD.validation = function (c) {
    return {
      error: function error(errorCode, errorMessage) {
        if (typeof errorCode !== 'string' || errorCode.length < 1 || errorCode.length > 100) throw bad(c, 'Invalid errorCode: must be a string of 1 to 100 characters');
        if (typeof errorMessage !== 'string' || errorMessage.length < 1 || errorMessage.length > 100) throw bad(c, 'Invalid errorMessage: must be a string of 1 to 100 characters');
        var flow = c.flow;
        if (rec(c, 'validation.error', [errorCode, errorMessage]) && !flow.deny) {
          flow.deny = { action: c.i, leg: flow.leg, reason: errorMessage, code: errorCode, kind: 'validation' };
        }
        return c.api;
      },
    };
  };
  BUILD.rules = function (c) {
    return {
      wasExecuted: function wasExecuted(ruleId) { return c.flow.rulesExecuted.indexOf(ruleId) >= 0; },
    };
  };

  // --- tokens ------------------------------------------------------------------------------
  // claimSetter(c, token, store): setCustomClaim of api.idToken or api.accessToken; `store`
  // is the flow's claims when the namespace is built (a resume may start new ones: flow.js).
  function claimSetter(c, token, store) {
    return function setCustomClaim(key, value) {
      if (typeof key !== 'string' || key.length === 0) throw bad(c, 'Invalid custom claim: the claim name must be a non-empty string');
      if (key === 'scope') throw bad(c, "Cannot set custom claim 'scope'. Use api.accessToken.addScope() or removeScope() instead.");
      var cmd = rec(c, token + '.setCustomClaim', [key, value]);
      if (cmd) {
        var text = cmd.parts[1];
        if (text === undefined) delete store[key];
        else store[key] = { json: text, action: c.i };
      }
      return c.api;
    };
  }
  function scopeEditor(c, op) {
    return function (scope) {
      if (typeof scope !== 'string') throw bad(c, 'Invalid scope: must be a string');
      var s = scope.trim();
      if (s.length < 1 || s.length > 280) throw bad(c, 'Invalid scope: must be between 1 and 280 characters');
      if (/\s/.test(s)) throw bad(c, 'Invalid scope: must not contain whitespace');
      var P = c.flow.pending, O = c.flow.options;
      if (P.scopeEdits.length >= O.scope_limit) throw bad(c, 'Too many scope modifications: at most ' + O.scope_limit + ' per transaction');
      if (rec(c, 'accessToken.' + op, [s])) P.scopeEdits.push([op === 'addScope' ? 'add' : 'remove', s, c.i]);
    };
  }
  BUILD.idToken = function (c) { return { setCustomClaim: claimSetter(c, 'idToken', c.flow.pending.idClaims) }; };
  BUILD.accessToken = function (c) {
    return {
      setCustomClaim: claimSetter(c, 'accessToken', c.flow.pending.accessClaims),
      addScope: scopeEditor(c, 'addScope'),
      removeScope: scopeEditor(c, 'removeScope'),
    };
  };

  // --- MFA -----------------------------------------------------------------------------------
  BUILD.multifactor = function (c) {
    return {
      enable: function enable(provider, options) {
        if (typeof provider !== 'string' || !hasOwn.call(MFA_PROVIDERS, provider)) {
          throw bad(c, 'Invalid MFA provider ' + JSON.stringify(provider) + ": expected one of any, guardian, google-authenticator, duo, none");
        }
        options = options || {};
        var cmd = { provider: provider, allowRememberBrowser: options.allowRememberBrowser, providerOptions: U.clone(options.providerOptions) };
        if (!rec(c, 'multifactor.enable', [provider, options])) return c.api;
        var P = c.flow.pending;
        if (provider === 'none') { if (c.flow.options.mfa_none === 'cancel') P.mfa = null; }
        else { cmd.action = c.i; P.mfa = cmd; }
        return c.api;
      },
    };
  };
  function checkFactor(c, f, what) {
    if (!f || typeof f !== 'object' || typeof f.type !== 'string' || !hasOwn.call(FACTORS, f.type)) {
      throw bad(c, 'Invalid ' + what + ': each factor needs a `type` among ' + Object.keys(FACTORS).join(', '));
    }
    if (f.type === 'phone' && f.options && f.options.preferredMethod !== undefined && !hasOwn.call(PHONE_METHODS, f.options.preferredMethod)) {
      throw bad(c, 'Invalid ' + what + ': phone preferredMethod must be sms, voice or both');
    }
  }
  function factorCommand(c, op, list, options) {
    if (!rec(c, 'authentication.' + op, [list, options])) return;
    var flow = c.flow, i = c.i, P = flow.pending;
    P.mfaCommands++;
    if (P.mfaCommands > MAX_MFA_COMMANDS) {
      if (!flow.abort) flow.abort = { action: i, code: 'mfa_limit', message: 'Too many MFA challenge or enrollment commands: at most ' + MAX_MFA_COMMANDS + ' per transaction' };
      return;
    }
    P.factors.push({ op: op, factors: U.clone(list), options: U.clone(options), action: i, leg: flow.leg });
    flow.suspendAfter(i, { kind: op.indexOf('enroll') === 0 ? 'enroll' : 'challenge', factors: U.clone(list) });
  }
  BUILD.authentication = function (c) {
    return {
      challengeWith: function challengeWith(factor, options) {
        checkFactor(c, factor, 'factor');
        var more = options && options.additionalFactors;
        if (more !== undefined) { if (!Array.isArray(more)) throw bad(c, 'Invalid additionalFactors: must be an array'); more.forEach(function (f) { checkFactor(c, f, 'additional factor'); }); }
        factorCommand(c, 'challengeWith', [factor].concat(more || []), options);
      },
      challengeWithAny: function challengeWithAny(factors) {
        if (!Array.isArray(factors) || !factors.length) throw bad(c, 'Invalid factors: must be a non-empty array');
        factors.forEach(function (f) { checkFactor(c, f, 'factor'); });
        factorCommand(c, 'challengeWithAny', factors);
      },
      enrollWith: function enrollWith(factor, options) {
        checkFactor(c, factor, 'factor');
        factorCommand(c, 'enrollWith', [factor], options);
      },
      enrollWithAny: function enrollWithAny(factors) {
        if (!Array.isArray(factors) || !factors.length) throw bad(c, 'Invalid factors: must be a non-empty array');
        factors.forEach(function (f) { checkFactor(c, f, 'factor'); });
        factorCommand(c, 'enrollWithAny', factors);
      },
      recordMethod: function recordMethod(providerUrl) {
        if (c.handler !== 'onContinuePostLogin') throw bad(c, 'api.authentication.recordMethod() can only be called in onContinuePostLogin');
        var flow = c.flow, u;
        try { u = new flow.URL(providerUrl); } catch (e) { throw bad(c, 'Invalid provider URL: ' + String(providerUrl)); }
        if (rec(c, 'authentication.recordMethod', [u.href])) { flow.carried.methods.push({ name: u.href, timestamp: U.isoNow(flow) }); flow.eventVersion++; }
        return c.api;
      },
      setPrimaryUser: function setPrimaryUser(primaryUserId) {
        var flow = c.flow, P = flow.pending;
        if (P.primaryUser || flow.primaryUserFromRules) throw bad(c, 'The primary user can only be altered once per transaction');
        if (typeof primaryUserId !== 'string' || primaryUserId.length === 0) throw bad(c, 'The provided primary_user_id must be a non-empty string');
        if (primaryUserId.length > MAX_USER_ID) throw bad(c, 'The provided primary_user_id exceeds the maximum length.');
        if (rec(c, 'authentication.setPrimaryUser', [primaryUserId])) P.primaryUser = { id: primaryUserId, action: c.i, leg: flow.leg };
      },
    };
  };

  // --- user metadata -----------------------------------------------------------------------
  // metaSetter(c, target): setAppMetadata ('app') or setUserMetadata ('user').
  function metaSetter(c, target) {
    return function (key, value) {
      var event = c.event, field = target === 'app' ? 'app_metadata' : 'user_metadata';
      if (!U.isPlain(event.user && event.user[field])) {
        throw bad(c, 'Unexpected ' + field + ' format. Must be a valid JSON object' + (field === 'user_metadata' ? '.' : ''));
      }
      if (typeof key !== 'string' || key.length === 0) throw bad(c, 'Invalid metadata key: must be a non-empty string');
      var cmd = rec(c, 'user.set' + (target === 'app' ? 'App' : 'User') + 'Metadata', [key, value]);
      if (cmd) {
        var text = cmd.parts[1], flow = c.flow;
        // `cmd` is marked `persisted` when its value is written (flow.js flushMetadata).
        flow.pending.meta.push({ target: target, key: key, json: text === undefined ? 'null' : text, action: c.i, leg: flow.leg, cmd: cmd });
      }
      return c.api;
    };
  }
  BUILD.user = function (c) { return { setAppMetadata: metaSetter(c, 'app'), setUserMetadata: metaSetter(c, 'user') }; };

  // --- transaction metadata (visible at once) ----------------------------------------------
  // earlyTx(c, name, args): transaction.`name`(...args), a method of early access (it fails
  // unless early_access).
  function earlyTx(c, name, args) {
    if (!c.flow.options.early_access) throw bad(c, 'Method not implemented.');
    rec(c, 'transaction.' + name, Array.prototype.slice.call(args));
  }
  BUILD.transaction = function (c) {
    var t = {
      setMetadata: function setMetadata(key, value) {
        if (typeof key !== 'string' || key.length < 1 || key.length > TX_META.keyChars) throw bad(c, 'Invalid transaction metadata key: must be a string of 1 to ' + TX_META.keyChars + ' characters');
        var m = c.flow.carried.transactionMetadata, event = c.event;
        if (value === null) {
          if (rec(c, 'transaction.setMetadata', [key, null])) delete m[key];
        } else {
          var t = typeof value;
          if (t !== 'string' && t !== 'number' && t !== 'boolean') throw bad(c, 'Invalid transaction metadata value: must be a string, number or boolean');
          if (t === 'number' && (!isFinite(value) || (Math.floor(value) === value && !Number.isSafeInteger(value)))) throw bad(c, 'Invalid transaction metadata value: numbers must be finite and integers safe');
          if (U.over(String(value), TX_META.valueBytes)) throw bad(c, 'Invalid transaction metadata value: at most ' + TX_META.valueBytes + ' bytes');
          var had = hasOwn.call(m, key), old = m[key];
          m[key] = value;
          var over = U.over(JSON.stringify(m), TX_META.totalBytes);
          if (had) m[key] = old; else delete m[key];
          if (over) throw bad(c, 'Invalid transaction metadata: at most ' + TX_META.totalBytes + ' bytes in total');
          if (rec(c, 'transaction.setMetadata', [key, value])) m[key] = value;
        }
        // The values are strings, numbers and booleans: a flat copy is a copy.
        if (!event.transaction) event.transaction = {};
        var copy = {};
        for (var mk in m) copy[mk] = m[mk];
        event.transaction.metadata = copy;
      },
    };
    // The early-access methods, assigned (not in the literal: their names stay empty). Made
    // here, they share this call's reference to c.
    t.addTargetScope = function () { earlyTx(c, 'addTargetScope', arguments); };
    t.removeTargetScope = function () { earlyTx(c, 'removeTargetScope', arguments); };
    t.setTargetScopes = function () { earlyTx(c, 'setTargetScopes', arguments); };
    t.clearTargetScopes = function () { earlyTx(c, 'clearTargetScopes', arguments); };
    return t;
  };

  // --- cache -------------------------------------------------------------------------------
  BUILD.cache = function (c) {
    return c.flow.cacheApi(c.i, function (op, args) { return rec(c, op, args); }, CACHE);
  };

  // --- redirect and prompt -----------------------------------------------------------------
  function canRedirect(c) {
    var event = c.event, q = (event.request && event.request.query) || {};
    if (q.prompt === 'none') return false;
    var protocol = (event.transaction && event.transaction.protocol) || 'unknown-protocol';
    return NO_REDIRECT_PROTOCOLS.indexOf(protocol) < 0;
  }
  function continueParams(c) {
    var r = c.event.request || {};
    var out = {}, k;
    for (k in (r.query || {})) out[k] = r.query[k];
    for (k in (r.body || {})) out[k] = r.body[k];
    return out;
  }
  BUILD.redirect = function (c) {
    return {
      canRedirect: function canRedirectNow() { return canRedirect(c); },
      sendUserTo: function sendUserTo(baseUrl, urlOptions) {
        var flow = c.flow, i = c.i, ax = flow.actions[i], event = c.event;
        if (ax.renderedThisRun) {
          flow.abortAction(i, 'Redirect and render commands cannot be used in the same action.');
          return c.api;
        }
        var u;
        try { u = new flow.URL(baseUrl); } catch (e) { throw bad(c, 'Invalid URL', TypeError); }
        var q = urlOptions && urlOptions.query;
        if (q) for (var p in q) if (hasOwn.call(q, p)) u.searchParams.set(p, q[p]);
        if (rec(c, 'redirect.sendUserTo', [u.href])) {
          ax.redirectedThisRun = true;
          flow.suspendAfter(i, { kind: 'redirect', url: u.href, allowed: canRedirect(c), promptNone: ((event.request && event.request.query) || {}).prompt === 'none' });
        }
        return c.api;
      },
      encodeToken: function encodeToken(options) {
        var flow = c.flow, event = c.event;
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
        rec(c, 'redirect.encodeToken', [{ payload: payload }]);
        return token;
      },
      validateToken: function validateToken(options) {
        var flow = c.flow, event = c.event;
        options = options || {};
        var name = options.tokenParameterName || 'session_token';
        var params = continueParams(c);
        var token = params[name];
        if (!token) throw bad(c, "There is no parameter called '" + name + "' available in either the POST body or query string.");
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
        if (reason === 'state mismatch') U.flag(flow.actions[c.i], 'session_token_state');
        else if (reason === 'iss mismatch') U.flag(flow.actions[c.i], 'session_token_iss');
        rec(c, 'redirect.validateToken', [{ valid: !reason, reason: reason }]);
        if (reason) throw bad(c, 'The session token is invalid: ' + reason);
        return payload;
      },
    };
  };
  BUILD.prompt = function (c) {
    return {
      render: function render(promptId, promptOptions) {
        var flow = c.flow, i = c.i, ax = flow.actions[i];
        if (ax.redirectedThisRun) { flow.abortAction(i, 'Redirect and render commands cannot be used in the same action.'); return; }
        if (ax.renderedThisRun) { flow.abortAction(i, 'Only 1 render command per action is allowed.'); return; }
        var opts = promptOptions || {};
        if (typeof promptId !== 'string' || !promptId) throw bad(c, 'Invalid promptId: must be a non-empty string');
        if (typeof opts !== 'object' || Array.isArray(opts)) throw bad(c, 'Invalid prompt options: must be an object');
        if (U.over(JSON.stringify(opts), MAX_PROMPT_OPTIONS)) throw bad(c, 'The total size of the prompt options exceeds the limit of ' + MAX_PROMPT_OPTIONS + ' bytes.');
        if (rec(c, 'prompt.render', [promptId, opts])) {
          ax.renderedThisRun = true;
          flow.suspendAfter(i, { kind: 'prompt', promptId: promptId, fields: U.clone(opts.fields || {}), vars: U.clone(opts.vars || {}) });
        }
      },
    };
  };

  // --- SAML ----------------------------------------------------------------------------------
  var SAML_SETTERS = Object.keys(SAML_CONFIG);
  // samlSetter(c, name): the SAML configuration setter `name` (SAML_CONFIG).
  function samlSetter(c, name) {
    return function (value) {
      var key = SAML_CONFIG[name][0], check = SAML_CONFIG[name][1];
      if (name === 'setNameIdentifierFormat' && value === undefined) value = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
      var problem = check(value);
      if (problem) throw bad(c, 'Invalid SAML configuration: ' + key + ' ' + problem);
      if (rec(c, 'samlResponse.' + name, [value])) c.flow.pending.saml.config[key] = U.clone(value);
      return c.api;
    };
  }
  BUILD.samlResponse = function (c) {
    var s = {
      setAttribute: function setAttribute(attribute, value) {
        if (value === undefined) value = null;
        if (typeof attribute !== 'string' || !attribute || U.over(attribute, SAML_ATTRIBUTE_NAME)) throw bad(c, 'Invalid SAML attribute name: must be a string of 1 to ' + SAML_ATTRIBUTE_NAME + ' bytes');
        var items = Array.isArray(value) ? value : [value];
        for (var k = 0; k < items.length; k++) {
          var v = items[k], t = typeof v;
          if (!(v === null || t === 'string' || t === 'number' || t === 'boolean')) throw bad(c, 'Invalid SAML attribute value: a string, number, boolean, null or an array of those');
          if (t === 'string' && U.over(v, SAML_ATTRIBUTE_VALUE)) throw bad(c, 'Invalid SAML attribute value: at most ' + SAML_ATTRIBUTE_VALUE + ' bytes');
        }
        var P = c.flow.pending, O = c.flow.options;
        var next = U.clone(P.saml.attributes); next[attribute] = value;
        if (U.over(JSON.stringify(next), O.saml_total_bytes)) throw bad(c, 'The total size of the SAML attributes exceeds the limit of ' + O.saml_total_bytes + ' bytes.');
        if (!hasOwn.call(P.saml.attributes, attribute) && Object.keys(P.saml.attributes).length >= SAML_ATTRIBUTES) throw bad(c, 'Too many SAML attributes: at most ' + SAML_ATTRIBUTES);
        if (rec(c, 'samlResponse.setAttribute', [attribute, value])) P.saml.attributes[attribute] = U.clone(value);
        return c.api;
      },
    };
    for (var n = 0; n < SAML_SETTERS.length; n++) s[SAML_SETTERS[n]] = samlSetter(c, SAML_SETTERS[n]);
    return s;
  };

  // --- session and refresh token (api_session.js) -----------------------------------------
  var SESSION = sessionApi(U, { rec: rec, bad: bad });
  BUILD.session = SESSION.session;
  BUILD.refreshToken = SESSION.refreshToken;

  // --- early access (fakes, off by default) ---------------------------------------------------
  function early(c, name, value) {
    return function () {
      if (!c.flow.options.early_access) return Promise.reject(bad(c, 'Method not implemented.'));
      rec(c, name, Array.prototype.slice.call(arguments));
      return Promise.resolve(U.clone(value));
    };
  }
  BUILD.groups = function (c) {
    return {
      getUserGroups: early(c, 'groups.getUserGroups', { groups: c.flow.fakes.groups || [] }),
      hasGroupMembership: early(c, 'groups.hasGroupMembership', { memberships: {} }),
    };
  };
  BUILD.roles = function (c) {
    return {
      getUserEffectiveRoles: early(c, 'roles.getUserEffectiveRoles', { roles: c.flow.fakes.roles || [] }),
      getUserEffectiveRolesByIds: early(c, 'roles.getUserEffectiveRolesByIds', { roles: [] }),
      getUserEffectiveRolesByNames: early(c, 'roles.getUserEffectiveRolesByNames', { roles: [] }),
    };
  };
  return { build: build, release: release, CACHE: CACHE, NO_REDIRECT_PROTOCOLS: NO_REDIRECT_PROTOCOLS, SAML_CONFIG: SAML_CONFIG };
})
