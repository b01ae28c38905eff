  // ---------------------------------------------------------------- host operations
  var opSeq = 0;
  var pendingOps = {};     // id -> {cb, rule}
  var opsQueued = false;   // whether pendingOps may hold entries (clearLoginState)
  var outbox = [];
  function hostCall(kind, payload, cb) {
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
  var encodeURIComponentRaw = encodeURIComponent;
  var stringIndexOf = String.prototype.indexOf;
  function crossesAsText(s) {
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
  };

