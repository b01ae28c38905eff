"""The `event` projection (contract section 5), field by field, against rendered population logins."""

from __future__ import annotations

import json
from typing import Any

import pytest
from actions_harness import ActionsHarness, login

import rulesim as rs

DUMP = "exports.onExecutePostLogin = async (event, api) => { console.log(JSON.stringify(event)); };"
GEOIP = {"country_code": "countryCode", "country_code3": "countryCode3", "country_name": "countryName",
         "city_name": "cityName", "continent_code": "continentCode", "subdivision_code": "subdivisionCode",
         "subdivision_name": "subdivisionName", "latitude": "latitude", "longitude": "longitude",
         "time_zone": "timeZone"}
V3_USER = ("user_id", "email", "email_verified", "name", "given_name", "family_name", "nickname", "picture",
           "username", "phone_number", "phone_verified", "created_at", "updated_at", "last_password_reset",
           "multifactor", "enrolledFactors")


def event_of(the_login: dict[str, Any], settings: dict[str, Any] | None = None,
             secrets: dict[str, str] | None = None) -> dict[str, Any]:
    h = ActionsHarness({"dump": DUMP}, settings=settings)
    r = h.run(the_login, secrets={"dump": secrets or {}})
    return json.loads(r["logs"][0])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def logins() -> list[dict[str, Any]]:
    pop = rs.population(200, seed=7)
    return [pop.login(i) for i in range(200)]


def expected_user(u: dict[str, Any]) -> dict[str, Any]:
    out = {k: u[k] for k in V3_USER if k in u}
    out["app_metadata"] = u.get("app_metadata") or {}
    out["user_metadata"] = u.get("user_metadata") or {}
    out["identities"] = [{k: i[k] for k in ("connection", "provider", "user_id", "profileData", "isSocial")
                          if k in i} for i in u.get("identities", [])]
    return out


def expected_request(r: dict[str, Any] | None) -> dict[str, Any]:
    r = r or {}
    body = r.get("body", {})
    out: dict[str, Any] = {"ip": r.get("ip", ""), "method": "POST" if body else "GET",
                           "query": r.get("query", {}), "body": body,
                           "geoip": {GEOIP[k]: v for k, v in r.get("geoip", {}).items() if k in GEOIP}}
    for src, dst in (("hostname", "hostname"), ("userAgent", "user_agent")):
        if src in r:
            out[dst] = r[src]
    return out


def test_every_field_follows_the_mapping_on_two_hundred_population_logins(
        logins: list[dict[str, Any]]) -> None:
    h = ActionsHarness({"dump": DUMP})
    for the_login in logins:
        ev = json.loads(h.run(the_login)["logs"][0])
        u, c = the_login["user"], the_login["context"]
        assert ev["user"] == expected_user(u)
        assert ev["client"] == {"client_id": c["clientID"], "name": c["clientName"],
                                "metadata": c.get("clientMetadata") or {}}
        assert ev["connection"] == {"id": c["connectionID"], "name": c["connection"],
                                    "strategy": c["connectionStrategy"], "metadata": c["connectionMetadata"]}
        assert ev["request"] == expected_request(c.get("request"))
        assert ev["stats"] == {"logins_count": c["stats"]["loginsCount"]}
        assert ev["tenant"] == {"id": c["tenant"]}
        assert ev["authorization"] == {"roles": c["authorization"]["roles"]}
        assert ev["authentication"]["methods"] == c["authentication"]["methods"]
        assert ev["authentication"].get("riskAssessment") == c.get("riskAssessment")
        assert ev["session"] == {"id": c["sessionID"], "clients": [
            {"client_id": x} for x in c["sso"]["current_clients"]]}
        assert ev["secrets"] == {}
        query = ev["request"]["query"]
        tx = ev["transaction"]
        assert tx.get("protocol") == (None if c["protocol"] in ("redirect-callback", "delegation")
                                      else c["protocol"])
        assert tx["metadata"] == {}
        if "scope" in query:
            assert tx["requested_scopes"] == query["scope"].split()
        if "response_type" in query:
            assert tx["response_type"] == query["response_type"].split()
        if "redirect_uri" in query:
            assert tx["redirect_uri"] == query["redirect_uri"]
        audience = query.get("audience", ev["request"]["body"].get("audience"))
        assert ev.get("resource_server") == ({"identifier": audience} if audience else None)
        for gone in ("last_login", "last_ip", "logins_count", "blocked"):
            assert gone not in ev["user"]
        assert "refresh_token" not in ev and "organization" not in ev


def test_app_metadata_is_an_object_when_the_rules_user_has_none(logins: list[dict[str, Any]]) -> None:
    without = next(x for x in logins if "app_metadata" not in x["user"])
    assert event_of(without)["user"]["app_metadata"] == {}


def test_identities_lose_idp_tokens() -> None:
    ev = event_of(login())
    assert ev["user"]["identities"] == [{"connection": "db", "provider": "auth0", "user_id": "u1",
                                         "isSocial": False}]


def test_rules_only_user_fields_can_be_copied_by_setting() -> None:
    ev = event_of(login(), settings={"user_extra_fields": "copy"})
    assert ev["user"]["logins_count"] == 3
    assert ev["user"]["identities"][0].get("access_token") is None


def test_a_login_without_a_request_still_has_one(logins: list[dict[str, Any]]) -> None:
    bare = next(x for x in logins if "request" not in x["context"])
    ev = event_of(bare)
    assert ev["request"] == {"ip": "", "method": "GET", "query": {}, "body": {}, "geoip": {}}


def test_the_organization_gains_a_display_name() -> None:
    ev = event_of(login(context={"organization": {"id": "org_1", "name": "acme-eu"}}))
    assert ev["organization"] == {"id": "org_1", "name": "acme-eu", "display_name": "acme-eu", "metadata": {}}


def test_protocols_actions_do_not_have_are_left_out() -> None:
    assert "protocol" not in event_of(login(context={"protocol": "redirect-callback"}))["transaction"]


def test_secrets_are_the_actions_own() -> None:
    assert event_of(login(), secrets={"API_KEY": "k"})["secrets"] == {"API_KEY": "k"}


def test_refresh_token_exchanges_carry_a_refresh_token_only_for_enterprise_tenants() -> None:
    exchange = login(context={"protocol": "oauth2-refresh-token"})
    assert "refresh_token" not in event_of(exchange)
    ev = event_of(exchange, settings={"enterprise": True})
    assert ev["refresh_token"]["client_id"] == "cid"
    assert ev["refresh_token"]["session_id"] == "sid1"
