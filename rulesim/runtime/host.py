"""The host side of the sandbox: the host-operation loop that drives a login's rules.

Rules reach the outside world only through host operations the prelude queues in an outbox
(fake HTTP, the Management API). :class:`Host` is the explicit host object of one sandbox: the
fake external services, the fake Management API user store and what earlier logins of a chunk
persisted through it. :meth:`Host.run_rules` runs rules one after another: a rule that calls
back synchronously costs one engine call; a rule that waits is driven here: promise jobs run,
the outbox is read, each request is answered, the virtual clock jumps to the next event and
the answer is delivered, until the rule calls back, fails or the pipeline deadline passes.

A :class:`RulePass` is one pass of the rules over one login (the second pass of a redirected
login is another), with its :class:`LoginHost` state: virtual clock, pending answers, the
calls made and the metadata persisted.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from rulesim._fastjson import dumps, loads
from rulesim.errors import ErrorCode
from rulesim.runtime.engine import EngineError
from rulesim.runtime.limits import Limits
from rulesim.runtime.rows import LoginBlock, engine_failure_block
from rulesim.runtime.sandbox import Sandbox, Status
from rulesim.runtime.services import HttpRequest, ServiceHandlerError, Services
from rulesim.runtime.services.management import ManagementApiError, UserStore

__all__ = ["MANAGEMENT_LATENCY_MS", "Host", "LoginHost", "RulePass", "change_json", "login_user"]

MANAGEMENT_LATENCY_MS = 35.0
"""Simulated latency of one Management API call (Auth0's API from inside a rule)."""

_DONE, _PENDING, _FAILED, _PENDING_IO = (int(Status.DONE), int(Status.PENDING),
                                         int(Status.FAILED), int(Status.PENDING_IO))
_JOBS_LEFT = int(Status.JOBS_LEFT)
_CHAINED = int(Status.CHAINED)
_perf = time.perf_counter_ns


_ascii_string = json.encoder.encode_basestring_ascii


def change_json(value: Any) -> str:
    """A persisted change's value as the change tables write values: ``json.dumps(value)``.

    Strings, integers, booleans and None, the usual metadata, are written without the
    encoder's set-up.

    Examples
    --------
    >>> print(change_json("café"), change_json(3), change_json(True), change_json({"a": [1.5]}))
    "caf\\u00e9" 3 true {"a": [1.5]}
    """
    kind = type(value)
    if kind is str:
        return str(_ascii_string(value))
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return json.dumps(value)


def login_user(payload: str) -> Any:
    """The ``user`` of a login's payload (JSON text): ``loads(payload).get("user")``.

    A rendered payload holds ``user`` after three scalar members and ``context`` after it,
    last; the text between them is read alone when it is one JSON value (about a third of
    the payload). Any other layout is read whole.

    Examples
    --------
    >>> login_user('{"login_id":"l1","user":{"user_id":"u1"},"context":{"user":{}}}')
    {'user_id': 'u1'}
    >>> login_user('{"context":{"user":{"x":1}},"user":{"user_id":"u2"}}')
    {'user_id': 'u2'}
    """
    at = payload.find('"user":', 0, 1024)
    # A top-level key: after the payload's own brace or a comma, and no object opened before.
    if at > 0 and payload[at - 1] in ",{" and payload.count("{", 0, at) == 1:
        end = payload.rfind(',"context":', at)
        # No key named user from there on (a later one would be the one a parser keeps).
        if end > at and payload.find('"user":', end) < 0:
            try:   # a wrong span is never one JSON value (it would end inside an object)
                return orjson.loads(payload[at + 7:end])
            except orjson.JSONDecodeError:
                pass
    login = loads(payload)
    return login.get("user") if isinstance(login, dict) else None


class RulePass:
    """What one pass of the rules over one login produced on the host side.

    Attributes
    ----------
    state
        The login's host state (clock, answers, calls, persisted writes).
    cpu_ns, io_ms
        Per active rule: engine time, and simulated time spent waiting.
    io_total
        Simulated time from the pass's start to its end (ms).
    block
        The login's record once :meth:`Host.end_pass` read it (None after an engine failure).
    fatal
        ``(rule, error)`` when the engine failed: the sandbox was rebuilt.
    timed_out
        ``(rule, code, message)`` when a rule never called back or the deadline passed.
    stopped
        The pass ended early (a failure, a timeout or an engine error).
    """

    def __init__(self, n: int, state: LoginHost) -> None:
        self.state = state
        self.cpu_ns = [0] * n
        self.io_ms = [0.0] * n
        self.io_total = 0.0
        self.block: LoginBlock | None = None
        self.fatal: tuple[int, EngineError] | None = None
        self.timed_out: tuple[int, ErrorCode, str] | None = None
        self.stopped = False
        self.rule_start = 0.0


class Host:
    """The host of one sandbox: fake services, the Management API store, the rule loop.

    Parameters
    ----------
    sandbox
        The sandbox whose host operations this host answers.
    services
        Fake external services (HTTP).
    limits
        The pipeline deadline and the error mapping.
    """

    def __init__(self, sandbox: Sandbox, services: Services, limits: Limits) -> None:
        self.sandbox = sandbox
        self.services = services
        self.limits = limits
        # One entry per step the host drives: the rules, then the Actions once per leg.
        self.names = list(sandbox.step_names)
        self.labels = list(sandbox.step_labels)   # "rule `x`" / "action `y`", for messages
        self.answer_cache: dict[tuple[Any, ...], str] = {}
        self.pending_coverage: list[dict[str, list[int]]] = []
        self.written: set[str] = set()
        """Users whose metadata a rule persisted since the last :meth:`reset_store`."""
        self._store: UserStore | None = None
        self._observed: str | None = None   # the payload with_persisted made last (observed)

    @property
    def store(self) -> UserStore:
        """The fake Management API user store (persisted metadata across a chunk's logins)."""
        if self._store is None:
            self._store = UserStore()
        return self._store

    def reset_store(self) -> None:
        """Forget persisted metadata (a new chunk of users starts)."""
        self._store = None
        self.written = set()
        self._observed = None

    def with_persisted(self, payload: str) -> str:
        """``payload`` with its user as the store holds it (metadata persisted earlier)."""
        login = loads(payload)
        login["user"] = self.store.observe_view(login.get("user") or {})
        out = dumps(login)
        self._observed = out
        return out

    def persisted_overlay(self, payload: str) -> str | None:
        """What :meth:`with_persisted` lays over ``payload``'s user, as JSON ('' when nothing
        was persisted for it); None when only the whole payload can say it (a login without
        a user object, or an attribute JavaScript would take for the prototype).

        The store learns the user as :meth:`with_persisted` makes it learn it.
        """
        user = login_user(payload)
        if not isinstance(user, dict):
            return None
        overlay = self.store.observe_overlay(user)
        if not overlay:
            return ""
        if "__proto__" in overlay:
            return None
        return dumps(overlay)

    def login_state(self, login_id: str, seed: int, payload: str) -> LoginHost:
        """A fresh host state for one pass over a login (see :class:`LoginHost`)."""
        return LoginHost(self, login_id, seed, payload)

    # --- passes ---------------------------------------------------------------------------------
    def begin_pass(self, payload: str, login_id: str, seed: int, *,
                   bare: bool = False) -> RulePass:
        """Start a pass: the sandbox holds the login's fresh ``user`` and ``context``."""
        res = RulePass(len(self.names), LoginHost(self, login_id, seed, payload))
        state = res.state
        t0 = _perf()
        start = self.sandbox.begin(payload, seed, bare=bare)
        state.cpu_begin = _perf() - t0
        state.start = state.now = start
        return res

    def resume_pass(self, payload: str, login_id: str, seed: int, left: Sequence[Any]) -> RulePass:
        """The host's side of a login that left a batch: ``left`` as the batch returned it
        (``[j, rule, status, clock, cpuBegin, cpu]``, times in ns); the sandbox holds the login."""
        _, rule, status, clock, cpu_begin, cpu = left
        res = RulePass(len(self.names), LoginHost(self, login_id, seed, payload))
        state = res.state
        state.start = state.now = float(clock)
        state.cpu_begin = cpu_begin
        res.cpu_ns[:len(cpu)] = cpu
        state.current = rule if status != _DONE else rule - 1
        res.rule_start = state.now
        return res

    def failed_pass(self, payload: str, login_id: str, seed: int, rule: int,
                    exc: EngineError, *, state: LoginHost | None = None,
                    measured: Mapping[str, Any] | None = None) -> RulePass:
        """A pass whose engine failed in ``rule`` inside a batch.

        ``state`` is the host state of a login the batch drove inline (its calls and
        persisted writes), ``measured`` what the prelude had measured of it (``{cpu,
        cpuBegin, io, ioTotal}``: ns, ns, ms, ms); without them the host drove nothing.
        """
        res = RulePass(len(self.names), state or LoginHost(self, login_id, seed, payload))
        res.fatal = (rule, exc)
        res.stopped = True
        if measured:
            cpu, io = measured.get("cpu") or [], measured.get("io") or []
            n = min(len(res.cpu_ns), len(cpu))
            res.cpu_ns[:n] = [int(x or 0) for x in cpu[:n]]
            n = min(len(res.io_ms), len(io))
            res.io_ms[:n] = [float(x or 0) for x in io[:n]]
            res.io_total = float(measured.get("ioTotal") or 0)
            res.state.cpu_begin = int(measured.get("cpuBegin") or 0)
        return res

    def run_rules(self, res: RulePass, lo: int, hi: int, *, first_status: int | None = None) -> None:
        """Run active rules ``lo`` to ``hi - 1`` of a pass, until one does not call back.

        After a rule calls back, the promise jobs it may have left (code after ``callback``
        in an ``async`` rule) run before the next rule starts. ``res.stopped`` is set when the
        pass ended early (a failure, a timeout or an engine error). ``first_status`` is the
        status rule ``lo`` already returned, for a login that left a batch inside that rule.
        """
        if res.stopped:
            return
        sb = self.sandbox
        state, cpu_ns, io_ms = res.state, res.cpu_ns, res.io_ms
        start = state.start
        deadline = self.limits.pipeline_timeout_ms
        invalid = sb.invalid
        run_rule = sb.run_rule   # the hot call: no wrapper frames
        perf = _perf
        skip_to = lo   # Action steps before it ran chained after the one the host drove
        for i in range(lo, hi):
            if i < skip_to:
                continue
            if first_status is not None and i == lo:
                st = first_status
                rule_start = res.rule_start
                t = perf()
            else:
                if invalid and i in invalid:
                    sb.host_fail(i, ErrorCode.INVALID_RULE, sb.invalid_message(i))
                    res.stopped = True
                    return
                state.current = i
                rule_start = state.now
                t = perf()
            try:
                if first_status is None or i != lo:
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
                            sb.host_fail(i, ErrorCode.SERVICE_HANDLER_ERROR, state.handler_error)
                            st = _FAILED
                            break
                    if sb.run_jobs():
                        st = sb.status(i)
                        continue
                    nxt = state.next_event_time()
                    if nxt is None:
                        res.timed_out = (i, ErrorCode.CALLBACK_NOT_CALLED,
                                         f"{self.labels[i]} never called callback "
                                         "and had nothing left to wait for")
                        break
                    if nxt - start > deadline:
                        res.timed_out = (i, ErrorCode.PIPELINE_TIMEOUT,
                                         f"the rules did not finish within {deadline:g} ms "
                                         f"({self.labels[i]} was waiting)")
                        break
                    state.advance_to(nxt)
                    st = sb.status(i)
            except EngineError as exc:
                cpu_ns[i] += _perf() - t
                res.fatal = (i, exc)
                res.stopped = True
                return
            cpu_ns[i] += _perf() - t
            io_ms[i] = state.now - rule_start
            if st >= _CHAINED:
                # Done, and so are the next Action steps it chained (Status.CHAINED).
                skip_to = i + 1 + st // _CHAINED
                state.current = skip_to - 1
            elif st != _DONE:
                res.stopped = True
                return

    def end_pass(self, res: RulePass, *, pending: bool = False) -> None:
        """Finish a pass: apply a timeout, complete fire-and-forget I/O, read the record.

        With ``pending``, the record stays with the sandbox's deferred records
        (:meth:`~rulesim.runtime.sandbox.Sandbox.finish_pending`): ``res.block`` is then None,
        or every deferred record when the login hit the memory limit.
        """
        sb = self.sandbox
        state = res.state
        start = state.start
        deadline = self.limits.pipeline_timeout_ms
        if res.timed_out is not None:
            # The login ends at the deadline on the virtual clock.
            state.now = max(state.now, start + deadline)
            res.io_ms[res.timed_out[0]] = state.now - res.rule_start
        res.io_total = state.now - start
        if res.fatal is None:
            try:
                if res.timed_out is not None:
                    sb.host_fail(res.timed_out[0], res.timed_out[1], res.timed_out[2])
                else:
                    state.drain_fire_and_forget(start + deadline)
                host_json = self._host_json(res)
                res.block = sb.finish_pending(host_json) if pending else sb.finish(host_json)
            except EngineError as exc:
                res.fatal = (state.current if state.current >= 0 else 0, exc)
        if res.fatal is not None or (res.block is not None and res.block.rebuild):
            self.engine_failed()

    def engine_failed(self) -> None:
        """Rebuild the sandbox after a fatal engine error, keeping its coverage counters."""
        with contextlib.suppress(EngineError, ValueError):
            self.pending_coverage.append(self.sandbox.take_coverage())
        self.sandbox.rebuild()

    def _host_json(self, res: RulePass) -> str:
        # Every rule, and the Action steps up to the last one that ran or made a call (Actions
        # have a step per leg; the prelude reads a missing step as 0).
        n = max(res.state.current + 1, len(self.sandbox.rules))
        for c in res.state.calls:
            n = max(n, c[1] + 1)
        calls = [0] * n
        for c in res.state.calls:
            if c[1] >= 0:
                calls[c[1]] += 1
        # Times in integer ns, and no 0.0 for an I/O time of 0: the prelude reads and writes
        # integers far faster than fractions.
        return dumps({
            "cpuBegin": res.state.cpu_begin, "cpu": res.cpu_ns[:n],
            "io": [x if x else 0 for x in res.io_ms[:n]], "calls": calls,
            "ioTotal": res.io_total,
            "timedOut": res.timed_out[0] if res.timed_out is not None else -1,
        })

    def failure_block(self, res: RulePass, positions: Sequence[int], n_rules: int) -> LoginBlock:
        """The record of a pass whose engine failed (see :func:`engine_failure_block`)."""
        assert res.fatal is not None
        k, exc = res.fatal
        calls = [0] * len(res.cpu_ns)
        for c in res.state.calls:
            if c[1] >= 0:
                calls[c[1]] += 1
        return engine_failure_block(
            n_rules, positions, k, exc.code.value, f"{self.labels[k]}: {exc}",
            cpu_us=[ns / 1000.0 for ns in res.cpu_ns], io_ms=res.io_ms, calls=calls,
            cpu_begin_us=res.state.cpu_begin / 1000.0, io_total_ms=res.io_total,
            error_mapping=self.limits.error_mapping)

    def fork_pass(self, source: RulePass, snapshot: str) -> RulePass:
        """Continue here a pass another host ran up to a rule boundary.

        ``snapshot`` is the other sandbox's ``export_state()`` taken at that boundary; the
        rules before it are the same rules in both pipelines (see :mod:`rulesim.paired`).
        The host side is copied: timings, calls, persisted writes (replayed into this host's
        user store) and the state of the services' random draws.
        """
        src = source.state
        state = LoginHost(self, src.login_id, src.seed, src.payload)
        res = RulePass(len(self.names), state)
        k = src.current + 1
        res.cpu_ns[:k] = source.cpu_ns[:k]
        res.io_ms[:k] = source.io_ms[:k]
        res.stopped = source.stopped
        res.rule_start = source.rule_start
        state.start, state.now, state.cpu_begin = src.start, src.now, src.cpu_begin
        state.current = src.current
        state.calls = [list(c) for c in src.calls]
        state.persisted = list(src.persisted)
        state.copy_rng(src)
        for op, args in src.mgmt_ops:
            state.replay_mgmt(op, args)
        state.observed = src.observed
        self.sandbox.begin_from(snapshot)
        return res


class LoginHost:
    """Host-side state of one pass over one login: virtual clock, pending answers, calls."""

    def __init__(self, host: Host, login_id: str, seed: int, payload: str) -> None:
        self.host = host
        self.payload = payload
        # The store knows the login's user already when with_persisted made this payload.
        self.observed = payload is host._observed
        self.sb = host.sandbox
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
        self.wrote: set[str] = set()
        """Users whose metadata this pass persisted."""
        self.handler_error: str | None = None
        self._rng: random.Random | None = None
        self._ended = False
        self._timer_t = -1.0

    @property
    def rng(self) -> random.Random:
        """The services' random draws for this login (seeded by the login)."""
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng

    def copy_rng(self, other: LoginHost) -> None:
        """Continue ``other``'s random draws (a pass forked from another host's)."""
        if other._rng is not None:
            self._rng = random.Random()
            self._rng.setstate(other._rng.getstate())

    def read_outbox(self) -> None:
        """Answer every host operation the rules queued."""
        for op_id, kind, rule, payload in self.sb.take_outbox():
            answer = self.answer(kind, rule, payload)
            if answer is None:
                continue
            latency, call, err, resp = answer
            if latency is not None:   # (None: the handler raised; handler_error says how)
                heapq.heappush(self.events, (self.now + latency, op_id, call, err, resp))

    def answer(self, kind: str, rule: int, payload: Mapping[str, Any]
               ) -> tuple[float | None, int, str, str] | None:
        """Answer one host operation of rule ``rule``: ``(latency_ms, call, error_json,
        response_json)``, ``call`` being the index of its row in :attr:`calls`.

        A fake service's handler that raised gives ``(None, call, message, "")`` (the message
        is :attr:`handler_error` too); an operation of an unknown kind has no answer (None).
        """
        if kind == "http":
            return self._http(rule, payload)
        if kind == "mgmt":
            return self._mgmt(rule, payload)
        return None

    def _http(self, rule: int, req: Mapping[str, Any]) -> tuple[float | None, int, str, str]:
        method = str(req.get("method") or "GET").upper()
        url = str(req.get("url") or "")
        headers = {str(k).lower(): str(v) for k, v in (req.get("headers") or {}).items()}
        body = req.get("body")
        timeout = req.get("timeoutMs")
        request = HttpRequest(method=method, url=url, headers=headers,
                              body=None if body is None else str(body),
                              timeout_ms=float(timeout) if timeout else None)
        try:
            res = self.host.services.handle(request, self.rng)
        except ServiceHandlerError as exc:
            self.handler_error = (f"{self.host.labels[rule]}: the fake service "
                                  f"handler for {method} {url} raised: {exc}")
            self.calls.append([self.login_id, rule, "http", method, url, None, 0.0,
                               getattr(exc, "route", None), "handler_error", False])
            return None, len(self.calls) - 1, self.handler_error, ""
        call = [self.login_id, rule, "http", method, url, res.status, res.latency_ms, res.route,
                res.error, False]
        self.calls.append(call)
        if res.error:
            err = json.dumps({"message": res.error_message or res.error, "code": res.error})
            resp = ""
        else:
            err = ""
            # Static answers repeat: serialise each distinct one once per host.
            key = (res.route, res.status, res.body, tuple(res.headers.items()))
            cache = self.host.answer_cache
            cached = cache.get(key)
            if cached is None:
                cached = json.dumps({"status": res.status, "headers": res.headers,
                                     "body": res.body})
                if len(cache) < 10_000:
                    cache[key] = cached
            resp = cached
        return res.latency_ms, len(self.calls) - 1, err, resp

    def _mgmt(self, rule: int, payload: Mapping[str, Any]) -> tuple[float, int, str, str]:
        op = str(payload.get("op"))
        args = payload.get("args") or {}
        self.mgmt_ops.append((op, args))
        self.observe_user()
        url = f"/api/v2/users/{args.get('id', '')}" if "id" in args else "/api/v2/users"
        try:
            resp, changes = self.host.store.call_json(op, args)
            status, err = 200, ""
            for ch in changes:
                # Paths are relative to the target, like the in-memory changes.
                path = ch.path
                if path.startswith(ch.target + "."):
                    path = path[len(ch.target) + 1:]
                elif path == ch.target:
                    path = ""
                self.persisted.append((rule, ch.target, path, ch.op,
                                       None if ch.before is None else change_json(ch.before),
                                       None if ch.after is None else change_json(ch.after)))
                self.host.written.add(ch.user_id)
                self.wrote.add(ch.user_id)
        except ManagementApiError as exc:
            status = exc.status_code
            err = json.dumps({"message": str(exc), "statusCode": exc.status_code,
                              "name": "APIError"})
            resp = ""
        self.calls.append([self.login_id, rule, "management", op, url, status,
                           MANAGEMENT_LATENCY_MS, "auth0-management-api", None, False])
        return MANAGEMENT_LATENCY_MS, len(self.calls) - 1, err, resp

    def observe_user(self) -> None:
        """Let the store learn this login's user, once a login: the first time a rule talks to
        the API, or the Actions' metadata is written (:meth:`UserStore.observe_overlay`, which
        registers it as :meth:`UserStore.observe` does without building the merged copy)."""
        if not self.observed:
            self.observed = True
            self.host.store.observe_overlay(login_user(self.payload) or {})

    def replay_mgmt(self, op: str, args: Any) -> None:
        """Apply to this host's store a Management API call another host answered."""
        self.mgmt_ops.append((op, args))
        self.observe_user()
        with contextlib.suppress(ManagementApiError):
            _, changes = self.host.store.call(op, args)
            for ch in changes:
                self.host.written.add(ch.user_id)
                self.wrote.add(ch.user_id)

    def next_event_time(self) -> float | None:
        """Virtual time of the next answer or timer (None: nothing left to wait for)."""
        t_timer = self._timer_t = self.sb.next_timer()
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
            self.sb.deliver(op_id, err, resp, self.now)
            self.sb.run_jobs()
        if 0 <= self._timer_t <= self.now:
            self.sb.fire_timers(self.now)
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
            self._timer_t = self.sb.next_timer()
            self.advance_to(t)
