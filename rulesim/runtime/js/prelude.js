(function installRulesimPrelude(CONFIG_JSON, OPTIONS_JSON, makeRequire, REGISTRY, NATIVE) {
  // The Auth0 Rules runtime emulation. Everything a rule can reach is defined here; nothing
  // in this file can reach the host: work that needs Python (fake HTTP, the Management API)
  // is appended to an outbox that the Python driver reads, answers and delivers back.
  'use strict';
  var G = globalThis;
  // QuickJS's own `__date_clock()` reads the real clock: rules live on the virtual one.
  delete G.__date_clock;
  var OPTIONS = JSON.parse(OPTIONS_JSON);
  var RealDate = Date;
  var jsonStringify = JSON.stringify;
  var jsonParse = JSON.parse;
  var objectKeys = Object.keys;
  var hasOwn = Object.prototype.hasOwnProperty;
  var isArray = Array.isArray;
  var ProxyCtor = Proxy;
  var mathFloor = Math.floor;
  var stringOf = String;

  // ---------------------------------------------------------------- per-login state
  var S = null;            // the login being run (see begin())
  var rules = [];          // compiled rule functions, by index
  var ruleNames = [];
  var asyncRule = [];      // whether a rule's source uses async/await (may leave jobs queued)
  var ASYNC_SOURCE = /\basync\b|\bawait\b/;

  // Whether code registered a promise reaction since the current rule started: then a job
  // may be queued even though the rule called back synchronously.
  var thenCalled = false;
  var promiseThen = Promise.prototype.then;
  Object.defineProperty(Promise.prototype, 'then', {
    value: { then: function (onFulfilled, onRejected) {
      thenCalled = true;
      return promiseThen.call(this, onFulfilled, onRejected);
    } }.then,
    writable: true, configurable: true, enumerable: false,
  });

  // ---------------------------------------------------------------- virtual clock and timers
  var clock = { now: 0 };
  var timers = [];         // {id, t, seq, fn, args, every}
  var timerSeq = 0;
  function addTimer(fn, ms, args, every) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    ms = Number(ms);
    if (!(ms >= 1)) ms = 1;   // node clamps to 1 ms
    var id = ++timerSeq;
    timers.push({ id: id, t: clock.now + ms, seq: id, fn: fn, args: args, every: every ? ms : 0, rule: S ? S.current : -1 });
    return id;
  }
  function removeTimer(id) {
    if (id && typeof id === 'object') id = id.id;
    for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { timers.splice(i, 1); return; }
  }
  function TimerHandle(id) { this.id = id; }
  TimerHandle.prototype.ref = function () { return this; };
  TimerHandle.prototype.unref = function () { return this; };
  TimerHandle.prototype.hasRef = function () { return true; };
  TimerHandle.prototype[Symbol.toPrimitive] = function () { return this.id; };
  G.setTimeout = function setTimeout(fn, ms) { return new TimerHandle(addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false)); };
  G.setInterval = function setInterval(fn, ms) { return new TimerHandle(addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true)); };
  G.setImmediate = function setImmediate(fn) {
    var id = ++timerSeq;
    timers.push({ id: id, t: clock.now, seq: id, fn: fn, args: Array.prototype.slice.call(arguments, 1), every: 0, rule: S ? S.current : -1 });
    return new TimerHandle(id);
  };
  G.clearTimeout = G.clearInterval = G.clearImmediate = function clearTimeout(h) { removeTimer(h); };

  // Date: the real Date, but "now" is the login's virtual clock.
  function VirtualDate() {
    if (!new.target) return new RealDate(clock.now).toString();
    var d = arguments.length === 0 ? new RealDate(clock.now) : Reflect.construct(RealDate, arguments);
    if (new.target !== VirtualDate) Object.setPrototypeOf(d, new.target.prototype);
    return d;
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = function now() { return clock.now; };
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate, writable: true, configurable: true });
  G.Date = VirtualDate;

  // Math.random: seeded per login (xorshift128+ on 32-bit halves, deterministic).
  var rs0 = 1, rs1 = 2, rs2 = 3, rs3 = 4;
  function seedRandom(seed) {
    var s = (seed >>> 0) || 0x9e3779b9;
    function next() { s = (s + 0x6d2b79f5) | 0; var t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return (t ^ (t >>> 14)) >>> 0; }
    rs0 = next(); rs1 = next(); rs2 = next(); rs3 = next();
  }
  function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }
  function xo() {
    var result = Math.imul(rotl(Math.imul(rs1, 5), 7), 9);
    var t = rs1 << 9;
    rs2 ^= rs0; rs3 ^= rs1; rs1 ^= rs2; rs0 ^= rs3; rs2 ^= t; rs3 = rotl(rs3, 11);
    return result >>> 0;
  }
  Math.random = function random_() { var r1 = xo(), r2 = xo(); return ((r1 >>> 5) * 67108864 + (r2 >>> 6)) / 9007199254740992; };
  var seededRandom = Math.random;

  // ---------------------------------------------------------------- errors
  function UnauthorizedError(message) {
    if (!(this instanceof UnauthorizedError)) return new UnauthorizedError(message);
    var e = new Error(message);
    this.message = message === undefined ? '' : stringOf(message);
    this.stack = e.stack;
  }
  UnauthorizedError.prototype = Object.create(Error.prototype, {
    constructor: { value: UnauthorizedError, writable: true, configurable: true },
    name: { value: 'UnauthorizedError', writable: true, configurable: true },
  });
  G.UnauthorizedError = UnauthorizedError;

  // ---------------------------------------------------------------- console
  var CONSOLE_LIMIT = OPTIONS.consoleBytes;
  var LINE_LIMIT = OPTIONS.consoleLineBytes;
  function formatArg(a) {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return a.stack ? (a.name + ': ' + a.message) : stringOf(a);
    if (a && typeof a === 'object') { try { return jsonStringify(a); } catch (e) { return '[object]'; } }
    return stringOf(a);
  }
  function logger(level) {
    return function () {
      if (!S || S.bare) return;
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(formatArg(arguments[i]));
      var line = parts.join(' ');
      S.consoleBytes += line.length;
      if (S.consoleBytes > CONSOLE_LIMIT) {
        // A console flood ends the rule: the output is dropped and the login fails.
        if (S.consoleOverflow === null && S.current >= 0) {
          S.consoleOverflow = S.current;
          S.logs.push([S.current, 'warn', '[rulesim] console output over ' + CONSOLE_LIMIT + ' bytes: further lines dropped']);
          fail(S.current, 'console_limit', { name: 'Error', message: 'console output exceeded ' + CONSOLE_LIMIT + ' bytes in one login', loc: [-1, 0] });
        }
        return;
      }
      if (line.length > LINE_LIMIT) line = line.slice(0, LINE_LIMIT) + '…[truncated]';
      S.logs.push([S.current, level, line]);
    };
  }
  G.console = { log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug'), trace: logger('debug'), dir: logger('log') };

  // ---------------------------------------------------------------- host operations
  var opSeq = 0;
  var pendingOps = {};     // id -> {cb, rule}
  var outbox = [];
  function hostCall(kind, payload, cb) {
    var id = ++opSeq;
    var rule = S ? S.current : -1;
    outbox.push([id, kind, rule, payload]);
    pendingOps[id] = { cb: cb, rule: rule };
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
    digest: NATIVE.digest,    // (alg, enc, data, out) -> digest text
    hmac: NATIVE.hmac,        // (alg, keyEnc, key, enc, data, out) -> HMAC text
    pbkdf2: NATIVE.pbkdf2,    // (alg, pwEnc, pw, saltEnc, salt, iterations, keylen) -> hex
    clockUs: NATIVE.clockUs,  // () -> thread CPU time, µs (float)
    crossesAsText: crossesAsText,
  };

  // ---------------------------------------------------------------- configuration, auth0, global
  var configuration = JSON.parse(CONFIG_JSON);
  G.configuration = Object.freeze(configuration);
  function promiseMgmt(op, args) {
    return new Promise(function (resolve, reject) {
      hostCall('mgmt', { op: op, args: args }, function (err, res) { if (err) reject(err); else resolve(res); });
    });
  }
  function metadataUpdater(op) {
    return function (userId, metadata) {
      var data;
      try { data = metadata === undefined ? {} : jsonParse(jsonStringify(metadata)); } catch (e) { return Promise.reject(e); }
      return promiseMgmt(op, { id: stringOf(userId), data: data }).then(function () { return undefined; });
    };
  }
  G.auth0 = Object.freeze({
    users: Object.freeze({
      updateAppMetadata: metadataUpdater('updateAppMetadata'),
      updateUserMetadata: metadataUpdater('updateUserMetadata'),
    }),
    accessToken: OPTIONS.managementToken,
    domain: OPTIONS.domain,
    baseUrl: 'https://' + OPTIONS.domain + '/api/v2',
  });
  G.global = {};

  // ---------------------------------------------------------------- exactness bookkeeping
  // For paired runs (see exportState): the objects begin() parsed are plain data by
  // construction; only a defineProperty-family call can give one an accessor or hide a key,
  // so those calls raise a per-login flag.
  var trackPristine = false;
  var pristine = null;           // Set of the objects parsed by begin (paired runs only)
  var exotic = false;            // a defineProperty-family call happened during this login
  function flagging(owner, name) {
    var original = owner[name];
    var wrapped = { [name]: function () { exotic = true; return original.apply(this, arguments); } }[name];
    Object.defineProperty(wrapped, 'length', { value: original.length });
    Object.defineProperty(owner, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
  flagging(Object, 'defineProperty');
  flagging(Object, 'defineProperties');
  flagging(Reflect, 'defineProperty');
  flagging(Object.prototype, '__defineGetter__');
  flagging(Object.prototype, '__defineSetter__');
  function addPristine(v) {
    if (v === null || typeof v !== 'object' || pristine.has(v)) return;
    pristine.add(v);
    if (isArray(v)) { for (var i = 0; i < v.length; i++) addPristine(v[i]); return; }
    for (var k in v) addPristine(v[k]);
  }

  // ---------------------------------------------------------------- require and Buffer
  var requireFn = makeRequire ? makeRequire(host, REGISTRY, { legacyGlobals: !!OPTIONS.legacyGlobals }) : null;
  if (requireFn) {
    G.require = requireFn;
    try { G.Buffer = requireFn('buffer').Buffer; } catch (e) { /* no buffer module */ }
    if (OPTIONS.legacyGlobals && requireFn.defineLegacyGlobals) requireFn.defineLegacyGlobals(G);
  } else {
    G.require = function require(name) {
      var e = new Error('module `' + name + '` is not available in the rulesim sandbox');
      e.code = 'module_not_allowed';
      throw e;
    };
  }

  // ---------------------------------------------------------------- change tracking
  // Writes to the watched parts go through proxies. A write to a top-level key of a
  // plain-object part (a claim in context.idToken, a key of user.app_metadata) marks that key
  // and keeps its JSON as it was before the rule's first write to it; at the rule's end only
  // the marked keys are serialised and diffed. A write inside a nested object, or replacing
  // a whole part (context.idToken = {...}), keeps the part's JSON instead. An unchanged login
  // costs no serialisation at all, and a rule that adds one claim costs one small stringify.
  var PART_TARGETS = ['user', 'app_metadata', 'user_metadata', 'id_token', 'access_token', 'multifactor', 'redirect', 'saml', 'primary_user'];
  var CTX_PARTS = { idToken: 3, accessToken: 4, multifactor: 5, redirect: 6, samlConfiguration: 7, primaryUser: 8 };
  var USER_PARTS = { app_metadata: 1, user_metadata: 2 };
  // Per-login maps (not WeakMaps: QuickJS cannot collect a WeakMap entry whose value refers to
  // its key, so proxies would leak across logins). Both are dropped when the login ends.
  var MapCtor = Map;
  var rawOf = new MapCtor();      // proxy -> raw
  var proxyOf = new MapCtor();    // raw -> {part, top, proxy}
  var isEnumerable = Object.prototype.propertyIsEnumerable;
  var ABSENT = {};                // marker: the key was not in the part's JSON before the write

  function snapshot(value) { return value === undefined ? undefined : jsonStringify(unwrap(value)); }
  // The JSON of raw[k] as it appears inside raw's JSON (undefined when JSON leaves it out).
  function keyJson(raw, k) {
    return (hasOwn.call(raw, k) && isEnumerable.call(raw, k)) ? snapshot(raw[k]) : undefined;
  }
  function markPart(part) {
    if (part in S.dirty) return;
    var kd = S.keyed[part];
    if (kd !== undefined) {
      S.keyed[part] = undefined;
      S.dirty[part] = keyedBefore(kd);
      return;
    }
    S.dirty[part] = snapshot(S.partValue(part));
  }
  // Per part and rule: the marked top-level keys and their JSON before the first write
  // (arrays: a rule marks one or two keys). `order` is the part's key order before the rule,
  // taken only when a top-level key is deleted (otherwise the current order is the same).
  function markKey(part, k, deleting) {
    if (typeof k !== 'string') return;            // symbol keys never reach the JSON
    if (part in S.dirty) return;
    var kd = S.keyed[part];
    if (kd === undefined) {
      var raw = S.partValue(part);
      if (!isPlain(raw)) { markPart(part); return; }
      kd = S.keyed[part] = { raw: raw, order: null, keys: [], before: [] };
    }
    if (deleting && kd.order === null) kd.order = objectKeys(kd.raw);
    if (kd.keys.indexOf(k) < 0) {
      var b = keyJson(kd.raw, k);
      kd.keys.push(k);
      kd.before.push(b === undefined ? ABSENT : b);
    }
  }
  function beforeOf(kd, k) {
    var i = kd.keys.indexOf(k);
    return i < 0 ? undefined : kd.before[i];
  }
  // The part's JSON before the rule's writes, rebuilt from the marked keys' old values.
  function keyedBefore(kd) {
    var obj = {};
    var order = kd.order !== null ? kd.order : objectKeys(kd.raw);
    for (var i = 0; i < order.length; i++) {
      var k = order[i], b = beforeOf(kd, k);
      if (b === undefined) putKey(obj, k, unwrap(kd.raw[k]));
      else if (b !== ABSENT) putKey(obj, k, jsonParse(b));
    }
    return jsonStringify(obj);
  }
  function diffKeyed(out, rule, target, kd) {
    var raw = kd.raw, i, k, b, a;
    var keys = kd.keys.length === 1 ? kd.keys : objectKeys(raw);
    var order = kd.order !== null ? kd.order : keys;
    for (i = 0; i < order.length; i++) {
      k = order[i];
      b = beforeOf(kd, k);
      if (b === undefined || b === ABSENT) continue;
      a = keyJson(raw, k);
      if (a === undefined) out.push([rule, target, keyPath(k), 'remove', b, null, 0]);
      else if (a !== b) {
        if (b.charCodeAt(0) === 123 && a.charCodeAt(0) === 123) diffInto(out, rule, target, keyPath(k), jsonParse(b), jsonParse(a));
        else out.push([rule, target, keyPath(k), 'replace', b, a, 0]);
      }
    }
    for (i = 0; i < keys.length; i++) {
      k = keys[i];
      if (beforeOf(kd, k) !== ABSENT) continue;
      a = keyJson(raw, k);
      if (a !== undefined) out.push([rule, target, keyPath(k), 'add', null, a, 0]);
    }
  }
  var keyPaths = new MapCtor();   // top-level key -> its JSON path (claim names repeat)
  function keyPath(k) {
    var path = keyPaths.get(k);
    if (path === undefined) {
      path = childPath('', k);
      if (keyPaths.size >= 4096) keyPaths.clear();
      keyPaths.set(k, path);
    }
    return path;
  }
  // A write to a top-level key of a part marks that key. A write inside an object (nested
  // under a key) marks the whole part: the object may hang under other keys too, and the
  // whole-part diff records every key it changed.
  function mark(part, top, k, deleting) {
    if (top === undefined) markKey(part, k, deleting);
    else markPart(part);
  }
  function partHandler(part, top) {
    // top: the part's top-level key this proxy's object hangs under (undefined: the part).
    return {
      get: function (t, k, r) {
        var v = Reflect.get(t, k, r);
        return (v !== null && typeof v === 'object') ? wrapDeep(v, part, top === undefined ? k : top) : v;
      },
      set: function (t, k, v) { mark(part, top, k, false); return Reflect.set(t, k, unwrap(v)); },
      deleteProperty: function (t, k) { mark(part, top, k, true); return Reflect.deleteProperty(t, k); },
      defineProperty: function (t, k, d) { mark(part, top, k, false); return Reflect.defineProperty(t, k, d); },
    };
  }
  var partHandlers = [], nestedHandlers = [];
  for (var hp = 0; hp < PART_TARGETS.length; hp++) { partHandlers.push(partHandler(hp, undefined)); nestedHandlers.push(new MapCtor()); }
  function handlerFor(part, top) {
    if (top === undefined) return partHandlers[part];
    var cache = nestedHandlers[part], h = cache.get(top);
    if (h === undefined) {
      if (cache.size >= 512) cache.clear();
      h = partHandler(part, top);
      cache.set(top, h);
    }
    return h;
  }
  function unwrap(v) { if (v !== null && typeof v === 'object') { var raw = rawOf.get(v); if (raw) return raw; } return v; }
  function wrapDeep(raw, part, top) {
    if (rawOf.has(raw)) return raw;
    var cache = proxyOf.get(raw);
    if (cache && cache.part === part && cache.top === top) return cache.proxy;
    var p = new ProxyCtor(raw, handlerFor(part, top));
    rawOf.set(p, raw);
    proxyOf.set(raw, { part: part, top: top, proxy: p });
    return p;
  }
  // user and context proxies have no get trap (reads are the hot path); the watched
  // sub-objects are stored in the raw objects already wrapped, so reading them is free.
  function stored(parts, k, v) {
    var part = parts[k];
    v = unwrap(v);
    return (part !== undefined && v !== null && typeof v === 'object') ? wrapDeep(v, part) : v;
  }
  function wrapParts(raw, parts) {
    for (var k in parts) {
      var v = raw[k];
      if (v !== null && typeof v === 'object') raw[k] = wrapDeep(unwrap(v), parts[k]);
    }
  }
  var userHandler = {
    set: function (t, k, v) { touchUser(t, k); return Reflect.set(t, k, stored(USER_PARTS, k, v)); },
    deleteProperty: function (t, k) { touchUser(t, k); return Reflect.deleteProperty(t, k); },
    defineProperty: function (t, k, d) { touchUser(t, k); return Reflect.defineProperty(t, k, d); },
  };
  function touchUser(t, k) {
    var part = USER_PARTS[k];
    if (part !== undefined) { markPart(part); return; }
    if (typeof k !== 'string') return;
    if (!hasOwn.call(S.userTouched, k)) S.userTouched[k] = hasOwn.call(t, k) ? snapshot(t[k]) : undefined;
  }
  var contextHandler = {
    set: function (t, k, v) { var part = CTX_PARTS[k]; if (part !== undefined) markPart(part); return Reflect.set(t, k, stored(CTX_PARTS, k, v)); },
    deleteProperty: function (t, k) { var part = CTX_PARTS[k]; if (part !== undefined) markPart(part); return Reflect.deleteProperty(t, k); },
  };

  var IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  function childPath(path, key) {
    var seg = IDENT.test(key) ? key : '[' + jsonStringify(key) + ']';
    if (path === '') return seg;
    return seg.charAt(0) === '[' ? path + seg : path + '.' + seg;
  }
  function isPlain(v) { return v !== null && typeof v === 'object' && !isArray(v); }
  function diffInto(out, rule, target, path, before, after) {
    if (isPlain(before) && isPlain(after)) {
      var k;
      for (k in before) if (hasOwn.call(before, k)) {
        if (!hasOwn.call(after, k)) out.push([rule, target, childPath(path, k), 'remove', jsonStringify(before[k]), null, 0]);
        else diffInto(out, rule, target, childPath(path, k), before[k], after[k]);
      }
      for (k in after) if (hasOwn.call(after, k) && !hasOwn.call(before, k)) {
        out.push([rule, target, childPath(path, k), 'add', null, jsonStringify(after[k]), 0]);
      }
      return;
    }
    var b = jsonStringify(before), a = jsonStringify(after);
    if (b === a) return;
    if (b === undefined) out.push([rule, target, path, 'add', null, a, 0]);
    else if (a === undefined) out.push([rule, target, path, 'remove', b, null, 0]);
    else out.push([rule, target, path, 'replace', b, a, 0]);
  }
  function normalise(json) { return json === undefined ? undefined : jsonParse(json); }
  function collectChanges(rule) {
    if (S.bare) return 0;
    var before = 0;
    var n = S.changes.length;
    var touched = S.userTouched;
    for (var k in touched) {
      var cur = hasOwn.call(S.userRaw, k) ? snapshot(S.userRaw[k]) : undefined;
      if (cur !== touched[k]) diffInto(S.changes, rule, 'user', k, normalise(touched[k]), normalise(cur));
      before++;
    }
    if (before) S.userTouched = {};
    var dirty = S.dirty, keyed = S.keyed;
    for (var p = 1; p < PART_TARGETS.length; p++) {
      var old, now;
      if (p in dirty) old = dirty[p];
      else {
        var kd = keyed[p];
        if (kd === undefined) continue;
        if (S.partValue(p) === kd.raw) { diffKeyed(S.changes, rule, PART_TARGETS[p], kd); continue; }
        old = keyedBefore(kd);   // the part was swapped without a trap (callback with new objects)
      }
      now = snapshot(S.partValue(p));
      if (now !== old) diffInto(S.changes, rule, PART_TARGETS[p], '', normalise(old), normalise(now));
    }
    S.dirty = [];
    S.keyed = [];
    return S.changes.length - n;
  }

  // ---------------------------------------------------------------- rules and outcomes
  var LINE_BLOCK = OPTIONS.lineBlock;
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
    S.runs[rule].outcome = code === 'unauthorized' ? 'denied' : 'error';
    S.runs[rule].code = code;
    S.runs[rule].message = d.message;
    S.runs[rule].line = loc;
    S.runs[rule].errName = d.name;
  }
  function classifyCallbackError(err) {
    var d = describe(err);
    if (d.code === 'module_not_allowed') return ['module_not_allowed', d];
    if (d.name === 'UnauthorizedError') return ['unauthorized', d];
    if (d.name === null) return ['non_standard_error', d];
    return ['callback_error', d];
  }
  function classifyThrown(err, isReject) {
    var d = describe(err);
    if (d.code === 'module_not_allowed') return ['module_not_allowed', d];
    if (d.message === 'stack overflow' || (d.name === 'RangeError' && /call stack/.test(d.message))) return ['stack_overflow', d];
    if (d.message === 'out of memory') return ['memory_limit', d];
    if (d.name === null) { d.message = 'threw a non-Error value: ' + d.message; }
    return [isReject ? 'promise_rejected' : 'rule_exception', d];
  }
  function makeCallback(i) {
    return function callback(err, user, context) {
      var run = S && S.runs[i];
      if (!run || S.ended) return;
      run.calls++;
      if (run.calls > 1) return;
      run.done = true;
      if (err !== null && err !== undefined) {
        var c = classifyCallbackError(err);
        fail(i, c[0], c[1]);
        if (c[0] === 'non_standard_error') (run.flags || (run.flags = [])).push('non_standard_error');
      } else {
        if (user && typeof user === 'object' && unwrap(user) !== S.userRaw) adoptUser(unwrap(user));
        if (context && typeof context === 'object' && unwrap(context) !== S.contextRaw) adoptContext(unwrap(context));
      }
      run.nChanges = collectChanges(i);
    };
  }
  function adoptUser(raw) {
    if (S.bare) { S.userRaw = S.user = raw; return; }
    wrapParts(raw, USER_PARTS);
    S.userRaw = raw;
    S.user = new ProxyCtor(raw, userHandler);
    rawOf.set(S.user, raw);
  }
  function adoptContext(raw) {
    if (S.bare) { S.contextRaw = S.context = raw; return; }
    wrapParts(raw, CTX_PARTS);
    S.contextRaw = raw;
    S.context = new ProxyCtor(raw, contextHandler);
    rawOf.set(S.context, raw);
  }

  // ---------------------------------------------------------------- the driver (called from Python)
  var intrinsicProtos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype,
    Boolean.prototype, Error.prototype, Promise.prototype, RegExp.prototype, RealDate.prototype, Map.prototype, Set.prototype,
    Object, Array, JSON, Math, Promise];
  var intrinsicKeys = [];
  function protoKeys(o) { return Reflect.ownKeys(o); }
  function snapshotIntrinsics() {
    intrinsicKeys = intrinsicProtos.map(function (o) {
      var keys = protoKeys(o);
      return { keys: keys, descs: keys.map(function (k) { return Object.getOwnPropertyDescriptor(o, k); }) };
    });
  }
  // The fast test run after every login, allocation-free: an enumerable key on any intrinsic
  // (built-in properties are all non-enumerable, so `X.prototype.y = v` adds one), or a changed
  // value of any data property of an intrinsic (`Math.random = ...`, `String.prototype.trim
  // = ...` keep the property non-enumerable). The value test is generated code with static
  // property names: QuickJS resolves those at compile time, a computed name costs a lookup.
  var quickChanged = function () { return false; };
  function snapshotQuick() {
    var tests = [], values = [], symbols = [];
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var o = intrinsicProtos[i], keys = Reflect.ownKeys(o);
      for (var j = 0; j < keys.length; j++) {
        var k = keys[j], d = Object.getOwnPropertyDescriptor(o, k);
        if (!d || !('value' in d)) continue;
        var access;
        if (typeof k === 'symbol') { access = 'P[' + i + '][S[' + symbols.length + ']]'; symbols.push(k); }
        else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) access = 'P[' + i + '].' + k;
        else access = 'P[' + i + '][' + jsonStringify(k) + ']';
        tests.push(access + ' !== V[' + values.length + ']');
        values.push(d.value);
      }
    }
    quickChanged = new Function('P', 'V', 'S', '"use strict"; return function quickChanged() { return ' +
      (tests.length ? tests.join(' || ') : 'false') + '; };')(intrinsicProtos.slice(), values, symbols);
  }
  function looksPolluted() {
    for (var i = 0; i < intrinsicProtos.length; i++) {
      for (var k in intrinsicProtos[i]) if (k !== undefined) return true;
    }
    return quickChanged();
  }
  function pollutionCheck() {
    // The exhaustive comparison (and restore) runs only when the fast test saw something.
    var found = [];
    if (!looksPolluted()) return found;
    for (var i = 0; i < intrinsicProtos.length; i++) {
      var o = intrinsicProtos[i], snap = intrinsicKeys[i];
      var keys = protoKeys(o);
      for (var a = 0; a < keys.length; a++) {
        var idx = snap.keys.indexOf(keys[a]);
        if (idx < 0) { found.push(protoName(i) + '.' + stringOf(keys[a])); try { delete o[keys[a]]; } catch (e) { /* keep going */ } }
      }
      for (var b = 0; b < snap.keys.length; b++) {
        var cur = Object.getOwnPropertyDescriptor(o, snap.keys[b]);
        var was = snap.descs[b];
        if (!cur || cur.value !== was.value || cur.get !== was.get || cur.set !== was.set) {
          found.push(protoName(i) + '.' + stringOf(snap.keys[b]));
          try { Object.defineProperty(o, snap.keys[b], was); } catch (e) { /* non-configurable: nothing to do */ }
        }
      }
    }
    return found;
  }
  var PROTO_NAMES = ['Object.prototype', 'Array.prototype', 'Function.prototype', 'String.prototype', 'Number.prototype',
    'Boolean.prototype', 'Error.prototype', 'Promise.prototype', 'RegExp.prototype', 'Date.prototype', 'Map.prototype', 'Set.prototype',
    'Object', 'Array', 'JSON', 'Math', 'Promise'];
  function protoName(i) { return PROTO_NAMES[i]; }

  // Drop what a login left in the sandbox (pending work, proxy maps); `global` stays.
  function clearLoginState() {
    timers = [];
    outbox = [];
    pendingOps = {};
    rawOf = new MapCtor();
    proxyOf = new MapCtor();
  }
  // The state S of a login that starts (begin) or resumes after shared rules (beginFrom).
  function newLoginState(current, failed, changes, logs, consoleBytes, consoleOverflow, bare) {
    clearLoginState();
    return {
      current: current, failed: failed, ended: false,
      userRaw: null, user: null, contextRaw: null, context: null,
      runs: [], changes: changes, logs: logs, consoleBytes: consoleBytes, consoleOverflow: consoleOverflow,
      dirty: [], keyed: [], userTouched: {},
      partValue: partValue, bare: bare,
    };
  }

  function newRun(i) {
    return { outcome: 'skipped', code: null, message: null, line: 0, calls: 0, done: false, started: false, nChanges: 0, flags: null, errName: null };
  }

  // begin(loginJson, seed, bare): bare = the no-recording baseline (benchmarks): the rules
  // run on the raw objects with the same host operations, clock and randomness, but nothing
  // is tracked or captured; end it with finishBare().
  function begin(loginJson, seed, bare) {
    var login = jsonParse(loginJson);
    exotic = false;
    if (trackPristine) { pristine = new SetCtor(); addPristine(login); }
    clock.now = +login.timestamp_ms || 0;
    seedRandom(seed);
    // Timer and host-operation ids restart with every login, so a rule that prints one sees
    // the same value whatever ran before in this worker.
    timerSeq = 0;
    opSeq = 0;
    S = newLoginState(-1, false, [], [], 0, null, bare === true);
    var ctx = login.context || {};
    // Auth0 always hands rules empty token-claim objects to fill.
    if (ctx.idToken === undefined) ctx.idToken = {};
    if (ctx.accessToken === undefined) ctx.accessToken = {};
    adoptUser(login.user || {});
    adoptContext(ctx);
    return clock.now;
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

  // runRule(i) and status(i): 0 = the rule called back, 1 = it is waiting (timers or
  // promises), 3 = it is waiting and host requests are queued in the outbox, 2 = it failed.
  // runRule adds 4 to a final status (0 or 2) when the rule may have left promise jobs
  // queued (it is async, returned a thenable or registered reactions): the host runs them
  // before the next rule starts.
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
      return (thenCalled || asyncRule[i]) ? 6 : 2;
    }
    var thenable = false;
    if (result && typeof result.then === 'function') {
      thenable = true;
      try {
        result.then(undefined, function (err) {
          if (S.runs[i].done || S.ended) return;
          var c = classifyThrown(err, true);
          fail(i, c[0], c[1]);
          S.runs[i].done = true;
          S.runs[i].nChanges = collectChanges(i);
        });
      } catch (e) { /* a hostile thenable: ignore */ }
    }
    var st = status(i);
    if ((st === 0 || st === 2) && (thenable || thenCalled || asyncRule[i])) st += 4;
    return st;
  }
  function status(i) {
    var run = S.runs[i];
    if (run.done) return S.failed ? 2 : 0;
    return outbox.length ? 3 : 1;
  }
  // A rule failed outside its callback (a throw in a timer or I/O callback it scheduled).
  function failAsync(i, err) {
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
  var RESTRICTED = { sub: 1, aud: 1, iss: 1, exp: 1, nbf: 1, iat: 1, jti: 1, azp: 1, nonce: 1, auth_time: 1, at_hash: 1, c_hash: 1, acr: 1, amr: 1, sid: 1, org_id: 1, org_name: 1, cnf: 1, act: 1, scope: 1, gty: 1, roles: 1, permissions: 1, groups: 1, client_id: 1, may_act: 1 };
  var FORBIDDEN_NS = /^https?:\/\/([^\/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;
  // The OIDC `profile` scope's claims, with static property names (fast in QuickJS).
  function profileClaims(user, idt) {
    var v;
    if ((v = user.name) !== undefined) idt.name = v;
    if ((v = user.family_name) !== undefined) idt.family_name = v;
    if ((v = user.given_name) !== undefined) idt.given_name = v;
    if ((v = user.middle_name) !== undefined) idt.middle_name = v;
    if ((v = user.nickname) !== undefined) idt.nickname = v;
    if ((v = user.preferred_username) !== undefined) idt.preferred_username = v;
    if ((v = user.profile) !== undefined) idt.profile = v;
    if ((v = user.picture) !== undefined) idt.picture = v;
    if ((v = user.website) !== undefined) idt.website = v;
    if ((v = user.gender) !== undefined) idt.gender = v;
    if ((v = user.birthdate) !== undefined) idt.birthdate = v;
    if ((v = user.zoneinfo) !== undefined) idt.zoneinfo = v;
    if ((v = user.locale) !== undefined) idt.locale = v;
    if ((v = user.updated_at) !== undefined) idt.updated_at = v;
  }
  function filterClaims(src, token, dropped, isAccess) {
    var out = {};
    if (!src || typeof src !== 'object') return out;
    var keys = objectKeys(src);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (isAccess && k === 'scope') continue;
      if (hasOwn.call(RESTRICTED, k)) { dropped.push([token, k, 'restricted']); continue; }
      if (FORBIDDEN_NS.test(k)) { dropped.push([token, k, 'reserved_namespace']); continue; }
      var v = src[k];
      if (v === undefined || typeof v === 'function') continue;
      out[k] = v;
    }
    return out;
  }
  var scopeLists = new MapCtor();   // scope string -> its list (a few distinct strings)
  function requestedScopes(ctx) {
    var q = ctx.request && ctx.request.query;
    var s = q && typeof q.scope === 'string' ? q.scope : 'openid profile email';
    var list = scopeLists.get(s);
    if (list === undefined) {
      list = s.split(/\s+/).filter(function (x) { return x; });
      if (scopeLists.size >= 256) scopeLists.clear();
      scopeLists.set(s, list);
    }
    return list.slice();
  }
  function finish(claimLimit) {
    S.ended = true;
    var ctx = S.contextRaw, user = S.userRaw;
    var dropped = [];
    var scopes = requestedScopes(ctx);
    var idt = {};
    if (scopes.indexOf('openid') >= 0) idt.sub = user.user_id;
    if (scopes.indexOf('profile') >= 0) profileClaims(user, idt);
    if (scopes.indexOf('email') >= 0) { if (user.email !== undefined) idt.email = user.email; if (user.email_verified !== undefined) idt.email_verified = user.email_verified; }
    if (scopes.indexOf('phone') >= 0) { if (user.phone_number !== undefined) idt.phone_number = user.phone_number; if (user.phone_verified !== undefined) idt.phone_number_verified = user.phone_verified; }
    var customId = filterClaims(unwrap(ctx.idToken), 'id_token', dropped, false);
    var customAt = filterClaims(unwrap(ctx.accessToken), 'access_token', dropped, true);
    for (var ck in customId) idt[ck] = customId[ck];
    // Serialise each token once; the custom claims alone are measured only when the whole
    // token is over the limit (it contains them, so it is never smaller).
    var idJson = safeJson(idt), atJson = safeJson(customAt);
    var tooLarge = null;
    if (idJson.length > claimLimit && jsonStringify(customId).length > claimLimit) tooLarge = 'id_token';
    else if (atJson.length > claimLimit) tooLarge = 'access_token';
    var atScopes = scopes;
    if (ctx.accessToken && isArray(ctx.accessToken.scope)) atScopes = ctx.accessToken.scope.map(stringOf);
    else if (ctx.accessToken && typeof ctx.accessToken.scope === 'string') atScopes = ctx.accessToken.scope.split(/\s+/).filter(Boolean);
    var pollution = pollutionCheck();
    // Compact run records: a plain number n = "ok with n changes", -1 = never started;
    // anything else is the full array.
    var runs = [];
    for (var r = 0; r < rules.length; r++) {
      var run = S.runs[r];
      if (run === undefined || !run.started) runs.push(-1);
      else if (run.outcome === 'ok' && run.code === null && run.calls <= 1 && run.flags === null) runs.push(run.nChanges);
      else runs.push([run.outcome, run.code, run.message, run.line, run.calls, run.nChanges, run.flags || [], run.done ? 1 : 0]);
    }
    var mfaV = unwrap(ctx.multifactor), redirectV = unwrap(ctx.redirect);
    var mfa = mfaV && typeof mfaV === 'object' ? mfaV : null;
    var redirect = redirectV && typeof redirectV === 'object' && redirectV.url ? stringOf(redirectV.url) : null;
    // The record is one JSON array, then the JSON texts of the outputs appended raw, each
    // after a U+0001 (JSON text never contains a raw control character): no double escaping of token JSON.
    var rec = [runs, S.changes, S.logs, atScopes, redirect, dropped, tooLarge, pollution, clock.now];
    var mfaJson = mfa ? safeJson(mfa) : null;
    var samlJson = ctx.samlConfiguration !== undefined ? safeJson(unwrap(ctx.samlConfiguration)) : null;
    var primaryJson = ctx.primaryUser !== undefined ? safeJson(unwrap(ctx.primaryUser)) : null;
    var out = jsonStringify(rec) + '\u0001' + idJson + '\u0001' + atJson + '\u0001' + (mfaJson || '') +
      '\u0001' + (samlJson || '') + '\u0001' + (primaryJson || '');
    S = null;
    clearLoginState();
    return out;
  }
  // The end of a bare (no-recording) login: 1 when it was allowed, 0 otherwise.
  function finishBare() {
    var ok = S.failed ? 0 : 1;
    S = null;
    clearLoginState();
    return ok;
  }
  function safeJson(v) { try { var s = jsonStringify(v); return s === undefined ? null : s; } catch (e) { return jsonStringify('[unserialisable: ' + stringOf(e && e.message) + ']'); } }

  // ---------------------------------------------------------------- shared-prefix snapshots
  // compare() runs the rules both sides share once: exportState() writes the login's state
  // between two rules as JSON, and beginFrom() in the other side's sandbox continues from it.
  // The export is refused ('') unless the copy is exact: no host work, timers or prototype
  // pollution outstanding, and only values JSON round-trips (plain extensible objects and
  // arrays of data properties, strings, booleans, null, finite numbers other than -0).
  // Objects reachable twice (a claim that is the same array as user.app_metadata.roles) keep
  // their identity: the second path is recorded and re-linked on import.
  var ObjectProto = Object.prototype, ArrayProto = Array.prototype;
  var getProto = Object.getPrototypeOf, ownKeys = Reflect.ownKeys, getDesc = Object.getOwnPropertyDescriptor;
  var isExtensible = Object.isExtensible;
  function putKey(obj, k, v) {
    if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    else obj[k] = v;
  }
  function exactCopy(value, path, seen, refs) {
    // Returns the copy, or NOT_EXACT.
    if (value === null) return null;
    var t = typeof value;
    if (t === 'string' || t === 'boolean') return value;
    if (t === 'number') return (isFinite(value) && !(value === 0 && 1 / value < 0)) ? value : NOT_EXACT;
    if (t !== 'object') return NOT_EXACT;
    var raw = unwrap(value);
    var first = seen.get(raw);
    if (first !== undefined) { refs.push([path.slice(), first]); return null; }
    seen.set(raw, path.slice());
    if (!isExtensible(raw)) return NOT_EXACT;
    var proto = getProto(raw), keys = ownKeys(raw), out, i, d, c;
    if (isArray(raw)) {
      if (proto !== ArrayProto || keys.length !== raw.length + 1) return NOT_EXACT;
      out = [];
      for (i = 0; i < raw.length; i++) {
        d = getDesc(raw, i);
        if (!d || !('value' in d) || !d.writable || !d.enumerable || !d.configurable) return NOT_EXACT;
        path.push(i);
        c = exactCopy(d.value, path, seen, refs);
        path.pop();
        if (c === NOT_EXACT) return NOT_EXACT;
        out.push(c);
      }
      return out;
    }
    if (proto !== ObjectProto) return NOT_EXACT;
    out = {};
    for (i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (typeof k !== 'string') return NOT_EXACT;
      d = getDesc(raw, k);
      if (!('value' in d) || !d.writable || !d.enumerable || !d.configurable) return NOT_EXACT;
      path.push(k);
      c = exactCopy(d.value, path, seen, refs);
      path.pop();
      if (c === NOT_EXACT) return NOT_EXACT;
      putKey(out, k, c);
    }
    return out;
  }
  var NOT_EXACT = {};
  var SetCtor = Set;
  // Whether object v itself (not what it holds) is plain data: extensible, a plain object or
  // array, only enumerable writable data properties with string keys. Objects begin() parsed
  // skip the descriptor reads unless a defineProperty-family call ran during this login.
  function objectOk(v) {
    if (!isExtensible(v)) return false;
    var arr = isArray(v), keys = ownKeys(v), i;
    if (getProto(v) !== (arr ? ArrayProto : ObjectProto)) return false;
    if (arr && keys.length !== v.length + 1) return false;      // holes or extra keys
    if (exotic || pristine === null || !pristine.has(v)) {
      for (i = 0; i < keys.length; i++) {
        var k = keys[i];
        if (typeof k !== 'string') return false;
        if (arr && k === 'length') continue;
        var d = getDesc(v, k);
        if (!('value' in d) || !d.writable || !d.configurable || !d.enumerable) return false;
      }
    } else if (!arr) {
      var n = 0;
      for (var kk in v) n++;
      if (n !== keys.length) return false;                      // a hidden or symbol key
    }
    return true;
  }
  // The fast exactness test: true when JSON carries v exactly, given the objects reachable
  // twice that it lists in refs ([holder, key, object]: re-linked on import). A cycle, or
  // anything objectOk refuses, sends the export to the slow path (exactCopy).
  function plainData(v, parent, key, seen, onPath, refs) {
    if (v === null) return true;
    var t = typeof v;
    if (t === 'string' || t === 'boolean') return true;
    if (t === 'number') return isFinite(v) && !(v === 0 && 1 / v < 0);
    if (t !== 'object') return false;
    v = unwrap(v);
    if (seen.has(v)) {
      if (onPath.has(v)) return false;             // a cycle: JSON cannot even write it
      refs.push([parent, key, v]);
      return true;
    }
    seen.set(v, [parent, key]);
    if (!objectOk(v)) return false;
    onPath.add(v);
    var i;
    if (isArray(v)) {
      for (i = 0; i < v.length; i++) if (!plainData(v[i], v, i, seen, onPath, refs)) return false;
    } else {
      for (var k in v) if (!plainData(v[k], v, k, seen, onPath, refs)) return false;
    }
    onPath.delete(v);
    return true;
  }
  function pathOf(obj, seen) {
    var path = [];
    for (var link = seen.get(obj); link !== undefined && link[0] !== null; link = seen.get(link[0])) path.unshift(link[1]);
    return path;
  }
  // A shallow copy with the watched parts unwrapped, so JSON never goes through a proxy
  // (null when the object itself is not plain data).
  function unwrapped(raw) {
    if (!objectOk(raw)) return null;
    var out = {};
    for (var k in raw) putKey(out, k, unwrap(raw[k]));
    return out;
  }
  // {tree, refs} for JSON, or null. `aliases` maps objects the tree stands in for (the raw
  // user and context behind their copies) to their paths.
  function exactTree(root, aliases) {
    var seen = new MapCtor(), found = [], refs = [], i;
    for (i = 0; i < aliases.length; i++) seen.set(aliases[i][0], [root, aliases[i][1]]);
    if (plainData(root, null, null, seen, new SetCtor(), found)) {
      for (i = 0; i < found.length; i++) {
        refs.push([pathOf(found[i][0], seen).concat([found[i][1]]), pathOf(found[i][2], seen)]);
      }
      return { tree: root, refs: refs };
    }
    var slowSeen = new MapCtor();
    for (i = 0; i < aliases.length; i++) slowSeen.set(aliases[i][0], [aliases[i][1]]);
    var tree = exactCopy(root, [], slowSeen, refs);
    return tree === NOT_EXACT ? null : { tree: tree, refs: refs };
  }
  function setPaired(on) { trackPristine = !!on; pristine = null; }
  var RUN_FIELDS = ['outcome', 'code', 'message', 'line', 'calls', 'done', 'started', 'nChanges', 'flags', 'errName'];
  function packRun(run) {
    var out = [];
    for (var i = 0; i < RUN_FIELDS.length; i++) out.push(run[RUN_FIELDS[i]]);
    return out;
  }
  function unpackRun(values) {
    var run = newRun(0);
    for (var i = 0; i < RUN_FIELDS.length; i++) run[RUN_FIELDS[i]] = values[i];
    return run;
  }
  function exportState() {
    if (!S || S.ended || outbox.length || timers.length || objectKeys(pendingOps).length) return '';
    if (looksPolluted()) return '';
    var user = unwrapped(S.userRaw), context = unwrapped(S.contextRaw);
    if (user === null || context === null) return '';
    var copy = exactTree({ user: user, context: context }, [[S.userRaw, 'user'], [S.contextRaw, 'context']]);
    if (copy === null) return '';
    var tree = copy.tree, refs = copy.refs;
    return jsonStringify({
      tree: tree, refs: refs, clock: clock.now, rng: [rs0, rs1, rs2, rs3],
      timerSeq: timerSeq, opSeq: opSeq, runs: S.runs.slice(0, S.current + 1).map(packRun), changes: S.changes, logs: S.logs,
      consoleBytes: S.consoleBytes, consoleOverflow: S.consoleOverflow, failed: S.failed, current: S.current,
    });
  }
  function atPath(root, path) {
    var v = root;
    for (var i = 0; i < path.length; i++) v = v[path[i]];
    return v;
  }
  function relink(tree, refs) {
    for (var r = 0; r < refs.length; r++) {
      var where = refs[r][0];
      var holder = atPath(tree, where.slice(0, -1));
      putKey(holder, where[where.length - 1], atPath(tree, refs[r][1]));
    }
    return tree;
  }
  // exportGlobal() / importGlobal(json): `global` as exact JSON ('' when it cannot be
  // copied exactly), so the other side of a paired run can be brought in step.
  function exportGlobal() {
    var copy = exactTree(G.global, []);
    return copy === null ? '' : jsonStringify(copy);
  }
  function importGlobal(json) {
    var st = jsonParse(json);
    G.global = relink(st.tree, st.refs);
  }
  // beginFrom(stateJson): start a login from another sandbox's exportState().
  function beginFrom(stateJson) {
    var st = jsonParse(stateJson);
    var tree = relink(st.tree, st.refs);
    clock.now = st.clock;
    rs0 = st.rng[0]; rs1 = st.rng[1]; rs2 = st.rng[2]; rs3 = st.rng[3];
    timerSeq = st.timerSeq;
    opSeq = st.opSeq;
    S = newLoginState(st.current, st.failed, st.changes, st.logs, st.consoleBytes, st.consoleOverflow, false);
    adoptUser(tree.user);
    adoptContext(tree.context);
    for (var i = 0; i < st.runs.length; i++) S.runs.push(unpackRun(st.runs[i]));
    return clock.now;
  }

  // The benchmark floor: the same rule functions on the same JSON input, no recording.
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
  function resetGlobal() { G.global = {}; }
  // takeCoverage(): the hit counters of instrumented rules ({rule: [count, ...]}), zeroed in
  // place (each instrumented rule keeps a reference to its own array).
  function takeCoverage() {
    var reg = G.__rulesim_cov;
    if (!reg) return '';
    var out = jsonStringify(reg);
    for (var k in reg) if (hasOwn.call(reg, k)) { var a = reg[k]; for (var i = 0; i < a.length; i++) a[i] = 0; }
    return out;
  }
  function lastSnapshot() { snapshotIntrinsics(); snapshotQuick(); }

  return {
    begin: begin, runRule: runRule, status: status, takeOutbox: takeOutbox, deliver: deliver,
    nextTimer: nextTimer, fireTimers: fireTimers,
    finish: finish, finishBare: finishBare, floor: floor, exportState: exportState, beginFrom: beginFrom,
    exportGlobal: exportGlobal, importGlobal: importGlobal, setPaired: setPaired, adoptRule: adoptRule, hostFail: hostFail, takeCoverage: takeCoverage, resetGlobal: resetGlobal, snapshotIntrinsics: lastSnapshot,
  };
})
