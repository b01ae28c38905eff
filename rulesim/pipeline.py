"""Run a rule set over logins: login policy over the sandbox and its host.

A :class:`Pipeline` owns one sandbox (:class:`~rulesim.runtime.sandbox.Sandbox`) and its host
(:class:`~rulesim.runtime.host.Host`, which drives rules that wait on fake services, the
Management API or timers). It decides what a login is: which payload it runs on (metadata
earlier logins of the same user persisted), when ``global`` is emptied, what a redirect does
(stop, or a second pass on ``/continue``), and it appends every login's records to a
:class:`~rulesim.records.Columns` sink.

Logins run in batches inside JavaScript (:meth:`Pipeline.run_many`): one engine call runs a
batch through the whole rule set. A login that starts I/O or a timer is driven where it
stands, inside the batch, by the prelude's copy of the host loop while the host answers its
operations (:mod:`rulesim.runtime.inline`), or, where its records cannot wait in the engine,
leaves the batch and continues on the host loop; the results are the same as running every
login on its own. The records of a batch's
logins, those the host finished included, stay in the engine and cross as one block every few
dozen logins (:mod:`rulesim.batches`).

A tenant's post-login Actions run after its Rules, in the same login, on the host loop (a login
the rules allowed leaves its batch there). The host drives each Action's handler as one more
step; the pipeline decides what a suspension does (a redirect or a form: stop, or continue with
the ``continue_handler``'s answer; an MFA challenge: completed with the first factor offered),
gives each leg its own deadline, and writes the flow's metadata to the user store.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rulesim.batches import BatchRunner, login_seed
from rulesim.errors import ErrorCode
from rulesim.outcomes import LoginOutcome
from rulesim.records import Columns
from rulesim.runtime._node_errors import reword_block
from rulesim.runtime.actions import MAX_LEGS, ActionsSetup, node_major, row_names
from rulesim.runtime.engine import EngineError
from rulesim.runtime.host import MANAGEMENT_LATENCY_MS, Host, RulePass
from rulesim.runtime.limits import Limits
from rulesim.runtime.rows import LoginBlock
from rulesim.runtime.sandbox import (
    NO_REDIRECT_PROTOCOLS,
    RecordLayout,
    Sandbox,
    SandboxOptions,
)
from rulesim.runtime.services import Services
from rulesim.runtime.services.management import ManagementApiError
from rulesim.sources import Action, Rule

__all__ = ["DEFAULT_BATCH_SIZE", "MANAGEMENT_LATENCY_MS", "NO_REDIRECT_PROTOCOLS",
           "ContinueHandler", "Pipeline", "login_seed"]

ContinueHandler = Callable[[dict[str, Any], str], Mapping[str, Any] | None] | Mapping[str, Any]
"""``handler(login, redirect_url) -> body``: what the redirect target posts to /continue (or
the body itself, for every redirect)."""

DEFAULT_BATCH_SIZE = 64
"""Logins per engine call when rules need no host work (see :meth:`Pipeline.run_many`)."""

_CONTINUE_SEED = 0x5BD1E995


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
        Supplies the body the redirect target posts back (a picklable function), or that body
        itself (a mapping: the same answer for every redirect).
    batch_size
        Most logins one engine call runs (1: every login on the host loop). Results do not
        depend on it.
    actions
        Every post-login Action of the tenant in flow order (they run after the rules; unbound
        ones are recorded as skipped). A redirect, a form or an MFA challenge suspends the
        flow: ``on_redirect`` says whether a redirect or a form continues, with
        ``continue_handler(login, url)`` answering (the body posted to ``/continue``, or a
        form's fields; a form's ``url`` is ``prompt:<form id>``); a challenge always
        completes, with the first factor offered.
    action_secrets
        ``event.secrets`` of each Action, by name.
    action_settings
        Actions settings that differ from :data:`rulesim.runtime.actions.SETTINGS`.
    """

    def __init__(self, rules: Sequence[Rule], configuration: Mapping[str, str], *,
                 limits: Limits | None = None, services: Any = None,
                 options: SandboxOptions | None = None, seed: int = 0,
                 on_redirect: str = "stop",
                 continue_handler: ContinueHandler | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, actions: Sequence[Action] = (),
                 action_secrets: Mapping[str, Mapping[str, str]] | None = None,
                 action_settings: Mapping[str, Any] | None = None) -> None:
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
        self._kinds = ["rule"] * len(self._names)
        # Actions' rows follow the rules' (names unique across both).
        all_actions = list(actions)
        self.actions = [a for a in all_actions if a.enabled and a.deployed and a.post_login]
        n_rows = len(self._names)
        action_names = row_names(self._names, [a.name for a in all_actions])
        action_pos = [n_rows + k for k, a in enumerate(all_actions) if a in self.actions]
        self._names += action_names
        self._orders += [a.order for a in all_actions]
        self._kinds += ["action"] * len(all_actions)
        setup = None
        if self.actions:
            secrets = action_secrets or {}
            setup = ActionsSetup(tuple(self.actions),
                                 tuple(dict(secrets.get(a.name, {})) for a in self.actions),
                                 dict(action_settings or {}),
                                 tuple(r.id for r in self.active),
                                 tuple(action_names[action_pos[k] - n_rows]
                                       for k in range(len(self.actions))))
        self.n_actions = len(self.actions)
        # Every row's source, for V8's wording of errors (an Action's code stands for it).
        self._sources = self.all_rules + [Rule(name=n, source=a.code, order=a.order)
                                          for n, a in zip(action_names, all_actions, strict=True)]
        # ... and the Node version it runs on (Rules: 18, Auth0's last Rules runtime).
        self._node_majors = [18] * len(self.all_rules) + [node_major(a.runtime)
                                                          for a in all_actions]
        # Row position of every step the host drives: the rules, then each Action per leg.
        self._step_pos = self._active_pos + action_pos * MAX_LEGS
        self._shared_budget = (setup is not None and
                               setup.settings.get("mixed_budget") == "shared")
        self._action_timeout = float(setup.settings.get("timeout_ms", self.limits.pipeline_timeout_ms)
                                     if setup is not None else self.limits.pipeline_timeout_ms)
        layout = RecordLayout(tuple(self._names), tuple(self._active_pos),
                              continue_redirects=on_redirect == "continue",
                              action_positions=tuple(action_pos), rule_rows=n_rows)
        self.sandbox = Sandbox(self.active, configuration, self.limits, options, layout=layout,
                               actions=setup)
        self.host = Host(self.sandbox, services if services is not None else Services(),
                         self.limits)
        self.batches = BatchRunner(self)
        """Runs :meth:`run_many`'s batches (:mod:`rulesim.batches`)."""

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
        self._steps(res, payload)
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
        self._write_metadata(first)
        result = block.login(0)
        if result["outcome"] == LoginOutcome.REDIRECT and self.on_redirect == "continue" and \
                not self._actions_suspended(first):
            self._add(sink, block, first, [login_id], [user_id], "initial", logins=False)
            body = self._answer(payload, result["redirect_url"])
            second_payload = _continuation(payload, body)
            if user_id is not None and user_id in self.host.written:
                second_payload = self.host.with_persisted(second_payload)
            host = self.host
            second = host.begin_pass(second_payload, login_id, seed ^ _CONTINUE_SEED)
            # The Actions run after the rules' second pass, on the original protocol.
            self._steps(second, _with_protocol(second_payload, payload))
            host.end_pass(second)
            again_block = self._block(second)
            self._write_metadata(second)
            self._add(sink, again_block, second, [login_id], [user_id], "continue", logins=False)
            again = again_block.login(0)
            again["redirect_url"] = result["redirect_url"]
            again["cpu_ms"] += result["cpu_ms"]
            again["latency_ms"] += result["latency_ms"]
            again["rules_run"] += result["rules_run"]
            again["flags"] = ",".join(sorted({*result["flags"].split(","),
                                              *again["flags"].split(","), "continued"} - {""}))
            if again["outcome"] == LoginOutcome.REDIRECT:
                # context.redirect is ignored on /continue: one redirect per login.
                again["outcome"] = LoginOutcome.ALLOWED.value
            if again["outcome"] in (LoginOutcome.ERROR, LoginOutcome.TIMEOUT):
                again["app_error"] = self.limits.error_mapping
            pos = again["deciding_rule"]
            again["deciding_rule"] = self._names[pos] if pos >= 0 else None
            sink.add_login(login_id=login_id, user_id=user_id, **again)
            return
        self._add(sink, block, first, [login_id], [user_id], "initial")

    def run_from(self, res: RulePass, payload: str, lo: int) -> None:
        """Continue a pass from active rule ``lo``: the rest of the rules, then the Actions.

        For a pass that another pipeline ran up to ``lo`` and this one took over
        (:meth:`Host.fork_pass`; see :mod:`rulesim.paired` and :mod:`rulesim.staged`). Call
        ``host.end_pass`` and :meth:`complete` after it, as :meth:`run_prepared` does.
        """
        self._steps(res, payload, lo)

    # --- the Actions ----------------------------------------------------------------------------
    def _steps(self, res: RulePass, payload: str, lo: int = 0,
               first_status: int | None = None) -> None:
        """Run the active rules from ``lo`` (see :meth:`Host.run_rules`), then the Actions."""
        if first_status is None:
            self.host.run_rules(res, lo, len(self.active))
        else:
            self.host.run_rules(res, lo, len(self.active), first_status=first_status)
        if self.n_actions and not res.stopped:
            self._run_actions(res, payload)

    def _run_actions(self, res: RulePass, payload: str) -> None:
        """Run the Actions' flow, leg after leg, each leg with its own deadline."""
        host, sb, state = self.host, self.sandbox, res.state
        # The Actions see the stored profile: the login's, with what the rules persisted
        # ('': the login as it began, when there are no rules).
        stored = host.with_persisted(payload) if state.wrote else ("" if not self.active
                                                                    else payload)
        if not sb.begin_actions(stored):
            return
        n_rules, n_act = len(self.active), self.n_actions
        deadline = self._action_timeout
        # The host measures its deadline (the Limits') from state.start: shifting the start
        # gives each leg the Actions' own deadline.
        shift = deadline - self.limits.pipeline_timeout_ms
        start = state.start
        leg_start = start if self._shared_budget else state.now
        leg, first = 0, 0
        while True:
            state.start = leg_start + shift
            lo = n_rules + leg * n_act
            host.run_rules(res, lo + first, lo + n_act)
            if res.timed_out is not None:
                # A handler that never settles waits for Auth0's deadline.
                i = res.timed_out[0]
                res.timed_out = (i, ErrorCode.PIPELINE_TIMEOUT,
                                 f"the Actions did not finish within {deadline:g} ms "
                                 f"({host.labels[i]} was waiting)")
                state.now = max(state.now, leg_start + deadline)
                break
            if res.fatal is not None or not res.stopped:
                break   # not stopped: every step was DONE, the flow ran to its end
            flow = sb.actions_state()
            if flow.get("state") != "suspended" or leg + 1 >= MAX_LEGS:
                break
            request = self._continuation(flow, res.state.payload)
            if request is None:
                break
            first = sb.resume_actions(json.dumps(request))
            leg += 1
            res.stopped = False
            leg_start = state.now
        state.start = start

    def _continuation(self, flow: Mapping[str, Any], payload: str) -> dict[str, Any] | None:
        """What resumes a suspended flow, or None when it stays suspended."""
        kind = flow.get("kind")
        if kind in ("challenge", "enroll"):
            return {}          # completed with the first factor offered
        if self.on_redirect != "continue":
            return None
        target = str(flow.get("url")) if kind == "redirect" else f"prompt:{flow.get('promptId')}"
        body = self._answer(payload, target)
        if kind == "prompt":
            return {"fields": body}
        return {"body": body, "method": "POST" if body else "GET"}

    def _answer(self, payload: str, url: str) -> dict[str, Any]:
        """What the redirect target posts back: the handler's answer, or a fixed body."""
        handler = self.continue_handler
        if handler is None:
            return {}
        if isinstance(handler, Mapping):
            return dict(handler)
        return dict(handler(json.loads(payload), url) or {})

    def _actions_suspended(self, res: RulePass) -> bool:
        """Whether a pass that ended on a redirect ended in its Actions (they began only if no
        rule left a redirect pending): such a login is not run again on ``/continue``."""
        return res.block is not None and res.block.actions is not None

    def _write_metadata(self, res: RulePass) -> None:
        """Apply the Actions' metadata writes to the user store (later logins see them)."""
        block = res.block
        if block is None or block.actions is None or not block.actions["mw"]:
            return
        store = self.host.store
        res.state.observe_user()
        for _, user_id, writes in block.actions["mw"]:
            for write in writes:
                for field, op in (("app_metadata", "updateAppMetadata"),
                                  ("user_metadata", "updateUserMetadata")):
                    if write.get(field):
                        with contextlib.suppress(ManagementApiError):
                            store.update(op, {"id": user_id, "data": write[field]})
            self.host.written.add(user_id)
            res.state.wrote.add(user_id)

    def _block(self, res: RulePass) -> LoginBlock:
        if res.block is not None:
            return res.block
        positions = self._step_pos
        if self.n_actions and res.fatal is not None:
            # The engine is gone with the login's later legs: charge the Action's first row.
            k, exc = res.fatal
            n0 = len(self.active) + self.n_actions
            if k >= n0:
                res.fatal = (len(self.active) + (k - len(self.active)) % self.n_actions, exc)
            positions = positions[:n0]
        return self.host.failure_block(res, positions, len(self._names))

    def _add(self, sink: Columns, block: LoginBlock, res: RulePass | None,
             login_ids: Sequence[str], user_ids: Sequence[str | None], phase: str, *,
             logins: bool = True) -> None:
        """Append a block's rows, and for a pass the host drove, its calls and persisted writes
        (after the rules' own changes; in a mixed tenant, before the Actions' commands)."""
        reword_block(block, self._sources, self._node_majors)  # V8's wording (fidelity)
        start = len(sink.data["changes"]["login_id"])
        sink.add_block(block, login_ids, user_ids, self._names, self._orders, phase,
                       logins=logins, kinds=self._kinds)
        if res is None:
            return
        state = res.state
        login_id = login_ids[0]
        pos_of = self._step_pos
        later = len(self.active) + self.n_actions   # steps from here on ran after a suspension
        for leg_phase, continued in ((phase, False), ("continue", True)):
            persisted = [[pos_of[r], target, path, op, before, after, 1]
                         for r, target, path, op, before, after in state.persisted
                         if (r >= later) is continued]
            if persisted:
                sink.add_changes(login_id, self._names, persisted, leg_phase)
            calls = [[pos_of[c[1]] if c[1] >= 0 else -1, *c[2:]] for c in state.calls
                     if (c[1] >= later) is continued]
            if calls:
                sink.add_calls(login_id, self._names, calls, leg_phase)
        if self.n_actions and self.active:
            # The Rules' persisted writes were appended after the Actions' commands.
            sink.changes_in_flow_order(start)

    # --- many logins ----------------------------------------------------------------------------
    def run_many(self, payloads: Sequence[str], start: int, sink: Columns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None:
        """Run consecutive logins (population indexes ``start``, ``start + 1``, …) into ``sink``.

        The same as calling :meth:`run` for each in turn. Logins run in batches of up to
        ``batch_size`` inside one engine call (:class:`~rulesim.batches.BatchRunner`); a login
        whose rules need the host is driven inside its batch, or leaves it and continues on
        the host loop, and the batch then resumes after it. ``on_progress(done)`` is called
        with the logins done so far between batches (it only reports).
        """
        self.batches.run_many(payloads, start, sink, login_ids=login_ids, user_ids=user_ids,
                              on_progress=on_progress)

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


def _with_protocol(payload: str, original: str) -> str:
    """``payload`` (a ``/continue`` pass) with the protocol of ``original`` (the Actions see
    the transaction's protocol, not ``redirect-callback``)."""
    login = json.loads(payload)
    protocol = (json.loads(original).get("context") or {}).get("protocol")
    if protocol is None:
        login.get("context", {}).pop("protocol", None)
    else:
        login.setdefault("context", {})["protocol"] = protocol
    return json.dumps(login, separators=(",", ":"))


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
