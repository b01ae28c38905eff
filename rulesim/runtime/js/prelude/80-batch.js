  // ---------------------------------------------------------------- batches of logins
  // runBatch(loginsJson, seedsJson, defer, inline) runs logins one after another inside one engine call, as
  // long as no rule needs the host: the common case of synchronous rules costs one crossing
  // per batch instead of one per rule. Unless the batch runs inline (82-host-loop.js drives
  // such a login where it stands), a login leaves the batch as soon as the host has work
  // for it (a rule waits, left promise jobs or timers, queued a host operation) or, with
  // continueRedirects, when it ends on a redirect: the block of the logins done so far is
  // returned with `left` = [j, rule, status, clock, cpuBegin, cpu[]] (times in integer ns:
  // QuickJS writes a fractional number far more slowly than an integer) and Python continues
  // login j exactly where it stands (rule `rule` returned `status`), then calls
  // resumeBatch(j + 1) (with `defer`, `left` comes alone and the records wait: see below).
  // Per-rule times come from the native tick(), which also opens a new CPU budget: each rule
  // gets the same limit it has when the host drives it.
  var tick = NATIVE.tick;           // never reachable from rule code (not in `host`)
  var CONTINUE_REDIRECTS = !!OPTIONS.continueRedirects;
  var invalidRule = [];             // index -> the message of a rule that did not compile
  var batch = null;                 // {logins, seeds, block, j, rule, defer}
  // Deferred records (runBatch's `defer`): the records of finished logins, batched or driven
  // by the host (finishPending, 70-tokens.js), gather in one block across engine calls, in
  // login order, and cross to Python when it takes them (takeRecords): one block for many
  // logins, not one for each login the host drives. A login that leaves its batch then
  // returns its `left` alone. Python keeps the logins' ids in the same order
  // (rulesim/batches.py).
  var pending = null;

  function markInvalid(i, message) { invalidRule[i] = message; }
  // With `inline` (deferred records, no Actions, redirects that stop), a login that needs the
  // host stays in the batch: the host loop of 82-host-loop.js drives it.
  function runBatch(loginsJson, seedsJson, defer, inline) {
    batch = { logins: jsonParse(loginsJson), seeds: jsonParse(seedsJson), block: null, j: -1, rule: -1, defer: defer === true,
      inline: inline === true && defer === true && INLINE_READY && NA === 0 && !CONTINUE_REDIRECTS, refresh: false };
    return resumeBatch(0);
  }
  // replaceBatchLogin(j, loginJson): the host changed login j before it ran (metadata an
  // earlier login of the same user persisted through the Management API).
  function replaceBatchLogin(j, loginJson) { batch.logins[j] = jsonParse(loginJson); }
  function resumeBatch(from) {
    var B = batch.block = batch.defer ? pendingBlock() : newBlock();
    var logins = batch.logins, seeds = batch.seeds;
    var inline = batch.inline;
    for (var j = from; j < logins.length; j++) {
      batch.j = j;
      batch.rule = -1;
      H = null;
      if (batch.refresh) {
        // An earlier login of the batch persisted metadata: this one may be of that user.
        var fresh = hostLoginFn(j);
        if (fresh === INLINE.loginFailed) hostFailed();
        if (fresh.charAt(0) === INLINE.whole) logins[j] = jsonParse(fresh.slice(1));
        else if (fresh) layOver(logins[j].user, jsonParse(fresh));
      }
      var t0 = tick();
      beginLogin(logins[j], seeds[j], false);
      logins[j] = null;               // the login's objects are the rules' now
      var cpu = S.cpu = [];
      var t = tick();
      S.cpuBegin = mathRound((t - t0) * 1000);
      var i = 0, st = STATUS.DONE, leaving = false;
      for (; i < rules.length; i++) {
        batch.rule = i;
        if (invalidRule[i] !== undefined) { hostFail(i, CODE.INVALID_RULE, invalidRule[i]); break; }
        if (H !== null) H.current = i;
        st = runRule(i);
        var t2 = tick();
        // Negative: the rule's budget ran out where the interrupt became a rejection (an
        // async function's body) and the rule went on; the engine failed, as for a loop.
        if (t2 < 0) throw new ErrorCtor('interrupted');
        cpu[i] = mathRound((t2 - t) * 1000);
        t = t2;
        if (st === STATUS.DONE) {
          if (H === null && (outbox.length || timers.length)) {
            if (!inline) { i++; leaving = true; break; }
            H = newHost(j);
            H.current = i;
          }
          continue;
        }
        if (H === null) {
          if (st === STATUS.FAILED && !outbox.length && !timers.length) break;
          if (!inline) { leaving = true; break; }
          H = newHost(j);
        }
        st = driveRule(i, st);
        var t3 = tick();
        if (t3 < 0) throw new ErrorCtor('interrupted');
        cpu[i] += mathRound((t3 - t) * 1000);
        t = t3;
        if (st !== STATUS.DONE) break;
      }
      if (H !== null) {
        // The host loop drove the login: its end as the host ends a pass.
        batch.rule = H.current;
        var host = endPass(cpu);
        recordLogin(B, host);
        H = null;
        endLogin();
        if (rebuildAfter) break;
        continue;
      }
      if (!leaving && CONTINUE_REDIRECTS && !S.failed && redirectPending()) { i = rules.length; st = STATUS.DONE; leaving = true; }
      // Actions (85-actions.js) run on the host loop: a login the rules allowed leaves here.
      if (!leaving && NA > 0 && !S.failed && !redirectPending()) { i = rules.length; st = STATUS.DONE; leaving = true; }
      if (leaving) {
        batch.j = -1;
        var left = [j, i, st, clock.now, S.cpuBegin, cpu];
        return batch.defer ? '\u0003' + jsonStringify(left) : encodeBlock(B, left);
      }
      recordLogin(B, null);
      endLogin();
      if (rebuildAfter) break;           // the host rebuilds the engine before the next login
    }
    batch.j = -1;
    if (!batch.defer) return encodeBlock(B, null);
    // Deferred: nothing crosses ('') unless the engine must be rebuilt after the last login
    // (rebuildAfter); then every pending record does, and the host rebuilds the engine.
    return rebuildAfter ? takeRecords() : '';
  }
  // layOver(user, persisted): the user as the host's store shows it ({...user, ...persisted}:
  // the host never sends a '__proto__' here).
  function layOver(user, persisted) {
    for (var key in persisted) if (hasOwn.call(persisted, key)) user[key] = persisted[key];
  }
  function pendingBlock() { return pending !== null ? pending : (pending = newBlock()); }
  function redirectPending() {
    var r = unwrap(S.contextRaw.redirect);
    return !!(r && typeof r === 'object' && r.url);
  }
  // takeBatch(): after the engine failed inside a batch (a CPU, memory or stack limit), the
  // logins it had finished (deferred: after the records pending before the batch) and
  // [j, rule]: the login and rule that were running.
  function takeBatch() {
    if (batch === null || batch.block === null) return '';
    var B = batch.block;
    batch.block = null;
    if (B === pending) pending = null;   // deferred: the pending records come along
    return encodeBlock(B, [batch.j, batch.rule, hostAtFailure()]);
  }
  // takeRecords(): the deferred records gathered so far ('' when none), handed over once.
  function takeRecords() {
    var B = pending;
    if (B === null) return '';
    pending = null;
    if (batch !== null && batch.block === B) batch.block = null;
    return B.n > 0 ? encodeBlock(B, null) : '';
  }
