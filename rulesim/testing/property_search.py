"""Property search: draw logins, find one that breaks a property, shrink it."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from rulesim.testing.runs import run, run_logins
from rulesim.trace import LoginTrace

__all__ = ["Counterexample", "Property", "search"]

_DELETE: Any = object()
Property = Callable[[LoginTrace], Any]


@dataclasses.dataclass
class Counterexample:
    """A login that breaks a property, shrunk to the fields that matter.

    Attributes
    ----------
    login
        The complete login (``user``, ``context``, ``timestamp_ms``).
    partial
        The same login as the fields that differ from :func:`rulesim.run_login`'s default
        login (``None`` deletes a key): ``rs.run_login(rules, **partial)`` replays it.
    relevant
        Those fields as dotted paths, for example ``["user.email"]``.
    trace
        The failing login's trace.
    examples
        Logins tried before shrinking; ``failures`` how many of them broke the property (the
        search stops after the batch of logins in which the first one broke it).
    coverage
        Coverage of the rules over the logins tried (a :class:`~rulesim.Coverage`; None
        without the ``coverage`` extra): ``coverage.missed_branches()`` lists the branches no
        login reached.
    """

    login: dict[str, Any]
    partial: dict[str, Any]
    relevant: list[str]
    trace: LoginTrace
    examples: int = 0
    failures: int = 0
    coverage: Any = None

    def __str__(self) -> str:
        fields = "\n".join(f"  {p} = {json.dumps(_get(self.partial, p.split('.')))}"
                           for p in self.relevant) or "  (the default login)"
        return (f"counterexample ({self.failures} of {self.examples} logins broke the property; "
                f"shrunk to {len(self.relevant)} field(s)):\n{fields}\n\n{self.trace}")


def _get(obj: Any, path: Sequence[str]) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _diff(base: Mapping[str, Any], target: Mapping[str, Any],
          path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in target.items():
        if key in base and base[key] == value:
            continue
        here = (*path, key)
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out += _diff(base[key], value, here)
        elif isinstance(value, dict) and value:
            out.append((here, {}))
            out += _diff({}, value, here)
        else:
            out.append((here, value))
    out += [((*path, key), _DELETE) for key in base if key not in target]
    return out


def _apply(base: Mapping[str, Any], leaves: Sequence[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for path, value in leaves:
        node = out
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        if value is _DELETE:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(value)
    return out


def _partial(leaves: Sequence[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in leaves:
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        if not (isinstance(value, dict) and not value and path[-1] in node):
            node[path[-1]] = None if value is _DELETE else copy.deepcopy(value)
    return out


def fails(prop: Property, trace: LoginTrace) -> bool:
    try:
        return not prop(trace)
    except AssertionError:
        return True


def draw(strategy: Any, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` logins drawn by Hypothesis' generation phase (no shrinking, no database)."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[dict[str, Any]] = []

    @hypothesis.seed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(login: dict[str, Any]) -> None:
        drawn.append(login)

    with _without_local_constants():
        collect()
    return drawn


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Keep Hypothesis from mixing constants of the imported local modules into the draw.

    Hypothesis (6.13x+) sometimes draws a string or number harvested from every *local*
    module in ``sys.modules`` (rulesim itself, installed editable, and the caller's code), so
    the same seed gave other logins depending on what happened to be imported. ``search``
    promises "same seed, same logins": the draw sees no local constants. A Hypothesis without
    the hook draws as before.
    """
    try:
        from hypothesis.internal.conjecture import providers
        original = providers._get_local_constants
        empty = type(providers._local_constants)()
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError, TypeError):
        yield
        return
    cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()


