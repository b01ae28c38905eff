"""Property search finds a planted bug and shrinks it to the one field that matters."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest

import rulesim as rs
from rulesim import strategies
from rulesim.testing import Counterexample, SearchResult, explore, search

ADMIN = "https://example.com/admin"
ROLES = "https://example.com/roles"

ROLE_CLAIMS = rs.Rule.from_source("add-role-claims", """function (user, context, callback) {
  var roles = (user.app_metadata && user.app_metadata.roles) || [];
  context.idToken['https://example.com/roles'] = roles;
  if (roles.indexOf('admin') !== -1) context.idToken['https://example.com/admin'] = true;
  return callback(null, user, context);
}""", order=1)

# The planted bug: meant for the admin.example.com domain, it also matches notadmin.example.com.
PLANTED = rs.Rule.from_source("grant-admin-domain", """function (user, context, callback) {
  if (user.email && user.email.endsWith('admin.example.com')) {
    context.idToken['https://example.com/admin'] = true;
  }
  return callback(null, user, context);
}""", order=2)

RULES = rs.RuleSet([ROLE_CLAIMS, PLANTED])
DOMAINS = ("example.com", "admin.example.com", "notadmin.example.com", "gmail.com")


def _with_email(login: dict[str, Any], local: str, domain: str) -> dict[str, Any]:
    return {**login, "user": {**login["user"], "email": f"{local}@{domain}"}}


EMAILS = st.builds(_with_email, strategies.logins(), st.sampled_from(["alice", "bob", "carol"]),
                   st.sampled_from(DOMAINS))


def only_admins_or_the_admin_domain_get_the_admin_claim(trace: rs.LoginTrace) -> bool:
    if not trace.id_token.get(ADMIN):
        return True
    # the login's own email: the token's email claim is absent without the email scope, and
    # a search aimed at the rules' literals finds such logins
    email = str(trace.input["user"].get("email") or "")
    return "admin" in (trace.id_token.get(ROLES) or []) or email.endswith("@admin.example.com")


@pytest.mark.slow
def test_search_finds_the_planted_bug_and_shrinks_it_to_the_email() -> None:
    found = search(RULES, only_admins_or_the_admin_domain_get_the_admin_claim, EMAILS,
                   max_examples=100, seed=1)
    assert isinstance(found, Counterexample)
    assert found.relevant == ["user.email"]
    assert found.partial["user"]["email"].endswith("@notadmin.example.com")
    assert found.trace.id_token[ADMIN] is True
    assert not only_admins_or_the_admin_domain_get_the_admin_claim(found.trace)
    assert "user.email" in str(found)
    # replaying the partial login with run_login reproduces the failure
    replay = rs.run_login(RULES, user=found.partial["user"])
    assert not only_admins_or_the_admin_domain_get_the_admin_claim(replay)


@pytest.mark.slow
def test_search_returns_none_when_the_property_holds() -> None:
    fixed = RULES.replace("grant-admin-domain", PLANTED.source.replace(
        "endsWith('admin.example.com')", "endsWith('@admin.example.com')"))
    assert search(fixed, only_admins_or_the_admin_domain_get_the_admin_claim, EMAILS,
                  max_examples=40, seed=1) is None


def test_a_property_that_is_not_callable_is_a_usage_error() -> None:
    with pytest.raises(rs.UsageError, match="property"):
        search(RULES, "not a function", max_examples=1)  # type: ignore[arg-type]


# --- the default strategy reads the rules: each kind of loosely matched literal -----------------


def claim(trace: rs.LoginTrace, name: str) -> Any:
    return trace.id_token.get(name) or trace.access_token.get(name)


def field(trace: rs.LoginTrace, *keys: str) -> Any:
    node: Any = trace.input
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


BUGS: dict[str, tuple[str, Any, str]] = {
    # a suffix: meant for admin.example.com, also matches notadmin.example.com
    "suffix": ("""
  if (user.email && user.email.endsWith('admin.example.com')) {
    context.idToken['https://example.com/admin'] = true;
  }""", lambda t: not claim(t, ADMIN) or str(field(t, "user", "email")).endswith(
        "@admin.example.com"), "user.email"),
    # a substring: meant for the Admin Console, also matches any client with "Admin" in its name
    "substring": ("""
  if (context.clientName.indexOf('Admin') !== -1) {
    context.accessToken['https://example.com/internal'] = true;
  }""", lambda t: not claim(t, "https://example.com/internal")
        or field(t, "context", "clientName") == "Acme Admin Console", "context.clientName"),
    # a case-sensitive compare: the blocked domain in capitals gets through
    "case": ("""
  if (user.email && user.email.endsWith('@evil.example')) {
    return callback(new UnauthorizedError('blocked domain'));
  }""", lambda t: t.outcome == "denied"
        or not str(field(t, "user", "email") or "").lower().endswith("@evil.example"),
        "user.email"),
    # an off-by-one count: the first three logins should need MFA, the third does not
    "off_by_one": ("""
  if (context.stats.loginsCount < 3) {
    context.multifactor = { provider: 'any' };
  }""", lambda t: bool(t.mfa) or field(t, "context", "stats", "loginsCount") > 3,
        "context.stats.loginsCount"),
    # a misspelt role: administrators never get the claim, holders of the typo do
    "misspelt_role": ("""
  var roles = (user.app_metadata && user.app_metadata.roles) || [];
  if (roles.indexOf('adminstrator') !== -1) {
    context.idToken['https://example.com/admin'] = true;
  }""", lambda t: not claim(t, ADMIN) or "administrator" in (
        field(t, "user", "app_metadata", "roles") or []), "user.app_metadata.roles"),
}


def bug_rules(body: str) -> rs.RuleSet:
    return rs.RuleSet([rs.Rule.from_source("rule-under-test", "function (user, context, callback) {"
                                           f"{body}\n  return callback(null, user, context);\n}}",
                                           order=1)])


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BUGS))
def test_the_default_search_finds_a_loosely_matched_literal_and_shrinks_to_its_field(
        kind: str) -> None:
    body, prop, path = BUGS[kind]
    rules = bug_rules(body)
    result = explore(rules, prop)  # default strategy and max_examples
    found = result.counterexample
    assert isinstance(found, Counterexample), f"{kind}: nothing found in {result.examples} logins"
    assert found.examples <= 200
    assert found.relevant == [path]
    assert not prop(found.trace)
    assert not prop(rs.run_login(rules, **found.partial))  # the partial login replays it


@pytest.mark.slow
def test_random_logins_miss_these_bugs_that_the_rules_literals_find() -> None:
    body, prop, _ = BUGS["suffix"]
    assert search(bug_rules(body), prop, strategies.logins(), max_examples=60, seed=2,
                  guided=False) is None


GATED = rs.Rule.from_source("legacy-plan-claims", """function (user, context, callback) {
  var meta = user.app_metadata || {};
  if (context.connection === 'acme-azure') { context.idToken['https://example.com/idp'] = 'aad'; }
  if (context.request && context.request.geoip.country_code === 'LI') { context.idToken.li = 1; }
  if (context.protocol === 'samlp') { context.idToken['https://example.com/saml'] = true; }
  if (context.clientName === 'Acme Admin Console') {
    if (meta.plan === 'enterprise-legacy') {
      context.idToken['https://example.com/legacy'] = true;
    }
  }
  return callback(null, user, context);
}""", order=1)


def legacy_arm_reached(result: Any) -> bool:
    missed = result.missed_branches()
    return not ((missed["rule"] == "legacy-plan-claims") & (missed["arm"] == "if: then")
                & missed["code"].str.contains("enterprise-legacy")).any()


@pytest.mark.slow
def test_coverage_guidance_reaches_a_nested_branch_random_logins_miss() -> None:
    rules = rs.RuleSet([GATED])
    guided = explore(rules, lambda t: True, max_examples=120, seed=5)
    assert legacy_arm_reached(guided)
    assert guided.counterexample is None and guided.examples == 120
    randomly = explore(rules, lambda t: True, strategies.logins(), max_examples=120, seed=5,
                       guided=False)
    assert not legacy_arm_reached(randomly)
    assert len(randomly.missed_branches()) > len(guided.missed_branches())


def test_a_search_without_coverage_has_no_branch_report() -> None:
    result = SearchResult(None, None, 0, [])
    with pytest.raises(rs.UsageError, match="coverage"):
        result.missed_branches()
