"""Hypothesis strategies: same schema as populations, and failures shrink to minimal logins."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from rulesim.population import population
from rulesim.strategies import contexts, logins, users

FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(logins())
def test_a_login_is_internally_consistent(login: dict[str, Any]) -> None:
    user, ctx = login["user"], login["context"]
    assert login["user_id"] == user["user_id"]
    assert ctx["stats"]["loginsCount"] == user["logins_count"]
    if user["identities"]:
        assert ctx["connection"] == user["identities"][0]["connection"]
    assert ctx["authorization"]["roles"] == user.get("app_metadata", {}).get("roles", [])
    if "request" in ctx:
        ipaddress.ip_address(ctx["request"]["ip"])
    json.dumps(login)


@FAST
@given(users(connection="google-oauth2"))
def test_users_can_be_pinned_to_a_connection(user: dict[str, Any]) -> None:
    assert user["user_id"].startswith("google-oauth2|")


@FAST
@given(contexts())
def test_contexts_use_only_keys_a_population_produces(ctx: dict[str, Any]) -> None:
    known = set(json.loads(population(50, seed=1).payloads()[0])["context"]) | {
        "request", "organization"}
    assert set(ctx) <= known


def test_logins_have_the_same_top_level_schema_as_population_payloads() -> None:
    generated = json.loads(population(10, seed=1).payloads()[0])
    example = find(logins(), lambda _: True,
                   settings=settings(database=None, phases=[Phase.generate]))
    assert set(example) == set(generated)
    assert set(example["user"]) <= set(generated["user"]) | {
        "phone_number", "phone_verified", "multifactor", "last_password_reset",
        "app_metadata", "email", "email_verified", "username"}


@pytest.mark.slow
def test_a_failing_property_shrinks_to_a_minimal_ordinary_login() -> None:
    example = find(logins(), lambda login: "app_metadata" in login["user"],
                   settings=settings(database=None, derandomize=True))
    user, ctx = example["user"], example["context"]
    assert ctx["connection"] == "Username-Password-Authentication"
    assert ctx["clientName"] == "Acme Portal"
    assert user["email_verified"] is True
    assert user["name"].isascii()
    assert user["app_metadata"]["roles"] == []
    assert "request" in ctx
    assert ctx["request"]["geoip"]["country_code"] == "US"
    assert ipaddress.ip_address(ctx["request"]["ip"]).version == 4
    assert user["logins_count"] == 1
    assert "multifactor" not in user
    assert "organization" not in ctx


def test_edge_cases_are_reachable() -> None:
    fast = settings(database=None, max_examples=2000, phases=[Phase.generate], derandomize=True)
    assert "request" not in find(logins(), lambda x: "request" not in x["context"],
                                 settings=fast)["context"]
    assert find(logins(), lambda x: x["user"]["identities"] == [], settings=fast)
    assert "email" not in find(users(), lambda u: "email" not in u, settings=fast)
    v6 = find(logins(), lambda x: ":" in x["context"].get("request", {}).get("ip", ""),
              settings=fast)
    assert ipaddress.ip_address(v6["context"]["request"]["ip"]).version == 6
