"""The gallery: its templates, their options written in as JSON literals, and refused names."""

from __future__ import annotations

import warnings

import pytest

import rulesim as rs
from rulesim.gallery import KINDS, find_template
from rulesim.gallery._names import check_name
from rulesim.gallery._render import placeholders_in

TEMPLATES = rs.templates()
NAMES = [t.name for t in TEMPLATES]

# The jobs the issue names, each of which must have a template.
JOBS = {"allow-email-domains", "roles-to-tokens", "mfa-for-roles", "enrich-profile",
        "consent-redirect", "link-accounts", "deny-by-ip", "deny-by-country"}


def test_the_gallery_has_the_empty_template_and_at_least_ten_for_common_jobs() -> None:
    assert "empty" in NAMES
    assert len(set(NAMES) - {"empty"}) >= 10
    assert set(NAMES) >= JOBS
    assert sorted(NAMES) == NAMES


@pytest.mark.parametrize("t", TEMPLATES, ids=NAMES)
def test_every_template_says_what_it_does_and_starts_both_kinds(t: rs.Template) -> None:
    assert t.summary and t.description and len(t.summary) <= 100
    assert t.kinds == KINDS
    assert (t.folder / "rule.js").is_file() and (t.folder / "action.js").is_file()
    assert t.golden("rule")["cases"] and t.golden("action")["cases"]


@pytest.mark.parametrize("t", TEMPLATES, ids=NAMES)
def test_the_rule_and_the_action_use_every_option_and_nothing_else(t: rs.Template) -> None:
    options = {o.name for o in t.options}
    assert placeholders_in((t.folder / "rule.js").read_text()) == options
    assert placeholders_in((t.folder / "action.js").read_text()) == options


@pytest.mark.parametrize("t", TEMPLATES, ids=NAMES)
def test_the_rule_reads_the_declared_configuration_and_the_action_the_same_secrets(
        t: rs.Template) -> None:
    rule, action = rs.new_rule(t), rs.new_action(t)
    declared = {c.key for c in t.configuration}
    assert rule.config_keys() == declared
    assert action.secret_keys() == declared
    assert set(action.secrets) == declared


def test_new_rule_and_new_action_return_a_checked_rule_and_action() -> None:
    rule = rs.new_rule("allow-email-domains", name="only-acme", domains=["acme.example"], order=3)
    assert isinstance(rule, rs.Rule)
    assert (rule.name, rule.order, rule.enabled) == ("only-acme", 3, True)
    assert '["acme.example"]' in rule.source
    action = rs.new_action("consent-redirect", url="https://acme.example/consent")
    assert isinstance(action, rs.Action)
    assert action.name == "consent-redirect"
    assert action.handlers == ("onExecutePostLogin", "onContinuePostLogin")
    assert '"https://acme.example/consent"' in action.code


def test_a_list_option_also_takes_a_comma_separated_string() -> None:
    t = find_template("deny-by-country")
    assert t.values(countries="KP, IR") == {"countries": ["KP", "IR"]}


@pytest.mark.parametrize(("options", "message"), [
    ({"domain": ["a.example"]}, "has no option domain; its options: domains"),
    ({"domains": []}, "expected domains to be a non-empty list"),
    ({"domains": [""]}, "expected domains to be a non-empty list"),
    ({"domains": 3}, "expected domains to be a non-empty list"),
])
def test_unknown_options_and_bad_values_are_errors_naming_the_option(
        options: dict[str, object], message: str) -> None:
    with pytest.raises(rs.UsageError, match=message):
        rs.new_rule("allow-email-domains", **options)


def test_an_unknown_template_is_an_error_listing_the_gallery() -> None:
    with pytest.raises(rs.UsageError, match=r"no template called 'allow-domains'.*allow-email-domains"):
        rs.new_rule("allow-domains")


HOSTILE = ['x"; throw new Error("injected"); //', "a\\'b*/c</script>", "line\u2028sep\u2029end",
           "${process.exit()}`"]


@pytest.mark.parametrize("value", HOSTILE)
def test_option_values_are_written_as_literals_never_as_code(value: str) -> None:
    rule = rs.new_rule("roles-to-tokens", namespace=value)
    action = rs.new_action("roles-to-tokens", namespace=value)
    context = {"authorization": {"roles": ["admin"]}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_rule = rs.run_login(rule, user={"email": "a@example.com"}, context=context)
        by_action = rs.run_login(action, user={"email": "a@example.com"}, context=context)
    assert by_rule.outcome == by_action.outcome == "allowed"
    assert by_rule.id_token[value + "roles"] == ["admin"]
    assert by_action.id_token[value + "roles"] == ["admin"]


@pytest.mark.parametrize("name", ["My Rule 2", "a", "allow-email-domains", "x" * 255])
def test_rule_names_auth0_accepts_pass(name: str) -> None:
    check_name("rule", name)


@pytest.mark.parametrize("name", ["bad_name", "-leading", "trailing-", "dots.in.name", "ünï",
                                  "", "x" * 256, " spaced"])
def test_a_rule_name_auth0_would_refuse_is_an_error_naming_it(name: str) -> None:
    with pytest.raises(rs.UsageError, match="rule name"):
        rs.new_rule("empty", name=name) if name else check_name("rule", name)


@pytest.mark.parametrize("name", ["a/b", "..", "", " padded", "what?", "tab\there", "x" * 256])
def test_an_action_name_deploy_cli_cannot_write_is_an_error_naming_it(name: str) -> None:
    with pytest.raises(rs.UsageError, match="action name"):
        check_name("action", name)


def test_action_names_may_hold_spaces_and_underscores() -> None:
    assert rs.new_action("empty", name="My first_action").name == "My first_action"
