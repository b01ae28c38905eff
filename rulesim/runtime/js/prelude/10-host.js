  // ---------------------------------------------------------------- host operations
  var opSeq = 0;
  var pendingOps = {};     // id -> {cb, rule}
  var opsQueued = false;   // whether pendingOps may hold entries (clearLoginState)
  var outbox = [];
  // A flood of host operations (Limits.host_calls a login pass) fails the running rule or
  // Action, as a console flood does; the operations past the limit are not made.
  var HOST_CALL_LIMIT = OPTIONS.hostCalls;
  function hostCall(kind, payload, cb) {
    if (S && ++S.hostCalls > HOST_CALL_LIMIT) {
      if (S.hostCalls === HOST_CALL_LIMIT + 1 && S.current >= 0) {
        fail(S.current, CODE.HOST_CALL_LIMIT, { name: 'Error', message: 'more than ' + HOST_CALL_LIMIT +
          ' host calls (HTTP requests and Management API calls) in one login; the calls past the limit were not made', loc: [-1, 0] });
        // A rule's run ends here (it may wait for answers that never come); an Action's step
        // is settled by actionStatus (85-actions.js), as after a console flood.
        var run = S.runs[S.current];
        if (!(S.flow && S.current >= NRULES) && run !== undefined) run.done = true;
      }
      return;
    }
    var id = ++opSeq;
    var rule = S ? S.current : -1;
    outbox.push([id, kind, rule, payload]);
    pendingOps[id] = { cb: cb, rule: rule };
    opsQueued = true;
  }
  function makeHostError(err) {
    var e = new Error(err.message);
    if (err.code) e.code = err.code;
    if (err.statusCode) { e.statusCode = err.statusCode; }
    if (err.name) e.name = err.name;
    return e;
  }
  // The native host functions (rulesim/runtime/native.py): strings and numbers in and out,
  // '' on failure. Held only here and in the modules given `host`; never globals.
  // Whether a string can cross into Python as text: no NUL (the binding cuts strings there)
  // and no lone surrogate (it cannot convert them). encodeURIComponent throws on the latter
  // and is native, several times faster here than a regular expression.
  // Compiled host functions (NATIVE.anyText) take any string as text: a NUL is a byte and a
  // lone surrogate becomes U+FFFD, as Node's UTF-8 encoder makes it.
  var encodeURIComponentRaw = encodeURIComponent;
  var stringIndexOf = String.prototype.indexOf;
  var ANY_TEXT = NATIVE.anyText === true;
  function crossesAsText(s) {
    if (ANY_TEXT) return true;
    if (stringIndexOf.call(s, '\u0000') !== -1) return false;
    try { encodeURIComponentRaw(s); return true; } catch (e) { return false; }
  }
  var host = {
    http: function (req, cb) { hostCall('http', req, cb); },
    mgmt: function (op, args, cb) { hostCall('mgmt', { op: op, args: args }, cb); },
    random: function () { return seededRandom(); },
    domain: OPTIONS.domain,
    digest: NATIVE.digest,            // (code, data) -> digest text (native.code_of)
    hmacKey: NATIVE.hmacKey,          // (alg, keyEnc, key) -> handle (a multiple of 8) or -1
    hmac: NATIVE.hmac,                // (handle + data and output codes, data) -> HMAC text
    hmacUnkeyed: NATIVE.hmacUnkeyed,  // (alg, keyEnc, key, enc, data, out): a key without handle
    pbkdf2: NATIVE.pbkdf2,            // (alg, pwEnc, pw, saltEnc, salt, iterations, keylen) -> hex
    hashes: OPTIONS.hashAlgorithms,   // the algorithms, in the order of their codes
    crossesAsText: crossesAsText,
    anyText: ANY_TEXT,                // whether crossesAsText is true of every string
    // crypto's Hash and Hmac objects in C (rulesim/runtime/_hostc.c), with the compiled host
    // functions; null with their Python twins (crypto.js keeps its objects in JavaScript).
    digests: NATIVE.digestNew ? { create: NATIVE.digestNew, method: NATIVE.digestMethod } : null,
    // Node's locale-sensitive built-ins on ICU (rulesim/runtime/_intl.c, modules/intl.js);
    // null when the extension is not built (QuickJS's own formats stay).
    intl: NATIVE.collate ? { collate: NATIVE.collate, formatNumber: NATIVE.formatNumber, formatDate: NATIVE.formatDate,
      changeCase: NATIVE.changeCase, resolveLocale: NATIVE.resolveLocale } : null,
  };

