'use strict';
// The Node side of the differential suite: runs Auth0 rules in Node the way Auth0 ran them,
// with the real npm packages, and reports what they did.
//
//   node harness.js MODULES_DIR RULE_UTILITIES_JS
//
// Protocol: one JSON object per line on stdin and stdout.
//   in:  {type: 'run', id, probe}           run one login through probe.rules
//   out: {type: 'http', rid, req}            an HTTP request a rule's library sent
//   in:  {type: 'answer', rid, res | err}    the fake service's answer (Python's Services)
//   out: {type: 'mgmt', rid, op, args}       auth0.users.update*Metadata (the Auth0 runtime's own object)
//   out: {type: 'done', id, result}          what the login did
//
// What is real here: Node itself (V8, the core modules crypto, url, querystring, buffer, util,
// events, the globals) and the npm packages installed in MODULES_DIR (request, axios,
// node-fetch, jsonwebtoken, uuid, lodash, moment, xmldom, xpath, auth0, ...). Their network
// calls are intercepted with nock at the http/https layer and answered by the same fake
// service table rulesim uses. What is not independent: the Auth0 runtime objects (callback,
// UnauthorizedError, configuration, the `auth0` global, console capture), written here from the
// rules contract; and @auth0/rule-utilities, which is not on npm, so rulesim's own file is
// loaded (over the real jsonwebtoken and auth0 packages).
//
// Time and randomness: Date is pinned to the login's timestamp and moves only as rulesim's
// virtual clock does (service latency, Management API latency, the rule's timers, which run on
// a virtual queue here too); Math.random is the same seeded generator as rulesim's prelude.

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const util = require('util');
const vm = require('vm');
const Module = require('module');

const MODULES_DIR = process.argv[2];
const RULE_UTILITIES_JS = process.argv[3];
const nodeRequire = Module.createRequire(path.join(MODULES_DIR, 'index.js'));

function send(msg) { fs.writeSync(1, JSON.stringify(msg) + '\n'); }

// ------------------------------------------------------------------ virtual clock
const RealDate = Date;
let clockNow = 0;
const VirtualDate = { Date: function () {
  if (!new.target) return new RealDate(clockNow).toString();
  const d = arguments.length === 0 ? new RealDate(clockNow) : Reflect.construct(RealDate, arguments);
  if (new.target !== VirtualDate) Object.setPrototypeOf(d, new.target.prototype);
  return d;
} }.Date;   // named Date, as Node's own (inspect prints the name otherwise)
VirtualDate.prototype = RealDate.prototype;
VirtualDate.now = function now() { return clockNow; };
VirtualDate.parse = RealDate.parse;
VirtualDate.UTC = RealDate.UTC;
Object.defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate, writable: true, configurable: true });
globalThis.Date = VirtualDate;

// ------------------------------------------------------------------ seeded Math.random
// The same generator as rulesim's prelude (so lodash's _.random / _.shuffle agree).
let rs0 = 1, rs1 = 2, rs2 = 3, rs3 = 4;
function seedRandom(seed) {
  let s = (seed >>> 0) || 0x9e3779b9;
  function next() { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return (t ^ (t >>> 14)) >>> 0; }
  rs0 = next(); rs1 = next(); rs2 = next(); rs3 = next();
}
function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }
function xo() {
  const result = Math.imul(rotl(Math.imul(rs1, 5), 7), 9);
  const t = rs1 << 9;
  rs2 ^= rs0; rs3 ^= rs1; rs1 ^= rs2; rs0 ^= rs3; rs2 ^= t; rs3 = rotl(rs3, 11);
  return result >>> 0;
}
Math.random = function random() { const r1 = xo(), r2 = xo(); return ((r1 >>> 5) * 67108864 + (r2 >>> 6)) / 9007199254740992; };

