  // ---------------------------------------------------------------- login records
  // A block holds the records of one or more logins (a batch, or the one login finish()
  // ends) column by column, in the layout rulesim/runtime/rows.py decodes: one JSON text,
  // then the change rows, then the Actions' fields of change rows, then each login's token
  // texts, each part after a U+0001. Parts that are JSON texts (tokens, a change's
  // before/after) are appended raw: JSON text never contains a raw control character, so
  // nothing is escaped twice. Times are integers (ns): QuickJS writes a fractional number
  // far more slowly than an integer. A block of no login whose batch left (the common case
  // when every login needs the host) is U+0003 followed by the JSON of `left` alone.
  //
  // Per login (index j in the block): lo outcome (LOGIN_OUTCOME index), ec error code, em
  // error message, ae the error the application receives, dr deciding rule (position, -1),
  // mp MFA provider (null: no MFA, or see mj), mj [j, mfa JSON] where Python must derive the
  // provider, ru redirect URL, sc scopes, dc dropped claims (null: none), lf flags, rr rules
  // run, cpu engine ns, io simulated I/O ms. Per rule position, flat over j * N_ALL + p: ro
  // outcome (RULE_OUTCOME index), rn changes, rc engine ns, ri simulated I/O ms, rk calls (in
  // the block, B.ro, B.rn, B.rc, B.ri and B.rk hold one text a login: its N_ALL values
  // joined); rx
  // the rule rows that are not a plain "ok" ([flat, code, message, line, flags]). lg console
  // rows [j, p, level, message]. Change rows: fields p, target, path, op, before, after
  // (before/after: JSON text, '' for none), every field of every row joined by U+0002 (no field
  // holds a raw control character: paths of keys that are not identifiers are JSON-quoted);
  // B.ch holds them login after login (a login's rule rows as one text, S.changes joined, then
  // its commands' rows field by field; nothing for a login without rows: an empty text would
  // be a field), nc counts each login's rows and B.nch all of them. The change rows of the
  // Actions' commands carry more fields (85-actions.js commitCommandRows): B.cx holds them
  // flat, 5 a row (the row's index in the block, persisted, continued, command, flags).
  var RULE_OUTCOME = { ok: 0, denied: 1, error: 2, timeout: 3, skipped: 4 };
  var NAMES = OPTIONS.ruleNames;        // every rule of the set in pipeline order (disabled too)
  var ACTIVE_POS = OPTIONS.activePos;   // position in NAMES of each compiled rule
  var N_ALL = NAMES.length;
  var NO_REDIRECT = OPTIONS.noRedirectProtocols;
  var ERROR_MAPPING = OPTIONS.errorMapping;
  var CLAIMS_KB = OPTIONS.claimsKb;
  // A login's per-rule values, written in place login after login (recordLogin resets them;
  // the block gets copies): QuickJS allocates an array far more slowly than it fills one.
  var ROWS = { ro: [], rn: [], rc: [], ri: [], rk: [], codes: [], messages: [] };
  function resetRows() {
    var ro = ROWS.ro, rn = ROWS.rn, rc = ROWS.rc, ri = ROWS.ri, rk = ROWS.rk, codes = ROWS.codes, messages = ROWS.messages;
    for (var p = 0; p < N_ALL; p++) { ro[p] = 4; rn[p] = 0; rc[p] = 0; ri[p] = 0; rk[p] = 0; codes[p] = null; messages[p] = null; }
    return ROWS;
  }

  function newBlock() {
    var B = {
      n: 0, nch: 0, lo: [], ec: [], em: [], ae: [], dr: [], mp: [], mj: [], ru: [], sc: [], dc: [], lf: [], rr: [],
      cpu: [], io: [], ro: [], rn: [], rc: [], ri: [], rk: [], nc: [], rx: [], ch: [], lg: [], tok: [], rows: null,
    };
    B.rows = [B.ro, B.rn, B.rc, B.ri, B.rk, B.rr];   // what recordPlain appends to
    return B;
  }
  // The main JSON text is written column by column: a column of numbers is joined (ints: its
  // numbers are all finite: integers, and the host's I/O times), which QuickJS does in about
  // half the time JSON.stringify takes over the same array; a column that may hold strings or
  // nulls is stringified. The parts are joined once (every '+' would copy the text so far).
  // Its next to last field says the engine must be rebuilt after the block's last login
  // (rebuildAfter: the memory limit, a built-in it cannot restore), which the host does.
  // numbers(a): a per-rule column, its logins' texts of numbers (rowInts) joined.
  function numbers(a) { return '[' + a.join(',') + ']'; }
  // A column of integers, most of them small (outcome indexes, counts, zeros): QuickJS writes
  // every integer with snprintf, some twenty times the cost of reading its text from a table.
  var INT_TEXT = [];                // INT_TEXT[v + 1]: the text of v, for -1 <= v <= 1022
  for (var it = -1; it <= 1022; it++) INT_TEXT.push('' + it);
  function intText(v) {
    var t = v >= -1 && v <= 1022 ? INT_TEXT[v + 1] : undefined;
    return t !== undefined ? t : '' + v;
  }
  // The first n values of a joined (numbers: as a.join(',') writes them), in C with the change
  // tracker (joinNumbers: the same numbers, for the host to read); else each small integer
  // written from the table (intText, inline) into out (a new array when not given).
  var joinNumbers = CT !== null && NATIVE.joinNumbers ? NATIVE.joinNumbers : null;
  function intsJoined(a, n, out) {
    if (joinNumbers !== null) { var text = joinNumbers(a, n); if (text !== undefined) return text; }
    if (out === undefined) out = new Array(n);
    for (var i = 0; i < n; i++) {
      var v = a[i], t = v >= -1 && v <= 1022 ? INT_TEXT[v + 1] : undefined;
      out[i] = t !== undefined ? t : v;
    }
    return out.join(',');
  }
  // A block's column of numbers as JSON.
  function ints(a) { return '[' + intsJoined(a, a.length) + ']'; }
  // A login's values of a per-rule column (N_ALL of them) as text: the block's column is its
  // logins' texts joined, the JSON a join of every value would give. A column of zeros (the
  // host's I/O columns of a batched login, the changes of a login without any) is one text.
  var ROW_TEXT = [], ZERO_ROW = '';
  for (var z = 0; z < N_ALL; z++) ZERO_ROW += (z ? ',0' : '0');
  function rowInts(a) { return intsJoined(a, N_ALL, ROW_TEXT); }
  function pushRow(column, text) { if (N_ALL > 0) column.push(text); }
  function encodeBlock(B, left) {
    // No login finished (the first one left the batch): U+0003 and `left` alone.
    if (B.n === 0 && left !== null) return '\u0003' + jsonStringify(left);
    var main = ['[' + B.n, ints(B.lo), jsonStringify(B.ec), jsonStringify(B.em), jsonStringify(B.ae), ints(B.dr),
      jsonStringify(B.mp), jsonStringify(B.mj), jsonStringify(B.ru), jsonStringify(B.sc), jsonStringify(B.dc),
      jsonStringify(B.lf), ints(B.rr), ints(B.cpu), ints(B.io), numbers(B.ro), numbers(B.rn), numbers(B.rc),
      numbers(B.ri), numbers(B.rk), ints(B.nc), jsonStringify(B.rx), jsonStringify(B.lg), jsonStringify(left),
      left === null && rebuildAfter ? 'true' : 'false', jsonStringify(B.ax || null) + ']'];   // ax: Actions (85-actions.js)
    return main.join(',') + '\u0001' + B.ch.join('\u0002') + '\u0001' + (B.cx ? B.cx.join('\u0002') : '') +
      (B.tok.length ? '\u0001' + B.tok.join('\u0001') : '');
  }
  // The MFA provider as Python's str() would print it, when JavaScript can say so exactly;
  // undefined sends the decision to Python (non-string values, throwing getters).
  function mfaProvider(mfa) {
    if (isArray(mfa)) return 'any';
    try {
      var v = mfa.provider;
      if (typeof v === 'string') return v === '' ? 'any' : v;
      if (v === undefined || v === null || v === false || v === 0) return 'any';
    } catch (e) { /* let Python read the JSON */ }
    return undefined;
  }

  // The verdict [outcome, code, message, deciding rule, the application's error] of a login
  // that nothing else decided, when it redirects (a redirect the Actions continued is not
  // one): redirect, or an error where the flow cannot redirect (rules contract §6), decided by
  // the rule (or Action) that set it last; null when it does not redirect.
  function redirectVerdict(out) {
    if (!out.redirect || out.resumed) return null;
    if (NO_REDIRECT.indexOf(S.protocol) < 0) return [4, null, null, -1, null];
    var changes = S.changes, redirecting = -1;
    for (var c = 0; c < changes.length; c += CHANGE_WIDTH) {
      if (changes[c + 1] === 'redirect' && changes[c] >= 0) redirecting = ACTIVE_POS[changes[c]];
    }
    if (S.flow && S.actionsRedirecting >= 0) redirecting = S.actionsRedirecting;   // the Actions' rows come last
    return [2, CODE.REDIRECT_NOT_ALLOWED, 'rule `' + (redirecting >= 0 ? NAMES[redirecting] : 'None') +
      '` set context.redirect during a ' + S.protocol + ' flow, which cannot redirect; Auth0 fails the login',
      redirecting, 'interaction_required'];
  }

  // The per-rule columns of a plain login in C (_tracker_record.h recordPlain): every rule
  // that ran ended 'ok', without a code or flags, calling back at most once; no Actions, no
  // timeout, and nothing but a redirect decides the login (claims within the limit, no
  // pollution). It appends the rows' texts and the rules run to B (B.rows) and returns the
  // engine µs (cpuTotal below), or -1 (not plain: nothing appended).
  var recordPlain = CT !== null && NATIVE.recordPlain ? NATIVE.recordPlain : null;
  var ALLOWED = [0, null, null, -1, null];   // the verdict of a login that nothing decided

  // recordLogin(B, host): append the login S to block B. Everything that reads objects the
  // rules could have changed (tokens, MFA, SAML, pollution) is read before B is touched, so
  // a failure there leaves B as it was. `host` is null for a login that ran inside a batch
  // (times measured here, no I/O), else {cpuBegin, cpu[], io[], calls[], ioTotal, timedOut}
  // (cpuBegin and cpu in integer ns).
  function recordLogin(B, host) {
    S.ended = true;
    var out = loginOutputs();
    if (S.flow) actionOutputs(out);   // the Actions' say (85-actions.js)
    var mp = null, mfaJson = null;
    if (out.mfa !== null) {
      mp = mfaProvider(out.mfa);
      if (mp === undefined) { mp = null; mfaJson = safeJson(out.mfa); }
    }
    var nAct = rules.length, k, p, c, changes = S.changes;
    if (recordPlain !== null && !S.flow && !out.tooLarge && out.pollution.length === 0 &&
        (host === null || host.timedOut < 0)) {
      var plainCpu = recordPlain(ctMem, ctHold, S.runs, host ? host.cpu : S.cpu, host ? host.cpuBegin : S.cpuBegin,
        host ? host.io : null, host ? host.calls : null, nAct, ACTIVE_POS, N_ALL, host === null && changes.length === 0, B.rows);
      if (plainCpu >= 0) {
        // Every rule that ran was ok: the login is allowed, unless it redirects.
        commitChanges(B, commitLogin(B, host, out, mp, mfaJson, redirectVerdict(out) || ALLOWED, '', plainCpu), out);
        return;
      }
    }
    var rows = resetRows(), rx = [];
    var ro = rows.ro, rn = rows.rn, rc = rows.rc, ri = rows.ri, rk = rows.rk, codes = rows.codes, messages = rows.messages;
    var loginFlags = [];
    var times = host ? host.cpu : S.cpu;   // ns per rule: the host's, or the batch's
    var cpuTotal = (host ? host.cpuBegin : S.cpuBegin) / 1000;   // µs
    for (k = 0; k < nAct; k++) {
      p = ACTIVE_POS[k];
      var ns = times !== null && times[k] !== undefined ? times[k] : 0;
      rc[p] = ns;
      cpuTotal += ns / 1000;
      if (host) { ri[p] = host.io[k]; rk[p] = host.calls[k]; }
      var run = S.runs[k];
      if (run === undefined || !run.started) continue;
      rn[p] = run.nChanges;
      if (run.outcome === 'ok' && run.code === null && run.calls <= 1 && run.flags === null) { ro[p] = 0; continue; }
      ro[p] = RULE_OUTCOME[run.outcome];
      var rf = run.flags ? run.flags.slice() : [];
      if (run.calls > 1) rf.push('callback_called_twice');
      var message = null;
      if (run.message !== null && run.code !== null) {
        message = 'rule `' + NAMES[p] + '`' + (run.line ? ' (line ' + run.line + ')' : '') + ': ' + run.message;
      }
      codes[p] = run.code;
      messages[p] = message;
      rx.push([p, run.code, message, run.line, rf.join(',')]);
      for (var f = 0; f < rf.length; f++) loginFlags.push(rf[f]);
    }
    if (S.flow) cpuTotal += actionRows(host, { ro: ro, rn: rn, rc: rc, ri: ri, rk: rk, rx: rx, codes: codes, messages: messages, loginFlags: loginFlags });
    if (host && host.timedOut >= 0 && host.timedOut < nAct) ro[ACTIVE_POS[host.timedOut]] = 3;   // an Action's timeout is its own row's
    // The login's outcome: the first rule that did not end ok decides it.
    var outcome = 0, code = null, errorMessage = null, deciding = -1;
    for (p = 0; p < N_ALL; p++) {
      if (ro[p] >= 1 && ro[p] <= 3) { outcome = ro[p]; code = codes[p]; errorMessage = messages[p]; deciding = p; break; }
    }
    if (outcome === 0 && out.tooLarge) {
      outcome = 2;
      code = CODE.CLAIMS_TOO_LARGE;
      errorMessage = 'custom claims of the ' + out.tooLarge.replace(/_/g, ' ') + ' exceed ' + CLAIMS_KB + ' KB';
    }
    if (out.pollution.length) {
      loginFlags.push('prototype_pollution');
      if (outcome === 0) {
        outcome = 2;
        code = CODE.PROTOTYPE_POLLUTION;
        errorMessage = 'a rule modified built-in prototypes (restored after the login): ' + out.pollution.slice(0, 5).join(', ');
        deciding = -1;
        for (p = 0; p < N_ALL; p++) if (ro[p] === 0) deciding = p;
      }
    }
    var appError = outcome === 1 ? 'unauthorized' : (outcome === 2 || outcome === 3) ? ERROR_MAPPING : null;
    var redirect = outcome === 0 ? redirectVerdict(out) : null;
    if (redirect !== null) { outcome = redirect[0]; code = redirect[1]; errorMessage = redirect[2]; deciding = redirect[3]; appError = redirect[4]; }
    // The Actions decided (also after a suspension), and say what the application receives.
    var verdict = S.flow ? actionsVerdict() : null;
    if (verdict !== null) { outcome = verdict[0]; code = verdict[1]; errorMessage = verdict[2]; deciding = verdict[3]; appError = verdict[4]; }
    var rulesRun = 0, okRows = 0;
    for (p = 0; p < N_ALL; p++) { var o = ro[p]; if (o !== 4) { rulesRun++; if (o === 0) okRows++; } }
    loginFlags.sort();
    var flags = [];
    for (c = 0; c < loginFlags.length; c++) if (c === 0 || loginFlags[c] !== loginFlags[c - 1]) flags.push(loginFlags[c]);
    // Commit: plain appends from here on.
    var j = commitLogin(B, host, out, mp, mfaJson, [outcome, code, errorMessage, deciding, appError], flags.join(','), cpuTotal);
    B.rr.push(rulesRun);
    var base = j * N_ALL;
    // One text a login and column (rowInts); a constant text where the values cannot vary.
    var general = host !== null || S.flow;   // batched logins: no I/O, calls or Actions' rows
    pushRow(B.ro, okRows === N_ALL ? ZERO_ROW : rowInts(ro));
    pushRow(B.rn, !general && changes.length === 0 ? ZERO_ROW : rowInts(rn));
    pushRow(B.rc, rowInts(rc));
    pushRow(B.ri, general ? rowInts(ri) : ZERO_ROW);
    pushRow(B.rk, general ? rowInts(rk) : ZERO_ROW);
    for (c = 0; c < rx.length; c++) { rx[c][0] += base; B.rx.push(rx[c]); }
    commitChanges(B, j, out);
    if (S.flow) commitActions(B, j);
  }
  // The login's own columns, appended to B: verdict = [outcome, code, message, deciding rule,
  // the application's error]; cpuUs its engine time. Its index in the block.
  function commitLogin(B, host, out, mp, mfaJson, verdict, flags, cpuUs) {
    var j = B.n++;
    B.lo.push(verdict[0]); B.ec.push(verdict[1]); B.em.push(verdict[2]); B.dr.push(verdict[3]); B.ae.push(verdict[4]);
    B.mp.push(mp);
    if (mfaJson !== null) B.mj.push([j, mfaJson]);
    B.ru.push(out.redirect); B.sc.push(out.scopes.join(' ')); B.dc.push(out.dropped.length ? out.dropped : null);
    B.lf.push(flags); B.cpu.push(mathRound(cpuUs * 1000)); B.io.push(host ? host.ioTotal : 0);
    return j;
  }
  // The login's change rows, console lines and tokens, appended to B (login j of the block).
  function commitChanges(B, j, out) {
    var changes = S.changes, c;
    var nc = changes.length / CHANGE_WIDTH;
    if (nc > 0) {
      // The rule's position as text in each row's first field (in place: the login is over,
      // nothing reads S.changes again), then one join for the login (join writes a null
      // before/after as ''): far cheaper in QuickJS than a push a field.
      for (c = 0; c < changes.length; c += CHANGE_WIDTH) changes[c] = intText(changes[c] >= 0 ? ACTIVE_POS[changes[c]] : -1);
      B.ch.push(changes.join('\u0002'));
    }
    B.nc.push(nc);
    B.nch += nc;
    var logs = S.logs;
    for (c = 0; c < logs.length; c++) B.lg.push([j, logs[c][0] >= 0 ? ACTIVE_POS[logs[c][0]] : -1, logs[c][1], logs[c][2]]);
    B.tok.push(out.idJson, out.atJson, out.samlJson === null ? '' : out.samlJson, out.primaryJson === null ? '' : out.primaryJson,
      out.samlAttrJson ? out.samlAttrJson : '');
  }
