"""Redirects (stop, continue, flows that cannot redirect) and the acme tenant's services."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import rulesim as rs
from rulesim.runtime.services import Latency, Route, Services
from tests.runtime.pipeline_helpers import Harness, run_once

ACME = Path(__file__).parent.parent.parent / "datasets" / "tenants" / "acme"

TOS = ("function (user, context, callback) {\n"
       "  if (context.protocol === 'redirect-callback') {\n"
       "    if (context.request.body.accepted !== 'yes') {\n"
       "      return callback(new UnauthorizedError('terms refused'));\n"
       "    }\n"
       "    context.idToken['https://acme.com/tos'] = 'accepted';\n"
       "    return callback(null, user, context);\n"
       "  }\n"
       "  context.redirect = {url: 'https://acme.com/tos'};\n"
       "  callback(null, user, context);\n}")
AFTER = ("function (user, context, callback) {\n"
         "  context.idToken['https://acme.com/runs'] = (context.idToken['https://acme.com/runs'] || 0) + 1;\n"
         "  callback(null, user, context);\n}")


def accept(login: dict[str, Any], url: str) -> dict[str, str]:
    return {"accepted": "yes"}


def refuse(login: dict[str, Any], url: str) -> dict[str, str]:
    return {"accepted": "no"}


def test_a_redirect_ends_the_first_pass_with_outcome_redirect() -> None:
    r = run_once([TOS, AFTER])
    assert (r.outcome, r.login["redirect_url"]) == ("redirect", "https://acme.com/tos")
    assert list(r.rule_runs["outcome"]) == ["ok", "ok"]


def test_continue_runs_every_rule_again_as_redirect_callback_with_the_posted_body() -> None:
    r = Harness([TOS, AFTER], on_redirect="continue", continue_handler=accept).login()
    assert r.outcome == "allowed"
    assert r.id_token["https://acme.com/tos"] == "accepted"
    assert r.id_token["https://acme.com/runs"] == 1
    assert list(r.rule_runs["phase"]) == ["initial", "initial", "continue", "continue"]
    assert r.login["redirect_url"] == "https://acme.com/tos"
    assert "continued" in r.login["flags"]


def test_what_the_redirect_target_posts_back_decides_the_continuation() -> None:
    r = Harness([TOS, AFTER], on_redirect="continue", continue_handler=refuse).login()
    assert (r.outcome, r.code, r.login["deciding_rule"]) == ("denied", "unauthorized", "rule1")


def test_a_second_redirect_on_continue_is_ignored() -> None:
    always = "function (u, c, cb) { c.redirect = {url: 'https://x/again'}; cb(null, u, c); }"
    r = Harness([always], on_redirect="continue").login()
    assert r.outcome == "allowed"
    assert r.login["redirect_url"] == "https://x/again"


@pytest.mark.parametrize("protocol", ["oauth2-resource-owner", "oauth2-password",
                                      "oauth2-refresh-token"])
def test_a_redirect_in_a_flow_that_cannot_redirect_fails_the_login(protocol: str) -> None:
    r = run_once([TOS, AFTER], context={"protocol": protocol})
    assert (r.outcome, r.code, r.login["app_error"]) == (
        "error", "redirect_not_allowed", "interaction_required")
    assert r.login["deciding_rule"] == "rule1"


def test_simulate_accepts_on_redirect_continue() -> None:
    rules = rs.RuleSet([rs.Rule.from_source("tos", TOS, order=1)])
    pop = rs.Population.from_logins([{"user": {"email": f"u{i}@acme.com"},
                                      "context": {"protocol": "oidc-basic-profile"}}
                                     for i in range(5)])
    sim = rs.simulate(rules, pop, on_redirect="continue", continue_handler=accept, workers=1)
    assert set(sim.logins["outcome"]) == {"allowed"}
    assert set(sim.rule_runs["phase"]) == {"initial", "continue"}


def _acme() -> rs.RuleSet:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rs.RuleSourceWarning)
        return rs.load_rules(ACME)


@pytest.fixture(scope="module")
def acme_pop() -> rs.Population:
    return rs.population(400, seed=3)


@pytest.mark.slow
def test_every_acme_external_call_is_answered_by_its_services_file(acme_pop: rs.Population) -> None:
    sim = rs.simulate(_acme(), acme_pop, workers=2, progress=False)
    http = sim.calls[sim.calls["kind"] == "http"]
    assert len(http) > 0
    assert http["route"].notna().all(), "a call matched no route of services.yaml"
    assert set(http["route"]) <= {"ip-blocklist-feed", "legacy-user-lookup", "enrich-person",
                                  "slack-webhook"}


@pytest.mark.slow
def test_a_total_enrichment_outage_fails_open_as_documented(acme_pop: rs.Population) -> None:
    rules = _acme()
    services = Services.from_file(ACME / "services.yaml")
    healthy = rs.simulate(rules, acme_pop, services=services, workers=2, progress=False)
    down = rs.simulate(rules, acme_pop, services=services.with_failure("enrich-person", 1.0),
                       workers=2, progress=False)
    # enrich-profile fails open: no login changes outcome because of it ...
    runs = down.rule_runs[down.rule_runs["rule"] == "enrich-profile"]
    assert set(runs["outcome"]) <= {"ok", "skipped"}
    assert list(down.logins["outcome"]) == list(healthy.logins["outcome"])
    # ... but the enrichment claims disappear and every call failed.
    company = '"https://acme.com/company"'
    assert healthy.logins["id_token"].str.contains(company).sum() > 0
    assert down.logins["id_token"].str.contains(company).sum() == 0
    calls = down.calls[down.calls["route"] == "enrich-person"]
    assert len(calls) > 0 and (calls["status"].fillna(0) >= 500).all()


def test_a_25_second_api_latency_times_the_login_out() -> None:
    services = Services([Route(name="slow", url="https://slow.example/*", json={"ok": 1},
                               latency=Latency.fixed(25_000))])
    src = ("function (u, c, cb) {\n  require('axios').get('https://slow.example/x')\n"
           "    .then(function () { cb(null, u, c); }, cb);\n}")
    r = run_once([src], services=services)
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")
    assert r.login["latency_ms"] == pytest.approx(20_000, abs=5)


def test_slower_apis_show_up_in_rule_io_time() -> None:
    src = ("function (u, c, cb) {\n  require('request')({url: 'https://api.example/x', json: true},"
           " function (e, r, body) { c.idToken['https://t/v'] = body.v; cb(null, u, c); });\n}")

    def with_latency(ms: float) -> Any:
        return run_once([src], services=Services([Route(name="api", url="https://api.example/*",
                                                         json={"v": 1},
                                                         latency=Latency.fixed(ms))]))

    fast, slow = with_latency(50), with_latency(900)
    assert fast.run("rule1")["io_ms"] == pytest.approx(50)
    assert slow.run("rule1")["io_ms"] == pytest.approx(900)
    assert json.loads(slow.login["id_token"])["https://t/v"] == 1


# --- the limit on host operations ---------------------------------------------------------

FLOOD = ("function (user, context, callback) {\n"
         "  var request = require('request'), left = N;\n"
         "  for (var i = 0; i < N; i++) request.get({url: 'https://api.example/' + i, json: true},"
         " function () { if (--left === 0) callback(null, user, context); });\n}")
API = Services([Route(name="api", method="GET", url="https://api.example/*", json={"ok": True},
                      latency=Latency.fixed(20))])


@pytest.mark.parametrize(("n", "outcome"), [(30, "allowed"), (31, "error")])
def test_host_operations_past_the_limit_fail_the_rule_and_are_not_made(n: int,
                                                                        outcome: str) -> None:
    after = "function (user, context, callback) { callback(null, user, context); }"
    h = Harness([FLOOD.replace("N", str(n)), after], services=API,
                limits=rs.Limits(host_calls=30))
    r = h.login()
    assert r.outcome == outcome
    assert len(r.calls) == min(n, 30)
    if outcome == "error":
        assert r.code == "host_call_limit"
        assert r.login["error_message"] == (
            "rule `rule1`: more than 30 host calls (HTTP requests and Management API calls) in "
            "one login; the calls past the limit were not made")
        assert r.run("rule2")["outcome"] == "skipped"
    assert h.login().outcome == outcome   # the count is the login's own
