"""Assertion helpers fail with a message that names the rule and shows the trace; exact logins."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import rulesim as rs
from rulesim import strategies
from rulesim.testing import (
    RuleAssertionError,
    assert_allowed,
    assert_claim,
    assert_denied,
    assert_mfa,
    assert_no_claim,
    assert_redirect,
    exact_population,
    run,
    run_logins,
)

ADMIN = "https://example.com/admin"
ROLES = "https://example.com/roles"

RULES = rs.RuleSet([
    rs.Rule.from_source("deny-blocked-domain", """function (user, context, callback) {
  if ((user.email || '').endsWith('@blocked.example')) {
    return callback(new UnauthorizedError('blocked domain'));
  }
  return callback(null, user, context);
}""", order=1),
    rs.Rule.from_source("add-role-claims", """function (user, context, callback) {
  var roles = (user.app_metadata && user.app_metadata.roles) || [];
  context.idToken['https://example.com/roles'] = roles;
  context.accessToken['https://example.com/roles'] = roles;
  if (roles.indexOf('admin') !== -1) context.idToken['https://example.com/admin'] = true;
  return callback(null, user, context);
}""", order=2),
    rs.Rule.from_source("mfa-for-admins", """function (user, context, callback) {
  var roles = (user.app_metadata && user.app_metadata.roles) || [];
  if (roles.indexOf('admin') !== -1) context.multifactor = {provider: 'guardian'};
  return callback(null, user, context);
}""", order=3),
    rs.Rule.from_source("terms-redirect", """function (user, context, callback) {
  if (user.user_metadata && user.user_metadata.needs_terms) {
    context.redirect = {url: 'https://example.com/terms?v=2'};
  }
  return callback(null, user, context);
}""", order=4),
])


@pytest.fixture(scope="module")
def traces() -> dict[str, rs.LoginTrace]:
    """Four logins, run in one simulation."""
    from rulesim.population import Population

    partial = {
        "plain": {"user": {"email": "ann@example.com", "app_metadata": {"roles": ["user"]}}},
        "blocked": {"user": {"email": "eve@blocked.example"}},
        "admin": {"user": {"email": "root@example.com", "app_metadata": {"roles": ["admin"]}}},
        "terms": {"user": {"email": "tom@example.com", "app_metadata": {"roles": ["user"]},
                           "user_metadata": {"needs_terms": True}}},
    }
    logins = [Population.from_logins([p]).login(0) for p in partial.values()]
    return dict(zip(partial, run_logins(RULES, logins), strict=True))


def _fails(check: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(RuleAssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


def test_assert_allowed_names_the_denying_rule_and_shows_the_trace(traces: dict[str, Any]) -> None:
    message = _fails(assert_allowed, traces["blocked"])
    assert "rule `deny-blocked-domain`" in message
    assert "blocked domain" in message
    assert str(traces["blocked"]) in message


def test_assert_allowed_passes_for_an_allowed_login(traces: dict[str, Any]) -> None:
    assert_allowed(traces["plain"])


def test_assert_allowed_names_the_redirecting_rule(traces: dict[str, Any]) -> None:
    message = _fails(assert_allowed, traces["terms"])
    assert "rule `terms-redirect` redirected it" in message
    assert_allowed(traces["terms"], allow_redirect=True)


def test_assert_denied_checks_the_reason_and_the_rule(traces: dict[str, Any]) -> None:
    assert_denied(traces["blocked"], reason="blocked domain", rule="deny-blocked-domain",
                  code="unauthorized")
    message = _fails(assert_denied, traces["blocked"], reason="a different reason")
    assert "rule `deny-blocked-domain` said" in message


def test_assert_denied_on_an_allowed_login_lists_the_rules_that_ran(traces: dict[str, Any]) -> None:
    message = _fails(assert_denied, traces["plain"])
    assert "no rule denied it" in message
    assert "`add-role-claims`" in message
    assert "login " in message  # the trace follows


def test_assert_claim_with_a_wrong_value_names_the_rule_that_set_it(traces: dict[str, Any]) -> None:
    assert_claim(traces["plain"], "id_token", ROLES, ["user"])
    message = _fails(assert_claim, traces["plain"], "id_token", ROLES, ["admin"])
    assert "set by rule `add-role-claims`" in message
    assert "['user']" in message


def test_assert_claim_on_a_missing_claim_says_no_rule_set_it(traces: dict[str, Any]) -> None:
    message = _fails(assert_claim, traces["plain"], "access_token", ADMIN)
    assert "no rule set it" in message


def test_assert_no_claim_names_the_rule_that_set_the_claim(traces: dict[str, Any]) -> None:
    assert_no_claim(traces["plain"], "id_token", ADMIN)
    message = _fails(assert_no_claim, traces["admin"], "id_token", ADMIN)
    assert "rule `add-role-claims`" in message


def test_assert_mfa_reports_the_rule_and_the_provider(traces: dict[str, Any]) -> None:
    assert_mfa(traces["admin"], "guardian")
    assert "rule `mfa-for-admins` asked for 'guardian'" in _fails(assert_mfa, traces["admin"], "any")
    assert "no rule set context.multifactor" in _fails(assert_mfa, traces["plain"])
    assert "rule `mfa-for-admins` required it" in _fails(assert_mfa, traces["admin"],
                                                         required=False)


def test_assert_redirect_matches_a_url_prefix_and_names_the_rule(traces: dict[str, Any]) -> None:
    assert_redirect(traces["terms"], "https://example.com/terms*")
    assert "rule `terms-redirect` redirected to" in _fails(assert_redirect, traces["terms"],
                                                          "https://other.example/")
    assert "no rule set context.redirect" in _fails(assert_redirect, traces["plain"])


def test_a_token_name_other_than_id_or_access_token_is_a_usage_error(
        traces: dict[str, Any]) -> None:
    with pytest.raises(rs.UsageError, match="id_token"):
        assert_claim(traces["plain"], "refresh_token", ROLES)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(strategies.logins())
def test_an_exact_population_holds_the_drawn_login_unchanged(login: dict[str, Any]) -> None:
    got = json.loads(exact_population([login]).payloads()[0])
    assert got["user"] == login["user"]
    assert got["context"] == login["context"]
    assert got["timestamp_ms"] == login["timestamp_ms"]


@pytest.mark.slow
@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(strategies.logins())
def test_run_works_inside_a_hypothesis_test(login: dict[str, Any]) -> None:
    trace = run(RULES, login)
    assert trace.input is not None
    assert trace.input["user"] == login["user"]
    roles = (login["user"].get("app_metadata") or {}).get("roles", [])
    if trace.outcome == "allowed" and "admin" not in roles:
        assert_no_claim(trace, "id_token", ADMIN)
