"""Each template's Rule and Action agree on a population, but for the contract's known differences.

The pair is compared (:func:`rulesim.compare`) over two populations:

* a generated one, with the template's ``compare`` options chosen so that its logins reach
  every branch (the test checks that the Rule changes something there: the comparison is not
  vacuous);
* the template's golden cases, which cover each branch by construction.

A login may differ only in the kinds the template's declared differences explain
(``KNOWN``, from section 9 of the Actions contract), or in kinds the ``empty`` pair already
shows on that very login: those come from the two runtimes, not from the template (Rules and
Actions do not grant the same default scopes, DIFF-SCOPES / DIFF-STDCLAIM).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import pandas as pd
import pytest

import rulesim as rs

TEMPLATES = [t for t in rs.templates() if t.name != "empty"]

KNOWN: dict[str, set[str]] = {
    "DIFF-ERRCODE": {"error_code"},          # unauthorized (Rules) vs action_denied
    "DIFF-META-TIMING": {"persisted_metadata"},
    "DIFF-SHAPE": set(),                      # geoip names differ; the outcome must not
    "DIFF-PRIMARY-USER": set(),               # the same `sub` either way
    "DIFF-REDIRECT-RERUN": set(),             # see RERUN below
}
RERUN = "DIFF-REDIRECT-RERUN"
"""Rules run again on /continue (protocol redirect-callback); Actions have no such login, so
on those logins any difference is that one."""


@functools.lru_cache(maxsize=1)
def _population() -> rs.Population:
    return rs.population(300, seed=11)


def _kw(t: rs.Template, options: dict[str, Any]) -> dict[str, Any]:
    spec = t.services(**options)
    services = rs.Services.from_dict(spec) if spec else rs.Services()
    for route, rate in t.compare_failures().items():
        services = services.with_failure(route, rate)
    return {"configuration": t.placeholders, "secrets": t.placeholders, "workers": 1,
            "services": services}


def _compare(a: Any, b: Any, pop: rs.Population, **kw: Any) -> rs.Impact:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rs.compare(a, b, pop, **kw)


def _kinds(impact: rs.Impact) -> dict[str, set[str]]:
    return {str(row.login_id): set(str(row.kinds).split(","))
            for row in impact.changed.itertuples()}


def _unexplained(t: rs.Template, options: dict[str, Any], pop: rs.Population,
                 action: rs.Action | None = None) -> pd.DataFrame:
    """The logins where the pair differs in a way no declared difference explains."""
    kw = _kw(t, options)
    action = action if action is not None else rs.new_action(t, **options)
    pair = _kinds(_compare(rs.new_rule(t, **options), action, pop, **kw))
    runtime = _kinds(_compare(rs.new_rule("empty"), rs.new_action("empty"), pop, **kw))
    allowed = set().union(*(KNOWN[d] for d in t.differences))
    protocol = dict(zip(pop.logins["login_id"].astype(str), pop.logins["protocol"], strict=True))
    rows = []
    for login, kinds in pair.items():
        if RERUN in t.differences and protocol[login] == "redirect-callback":
            continue
        left = kinds - allowed - runtime.get(login, set())
        if left:
            rows.append({"login_id": login, "kinds": ",".join(sorted(left))})
    return pd.DataFrame(rows, columns=["login_id", "kinds"])


def test_every_declared_difference_is_one_of_the_contract() -> None:
    for t in rs.templates():
        assert set(t.differences) <= set(KNOWN), t.name


@pytest.mark.parametrize("t", TEMPLATES, ids=lambda t: t.name)
def test_the_rule_and_the_action_agree_on_a_generated_population(t: rs.Template) -> None:
    options = t.compare_options()
    pop = _population()
    reached = _compare(rs.new_rule("empty"), rs.new_rule(t, **options), pop,
                       **_kw(t, options)).changed
    assert len(reached) > 0, "the template changes nothing on this population"
    assert len(reached) < len(pop) or reached["outcome_after"].nunique() > 1, \
        "every login takes the same branch"
    unexplained = _unexplained(t, options, pop)
    assert unexplained.empty, unexplained.to_string()


@pytest.mark.parametrize("t", TEMPLATES, ids=lambda t: t.name)
def test_the_rule_and_the_action_agree_on_the_golden_cases(t: rs.Template) -> None:
    logins = [{"user": c.get("user", {}), "context": c.get("context", {})}
              for c in t.golden("rule")["cases"]]
    unexplained = _unexplained(t, {}, rs.Population.from_logins(logins))
    assert unexplained.empty, unexplained.to_string()


def test_a_pair_that_disagrees_is_caught() -> None:
    t = next(t for t in TEMPLATES if t.name == "allow-email-domains")
    options = t.compare_options()
    other = rs.new_action(t, domains=["hotmail.com"])
    unexplained = _unexplained(t, options, _population(), action=other)
    assert not unexplained.empty
    assert unexplained["kinds"].str.contains("outcome").all()
