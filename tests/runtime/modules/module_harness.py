"""ModuleHarness: runs modules and rule snippets in QuickJS without the sandbox core.

:class:`ModuleHarness` evaluates the module registry and ``require.js`` in a bare
``quickjs.Context`` with a JS-side fake ``host``: host calls are queued in an outbox, Python
answers them with a responder function and delivers the answers, then runs pending jobs and
virtual timers until nothing is left to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _quickjs
import pytest
import quickjs

from rulesim.runtime import native
from rulesim.runtime.modules import (
    REAL_PACKAGES,
    build_registry_js,
    default_modules_dir,
    require_js,
)
from rulesim.runtime.native import ALGORITHMS, DIGEST_FUNCTIONS, HOST_FUNCTIONS

NOW_MS = 1_700_000_000_000  # the virtual clock's start: 2023-11-14T22:13:20Z

HOST_JS = r"""
var __rs = {outbox: [], pending: {}, nextId: 1, timers: [], timerSeq: 1, now: NOW_MS, logs: [],
            seed: SEED};
function __rs_random() {  // mulberry32: small, seeded, deterministic
  var t = (__rs.seed = (__rs.seed + 0x6D2B79F5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
Math.random = __rs_random;
var host = {
  http: function (req, cb) { __rs_queue('http', req, cb); },
  mgmt: function (op, args, cb) { __rs_queue('mgmt', {op: op, args: args}, cb); },
  random: __rs_random,
  domain: DOMAIN,
  digest: __rs_native_digest,
  hmacKey: __rs_native_hmacKey,
  hmac: __rs_native_hmac,
  hmacUnkeyed: __rs_native_hmacUnkeyed,
  pbkdf2: __rs_native_pbkdf2,
  hashes: HASHES,
  clockUs: __rs_native_clockUs,
  anyText: ANY_TEXT,
  digests: DIGESTS,
  crossesAsText: function (s) {
    if (ANY_TEXT) return true;
    if (s.indexOf('\u0000') !== -1) return false;
    try { encodeURIComponent(s); return true; } catch (e) { return false; }
  }
};
function __rs_queue(kind, payload, cb) {
  var id = __rs.nextId++;
  __rs.pending[id] = cb;
  __rs.outbox.push({id: id, kind: kind, payload: JSON.parse(JSON.stringify(payload))});
}
function __rs_take() { var o = __rs.outbox; __rs.outbox = []; return JSON.stringify(o); }
function __rs_deliver(id, errJson, resJson) {
  var cb = __rs.pending[id];
  delete __rs.pending[id];
  var err = null;
  if (errJson) {
    var e = JSON.parse(errJson);
    err = new Error(e.message);
    if (e.code) err.code = e.code;
    if (e.statusCode) err.statusCode = e.statusCode;
  }
  cb(err, resJson ? JSON.parse(resJson).value : undefined);
}
// Virtual time: Date.now() and new Date() read __rs.now; timers fire in time order.
(function () {
  var RealDate = Date;
  class VirtualDate extends RealDate {
    constructor() { if (arguments.length === 0) super(__rs.now); else super(...arguments); }
    static now() { return __rs.now; }
  }
  globalThis.Date = VirtualDate;
})();
function setTimeout(fn, ms) {
  var args = Array.prototype.slice.call(arguments, 2);
  var id = __rs.timerSeq++;
  __rs.timers.push({id: id, at: __rs.now + Math.max(0, ms || 0), fn: fn, args: args});
  return id;
}
function clearTimeout(id) {
  __rs.timers = __rs.timers.filter(function (t) { return t.id !== id; });
}
function setImmediate(fn) {
  var rest = Array.prototype.slice.call(arguments, 1);
  return setTimeout.apply(null, [fn, 0].concat(rest));
}
var clearImmediate = clearTimeout;
function __rs_fire_timer() {
  if (!__rs.timers.length) return false;
  __rs.timers.sort(function (a, b) { return a.at - b.at || a.id - b.id; });
  var t = __rs.timers.shift();
  if (t.at > __rs.now) __rs.now = t.at;
  t.fn.apply(null, t.args);
  return true;
}
function UnauthorizedError(message) {
  this.name = 'UnauthorizedError';
  this.message = message;
  this.stack = new Error(message).stack;
}
UnauthorizedError.prototype = Object.create(Error.prototype);
UnauthorizedError.prototype.constructor = UnauthorizedError;
var console = {};
['log', 'info', 'warn', 'error'].forEach(function (level) {
  console[level] = function () {
    var parts = Array.prototype.map.call(arguments, function (a) {
      return typeof a === 'string' ? a : JSON.stringify(a);
    });
    __rs.logs.push(parts.join(' '));
  };
});
var global = {};
var auth0 = {
  accessToken: 'harness-management-token',
  domain: DOMAIN,
  baseUrl: 'https://' + DOMAIN + '/api/v2',
  users: {
    updateAppMetadata: function (id, data) {
      return new Promise(function (res, rej) {
        host.mgmt('updateAppMetadata', {id: id, data: data}, function (e) { e ? rej(e) : res(); });
      });
    },
    updateUserMetadata: function (id, data) {
      return new Promise(function (res, rej) {
        host.mgmt('updateUserMetadata', {id: id, data: data}, function (e) { e ? rej(e) : res(); });
      });
    }
  }
};
function __rs_error(e) {
  if (e === null || e === undefined) return null;
  if (typeof e !== 'object') return {name: typeof e, message: String(e)};
  return {name: e.name, message: e.message, code: e.code, statusCode: e.statusCode};
}
function __rs_run(src, userJson, contextJson, configJson) {
  globalThis.configuration = JSON.parse(configJson);
  var rule = (0, eval)('(' + src + '\n)');
  var user = JSON.parse(userJson);
  var context = JSON.parse(contextJson);
  __rs.result = null;
  __rs.callbacks = 0;
  function callback(err, u, c) {
    __rs.callbacks++;
    if (__rs.result) return;
    __rs.result = {error: __rs_error(err), user: u === undefined ? null : u,
                   context: c === undefined ? null : c};
  }
  try {
    var ret = rule(user, context, callback);
    if (ret && typeof ret.then === 'function') {
      ret.then(null, function (e) {
        if (!__rs.result) __rs.result = {error: __rs_error(e), rejected: true};
      });
    }
  } catch (e) {
    __rs.result = {error: __rs_error(e), thrown: true};
  }
}
function __rs_outcome() {
  return JSON.stringify({result: __rs.result, callbacks: __rs.callbacks, logs: __rs.logs,
                         pending: Object.keys(__rs.pending).length, timers: __rs.timers.length});
}
"""

Responder = Callable[[dict[str, Any]], Any]


class HostError(Exception):
    """Raised by a responder to answer a host call with an error (``err.code``, ``statusCode``)."""

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.code = code
        self.status_code = status_code


def http_reply(
    status: int = 200, body: Any = "", headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A fake HTTP response; a non-string body is sent as JSON with a JSON content type."""
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    if not isinstance(body, str):
        body = json.dumps(body)
        hdrs.setdefault("content-type", "application/json")
    return {"status": status, "headers": hdrs, "body": body}


@dataclass
class RuleRun:
    """What one rule run did: its callback, the host calls it made, its console output."""

    error: dict[str, Any] | None
    user: Any
    context: Any
    called_back: bool
    callbacks: int
    calls: list[dict[str, Any]]
    logs: list[str]
    uncaught: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


class ModuleHarness:
    """One QuickJS context with ``require``, ``Buffer``, a fake host and a virtual clock."""

    def __init__(
        self,
        *,
        rule_sources: Sequence[str] = (),
        supplied: Mapping[str, str] | None = None,
        modules_dir: Path | None = None,
        legacy_globals: bool = False,
        seed: int = 7,
        domain: str = "acme.eu.auth0.com",
        options: Mapping[str, Any] | None = None,
        compiled_host: bool = False,
    ) -> None:
        self.ctx = quickjs.Context()
        self.ctx.set_max_stack_size(4 * 1024 * 1024)
        self.calls: list[dict[str, Any]] = []
        self.uncaught: list[str] = []
        # The sandbox's native host functions, as the prelude hands them to modules: the
        # Python ones, or (compiled_host) the C ones and their digest objects.
        hostc = native.compiled() if compiled_host else None
        if compiled_host and hostc is None:
            pytest.skip("the compiled host functions are not built")
        for name, fn in HOST_FUNCTIONS.items():
            if hostc is not None:
                hostc.install(self.ctx, _quickjs.__file__, name, f"__rs_native_{name}")
            else:
                self.ctx.add_callable(f"__rs_native_{name}", fn)
        if hostc is not None:
            for name in DIGEST_FUNCTIONS:
                hostc.install(self.ctx, _quickjs.__file__, name, f"__rs_native_{name}")
        digests = ("{create: __rs_native_digestNew, method: __rs_native_digestMethod}"
                   if hostc is not None else "null")
        host_js = (
            HOST_JS.replace("ANY_TEXT", "true" if hostc is not None else "false")
            .replace("DIGESTS", digests)
            .replace("NOW_MS", str(NOW_MS))
            .replace("SEED", str(seed))
            .replace("DOMAIN", json.dumps(domain))
            .replace("HASHES", json.dumps(list(ALGORITHMS)))
        )
        self.ctx.eval(host_js)
        registry = build_registry_js(
            list(rule_sources), supplied, modules_dir, legacy_globals=legacy_globals
        )
        opts = dict(options or {})
        opts["legacyGlobals"] = legacy_globals
        self.ctx.eval(
            f"var __rs_options = {json.dumps(opts)}; __rs_options.globalObject = globalThis;\n"
            f"var require = ({require_js()})(host, {registry}, __rs_options);\n"
            "globalThis.Buffer = require('buffer').Buffer;"
        )

    # --- plain evaluation ---

    def eval(self, js: str) -> Any:
        """Evaluate ``js`` (an expression) and return its value through JSON."""
        out = self.ctx.eval(f"JSON.stringify((function () {{ return ({js}); }})())")
        return None if out is None else json.loads(out)

    def exec(self, js: str) -> None:
        """Run statements for their effects."""
        self.ctx.eval(js)

    # --- host pumping ---

    def pump(self, responder: Responder | None = None, *, max_steps: int = 10_000) -> None:
        """Answer queued host calls with ``responder`` and run jobs and timers until idle."""
        for _ in range(max_steps):
            self._run_jobs()
            batch = json.loads(self.ctx.eval("__rs_take()"))
            if batch:
                for item in batch:
                    self._answer(item, responder)
                continue
            try:
                fired = self.ctx.eval("__rs_fire_timer()")
            except quickjs.JSException as exc:
                self.uncaught.append(str(exc))
                fired = True
            if not fired:
                return
        raise AssertionError("the harness did not go idle")

    def _run_jobs(self) -> None:
        while True:
            try:
                if not self.ctx.execute_pending_job():
                    return
            except quickjs.JSException as exc:
                self.uncaught.append(str(exc))

    def _answer(self, item: dict[str, Any], responder: Responder | None) -> None:
        call = {"kind": item["kind"], **item["payload"]}
        self.calls.append(call)
        err_json = ""
        res_json = ""
        try:
            if responder is None:
                raise HostError(f"no route for {call.get('url', call.get('op'))}", code="ENOTFOUND")
            res_json = json.dumps({"value": responder(call)})
        except HostError as exc:
            err_json = json.dumps(
                {"message": str(exc), "code": exc.code, "statusCode": exc.status_code}
            )
        deliver = self.ctx.get("__rs_deliver")
        try:
            deliver(item["id"], err_json, res_json)
        except quickjs.JSException as exc:
            self.uncaught.append(str(exc))

    # --- rules ---

    def run_rule(
        self,
        source: str,
        *,
        user: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        configuration: Mapping[str, str] | None = None,
        responder: Responder | None = None,
    ) -> RuleRun:
        """Run one rule ``function (user, context, callback)`` to completion."""
        first_call = len(self.calls)
        self.ctx.get("__rs_run")(
            source,
            json.dumps(user if user is not None else {"user_id": "auth0|u1"}),
            json.dumps(context if context is not None else {}),
            json.dumps(configuration or {}),
        )
        self.pump(responder)
        out = json.loads(self.ctx.eval("__rs_outcome()"))
        result = out["result"] or {}
        return RuleRun(
            error=result.get("error"),
            user=result.get("user"),
            context=result.get("context"),
            called_back=out["result"] is not None
            and "thrown" not in result
            and "rejected" not in result,
            callbacks=out["callbacks"],
            calls=self.calls[first_call:],
            logs=list(out["logs"]),
            uncaught=list(self.uncaught),
            raw=out,
        )


def installed_modules_dir(*packages: str) -> Path:
    """The modules folder, or skip the test when one of ``packages`` is not installed there."""
    folder = default_modules_dir()
    missing = [p for p in packages if not (folder / "node_modules" / p / "package.json").is_file()]
    if missing:
        specs = " ".join(f"{p}@{REAL_PACKAGES.get(p, 'latest')}" for p in missing)
        pytest.skip(
            f"npm package(s) {', '.join(missing)} not installed in {folder}; "
            f"run: rulesim modules install {specs}"
        )
    return folder
