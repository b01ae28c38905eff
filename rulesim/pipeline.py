"""Run a rule set over logins: login policy over the sandbox and its host.

A :class:`Pipeline` owns one sandbox (:class:`~rulesim.runtime.sandbox.Sandbox`) and its host
(:class:`~rulesim.runtime.host.Host`, which drives rules that wait on fake services, the
Management API or timers). It decides what a login is: which payload it runs on (metadata
earlier logins of the same user persisted), when ``global`` is emptied, what a redirect does
(stop, or a second pass on ``/continue``), and it appends every login's records to a
:class:`~rulesim.records.Columns` sink.

Logins whose rules never need the host run in batches inside JavaScript
(:meth:`Pipeline.run_many`): one engine call runs a batch through the whole rule set. A
login that starts I/O or a timer leaves the batch where it stands and continues on the host
loop; the results are the same as running every login on its own.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rulesim.records import Columns
from rulesim.runtime._node_errors import reword_block
from rulesim.runtime.engine import EngineError
from rulesim.runtime.host import MANAGEMENT_LATENCY_MS, Host, RulePass
from rulesim.runtime.limits import Limits
from rulesim.runtime.rows import LoginBlock
from rulesim.runtime.sandbox import (
    NO_REDIRECT_PROTOCOLS,
    RecordLayout,
    Sandbox,
    SandboxOptions,
    Status,
)
from rulesim.runtime.services import Services
from rulesim.sources import Rule

__all__ = ["DEFAULT_BATCH_SIZE", "MANAGEMENT_LATENCY_MS", "NO_REDIRECT_PROTOCOLS",
           "ContinueHandler", "Pipeline", "login_seed"]

ContinueHandler = Callable[[dict[str, Any], str], Mapping[str, Any] | None]
"""``handler(login, redirect_url) -> body``: what the redirect target posts to /continue."""

DEFAULT_BATCH_SIZE = 64
"""Logins per engine call when rules need no host work (see :meth:`Pipeline.run_many`)."""

_CONTINUE_SEED = 0x5BD1E995


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
    batch_size
        Most logins one engine call runs (1: every login on the host loop). Results do not
        depend on it.
    """

    def __init__(self, rules: Sequence[Rule], configuration: Mapping[str, str], *,
                 limits: Limits | None = None, services: Any = None,
                 options: SandboxOptions | None = None, seed: int = 0,
                 on_redirect: str = "stop",
                 continue_handler: ContinueHandler | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.all_rules = list(rules)
        self.on_redirect = on_redirect
        self.continue_handler = continue_handler
        self.active = [r for r in self.all_rules if r.enabled]
        self.limits = limits or Limits()
        self.seed = seed
        self.batch_size = max(1, int(batch_size))
        self._batch_now = self.batch_size   # adapts to how often logins leave their batch
        self._leaves = 0
        # Position of each active rule in the full list (for skipped disabled rules).
        self._active_pos = [i for i, r in enumerate(self.all_rules) if r.enabled]
        self._names = [r.name for r in self.all_rules]
        self._orders = [r.order for r in self.all_rules]
        layout = RecordLayout(tuple(self._names), tuple(self._active_pos),
                              continue_redirects=on_redirect == "continue")
        self.sandbox = Sandbox(self.active, configuration, self.limits, options, layout=layout)
        self.host = Host(self.sandbox, services if services is not None else Services(),
                         self.limits)

    @property
    def services(self) -> Services:
        """The fake external services this pipeline's host answers with."""
        return self.host.services

    @property
    def store(self) -> Any:
        """The fake Management API user store (persisted metadata across this run's logins)."""
        return self.host.store

    def collect_coverage(self, sink: Columns) -> None:
        """Move the coverage counters gathered so far into ``sink``."""
        for counts in self.host.pending_coverage:
            sink.add_coverage(counts)
        self.host.pending_coverage = []
        with contextlib.suppress(EngineError):
            sink.add_coverage(self.sandbox.take_coverage())

    def reset_store(self) -> None:
        """Forget persisted metadata (a new chunk of users starts)."""
        self.host.reset_store()

    def reset(self) -> None:
        """Empty ``global`` and the user store (a new chunk starts)."""
        self.sandbox.reset_global()
        self.reset_store()

    def collect(self, sink: Columns) -> None:
        """Move what the pipeline gathered beside the rows (coverage counters) into ``sink``."""
        self.collect_coverage(sink)

    # --- one login ------------------------------------------------------------------------------
    def run(self, payload: str, index: int, sink: Columns, *, login_id: str,
            user_id: str | None = None) -> None:
        """Run one login (its JSON payload) on the host loop and append its records to ``sink``."""
        payload = self.prepare(payload, index, user_id)
        self.run_prepared(payload, sink, login_id=login_id, user_id=user_id,
                          seed=login_seed(self.seed, index))

    def run_prepared(self, payload: str, sink: Columns, *, login_id: str,
                     user_id: str | None, seed: int) -> None:
        """Run one login whose payload :meth:`prepare` returned, with its login seed."""
        host = self.host
        res = host.begin_pass(payload, login_id, seed)
        host.run_rules(res, 0, len(self.active))
        host.end_pass(res)
        self.complete(sink, payload, res, login_id=login_id, user_id=user_id, seed=seed)

    def prepare(self, payload: str, index: int, user_id: str | None) -> str:
        """Get the sandbox ready for the login at ``index``; return the payload to run.

        The payload carries the metadata earlier logins of the same user persisted through
        the Management API, and ``global`` is emptied if the reset policy says so.
        """
        if self.limits.resets_global_before(index):
            self.sandbox.reset_global()
        return self._persisted(payload, user_id)

    def _persisted(self, payload: str, user_id: str | None) -> str:
        if user_id is not None and user_id in self.host.written:
            return self.host.with_persisted(payload)
        return payload

    def complete(self, sink: Columns, payload: str, first: RulePass, *, login_id: str,
                 user_id: str | None, seed: int) -> None:
        """Record a finished first pass (and run the ``/continue`` pass after a redirect)."""
        block = self._block(first)
        result = block.login(0)
        if result["outcome"] == "redirect" and self.on_redirect == "continue":
            self._add(sink, block, first, [login_id], [user_id], "initial", logins=False)
            body = self.continue_handler(json.loads(payload), result["redirect_url"]) \
                if self.continue_handler is not None else {}
            second_payload = _continuation(payload, body)
            if user_id is not None and user_id in self.host.written:
                second_payload = self.host.with_persisted(second_payload)
            host = self.host
            second = host.begin_pass(second_payload, login_id, seed ^ _CONTINUE_SEED)
            host.run_rules(second, 0, len(self.active))
            host.end_pass(second)
            again_block = self._block(second)
            self._add(sink, again_block, second, [login_id], [user_id], "continue", logins=False)
            again = again_block.login(0)
            again["redirect_url"] = result["redirect_url"]
            again["cpu_ms"] += result["cpu_ms"]
            again["latency_ms"] += result["latency_ms"]
            again["rules_run"] += result["rules_run"]
            again["flags"] = ",".join(sorted({*result["flags"].split(","),
                                              *again["flags"].split(","), "continued"} - {""}))
            if again["outcome"] == "redirect":
                # context.redirect is ignored on /continue: one redirect per login.
                again["outcome"] = "allowed"
            if again["outcome"] in ("error", "timeout"):
                again["app_error"] = self.limits.error_mapping
            pos = again["deciding_rule"]
            again["deciding_rule"] = self._names[pos] if pos >= 0 else None
            sink.add_login(login_id=login_id, user_id=user_id, **again)
            return
        self._add(sink, block, first, [login_id], [user_id], "initial")

    def _block(self, res: RulePass) -> LoginBlock:
        if res.block is not None:
            return res.block
        return self.host.failure_block(res, self._active_pos, len(self._names))

    def _add(self, sink: Columns, block: LoginBlock, res: RulePass | None,
             login_ids: Sequence[str], user_ids: Sequence[str | None], phase: str, *,
             logins: bool = True) -> None:
        """Append a block's rows, and for a pass the host drove, its calls and persisted writes
        (after the login's own changes)."""
        reword_block(block, self.all_rules)  # V8's wording and line for QuickJS's (fidelity)
        sink.add_block(block, login_ids, user_ids, self._names, self._orders, phase,
                       logins=logins)
        if res is None:
            return
        state = res.state
        login_id = login_ids[0]
        pos_of = self._active_pos
        if state.persisted:
            sink.add_changes(login_id, self._names, [
                [pos_of[r], target, path, op, before, after, 1]
                for r, target, path, op, before, after in state.persisted], phase)
        if state.calls:
            sink.add_calls(login_id, self._names, [
                [pos_of[c[1]] if c[1] >= 0 else -1, *c[2:]] for c in state.calls], phase)

    # --- many logins ----------------------------------------------------------------------------
    def run_many(self, payloads: Sequence[str], start: int, sink: Columns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None:
        """Run consecutive logins (population indexes ``start``, ``start + 1``, …) into ``sink``.

        The same as calling :meth:`run` for each in turn. Logins run in batches of up to
        ``batch_size`` inside one engine call; a login whose rules need the host leaves its
        batch and continues on the host loop, and the batch then resumes after it. Batches
        shrink while most of their logins leave (rules that call services for every login
        gain nothing from a batch) and grow back when they do not. ``on_progress(done)`` is
        called with the logins done so far between batches (it only reports).
        """
        n = len(payloads)
        k = 0
        while k < n:
            if on_progress is not None and k:
                on_progress(k)
            if self.batch_size <= 1:
                self.run(payloads[k], start + k, sink, login_id=login_ids[k],
                         user_id=user_ids[k])
                k += 1
                continue
            end = min(n, k + self._batch_now)
            # A batch never spans a reset of `global` (the reset runs before its first login).
            for x in range(k + 1, end):
                if self.limits.resets_global_before(start + x):
                    end = x
                    break
            self._leaves = 0
            done = self._run_batch(payloads, start, k, end, sink, login_ids, user_ids)
            if self._leaves * 4 > done - k:
                self._batch_now = max(1, self._batch_now // 2)
            elif self._leaves == 0:
                self._batch_now = min(self.batch_size, self._batch_now * 2)
            k = done

    def _run_batch(self, payloads: Sequence[str], start: int, lo: int, hi: int, sink: Columns,
                   login_ids: Sequence[str], user_ids: Sequence[str | None]) -> int:
        """Run logins ``lo`` to ``hi - 1`` as one batch; return the index to continue at."""
        sb = self.sandbox
        if self.limits.resets_global_before(start + lo):
            sb.reset_global()
        prepared = [self._persisted(payloads[x], user_ids[x]) for x in range(lo, hi)]
        seeds = [login_seed(self.seed, start + x) for x in range(lo, hi)]
        k = lo
        try:
            block = sb.run_batch("[" + ",".join(prepared) + "]", json.dumps(seeds))
            while True:
                self._add(sink, block, None, login_ids[k:k + block.n], user_ids[k:k + block.n],
                          "initial")
                k += block.n
                if block.rebuild:
                    # A rule ran out of memory: a fresh engine runs the next batch.
                    self.host.engine_failed()
                    return k
                if block.left is None:
                    return k
                rebuilds = sb.rebuilds
                self._leaves += 1
                wrote = self._continue_left(block.left, prepared[k - lo], seeds[k - lo], sink,
                                            login_ids[k], user_ids[k])
                k += 1
                if k >= hi or sb.rebuilds != rebuilds:
                    # Done, or the engine failed while the host drove that login (the batch
                    # went with it): the next batch starts at k.
                    return k
                # Later logins of a user whose metadata that login persisted run on it.
                for x in range(k, hi):
                    if user_ids[x] in wrote:
                        prepared[x - lo] = self.host.with_persisted(payloads[x])
                        sb.replace_batch_login(x - lo, prepared[x - lo])
                block = sb.resume_batch(k - lo)
        except EngineError as exc:
            return self._batch_failed(exc, payloads, k, lo, hi, prepared, seeds, sink,
                                      login_ids, user_ids)

    def _continue_left(self, left: Sequence[Any], payload: str, seed: int, sink: Columns,
                       login_id: str, user_id: str | None) -> set[str]:
        """Finish on the host loop a login that left its batch; the users it persisted for."""
        host = self.host
        res = host.resume_pass(payload, login_id, seed, left)
        rule, status = int(left[1]), int(left[2])
        if status == int(Status.DONE):
            host.run_rules(res, rule, len(self.active))
        else:
            host.run_rules(res, rule, len(self.active), first_status=status)
        host.end_pass(res)
        self.complete(sink, payload, res, login_id=login_id, user_id=user_id, seed=seed)
        return res.state.wrote

    def _batch_failed(self, exc: EngineError, payloads: Sequence[str], k: int, lo: int, hi: int,
                      prepared: list[str], seeds: list[int], sink: Columns,
                      login_ids: Sequence[str], user_ids: Sequence[str | None]) -> int:
        """The engine failed inside a batch (a CPU, memory or stack limit): keep the logins it
        finished, record the failing one as the host loop would, rebuild, continue after it."""
        done = self.sandbox.take_batch()
        if done is None or done.left is None:
            # The engine cannot say how far it got: run the rest login by login (their
            # `global` starts empty, as after any engine failure).
            self.host.engine_failed()
            for x in range(k, hi):
                self.run_prepared(self._persisted(payloads[x], user_ids[x]), sink,
                                  login_id=login_ids[x], user_id=user_ids[x], seed=seeds[x - lo])
            return hi
        self._add(sink, done, None, login_ids[k:k + done.n], user_ids[k:k + done.n], "initial")
        k += done.n
        res = self.host.failed_pass(prepared[k - lo], login_ids[k], seeds[k - lo],
                                    max(0, int(done.left[1])), exc)
        self.host.engine_failed()
        self._add(sink, self._block(res), res, [login_ids[k]], [user_ids[k]], "initial")
        return k + 1

    # --- benchmarks -----------------------------------------------------------------------------
    def floor(self, payload: str) -> int:
        """The benchmark floor: the same rules on the same input, nothing recorded.

        Rules that wait on the host (HTTP, the Management API, timers) cannot finish here;
        :meth:`baseline` runs them.
        """
        return self.sandbox.floor(payload)

    def floor_batch(self, payloads: Sequence[str]) -> int:
        """The floor of many logins in one engine call (the batched floor)."""
        return self.sandbox.floor_batch(payloads)

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
        host = self.host
        res = host.begin_pass(payload, "", login_seed(self.seed, index), bare=True)
        host.run_rules(res, 0, len(self.active))
        try:
            if res.fatal is None:
                if res.timed_out is None:
                    res.state.drain_fire_and_forget(
                        res.state.start + self.limits.pipeline_timeout_ms)
                return self.sandbox.finish_bare()
        except EngineError:
            pass
        self.sandbox.rebuild()
        return 0


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
