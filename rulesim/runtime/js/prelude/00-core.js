  // The Auth0 Rules runtime emulation. Everything a rule can reach is defined here; nothing
  // in this file can reach the host: work that needs Python (fake HTTP, the Management API)
  // is appended to an outbox that the Python driver reads, answers and delivers back.
  'use strict';
  var G = globalThis;
  // QuickJS's own `__date_clock()` reads the real clock: rules live on the virtual one.
  delete G.__date_clock;
  // InternalError is QuickJS's (stack overflow, the CPU budget's interrupt); Node has no such
  // global. Its instances still carry the name, which classifyThrown (40-rules.js) reads.
  delete G.InternalError;
  var OPTIONS = JSON.parse(OPTIONS_JSON);
  // Error codes (rulesim.errors.ErrorCode) and driver statuses come from Python, where they
  // are defined once: CODE.UNAUTHORIZED === 'unauthorized', STATUS.DONE === 0, ...
  var CODE = OPTIONS.codes;
  var STATUS = OPTIONS.status;
  var RealDate = Date;
  // The prelude's JSON.stringify: the C serialiser of rulesim/runtime/_tracker.c for the plain
  // data it writes (tokens, change rows, records), set once 30-tracking.js has checked the
  // engine's layout; it answers null for anything it leaves to the engine. Rules' own
  // JSON.stringify is the engine's.
  var realStringify = JSON.stringify, fastJson = null, JSON_PROTOS = [Object.prototype, Array.prototype];
  function jsonStringify(v) {
    if (fastJson !== null) { var s = fastJson(v, JSON_PROTOS); if (s !== null) return s; }
    return realStringify(v);
  }
  // jsonParse(text): JSON.parse for the texts the prelude reads (logins, batches, the host's
  // answers, its own JSON): the JSON reader in C when the tracker's extension is built
  // (_tracker_parse.h: the same values, read in well under the engine's time), which leaves
  // anything but strict JSON to JSON.parse (undefined); it reads a text in place once
  // 30-tracking.js has checked the engine's layout (parseInPlace). Rules' own JSON.parse is
  // the engine's.
  var realParse = JSON.parse, fastParse = NATIVE.parseJson || null, parseInPlace = 0;
  function jsonParse(text) {
    if (fastParse !== null) { var v = fastParse(text, parseInPlace); if (v !== undefined) return v; }
    return realParse(text);
  }
  var objectKeys = Object.keys;
  var hasOwn = Object.prototype.hasOwnProperty;
  var isArray = Array.isArray;
  var ProxyCtor = Proxy;
  var mathFloor = Math.floor;
  var mathRound = Math.round;
  var mathAbs = Math.abs;
  var stringOf = String;
  var SetCtor = Set;
  // Taken before anything wraps them (20-globals.js, 50-pollution.js) or a rule can replace
  // them: the pollution check and restore call only these.
  var reflectOwnKeys = Reflect.ownKeys, reflectApply = Reflect.apply, getOwnDescriptor = Object.getOwnPropertyDescriptor;
  var realDefineProperty = Object.defineProperty, realSetPrototypeOf = Object.setPrototypeOf;
  var realGetPrototypeOf = Object.getPrototypeOf, realIsExtensible = Object.isExtensible;
  // The tracking proxies' traps (30-tracking.js) call these: a rule that replaces Reflect.set
  // must not see the raw objects or drop the writes of every later login.
  var reflectGet = Reflect.get, reflectSet = Reflect.set, reflectDeleteProperty = Reflect.deleteProperty;
  var reflectDefineProperty = Reflect.defineProperty;
  var stringSplit = String.prototype.split, regexpTest = RegExp.prototype.test;
  var ErrorCtor = Error;

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

  // performance (a Node global since 16): its clock is the virtual one too. The container the
  // login runs in started UPTIME_MS before the login (clock.origin, set as each login starts),
  // so performance.now() reads as Node's, a process's milliseconds so far, and the same login
  // reads the same values whatever ran before it in the worker.
  var UPTIME_MS = 60000;
  clock.origin = -UPTIME_MS;
  // Its methods live on its prototype, as Node's do (the object itself has no own keys).
  var performanceProto = Object.create(Object.prototype, {
    now: { value: function now() { return clock.now - clock.origin; }, writable: true, configurable: true, enumerable: true },
    toJSON: {
      value: function toJSON() {
        return { nodeTiming: {}, timeOrigin: clock.origin, eventLoopUtilization: { idle: 0, active: 0, utilization: 0 } };
      },
      writable: true, configurable: true, enumerable: true,
    },
    timeOrigin: { get: function () { return clock.origin; }, configurable: true, enumerable: true },
  });
  Object.defineProperty(performanceProto, Symbol.toStringTag, { value: 'Performance', configurable: true });
  Object.defineProperty(G, 'performance', { value: Object.create(performanceProto), writable: true, configurable: true, enumerable: true });

  // Math.random: seeded per login (xorshift128+ on 32-bit halves, deterministic).
  var rs0 = 1, rs1 = 2, rs2 = 3, rs3 = 4;
  var seedState = 0;       // seedRandom's generator (no closure a login)
  function nextSeed() {
    var s = seedState = (seedState + 0x6d2b79f5) | 0;
    var t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return (t ^ (t >>> 14)) >>> 0;
  }
  function seedRandom(seed) {
    seedState = (seed >>> 0) || 0x9e3779b9;
    rs0 = nextSeed(); rs1 = nextSeed(); rs2 = nextSeed(); rs3 = nextSeed();
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
  // One console line's text; 25-node-globals.js makes it Node's util.format.
  var formatLine = function (args) {
    var parts = [];
    for (var i = 0; i < args.length; i++) parts.push(formatArg(args[i]));
    return parts.join(' ');
  };
  function logger(level) {
    return function () {
      if (!S || S.bare) return;
      var line = formatLine(arguments);
      S.consoleBytes += line.length;
      if (S.consoleBytes > CONSOLE_LIMIT) {
        // A console flood ends the rule: the output is dropped and the login fails.
        if (S.consoleOverflow === null && S.current >= 0) {
          S.consoleOverflow = S.current;
          S.logs.push([S.current, 'warn', '[rulesim] console output over ' + CONSOLE_LIMIT + ' bytes: further lines dropped']);
          fail(S.current, CODE.CONSOLE_LIMIT, { name: 'Error', message: 'console output exceeded ' + CONSOLE_LIMIT + ' bytes in one login', loc: [-1, 0] });
        }
        return;
      }
      if (line.length > LINE_LIMIT) line = line.slice(0, LINE_LIMIT) + '…[truncated]';
      S.logs.push([S.current, level, line]);
    };
  }
  G.console = { log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug'), trace: logger('debug'), dir: logger('log') };

