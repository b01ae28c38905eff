"""Run two rule sets over the same logins, sharing the rules they have in common.

:func:`rulesim.compare` asks what changes when a candidate rule set replaces a baseline. When
both start with the same ``k`` rules (same names, sources and order, reading the same
configuration, see :func:`rulesim.impact.planning.shared_prefix`), those rules do the same thing on
both sides: the virtual clock, ``Math.random`` and the fake services' draws are seeded per
login. A :class:`PairedPipeline` therefore runs them once, in the baseline's sandbox, then
copies the login's state at that rule boundary into the candidate's sandbox and continues
both.

The copy must be exact or it is not made. A login runs both sides in full when, at the
boundary:

* the persisted metadata the two sides see for the user differ (earlier logins of the same
  user were changed differently by the differing rules);
* host work is still in flight (a fire-and-forget request, a pending timer), a rule timed
  out or the engine failed;
* ``user`` or ``context`` hold values JSON cannot carry exactly (functions, ``Date``
  objects, ``undefined``, accessors, frozen objects, ``-0``); shared references are kept;
* a rule polluted the built-in prototypes.

A global a rule makes in sloppy code (``hits = 1``, no declaration) lives on the global object
itself, which nothing carries from one sandbox to the other; so does a change to a built-in that
the check after each login does not flag (``Number.isInteger`` or ``parseInt`` replaced, a key
added to ``Number``). Either lives on until the chunk ends, and the later rules of a full
candidate run would have seen it: when, at the end of a chunk, either side's built-ins or global
object differ from set-up, the candidate's chunk is run again in full. (A change undone in a
later login of the same chunk leaves nothing to see at the end: such a round trip is not
followed. When a chunk is run login by login after a crash, it cannot be run again, and such
changes are not followed.)

``global`` is the state rules share across logins. Shared rules may use it (a feed cached on
``global`` is the common case) when no rule after the shared ones does, on either side: then
only the shared rules change ``global``, and the candidate's copy is brought in step with the
baseline's (exported as exact JSON) before the candidate runs a login in full. If that copy is
ever impossible (``global`` holds a function, say), the candidate's whole chunk is run again
in full. Nothing is shared when coverage is recorded. Results are identical to two full runs;
the tests check this login by login.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rulesim.pipeline import Pipeline, login_seed
from rulesim.records import Columns, PairColumns
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
    global_prefix
        Whether the shared rules may use ``global`` (and no later rule does): the candidate's
        ``global`` is then kept in step with the baseline's.

    Attributes
    ----------
    shared
        Logins that continued from the shared prefix since the last :meth:`collect` (the
        others ran both sides in full).
    """

    def __init__(self, baseline: Pipeline, candidate: Pipeline, prefix: int, *,
                 global_prefix: bool = False, safe_prefix: int | None = None) -> None:
        if baseline.seed != candidate.seed:
            raise ValueError("both sides of a paired run need the same seed")
        self.a = baseline
        self.b = candidate
        top = min(len(baseline.active), len(candidate.active))
        self._modes = {
            False: (max(0, min(prefix, top)), global_prefix),
            # Login by login (crash recovery) a chunk cannot be redone: share only the
            # rules before the first one that uses global.
            True: (max(0, min(prefix if safe_prefix is None else safe_prefix, top)),
                   global_prefix and safe_prefix is None),
        }
        self.prefix, self.global_prefix = self._modes[False]
        self._by_login = False
        # The baseline's sandbox notes which objects each login parsed (fast exact exports).
        baseline.sandbox.set_paired()
        self.shared = 0
        # The two globals went separate ways (the sides saw different persisted metadata):
        # until the next reset every login runs both sides in full.
        self._diverged = False
        # The candidate's global could not be brought in step: the chunk is redone in full.
        self.stuck = False

    def login_by_login(self, on: bool) -> None:
        """Switch to the mode of runs that cannot redo a chunk (crash recovery) and back."""
        self.prefix, self.global_prefix = self._modes[on]
        self._by_login = on

    def reset(self) -> None:
        """Empty ``global`` and the user stores of both sides (a new chunk starts)."""
        self.a.reset()
        self.b.reset()
        self._diverged = False
        self.stuck = False

    def run(self, payload: str, index: int, sinks: PairColumns, *, login_id: str,
            user_id: str | None = None) -> None:
        """Run one login on both sides, appending to ``sinks.a`` and ``sinks.b``."""
        self._run(payload, index, sinks, login_id=login_id, user_id=user_id)

    def _run(self, payload: str, index: int, sinks: PairColumns, *, login_id: str,
             user_id: str | None = None) -> None:
        a, b, k = self.a, self.b, self.prefix
        seed = login_seed(a.seed, index)
        if self.stuck:
            # The candidate's chunk will be run again in full (see rerun_candidate).
            a.run_prepared(a.prepare(payload, index, user_id), sinks.a, login_id=login_id,
                           user_id=user_id, seed=seed)
            return
        if self.global_prefix and a.limits.resets_global_before(index):
            self._diverged = False
        pa = a.prepare(payload, index, user_id)
        pb = b.prepare(payload, index, user_id)
        in_step = self.global_prefix and not self._diverged
        # The baseline's global before this login, for the candidate if it runs in full.
        before = _export_global(a) if in_step else ""
        if k == 0 or self._diverged or pa != pb:
            if in_step and not self._bring_in_step(before):
                a.run_prepared(pa, sinks.a, login_id=login_id, user_id=user_id, seed=seed)
                return
            self._run_both(pa, pb, seed, sinks, login_id, user_id)
            if in_step:
                # Different inputs may have moved the two globals apart.
                after_a = _export_global(a)
                self._diverged = not after_a or after_a != _export_global(b)
            return
        res_a = a.host.begin_pass(pa, login_id, seed)
        a.host.run_rules(res_a, 0, k)
        res_b = None
        if res_a.fatal is None and res_a.timed_out is None and not res_a.state.events:
            try:
                snapshot = a.sandbox.export_state()
            except EngineError:
                snapshot = ""
            if snapshot:
                res_b = b.host.fork_pass(res_a, snapshot)
        a.run_from(res_a, pa, k)
        a.host.end_pass(res_a)
        a.complete(sinks.a, pa, res_a, login_id=login_id, user_id=user_id, seed=seed)
        if res_b is None:
            if self.global_prefix and not self._bring_in_step(before):
                return
            b.run_prepared(pb, sinks.b, login_id=login_id, user_id=user_id, seed=seed)
            return
        self.shared += 1
        b.run_from(res_b, pb, k)
        b.host.end_pass(res_b)
        b.complete(sinks.b, pb, res_b, login_id=login_id, user_id=user_id, seed=seed)

    def run_many(self, payloads: Sequence[str], start: int, sinks: PairColumns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None:
        """Run a whole chunk (population indexes ``start``, …) on both sides.

        Call :meth:`reset` first. When the candidate's ``global`` could not follow the
        baseline's, the candidate's side of the chunk is run again in full at the end.
        """
        for k, payload in enumerate(payloads):
            if on_progress is not None and k:
                on_progress(k)
            self.run(payload, start + k, sinks, login_id=login_ids[k], user_id=user_ids[k])
        if not self.stuck and self.prefix and (self.a.sandbox.world_moved()
                                               or self.b.sandbox.world_moved()):
            # A sloppy global, or a built-in or a global's value changed during the chunk, lived
            # on: the later rules of a full candidate run saw it, the logins it shared did not.
            self.stuck = True
        if self.stuck:
            sinks.b = self.rerun_candidate(payloads, start, login_ids=login_ids,
                                           user_ids=user_ids)

    def rerun_candidate(self, payloads: Sequence[str], start: int, *, login_ids: Sequence[str],
                        user_ids: Sequence[str | None]) -> Columns:
        """Run the candidate alone over a whole chunk, from an empty ``global`` and store."""
        b = self.b
        b.reset()
        sink = Columns()
        b.run_many(payloads, start, sink, login_ids=login_ids, user_ids=user_ids)
        self.shared = 0
        self.stuck = False
        return sink

    def collect(self, sink: PairColumns) -> None:
        """Move the count of shared logins into ``sink``."""
        sink.shared += self.shared
        self.shared = 0

    def _bring_in_step(self, before: str) -> bool:
        """Give the candidate the baseline's ``global`` as it was before this login."""
        if not before:
            self.stuck = True
            return False
        self.b.sandbox.import_global(before)
        return True

    def _run_both(self, pa: str, pb: str, seed: int, sinks: PairColumns, login_id: str,
                  user_id: str | None) -> None:
        self.a.run_prepared(pa, sinks.a, login_id=login_id, user_id=user_id, seed=seed)
        self.b.run_prepared(pb, sinks.b, login_id=login_id, user_id=user_id, seed=seed)


def _export_global(side: Pipeline) -> str:
    """``global`` of one side as exact JSON, or '' when it cannot be copied exactly."""
    try:
        return side.sandbox.export_global()
    except EngineError:
        return ""