def search(rules: Any, property: Property, strategy: Any = None, max_examples: int = 200, *,
           seed: int = 0, shrink: bool = True, guided: bool = True,
           **options: Any) -> Counterexample | None:
    """Look for a login that breaks ``property``; return it shrunk, or None.

    By default the logins are aimed at the rules' own literals: the strings, numbers and
    regular expressions each rule compares ``user``/``context`` fields with, and near misses
    of them (see :mod:`rulesim.literals`), because a literal matched too loosely (a suffix, a
    substring, a case-sensitive compare, an off-by-one count, a misspelt role) is where rule
    bugs live. The search is guided by coverage: logins that reach a branch no earlier login
    reached are kept and mutated. :func:`explore` returns the coverage reached as well.

    Parameters
    ----------
    rules
        Anything :func:`rulesim.simulate` accepts.
    property
        A predicate over a :class:`~rulesim.LoginTrace` that should hold for every login, for
        example ``lambda t: "admin" in roles(t) or not t.id_token.get(ADMIN)``. A property may
        also use the assertion helpers: an ``AssertionError`` counts as "broken".
    strategy
        Hypothesis strategy of complete logins; default
        ``rulesim.strategies.logins(rules=rules)`` (plain :func:`rulesim.strategies.logins`
        when the rules compare no field with a literal).
    max_examples
        Logins to run at most (in batches); the search stops after the batch in which a login
        first breaks the property.
    seed
        Seed of the drawing and mutations (same seed, same logins) and of the simulation.
    shrink
        Shrink the failing login: drop, one field at a time and in batches, every field that
        differs from :func:`rulesim.run_login`'s default login and is not needed for the
        property to break (each round is one simulation).
    guided
        Keep and mutate logins that reach new branches (the rules run instrumented; needs the
        ``coverage`` extra, without which the search is unguided). ``False`` runs the drawn
        logins as they are (their coverage is still measured).
    **options
        As for :func:`run_logins` (``configuration``, ``services``, ``limits``, …).

    Returns
    -------
    Counterexample or None
        None when every login tried satisfies the property.
    """
    from rulesim.testing.guided_search import explore

    return explore(rules, property, strategy, max_examples, seed=seed, shrink=shrink,
                   guided=guided, **options).counterexample


def counterexample(rules: Any, property: Property, first: Mapping[str, Any], shrink: bool,
                    options: Mapping[str, Any], examples: int, failures: int) -> Counterexample:
    """Shrink a failing login to the fields that matter, and replay it on the plain rules."""
    from rulesim.population import Population

    login: dict[str, Any] = {k: first[k] for k in ("user", "context", "timestamp_ms")
                             if k in first}
    base = {k: v for k, v in Population.from_logins([{}]).login(0).items()
            if k in ("user", "context", "timestamp_ms")}
    leaves = _diff(base, login, ())
    if shrink:
        leaves = _shrink(rules, property, base, leaves, options)
    final = _apply(base, leaves)
    trace = run(rules, final, **options)
    if not fails(property, trace):  # flaky under another seed position: keep the unshrunk one
        leaves, final = _diff(base, login, ()), login
        trace = run(rules, login, **options)
    relevant = [".".join(path) for path, value in leaves if not (isinstance(value, dict)
                                                                 and not value)]
    return Counterexample(final, _partial(leaves), relevant, trace, examples, failures)


def _shrink(rules: Any, prop: Property, base: Mapping[str, Any],
            leaves: list[tuple[tuple[str, ...], Any]], options: Mapping[str, Any]
            ) -> list[tuple[tuple[str, ...], Any]]:
    """Greedy batched minimisation: each round tries every "all but one field" candidate in one
    simulation, then drops every field that was individually unneeded (or just the first one
    when dropping them together repairs the login)."""
    keep = list(leaves)
    for _ in range(len(leaves) + 1):
        if not keep:
            break
        candidates = [keep[:i] + keep[i + 1:] for i in range(len(keep))]
        traces = run_logins(rules, [_apply(base, c) for c in candidates], **options)
        needless = [i for i, t in enumerate(traces) if fails(prop, t)]
        if not needless:
            break
        dropped = set(needless)
        together = [leaf for i, leaf in enumerate(keep) if i not in dropped]
        if len(needless) > 1 and fails(prop, run(rules, _apply(base, together), **options)):
            keep = together
        else:
            keep = candidates[needless[0]]
    return keep
