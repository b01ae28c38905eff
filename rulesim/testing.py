"""Test rules like code: assertion helpers, batch runs of exact logins, and property search.

The assertion helpers take a :class:`~rulesim.LoginTrace` (from :func:`rulesim.run_login`, a
golden case or ``sim.trace``). A failure raises :class:`RuleAssertionError`, whose message says
what was expected, **names the rule** responsible for what happened instead, and shows the
whole trace, so a pytest failure reads on its own::

    from rulesim.testing import assert_allowed, assert_claim

    def test_admins_get_the_admin_claim(rulesim_rules):
        trace = rs.run_login(rulesim_rules, user={"app_metadata": {"roles": ["admin"]}})
        assert_claim(trace, "id_token", "https://acme.com/admin", True)

:func:`search` looks for a login that breaks a property, over logins drawn by a Hypothesis
strategy, and returns the **shrunk** counterexample: the fewest fields, changed from
:func:`rulesim.run_login`'s default login, that still break it. Inside your own Hypothesis
tests, :func:`run` runs one generated login exactly as drawn::

    @given(rulesim.strategies.logins())
    def test_nobody_without_admin_gets_the_admin_claim(login):
        trace = run(rules, login)
        ...
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from rulesim.errors import UsageError
from rulesim.trace import LoginTrace

__all__ = [
    "Counterexample",
    "RuleAssertionError",
    "SearchResult",
    "assert_allowed",
    "assert_claim",
    "assert_denied",
    "assert_mfa",
    "assert_no_claim",
    "assert_redirect",
    "exact_population",
    "explore",
    "run",
    "run_logins",
    "search",
]

_ANY: Any = object()


class RuleAssertionError(AssertionError):
    """An expectation about a login failed; ``str()`` names the rule and shows the trace.

    Attributes
    ----------
    trace
        The login's :class:`~rulesim.LoginTrace`.
    rule
        The rule the message blames (None when no rule did what was expected).
    """

    def __init__(self, message: str, trace: LoginTrace, rule: str | None = None) -> None:
        super().__init__(f"{message}\n\n{trace}")
        self.trace = trace
        self.rule = rule


# --- who did what ---------------------------------------------------------------------------


def _ran(trace: LoginTrace) -> str:
    names = [str(r.rule) for r in trace.rule_runs.itertuples() if r.outcome != "skipped"]
    return ", ".join(f"`{n}`" for n in names) or "none"


def _path_matches(path: str, name: str) -> bool:
    quoted = f"[{json.dumps(name)}]"
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[")
               for p in (name, quoted))


def writers(trace: LoginTrace, target: str, name: str | None = None) -> list[str]:
    """Rules that changed ``target`` (``id_token``, ``access_token``, ``multifactor``,
    ``redirect``, ``app_metadata``, …), optionally only at claim/key ``name``, in run order."""
    rows = trace.changes[trace.changes["target"] == target]
    found: list[str] = []
    for row in rows.itertuples():
        if name is not None and not _path_matches(str(row.path or ""), name):
            continue
        rule = str(row.rule) if row.rule is not None and row.rule == row.rule else "(runtime)"
        if rule not in found:
            found.append(rule)
    return found


def _blame(rules: Sequence[str]) -> str:
    return " and ".join(f"rule `{r}`" for r in rules)


def _token(token: str) -> str:
    if token in ("id", "id_token", "idToken"):
        return "id_token"
    if token in ("access", "access_token", "accessToken"):
        return "access_token"
    raise UsageError(f"expected token to be 'id_token' or 'access_token', got token={token!r}")


# --- assertion helpers ------------------------------------------------------------------------


def assert_allowed(trace: LoginTrace, *, allow_redirect: bool = False) -> None:
    """Assert that the login succeeded.

    Parameters
    ----------
    trace
        The login.
    allow_redirect
        Also accept a login that ended with a pending ``context.redirect``.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    if trace.outcome == "allowed" or (allow_redirect and trace.outcome == "redirect"):
        return
    if trace.outcome == "redirect":
        by = writers(trace, "redirect")
        raise RuleAssertionError(f"expected the login to be allowed, but {_blame(by) or 'a rule'} "
                                 f"redirected it to {trace.redirect}", trace, by[0] if by else None)
    raise RuleAssertionError(
        f"expected the login to be allowed, but rule `{trace.deciding_rule}` ended it with "
        f"{trace.outcome} ({trace.error_code}): {trace.error_message}", trace, trace.deciding_rule)


