"""Coverage-guided property search over a rule set's own literals (the engine of ``search``).

:func:`explore` draws logins aimed at the rules' literals (:mod:`rulesim.literals`), runs them
in batches through the **instrumented** rules, and reads each login's branch counters back
(every login runs in its own chunk, and a chunk's counters are saved with it). A login that
reaches a branch arm no earlier login reached joins a corpus; later batches are half fresh
logins, half mutants of corpus logins (one or two of their literal fields set to another
literal or near miss; the newest corpus login half the time), so a branch nested behind two
literals is reached through the login that got past the first. The search stops after the batch
in which a login first breaks the property, which :func:`rulesim.testing.search` then shrinks; the arms no
login reached are reported.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

from rulesim._flow import flow_of
from rulesim.errors import MissingExtraError, UsageError
from rulesim.testing.property_search import Counterexample, counterexample, draw, fails
from rulesim.testing.runs import run_logins

__all__ = ["SearchResult", "explore"]


@dataclasses.dataclass
class SearchResult:
    """What a property search tried, reached and found.

    Attributes
    ----------
    counterexample
        The shrunk failing login, or None when every login satisfied the property.
    coverage
        Line and branch coverage of the rules over every login tried (a
        :class:`~rulesim.Coverage`; None without the ``coverage`` extra).
    examples
        Logins run: the search stops after the batch in which a login first broke the
        property.
    literals
        The literals mined from the rules (:class:`rulesim.literals.Literal`).
    """

    counterexample: Counterexample | None
    coverage: Any
    examples: int
    literals: list[Any]

    def missed_branches(self) -> Any:
        """Branch arms of the rules that no login reached (rule, line, arm, code)."""
        if self.coverage is None:
            raise UsageError("this search measured no coverage (the rules were not "
                             "instrumented: install the coverage extra, rulesim[coverage])")
        return self.coverage.missed_branches()


def _sync(login: dict[str, Any]) -> dict[str, Any]:
    """Keep the login's copies of a value in step after a field was set."""
    user, ctx = login.get("user") or {}, login.get("context") or {}
    if isinstance(user.get("user_id"), str):
        login["user_id"] = user["user_id"]
    stats = ctx.get("stats")
    if isinstance(stats, dict):
        count = stats.get("loginsCount")
        if isinstance(count, int) and not isinstance(count, bool):
            user["logins_count"] = count
    return login


