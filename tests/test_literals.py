"""Mining a rule's literals through its syntax tree, and the near misses worth trying."""

from __future__ import annotations

from typing import Any

import pytest

import rulesim as rs
from rulesim.literals import Literal, mine, near_misses, set_path


def rule(body: str, params: str = "user, context, callback") -> rs.Rule:
    return rs.Rule.from_source("r", f"function ({params}) {{\n{body}\n  callback(null, user, context);\n}}")


def found(body: str, params: str = "user, context, callback") -> list[tuple[str, Any, str]]:
    return [(lit.path, lit.value, lit.how) for lit in mine([rule(body, params)])]


def test_comparisons_methods_and_switch_cases_name_the_field_and_the_literal() -> None:
    got = found("""
  if (user.email.endsWith('@acme.com')) {}
  if (context.request.geoip.country_code === 'US') {}
  if ('samlp' !== context.connectionStrategy) {}
  if (context.stats.loginsCount >= 10) {}
  if (context.clientName.indexOf("Admin") > -1) {}
  switch (context.protocol) { case 'samlp': break; case "wsfed": break; }
""")
    assert got == [
        ("user.email", "@acme.com", "endsWith"),
        ("context.request.geoip.country_code", "US", "==="),
        ("context.connectionStrategy", "samlp", "!=="),
        ("context.stats.loginsCount", 10, ">="),
        ("context.clientName", "Admin", "indexOf"),
        ("context.protocol", "samlp", "case"), ("context.protocol", "wsfed", "case"),
    ]


def test_aliases_fallbacks_transparent_calls_and_constant_arrays_are_followed() -> None:
    got = found("""
  var meta = u.app_metadata || {};
  var roles = meta.roles || [];
  const email = String(u.email || '').trim().toLowerCase();
  var CLIENTS = ['Partner API', 'Acme Mobile'];
  if (roles.indexOf('admin') !== -1) {}
  if (email.endsWith('@acme.com')) {}
  if (CLIENTS.indexOf(ctx.clientName) === -1) {}
  if (_.includes(['a', 'b'], ctx.connection)) {}
  if ((ctx.request && ctx.request.query.prompt) === 'none') {}
""", params="u, ctx, cb")
    assert got == [
        ("user.app_metadata.roles", "admin", "indexOf"),
        ("user.email", "@acme.com", "endsWith"),
        ("context.clientName", "Partner API", "in"), ("context.clientName", "Acme Mobile", "in"),
        ("context.connection", "a", "in"), ("context.connection", "b", "in"),
        ("context.request.query.prompt", "none", "==="),
    ]


def test_regular_expressions_keep_their_flags() -> None:
    lits = mine([rule("""
  if (/^cn=admins,/i.test(user.groups)) {}
  if (context.request.userAgent.match(/Trident\\/7/)) {}
""")])
    assert [(x.path, x.value, x.how, x.flags) for x in lits] == [
        ("user.groups", "^cn=admins,", "regex", "i"),
        ("context.request.userAgent", "Trident\\/7", "regex", "")]
    assert all(x.is_regex for x in lits)


def test_outputs_are_not_inputs_and_disabled_rules_are_skipped() -> None:
    got = found("""
  var roles = context.idToken['https://acme.com/roles'] || user.app_metadata.roles || [];
  if (context.idToken.level === 'gold') {}
  if (roles.indexOf('admin') !== -1) {}
""")
    assert got == [("user.app_metadata.roles", "admin", "indexOf")]
    off = rs.Rule.from_source("off", "function (user, context, callback) { if (user.email === 'x') {} "
                              "callback(null, user, context); }", enabled=False)
    assert mine([off]) == []


def test_a_literal_says_where_it_is() -> None:
    lit = mine([rule("  var x = 1;\n  if (user.email === 'a@b.c') {}")])[0]
    assert (lit.rule, lit.line) == ("r", 3)
    assert lit.keys == ("user", "email")


def lit(path: str, value: Any, how: str = "===") -> Literal:
    return Literal(tuple(path.split(".")), value, how, "r", 1)


def test_near_misses_start_with_the_literal_and_cover_loose_and_strict_matches() -> None:
    suffix = near_misses(lit("context.clientName", "admin.example.com", "endsWith"))
    assert suffix[0] == "admin.example.com"
    assert {"notadmin.example.com", "ADMIN.EXAMPLE.COM", "admin.example.co",
            "attackeradmin.example.com", "admin.example.com.evil.example"} <= set(suffix)
    emails = near_misses(lit("user.email", "@acme.com", "endsWith"))
    assert "alice@acme.com" in emails and "alice@ACME.COM" in emails
    assert all("@" in e for e in emails)
    assert near_misses(lit("context.stats.loginsCount", 3, "<")) == [3, 2, 4, 0]
    assert near_misses(lit("x.ratio", 0.5, ">")) == [0.5, 0.0, 1.0]
    assert "cn=admins,ou=x" in near_misses(Literal(("user", "groups"), "^cn=admins$", "regex",
                                                   "r", 1))


def test_set_path_creates_objects_and_wraps_list_fields() -> None:
    login: dict[str, Any] = {"user": {"app_metadata": {"roles": ["user"]}}, "context": {}}
    set_path(login, ("user", "app_metadata", "roles"), "admin")
    set_path(login, ("context", "request", "geoip", "country_code"), "LI")
    set_path(login, ("user", "user_metadata", "groups"), "x")
    assert login["user"]["app_metadata"]["roles"] == ["admin"]
    assert login["context"]["request"]["geoip"] == {"country_code": "LI"}
    assert login["user"]["user_metadata"]["groups"] == ["x"]


@pytest.mark.parametrize("tenant_rule", ["block-password-grant", "email-domain-allowlist",
                                         "contextual-mfa"])
def test_the_acme_tenants_literals_are_found(tenant_rule: str) -> None:
    rules = rs.load_rules("datasets/tenants/acme")
    paths = {x.path for x in mine([rules[tenant_rule]])}
    expected = {"block-password-grant": "context.clientName",
                "email-domain-allowlist": "context.clientMetadata.restricted",
                "contextual-mfa": "user.app_metadata.roles"}[tenant_rule]
    assert expected in paths
