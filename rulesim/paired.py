"""Run two rule sets over the same logins, sharing the rules they have in common.

:func:`rulesim.compare` asks what changes when a candidate rule set replaces a baseline. When
both start with the same ``k`` rules (same names, sources and order, reading the same
configuration, see :func:`rulesim.impact.shared_prefix`), those rules do the same thing on both
sides: the virtual clock, ``Math.random`` and the fake services' draws are seeded per login.
A :class:`PairedPipeline` therefore runs them once, in the baseline's sandbox, then copies the
login's state at that rule boundary into the candidate's sandbox and continues both.

The copy must be exact or it is not made. A login runs both sides in full when, at the
boundary:

* the persisted metadata the two sides see for the user differ (earlier logins of the same
  user were changed differently by the differing rules);
* host work is still in flight (a fire-and-forget request, a pending timer), a rule timed
  out or the engine failed;
* ``user`` or ``context`` hold values JSON cannot carry exactly (functions, ``Date``
  objects, ``undefined``, accessors, frozen objects, ``-0``); shared references are kept;
* a rule polluted the built-in prototypes.

Rules that read or write ``global`` are never part of the shared prefix (the candidate's
``global`` would miss the prefix's writes), nor is anything when coverage is recorded.
Results are identical to two full runs; the tests check this login by login.
"""

from __future__ import annotations

from rulesim.pipeline import Pipeline, login_seed
from rulesim.records import PairColumns
from rulesim.runtime.engine import EngineError

__all__ = ["PairedPipeline"]


class PairedPipeline:
    """Two pipelines run in lockstep, the first ``prefix`` active rules run once.

    Parameters
    ----------
    baseline, candidate
        The two sides, built with the same seed, limits, services and sandbox options.
    prefix
        How many leading active rules the two sides share (0: nothing is shared).

    Attributes
    ----------
    shared, full
        Logins that continued from a shared prefix, and logins run in full on both sides.
    """

    def __init__(self, baseline: Pipeline, candidate: Pipeline, prefix: int) -> None:
        if baseline.seed != candidate.seed:
            raise ValueError("both sides of a paired run need the same seed")
        self.a = baseline
        self.b = candidate
        self.prefix = max(0, min(prefix, len(baseline.active), len(candidate.active)))
        self.shared = 0
        self.full = 0

    def reset(self) -> None:
        """Empty ``global`` and the user stores of both sides (a new chunk starts)."""
        for side in (self.a, self.b):
            side.sandbox.call("resetGlobal")
            side.reset_store()

    def run(self, payload: str, index: int, sinks: PairColumns, *, login_id: str,
            user_id: str | None = None) -> None:
        """Run one login on both sides, appending to ``sinks.a`` and ``sinks.b``."""
        a, b, k = self.a, self.b, self.prefix
        pa = a.prepare(payload, index, user_id)
        pb = b.prepare(payload, index, user_id)
        seed = login_seed(a.seed, index)
        if k == 0 or pa != pb:
            self._run_both(pa, pb, seed, sinks, login_id, user_id)
            return
        res_a = a.begin_pass(pa, login_id, seed)
        a.run_rules(res_a, 0, k)
        res_b = None
        if res_a.fatal is None and res_a.timed_out is None and not res_a.state.events:
            try:
                snapshot = a.sandbox.call("exportState")
            except EngineError:
                snapshot = ""
            if snapshot:
                res_b = b.fork_pass(res_a, snapshot)
        a.run_rules(res_a, k, len(a.active))
        a.end_pass(res_a)
        a.complete(sinks.a, pa, res_a, login_id=login_id, user_id=user_id, seed=seed)
        if res_b is None:
            self.full += 1
            b.run_prepared(pb, sinks.b, login_id=login_id, user_id=user_id, seed=seed)
            return
        self.shared += 1
        b.run_rules(res_b, k, len(b.active))
        b.end_pass(res_b)
        b.complete(sinks.b, pb, res_b, login_id=login_id, user_id=user_id, seed=seed)

    def _run_both(self, pa: str, pb: str, seed: int, sinks: PairColumns, login_id: str,
                  user_id: str | None) -> None:
        self.full += 1
        self.a.run_prepared(pa, sinks.a, login_id=login_id, user_id=user_id, seed=seed)
        self.b.run_prepared(pb, sinks.b, login_id=login_id, user_id=user_id, seed=seed)
