  // ---------------------------------------------------------------- rules and outcomes
  var LINE_BLOCK = OPTIONS.lineBlock;
  // Set when the engine is unreliable after this login (a rule ran out of memory, or changed a
  // built-in in a way that cannot be undone: 50-pollution.js), so the host rebuilds it once
  // the login is recorded (see `rebuild` in 75-records.js).
  var rebuildAfter = false;
  function lineOf(err) {
    // Rule k is compiled starting at line (k + 1) * LINE_BLOCK, so a frame's line number says
    // which rule it belongs to. The first rule frame is the one that threw.
    var stack = err && typeof err.stack === 'string' ? err.stack : '';
    var m;
    var lines = stack.split('\n');
    for (var i = 0; i < lines.length; i++) {
      m = /<input>:(\d+)/.exec(lines[i]);
      if (!m) continue;
      var n = +m[1];
      if (n >= LINE_BLOCK) return [mathFloor(n / LINE_BLOCK) - 1, n % LINE_BLOCK];
    }
    return [-1, 0];
  }
  function describe(value) {
    if (value instanceof Error || (value && typeof value === 'object' && typeof value.message === 'string' && typeof value.name === 'string')) {
      return { name: stringOf(value.name), message: stringOf(value.message), loc: lineOf(value), code: value.code };
    }
    var msg;
    if (typeof value === 'string') msg = value;
    else { try { msg = jsonStringify(value); } catch (e) { msg = stringOf(value); } }
    if (msg === undefined) msg = stringOf(value);
    return { name: null, message: msg, loc: [-1, 0], code: undefined };
  }
  function fail(rule, code, d) {
    // The first failure decides the login; later ones are ignored.
    if (S.failed) return;
    S.failed = true;
    var loc = d.loc[0] === rule ? d.loc[1] : 0;
    S.runs[rule].outcome = code === CODE.UNAUTHORIZED ? 'denied' : 'error';
    S.runs[rule].code = code;
    S.runs[rule].message = d.message;
    S.runs[rule].line = loc;
    S.runs[rule].errName = d.name;
  }
  function classifyCallbackError(err) {
    var d = describe(err);
    if (d.code === CODE.MODULE_NOT_ALLOWED) return [CODE.MODULE_NOT_ALLOWED, d];
    if (d.name === 'UnauthorizedError') return [CODE.UNAUTHORIZED, d];
    if (d.name === null) return [CODE.NON_STANDARD_ERROR, d];
    return [CODE.CALLBACK_ERROR, d];
  }
  // The allocations the runtime refused so far (the C watchdog's count; null without it):
  // QuickJS throws null when even its "out of memory" error finds no room, so a null thrown
  // after a refusal in the same login is the memory limit, not the rule's own `throw null`.
  var oomCount = NATIVE.oomCount || null;
  function oomMark() { return oomCount !== null ? oomCount() : 0; }
  // The memory limit reads the same wherever the memory ran out: which allocation crosses
  // the limit, and whether the engine's error then finds room for itself and its line, move
  // with the allocator's rounding and with what else the engine holds (a batch of logins or
  // one), so neither the line nor the wording may depend on it (results do not change with
  // the batch size or the machine's allocator). engine.py words a limit met outside any
  // rule's frame the same.
  function outOfMemory() {
    rebuildAfter = true;
    return [CODE.MEMORY_LIMIT, { name: 'InternalError', message: 'out of memory', loc: [-1, 0], code: undefined }];
  }
  function classifyThrown(err, isReject) {
    if (err === null && oomCount !== null && S !== null && oomCount() !== S.oomMark) return outOfMemory();
    var d = describe(err);
    // The CPU budget's interrupt inside an async rule or a promise job arrives as a rejection.
    if (d.name === 'InternalError' && d.message === 'interrupted') {
      d.message = 'CPU time limit exceeded (infinite loop?)';
      return [CODE.CPU_LIMIT, d];
    }
    if (d.code === CODE.MODULE_NOT_ALLOWED) return [CODE.MODULE_NOT_ALLOWED, d];
    if (d.message === 'stack overflow' || (d.name === 'RangeError' && /call stack/.test(d.message))) return [CODE.STACK_OVERFLOW, d];
    if (d.message === 'out of memory' && d.name === 'InternalError') return outOfMemory();
    if (d.name === null) { d.message = 'threw a non-Error value: ' + d.message; }
    return [isReject ? CODE.PROMISE_REJECTED : CODE.RULE_EXCEPTION, d];
  }
  // A callback belongs to its login: one a rule kept (in `global`) and calls in a later login
  // does nothing there, as the old login's callback does nothing to a new login in Node.
  function makeCallback(i) {
    var login = S;
    return function callback(err, user, context) {
      if (S !== login) return;
      var run = S.runs[i];
      if (!run || S.ended) return;
      run.calls++;
      if (run.calls > 1) return;
      run.done = true;
      if (err !== null && err !== undefined) {
        var c = classifyCallbackError(err);
        fail(i, c[0], c[1]);
        if (c[0] === CODE.NON_STANDARD_ERROR) (run.flags || (run.flags = [])).push('non_standard_error');
      } else {
        // (The objects the rule was given, the common case, need no lookup.)
        if (user !== S.user && user && typeof user === 'object' && unwrap(user) !== S.userRaw) adoptUser(unwrap(user));
        if (context !== S.context && context && typeof context === 'object' && unwrap(context) !== S.contextRaw) adoptContext(unwrap(context));
      }
      run.nChanges = collectChanges(i);
    };
  }
  // The object rules see for a raw user or context: itself when nothing is recorded, else a
  // tracking proxy over it with its watched parts wrapped (fresh: see wrapParts).
  function tracked(raw, parts, keys, handler, fresh) {
    if (S.bare) return raw;
    if (CT !== null) {   // the change tracker in C (30-tracking.js): no proxy over the parts
      if (handler === contextHandler) return raw;
      var writes = new ProxyCtor(raw, userWrites);
      rawOf.set(writes, raw);
      return writes;
    }
    wrapParts(raw, parts, keys, fresh === true);
    const proxy = new ProxyCtor(raw, handler);
    rawOf.set(proxy, raw);
    return proxy;
  }
  // fresh: raw was just parsed from the login's JSON (beginLogin).
  function adoptUser(raw, fresh) {
    S.userRaw = raw;
    S.user = tracked(raw, USER_PARTS, USER_PART_KEYS, userHandler, fresh);
  }
  function adoptContext(raw, fresh) {
    S.contextRaw = raw;
    S.context = tracked(raw, CTX_PARTS, CTX_PART_KEYS, contextHandler, fresh);
  }

