  // ---------------------------------------------------------------- post-login Actions
  // A tenant's Actions run after its Rules, in the same login (docs/actions.md). The host
  // drives them the way it drives rules: each *step* is one handler call of one Action, and
  // steps are numbered after the rules, leg by leg: step NRULES + leg * NA + j runs Action j
  // in leg `leg` (a leg ends when the flow suspends: a redirect, a form, an MFA challenge).
  // runRule/status/hostFail of the driver object dispatch here for step numbers past the
  // rules, so host operations, timers, the CPU budget and the pipeline deadline work as for
  // rules; a step's status is DONE when its handler settled and the flow goes on, FAILED when
  // the flow stopped there (a deny, a failure, a suspension).
  //
  // Each Action's module body runs once, at the first login that reaches it, and its scope
  // (module-level variables, its `global`) lives until `global` is reset (resetGlobal), like
  // an instance of Auth0's Node runtime; with module_scope 'per-call' it runs at every step.
  // A body that throws fails every later call with the same error until the reset.
  //
  // Python calls: beginActions(loginJson) once the rules allowed the login; actionsState()
  // after a step stopped the flow; resumeActions(requestJson) to continue a suspended flow.
  // recordLogin (75-records.js) calls actionOutputs, actionRows, actionsVerdict and
  // commitActions to put the flow's result into the login's record.
  var AOPT = OPTIONS.actions || null;        // null: a sandbox without Actions
  var NRULES = AOPT ? AOPT.nRules : 0;       // active rules compiled in this sandbox
  var NA = AOPT ? AOPT.names.length : 0;     // Actions that run
  var LEGS = AOPT ? AOPT.legs : 0;
  var N_RULE_ROWS = AOPT ? OPTIONS.ruleRows : N_ALL;
  var AX = null;                             // installActions(...) (flow.js)
  var moduleCode = [];                       // j -> the module's CommonJS wrapper
  var moduleProblem = [];                    // j -> why it did not compile
  var instances = [];                        // j -> {module, error} once its body ran
  // Flow error codes that are not ErrorCode values already.
  var FLOW_CODES = { deny: CODE.ACTION_DENIED, validation: CODE.VALIDATION_ERROR };
  var FLOW_OUTCOME = { ok: 'ok', suspended: 'ok', denied: 'denied', error: 'error', timeout: 'timeout' };
  var RULES_GLOBALS = ['configuration', 'auth0', 'UnauthorizedError'];
  var SUSPENSIONS = { redirect: 1, prompt: 1, challenge: 1, enroll: 1 };

  if (AOPT) {
    AX = INSTALL_ACTIONS({
      now: function () { return clock.now; }, random: function () { return seededRandom(); },
      require: requireFn, http: host.http,
    }, AOPT.settings);
    AX.installGlobals(G);
    // Node 22's newer built-ins (toSorted, Object.groupBy, the Set methods, …) when an Action
    // runs on node22: one engine, so a mixed tenant's Rules see them too (docs/actions.md).
    if (AOPT.node22 && requireFn && requireFn.builtin) requireFn.builtin('internal/globals').installNode22(G);
    // Actions have no Rules globals: reading one throws ReferenceError. Without rules they are
    // removed; beside rules they are removed while the login's Actions run (beginActions to
    // the login's record).
    if (NRULES === 0) RULES_GLOBALS.forEach(function (name) { delete G[name]; });
  }
  var savedGlobals = null;
  function hideRulesGlobals() {
    if (NRULES === 0 || savedGlobals !== null) return;
    savedGlobals = RULES_GLOBALS.map(function (name) { var v = G[name]; delete G[name]; return v; });
  }
  function restoreRulesGlobals() {
    if (savedGlobals === null) return;
    for (var k = 0; k < RULES_GLOBALS.length; k++) G[RULES_GLOBALS[k]] = savedGlobals[k];
    savedGlobals = null;
  }

  // adoptModule(j, problem): take Action j's compiled module wrapper (problem: why it did not compile).
  function adoptModule(j, problem) {
    var fn = G.__rulesim_module;
    delete G.__rulesim_module;
    if (problem) moduleProblem[j] = problem;
    else moduleCode[j] = fn;
  }
  function resetActionScopes() {
    instances = [];
    if (AX) AX.resetCache();
  }
  function instance(j) {
    var inst = instances[j];
    if (inst !== undefined && !AOPT.perCall) return inst;
    var name = AOPT.flow[j].name;
    var module = { exports: {}, id: '/actions/' + name + '.js', filename: '/actions/' + name + '.js', loaded: false, children: [], paths: [] };
    inst = instances[j] = { module: module, error: null };
    if (moduleProblem[j] !== undefined) { inst.error = new SyntaxError(moduleProblem[j]); return inst; }
    // Each Action has a `global` of its own (Auth0 runs each in its own instance); it reads
    // through to the sandbox's globals.
    var own = Object.create(G);
    own.global = own;
    try {
      moduleCode[j].call(module.exports, module.exports, requireFn, module, module.filename, '/actions', own);
      module.loaded = true;
    } catch (e) { inst.error = e; }
    return inst;
  }

  // ---------------------------------------------------------------- steps
  function runStep(i) { return i < NRULES ? runRule(i) : withChained(i, runActionStep(i)); }
  function stepStatus(i) { return i < NRULES ? status(i) : withChained(i, actionStatus(i)); }
  // A DONE step tells the host how many of the next steps of its leg ran chained after it and
  // are done too (STATUS.CHAINED units): the host skips them, it would only read DONE from
  // each (their times are measured here). The flow still runs, so each of them was DONE.
  function withChained(i, st) {
    if (st !== STATUS.DONE) return st;
    var end = NRULES + (((i - NRULES) / NA) | 0) * NA + NA, k = 0;
    for (var j = i + 1; j < end; j++) {
      var r = S.runs[j];
      if (r === undefined || !r.chained || !r.done) break;
      k++;
    }
    return k * STATUS.CHAINED;
  }
  function stepHostFail(i, code, message) {
    if (i < NRULES) { hostFail(i, code, message); return; }
    if (!S || !S.flow || S.runs[i] === undefined || S.runs[i].done) return;
    settleAction(i, { kind: code === CODE.PIPELINE_TIMEOUT || code === CODE.CALLBACK_NOT_CALLED ? 'timeout' : 'host', code: code, message: message });
  }

  // beginActions(loginJson): the flow of the login the rules allowed; 1 when no Action runs
  // (a rule failed or left a redirect pending: Auth0 redirects before the Actions). Without
  // rules, '' means the login as it began (nothing changed it), read without parsing again.
  function beginActions(loginJson) {
    if (S.failed || redirectPending()) return 1;
    var login = loginJson;
    if (!login && NRULES === 0) login = loginAsBegun();
    var ran = [], granted = null, primary;
    for (var k = 0; k < NRULES; k++) if (S.runs[k] !== undefined && S.runs[k].started) ran.push(AOPT.ruleIds[k]);
    if (NRULES > 0) {
      // The Rules' access-token scopes are where the Actions' scope edits start.
      var at = unwrap(S.contextRaw.accessToken);
      granted = requestedScopes(S.contextRaw);
      if (at && isArray(at.scope)) granted = at.scope.map(stringOf);
      else if (at && typeof at.scope === 'string') granted = at.scope.split(/\s+/).filter(Boolean);
      primary = unwrap(S.contextRaw.primaryUser);
    }
    hideRulesGlobals();
    // redirect-callback and delegation are Rules' protocols, not transactions Actions know:
    // the login runs as one whose event.transaction has no protocol, and says so.
    var protocol = NRULES > 0 || typeof login === 'string' ? S.protocol : (login.context || {}).protocol;
    S.rulesProtocol = protocol === 'redirect-callback' || protocol === 'delegation';
    S.flow = AX.newFlow(login, { actions: AOPT.flow, rulesExecuted: ran, primaryUser: typeof primary === 'string' ? primary : null, grantedScopes: granted });
    S.flowResult = null;
    return 0;
  }
  // The login as it began, for a sandbox without rules: the raw user and context as begin()
  // left them (no Rules view, beginLogin), or unwrapped copies when the login came from
  // another sandbox's state (beginFrom adopts them: their watched parts are proxies).
  function loginAsBegun() {
    if (S.user === null) return { user: S.userRaw, context: S.contextRaw };
    return { user: rawCopy(S.userRaw), context: rawCopy(S.contextRaw) };
  }
  function rawCopy(raw) {   // a shallow copy with the watched parts unwrapped (30-tracking.js)
    var out = {};
    for (var k in raw) out[k] = unwrap(raw[k]);
    return out;
  }
  // actionsState(): the suspended flow's {state, kind, url, promptId} as JSON; '' when there is
  // no flow or it is not suspended (all the host needs to know then: it stops).
  function actionsState() {
    var f = S && S.flow;
    if (!f || f.state !== 'suspended') return '';
    var susp = f.suspension;
    return jsonStringify({ state: f.state, kind: susp ? susp.kind : null, url: susp && susp.url ? susp.url : null,
      promptId: susp && susp.promptId ? susp.promptId : null });
  }
  function resumeActions(requestJson) {
    AX.resume(S.flow, jsonParse(requestJson));
    return S.flow.cursor.index;
  }

  function runActionStep(i) {
    // A step the previous one started when it settled (chainStep) only reports its status; if
    // it still waits, the host drives it from here (its time so far was the driven step's).
    var chained = S.runs[i];
    if (chained !== undefined && chained.chained) {
      if (!chained.done) {
        chainTime(chained);
        chained.chained = false;
        chained.handover = true;
        S.driven = i;
      }
      return actionStatus(i);
    }
    S.driven = i;
    return startActionStep(i);
  }
  // The run of Action step i: newRun's fields and the Actions' own. One object per step
  // number, reused login after login: making a run of twenty fields costs an object literal
  // about 1 µs, resetting it 0.15 µs. Only S.runs holds a run (everything else looks it up by
  // its step number), a step starts at most once a login, and a login's runs are recorded
  // before the next login begins.
  var actionRunPool = [];
  function newActionRun(i, leg, j) {
    var run = freshRun(actionRunPool[i] || (actionRunPool[i] = {}));
    run.leg = leg; run.action = j;
    run.handler = null; run.text = null; run.chained = false; run.handover = false; run.cpuUs = 0; run.chainCpu = 0;
    run.flagsFrom = 0; run.t0 = 0; run.settledAt = 0;
    return run;
  }
  function startActionStep(i) {
    var s = i - NRULES, leg = (s / NA) | 0, j = s - leg * NA;
    var run = S.runs[i] = newActionRun(i, leg, j);
    S.current = i;
    var flow = S.flow;
    if (!flow || !AX.isNext(flow, j)) { run.done = true; return STATUS.FAILED; }
    run.started = true;
    run.outcome = 'ok';
    var handler = run.handler = flow.cursor.handler;
    run.flagsFrom = flow.actions[j].flags.length;
    var inst = instance(j), fn, p;
    if (inst.error !== null) { settleAction(i, { error: inst.error, kind: 'module' }); return actionStatus(i); }
    try { fn = AX.handler(inst.module.exports, handler); } catch (e) { settleAction(i, { error: e, kind: 'invalid_handler' }); return actionStatus(i); }
    var r = AX.start(flow, j);
    try { p = fn(r.event, r.api); } catch (e) { settleAction(i, { error: e, kind: 'exception' }); return actionStatus(i); }
    // An async function returns the intrinsic Promise: its settling is a promise job.
    var react = reactions(i);
    promiseThen.call(p, react[0], react[1]);
    return actionStatus(i);
  }
  // reactions(i): step i's promise reactions [resolved, rejected], made once per sandbox (the
  // step numbers are the same for every login).
  var stepReactions = [];
  function reactions(i) {
    return stepReactions[i] || (stepReactions[i] = [
      function () { settleAction(i, undefined); chainStep(i); },
      function (e) { settleAction(i, { error: e, kind: 'rejected' }); chainStep(i); }]);
  }
  // chainStep(i): when step i settled inside promise jobs and the flow goes on in the same leg,
  // start the next step at once, in the same jobs: a flow of Actions that do not wait costs
  // the host one call per leg, not three per Action. The host then finds the step started
  // (runActionStep). Its engine time is measured here (tick(), which also opens its own CPU
  // budget) and taken off the time of the step the host was driving.
  function chainStep(i) {
    // When step i ran chained, settling it has just read the clock (chainTime): that reading,
    // and the CPU budget it opened, start the next step too (one native call fewer per step).
    // Taken once.
    var settled = S !== null && S.runs[i] !== undefined ? S.runs[i] : null, t0 = 0;
    if (settled !== null) { t0 = settled.settledAt; settled.settledAt = 0; }
    if (S === null || S.ended || !S.flow || S.flow.state !== 'running' || S.failed) return;
    var next = i + 1, s = next - NRULES;
    if (s % NA === 0 || S.runs[next] !== undefined) return;   // the leg is over, or it started
    if (t0 === 0) t0 = mathAbs(tick());   // (negative: the budget ran out: Engine.run_jobs)
    startActionStep(next);
    var run = S.runs[next];
    run.chained = true;
    run.t0 = t0;
    if (run.done) chainTime(run);
  }
  function chainTime(run) {
    var now = mathAbs(tick()), t = now - run.t0;
    run.cpuUs = t;
    var driven = S.runs[S.driven];
    if (driven !== undefined && driven !== run) driven.chainCpu += t;
    return now;
  }
  function actionStatus(i) {
    var run = S.runs[i];
    // A console flood fails the running step (fail() in 00-core marks it).
    if (!run.done && S.failed && run.code !== null) settleAction(i, { kind: 'host', code: run.code, message: run.message });
    if (run.done) return S.flow && S.flow.state === 'running' ? STATUS.DONE : STATUS.FAILED;
    return outbox.length ? STATUS.PENDING_IO : STATUS.PENDING;
  }
  // An error thrown in a timer or I/O callback an Action scheduled ends the Action it belongs
  // to if it still runs, else the one running now (Node's uncaught exception).
  function actionUncaught(i, err) {
    var target = S.runs[i] !== undefined && !S.runs[i].done ? i : S.current;
    if (target >= NRULES && S.runs[target] !== undefined && !S.runs[target].done) settleAction(target, { error: err, kind: 'exception' });
  }
  function settleAction(i, outcome) {
    var run = S.runs[i];
    if (run === undefined || run.done || S.ended) return;
    run.done = true;
    if (run.chained) run.settledAt = chainTime(run);
    var j = run.action, flow = S.flow;
    if (outcome && outcome.error !== undefined) {
      var c = classifyThrown(outcome.error, true);   // memory and stack limits, a module rulesim lacks
      if (c[0] === CODE.MEMORY_LIMIT || c[0] === CODE.STACK_OVERFLOW || c[0] === CODE.MODULE_NOT_ALLOWED) outcome.code = c[0];
      // The null the engine throws when even its "out of memory" error found no room reads as that error.
      if (c[0] === CODE.MEMORY_LIMIT && outcome.error === null) outcome.error = { name: 'InternalError', message: c[1].message };
      if (c[1].loc[0] === NRULES + j) run.line = c[1].loc[1];
      // The CPU budget's interrupt inside an async handler arrives as a rejection
      // (classifyThrown, 40-rules.js, knows it).
      if (c[0] === CODE.CPU_LIMIT) outcome = { kind: 'host', code: CODE.CPU_LIMIT, message: c[1].message };
    }
    AX.afterAction(flow, j, outcome);
    var ax = flow.actions[j];
    run.outcome = FLOW_OUTCOME[ax.status] || 'ok';
    // The flags this step added (null when none).
    var flags = ax.flags.length > run.flagsFrom ? ax.flags.slice(run.flagsFrom) : null;
    if (ax.status === 'suspended' && flow.suspension) (flags || (flags = [])).push(flow.suspension.kind);
    run.flags = flags;
    if (ax.status === 'denied') {
      run.code = FLOW_CODES[flow.deny.kind] || flow.deny.kind;
      run.message = flow.deny.reason;
    } else if (ax.status === 'error' || ax.status === 'timeout') {
      run.code = FLOW_CODES[ax.error.code] || ax.error.code;
      run.message = ax.error.message;
    }
    if (run.message !== null) {
      var text = stringOf(run.message), label = 'action `' + NAMES[ACTIVE_POS[i]] + '`';
      run.text = text.indexOf(label) === 0 ? text : label + (run.line ? ' (line ' + run.line + ')' : '') + ': ' + text;
    }
  }

  // ---------------------------------------------------------------- the login's record
  // Without rules there is no Rules view: the record starts from the stored profile's standard
  // claims (what a failed flow leaves) and the requested scopes.
  function actionsOnlyOutputs() {
    return { idJson: null, atJson: '{}', tooLarge: null, scopes: null, dropped: [], pollution: pollutionCheck(),
      mfa: null, redirect: null, samlJson: null, samlAttrJson: null, primaryJson: null };
  }
  // actionOutputs(out): what the application receives once the Actions ran, laid over the
  // Rules' view `out` (loginOutputs): on success the tokens (the Rules' claims with the
  // Actions' custom claims over them; without rules, the Actions' tokens), scopes, MFA, SAML
  // and primary user; a pending or completed redirect; oversized claims. The commands become
  // change rows of the steps that issued them.
  function actionOutputs(out) {
    restoreRulesGlobals();
    var flow = S.flow, r = S.flowResult = AX.finishFlow(flow, true);
    if (r.outcome === 'success') {
      if (NRULES > 0) {
        var idt = jsonParse(out.idJson), at = jsonParse(out.atJson), k;
        for (k in r.customIdClaims) idt[k] = r.customIdClaims[k];
        for (k in r.accessToken) at[k] = r.accessToken[k];
        out.idJson = safeJson(idt); out.atJson = safeJson(at);
      } else {
        out.idJson = safeJson(r.idToken); out.atJson = safeJson(r.accessToken);
      }
      out.scopes = r.scopes;
      if (r.mfa) out.mfa = { provider: r.mfa.provider, allowRememberBrowser: r.mfa.allowRememberBrowser };
      else if (r.factors.length) out.mfa = { provider: r.factors[0].factors[0].type };
      if (r.saml) {
        var saml = out.samlJson ? jsonParse(out.samlJson) : {};
        for (var c in r.saml.config) saml[c] = r.saml.config[c];
        if (objectKeys(r.saml.attributes).length) saml.attributes = r.saml.attributes;
        out.samlJson = safeJson(saml);
        // The attributes the application receives: the Rules' mapped ones, the Actions'
        // literal values over them (null removes one).
        var attrs = out.samlAttrJson ? jsonParse(out.samlAttrJson) : {};
        for (var an in r.saml.attributes) {
          if (r.saml.attributes[an] === null) delete attrs[an];
          else attrs[an] = r.saml.attributes[an];
        }
        out.samlAttrJson = safeJson(attrs);
      }
      if (r.primaryUser) out.primaryJson = jsonStringify(r.primaryUser);
      for (var d = 0; d < r.droppedClaims.length; d++) out.dropped.push(r.droppedClaims[d].slice(0, 3));
    }
    if (out.idJson === null) {
      out.idJson = safeJson(AX.standardClaims(flow));
      out.scopes = AX.requestedScopes(flow).slice();
    }
    if (r.claimsTooLarge) out.tooLarge = r.claimsTooLarge;
    var susp = r.suspension;
    if (susp) out.redirect = susp.kind === 'prompt' ? 'prompt:' + susp.promptId : (susp.url || null);
    else if (r.redirects.length) { out.redirect = r.redirects[0].url; out.resumed = true; }
    // Flags of commands issued after a step settled (after_resolve) go to that step's row.
    for (var m = 0; m < flow.commands.length; m++) {
      var cmd = flow.commands[m], cmdFlags = cmd.flags;
      if (!cmdFlags.length) continue;   // most commands
      var owner = S.runs[NRULES + cmd.leg * NA + cmd.action];
      if (owner === undefined) continue;
      for (var cf = 0; cf < cmdFlags.length; cf++) {
        if (owner.flags === null) owner.flags = [];
        if (owner.flags.indexOf(cmdFlags[cf]) < 0) owner.flags.push(cmdFlags[cf]);
      }
    }
    // The commands' change rows (changes.js, flat; commitActions writes them after the Rules'
    // rows) count for the runs of the steps that issued them. The last redirect among them is
    // the login's last (recordLogin's `redirecting`).
    var x = r.changes, W = AX.CHANGE_FIELDS;
    S.actionsRedirecting = -1;
    for (var n = 0; n < x.length; n += W) {
      var step = NRULES + x[n + 1] * NA + x[n];
      if (S.runs[step] !== undefined) S.runs[step].nChanges++;
      if (x[n + 2] === 'redirect') S.actionsRedirecting = ACTIVE_POS[step];
    }
  }
  // actionRows(host, rows): the Actions' rule_runs rows. Leg 0 fills its row of each Action in
  // `rows` (the arrays recordLogin builds); later legs become extra rows (S.extraRows).
  // Returns the Actions' engine time (µs).
  function actionRows(host, rows) {
    var cpuTotal = 0, extra = S.extraRows = [], continued = false;
    var ro = rows.ro, rn = rows.rn, rc = rows.rc, ri = rows.ri, rk = rows.rk, loginFlags = rows.loginFlags;
    if (S.rulesProtocol) loginFlags.push('rules_protocol');
    // S.runs ends at the last step that started: most flows end in their first leg of LEGS.
    var end = S.runs.length < NRULES + NA * LEGS ? S.runs.length : NRULES + NA * LEGS;
    for (var i = NRULES; i < end; i++) {
      var run = S.runs[i];
      if (run === undefined || !run.started) continue;
      var cpu = host ? (host.cpu[i] || 0) / 1000 : 0;   // the host's times are in ns
      if (run.chained) cpu = run.cpuUs;
      else cpu += (run.handover ? run.cpuUs : 0) - run.chainCpu;
      cpuTotal += cpu;
      var p = ACTIVE_POS[i], o = RULE_OUTCOME[run.outcome], flags = run.flags ? run.flags.join(',') : '';
      var ns = mathRound(cpu * 1000), io = host ? host.io[i] || 0 : 0, calls = host ? host.calls[i] || 0 : 0;
      // A run's flags are the login's too, but for the suspension kinds (the outcome says
      // it); a flow that resumed is flagged `continued`, like the Rules' second pass.
      if (run.flags) for (var f = 0; f < run.flags.length; f++) if (!SUSPENSIONS[run.flags[f]]) loginFlags.push(run.flags[f]);
      if (run.leg > 0) {
        if (run.leg === 1 && !continued) { loginFlags.push('continued'); continued = true; }
        extra.push([p, run.handler, o, run.code, run.text, run.line, ns, io, calls, run.nChanges, flags]);
        continue;
      }
      ro[p] = o; rn[p] = run.nChanges; rc[p] = ns; ri[p] = io; rk[p] = calls;
      if (o !== 0 || run.code !== null || run.flags !== null) {
        rows.codes[p] = run.code; rows.messages[p] = run.text;
        rows.rx.push([p, run.code, run.text, run.line, flags]);
      }
    }
    return cpuTotal;
  }
  // The login's outcome when the Actions decided it: [outcome, code, message, deciding row,
  // what the application receives], or null (allowed, suspended, or decided elsewhere).
  function actionsVerdict() {
    var r = S.flowResult;
    if (r.error === null || r.outcome === 'success' || r.outcome === 'suspended' || r.error.code === 'claims_too_large') return null;
    var j = r.error.index, run = null;
    for (var leg = LEGS - 1; leg >= 0 && run === null; leg--) {
      var candidate = S.runs[NRULES + leg * NA + j];
      if (candidate !== undefined && candidate.started && candidate.code !== null) run = candidate;
    }
    var pos = ACTIVE_POS[NRULES + (j >= 0 ? j : 0)];
    var outcome = r.outcome === 'timeout' ? 3 : (r.outcome === 'failed' ? 2 : 1);
    if (run === null) return [outcome, CODE.ENGINE_ERROR, 'action `' + NAMES[pos] + '`: ' + r.error.description, pos, r.error.error];
    return [outcome, run.code, run.text, pos, r.error.error];
  }
  // commitActions(B, j): the rows only Actions have, for login j of block B (just recorded):
  // rows of later legs, the change rows of the commands, the console lines of later legs, and
  // the metadata writes the host applies to its user store.
  function commitActions(B, j) {
    var ax = B.ax || (B.ax = { xr: [], lp: [], mw: [] }), n;
    for (n = 0; n < S.extraRows.length; n++) ax.xr.push([j].concat(S.extraRows[n]));
    commitCommandRows(B, j);
    var lg0 = B.lg.length - S.logs.length;
    for (n = 0; n < S.logs.length; n++) if (S.logs[n][0] >= NRULES + NA) ax.lp.push(lg0 + n);
    var writes = S.flowResult.metadata.writes;
    if (writes.length) ax.mw.push([j, S.flow.base.user.user_id, writes]);
    AX.release(S.flow);
  }
  // The commands' change rows go to B.ch after the Rules' rows of login j (recordLogin wrote
  // those and its count, B.nc[j]), as recordLogin writes a row; the fields only they have go
  // to B.cx, 5 a row: the row's index in the block, persisted and continued (0/1: a row of a
  // later leg), the command and its flags (75-records.js).
  function commitCommandRows(B, j) {
    var x = S.flowResult.changes, W = AX.CHANGE_FIELDS, bch = B.ch, cx = B.cx || (B.cx = []);
    for (var n = 0; n < x.length; n += W) {
      var leg = x[n + 1];
      bch.push(ACTIVE_POS[NRULES + leg * NA + x[n]], x[n + 2], x[n + 3], x[n + 4],
        x[n + 5] === null ? '' : x[n + 5], x[n + 6] === null ? '' : x[n + 6]);
      cx.push(B.nch++, x[n + 7], leg > 0 ? 1 : 0, x[n + 8], x[n + 9]);
      B.nc[j]++;
    }
  }