class _Mutator:
    """Sets one or two literal fields of a login to a literal of the rules or a near miss.

    Half the time a field gets a literal itself (a nested branch needs the exact value); else
    it gets the next near miss from a seeded shuffled deck of every literal's near misses, so
    each near miss is tried once before any is tried twice, however many a literal has.
    """

    def __init__(self, mined: Sequence[Any], seed: int) -> None:
        from rulesim.literals import near_misses

        self.mined = list(mined)
        self.values = [near_misses(lit) for lit in self.mined]
        self.rng = random.Random(seed)
        self.deck: list[tuple[int, int]] = []

    def _deal(self) -> tuple[int, int]:
        if self.rng.random() < 0.5:
            return self.rng.randrange(len(self.mined)), 0
        if not self.deck:
            self.deck = [(k, i) for k, vs in enumerate(self.values) for i in range(1, len(vs))]
            self.rng.shuffle(self.deck)
        return self.deck.pop() if self.deck else (self.rng.randrange(len(self.mined)), 0)

    def __call__(self, parent: dict[str, Any]) -> dict[str, Any]:
        from rulesim.literals import set_path

        child = copy.deepcopy(parent)
        for _ in range(self.rng.choice((1, 1, 2))):
            k, i = self._deal()
            set_path(child, self.mined[k].keys, copy.deepcopy(self.values[k][i]))
        return _sync(child)

    def parent(self, corpus: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """A corpus login to mutate: the newest half the time (it reached the deepest new
        branch), else any."""
        return corpus[-1] if self.rng.random() < 0.5 else self.rng.choice(corpus)


def _arms(counts: dict[str, list[int]], branch_ids: dict[str, set[int]]) -> set[tuple[str, int]]:
    return {(rule, i) for rule, values in counts.items() for i, n in enumerate(values)
            if n and i in branch_ids.get(rule, ())}


def _run(rules: Any, batch: list[dict[str, Any]], options: dict[str, Any], measured: bool
         ) -> tuple[list[Any], list[dict[str, list[int]]]]:
    """Traces of a batch and, when measured, each login's coverage counters."""
    if not measured:
        return run_logins(rules, batch, **options), [{} for _ in batch]
    from rulesim.execution.checkpoint import read_chunks

    with tempfile.TemporaryDirectory(prefix="rulesim-search-") as folder:
        traces = run_logins(rules, batch, resume=folder, **options)
        by_login: dict[str, dict[str, list[int]]] = {}
        for chunk in read_chunks(folder).values():
            for login_id in chunk.table("", "logins")["login_id"]:
                by_login[str(login_id)] = chunk.sides[""].coverage
    return traces, [by_login.get(f"T{i:07d}", {}) for i in range(len(batch))]


def explore(rules: Any, property: Callable[[Any], Any], strategy: Any = None,
            max_examples: int = 200, *, seed: int = 0, shrink: bool = True, guided: bool = True,
            **options: Any) -> SearchResult:
    """Search for a login that breaks ``property``, guided by the rules' literals and coverage.

    Parameters are those of :func:`rulesim.testing.search`; this returns the whole
    :class:`SearchResult` (the counterexample, the coverage reached and the literals used).
    """
    from rulesim import literals, strategies

    if not callable(property):
        raise UsageError(f"expected property to be a callable taking a LoginTrace, got {property!r}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise UsageError(f"expected max_examples to be a positive int, got {max_examples!r}")
    ruleset = flow_of(rules).rules
    try:
        mined, measured = literals.mine(ruleset), True
    except MissingExtraError:  # no tree-sitter: no literals, no coverage
        mined, measured, guided = [], False, False
    if strategy is None:
        strategy = strategies.logins(rules=ruleset) if mined else strategies.logins()
    options.setdefault("seed", seed)
    fresh = draw(strategy, max_examples, seed)
    run_rules: Any = ruleset
    branch_ids: dict[str, set[int]] = {}
    if measured:
        from rulesim.coverage import instrument_rules, probes_for

        run_rules = instrument_rules(ruleset)
        for rule in run_rules:
            pair = probes_for(rule)
            if pair is not None:
                branch_ids[pair[0].name] = {p.id for p in pair[1] if p.kind == "branch"}
    mutate = _Mutator(mined, seed) if mined else None
    batch_size = max(8, max_examples // 8)
    tried: list[dict[str, Any]] = []
    corpus: list[dict[str, Any]] = []
    covered: set[tuple[str, int]] = set()
    totals: dict[str, list[int]] = {}
    failing: tuple[dict[str, Any], Any] | None = None
    used = failures = 0
    while len(tried) < max_examples and failing is None:
        size = min(batch_size, max_examples - len(tried))
        n_mutants = size // 2 if guided and corpus and mutate is not None else 0
        batch = fresh[used:used + size - n_mutants]
        used += len(batch)
        if mutate is not None:
            batch += [mutate(mutate.parent(corpus)) for _ in range(n_mutants)]
        traces, counts = _run(run_rules, batch, dict(options), measured)
        for login, trace, hits in zip(batch, traces, counts, strict=True):
            tried.append(login)
            for rule, values in hits.items():
                mine = totals.setdefault(rule, [0] * len(values))
                totals[rule] = [a + b for a, b in zip(mine, values, strict=True)]
            arms = _arms(hits, branch_ids)
            if arms - covered:
                covered |= arms
                corpus.append(login)
            if fails(property, trace):
                failures += 1
                failing = failing or (login, trace)
    coverage = None
    if measured:
        from rulesim.coverage import Coverage

        coverage = Coverage.from_counts(run_rules, totals)
    found = None
    if failing is not None:
        found = counterexample(ruleset, property, failing[0], shrink, options,
                                        len(tried), failures)
        found.coverage = coverage
    return SearchResult(found, coverage, len(tried), mined)
