"""Run the stages of a migration plan over the same logins, sharing the Rules they have in common.

Stage ``k`` of :func:`rulesim.migration_plan` runs the first ``n - k`` Rules of stage 0 (the
tenant's Rules) and then the Actions that replace the others. Those first Rules are the same
rules, reading the same configuration, and the virtual clock, ``Math.random`` and the fake
services' draws are seeded per login, so they do the same thing in every stage. A
:class:`StagedPipeline` runs them once, in stage 0's sandbox, and hands the login's state at
each stage's boundary to that stage's sandbox (the shared-prefix machinery of
:mod:`rulesim.paired`: ``export_state``, :meth:`~rulesim.runtime.host.Host.fork_pass`), which
runs the rest: its own Rules after the boundary, then its Actions.

The copy is made only when it is exact (see :mod:`rulesim.paired` for the conditions: nothing
in flight, no timeout or engine failure, ``user`` and ``context`` JSON can carry); otherwise,
and when a stage's user store differs from stage 0's for the login's user (metadata persisted
differently by earlier logins), that stage runs the login in full. Only rules that do not
mention ``global`` are shared (``safe_prefix`` of
:func:`rulesim.impact.planning.prefix_plan`): their writes would be missing from the other
stages' sandboxes. Results are identical to one :func:`rulesim.simulate` per stage; the tests
check every frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rulesim.pipeline import Pipeline, login_seed
from rulesim.records import StageColumns
from rulesim.runtime.engine import EngineError
from rulesim.runtime.host import RulePass

__all__ = ["StagedPipeline"]


class StagedPipeline:
    """Stage pipelines run in lockstep; each shares its first rules with stage 0's run.

    Parameters
    ----------
    stages
        The pipelines, stage 0 first, built with the same seed, limits, services and options.
    prefixes
        ``prefixes[k]``: how many leading active rules stage ``k`` shares with stage 0
        (0: none; ``prefixes[0]`` is ignored).

    Attributes
    ----------
    shared
        Stage runs that continued from stage 0's state since the last :meth:`collect`.
    """

    def __init__(self, stages: Sequence[Pipeline], prefixes: Sequence[int]) -> None:
        if len(stages) != len(prefixes):
            raise ValueError("one prefix per stage")
        if len({p.seed for p in stages}) > 1:
            raise ValueError("every stage of a staged run needs the same seed")
        self.stages = list(stages)
        base = self.stages[0]
        self.prefixes = [0] + [max(0, min(int(k), len(base.active), len(p.active)))
                               for k, p in zip(prefixes[1:], self.stages[1:], strict=True)]
        self.boundaries = sorted({k for k in self.prefixes[1:] if k > 0})
        if self.boundaries:
            base.sandbox.set_paired()   # stage 0 notes the objects each login parsed
        self.shared = 0

    def login_by_login(self, on: bool) -> None:
        """Crash recovery runs login by login; only global-free rules are shared, so nothing
        changes."""

    def reset(self) -> None:
        """Empty ``global`` and the user stores of every stage (a new chunk starts)."""
        for stage in self.stages:
            stage.reset()

    def run(self, payload: str, index: int, sinks: StageColumns, *, login_id: str,
            user_id: str | None = None) -> None:
        """Run one login in every stage, appending to ``sinks.sides[k]``."""
        base = self.stages[0]
        seed = login_seed(base.seed, index)
        prepared = [stage.prepare(payload, index, user_id) for stage in self.stages]
        pa = prepared[0]
        # Stages whose view of the user matches stage 0's can continue from its state.
        forks = {k: b for k, b in enumerate(self.prefixes) if k and b and prepared[k] == pa}
        res_a = base.host.begin_pass(pa, login_id, seed)
        passes: dict[int, RulePass] = {}
        done = 0
        for boundary in self.boundaries:
            takers = [k for k, b in forks.items() if b == boundary]
            if not takers:
                continue
            base.host.run_rules(res_a, done, boundary)
            done = boundary
            if res_a.fatal is not None or res_a.timed_out is not None or res_a.state.events:
                break
            try:
                snapshot = base.sandbox.export_state()
            except EngineError:
                snapshot = ""
            if not snapshot:
                break
            for k in takers:
                passes[k] = self.stages[k].host.fork_pass(res_a, snapshot)
        base.run_from(res_a, pa, done)
        base.host.end_pass(res_a)
        base.complete(sinks.sides[0], pa, res_a, login_id=login_id, user_id=user_id, seed=seed)
        for k in range(1, len(self.stages)):
            stage, res = self.stages[k], passes.get(k)
            if res is None:
                stage.run_prepared(prepared[k], sinks.sides[k], login_id=login_id,
                                   user_id=user_id, seed=seed)
                continue
            self.shared += 1
            stage.run_from(res, prepared[k], self.prefixes[k])
            stage.host.end_pass(res)
            stage.complete(sinks.sides[k], prepared[k], res, login_id=login_id,
                           user_id=user_id, seed=seed)

    def run_many(self, payloads: Sequence[str], start: int, sinks: StageColumns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None:
        """Run a whole chunk (population indexes ``start``, …) in every stage (call
        :meth:`reset` first)."""
        for k, payload in enumerate(payloads):
            if on_progress is not None and k:
                on_progress(k)
            self.run(payload, start + k, sinks, login_id=login_ids[k], user_id=user_ids[k])

    def collect(self, sink: StageColumns) -> None:
        """Move the count of shared stage runs into ``sink``."""
        sink.shared += self.shared
        self.shared = 0