// ------------------------------------------------------------------ the bridge to Python
let rid = 0;
const waiting = new Map();     // rid -> resolve
let progress = 0;              // bumped by anything that happens (for quiescence)
function bridge(msg) {
  return new Promise(function (resolve) {
    const id = ++rid;
    waiting.set(id, resolve);
    progress++;
    send(Object.assign({ rid: id }, msg));
  });
}

// ------------------------------------------------------------------ network: nock -> Python
const nock = nodeRequire('nock');
nock.disableNetConnect();
// A real server sends a reason phrase ('OK'); nock leaves statusMessage unset.
const http = require('http');
const realEmit = http.ClientRequest.prototype.emit;
http.ClientRequest.prototype.emit = function (event, res) {
  if (event === 'response' && res && res.statusMessage == null) res.statusMessage = http.STATUS_CODES[res.statusCode] || '';
  return realEmit.apply(this, arguments);
};
const scope = nock(/.*/).persist();
scope.on('request', function (req, interceptor, body) { req.__rulesimBody = body; });
for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
  scope.intercept(/.*/, method).reply(async function (uri) {
    const req = this.req;
    const o = req.options;
    const defaultPort = o.proto === 'https' ? 443 : 80;
    const port = Number(o.port) && Number(o.port) !== defaultPort ? ':' + o.port : '';
    const headers = {};
    for (const [k, v] of Object.entries(req.headers || {})) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    const body = req.__rulesimBody;
    const started = clockNow;
    const answer = await bridge({ type: 'http', req: {
      method: req.method, url: o.proto + '://' + o.hostname + port + uri, headers: headers,
      body: body === undefined || body === '' ? null : String(body),
    } });
    if (started + answer.latency_ms > clockNow) clockNow = started + answer.latency_ms;
    if (answer.err) {
      if (answer.err.code === 'ETIMEDOUT') {
        // The service never answers: let the library's own timeout fire (in real time; the
        // probes use short timeouts), else fail as a connect timeout would.
        await new Promise(function (r) { setTimeout(r, 1500); });
      }
      const e = new Error(answer.err.message);
      e.code = answer.err.code;
      throw e;
    }
    return [answer.res.status, answer.res.body, answer.res.headers];
  });
}

// ------------------------------------------------------------------ the Auth0 runtime objects
function UnauthorizedError(message) {
  if (!(this instanceof UnauthorizedError)) return new UnauthorizedError(message);
  const e = new Error(message);
  this.message = message === undefined ? '' : String(message);
  this.stack = e.stack;
}
UnauthorizedError.prototype = Object.create(Error.prototype, {
  constructor: { value: UnauthorizedError, writable: true, configurable: true },
  name: { value: 'UnauthorizedError', writable: true, configurable: true },
});

function metadataUpdater(op) {
  return function (userId, metadata) {
    let data;
    try { data = metadata === undefined ? {} : JSON.parse(JSON.stringify(metadata)); } catch (e) { return Promise.reject(e); }
    const started = clockNow;
    return bridge({ type: 'mgmt', op: op, args: { id: String(userId), data: data } }).then(function (answer) {
      if (started + answer.latency_ms > clockNow) clockNow = started + answer.latency_ms;
      if (answer.err) {
        const e = new Error(answer.err.message);
        if (answer.err.statusCode) e.statusCode = answer.err.statusCode;
        e.name = 'APIError';
        throw e;
      }
      return undefined;
    });
  };
}

// A module whose file is a rulesim factory `(function (module, exports, require, host) {...})`.
function loadFactory(file) {
  const factory = vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
  const module = { exports: {} };
  factory.call(module.exports, module, module.exports, nodeRequire, null);
  return module.exports;
}
const NOT_ON_NPM = { '@auth0/rule-utilities': RULE_UTILITIES_JS };
const loadedFactories = {};

