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

from rulesim.testing.assertions import (
    RuleAssertionError,
    assert_allowed,
    assert_claim,
    assert_denied,
    assert_mfa,
    assert_no_claim,
    assert_redirect,
    writers,
)
from rulesim.testing.guided_search import SearchResult, explore
from rulesim.testing.property_search import Counterexample, Property, search
from rulesim.testing.runs import exact_population, run, run_logins

__all__ = [
    "Counterexample",
    "Property",
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
    "writers",
]

