  // ---------------------------------------------------------------- small driver calls and the driver object
  function floor(loginJson) {
    var login = jsonParse(loginJson);
    var user = login.user, context = login.context;
    var ok = 0;
    for (var i = 0; i < rules.length; i++) {
      var called = false;
      rules[i](user, context, function (err) { called = true; if (!err) ok++; });
      if (!called) break;
    }
    return ok;
  }
  // floorBatch(loginsJson): the floor over a batch of logins in one call (one JSON array).
  function floorBatch(loginsJson) {
    var logins = jsonParse(loginsJson), ok = 0;
    for (var j = 0; j < logins.length; j++) {
      var user = logins[j].user, context = logins[j].context;
      for (var i = 0; i < rules.length; i++) {
        var called = false;
        rules[i](user, context, function (err) { called = true; if (!err) ok++; });
        if (!called) break;
      }
    }
    return ok;
  }

  // adoptRule(i, name): take the function just compiled into globalThis.__rulesim_rule.
  function adoptRule(i, name) {
    var fn = G.__rulesim_rule;
    delete G.__rulesim_rule;
    if (typeof fn !== 'function') return typeof fn;
    rules[i] = fn;
    ruleNames[i] = name;
    asyncRule[i] = ASYNC_SOURCE.test(Function.prototype.toString.call(fn));
    return '';
  }
  // hostFail(i, code, message): the host failed a rule (a raising service handler, a CPU limit).
  function hostFail(i, code, message) {
    if (!S || i < 0 || i >= rules.length) return;
    if (S.runs[i] === undefined) S.runs[i] = newRun(i);
    S.runs[i].started = true;
    fail(i, code, { name: 'Error', message: message, loc: [-1, 0] });
    S.runs[i].done = true;
  }
  // Actions' module scopes too, and the modules rules loaded since set-up (require.js).
  function resetGlobal() { restoreWorld(); G.global = {}; resetActionScopes(); requireControl.reset(); }
  // takeCoverage(): the hit counters of instrumented rules ({rule: [count, ...]}), zeroed in
  // place (each instrumented rule keeps a reference to its own array).
  function takeCoverage() {
    var reg = G.__rulesim_cov;
    if (!reg) return '';
    var out = jsonStringify(reg);
    for (var k in reg) if (hasOwn.call(reg, k)) { var a = reg[k]; for (var i = 0; i < a.length; i++) a[i] = 0; }
    return out;
  }
  function lastSnapshot() { snapshotIntrinsics(); snapshotQuick(); snapshotQuickNative(); }

  return {
    // With Actions, steps past the rules are Action steps (85-actions.js).
    begin: begin, runRule: AOPT ? runStep : runRule, status: AOPT ? stepStatus : status, takeOutbox: takeOutbox, deliver: deliver,
    nextTimer: nextTimer, fireTimers: fireTimers,
    finish: finish, finishPending: finishPending, takeRecords: takeRecords, finishBare: finishBare, floor: floor, floorBatch: floorBatch, exportState: exportState, beginFrom: beginFrom,
    exportGlobal: exportGlobal, importGlobal: importGlobal, worldMoved: worldMoved, setPaired: setPaired, adoptRule: adoptRule, hostFail: AOPT ? stepHostFail : hostFail, takeCoverage: takeCoverage, resetGlobal: resetGlobal, snapshotIntrinsics: lastSnapshot,
    markInvalid: markInvalid, runBatch: runBatch, resumeBatch: resumeBatch, replaceBatchLogin: replaceBatchLogin, takeBatch: takeBatch,
    adoptModule: adoptModule, beginActions: beginActions, actionsState: actionsState, resumeActions: resumeActions,
    trackerInUse: trackerInUse,
  };
