(function makeInstallActions(parts) {
  // The post-login Actions flow: one `event` per Action, the `api` command recorder, and the
  // state machine that decides what the commands do (contract sections 2, 3, 6, 7 and 10).
  //
  // Loaded as `(flow.js)({event: (event.js), copies: (copies.js), api: (api.js), session_api:
  // (api_session.js), globals: (node_globals.js), changes: (changes.js), cache: (cache.js),
  // result: (result.js)})`
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
  var objectKeys = Object.keys;
  // A flat copy of a plain object: Object.assign costs QuickJS a third of a for-in loop.
  var objectAssign = Object.assign;

  // Copies of the event (copies.js).
  var C = parts.copies();
  var lazyCopy = C.lazyCopy, lazyKeys = C.lazyKeys, copyData = C.copyData, SHAPES = C.SHAPES;

  // ---------------------------------------------------------------- shared helpers
  var U = {
    // A deep copy of plain data (copies.js copyData); other values as they are.
    clone: function clone(v) { return v === null || typeof v !== 'object' ? v : copyData(v); },
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
  var API = parts.api(U, parts.session_api);
  var CH = parts.changes(U, API);
  var cacheApi = parts.cache(U);
  var makeResult = parts.result(U, CH);

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
    var R = makeResult(O, { next: next, flushMetadata: flushMetadata });   // result.js
    var workerCache = new MapCtor();   // shared-per-worker and flaky(p)
    var INVALID_HANDLER = Symbol('invalid handler');   // marks the error handler() throws
    var URLCtor = null;   // (`url` is loaded at set-up: the world restore covers it)
    function urlCtor() {
      if (URLCtor === null) URLCtor = (host.require ? host.require('url').URL : globalThis.URL);
      return URLCtor;
    }

    // ---------------------------------------------------------------- a new flow
    function newFlow(login, flowOptions) {
      if (typeof login === 'string') login = jsonParse(login);
      flowOptions = flowOptions || {};
      var list = flowOptions.actions || [];
      // The `state` of a redirect: 16 hex digits from four draws of 16 bits, kept as two numbers
      // of 32 bits (stateParam makes the text when a redirect needs it).
      var d0 = Math.floor(host.random() * 65536), d1 = Math.floor(host.random() * 65536);
      var d2 = Math.floor(host.random() * 65536), d3 = Math.floor(host.random() * 65536);
      var base = EV.project(login, { userExtraFields: O.user_extra_fields === 'copy' ? 'copy' : 'absent', enterprise: O.enterprise });
      var flow = {
        __proto__: FLOW_METHODS,
        host: host, options: O, login: login, base: base, storedUser: shallow(base.user, 'user_id', base.user.user_id),
        actions: actionRecords(list), actionList: list, released: false,
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
        stateHi: d0 * 65536 + d1, stateLo: d2 * 65536 + d3,
        rulesExecuted: (flowOptions.rulesExecuted || []).slice(),
        primaryUserFromRules: flowOptions.primaryUser || null,
        grantedScopes: flowOptions.grantedScopes ? flowOptions.grantedScopes.slice() : null,   // a mixed flow: the Rules' scopes
        fakes: flowOptions.fakes || {},
        cacheStore: O.cache_mode === 'per-execution' ? new MapCtor() : workerCache,
        cacheSideEffects: 0,
        apis: [],   // every api object of the flow (release() unties them)
        eventParts: null, eventVersion: 0, shapes: null,   // see startRun and eventParts
      };
      return flow;
    }
    function hex8(n) { return ('0000000' + n.toString(16)).slice(-8); }
    // What api.js asks of a flow, shared by every flow (its prototype): no closures per flow.
    var FLOW_METHODS = {
      get URL() { return urlCtor(); },
      get stateParam() { return hex8(this.stateHi) + hex8(this.stateLo); },
      // (Not kept: the module a rule may have changed leaves require's cache at a reset.)
      jwt: function () { return host.require('jsonwebtoken'); },
      suspendAfter: function (i, what) {
        what.action = i;
        what.leg = this.leg;
        if (this.suspension && this.suspension.action === i && this.suspension.leg === this.leg) U.flag(this.actions[i], 'multiple_suspensions');
        this.suspension = what;
      },
      abortAction: function (i, message) {
        if (!this.abort) this.abort = { action: i, code: 'action_aborted', message: message };
      },
      cacheApi: function (i, rec, limits) { return cacheApi(this, i, rec, limits); },
    };

    // actionRecords(list): the flow's record of each Action of `list` (its status, runs, flags,
    // error; its step running now: runLeg and runHandler (-1 and null when none), its event
    // and its api: startRun). The records of the last flow released for the same list are
    // reused (reset): a pipeline's flows all run one list, one after the other, and a record
    // costs QuickJS an object of fifteen fields.
    var recordPool = null;   // {list, records}: the records of the last flow released
    function actionRecords(list) {
      var pool = recordPool, out, i, ax;
      if (pool !== null && pool.list === list) {
        recordPool = null;
        out = pool.records;
        for (i = 0; i < out.length; i++) {
          ax = out[i];
          ax.status = 'pending'; ax.runs = 0; ax.flags.length = 0; ax.error = null; ax.settled = false;
          ax.runLeg = -1; ax.runHandler = ax.event = ax.api = null;
          ax.redirectedThisRun = false; ax.renderedThisRun = false;
        }
        return out;
      }
      out = [];
      for (i = 0; i < list.length; i++) {
        var a = list[i];
        out.push({ index: i, name: a.name, id: a.id || a.name, secrets: a.secrets || {}, status: 'pending',
          runs: 0, flags: [], error: null, settled: false, runLeg: -1, runHandler: null, event: null, api: null,
          redirectedThisRun: false, renderedThisRun: false });
      }
      return out;
    }

    // release(flow): the flow is over and its result read: cut the reference cycles its
    // closures make (an api's methods refer to the api), so reference counting frees the whole
    // flow at once instead of leaving it to the engine's cycle collector.
    // Its Action records go back to the pool (actionRecords). An api method kept past the
    // flow (in the module's scope: it still refers to this flow) must not reach them when the
    // next flow uses them: the flow's records become ENDED_RECORD, a record that belongs to
    // no flow (what such a method flags or sets there is never read).
    var ENDED_RECORD = { index: -1, name: '', id: '', secrets: {}, status: 'ended', runs: 0, flags: [], error: null,
      settled: true, runLeg: -1, runHandler: null, event: null, api: null, redirectedThisRun: false, renderedThisRun: false };
    function release(flow) {
      if (flow.released) return;
      flow.released = true;
      for (var a = 0; a < flow.apis.length; a++) API.release(flow.apis[a]);
      flow.apis = [];
      for (var r = 0; r < flow.actions.length; r++) flow.actions[r].event = flow.actions[r].api = null;
      recordPool = { list: flow.actionList, records: flow.actions };
      var ended = [];
      for (var e = 0; e < flow.actionList.length; e++) ended.push(ENDED_RECORD);
      flow.actions = ended;
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
      if (ax.runLeg === flow.leg && ax.runHandler === flow.cursor.handler && !ax.settled) return ax;
      if (!isNext(flow, i)) throw new Error('Action ' + i + ' is not the next step of this flow');
      // The event's parts as the flow holds them (shared: the lazy copy never writes to them),
      // rebuilt only when something they show changed (flow.eventVersion), then this
      // Action's secrets (and a form's fields).
      var parts = flow.eventParts;
      if (parts === null || parts.version !== flow.eventVersion) parts = flow.eventParts = eventParts(flow);
      var src = Object.create(parts.src), keys = parts.lazy;
      if (flow.cursor.handler === 'onContinuePostLogin' && flow.carried.prompt) {
        src.prompt = flow.carried.prompt;
        keys = parts.withPrompt || (parts.withPrompt = lazyKeys(parts.keys.concat(['prompt', 'secrets'])));
      }
      src.secrets = ax.secrets;
      var ev = lazyCopy(src, keys);
      ax.settled = false;
      ax.redirectedThisRun = false;
      ax.renderedThisRun = false;
      ax.runs++;
      ax.status = 'running';
      ax.runLeg = flow.leg;
      ax.runHandler = flow.cursor.handler;
      ax.event = ev;
      ax.api = API.build(flow, i, ev, flow.cursor.handler);
      flow.apis.push(ax.api);
      return ax;
    }
    function eventParts(flow) {
      var src = objectAssign({}, flow.base);
      var user = flow.storedUser;
      var app = committedMeta(flow, 'app'), usr = committedMeta(flow, 'user');
      if (app || usr) {
        user = objectAssign({}, flow.storedUser);
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
      var keys = objectKeys(src);
      // The values of the parts are never changed while the flow runs (a change makes new
      // parts with new objects for what it changed): what copying them needs holds for the
      // whole flow (copyOf).
      src[SHAPES] = flow.shapes || (flow.shapes = new MapCtor());
      // (lazyKeys finds the keys of the parts made before, the usual case, without joining them.)
      // withPrompt (a form's fields after prompt.render) is made when a step needs it.
      var lazy = lazyKeys(keys.concat(['secrets']));
      return { version: flow.eventVersion, src: src, keys: keys, lazy: lazy, withPrompt: null };
    }
    function shallow(obj, key, value) {
      var out = objectAssign({}, obj);
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
      if (ax.runLeg < 0) startRun(flow, i);
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

    return {
      settings: O, newFlow: newFlow, next: next, isNext: isNext, start: startRun, event: event, api: api, handler: handler,
      afterAction: afterAction, resume: resume, finishFlow: R.finishFlow, release: release,
      CHANGE_FIELDS: CH.ROW,   // fields a change row of finishFlow(flow, true).changes
      // The standard ID-token claims of the login (what a failed flow leaves).
      standardClaims: function (flow) { return R.standardClaims(flow, R.requestedScopes(flow)); },
      requestedScopes: R.requestedScopes,
      resetCache: function () { workerCache.clear(); },
      installGlobals: function (target) { return parts.globals(target, host, O); },
    };
  }
  installActions.DEFAULTS = DEFAULTS;
  return installActions;
})
