"""ActionsHarness: runs post-login Action modules over one login, without the sandbox core.

Like ``module_harness.ModuleHarness`` (whose fake host, virtual clock and timers it reuses),
it evaluates the registry, ``require.js`` and the Actions runtime (``actions_js()``) in a bare
``quickjs.Context``. Each Action is a CommonJS module; its body runs once, when the harness is
built (module scope per worker). :meth:`ActionsHarness.run` drives one flow: it asks the
runtime for the next step, calls the handler with the step's ``event`` and ``api``, pumps
promise jobs, host calls and virtual timers until the handler settles (or the 20 s budget of
the leg runs out), reports the outcome, lets leftover work finish, and resumes suspended flows
with the continuation requests given. It returns the runtime's flow result.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import quickjs

sys.path.insert(0, str(Path(__file__).parent.parent / "modules"))

from module_harness import NOW_MS, HostError, ModuleHarness, Responder, http_reply

from rulesim.runtime.actions import actions_js

__all__ = ["NOW_MS", "ActionsHarness", "HostError", "action", "http_reply", "login", "run_actions"]

DRIVER_JS = r"""
var __rs_A = null, __rs_mods = [], __rs_flow = null, __rs_step = null;
function __rs_install(optionsJson) {
  var actionsHost = {http: host.http, random: host.random, require: require,
                     now: function () { return __rs.now; }};
  __rs_A = (ACTIONS_JS)(actionsHost, JSON.parse(optionsJson));
  __rs_A.installGlobals(globalThis);
}
function __rs_load(src, name) {
  var module = {exports: {}, id: name, filename: name + '.js', loaded: false};
  var entry = {module: module, error: null};
  try {
    var wrapper = (0, eval)('(function (exports, require, module, __filename, __dirname) {\n' + src + '\n})');
    wrapper.call(module.exports, module.exports, require, module, '/actions/' + name + '.js', '/actions');
    module.loaded = true;
  } catch (e) { entry.error = e; }
  __rs_mods.push(entry);
}
function __rs_new(loginJson, optsJson) {
  __rs_flow = __rs_A.newFlow(loginJson, JSON.parse(optsJson));
}
function __rs_next() { return JSON.stringify(__rs_A.next(__rs_flow)); }
function __rs_start(i, name) {
  var st = __rs_step = {done: false, outcome: undefined, started: __rs.now};
  var mod = __rs_mods[i], fn;
  if (mod.error !== null) { st.done = true; st.outcome = {error: mod.error, kind: 'module'}; return; }
  try { fn = __rs_A.handler(mod.module.exports, name); }
  catch (e) { st.done = true; st.outcome = {error: e, kind: 'invalid_handler'}; return; }
  var ev = __rs_A.event(__rs_flow, i), api = __rs_A.api(__rs_flow, i), p;
  try { p = fn(ev, api); } catch (e) { st.done = true; st.outcome = {error: e, kind: 'exception'}; return; }
  Promise.resolve(p).then(function () { st.done = true; },
                          function (e) { st.done = true; st.outcome = {error: e, kind: 'rejected'}; });
}
function __rs_done() { return __rs_step.done; }
function __rs_after(i, timedOut) {
  var outcome = timedOut ? {kind: 'timeout', message: 'Script execution time exceeded'} : __rs_step.outcome;
  return __rs_A.afterAction(__rs_flow, i, outcome);
}
function __rs_resume(requestJson) { __rs_A.resume(__rs_flow, JSON.parse(requestJson)); }
function __rs_finish() { return JSON.stringify(__rs_A.finishFlow(__rs_flow)); }
"""


def login(user: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None,
          **extra: Any) -> dict[str, Any]:
    """A canonical login: a database user on an OIDC login unless ``user``/``context`` say more."""
    base_user = {"user_id": "auth0|u1", "email": "ada@acme.com", "email_verified": True,
                 "name": "Ada Lovelace", "nickname": "ada", "created_at": "2024-01-01T00:00:00.000Z",
                 "updated_at": "2025-01-01T00:00:00.000Z",
                 "identities": [{"provider": "auth0", "user_id": "u1", "connection": "db",
                                 "isSocial": False, "access_token": "idp-secret"}],
                 "user_metadata": {}, "logins_count": 3}
    base_ctx = {"tenant": "acme", "clientID": "cid", "clientName": "Acme Portal", "clientMetadata": {},
                "connection": "db", "connectionID": "con_1", "connectionStrategy": "auth0",
                "protocol": "oidc-basic-profile", "stats": {"loginsCount": 3}, "sessionID": "sid1",
                "sso": {"current_clients": ["cid"]},
                "request": {"ip": "203.0.113.9", "hostname": "login.acme.com", "userAgent": "UA/1",
                            "query": {"scope": "openid profile email", "response_type": "code",
                                      "redirect_uri": "https://app.acme.com/cb", "state": "s0"},
                            "body": {},
                            "geoip": {"country_code": "GB", "country_code3": "GBR",
                                      "country_name": "United Kingdom", "city_name": "London",
                                      "latitude": 51.5, "longitude": -0.12,
                                      "time_zone": "Europe/London", "continent_code": "EU",
                                      "subdivision_code": "ENG"}},
                "authentication": {"methods": [{"name": "pwd", "timestamp": NOW_MS}]},
                "authorization": {"roles": []}}
    return {"login_id": "L1", "timestamp_ms": NOW_MS, "user": {**base_user, **(user or {})},
            "context": {**base_ctx, **(context or {})}, **extra}


def action(body: str, *, continue_body: str | None = None) -> str:
    """An Action module whose ``onExecutePostLogin`` (and ``onContinuePostLogin``) run ``body``."""
    src = f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"
    if continue_body is not None:
        src += f"exports.onContinuePostLogin = async (event, api) => {{\n{continue_body}\n}};\n"
    return src


def run_actions(*sources: str, settings: Mapping[str, Any] | None = None,
                the_login: Mapping[str, Any] | None = None, **run: Any) -> dict[str, Any]:
    """Run a flow of Action modules once, on :func:`login` unless ``the_login`` is given."""
    return ActionsHarness(list(sources), settings=settings).run(the_login, **run)


class ActionsHarness(ModuleHarness):
    """One QuickJS context with ``require``, the Actions runtime and the given Action modules.

    Parameters
    ----------
    sources
        The Actions' module sources, in flow order (``{name: code}`` keeps names).
    settings
        Actions settings (contract section 10) passed to ``installActions``.
    seed
        Seeds the fake host's ``Math.random``.
    """

    def __init__(self, sources: Mapping[str, str] | Sequence[str], *,
                 settings: Mapping[str, Any] | None = None, seed: int = 7) -> None:
        named = dict(sources) if isinstance(sources, Mapping) else {
            f"action-{i + 1}": s for i, s in enumerate(sources)}
        self.names = list(named)
        super().__init__(rule_sources=list(named.values()), seed=seed)
        self.ctx.eval(DRIVER_JS.replace("ACTIONS_JS", actions_js()))
        self.ctx.get("__rs_install")(json.dumps(dict(settings or {})))
        for name, src in named.items():
            self.ctx.get("__rs_load")(src, name)

    def run(self, the_login: Mapping[str, Any] | None = None, *,
            secrets: Mapping[str, Mapping[str, str]] | None = None,
            rules_executed: Sequence[str] = (), primary_user: str | None = None,
            responder: Responder | None = None,
            resume: Sequence[Mapping[str, Any]] = (), timeout_ms: int = 20_000) -> dict[str, Any]:
        """Run one flow and return its result (``finishFlow``), plus ``logs`` and ``calls``.

        Parameters
        ----------
        resume
            Continuation requests, one per suspension, in order (``{query, body}`` after a
            redirect, ``{factor}`` after a challenge, ``{fields}`` after a form). A suspension
            with none left ends the flow suspended.
        """
        first_call = len(self.calls)
        self.ctx.eval("__rs.logs = []")
        options = {"actions": [{"name": n, "id": f"act_{n}", "secrets": dict((secrets or {}).get(n, {}))}
                               for n in self.names],
                   "rulesExecuted": list(rules_executed), "primaryUser": primary_user}
        self.ctx.get("__rs_new")(json.dumps(the_login or login()), json.dumps(options))
        pending_resumes = list(resume)
        while True:
            step = json.loads(self.ctx.eval("__rs_next()"))
            if step is None:
                state = self.eval("__rs_flow.state")
                if state == "suspended" and pending_resumes:
                    self.ctx.get("__rs_resume")(json.dumps(pending_resumes.pop(0)))
                    continue
                break
            index = step["index"]
            self.ctx.get("__rs_start")(index, step["handler"])
            timed_out = self._pump_until_settled(responder, timeout_ms)
            self.ctx.get("__rs_after")(index, timed_out)
            self.pump(responder)   # leftover work (fire and forget) before the next step
        result: dict[str, Any] = json.loads(self.ctx.eval("__rs_finish()"))
        result["logs"] = self.eval("__rs.logs")
        result["calls"] = self.calls[first_call:]
        result["uncaught"] = list(self.uncaught)
        return result

    # --- pumping -------------------------------------------------------------------------
    def _pump_until_settled(self, responder: Responder | None, timeout_ms: int) -> bool:
        start = self.eval("__rs.now")
        for _ in range(100_000):
            self._run_jobs()
            if self.ctx.eval("__rs_done()"):
                return False
            if self._answer_outbox(responder):
                continue
            if self.eval("__rs.timers.length ? Math.min.apply(null, __rs.timers.map(function (t) "
                         "{ return t.at; })) : -1") > start + timeout_ms or not self._fire_timer():
                return True   # nothing left that could settle it, or past the budget
        raise AssertionError("the harness did not settle")

    def _fire_timer(self) -> bool:
        try:
            return bool(self.ctx.eval("__rs_fire_timer()"))
        except quickjs.JSException as exc:
            self.uncaught.append(str(exc))
            return True

    def _answer_outbox(self, responder: Responder | None) -> bool:
        batch = json.loads(self.ctx.eval("__rs_take()"))
        for item in batch:
            self._answer(item, responder)
        return bool(batch)