def assert_denied(trace: LoginTrace, reason: str | None = None, *, code: str | None = None,
                  rule: str | None = None) -> None:
    """Assert that a rule denied the login (``UnauthorizedError``, outcome ``denied``).

    Parameters
    ----------
    reason
        Text the error message must contain (the message the application would show).
    code
        Expected error code (default: any code of a denial, normally ``unauthorized``).
    rule
        The rule expected to deny it.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    if trace.outcome != "denied":
        if trace.outcome in ("error", "timeout"):
            raise RuleAssertionError(
                f"expected the login to be denied, but rule `{trace.deciding_rule}` failed it with "
                f"{trace.outcome} ({trace.error_code}): {trace.error_message}", trace,
                trace.deciding_rule)
        raise RuleAssertionError(f"expected the login to be denied, but no rule denied it "
                                 f"(outcome {trace.outcome}; rules that ran: {_ran(trace)})", trace)
    blamed = trace.deciding_rule
    if rule is not None and blamed != rule:
        raise RuleAssertionError(f"expected rule `{rule}` to deny the login, but rule `{blamed}` "
                                 f"denied it first: {trace.error_message}", trace, blamed)
    if code is not None and trace.error_code != code:
        raise RuleAssertionError(f"expected error code {code!r}, but rule `{blamed}` denied the "
                                 f"login with {trace.error_code!r}", trace, blamed)
    if reason is not None and reason not in str(trace.error_message or ""):
        raise RuleAssertionError(f"expected the denial to say {reason!r}, but rule `{blamed}` "
                                 f"said: {trace.error_message}", trace, blamed)


def assert_claim(trace: LoginTrace, token: str, name: str, value: Any = _ANY) -> None:
    """Assert that a token carries claim ``name`` (with ``value``, when given).

    Parameters
    ----------
    token
        ``"id_token"`` or ``"access_token"``.
    name
        The claim, for example ``"https://acme.com/roles"``.
    value
        Expected value (compared with ``==``); any value when omitted.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    target = _token(token)
    claims = trace.claims(target)
    by = writers(trace, target, name)
    if name not in claims:
        dropped = f" (rule {_blame(by)} set it but Auth0 drops it)" if by else ""
        raise RuleAssertionError(
            f"expected {target} claim {name!r}, but the token has no such claim{dropped}; "
            f"{'' if by else f'no rule set it (rules that ran: {_ran(trace)})'}".rstrip("; "),
            trace, by[-1] if by else None)
    if value is not _ANY and claims[name] != value:
        raise RuleAssertionError(
            f"expected {target} claim {name!r} = {value!r}, but it is {claims[name]!r} "
            f"(set by {_blame(by) or 'the runtime'})", trace, by[-1] if by else None)


def assert_no_claim(trace: LoginTrace, token: str, name: str) -> None:
    """Assert that a token does not carry claim ``name``."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    target = _token(token)
    claims = trace.claims(target)
    if name in claims:
        by = writers(trace, target, name)
        raise RuleAssertionError(
            f"expected no {target} claim {name!r}, but it is {claims[name]!r} "
            f"(set by {_blame(by) or 'the runtime'})", trace, by[-1] if by else None)


def assert_mfa(trace: LoginTrace, provider: str | None = None, *, required: bool = True) -> None:
    """Assert that a rule required MFA (``context.multifactor``), or with ``required=False``
    that none did.

    Parameters
    ----------
    provider
        Expected ``context.multifactor.provider`` (``"any"``, ``"guardian"``, …).
    required
        False to assert that no MFA was required.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    by = writers(trace, "multifactor")
    if not required:
        if trace.mfa:
            raise RuleAssertionError(f"expected no MFA, but {_blame(by) or 'a rule'} required it: "
                                     f"{json.dumps(trace.mfa)}", trace, by[-1] if by else None)
        return
    if not trace.mfa:
        raise RuleAssertionError(f"expected MFA to be required, but no rule set "
                                 f"context.multifactor (rules that ran: {_ran(trace)})", trace)
    got = trace.mfa.get("provider")
    if provider is not None and got != provider:
        raise RuleAssertionError(f"expected MFA provider {provider!r}, but {_blame(by) or 'a rule'} "
                                 f"asked for {got!r}", trace, by[-1] if by else None)


def assert_redirect(trace: LoginTrace, url: str | None = None) -> None:
    """Assert that a rule redirected the login (``context.redirect``).

    Parameters
    ----------
    url
        Expected URL; a trailing ``*`` matches any URL starting with the rest.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    by = writers(trace, "redirect")
    if not trace.redirect:
        raise RuleAssertionError(f"expected a redirect, but no rule set context.redirect "
                                 f"(outcome {trace.outcome}; rules that ran: {_ran(trace)})", trace)
    if url is not None:
        ok = trace.redirect.startswith(url[:-1]) if url.endswith("*") else trace.redirect == url
        if not ok:
            raise RuleAssertionError(f"expected a redirect to {url}, but {_blame(by) or 'a rule'} "
                                     f"redirected to {trace.redirect}", trace,
                                     by[-1] if by else None)


# --- running exact logins in one simulation ---------------------------------------------------


def _patch(target: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """A patch that turns ``base`` into ``target`` under from_logins' deep merge (None deletes)."""
    out: dict[str, Any] = {}
    for key, value in target.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _patch(value, base[key])
        else:
            out[key] = value
    for key in base:
        if key not in target:
            out[key] = None
    return out