const SPEC_RE = /^((?:@[^/@\s]+\/)?[^/@\s]+)(?:@([^/\s]+))?(?:\/(.+))?$/;
// Caller-supplied fakes: CommonJS module bodies, keyed by spec ('name' or 'name@1.2.3').
let fakes = {};
let fakeCache = {};
function findFake(spec, name) {
  if (Object.prototype.hasOwnProperty.call(fakes, spec)) return spec;
  for (const key of Object.keys(fakes)) {
    const k = SPEC_RE.exec(key);
    if (k && k[1] === name && !k[3]) return key;
  }
  return null;
}
function loadFake(key) {
  if (fakeCache[key]) return fakeCache[key].exports;
  const module = { exports: {} };
  // Like the rule, a fake runs on the virtual timers.
  const wrapper = vm.runInThisContext('(function (exports, require, module, __filename, __dirname, setTimeout, setInterval, clearTimeout, clearInterval) {\n' + fakes[key] + '\n})', { filename: 'fake-' + key + '.js', lineOffset: -1 });
  fakeCache[key] = module;
  try {
    wrapper.call(module.exports, module.exports, ruleRequire, module, '/' + key + '.js', '/',
      timerGlobals.setTimeout, timerGlobals.setInterval, timerGlobals.clearTimeout, timerGlobals.clearInterval);
  } catch (e) {
    delete fakeCache[key];
    throw e;
  }
  return module.exports;
}
function ruleRequire(spec) {
  if (typeof spec !== 'string') return nodeRequire(spec);
  const s = spec.indexOf('node:') === 0 ? spec.slice(5) : spec;
  const m = SPEC_RE.exec(s);
  if (!m) return nodeRequire(spec);
  const fake = m[3] ? null : findFake(spec, m[1]);
  if (fake !== null) return loadFake(fake);
  const name = m[1] + (m[3] ? '/' + m[3] : '');
  if (Object.prototype.hasOwnProperty.call(NOT_ON_NPM, m[1])) {
    if (!loadedFactories[m[1]]) loadedFactories[m[1]] = loadFactory(NOT_ON_NPM[m[1]]);
    return loadedFactories[m[1]];
  }
  return nodeRequire(name);
}

// ------------------------------------------------------------------ virtual timers (rule code)
let vtimers = [];
let vseq = 0;
function Timeout(id) { this.id = id; }
Timeout.prototype.ref = function () { return this; };
Timeout.prototype.unref = function () { return this; };
Timeout.prototype.hasRef = function () { return true; };
Timeout.prototype[Symbol.toPrimitive] = function () { return this.id; };
function addTimer(fn, ms, args, every) {
  if (typeof fn !== 'function') {
    const e = new TypeError('The "callback" argument must be of type function. Received ' + util.inspect(fn));
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
  ms = Number(ms);
  if (!(ms >= 1)) ms = 1;
  const id = ++vseq;
  vtimers.push({ id: id, t: clockNow + ms, seq: id, fn: fn, args: args, every: every ? ms : 0, rule: current });
  progress++;
  return new Timeout(id);
}
function clearTimer(h) {
  const id = h && typeof h === 'object' ? h.id : h;
  vtimers = vtimers.filter(function (t) { return t.id !== id; });
}
const timerGlobals = {
  setTimeout: function setTimeout(fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false); },
  setInterval: function setInterval(fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true); },
  clearTimeout: clearTimer,
  clearInterval: clearTimer,
};
function fireNextTimer() {
  let best = -1;
  for (let i = 0; i < vtimers.length; i++) {
    if (best < 0 || vtimers[i].t < vtimers[best].t || (vtimers[i].t === vtimers[best].t && vtimers[i].seq < vtimers[best].seq)) best = i;
  }
  if (best < 0) return false;
  const tm = vtimers[best];
  if (tm.t > clockNow) clockNow = tm.t;
  if (tm.every) { tm.t = clockNow + tm.every; tm.seq = ++vseq; } else vtimers.splice(best, 1);
  progress++;
  try { tm.fn.apply(undefined, tm.args); } catch (e) { failAsync(tm.rule, e); }
  return true;
}

