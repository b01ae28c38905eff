"""Run a rule set over logins: the per-login driver of the sandbox.

For each login the driver calls the rules one by one inside the sandbox. A rule that calls
back synchronously costs one engine call. A rule that waits (HTTP through a fake service, the
Management API, timers, promises) is driven by the host-operation loop: promise jobs are run,
the outbox is read, each request is answered by :class:`~rulesim.runtime.services.Services` or
the fake user store, the virtual clock jumps to the next event and the answer is delivered.
Everything a login did is appended to a :class:`~rulesim.records.Columns` sink.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rulesim.errors import ErrorCode
from rulesim.records import Columns
from rulesim.runtime.engine import EngineError
from rulesim.runtime.limits import Limits
from rulesim.runtime.management import ManagementApiError, UserStore
from rulesim.runtime.sandbox import Sandbox, SandboxOptions
from rulesim.runtime.services import HttpRequest, ServiceHandlerError, Services
from rulesim.sources import Rule

__all__ = ["MANAGEMENT_LATENCY_MS", "NO_REDIRECT_PROTOCOLS", "ContinueHandler", "Pipeline",
           "login_seed"]

ContinueHandler = Callable[[dict[str, Any], str], Mapping[str, Any] | None]
"""``handler(login, redirect_url) -> body``: what the redirect target posts to /continue."""

MANAGEMENT_LATENCY_MS = 35.0
"""Simulated latency of one Management API call (Auth0's API from inside a rule)."""

_DONE, _PENDING, _FAILED, _PENDING_IO = 0, 1, 2, 3
_JOBS_LEFT = 4  # added to a final status: promise jobs may be queued (see prelude runRule)
_perf = time.perf_counter_ns


def login_seed(seed: int, index: int) -> int:
    """The 32-bit seed of one login, from the run seed and the login's population index.

    It depends only on (seed, index), so results do not depend on how logins are split
    over workers.
    """
    x = (seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & (2**64 - 1)
    x ^= x >> 31
    x = (x * 0xD6E8FEB86659FD93) & (2**64 - 1)
    x ^= x >> 32
    return x & 0xFFFFFFFF


class Pipeline:
    """Runs logins through a rule set in one sandbox and records everything they did.

    Parameters
    ----------
    rules
        All rules of the rule set in pipeline order; disabled ones are recorded as skipped.
    configuration
        The ``configuration`` values rules read.
    limits
        Sandbox limits and the pipeline timeout.
    services
        Fake external services answering HTTP calls (none: every call is unmatched).
    options
        Sandbox environment settings.
    seed
        The run seed; each login's ``Math.random`` and service randomness derive from it.
    on_redirect
        ``"stop"``: a pending redirect ends the login with outcome ``redirect``.
        ``"continue"``: simulate the return to ``/continue``: every rule runs again with
        ``context.protocol = 'redirect-callback'``, ``context.redirect`` ignored and
        ``context.request.body`` from ``continue_handler(login, redirect_url)`` (default ``{}``).
    continue_handler
        Supplies the body the redirect target posts back (a picklable function).
    """

    def __init__(self, rules: Sequence[Rule], configuration: Mapping[str, str], *,
                 limits: Limits | None = None, services: Any = None,
                 options: SandboxOptions | None = None, seed: int = 0,
                 on_redirect: str = "stop",
                 continue_handler: ContinueHandler | None = None) -> None:
        self.all_rules = list(rules)
        self.on_redirect = on_redirect
        self.answer_cache: dict[tuple[Any, ...], str] = {}
        self.pending_coverage: list[dict[str, list[int]]] = []
        self.continue_handler = continue_handler
        self.active = [r for r in self.all_rules if r.enabled]
        self.limits = limits or Limits()
        self.services = services if services is not None else Services()
        self.seed = seed
        self.sandbox = Sandbox(self.active, configuration, self.limits, options)
        self._store: Any = None
        self._written: set[str] = set()
        self._claim_limit = self.limits.claims_kb * 1024
        # Position of each active rule in the full list (for skipped disabled rules).
        self._active_pos = [i for i, r in enumerate(self.all_rules) if r.enabled]
        self._all_active = len(self._active_pos) == len(self.all_rules)
        self._names = [r.name for r in self.all_rules]
        self._orders = [r.order for r in self.all_rules]

    @property
    def store(self) -> Any:
        """The fake Management API user store (persisted metadata across this run's logins)."""
        if self._store is None:
            self._store = UserStore()
        return self._store

    def collect_coverage(self, sink: Columns) -> None:
        """Move the coverage counters gathered so far into ``sink``."""
        for counts in self.pending_coverage:
            sink.add_coverage(counts)
        self.pending_coverage = []
        with contextlib.suppress(EngineError):
            sink.add_coverage(self.sandbox.take_coverage())

    def reset_store(self) -> None:
        """Forget persisted metadata (a new chunk of users starts)."""
        self._store = None
        self._written = set()

    def reset(self) -> None:
        """Empty ``global`` and the user store (a new chunk starts)."""
        self.sandbox.call("resetGlobal")
        self.reset_store()

    def collect(self, sink: Columns) -> None:
        """Move what the pipeline gathered beside the rows (coverage counters) into ``sink``."""
        self.collect_coverage(sink)

    # ------------------------------------------------------------------------------------------
    def run(self, payload: str, index: int, sink: Columns, *, login_id: str,
            user_id: str | None = None) -> None:
        """Run one login (its JSON payload) and append its records to ``sink``."""
        payload = self.prepare(payload, index, user_id)
        self.run_prepared(payload, sink, login_id=login_id, user_id=user_id,
                          seed=login_seed(self.seed, index))

    def run_many(self, payloads: Sequence[str], start: int, sink: Columns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None]) -> None:
        """Run consecutive logins (population indexes ``start``, ``start + 1``, …) into ``sink``.

        The same as calling :meth:`run` for each in turn; the pipeline may batch logins whose
        rules need no host work into one engine call.
        """
        for k, payload in enumerate(payloads):
            self.run(payload, start + k, sink, login_id=login_ids[k], user_id=user_ids[k])

    def run_prepared(self, payload: str, sink: Columns, *, login_id: str,
                     user_id: str | None, seed: int) -> None:
        """Run one login whose payload :meth:`prepare` returned, with its login seed."""
        self.complete(sink, payload, self._pass(payload, login_id, seed), login_id=login_id,
                      user_id=user_id, seed=seed)

    def prepare(self, payload: str, index: int, user_id: str | None) -> str:
        """Get the sandbox ready for the login at ``index``; return the payload to run.

        The payload carries the metadata earlier logins of the same user persisted through
        the Management API, and ``global`` is emptied if the reset policy says so.
        """
        if user_id is not None and user_id in self._written:
            payload = self._with_persisted(payload)
        if self.limits.resets_global_before(index):
            self.sandbox.call("resetGlobal")
        return payload

    def complete(self, sink: Columns, payload: str, first: _Pass, *, login_id: str,
                 user_id: str | None, seed: int) -> None:
        """Record a finished first pass (and run the ``/continue`` pass after a redirect)."""
        result = self._emit_pass(sink, login_id, first, "initial")
        if result["outcome"] == "redirect":
            protocol = _protocol(payload)
            if protocol in NO_REDIRECT_PROTOCOLS:
                result.update(outcome="error", error_code=ErrorCode.REDIRECT_NOT_ALLOWED.value,
                              deciding_rule=result["redirecting_rule"],
                              error_message=(f"rule `{result['redirecting_rule']}` set "
                                             f"context.redirect during a {protocol} flow, "
                                             "which cannot redirect; Auth0 fails the login"))
            elif self.on_redirect == "continue":
                body = self.continue_handler(json.loads(payload), result["redirect_url"]) \
                    if self.continue_handler is not None else {}
                second = self._pass(_continuation(payload, body), login_id, seed ^ 0x5BD1E995,
                                    persisted_user=user_id)
                again = self._emit_pass(sink, login_id, second, "continue")
                again["redirect_url"] = result["redirect_url"]
                again["cpu_ms"] += result["cpu_ms"]
                again["latency_ms"] += result["latency_ms"]
                again["rules_run"] += result["rules_run"]
                again["flags"] = ",".join(sorted({*result["flags"].split(","),
                                                  *again["flags"].split(","), "continued"} - {""}))
                if again["outcome"] == "redirect":
                    # context.redirect is ignored on /continue: one redirect per login.
                    again["outcome"] = "allowed"
                result = again
        if result["outcome"] in ("error", "timeout"):
            result["app_error"] = (self.limits.error_mapping
                                   if result["error_code"] != ErrorCode.REDIRECT_NOT_ALLOWED.value
                                   else "interaction_required")
        result.pop("redirecting_rule", None)
        sink.add_login(login_id=login_id, user_id=user_id, **result)

    def floor(self, payload: str) -> int:
        """The benchmark floor: the same rules on the same input, nothing recorded.

        Rules that wait on the host (HTTP, the Management API, timers) cannot finish here;
        :meth:`baseline` runs them.
        """
        return self.sandbox.floor(payload)

    def baseline(self, payload: str, index: int, *, user_id: str | None = None) -> int:
        """The benchmark baseline of a whole rule set: one login, nothing recorded.

        The rules run on the raw ``user`` and ``context``: no change tracking, console
        capture, token claims or rows. Host operations, timers, the virtual clock, the fake
        services and the Management API store work as in :meth:`run`, so, unlike
        :meth:`floor`, rules that call services finish. Prototype pollution is neither
        detected nor undone.

        Returns
        -------
        int
            1 when the login was allowed, 0 otherwise.
        """
        payload = self.prepare(payload, index, user_id)
        res = self.begin_pass(payload, "", login_seed(self.seed, index), bare=True)
        self.run_rules(res, 0, len(self.active))
        try:
            if res.fatal is None:
                if res.timed_out is None:
                    res.state.drain_fire_and_forget(
                        res.state.start + self.limits.pipeline_timeout_ms)
                return int(self.sandbox.call("finishBare"))
        except EngineError:
            pass
        self.sandbox.rebuild()
        return 0

    # ------------------------------------------------------------------------------------------
    def _with_persisted(self, payload: str) -> str:
        login = json.loads(payload)
        login["user"] = self.store.observe(login.get("user") or {})
        return json.dumps(login, separators=(",", ":"))

    def _pass(self, payload: str, login_id: str, seed: int,
              persisted_user: str | None = None) -> _Pass:
        """Run every active rule once over one login payload."""
        res = self.begin_pass(payload, login_id, seed, persisted_user)
        self.run_rules(res, 0, len(self.active))
        self.end_pass(res)
        return res

    def begin_pass(self, payload: str, login_id: str, seed: int,
                   persisted_user: str | None = None, *, bare: bool = False) -> _Pass:
        """Start a pass: the sandbox holds the login's fresh ``user`` and ``context``.

        ``bare`` starts a pass that records nothing (see :meth:`baseline`).
        """
        if persisted_user is not None and persisted_user in self._written:
            payload = self._with_persisted(payload)
        res = _Pass(len(self.active), _LoginState(self, login_id, seed, payload))
        state = res.state
        t0 = _perf()
        start = float(self.sandbox.call("begin", payload, seed, bare))
        state.cpu_begin = _perf() - t0
        state.start = state.now = start
        return res

    def run_rules(self, res: _Pass, lo: int, hi: int) -> None:
        """Run active rules ``lo`` to ``hi - 1`` of a pass, until one does not call back.

        After a rule calls back, the promise jobs it may have left (code after ``callback``
        in an ``async`` rule) run before the next rule starts. ``res.stopped`` is set when the pass
        ended early (a failure, a timeout or an engine error).
        """
        if res.stopped:
            return
        sb = self.sandbox
        state, cpu_ns, io_ms = res.state, res.cpu_ns, res.io_ms
        start = state.start
        deadline = self.limits.pipeline_timeout_ms
        invalid = sb.invalid
        run_rule = sb.direct("runRule")   # the hot call: no wrapper frames
        perf = _perf
        for i in range(lo, hi):
            if invalid and i in invalid:
                sb.call("hostFail", i, ErrorCode.INVALID_RULE.value,
                        f"rule `{self.active[i].name}` {invalid[i]}")
                res.stopped = True
                return
            state.current = i
            rule_start = state.now
            t = perf()
            try:
                st = run_rule(i)
                if st == _DONE:
                    # The common case: the rule called back synchronously.
                    cpu_ns[i] += perf() - t
                    io_ms[i] = 0.0
                    continue
                res.rule_start = rule_start
                if st & _JOBS_LEFT:
                    st &= ~_JOBS_LEFT
                    sb.run_jobs()
                while st in (_PENDING, _PENDING_IO):
                    if st == _PENDING_IO:
                        state.read_outbox()
                        if state.handler_error is not None:
                            sb.call("hostFail", i, ErrorCode.SERVICE_HANDLER_ERROR.value,
                                    state.handler_error)
                            st = _FAILED
                            break
                    if sb.run_jobs():
                        st = sb.call("status", i)
                        continue
                    nxt = state.next_event_time()
                    cpu_so_far = (sum(cpu_ns) + _perf() - t) / 1e6
                    if nxt is None:
                        res.timed_out = (i, ErrorCode.CALLBACK_NOT_CALLED,
                                         f"rule `{self.active[i].name}` never called callback "
                                         "and had nothing left to wait for")
                        break
                    if (nxt - start) + cpu_so_far > deadline:
                        res.timed_out = (i, ErrorCode.PIPELINE_TIMEOUT,
                                         f"the rules did not finish within {deadline:g} ms "
                                         f"(rule `{self.active[i].name}` was waiting)")
                        break
                    state.advance_to(nxt)
                    st = sb.call("status", i)
            except EngineError as exc:
                cpu_ns[i] += _perf() - t
                res.fatal = (i, exc)
                res.stopped = True
                return
            cpu_ns[i] += _perf() - t
            io_ms[i] = state.now - rule_start
            if st != _DONE:
                res.stopped = True
                return

    def end_pass(self, res: _Pass) -> None:
        """Finish a pass: apply a timeout, complete fire-and-forget I/O, read the record."""
        sb = self.sandbox
        state = res.state
        start = state.start
        deadline = self.limits.pipeline_timeout_ms
        if res.timed_out is not None:
            # The login ends at the deadline on the virtual clock.
            state.now = max(state.now, start + deadline - sum(res.cpu_ns) / 1e6)
            res.io_ms[res.timed_out[0]] = state.now - res.rule_start
        res.io_total = state.now - start
        if res.fatal is None:
            try:
                if res.timed_out is not None:
                    sb.call("hostFail", res.timed_out[0], res.timed_out[1].value,
                            res.timed_out[2])
                else:
                    state.drain_fire_and_forget(start + deadline)
                res.record = _record(sb.call("finish", self._claim_limit))
            except EngineError as exc:
                res.fatal = (state.current if state.current >= 0 else 0, exc)
        if res.fatal is not None:
            # Keep the coverage counters of this engine before it is thrown away.
            with contextlib.suppress(EngineError, ValueError):
                self.pending_coverage.append(sb.take_coverage())
            sb.rebuild()

    def fork_pass(self, source: _Pass, snapshot: str) -> _Pass:
        """Continue here a pass another pipeline ran up to a rule boundary.

        ``snapshot`` is the other sandbox's ``exportState()`` taken at that boundary; the
        rules before it are the same rules in both pipelines (see :mod:`rulesim.paired`).
        The host side is copied: timings, calls, persisted writes (replayed into this
        pipeline's user store) and the state of the services' random draws.
        """
        src = source.state
        state = _LoginState(self, src.login_id, src.seed, src.payload)
        res = _Pass(len(self.active), state)
        k = src.current + 1
        res.cpu_ns[:k] = source.cpu_ns[:k]
        res.io_ms[:k] = source.io_ms[:k]
        res.stopped = source.stopped
        res.rule_start = source.rule_start
        state.start, state.now, state.cpu_begin = src.start, src.now, src.cpu_begin
        state.current = src.current
        state.calls = [list(c) for c in src.calls]
        state.persisted = list(src.persisted)
        if src._rng is not None:
            state._rng = random.Random()
            state._rng.setstate(src._rng.getstate())
        for op, args in src.mgmt_ops:
            state.replay_mgmt(op, args)
        state._observed = src._observed
        self.sandbox.call("beginFrom", snapshot)
        return res

    def _emit_pass(self, sink: Columns, login_id: str, res: _Pass, phase: str) -> dict[str, Any]:
        """Write one pass's per-rule rows; return the login-level fields it decides."""
        record, fatal, timed_out, state = res.record, res.fatal, res.timed_out, res.state
        n_all = len(self.all_rules)
        outcomes = ["skipped"] * n_all
        codes: list[str | None] = [None] * n_all
        messages: list[str | None] = [None] * n_all
        lines = [0] * n_all
        n_changes = [0] * n_all
        flags: list[str] = [""] * n_all
        calls_per_rule = [0] * n_all
        for (_, rule, *_rest) in state.calls:
            if rule >= 0:
                calls_per_rule[self._active_pos[rule]] += 1
        login_flags: list[str] = []
        if record is not None:
            for k, run in enumerate(record[0]):
                pos = self._active_pos[k]
                if isinstance(run, int):
                    # Compact forms: n = ok with n changes, -1 = never started.
                    if run >= 0:
                        outcomes[pos] = "ok"
                        n_changes[pos] = run
                    continue
                outcome, code, message, line, ncalls, nch, rflags, _done = run
                outcomes[pos] = outcome
                codes[pos] = code
                lines[pos] = line
                n_changes[pos] = nch
                if message is not None and code is not None:
                    where = f" (line {line})" if line else ""
                    messages[pos] = f"rule `{self._names[pos]}`{where}: {message}"
                rf = list(rflags)
                if ncalls > 1:
                    rf.append("callback_called_twice")
                flags[pos] = ",".join(rf)
                login_flags.extend(rf)
        else:
            assert fatal is not None
            k, exc = fatal
            for j in range(k):
                outcomes[self._active_pos[j]] = "ok"
            pos = self._active_pos[k]
            outcomes[pos] = "error"
            codes[pos] = exc.code.value
            messages[pos] = f"rule `{self._names[pos]}`: {exc}"
        if timed_out is not None and record is not None:
            outcomes[self._active_pos[timed_out[0]]] = "timeout"
        # The login's outcome: the first rule that did not end ok decides it.
        outcome, error_code, error_message, deciding = "allowed", None, None, None
        for pos in range(n_all):
            if outcomes[pos] in ("denied", "error", "timeout"):
                outcome = outcomes[pos]
                error_code, error_message, deciding = codes[pos], messages[pos], self._names[pos]
                break
        id_token = access_token = "{}"
        scopes: list[str] = []
        mfa = redirect = saml = primary = None
        dropped = "[]"
        redirecting_rule = None
        if record is not None:
            (_, changes, logs, id_token, access_token, scopes, mfa, redirect, saml, primary,
             dropped_list, too_large, pollution, _clock) = record
            dropped = json.dumps(dropped_list) if dropped_list else "[]"
            if outcome == "allowed" and too_large:
                outcome, error_code = "error", ErrorCode.CLAIMS_TOO_LARGE.value
                error_message = (f"custom claims of the {too_large.replace('_', ' ')} exceed "
                                 f"{self.limits.claims_kb} KB")
            if pollution:
                login_flags.append("prototype_pollution")
                if outcome == "allowed":
                    outcome, error_code = "error", ErrorCode.PROTOTYPE_POLLUTION.value
                    error_message = ("a rule modified built-in prototypes (restored after the "
                                     "login): " + ", ".join(pollution[:5]))
                    last = max((p for p in range(n_all) if outcomes[p] == "ok"), default=None)
                    deciding = self._names[last] if last is not None else None
            pos_of = self._active_pos
            if changes:
                for ch in changes:
                    if not self._all_active:
                        ch[0] = pos_of[ch[0]] if ch[0] >= 0 else -1
                    if ch[1] == "redirect" and ch[0] >= 0:
                        redirecting_rule = self._names[ch[0]]
                sink.add_changes(login_id, self._names, changes, phase)
            if outcome == "allowed" and redirect:
                outcome = "redirect"
            if logs:
                sink.add_logs(login_id, self._names, [[pos_of[r] if r >= 0 else -1, lv, m]
                                                      for r, lv, m in logs], phase)
        if state.persisted:
            sink.add_changes(login_id, self._names, [
                [self._active_pos[r], target, path, op, before, after, 1]
                for r, target, path, op, before, after in state.persisted], phase)
        if state.calls:
            sink.add_calls(login_id, self._names, [
                [self._active_pos[c[1]] if c[1] >= 0 else -1, *c[2:]] for c in state.calls],
                phase)
        cpu_us = [0.0] * n_all
        io_all = [0.0] * n_all
        for k in range(len(self.active)):
            cpu_us[self._active_pos[k]] = res.cpu_ns[k] / 1000.0
            io_all[self._active_pos[k]] = res.io_ms[k]
        cpu_ms_total = (sum(res.cpu_ns) + state.cpu_begin) / 1e6
        mfa_provider = None
        if mfa is not None:
            try:
                mfa_provider = str(json.loads(mfa).get("provider") or "any")
            except (ValueError, AttributeError):
                mfa_provider = "any"
        sink.add_rule_runs(login_id, self._names, self._orders, outcomes, codes, messages, lines,
                           cpu_us, io_all, calls_per_rule, n_changes, flags, phase)
        return {
            "outcome": outcome, "error_code": error_code, "error_message": error_message,
            "app_error": "unauthorized" if outcome == "denied" else None,
            "deciding_rule": deciding, "mfa_required": mfa is not None,
            "mfa_provider": mfa_provider, "redirect_url": redirect, "id_token": id_token,
            "access_token": access_token, "scopes": " ".join(scopes), "saml": saml,
            "primary_user": primary, "dropped_claims": dropped, "cpu_ms": cpu_ms_total,
            "latency_ms": res.io_total + cpu_ms_total,
            "rules_run": sum(1 for o in outcomes if o != "skipped"),
            "flags": ",".join(sorted(set(login_flags))),
            "redirecting_rule": redirecting_rule,
        }


NO_REDIRECT_PROTOCOLS = frozenset({"oauth2-resource-owner", "oauth2-password",
                                   "oauth2-refresh-token"})
"""Flows that cannot redirect (contract §6): a redirect there fails the login."""


def _record(text: str) -> list[Any]:
    """Decode ``finish()``'s output into the record list :meth:`Pipeline._emit_pass` reads."""
    main, id_json, at_json, mfa, saml, primary = text.split("\x01")
    runs, changes, logs, scopes, redirect, dropped, too_large, pollution, clock = json.loads(main)
    return [runs, changes, logs, id_json, at_json, scopes, mfa or None, redirect, saml or None,
            primary or None, dropped, too_large, pollution, clock]


def _protocol(payload: str) -> str | None:
    context = json.loads(payload).get("context") or {}
    value = context.get("protocol")
    return str(value) if value is not None else None


def _continuation(payload: str, body: Mapping[str, Any] | None) -> str:
    """The login as Auth0 resumes it on /continue: protocol redirect-callback, posted body."""
    login = json.loads(payload)
    context = dict(login.get("context") or {})
    context["protocol"] = "redirect-callback"
    context.pop("redirect", None)
    request = dict(context.get("request") or {})
    request["body"] = dict(body or {})
    context["request"] = request
    login["context"] = context
    return json.dumps(login, separators=(",", ":"))


class _Pass:
    """What one pass of the rules produced (host side)."""

    def __init__(self, n: int, state: _LoginState) -> None:
        self.state = state
        self.cpu_ns = [0] * n
        self.io_ms = [0.0] * n
        self.io_total = 0.0
        self.record: list[Any] | None = None
        self.fatal: tuple[int, EngineError] | None = None
        self.timed_out: tuple[int, ErrorCode, str] | None = None
        self.stopped = False
        self.rule_start = 0.0


class _LoginState:
    """Host-side state of one login: virtual clock, pending host operations, calls made."""

    def __init__(self, pipeline: Pipeline, login_id: str, seed: int, payload: str) -> None:
        self.p = pipeline
        self.payload = payload
        self._observed = False
        self.sb = pipeline.sandbox
        self.login_id = login_id
        self.seed = seed
        self.start = 0.0
        self.now = 0.0
        self.current = -1
        self.cpu_begin = 0
        self.events: list[tuple[float, int, int, str, str]] = []
        self.calls: list[list[Any]] = []
        self.persisted: list[tuple[int, str, str, str, str | None, str | None]] = []
        self.mgmt_ops: list[tuple[str, Any]] = []
        self.handler_error: str | None = None
        self._rng: random.Random | None = None
        self._ended = False
        self._timer_t = -1.0

    @property
    def rng(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng

    def read_outbox(self) -> None:
        text = self.sb.call("takeOutbox")
        if not text:
            return
        for op_id, kind, rule, payload in json.loads(text):
            if kind == "http":
                self._http(op_id, rule, payload)
            elif kind == "mgmt":
                self._mgmt(op_id, rule, payload)

    def _http(self, op_id: int, rule: int, req: Mapping[str, Any]) -> None:
        method = str(req.get("method") or "GET").upper()
        url = str(req.get("url") or "")
        headers = {str(k).lower(): str(v) for k, v in (req.get("headers") or {}).items()}
        body = req.get("body")
        timeout = req.get("timeoutMs")
        request = HttpRequest(method=method, url=url, headers=headers,
                              body=None if body is None else str(body),
                              timeout_ms=float(timeout) if timeout else None)
        try:
            res = self.p.services.handle(request, self.rng)
        except ServiceHandlerError as exc:
            self.handler_error = (f"rule `{self.p.active[rule].name}`: the fake service "
                                  f"handler for {method} {url} raised: {exc}")
            self.calls.append([self.login_id, rule, "http", method, url, None, 0.0,
                               getattr(exc, "route", None), "handler_error", False])
            return
        call = [self.login_id, rule, "http", method, url, res.status, res.latency_ms, res.route,
                res.error, False]
        self.calls.append(call)
        if res.error:
            err = json.dumps({"message": res.error_message or res.error, "code": res.error})
            resp = ""
        else:
            err = ""
            # Static answers repeat: serialise each distinct one once per pipeline.
            key = (res.route, res.status, res.body, tuple(res.headers.items()))
            cached = self.p.answer_cache.get(key)
            if cached is None:
                cached = json.dumps({"status": res.status, "headers": res.headers,
                                     "body": res.body})
                if len(self.p.answer_cache) < 10_000:
                    self.p.answer_cache[key] = cached
            resp = cached
        heapq.heappush(self.events, (self.now + res.latency_ms, op_id, len(self.calls) - 1,
                                     err, resp))

    def _mgmt(self, op_id: int, rule: int, payload: Mapping[str, Any]) -> None:
        op = str(payload.get("op"))
        args = payload.get("args") or {}
        self.mgmt_ops.append((op, args))
        self._observe()
        url = f"/api/v2/users/{args.get('id', '')}" if "id" in args else "/api/v2/users"
        try:
            result, changes = self.p.store.call(op, args)
            status, err = 200, ""
            resp = json.dumps(result) if result is not None else ""
            for ch in changes:
                # Paths are relative to the target, like the in-memory changes.
                path = ch.path
                if path.startswith(ch.target + "."):
                    path = path[len(ch.target) + 1:]
                elif path == ch.target:
                    path = ""
                self.persisted.append((rule, ch.target, path, ch.op,
                                       None if ch.before is None else json.dumps(ch.before),
                                       None if ch.after is None else json.dumps(ch.after)))
                self.p._written.add(ch.user_id)
        except ManagementApiError as exc:
            status = exc.status_code
            err = json.dumps({"message": str(exc), "statusCode": exc.status_code,
                              "name": "APIError"})
            resp = ""
        self.calls.append([self.login_id, rule, "management", op, url, status,
                           MANAGEMENT_LATENCY_MS, "auth0-management-api", None, False])
        heapq.heappush(self.events, (self.now + MANAGEMENT_LATENCY_MS, op_id,
                                     len(self.calls) - 1, err, resp))

    def _observe(self) -> None:
        if not self._observed:
            # The store learns the login's user the first time a rule talks to the API.
            self._observed = True
            self.p.store.observe(json.loads(self.payload).get("user") or {})

    def replay_mgmt(self, op: str, args: Any) -> None:
        """Apply to this pipeline's store a Management API call another pipeline answered."""
        self.mgmt_ops.append((op, args))
        self._observe()
        with contextlib.suppress(ManagementApiError):
            _, changes = self.p.store.call(op, args)
            for ch in changes:
                self.p._written.add(ch.user_id)

    def next_event_time(self) -> float | None:
        t_timer = self._timer_t = float(self.sb.call("nextTimer"))
        t_event = self.events[0][0] if self.events else None
        if t_timer < 0:
            return t_event
        if t_event is None:
            return t_timer
        return min(t_timer, t_event)

    def advance_to(self, t: float) -> None:
        """Move the virtual clock to ``t`` and deliver everything due then."""
        if t > self.now:
            self.now = t
        while self.events and self.events[0][0] <= self.now:
            _, op_id, call_index, err, resp = heapq.heappop(self.events)
            call = self.calls[call_index]
            call[9] = self._ended or call[1] < self.current
            self.sb.call("deliver", op_id, err, resp, self.now)
            self.sb.run_jobs()
        if 0 <= self._timer_t <= self.now:
            self.sb.call("fireTimers", self.now)
            self.sb.run_jobs()

    def drain_fire_and_forget(self, limit: float) -> None:
        """Complete I/O still pending after the last callback; it does not delay the login."""
        self._ended = True
        for _ in range(10_000):
            self.sb.run_jobs()
            self.read_outbox()
            if not self.events:
                return
            t = self.events[0][0]
            if t > limit:
                return
            self._timer_t = float(self.sb.call("nextTimer"))
            self.advance_to(t)