def exact_population(logins: Sequence[Mapping[str, Any]]) -> Any:
    """A :class:`~rulesim.Population` holding exactly these complete logins.

    ``Population.from_logins`` completes partial logins from generated defaults; a complete
    login (as :func:`rulesim.strategies.logins` draws them) must not gain default keys, so each
    is sent as a patch that also deletes every default key it lacks.

    Raises
    ------
    UsageError
        If a login holds ``null`` values (a patch cannot express them) or duplicate login ids.
    """
    from rulesim.population import Population

    ids = [str(login.get("login_id") or f"X{i:07d}") for i, login in enumerate(logins)]
    defaults = [json.loads(p) for p in Population.from_logins([{"login_id": i} for i in ids]).payloads()]
    items = []
    for login, login_id, base in zip(logins, ids, defaults, strict=True):
        item: dict[str, Any] = {"login_id": login_id,
                                "user": _patch(login.get("user") or {}, base["user"]),
                                "context": _patch(login.get("context") or {}, base["context"])}
        if "timestamp_ms" in login:
            item["timestamp_ms"] = int(login["timestamp_ms"])
        items.append(item)
    pop = Population.from_logins(items)
    for k, (login, text) in enumerate(zip(logins, pop.payloads(), strict=True)):
        got = json.loads(text)
        if got["user"] != login.get("user", got["user"]) or \
                got["context"] != login.get("context", got["context"]):
            raise UsageError(f"login {k} cannot be reproduced exactly (null values are not "
                             "supported in exact logins; remove the key instead)")
    return pop


def _spacer(login: Mapping[str, Any], k: int) -> dict[str, Any]:
    """A copy of ``login`` under another user id: run between two logins of one user so that
    they fall in different chunks (a chunk's ``global`` and user store are its own)."""
    user = dict(login.get("user") or {})
    user["user_id"] = f"auth0|rulesimspacer{k:011d}"
    return {**login, "user": user}


def run_logins(rules: Any, logins: Sequence[Mapping[str, Any]], **options: Any) -> list[LoginTrace]:
    """Run complete logins, exactly as given, in one simulation; each is independent (its own
    chunk: ``global`` and the fake user store start empty).

    Parameters
    ----------
    rules
        Anything :func:`rulesim.simulate` accepts.
    logins
        Complete logins (``{"user", "context", "timestamp_ms"}``), for example drawn by
        :func:`rulesim.strategies.logins`.
    **options
        ``configuration``, ``services``, ``seed``, ``limits``, ``modules``, ``workers`` and
        ``on_simulation`` (called with each :class:`~rulesim.Simulation`).

    Returns
    -------
    list of LoginTrace
        In the order of ``logins``.
    """
    from rulesim import run as run_module

    if not logins:
        return []
    on_simulation = options.pop("on_simulation", None)
    options.setdefault("workers", 1)
    batch: list[dict[str, Any]] = []
    previous = None
    for i, login in enumerate(logins):
        uid = (login.get("user") or {}).get("user_id")
        if uid is not None and uid == previous:
            batch.append({**_spacer(login, i), "login_id": f"S{i:07d}"})
        batch.append({**login, "login_id": f"T{i:07d}"})
        previous = uid
    sim = run_module.simulate(rules, exact_population(batch), progress=False, chunk_size=1,
                              **options)
    if on_simulation is not None:
        on_simulation(sim)
    return [sim.trace(f"T{i:07d}") for i in range(len(logins))]


def run(rules: Any, login: Mapping[str, Any], **options: Any) -> LoginTrace:
    """Run one complete login exactly as given (for example one drawn by
    ``@given(rulesim.strategies.logins())``) and return its trace; options as :func:`run_logins`.
    """
    return run_logins(rules, [login], **options)[0]


# --- property search ------------------------------------------------------------------------

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


def _fails(prop: Property, trace: LoginTrace) -> bool:
    try:
        return not prop(trace)
    except AssertionError:
        return True


def _draw(strategy: Any, n: int, seed: int) -> list[dict[str, Any]]:
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
    from rulesim._search import explore

    return explore(rules, property, strategy, max_examples, seed=seed, shrink=shrink,
                   guided=guided, **options).counterexample


def _counterexample(rules: Any, property: Property, first: Mapping[str, Any], shrink: bool,
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
    if not _fails(property, trace):  # flaky under another seed position: keep the unshrunk one
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
        needless = [i for i, t in enumerate(traces) if _fails(prop, t)]
        if not needless:
            break
        dropped = set(needless)
        together = [leaf for i, leaf in enumerate(keep) if i not in dropped]
        if len(needless) > 1 and _fails(prop, run(rules, _apply(base, together), **options)):
            keep = together
        else:
            keep = candidates[needless[0]]
    return keep


from rulesim._search import SearchResult, explore  # noqa: E402  (it uses this module's helpers)