// ------------------------------------------------------------------ running a login
let S = null;          // the login being run
let current = -1;      // the rule running now

function lineOf(err, filename) {
  const stack = err && typeof err.stack === 'string' ? err.stack : '';
  const lines = stack.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i].lastIndexOf(filename + ':');
    if (at < 0) continue;
    const m = /^(\d+):/.exec(lines[i].slice(at + filename.length + 1));
    if (m) return +m[1];
  }
  return 0;
}

function describe(value, rule) {
  if (value instanceof Error || (value && typeof value === 'object' && typeof value.message === 'string' && typeof value.name === 'string')) {
    return { name: String(value.name), message: String(value.message), line: rule >= 0 ? lineOf(value, S.files[rule]) : 0, code: value.code };
  }
  let msg;
  if (typeof value === 'string') msg = value;
  else { try { msg = JSON.stringify(value); } catch (e) { msg = String(value); } }
  if (msg === undefined) msg = String(value);
  return { name: null, message: msg, line: 0, code: undefined };
}

function fail(rule, code, d) {
  if (S.failed) return;
  S.failed = true;
  const run = S.runs[rule];
  run.outcome = code === 'unauthorized' ? 'denied' : 'error';
  run.code = code;
  run.message = d.message;
  run.line = d.line;
}

function failAsync(rule, err) {
  const target = rule >= 0 && S.runs[rule] && !S.runs[rule].done ? rule : current;
  if (target < 0 || !S || S.ended) return;
  const d = describe(err, target);
  if (d.name === null) d.message = 'threw a non-Error value: ' + d.message;
  fail(target, 'rule_exception', d);
  S.runs[target].done = true;
  progress++;
}

