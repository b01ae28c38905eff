"""Run planning for :func:`~rulesim.compare`: what two rule sets share, and whether one run
can serve both sides (:mod:`rulesim.paired`)."""

from __future__ import annotations

import inspect
import re

from rulesim._flow import Flow
from rulesim.options import RunOptions
from rulesim.run import simulate_pair
from rulesim.sources import RuleSet

__all__ = ["PAIR_OPTIONS", "can_pair", "prefix_plan", "same_setup", "shared_prefix"]


def shared_prefix(baseline: RuleSet, candidate: RuleSet) -> int:
    """Index (in ``baseline.active``) of the first active rule whose behaviour may differ.

    This is the seam for prefix sharing: the first ``k`` active rules are the same rules, in
    the same order, reading the same configuration, so a pipeline resumed from their state
    would give both sides the same result up to rule ``k``. Returns ``len(baseline.active)``
    (and ``len(candidate.active)`` is then equal) when nothing differs.

    Rules are compared by name and source hash, in the order they run. A configuration
    difference is conservative: it moves ``k`` back to the first active rule that mentions
    ``configuration`` at all, since a rule may read a key through a computed name the static
    scan cannot see.

    The prefix also stops before the first rule that mentions ``global`` (or
    ``globalThis``): its writes would persist in the baseline's sandbox only. (:func:`compare`
    still shares such rules when no later rule uses ``global``; see :func:`prefix_plan`.)

    Notes
    -----
    :func:`compare` runs ``active[:k]`` once per login and continues both pipelines from the
    state at that boundary (:mod:`rulesim.paired`); the prefix is deterministic under the seed
    (the virtual clock, ``Math.random``, service latencies and failures are seeded per login).
    """
    return prefix_plan(baseline, candidate)[1]


def prefix_plan(baseline: RuleSet, candidate: RuleSet) -> tuple[int, int, bool]:
    """How :func:`compare` shares rules: ``(prefix, safe_prefix, global_prefix)``.

    ``safe_prefix`` stops before the first shared rule that mentions ``global``. When such
    rules exist and no later active rule of either side mentions ``global``, the whole
    identical prefix is shared with ``global_prefix`` set: only shared rules change
    ``global``, and :mod:`rulesim.paired` keeps the candidate's copy in step.
    """
    a, b = baseline.active, candidate.active
    k = 0
    while k < min(len(a), len(b)) and a[k].name == b[k].name and a[k].sha256 == b[k].sha256:
        k += 1
    if len(a) != len(b):
        k = min(k, len(a))
    if dict(baseline.configuration) != dict(candidate.configuration):
        reads = [i for i, r in enumerate(a) if "configuration" in r.source]
        if reads:
            k = min(k, reads[0])
    uses = [i for i, r in enumerate(a[:k]) if _GLOBAL.search(r.source)]
    if not uses:
        return k, k, False
    if any(_GLOBAL.search(r.source) for r in [*a[k:], *b[k:]]):
        return uses[0], uses[0], False
    return k, uses[0], True


_GLOBAL = re.compile(r"\bglobal(This)?\b")
"""A rule that may touch ``global``: the candidate's sandbox would miss its writes."""


def same_setup(a: Flow, b: Flow) -> bool:
    return (a.sha256 == b.sha256 and dict(a.rules.configuration) == dict(b.rules.configuration)
            and a.services_file == b.services_file and a.secrets() == b.secrets())


def can_pair(a: RuleSet, b: RuleSet, options: RunOptions) -> bool:
    """Whether :func:`simulate_pair` can run both sides (same services; only options it takes:
    no coverage, resume, secrets or Actions' settings)."""
    if not set(options.given()) <= PAIR_OPTIONS:
        return False
    return options.services is not None or a.services_file == b.services_file


PAIR_OPTIONS = frozenset(inspect.signature(simulate_pair).parameters) - {
    "baseline", "candidate", "population", "prefix", "global_prefix", "safe_prefix", "options",
    "_crash_at"}
