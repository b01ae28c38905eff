  // ---------------------------------------------------------------- the login driver (called from Python)

  // Drop what a login left in the sandbox (pending work, proxy maps); `global` stays.
  function clearLoginState() {
    if (timers.length) timers = [];
    if (outbox.length) outbox = [];
    if (opsQueued) { pendingOps = {}; opsQueued = false; }
    if (rawOf.size) rawOf.clear();
    if (proxyOf.size) proxyOf.clear();
    if (keyedOn.length) releaseKeyed();
    trackEnd();
  }
  // The state S of a login that starts (begin) or resumes after shared rules (beginFrom).
  function newLoginState(current, failed, changes, logs, consoleBytes, consoleOverflow, bare) {
    clearLoginState();
    return {
      current: current, failed: failed, ended: false,
      userRaw: null, user: null, contextRaw: null, context: null,
      runs: [], changes: changes, logs: logs, consoleBytes: consoleBytes, consoleOverflow: consoleOverflow,
      hostCalls: 0,          // host operations so far (10-host.js)
      dirty: null, userTouched: null, marked: false,   // marks of the running rule (30-tracking.js)
      partValue: partValue, bare: bare,
      protocol: undefined,   // context.protocol as the login arrived (rules may change it)
      cpu: null,             // batched logins: ns per rule, measured in JavaScript
      cpuBegin: 0,           // ns
      oomMark: oomMark(),    // allocations refused before the login (40-rules.js)
    };
  }

  // newRun(i): rule i's run, one object per rule reset as the rule starts, login after login
  // (as 85-actions.js does for the Actions' steps): only S.runs holds it, and a login's
  // record is written (recordLogin copies its fields) before the next login starts.
  var ruleRunPool = [];
  function newRun(i) { return freshRun(ruleRunPool[i] || (ruleRunPool[i] = {})); }
  // freshRun(run): run with the fields of a rule that has not started (a new run: freshRun({})).
  function freshRun(run) {
    run.outcome = 'skipped'; run.code = null; run.message = null; run.line = 0; run.calls = 0; run.done = false;
    run.started = false; run.nChanges = 0; run.flags = null; run.errName = null;
    return run;
  }

  // begin(loginJson, seed, bare): bare = the no-recording baseline (benchmarks): the rules
  // run on the raw objects with the same host operations, clock and randomness, but nothing
  // is tracked or captured; end it with finishBare().
  function begin(loginJson, seed, bare) {
    beginLogin(jsonParse(loginJson), seed, bare === true);
    return clock.now;
  }
  function beginLogin(login, seed, bare) {
    exotic = false;
    rebuildAfter = false;
    if (trackPristine) { pristine = new SetCtor(); addPristine(login); }
    clock.now = +login.timestamp_ms || 0;
    clock.origin = clock.now - UPTIME_MS;
    seedRandom(seed);
    // Timer and host-operation ids restart with every login, so a rule that prints one sees
    // the same value whatever ran before in this worker.
    timerSeq = 0;
    opSeq = 0;
    S = newLoginState(-1, false, [], [], 0, null, bare);
    var ctx = login.context || {};
    S.protocol = ctx.protocol;
    // Auth0 always hands rules empty token-claim objects to fill.
    if (ctx.idToken === undefined) ctx.idToken = {};
    if (ctx.accessToken === undefined) ctx.accessToken = {};
    // A sandbox of Actions without rules has no Rules view: nothing would ever see the
    // tracking proxies (beginActions reads the raw objects).
    if (AOPT !== null && NRULES === 0) {
      S.userRaw = login.user || {};
      S.contextRaw = ctx;
      return;
    }
    adoptUser(login.user || {}, true);
    adoptContext(ctx, true);
    trackBegin();
  }
  function partValue(p) {
    switch (p) {
      case 1: return unwrap(S.userRaw.app_metadata);
      case 2: return unwrap(S.userRaw.user_metadata);
      case 3: return unwrap(S.contextRaw.idToken);
      case 4: return unwrap(S.contextRaw.accessToken);
      case 5: return unwrap(S.contextRaw.multifactor);
      case 6: return unwrap(S.contextRaw.redirect);
      case 7: return unwrap(S.contextRaw.samlConfiguration);
      case 8: return unwrap(S.contextRaw.primaryUser);
    }
    return undefined;
  }

  // runRule(i) and status(i): STATUS.DONE = the rule called back, PENDING = it is waiting
  // (timers or promises), PENDING_IO = it is waiting and host requests are queued in the
  // outbox, FAILED = it failed. runRule adds JOBS_LEFT to a final status (DONE or FAILED)
  // when the rule may have left promise jobs queued (it is async, returned a thenable or
  // registered reactions): the host runs them before the next rule starts.
  function runRule(i) {
    var run = S.runs[i] = newRun(i);   // runs are created as rules start (finish: -1 if absent)
    S.current = i;
    run.started = true;
    run.outcome = 'ok';
    var result;
    thenCalled = false;
    try {
      result = rules[i](S.user, S.context, makeCallback(i));
    } catch (err) {
      var c = classifyThrown(err, false);
      fail(i, c[0], c[1]);
      run.nChanges = collectChanges(i);
      return (thenCalled || asyncRule[i]) ? (STATUS.FAILED | STATUS.JOBS_LEFT) : STATUS.FAILED;
    }
    var thenable = false;
    if (result && typeof result.then === 'function') {
      thenable = true;
      var login = S;   // (a rule's own thenable may keep the handler and call it later)
      try {
        result.then(undefined, function (err) {
          if (S !== login || S.runs[i].done || S.ended) return;
          var c = classifyThrown(err, true);
          fail(i, c[0], c[1]);
          S.runs[i].done = true;
          S.runs[i].nChanges = collectChanges(i);
        });
      } catch (e) { /* a hostile thenable: ignore */ }
    }
    var st = status(i);
    if ((st === STATUS.DONE || st === STATUS.FAILED) && (thenable || thenCalled || asyncRule[i])) st |= STATUS.JOBS_LEFT;
    return st;
  }
  function status(i) {
    var run = S.runs[i];
    if (run.done) return S.failed ? STATUS.FAILED : STATUS.DONE;
    return outbox.length ? STATUS.PENDING_IO : STATUS.PENDING;
  }
  // A rule failed outside its callback (a throw in a timer or I/O callback it scheduled).
  function failAsync(i, err) {
    if (S.flow && i >= NRULES) { actionUncaught(i, err); return; }   // an Action's (85-actions.js)
    var c = classifyThrown(err, false);
    var target = S.runs[i] && S.runs[i].started && !S.runs[i].done ? i : S.current;
    if (S.runs[target].done && !S.failed) {
      // The rule had already called back: record as an uncaught error of the current rule.
      target = S.current;
    }
    fail(target, c[0], c[1]);
    S.runs[target].done = true;
  }

  function takeOutbox() {
    if (outbox.length === 0) return '';
    var out = jsonStringify(outbox);
    outbox = [];
    return out;
  }
  // deliver(id, errJson, resJson, t): answer one host operation at virtual time t.
  function deliver(id, errJson, resJson, t) {
    if (t > clock.now) clock.now = t;
    var op = pendingOps[id];
    if (!op) return;
    delete pendingOps[id];
    var err = errJson ? makeHostError(jsonParse(errJson)) : null;
    var res = resJson ? jsonParse(resJson) : undefined;
    try { op.cb(err, res); } catch (e) { if (!S.ended) failAsync(op.rule, e); }
  }
  function nextTimer() {
    var best = -1;
    for (var i = 0; i < timers.length; i++) if (best < 0 || timers[i].t < timers[best].t || (timers[i].t === timers[best].t && timers[i].seq < timers[best].seq)) best = i;
    return best < 0 ? -1 : timers[best].t;
  }
  // fireTimers(t): move the clock to t and run every timer due by then, earliest first.
  function fireTimers(t) {
    if (t > clock.now) clock.now = t;
    for (;;) {
      var best = -1;
      for (var i = 0; i < timers.length; i++) if (timers[i].t <= clock.now && (best < 0 || timers[i].t < timers[best].t || (timers[i].t === timers[best].t && timers[i].seq < timers[best].seq))) best = i;
      if (best < 0) return;
      var tm = timers[best];
      if (tm.every) { tm.t = clock.now + tm.every; tm.seq = ++timerSeq; } else timers.splice(best, 1);
      try { tm.fn.apply(undefined, tm.args); } catch (e) { if (!S.ended) failAsync(tm.rule, e); }
    }
  }

  // finish(claimLimit): the login's record (see the end of the function for its layout).