function makeConsole(rule) {
  function logger(level) {
    return function () {
      if (!S || S.ended) return;
      S.logs.push([rule, level, util.format.apply(null, arguments)]);
      progress++;
    };
  }
  return { log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug'), trace: logger('debug'), dir: logger('log') };
}

const WRAPPER_PARAMS = ['require', 'configuration', 'auth0', 'console', 'UnauthorizedError', 'global',
  'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'process'];

function compile(source, filename) {
  // Auth0 evaluated each rule source as one function expression.
  const code = '(function (' + WRAPPER_PARAMS.join(', ') + ') { return (\n' + source + '\n); })';
  return vm.runInThisContext(code, { filename: filename, lineOffset: -1 });
}

function turn() { return new Promise(function (r) { setImmediate(function () { setTimeout(r, 0); }); }); }

// Wait until nothing is in flight: no bridge request unanswered and a few turns of the event
// loop without any progress.
async function quiesce() {
  let quiet = 0;
  while (quiet < 4) {
    const before = progress;
    await turn();
    if (waiting.size > 0 || progress !== before) quiet = 0;
    else quiet++;
  }
}

async function runLogin(probe) {
  clockNow = probe.timestamp_ms;
  seedRandom(probe.seed);
  vtimers = [];
  vseq = 0;
  fakes = probe.modules || {};
  fakeCache = {};
  const user = JSON.parse(JSON.stringify(probe.user));
  const context = JSON.parse(JSON.stringify(probe.context));
  if (context.idToken === undefined) context.idToken = {};
  if (context.accessToken === undefined) context.accessToken = {};
  const configuration = Object.freeze(JSON.parse(JSON.stringify(probe.configuration || {})));
  const auth0 = Object.freeze({
    users: Object.freeze({ updateAppMetadata: metadataUpdater('updateAppMetadata'), updateUserMetadata: metadataUpdater('updateUserMetadata') }),
    accessToken: probe.management_token,
    domain: probe.domain,
    baseUrl: 'https://' + probe.domain + '/api/v2',
  });
  const fakeProcess = Object.create(process, { env: { value: {}, enumerable: true } });
  const globalObj = {};
  S = { runs: [], logs: [], failed: false, ended: false, files: [], user: user, context: context, unhandled: [] };
  const compiled = [];
  for (let i = 0; i < probe.rules.length; i++) {
    const file = 'rule-' + probe.rules[i].name + '.js';
    S.files.push(file);
    S.runs.push({ outcome: 'skipped', code: null, message: null, line: 0, calls: 0, done: false });
    try {
      compiled.push(compile(probe.rules[i].source, file));
    } catch (e) {
      compiled.push(e);
    }
  }
  for (let i = 0; i < compiled.length && !S.failed; i++) {
    current = i;
    const run = S.runs[i];
    run.outcome = 'ok';
    if (compiled[i] instanceof Error) {
      fail(i, 'invalid_rule', describe(compiled[i], -1));
      break;
    }
    const rule = compiled[i](ruleRequire, configuration, auth0, makeConsole(i), UnauthorizedError, globalObj,
      timerGlobals.setTimeout, timerGlobals.setInterval, timerGlobals.clearTimeout, timerGlobals.clearInterval, fakeProcess);
    const callback = function (err, u, c) {
      if (!S || S.ended) return;
      run.calls++;
      progress++;
      if (run.calls > 1) return;
      run.done = true;
      if (err !== null && err !== undefined) {
        const d = describe(err, i);
        let code = 'callback_error';
        if (d.name === 'UnauthorizedError') code = 'unauthorized';
        else if (d.name === null) code = 'non_standard_error';
        fail(i, code, d);
      } else {
        if (u && typeof u === 'object') S.user = u;
        if (c && typeof c === 'object') S.context = c;
      }
    };
    let result;
    try {
      result = rule(S.user, S.context, callback);
    } catch (e) {
      const d = describe(e, i);
      if (d.name === null) d.message = 'threw a non-Error value: ' + d.message;
      fail(i, 'rule_exception', d);
      run.done = true;
    }
    if (result && typeof result.then === 'function') {
      result.then(undefined, function (e) {
        if (run.done || S.ended) return;
        const d = describe(e, i);
        if (d.name === null) d.message = 'threw a non-Error value: ' + d.message;
        fail(i, 'promise_rejected', d);
        run.done = true;
        progress++;
      });
    }
    for (;;) {
      await quiesce();
      if (run.done) break;
      if (fireNextTimer()) continue;
      fail(i, 'callback_not_called', { message: 'never called callback', line: 0 });
      run.outcome = 'timeout';
      break;
    }
  }
  // Fire-and-forget I/O completes after the last callback.
  await quiesce();
  S.ended = true;
  const out = {
    runs: S.runs.map(function (r) { return { outcome: r.outcome, code: r.code, message: r.message, line: r.line, calls: r.calls }; }),
    logs: S.logs,
    user: safeJson(S.user),
    context: safeJson(S.context),
    unhandled: S.unhandled,
  };
  S = null;
  current = -1;
  vtimers = [];
  return out;
}

function safeJson(v) {
  try { return JSON.parse(JSON.stringify(v)); } catch (e) { return { __unserialisable__: String(e && e.message) }; }
}

process.on('uncaughtException', function (e) { if (S && !S.ended) failAsync(current, e); });
process.on('unhandledRejection', function (e) { if (S && !S.ended) S.unhandled.push(describe(e, current).message); });

// ------------------------------------------------------------------ main loop
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', function (line) {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  if (msg.type === 'answer') {
    const resolve = waiting.get(msg.rid);
    waiting.delete(msg.rid);
    progress++;
    if (resolve) resolve(msg);
  } else if (msg.type === 'run') {
    runLogin(msg.probe).then(function (result) {
      send({ type: 'done', id: msg.id, result: result });
    }, function (e) {
      send({ type: 'done', id: msg.id, error: String(e && e.stack || e) });
    });
  }
});
rl.on('close', function () { process.exit(0); });
send({ type: 'ready', node: process.version });
