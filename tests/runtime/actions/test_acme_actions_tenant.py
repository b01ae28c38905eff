"""The acme tenant migrated to Actions runs over a synthetic population the way its README says."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from actions_harness import ActionsHarness, HostError, http_reply, login

import rulesim as rs
from rulesim.runtime.services import HttpRequest

TENANTS = Path(__file__).parents[3] / "datasets" / "tenants"


@pytest.fixture(scope="module")
def tenant() -> rs.ActionSet:
    return rs.load_actions(TENANTS / "acme-actions")


def responder_for(services: rs.Services) -> Any:
    rng = random.Random(7)

    def respond(call: dict[str, Any]) -> dict[str, Any]:
        result = services.handle(HttpRequest(call["method"], call["url"], call.get("headers") or {},
                                             call.get("body"), call.get("timeoutMs")), rng)
        if result.error:
            raise HostError(result.error_message or result.error, code=result.error)
        return http_reply(result.status or 200, result.body, result.headers)
    return respond


def harness(actions: rs.ActionSet) -> ActionsHarness:
    return ActionsHarness({a.name: a.code for a in actions.active})


def secrets(actions: rs.ActionSet) -> dict[str, dict[str, str]]:
    return {a.name: actions.secrets_for(a.name) for a in actions.active}


def test_the_whole_flow_runs_over_a_population_without_a_broken_action(tenant: rs.ActionSet) -> None:
    services = rs.Services.from_file(TENANTS / "acme-actions" / "services.yaml")
    for route in ("ip-blocklist-feed", "legacy-user-lookup", "enrich-person"):
        services = services.with_failure(route, 0.0)
    h = harness(tenant)
    respond = responder_for(services)
    pop = rs.population(150, seed=7)
    outcomes: Counter[str] = Counter()
    for i in range(len(pop)):
        r = h.run(pop.login(i), secrets=secrets(tenant), responder=respond,
                  resume=[{"body": {"accepted": "true"}, "method": "POST"}])
        outcomes[r["outcome"]] += 1
        assert r["outcome"] in ("success", "denied"), (i, r["error"])
        if r["outcome"] == "denied":
            assert r["error"]["action"] in ("block-password-grant", "email-domain-allowlist", "ip-blocklist")
        else:
            assert "https://acme.com/roles" in r["idToken"]
    assert outcomes["success"] > 100


def test_a_new_user_accepting_the_terms_resumes_in_the_tos_action_only(tenant: rs.ActionSet) -> None:
    h = harness(tenant)
    first = login(context={"stats": {"loginsCount": 1}})
    r = h.run(first, secrets=secrets(tenant), responder=lambda call: http_reply(200, {"entries": []}),
              resume=[{"body": {"accepted": "true"}, "method": "POST"}])
    assert r["outcome"] == "success"
    assert r["redirects"][0]["url"] == "https://acme.com/tos?version=2024-06-01"
    statuses = {a["name"]: (a["status"], a["runs"]) for a in r["actions"]}
    assert statuses["require-tos-acceptance"] == ("ok", 2)
    assert statuses["count-logins"] == ("ok", 1)
    slack = [c for c in r["calls"] if "hooks.slack.com" in c["url"]]
    assert len(slack) == 1
    assert r["metadata"]["app_metadata"]["tos_accepted_version"] == "2024-06-01"
    assert r["metadata"]["app_metadata"]["login_count"] == 1


def test_the_password_grant_is_denied_for_other_clients(tenant: rs.ActionSet) -> None:
    r = harness(tenant).run(login(context={"protocol": "oauth2-password", "clientName": "Acme Portal"}),
                            secrets=secrets(tenant))
    assert r["outcome"] == "denied"
    assert r["error"]["action"] == "block-password-grant"


def test_the_mixed_tenant_counts_logins_in_the_action_unless_the_rule_ran() -> None:
    tenant = rs.load_tenant(TENANTS / "acme-mixed")
    rule = tenant.rules["count-logins"]
    assert not rule.enabled
    actions = tenant.actions
    h = harness(actions)
    base = login(user={"app_metadata": {"tos_accepted_version": "2099-01-01"}})
    ok = lambda call: http_reply(200, {"entries": []})  # noqa: E731
    counted = h.run(base, secrets=secrets(actions), responder=ok)
    assert counted["metadata"]["app_metadata"]["login_count"] == 1
    skipped = h.run(base, secrets=secrets(actions), responder=ok, rules_executed=[rule.id])
    assert "login_count" not in skipped["metadata"]["app_metadata"]
