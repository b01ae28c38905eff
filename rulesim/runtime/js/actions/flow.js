(function makeInstallActions(parts) {
  // The post-login Actions flow: one `event` per Action, the `api` command recorder, and the
  // state machine that decides what the commands do (contract sections 2, 3, 6, 7 and 10).
  //
  // Loaded as `(flow.js)({event: (event.js), api: (api.js), globals: (node_globals.js)})`
  // (rulesim/runtime/actions.py: actions_js()); the value is `installActions`.
  //
  // installActions(host, options) -> A
  //   host     {now() -> virtual ms, random() -> [0, 1), require(name) (the sandbox's
  //            require: `url` and `jsonwebtoken` are used), http(req, cb) (for fetch)}
  //   options  the settings of contract section 10 (see DEFAULTS below and docs/actions.md)
  //
  // A.newFlow(login, flowOptions) -> flow
  //   login        the canonical login {user, context, timestamp_ms, ...} (object or JSON text)
  //   flowOptions  {actions: [{name, id, secrets: {K: v}}] (the active Actions, in order),
  //                 rulesExecuted: [rule ids that ran before], primaryUser: id set by a Rule
  //                 (or null), fakes: {groups, roles} (early access)}
  // A.next(flow) -> {index, name, handler} | null
  //   The next step: `onExecutePostLogin` of the next Action, or `onContinuePostLogin` of the
  //   suspended one after resume(). null when the flow is over or suspended.
  // A.isNext(flow, i) -> whether next(flow) is Action i
  // A.start(flow, i) -> {event, api, ...}: the step of Action i as event() and api() give it
  // A.event(flow, i) -> the `event` for this step of Action i (a fresh copy: writes to it are
  //   never seen by other Actions)
  // A.api(flow, i) -> the `api` for this step of Action i (commands recorded on the flow)
  // A.handler(exports, name) -> the handler function; throws Auth0's "Invalid function
  //   signature for the handler" unless it is an async function. The error is marked, so
  //   afterAction(..., {error}) classifies it as `invalid_handler`.
  // A.afterAction(flow, i, outcome) -> flow.state ('running', 'suspended', 'denied', 'custom',
  //   'failed', 'timeout')
  //   outcome undefined / {} when the handler resolved; {error: thrown value, kind:
  //   'exception'|'rejected'|'module'|'invalid_handler'} when it threw or rejected or its module
  //   failed; {kind: 'timeout'|'host', code, message} for failures the host decides (pipeline
  //   timeout, CPU limit, a raising fake service).
  // A.resume(flow, request) -> undefined: continue a suspended flow.
  //   request  {query, body, method} of the /continue request (redirects), {factor} (the
  //            factor type completed after a challenge; default the first offered), or
  //            {fields} (the submitted form after prompt.render)
  // A.finishFlow(flow) -> the flow result (section 7), a plain JSON-able object:
  //   {outcome: success|denied|failed|timeout|custom|suspended,
  //    error: null | {error, description, code, action, index, message},
  //    actions: [{name, status: ok|denied|error|timeout|suspended|skipped|not_run, runs,
  //               flags, error}],
  //    idToken, accessToken (claim maps), scopes, droppedClaims: [[token, claim, reason, action]],
  //    mfa: null | {provider, allowRememberBrowser, providerOptions, action}, factors: [...],
  //    redirects: [{action, url, leg}], suspension: null | {...},
  //    metadata: {writes: [{leg, app_metadata, user_metadata}], app_metadata, user_metadata},
  //    saml: null | {attributes, config}, session: {...}, refreshToken: {...},
  //    transactionMetadata, primaryUser, prompts, validationError, cache: [...],
  //    commands: [[action, leg, handler, op, argsJson, flags]], legs}
  // A.installGlobals(target) installs the Node globals Actions use (node_globals.js).
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var jsonStringify = JSON.stringify, jsonParse = JSON.parse;
  var SetCtor = Set, MapCtor = Map;
  var defineProperties = Object.defineProperties;
  var objectKeys = Object.keys;

  // Lazy copies: an object whose properties are accessors that copy the source's value the
  // first time they are read (and keep the copy), so an Action pays only for the parts of its
  // `event` it reads, and nothing it does to them reaches the source. Own symbol properties
  // hold the source (SRC) and the copies made (COPIES); the accessors are shared by every
  // lazy copy (one per key name), so making one costs a defineProperties call. The
  // descriptors have no prototype: defineProperties looks up six fields in each, and a miss
  // then ends at the descriptor instead of walking Object.prototype (a third of its time).
  var SRC = Symbol('source'), COPIES = Symbol('copies');
  var lazyGetters = {}, lazyShapes = new MapCtor();
  function lazyDescriptor(k) {
    var d = lazyGetters[k];
    if (d === undefined) {
      d = lazyGetters[k] = Object.create(null);
      d.enumerable = true;
      d.configurable = true;
      d.get = function () {
        var copies = this[COPIES];
        if (hasOwn.call(copies, k)) return copies[k];
        var src = this[SRC];
        return (copies[k] = copyOf(src[k], src[SHAPES]));
      };
      d.set = function (v) { this[COPIES][k] = v; };
    }
    return d;
  }
  // The event's parts (eventParts) carry under SHAPES a map (one per flow) from each of their
  // object values to what copying it needs: {keys: its own keys, descs: its descriptors when
  // it is copied lazily (the user, the request) or null}. Those objects do not change while
  // the flow runs, and every Action of the flow reads them. Below the top level there is no
  // map (src[SHAPES] is undefined).
  var SHAPES = Symbol('shapes');
  // copyOf(v, shapes): what a lazy copy holds for source value v: a lazy copy of a large plain
  // object (six keys or more, inherited enumerable ones counted: an Action reads a few of its
  // fields), else a plain copy (U.clone).
  function copyOf(v, shapes) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return U.clone(v);
    var known = shapes !== undefined ? shapes.get(v) : undefined;
    if (known !== undefined && known.descs !== null) return lazyCopy(v, known.descs);
    var keys = known !== undefined ? known.keys : objectKeys(v);
    // The own keys decide when there are six; else the for-in count (what Object.prototype
    // holds may change at any time).
    if (keys.length < 6 && !sixEnumerable(v)) {
      if (shapes !== undefined && known === undefined) shapes.set(v, { keys: keys, descs: null });
      return cloneKeys(v, keys);
    }
    var descs = lazyDescriptors(keys);
    if (shapes !== undefined && keys.length >= 6) shapes.set(v, { keys: keys, descs: descs });
    return lazyCopy(v, descs);
  }
  function sixEnumerable(v) {
    var n = 0;
    for (var k in v) if (++n >= 6) return true;
    return false;
  }
  // U.clone(v) for a plain object v whose own keys are `keys`.
  function cloneKeys(v, keys) {
    var out = {};
    for (var n = 0; n < keys.length; n++) out[keys[n]] = U.clone(v[keys[n]]);
    return out;
  }
  function lazyDescriptors(keys) {
    var shape = keys.join('\u0000'), descs = lazyShapes.get(shape);
    if (descs === undefined) {
      descs = {};
      for (var i = 0; i < keys.length; i++) descs[keys[i]] = lazyDescriptor(keys[i]);
      if (lazyShapes.size < 512) lazyShapes.set(shape, descs);
    }
    return descs;
  }
  // lazyCopy(src, descs): a lazy copy of src, whose keys (own or inherited) descs lists.
  function lazyCopy(src, descs) {
    var out = {};
    out[SRC] = src;
    out[COPIES] = {};
    defineProperties(out, descs);
    return out;
  }

  // ---------------------------------------------------------------- shared helpers
  var U = {
    // An object's own enumerable keys, in the order for-in gives them: Object.keys costs
    // QuickJS about half of a for-in loop with its hasOwnProperty test.
    clone: function clone(v) {
      if (v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.map(clone);
      var out = {}, keys = objectKeys(v);
      for (var n = 0; n < keys.length; n++) out[keys[n]] = clone(v[keys[n]]);
      return out;
    },
    isPlain: function (v) { return v !== null && typeof v === 'object' && !Array.isArray(v); },
    json: function (v) { try { return jsonStringify(v); } catch (e) { return jsonStringify(String(v)); } },
    jsonSafe: function (v) { var s = U.json(v); return s === undefined ? null : jsonParse(s); },
    bytes: function (s) {
      var n = 0;
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (c < 0x80) n += 1;
        else if (c < 0x800) n += 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
        else n += 3;
      }
      return n;
    },
    // over(s, max): whether s is more than max bytes in UTF-8, counted only when the length
    // cannot tell (a UTF-16 unit is 1 to 3 bytes; a surrogate pair 4): counting is a loop in JS.
    over: function (s, max) { return s.length > max || (s.length * 3 > max && U.bytes(s) > max); },
    flag: function (ax, f) { if (ax.flags.indexOf(f) < 0) ax.flags.push(f); },
    isoNow: function (flow) { return new Date(flow.host.now()).toISOString(); },
  };
  var EV = parts.event(U);
  var API = parts.api(U);
  var CH = parts.changes(U, API);

  var DEFAULTS = {
    on_error_commands: 'discard',       // keep
    after_deny_commands: 'record',      // commands after deny are recorded, applied and flagged
    after_resolve_commands: 'ignore',   // record: api calls after the handler settled still apply
    metadata_merge: 'per-key',          // the only merge: a top-level key is replaced whole
    cache_mode: 'per-execution',        // shared-per-worker, flaky(p)
    module_scope: 'per-worker',         // per-call (node18); read by the pipeline, not here
    mfa_none: 'cancel',                 // ignore
    validation_error_code: 'error',     // access_denied
    redirect_claims_persist: true,
    user_extra_fields: 'absent',        // copy
    override_profile_claims: 'allow',   // drop
    saml_total_bytes: 10240,            // 102400 (S3)
    scope_limit: 1000,                  // 100 (D2)
    timeout_ms: 20000,                  // per leg of a redirect; enforced by the pipeline
    mixed_budget: 'separate',           // shared; read by the pipeline
    claim_limit_bytes: 100 * 1024,
    enterprise: false,                  // session/refresh-token details in the event
    early_access: false,                // groups, roles, transaction target scopes
    domain: 'tenant.auth0.com',
  };
  var RESTRICTED = { sub: 1, aud: 1, iss: 1, exp: 1, nbf: 1, iat: 1, jti: 1, azp: 1, nonce: 1, auth_time: 1,
    at_hash: 1, c_hash: 1, acr: 1, amr: 1, sid: 1, org_id: 1, org_name: 1, cnf: 1, act: 1, scope: 1, gty: 1,
    roles: 1, permissions: 1, groups: 1, client_id: 1, may_act: 1 };
  var FORBIDDEN_NS = /^https?:\/\/([^\/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;
  var NAMESPACED = /^https?:\/\//i;
  // Claim name -> why Auth0 drops it whatever the flow ('restricted', 'reserved_namespace'; '':
  // not for that). Claim names repeat from login to login; the namespace test is a regular
  // expression, which costs more than the lookup (as the prelude's claimVerdict). Long names
  // are not kept: an Action's claim names must not fill the engine's memory across logins.
  var claimVerdicts = new MapCtor();
  function claimVerdict(k) {
    var v = claimVerdicts.get(k);
    if (v === undefined) {
      v = hasOwn.call(RESTRICTED, k) ? 'restricted' : FORBIDDEN_NS.test(k) ? 'reserved_namespace' : '';
      if (k.length > 256) return v;
      if (claimVerdicts.size >= 4096) claimVerdicts.clear();
      claimVerdicts.set(k, v);
    }
    return v;
  }
  var PROFILE = ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'];
  var STANDARD = { email: 1, email_verified: 1, phone_number: 1, phone_number_verified: 1 };
  PROFILE.forEach(function (k) { STANDARD[k] = 1; });
  var DEFAULT_SCOPES = ['openid', 'profile', 'email'];

  function settings(options) {
    var O = {};
    for (var k in DEFAULTS) O[k] = DEFAULTS[k];
    for (var o in (options || {})) {
      if (!hasOwn.call(DEFAULTS, o)) throw new Error('unknown Actions setting `' + o + '`; settings are: ' + Object.keys(DEFAULTS).join(', '));
      O[o] = options[o];
    }
    var m = /^flaky\(([0-9.]+)\)$/.exec(String(O.cache_mode));
    O.cacheFlakiness = m ? +m[1] : 0;
    if (!m && O.cache_mode !== 'per-execution' && O.cache_mode !== 'shared-per-worker') {
      throw new Error('cache_mode must be per-execution, shared-per-worker or flaky(p), got ' + O.cache_mode);
    }
    return O;
  }

  function installActions(host, options) {
    var O = settings(options);
    var workerCache = new MapCtor();   // shared-per-worker and flaky(p)
    var INVALID_HANDLER = Symbol('invalid handler');   // marks the error handler() throws
    var URLCtor = null, jwtModule = null;
    function urlCtor() {
      if (URLCtor === null) URLCtor = (host.require ? host.require('url').URL : globalThis.URL);
      return URLCtor;
    }

    // ---------------------------------------------------------------- a new flow
    function newFlow(login, flowOptions) {
      if (typeof login === 'string') login = jsonParse(login);
      flowOptions = flowOptions || {};
      var list = flowOptions.actions || [];
      var stateParam = '';
      for (var s = 0; s < 4; s++) stateParam += ('0000' + Math.floor(host.random() * 65536).toString(16)).slice(-4);
      var base = EV.project(login, { userExtraFields: O.user_extra_fields === 'copy' ? 'copy' : 'absent', enterprise: O.enterprise });
      var flow = {
        host: host, options: O, login: login, base: base, storedUser: shallow(base.user, 'user_id', base.user.user_id),
        actions: actionRecords(list),
        commands: [], apiErrors: new SetCtor(),
        pending: {
          idClaims: {}, accessClaims: {}, scopeEdits: [], mfa: null, factors: [], mfaCommands: 0,
          meta: [], saml: { attributes: {}, config: {} },
          session: { metadata: base.session ? {} : undefined }, refreshToken: { metadata: {} },
          primaryUser: null, cacheWrites: [],
        },
        carried: { transactionMetadata: {}, methods: [], request: null, prompt: null },
        metadataWrites: [], redirects: [], prompts: [], suspensions: [],
        deny: null, abort: null, suspension: null, failure: null,
        state: 'running', leg: 0, cursor: { index: 0, handler: 'onExecutePostLogin' },
        stateParam: stateParam,
        rulesExecuted: (flowOptions.rulesExecuted || []).slice(),
        primaryUserFromRules: flowOptions.primaryUser || null,
        grantedScopes: flowOptions.grantedScopes ? flowOptions.grantedScopes.slice() : null,   // a mixed flow: the Rules' scopes
        fakes: flowOptions.fakes || {},
        cacheStore: O.cache_mode === 'per-execution' ? new MapCtor() : workerCache,
        cacheSideEffects: 0,
        apis: [],   // every api object of the flow (release() unties them)
        eventParts: null, eventVersion: 0, shapes: null,   // see startRun and eventParts
      };
      flow.URL = urlCtor();
      flow.jwt = function () { if (jwtModule === null) jwtModule = host.require('jsonwebtoken'); return jwtModule; };
      flow.suspendAfter = function (i, what) {
        what.action = i;
        what.leg = flow.leg;
        if (flow.suspension && flow.suspension.action === i && flow.suspension.leg === flow.leg) U.flag(flow.actions[i], 'multiple_suspensions');
        flow.suspension = what;
      };
      flow.abortAction = function (i, message) {
        if (!flow.abort) flow.abort = { action: i, code: 'action_aborted', message: message };
      };
      flow.cacheApi = function (i, rec, limits) { return cacheApi(flow, i, rec, limits); };
      return flow;
    }

    function actionRecords(list) {
      var out = [];
      for (var i = 0; i < list.length; i++) {
        var a = list[i];
        out.push({ index: i, name: a.name, id: a.id || a.name, secrets: a.secrets || {}, status: 'pending',
          runs: 0, flags: [], error: null, settled: false, run: null, redirectedThisRun: false, renderedThisRun: false });
      }
      return out;
    }

    // release(flow): the flow is over and its result read: cut the reference cycles its
    // closures make (an api's methods refer to the api), so reference counting frees the whole
    // flow at once instead of leaving it to the engine's cycle collector.
    function release(flow) {
      flow.suspendAfter = flow.abortAction = flow.cacheApi = null;
      for (var a = 0; a < flow.apis.length; a++) API.release(flow.apis[a]);
      flow.apis = [];
      for (var r = 0; r < flow.actions.length; r++) flow.actions[r].run = null;
    }

    function next(flow) {
      if (flow.state !== 'running') return null;
      var c = flow.cursor;
      if (c.index >= flow.actions.length) return null;
      return { index: c.index, name: flow.actions[c.index].name, handler: c.handler };
    }
    // isNext(flow, i): whether next(flow) is Action i (without making the object).
    function isNext(flow, i) {
      return flow.state === 'running' && flow.cursor.index === i && i < flow.actions.length;
    }

    // ---------------------------------------------------------------- one step
    function committedMeta(flow, target) {
      var out = {}, any = false;
      for (var k = 0; k < flow.pending.meta.length; k++) {
        var e = flow.pending.meta[k];
        if (e.committed && e.target === target) { out[e.key] = jsonParse(e.json); any = true; }
      }
      return any ? out : null;
    }
    function applyMeta(obj, changes) {
      var out = U.isPlain(obj) ? U.clone(obj) : {};
      for (var k in changes) { if (changes[k] === null) delete out[k]; else out[k] = U.clone(changes[k]); }
      return out;
    }
    function startRun(flow, i) {
      var ax = flow.actions[i];
      if (ax.run && ax.run.leg === flow.leg && ax.run.handler === flow.cursor.handler && !ax.settled) return ax.run;
      if (!isNext(flow, i)) throw new Error('Action ' + i + ' is not the next step of this flow');
      // The event's parts as the flow holds them (shared: the lazy copy never writes to them),
      // rebuilt only when something they show changed (flow.eventVersion), then this
      // Action's secrets (and a form's fields).
      var parts = flow.eventParts;
      if (parts === null || parts.version !== flow.eventVersion) parts = flow.eventParts = eventParts(flow);
      var src = Object.create(parts.src), descs = parts.descs;
      if (flow.cursor.handler === 'onContinuePostLogin' && flow.carried.prompt) {
        src.prompt = flow.carried.prompt;
        descs = parts.withPrompt || (parts.withPrompt = lazyDescriptors(parts.keys.concat(['prompt', 'secrets'])));
      }
      src.secrets = ax.secrets;
      var ev = lazyCopy(src, descs);
      ax.settled = false;
      ax.redirectedThisRun = false;
      ax.renderedThisRun = false;
      ax.runs++;
      ax.status = 'running';
      ax.run = { leg: flow.leg, handler: flow.cursor.handler, event: ev, api: null };
      ax.run.api = API.build(flow, i, ev, flow.cursor.handler);
      flow.apis.push(ax.run.api);
      return ax.run;
    }
    function eventParts(flow) {
      var src = {}, k;
      for (k in flow.base) src[k] = flow.base[k];
      var user = flow.storedUser;
      var app = committedMeta(flow, 'app'), usr = committedMeta(flow, 'user');
      if (app || usr) {
        user = {};
        for (k in flow.storedUser) user[k] = flow.storedUser[k];
        if (app) user.app_metadata = applyMeta(user.app_metadata, app);
        if (usr) user.user_metadata = applyMeta(user.user_metadata, usr);
      }
      src.user = user;
      src.transaction = shallow(src.transaction || {}, 'metadata', flow.carried.transactionMetadata);
      var S = flow.pending.session;
      if (src.session) {
        if (S.metadata && objectKeys(S.metadata).length) src.session = shallow(src.session, 'metadata', S.metadata);
        if (S.cookieMode) src.session = shallow(src.session, 'cookie', { mode: S.cookieMode });
      }
      if (src.refresh_token) src.refresh_token = shallow(src.refresh_token, 'metadata', flow.pending.refreshToken.metadata);
      if (flow.carried.methods.length) {
        var auth = src.authentication || { methods: [] };
        src.authentication = shallow(auth, 'methods', (auth.methods || []).concat(flow.carried.methods));
      }
      if (flow.carried.request) src.request = flow.carried.request;
      var keys = objectKeys(src), prev = flow.eventParts;
      // The values of the parts are never changed while the flow runs (a change makes new
      // parts with new objects for what it changed): what copying them needs holds for the
      // whole flow (copyOf).
      src[SHAPES] = flow.shapes || (flow.shapes = new MapCtor());
      // The same keys as the parts before (the usual case): their descriptors too.
      var descs = prev !== null && sameKeys(prev.keys, keys) ? prev.descs : lazyDescriptors(keys.concat(['secrets']));
      // withPrompt (a form's fields after prompt.render) is made when a step needs it.
      return { version: flow.eventVersion, src: src, keys: keys, descs: descs, withPrompt: null };
    }
    function sameKeys(a, b) {
      if (a.length !== b.length) return false;
      for (var n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
      return true;
    }
    function shallow(obj, key, value) {
      var out = {};
      for (var k in obj) out[k] = obj[k];
      out[key] = value;
      return out;
    }
    function event(flow, i) { return startRun(flow, i).event; }
    function api(flow, i) { return startRun(flow, i).api; }

    function handler(exports, name) {
      var fn = exports && (typeof exports === 'object' || typeof exports === 'function') ? exports[name] : undefined;
      if (typeof fn !== 'function' || !fn.constructor || fn.constructor.name !== 'AsyncFunction') {
        var e = new Error('Invalid function signature for the handler');
        e[INVALID_HANDLER] = true;
        throw e;
      }
      return fn;
    }

    // ---------------------------------------------------------------- after a step
    function describe(err) {
      if (err && typeof err === 'object' && typeof err.message === 'string') {
        return { name: String(err.name || 'Error'), message: err.message, stack: typeof err.stack === 'string' ? err.stack : '' };
      }
      var msg;
      try { msg = typeof err === 'string' ? err : jsonStringify(err); } catch (e) { msg = String(err); }
      return { name: null, message: msg === undefined ? String(err) : msg, stack: '' };
    }
    var KIND_CODES = { exception: 'action_exception', rejected: 'action_exception', module: 'module_error',
      invalid_handler: 'invalid_handler', timeout: 'pipeline_timeout', host: 'engine_error' };
    function classify(flow, outcome) {
      var kind = outcome.kind || 'exception';
      var d = outcome.error !== undefined ? describe(outcome.error) : { name: 'Error', message: String(outcome.message || kind), stack: '' };
      var code = outcome.code || KIND_CODES[kind] || 'action_exception';
      if (outcome.error !== undefined && outcome.error !== null && typeof outcome.error === 'object') {
        if (flow.apiErrors.has(outcome.error)) code = 'invalid_api_argument';
        if (outcome.error[INVALID_HANDLER] === true) code = 'invalid_handler';
      }
      if (d.name === null) U.flag(flow.actions[flow.cursor.index], 'non_error_thrown');
      return { code: code, name: d.name, message: d.message, stack: d.stack, timeout: kind === 'timeout' };
    }
    function fail(flow, i, f, error) {
      var ax = flow.actions[i];
      ax.status = f.timeout ? 'timeout' : 'error';
      ax.error = { code: f.code, name: f.name, message: f.message };
      flow.failure = { index: i, code: f.code, message: f.message, error: error || 'access_denied', timeout: !!f.timeout };
      flow.state = f.timeout ? 'timeout' : 'failed';
    }
    function afterAction(flow, i, outcome) {
      var ax = flow.actions[i];
      if (flow.cursor.index !== i || flow.state !== 'running') throw new Error('Action ' + i + ' is not running');
      if (!ax.run) startRun(flow, i);
      ax.settled = true;
      for (var k = 0; k < flow.pending.meta.length; k++) {
        if (flow.pending.meta[k].action === i && !flow.pending.meta[k].committed) { flow.pending.meta[k].committed = true; flow.eventVersion++; }
      }
      var failed = outcome && (outcome.error !== undefined || (outcome.kind && outcome.kind !== 'ok'));
      var susp = flow.suspension && flow.suspension.action === i && flow.suspension.leg === flow.leg ? flow.suspension : null;
      if (failed) {
        fail(flow, i, classify(flow, outcome));
      } else if (flow.abort && flow.abort.action === i) {
        fail(flow, i, { code: flow.abort.code, name: 'Error', message: flow.abort.message });
      } else if (flow.deny && flow.deny.action === i) {
        ax.status = 'denied';
        flow.state = flow.deny.kind === 'validation' ? 'custom' : 'denied';
      } else if (susp && susp.kind === 'redirect' && !susp.allowed) {
        fail(flow, i, { code: 'redirect_not_allowed', name: 'Error', message: susp.promptNone
          ? 'Cannot redirect with prompt=none' : 'Cannot redirect in a ' + ((flow.base.transaction || {}).protocol) + ' transaction' }, 'interaction_required');
      } else if (susp) {
        ax.status = 'suspended';
        flow.state = 'suspended';
        flushMetadata(flow);
        flow.suspensions.push(U.clone(susp));
        if (susp.kind === 'redirect') flow.redirects.push({ action: i, name: ax.name, url: susp.url, state: flow.stateParam, leg: flow.leg });
        if (susp.kind === 'prompt') flow.prompts.push({ action: i, name: ax.name, id: susp.promptId, leg: flow.leg });
        flow.cursor = susp.kind === 'redirect' || susp.kind === 'prompt'
          ? { index: i, handler: 'onContinuePostLogin' } : { index: i + 1, handler: 'onExecutePostLogin' };
      } else {
        ax.status = 'ok';
        var c = flow.cursor;   // only the flow holds it: moved on in place
        c.index = i + 1;
        c.handler = 'onExecutePostLogin';
      }
      if (flow.state !== 'running' && flow.state !== 'suspended') {
        for (var j = i + 1; j < flow.actions.length; j++) if (flow.actions[j].status === 'pending') flow.actions[j].status = 'skipped';
      }
      return flow.state;
    }

    // The committed metadata changes as one write (per-key replace); applied to the stored
    // profile. Before a suspension and at the end of the flow.
    function flushMetadata(flow) {
      var write = { leg: flow.leg, app_metadata: null, user_metadata: null };
      var P = flow.pending, keep = [], writer = {};
      var primary = P.primaryUser;
      for (var k = 0; k < P.meta.length; k++) {
        var e = P.meta[k];
        if (!e.committed) { keep.push(e); continue; }
        if (primary && e.target === 'user' && e.action === primary.action && e.leg === primary.leg) continue;
        var field = e.target === 'app' ? 'app_metadata' : 'user_metadata';
        if (write[field] === null) write[field] = {};
        write[field][e.key] = jsonParse(e.json);
        // The last command per key is the one whose value is written.
        if (writer[e.target + ':' + e.key]) writer[e.target + ':' + e.key].persisted = false;
        if (e.cmd) { e.cmd.persisted = true; writer[e.target + ':' + e.key] = e.cmd; }
      }
      P.meta = keep;
      if (write.app_metadata === null && write.user_metadata === null) return;
      flow.eventVersion++;
      if (write.app_metadata) flow.storedUser.app_metadata = applyMeta(flow.storedUser.app_metadata, write.app_metadata);
      if (write.user_metadata) flow.storedUser.user_metadata = applyMeta(flow.storedUser.user_metadata, write.user_metadata);
      flow.metadataWrites.push(write);
    }

    function resume(flow, request) {
      if (flow.state !== 'suspended') throw new Error('the flow is not suspended (state ' + flow.state + ')');
      request = request || {};
      var susp = flow.suspension;
      flow.leg++;
      flow.eventVersion++;
      flow.state = 'running';
      flow.suspension = null;
      if (susp.kind === 'redirect') {
        var original = flow.base.request;
        var query = U.clone(request.query || {});
        if (query.state === undefined) query.state = flow.stateParam;
        var body = U.clone(request.body || {});
        flow.carried.request = {
          ip: original.ip, method: request.method || (Object.keys(body).length ? 'POST' : 'GET'),
          query: query, body: body, geoip: U.clone(original.geoip),
        };
        ['hostname', 'user_agent', 'language', 'asn'].forEach(function (k) { if (original[k] !== undefined) flow.carried.request[k] = original[k]; });
      } else if (susp.kind === 'challenge' || susp.kind === 'enroll') {
        var offered = susp.factors || [];
        var type = request.factor || (offered[0] && offered[0].type);
        flow.carried.methods.push({ name: 'mfa', type: type, timestamp: U.isoNow(flow) });
      } else if (susp.kind === 'prompt') {
        flow.carried.prompt = { id: susp.promptId, fields: U.clone(request.fields || {}), vars: U.clone(susp.vars || {}) };
      }
      if (!O.redirect_claims_persist) {
        var P = flow.pending;
        P.idClaims = {}; P.accessClaims = {}; P.scopeEdits = []; P.mfa = null;
      }
      var ax = flow.actions[susp.action];
      if (flow.cursor.index === susp.action) ax.status = 'pending';
    }

    // ---------------------------------------------------------------- the cache
    function cacheApi(flow, i, rec, L) {
      var store = flow.cacheStore;
      function now() { return flow.host.now(); }
      function live(key) {
        var e = store.get(key);
        if (e && e.expires_at <= now()) { store.delete(key); e = undefined; }
        return e;
      }
      function sizeWith(key, value) {
        var total = 0, n = 0;
        store.forEach(function (e, k) { if (k !== key && e.expires_at > now()) { total += U.bytes(k) + U.bytes(e.value); n++; } });
        return { bytes: total + U.bytes(key) + U.bytes(value), entries: n + 1 };
      }
      function err(code) { return { type: 'error', code: code }; }
      return {
        get: function get(key) {
          var e = live(String(key));
          if (e && O.cacheFlakiness > 0 && flow.host.random() < O.cacheFlakiness) { store.delete(String(key)); e = undefined; }
          return e ? { value: e.value, expires_at: e.expires_at } : undefined;
        },
        set: function set(key, value, options) {
          options = options || {};
          if (++flow.cacheSideEffects > L.sideEffects) return err('MaxSideEffectsExceeded');
          if (typeof key !== 'string' || typeof value !== 'string') return err('FailedToSetCacheRecord');
          if (U.over(key, L.keyBytes)) return err('CacheKeySizeExceeded');
          if (U.over(value, L.valueBytes)) return err('CacheValueSizeExceeded');
          var t = now(), expires = t + L.ttl;
          if (options.ttl !== undefined) {
            if (typeof options.ttl !== 'number' || !(options.ttl > 0) || options.ttl > L.maxTtl) return err('InvalidExpiry');
            expires = t + options.ttl;
          }
          if (options.expires_at !== undefined) {
            if (typeof options.expires_at !== 'number' || !isFinite(options.expires_at)) return err('InvalidExpiry');
            if (options.expires_at <= t) return err('ItemAlreadyExpired');
            if (options.expires_at > t + L.maxTtl) return err('InvalidExpiry');
            if (options.ttl === undefined || options.expires_at < expires) expires = options.expires_at;
          }
          var size = sizeWith(key, value);
          if (size.entries > L.entries || size.bytes > L.totalBytes) return err('CacheSizeExceeded');
          var record = { value: value, expires_at: expires };
          if (rec('cache.set', [key, value, { expires_at: expires }])) {
            store.set(key, record);
            flow.pending.cacheWrites.push(['set', key, i]);
          }
          return { type: 'success', record: { value: value, expires_at: expires } };
        },
        delete: function delete_(key) {
          if (++flow.cacheSideEffects > L.sideEffects) return err('MaxSideEffectsExceeded');
          key = String(key);
          var e = live(key);
          if (!e) return err('CacheKeyDoesNotExist');
          if (rec('cache.delete', [key])) {
            store.delete(key);
            flow.pending.cacheWrites.push(['delete', key, i]);
          }
          return { type: 'success', record: { value: e.value, expires_at: e.expires_at } };
        },
      };
    }

    // ---------------------------------------------------------------- the result
    function filterClaims(flow, src, token, dropped, auth0Api) {
      var out = {};
      for (var k in src) {
        var why = claimVerdict(k);
        if (why === '' && auth0Api && !NAMESPACED.test(k)) why = 'auth0_api_audience';
        if (why === '' && O.override_profile_claims === 'drop' && hasOwn.call(STANDARD, k)) why = 'standard_claim';
        if (why !== '') { dropped.push([token, k, why, flow.actions[src[k].action].name]); continue; }
        out[k] = jsonParse(src[k].json);
      }
      return out;
    }
    function standardClaims(flow, scopes) {
      var u = flow.base.user, t = {}, lu = flow.login.user;
      if (scopes.indexOf('openid') >= 0) t.sub = flow.pending.primaryUser ? flow.pending.primaryUser.id : u.user_id;
      if (scopes.indexOf('profile') >= 0 && lu) {
        for (var p = 0; p < PROFILE.length; p++) { var v = lu[PROFILE[p]]; if (v !== undefined) t[PROFILE[p]] = U.clone(v); }
      }
      if (scopes.indexOf('email') >= 0) { if (u.email !== undefined) t.email = u.email; if (u.email_verified !== undefined) t.email_verified = u.email_verified; }
      if (scopes.indexOf('phone') >= 0) { if (u.phone_number !== undefined) t.phone_number = u.phone_number; if (u.phone_verified !== undefined) t.phone_number_verified = u.phone_verified; }
      return t;
    }
    // Whether a token's custom claims (JSON text) are over the limit in UTF-8 bytes (counted
    // only when the text could be: a UTF-16 unit is at most 3 bytes).
    function tooLarge(json) {
      return json.length * 3 > O.claim_limit_bytes && U.bytes(json) > O.claim_limit_bytes;
    }
    function requestedScopes(flow) {
      return (flow.base.transaction && flow.base.transaction.requested_scopes) || DEFAULT_SCOPES;
    }
    function isAuth0Api(flow) {
      var rs = flow.base.resource_server && flow.base.resource_server.identifier;
      if (typeof rs !== 'string') return false;
      return /\/api\/v2\/?$/.test(rs) || /\/mfa\/?$/.test(rs) || rs.indexOf('https://' + O.domain + '/api/v2') === 0;
    }
    // finishFlow(flow, lean): lean leaves out `actions` and `commands` (null), which the
    // prelude reads from the flow itself, and gives `changes` flat (CHANGE_FIELDS a row,
    // changes.js flatRows): the prelude reads them field by field.
    function finishFlow(flow, lean) {
      var P = flow.pending;
      if (flow.state === 'running') {
        if (next(flow) !== null) {
          for (var r = flow.cursor.index; r < flow.actions.length; r++) if (flow.actions[r].status === 'pending') flow.actions[r].status = 'not_run';
          flow.state = 'failed';
          flow.failure = { index: flow.cursor.index, code: 'flow_incomplete', message: 'the flow ended before every Action ran', error: 'access_denied' };
        } else {
          flow.state = 'success';
        }
      }
      if (flow.state === 'suspended') for (var s = 0; s < flow.actions.length; s++) if (flow.actions[s].status === 'pending') flow.actions[s].status = 'not_run';
      var dropped = [], idToken = null, accessToken = null, scopes = null, outcome = flow.state, error = null, customIdClaims = null, over = null;
      if (flow.state === 'success') {
        scopes = flow.grantedScopes ? flow.grantedScopes.slice()
          : ((flow.base.transaction && flow.base.transaction.requested_scopes) ? flow.base.transaction.requested_scopes.slice() : DEFAULT_SCOPES.slice());
        for (var e = 0; e < P.scopeEdits.length; e++) {
          var ed = P.scopeEdits[e], at = scopes.indexOf(ed[1]);
          if (ed[0] === 'add' && at < 0) scopes.push(ed[1]);
          if (ed[0] === 'remove' && at >= 0) scopes.splice(at, 1);
        }
        var requested = requestedScopes(flow);
        idToken = standardClaims(flow, requested);
        var customId = filterClaims(flow, P.idClaims, 'id_token', dropped, false);
        var customAt = filterClaims(flow, P.accessClaims, 'access_token', dropped, isAuth0Api(flow));
        over = tooLarge(jsonStringify(customId)) ? 'id_token' : (tooLarge(jsonStringify(customAt)) ? 'access_token' : null);
        for (var c in customId) idToken[c] = customId[c];
        accessToken = customAt;
        customIdClaims = customId;
        if (over) {
          var last = flow.actions.length - 1;
          flow.failure = { index: last, code: 'claims_too_large', message: 'the custom claims of the ' + over + ' exceed ' + O.claim_limit_bytes + ' bytes', error: 'access_denied' };
          outcome = flow.state = 'failed';
          idToken = accessToken = scopes = customIdClaims = null;
        }
      }
      if (flow.state === 'success' || flow.state === 'denied' || flow.state === 'custom' || O.on_error_commands === 'keep') flushMetadata(flow);
      if (flow.state === 'denied' || flow.state === 'custom') {
        var d = flow.deny;
        var code = d.kind === 'validation' ? (O.validation_error_code === 'error' ? d.code : 'access_denied') : 'access_denied';
        error = { error: code, description: d.reason, code: d.kind === 'deny' ? 'denied' : d.kind, action: flow.actions[d.action].name, index: d.action };
      } else if (flow.failure) {
        var f = flow.failure;
        error = { error: f.error, description: f.message, code: f.code, action: flow.actions[f.index] ? flow.actions[f.index].name : null, index: f.index };
      }
      var mfa = null;
      if (flow.state === 'success' && P.factors.length === 0 && P.mfa) {
        mfa = { provider: P.mfa.provider, allowRememberBrowser: P.mfa.allowRememberBrowser, providerOptions: P.mfa.providerOptions, action: flow.actions[P.mfa.action].name };
      }
      var saml = (Object.keys(P.saml.attributes).length || Object.keys(P.saml.config).length) ? P.saml : null;
      var stored = flow.storedUser;
      // Plain data that shares objects with the flow (read it, do not change it).
      return {
        outcome: outcome,
        error: error,
        actions: lean ? null : flow.actions.map(function (ax) {
          return { name: ax.name, status: ax.status, runs: ax.runs, flags: ax.flags.slice(), error: ax.error };
        }),
        idToken: idToken, accessToken: accessToken, scopes: scopes, droppedClaims: dropped, customIdClaims: customIdClaims,
        claimsTooLarge: over || null,
        mfa: mfa, mfaOverridden: !!(P.mfa && P.factors.length), factors: (P.factors),
        redirects: (flow.redirects), prompts: (flow.prompts),
        suspension: flow.state === 'suspended' ? (flow.suspension) : null,
        metadata: { writes: (flow.metadataWrites), app_metadata: (stored.app_metadata), user_metadata: (stored.user_metadata) },
        saml: (saml),
        session: { metadata: (P.session.metadata), expiresAt: P.session.expiresAt, idleExpiresAt: P.session.idleExpiresAt, cookieMode: P.session.cookieMode, revoked: (P.session.revoked) || null },
        refreshToken: { metadata: (P.refreshToken.metadata), expiresAt: P.refreshToken.expiresAt, idleExpiresAt: P.refreshToken.idleExpiresAt, revoked: (P.refreshToken.revoked) || null },
        transactionMetadata: (flow.carried.transactionMetadata),
        authenticationMethods: (flow.carried.methods),
        primaryUser: P.primaryUser ? P.primaryUser.id : null,
        validationError: flow.deny && flow.deny.kind === 'validation' ? { code: flow.deny.code, message: flow.deny.reason } : null,
        cache: (P.cacheWrites),
        commands: lean ? null : flow.commands.map(function (c) { return [c.action, c.leg, c.handler, c.op, CH.argsJson(c), c.flags]; }),
        changes: lean ? CH.flatRows(flow) : CH.rows(flow),
        legs: flow.leg + 1,
      };
    }

    return {
      settings: O, newFlow: newFlow, next: next, isNext: isNext, start: startRun, event: event, api: api, handler: handler,
      afterAction: afterAction, resume: resume, finishFlow: finishFlow, release: release,
      CHANGE_FIELDS: CH.ROW,   // fields a change row of finishFlow(flow, true).changes
      // The standard ID-token claims of the login (what a failed flow leaves).
      standardClaims: function (flow) { return standardClaims(flow, requestedScopes(flow)); },
      requestedScopes: requestedScopes,
      resetCache: function () { workerCache.clear(); },
      installGlobals: function (target) { return parts.globals(target, host, O); },
    };
  }
  installActions.DEFAULTS = DEFAULTS;
  return installActions;
})
