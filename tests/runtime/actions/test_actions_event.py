"""The `event` projection (contract section 5), field by field, against rendered population logins."""

from __future__ import annotations

import json
import subprocess
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


# What an Action can do to its `event` and to a part of it (`event.user`): read, add integer,
# string and symbol keys, delete and re-add, redefine, inherit from it, enumerate, freeze. The
# same probe runs in rulesim on the Action's own (lazily copied) event, and in Node on the same
# event as a plain object (from the JSON an earlier Action logged): the answers must agree.
PROBE = r"""
function probe(u) {
  'use strict';
  const out = [];
  const keys = (o) => Reflect.ownKeys(o).map(String);
  out.push(['keys0', Object.keys(u)]);
  out.push(['read', typeof u.email, 'email' in u, u.hasOwnProperty('email'), 'nope' in u, 'toString' in u]);
  u['10'] = 'a'; u['2'] = 'b'; u.zzz = 1; u[Symbol.for('s')] = 2;
  out.push(['added', keys(u)]);
  delete u.email;
  out.push(['deleted', Object.keys(u), 'email' in u, String(u.email), u.hasOwnProperty('email')]);
  u.email = 'again';
  out.push(['readded', Object.keys(u)]);
  out.push(['desc', JSON.stringify(Object.getOwnPropertyDescriptor(u, 'name')),
            String(Object.getOwnPropertyDescriptor(u, 'nope'))]);
  Object.defineProperty(u, 'nickname', { enumerable: false });
  out.push(['hidden', Object.keys(u), JSON.stringify(Object.getOwnPropertyDescriptor(u, 'nickname')),
            u.propertyIsEnumerable('nickname')]);
  Object.defineProperty(u, 'acc', { get() { return String(this.name) + '!'; },
                                    enumerable: true, configurable: true });
  out.push(['accessor', u.acc, Object.keys(u).length, typeof Object.getOwnPropertyDescriptor(u, 'acc').get]);
  const c = Object.create(u); c.name = 'child';
  out.push(['child', String(u.name) !== 'child', c.name, Object.keys(c), c.acc, 'email' in c]);
  const fi = []; for (const k in u) fi.push(k);
  out.push(['forin', fi]);
  out.push(['entries', Object.entries(u).length, Object.values(u).length, Object.keys({ ...u }),
            JSON.stringify(Object.assign({}, u)).length]);
  out.push(['proto', Object.getPrototypeOf(u) === Object.prototype, u instanceof Object, String(u),
            Object.prototype.toString.call(u), Array.isArray(u)]);
  Object.freeze(u);
  let err = null; try { u.name = 'x'; } catch (e) { err = e.constructor.name; }
  let err2 = null; try { u.brandNew = 1; } catch (e) { err2 = e.constructor.name; }
  out.push(['frozen', Object.isFrozen(u), Object.isExtensible(u), err, err2, keys(u), JSON.stringify(u)]);
  return out;
}
"""


def test_an_actions_event_behaves_as_the_plain_object_node_gives_it(node_binary: str) -> None:
    node = node_binary
    dump = "exports.onExecutePostLogin = async (event, api) => { console.log(JSON.stringify(event)); };"
    check = ("exports.onExecutePostLogin = async (event, api) => {\n" + PROBE +
             "console.log(JSON.stringify({user: probe(event.user), top: probe(event)}));\n};")
    h = ActionsHarness({"dump": dump, "check": check})
    logs = h.run(login(), secrets={"dump": {}, "check": {}})["logs"]
    ours = json.loads(logs[1])
    script = (PROBE + f"const ev = JSON.parse({json.dumps(logs[0])});\n"
              "console.log(JSON.stringify({user: probe(ev.user), top: probe(ev)}));")
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=60)
    theirs = json.loads(done.stdout)
    assert ours["user"] == theirs["user"]
    assert ours["top"] == theirs["top"]
