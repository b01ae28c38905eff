"""Property search finds a planted bug and shrinks it to the one field that matters."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest

import rulesim as rs
from rulesim import strategies
from rulesim.testing import Counterexample, search

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
    # The user's address, not the ID token's `email` claim: a login that does not ask for the
    # `email` scope has none, and that is not the bug this property looks for.
    user = (trace.input or {}).get("user") or {}
    email = str(user.get("email") or trace.id_token.get("email") or "")
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
