  // ---------------------------------------------------------------- the host loop inside a batch
  // A batched login whose rules need the host (a rule waits, leaves promise jobs or timers,
  // or queued a host operation) does not leave its batch when the batch runs `inline`
  // (runBatch, 80-batch.js): the loop below drives it where it stands, step for step as the
  // host loop does (rulesim/runtime/host.py: Host.run_rules, end_pass, LoginHost), and the
  // host answers each operation through the host function hostOp, synchronously. What only
  // the host knows (the fake services, the Management API store, the calls and persisted
  // writes) stays in Python (rulesim/runtime/inline.py); the virtual clock, the answers
  // waiting for their time and the per-rule I/O time are kept here. The results are the same,
  // value for value, as when the login leaves the batch.
  //
  // hostOp(j, kind, rule, payloadJson) answers one operation of batch login j:
  //   'latency\x1fcall\x1fwrote\x1ferrJson\x1fresJson' (call: the index of its calls row;
  //   wrote: '1' when the Management API persisted a change), '!\x1fcall\x1fmessage' when the
  //   fake service's handler raised, '-' when the operation has no answer, '' when the host
  //   failed (the batch stops; Python raises the host's error).
  // hostFlag(j, call): the answer of calls row `call` was delivered after its rule ended.
  // hostLogin(j): what earlier logins of the batch persisted for login j's user, to lay over
  //   it (JSON; '' when nothing, '=' and the whole payload when only that can say it, '!'
  //   when the host failed).
  // runJobs(): every pending promise job (C, rulesim/runtime/_watchdog.c).
  // None of them is reachable from rule code: they live only in this closure.
  var hostOpFn = NATIVE.hostOp || null, hostFlagFn = NATIVE.hostFlag || null;
  var hostLoginFn = NATIVE.hostLogin || null, runJobsFn = NATIVE.runJobs || null;
  var INLINE_READY = hostOpFn !== null && hostFlagFn !== null && hostLoginFn !== null && runJobsFn !== null;
  var DEADLINE_MS = OPTIONS.deadlineMs, DEADLINE_TEXT = OPTIONS.deadlineText;
  var INLINE = OPTIONS.inline, SEP = INLINE.separator;   // the answers' texts (runtime/inline.py PROTOCOL)
  var H = null;   // the host state of the batch login the loop drives (newHost)

  // The host state of batch login j from now on (LoginHost's, with RulePass's times).
  function newHost(j) {
    var io = [];
    var calls = [];
    for (var k = 0; k < rules.length; k++) { io[k] = 0; calls[k] = 0; }
    return {
      j: j, start: clock.now, now: clock.now, current: -1, ruleStart: clock.now,
      events: [],          // [t, opId, call, rule, errJson, resJson], by (t, opId)
      io: io, calls: calls, ioTotal: 0, ended: false, timerT: -1,
      handlerError: null, timedOut: -1, timedOutCode: null, timedOutMessage: null,
    };
  }
  function hostFailed() { throw new ErrorCtor('the host failed answering an operation'); }
  // jobs(): run the pending promise jobs under the budget open now, then open a fresh one (as
  // each engine call the host makes gets its own); a budget that ran out fails the batch.
  function jobs() {
    var n = runJobsFn();
    if (tick() < 0) throw new ErrorCtor('interrupted');
    return n;
  }
  // readOutbox(): the host answers every operation queued (LoginHost.read_outbox).
  function readOutbox() {
    if (outbox.length === 0) return;
    var ops = outbox;
    outbox = [];
    for (var k = 0; k < ops.length; k++) {
      var op = ops[k], rule = op[2];
      var answer = hostOpFn(H.j, op[1], rule, jsonStringify(op[3]));
      if (tick() < 0) throw new ErrorCtor('interrupted');
      if (answer === INLINE.failed) hostFailed();
      if (answer === INLINE.noAnswer) continue;
      if (rule >= 0) H.calls[rule]++;
      if (answer.charAt(0) === INLINE.handlerError) {   // the marker, the row, then the message (which may hold SEP)
        H.handlerError = answer.slice(answer.indexOf(SEP, 2) + 1);
        continue;
      }
      var parts = answer.split(SEP);
      if (parts[2] === '1') batch.refresh = true;
      var t = H.now + (+parts[0]), id = op[0], ev = [t, id, +parts[1], rule, parts[3], parts[4]];
      // After every answer due no later (ids only grow: answers due at the same time wait in
      // the order of their ids, as in the host's heap).
      var events = H.events, at = events.length;
      while (at > 0 && events[at - 1][0] > t) at--;
      events.splice(at, 0, ev);
    }
  }
  // The virtual time of the next answer or timer; null: nothing left to wait for.
  function nextEventTime() {
    var tTimer = H.timerT = nextTimer();
    var tEvent = H.events.length ? H.events[0][0] : null;
    if (tTimer < 0) return tEvent;
    if (tEvent === null) return tTimer;
    return tTimer <= tEvent ? tTimer : tEvent;
  }
  // advanceTo(t): move the clock to t and deliver everything due then.
  function advanceTo(t) {
    if (t > H.now) H.now = t;
    var events = H.events;
    while (events.length && events[0][0] <= H.now) {
      var ev = events.shift();
      if (H.ended || ev[3] < H.current) hostFlagFn(H.j, ev[2]);
      deliver(ev[1], ev[4], ev[5], H.now);
      jobs();
    }
    if (H.timerT >= 0 && H.timerT <= H.now) {
      fireTimers(H.now);
      jobs();
    }
  }
  function ruleLabel(i) { return 'rule `' + ruleNames[i] + '`'; }
  // driveRule(i, st): rule i returned st; wait as the host does until it calls back, fails or
  // times out (H.timedOut); its final status.
  function driveRule(i, st) {
    H.current = i;
    H.ruleStart = H.now;
    if (st & STATUS.JOBS_LEFT) {
      st &= ~STATUS.JOBS_LEFT;
      jobs();
    }
    while (st === STATUS.PENDING || st === STATUS.PENDING_IO) {
      if (st === STATUS.PENDING_IO) {
        readOutbox();
        if (H.handlerError !== null) {
          hostFail(i, CODE.SERVICE_HANDLER_ERROR, H.handlerError);
          st = STATUS.FAILED;
          break;
        }
      }
      if (jobs()) { st = status(i); continue; }
      var next = nextEventTime();
      if (next === null) {
        H.timedOut = i;
        H.timedOutCode = CODE.CALLBACK_NOT_CALLED;
        H.timedOutMessage = ruleLabel(i) + ' never called callback and had nothing left to wait for';
        break;
      }
      if (next - H.start > DEADLINE_MS) {
        H.timedOut = i;
        H.timedOutCode = CODE.PIPELINE_TIMEOUT;
        H.timedOutMessage = 'the rules did not finish within ' + DEADLINE_TEXT + ' ms (' + ruleLabel(i) + ' was waiting)';
        break;
      }
      advanceTo(next);
      st = status(i);
    }
    H.io[i] = H.now - H.ruleStart;
    return st;
  }
  // endPass(): the end of a login the loop drove (Host.end_pass): a timeout ends it at the
  // deadline, else the I/O still pending completes (drain); its host record for recordLogin.
  function endPass(cpu) {
    if (H.timedOut >= 0) {
      if (H.start + DEADLINE_MS > H.now) H.now = H.start + DEADLINE_MS;
      H.io[H.timedOut] = H.now - H.ruleStart;
    }
    H.ioTotal = H.now - H.start;
    if (H.timedOut >= 0) hostFail(H.timedOut, H.timedOutCode, H.timedOutMessage);
    else drain(H.start + DEADLINE_MS);
    for (var k = 0; k < rules.length; k++) if (cpu[k] === undefined) cpu[k] = 0;
    return { cpuBegin: S.cpuBegin, cpu: cpu, io: H.io, calls: H.calls, ioTotal: H.ioTotal, timedOut: H.timedOut };
  }
  // drain(limit): complete the I/O still pending after the last callback, up to limit; it
  // does not delay the login (LoginHost.drain_fire_and_forget).
  function drain(limit) {
    H.ended = true;
    for (var n = 0; n < 10000; n++) {
      jobs();
      readOutbox();
      if (!H.events.length) return;
      var t = H.events[0][0];
      if (t > limit) return;
      H.timerT = nextTimer();
      advanceTo(t);
    }
  }
  // What the host needs of a login the loop was driving when the engine failed (takeBatch).
  function hostAtFailure() {
    if (H === null) return null;
    return { cpu: S !== null ? S.cpu : null, cpuBegin: S !== null ? S.cpuBegin : 0, io: H.io,
      ioTotal: H.ended ? H.ioTotal : H.now - H.start };
  }
