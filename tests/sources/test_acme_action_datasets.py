"""The shipped Actions tenants load: acme migrated to Actions, and halfway through (mixed)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import rulesim as rs

TENANTS = Path(__file__).parents[2] / "datasets" / "tenants"


def test_acme_actions_has_one_action_per_rule_in_the_rules_order() -> None:
    rules = rs.load_rules(TENANTS / "acme")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        actions = rs.load_actions(TENANTS / "acme-actions")
    assert sorted(actions.names) == sorted(rules.names)
    assert [a.name for a in actions.active] == [r.name for r in rules.active]
    assert not actions["force-email-verification"].enabled
    assert actions["force-email-verification"].deployed
    assert actions.missing_secrets() == {}
    assert actions.dependencies == ["axios@0.27.2", "lodash@4.17.21"]
    assert actions.services_file == TENANTS / "acme-actions" / "services.yaml"
    assert actions["require-tos-acceptance"].handlers == ("onExecutePostLogin", "onContinuePostLogin")


def test_every_secret_an_action_reads_is_declared_and_valued_locally() -> None:
    actions = rs.load_actions(TENANTS / "acme-actions")
    for a in actions.active:
        assert a.secret_keys() <= set(a.secrets), a.name
        assert set(actions.secrets_for(a.name)) == set(a.secrets), a.name
        exported = json.loads((TENANTS / "acme-actions" / "actions" / f"{a.name}.json").read_text())
        assert {s["value"] for s in exported["secrets"]} <= {"_VALUE_NOT_SHOWN_"}


def test_the_services_are_the_acme_ones() -> None:
    acme = (TENANTS / "acme" / "services.yaml").read_text()
    assert (TENANTS / "acme-actions" / "services.yaml").read_text() == acme
    assert (TENANTS / "acme-mixed" / "services.yaml").read_text() == acme


def test_acme_mixed_keeps_the_first_rules_and_binds_the_rest_as_actions() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tenant = rs.load_tenant(TENANTS / "acme-mixed")
    acme = rs.load_rules(TENANTS / "acme")
    assert [r.name for r in tenant.rules.active] == [r.name for r in acme.active][:10]
    assert [a.name for a in tenant.actions.active] == [r.name for r in acme.active][10:]
    assert tenant.rules["count-logins"].id == "rul_8kq2Lw0cN3xYz7Tb"
    assert "rul_8kq2Lw0cN3xYz7Tb" in tenant.actions["count-logins"].code
    assert tenant.rules.missing_configuration() == set()
    assert tenant.actions.missing_secrets() == {}
