"""`rs.compare` / `Impact`: exact impact numbers, counted independently from the population."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

import rulesim as rs
from rulesim.impact import KINDS, Impact, compare
from rulesim.impact.planning import shared_prefix as _shared_prefix

N = 1000
SEED = 11
NS = "https://example.com/"


def rule(name: str, body: str, order: int, *, enabled: bool = True) -> rs.Rule:
    """A rule from the body of `function (user, context, callback) { ... }`."""
    return rs.Rule.from_source(name, "function (user, context, callback) {\n" + body + "\n}",
                               order=order, enabled=enabled)


PASS = "callback(null, user, context);"
ROLE_CLAIM = """
  var roles = user.app_metadata && user.app_metadata.roles;
  if (roles) context.idToken['https://example.com/role'] = roles;
  callback(null, user, context);"""
BLOCK_ROPG = """
  if (context.protocol === 'oauth2-resource-owner') {
    return callback(new UnauthorizedError('password grant is off'));
  }
  callback(null, user, context);"""
GMAIL_DENY = """
  var domain = (user.email || '').toLowerCase().split('@')[1];
  if (domain === 'gmail.com') return callback(new UnauthorizedError('gmail is not allowed'));
  callback(null, user, context);"""


@pytest.fixture(scope="module")
def pop() -> rs.Population:
    return rs.population(N, seed=SEED)


@pytest.fixture(scope="module")
def payloads(pop: rs.Population) -> list[dict[str, Any]]:
    return [json.loads(p) for p in pop.payloads()]


@pytest.fixture(scope="module")
def base() -> rs.RuleSet:
    return rs.RuleSet([rule("block-ropg", BLOCK_ROPG, 1), rule("domain", PASS, 2),
                       rule("role-claim", ROLE_CLAIM, 3)])


def off_diagonal(impact: Impact) -> int:
    counts = impact.transitions["count"].to_numpy()
    return int(counts.sum() - np.trace(counts))


# -- acceptance: exact numbers ------------------------------------------------------------------

def test_a_domain_rule_that_starts_denying_gmail_newly_denies_exactly_the_gmail_logins(
        pop: rs.Population, base: rs.RuleSet) -> None:
    frame = pop.logins
    gmail = frame[(frame["email_domain"] == "gmail.com")
                  & (frame["protocol"] != "oauth2-resource-owner")]
    impact = compare(base, base.replace("domain", "function (user, context, callback) {"
                                        + GMAIL_DENY + "\n}"), pop, workers=1)

    assert impact.transitions["count"].loc["allowed", "denied"] == len(gmail) > 0
    assert off_diagonal(impact) == len(gmail)
    assert impact.moved("*", "denied") == len(gmail)
    assert set(impact.changed["login_id"]) == set(gmail["login_id"].astype(str))
    assert set(impact.changed["kinds"]) == {"outcome"}
    assert set(impact.changed["deciding_rule_after"]) == {"domain"}
    assert set(impact.changed["error_code_after"]) == {"unauthorized"}
    seg = impact.by("email_domain")
    assert seg.index[0] == "gmail.com"
    assert seg.loc["gmail.com", "changed"] == len(gmail)
    assert seg.loc["gmail.com", "share_of_changed"] == 1.0
    assert seg.loc["gmail.com", "allowed->denied"] == len(gmail)
    assert seg["changed"].iloc[1:].sum() == 0
    share = impact.transitions["share"].loc["allowed", "denied"]
    assert share == pytest.approx(len(gmail) / N)


def test_a_renamed_role_claim_is_lost_and_gained_by_exactly_the_logins_with_roles(
        pop: rs.Population, base: rs.RuleSet, payloads: list[dict[str, Any]]) -> None:
    with_roles = {p["login_id"] for p in payloads
                  if (p["user"].get("app_metadata") or {}).get("roles") is not None
                  and p["context"]["protocol"] != "oauth2-resource-owner"}
    renamed = base.replace("role-claim", "function (user, context, callback) {"
                           + ROLE_CLAIM.replace("/role'", "/roles'") + "\n}")
    impact = compare(base, renamed, pop, workers=1)

    assert off_diagonal(impact) == 0
    assert set(impact.changed["login_id"]) == with_roles
    assert set(impact.changed["kinds"]) == {"id_token"}
    claims = impact.claims.set_index(["token", "claim"])
    assert claims.loc[("id_token", NS + "role"), "lost"] == len(with_roles)
    assert claims.loc[("id_token", NS + "role"), "gained"] == 0
    assert claims.loc[("id_token", NS + "roles"), "gained"] == len(with_roles)
    assert len(impact.claims) == 2
    assert impact.claims_lost_logins == len(with_roles)
    example = claims.loc[("id_token", NS + "role")]
    assert example["example_login_id"] in with_roles
    assert json.loads(example["example_before"]) is not None
    assert pd.isna(example["example_after"])


def test_disabling_a_rule_lets_through_exactly_the_logins_it_denied(
        pop: rs.Population, base: rs.RuleSet) -> None:
    ropg = pop.logins[pop.logins["protocol"] == "oauth2-resource-owner"]
    candidate = base.disable("block-ropg")
    impact = compare(base, candidate, pop, workers=1)

    assert base["block-ropg"].enabled  # the original is unchanged
    assert impact.transitions["count"].loc["denied", "allowed"] == len(ropg) > 0
    assert impact.moved("denied", "allowed") == off_diagonal(impact) == len(ropg)
    assert set(impact.changed["login_id"]) == set(ropg["login_id"].astype(str))
    assert set(impact.changed["deciding_rule_before"]) == {"block-ropg"}
    top = impact.by("protocol").iloc[0]
    assert top.name == "oauth2-resource-owner"
    assert (top["changed"], top["change_rate"], top["share_of_changed"]) == (len(ropg), 1.0, 1.0)
    assert "rule `block-ropg` disabled" in impact.rule_changes


def test_reordering_two_rules_lets_the_later_one_see_the_earlier_ones_claim(
        pop: rs.Population, payloads: list[dict[str, Any]]) -> None:
    billing = {p["login_id"] for p in payloads
               if "billing" in ((p["context"].get("authorization") or {}).get("roles") or [])}
    flag = rule("billing-flag", """
  var roles = context.accessToken['https://example.com/roles'] || [];
  if (roles.indexOf('billing') !== -1) context.idToken['https://example.com/is_billing'] = true;
  callback(null, user, context);""", 1)
    roles = rule("add-roles", """
  context.accessToken['https://example.com/roles'] = (context.authorization || {}).roles || [];
  callback(null, user, context);""", 2)
    before = rs.RuleSet([flag, roles])
    after = before.reorder(["add-roles", "billing-flag"])
    impact = compare(before, after, pop, workers=1)

    assert before.names == ["billing-flag", "add-roles"]
    assert after.names == ["add-roles", "billing-flag"]
    assert len(billing) > 0
    assert set(impact.changed["login_id"]) == billing
    assert set(impact.changed["kinds"]) == {"id_token"}
    row = impact.claims.set_index(["token", "claim"]).loc[("id_token", NS + "is_billing")]
    assert (row["gained"], row["lost"], row["changed"]) == (len(billing), 0, 0)
    assert row["example_after"] == "true"
    assert any(c.startswith("rules reordered") for c in impact.rule_changes)


def test_a_configuration_change_denies_exactly_the_logins_from_the_newly_blocked_country(
        pop: rs.Population, payloads: list[dict[str, Any]]) -> None:
    from_de = {p["login_id"] for p in payloads
               if ((p["context"].get("request") or {}).get("geoip") or {}).get("country_code")
               == "DE"}
    block = rule("geo-block", """
  var geo = (context.request && context.request.geoip) || {};
  if (geo.country_code === configuration.BLOCKED_COUNTRY) {
    return callback(new UnauthorizedError('blocked country'));
  }
  callback(null, user, context);""", 1)
    before = rs.RuleSet([block], {"BLOCKED_COUNTRY": "ZZ"})
    after = before.with_configuration({"BLOCKED_COUNTRY": "DE"})
    impact = compare(before, after, pop, workers=1)

    assert before.sha256 == after.sha256  # same sources: only the configuration differs
    assert impact.runs_saved == 0
    assert len(from_de) > 0
    assert impact.moved("allowed", "denied") == off_diagonal(impact) == len(from_de)
    assert set(impact.changed["login_id"]) == from_de
    assert impact.by("country").index[0] == "DE"
    assert impact.by("country").iloc[0]["share_of_changed"] == 1.0
    assert "configuration changed: `BLOCKED_COUNTRY`" in impact.rule_changes


def test_a_slower_external_api_shows_as_a_latency_delta_and_changes_no_login(
        pop: rs.Population) -> None:
    enrich = rule("enrich", """
  var request = require('request');
  request.get({url: 'https://api.example.test/person', json: true}, function (err, res, body) {
    if (!err && body) context.idToken['https://example.com/company'] = body.company;
    callback(null, user, context);
  });""", 1)
    rules = rs.RuleSet([rule("first", PASS, 1), dataclass_replace(enrich, order=2)])
    fast = rs.Services().add("person", "https://api.example.test/person*",
                             json={"company": "Initech"}, latency=100)
    slow = fast.with_latency("person", fixed_ms=400)
    small = pop.slice(0, 300)
    a = rs.simulate(rules, small, services=fast, workers=1)
    b = rs.simulate(rules, small, services=slow, workers=1)
    impact = compare(a, b)

    assert impact.changed.empty
    assert off_diagonal(impact) == 0
    assert impact.runs_saved == 2
    per_rule = impact.latency[impact.latency["level"] == "rule"].set_index("name")
    for q in ("p50", "p95", "p99"):
        assert per_rule.loc["enrich", f"{q}_before"] == pytest.approx(100.0)
        assert per_rule.loc["enrich", f"{q}_delta"] == pytest.approx(300.0)
        assert per_rule.loc["first", f"{q}_delta"] == 0.0
    overall = impact.latency[impact.latency["level"] == "login"].iloc[0]
    assert overall["basis"] == "latency_ms"
    assert overall["p50_delta"] == pytest.approx(300.0, abs=25.0)  # measured CPU adds noise
    assert "enrich` p95 +300.0 ms" in impact.summary()


def dataclass_replace(r: rs.Rule, **changes: Any) -> rs.Rule:
    import dataclasses

    return dataclasses.replace(r, **changes)


# -- comparing a rule set with itself -----------------------------------------------------------

def test_comparing_a_rule_set_with_itself_runs_once_and_changes_nothing(
        pop: rs.Population, base: rs.RuleSet) -> None:
    impact = compare(base, base, pop, workers=1)

    assert impact.changed.empty
    assert off_diagonal(impact) == 0
    assert impact.transitions["count"].to_numpy().trace() == N
    assert impact.candidate is impact.baseline
    assert impact.runs_saved == 1
    assert impact.claims.empty
    assert "No login changes" in impact.summary()


def test_two_separate_runs_of_the_same_rules_differ_in_cpu_time_only(
        pop: rs.Population, base: rs.RuleSet) -> None:
    small = pop.slice(0, 400)
    a = rs.simulate(base, small, workers=1)
    b = rs.simulate(base, small, workers=1)
    impact = compare(a, b)

    assert impact.changed.empty
    assert off_diagonal(impact) == 0
    assert list(impact.changed.columns[:2]) == ["login_id", "kinds"]
    rule_rows = impact.latency[impact.latency["level"] == "rule"]
    assert (rule_rows["p95_delta"] == 0).all()  # simulated I/O is exact


# -- inputs ----------------------------------------------------------------------------------------

def test_simulations_of_different_populations_are_refused_with_a_clear_message(
        pop: rs.Population, base: rs.RuleSet) -> None:
    a = rs.simulate(base, pop.slice(0, 50), workers=1)
    b = rs.simulate(base, pop.slice(10, 60), workers=1)
    with pytest.raises(rs.UsageError, match=r"same logins.*10 only in the baseline"):
        compare(a, b)
    with pytest.raises(rs.UsageError, match="no effect"):
        compare(a, a, workers=2)


def test_a_rule_set_needs_a_population(base: rs.RuleSet) -> None:
    with pytest.raises(rs.UsageError, match="population"):
        compare(base, base.disable("domain"))


def test_a_finished_baseline_simulation_is_reused_and_only_the_candidate_runs(
        pop: rs.Population, base: rs.RuleSet) -> None:
    small = pop.slice(0, 300)
    sim = rs.simulate(base, small, workers=1)
    candidate = base.disable("block-ropg")
    impact = compare(sim, candidate, workers=1)

    assert impact.baseline is sim
    assert impact.runs_saved == 1
    expected = small.logins[small.logins["protocol"] == "oauth2-resource-owner"]
    assert set(impact.changed["login_id"]) == set(expected["login_id"].astype(str))


def test_the_rule_sets_own_editing_methods_return_new_rule_sets(base: rs.RuleSet) -> None:
    extra = rule("extra", PASS, 0)
    assert base.add(extra, order=1).names == ["extra", "block-ropg", "domain", "role-claim"]
    assert base.add(extra).names[-1] == "extra"
    assert not base.disable("domain")["domain"].enabled
    assert base.disable("domain").enable("domain")["domain"].enabled
    assert base.replace("domain", "function (u, c, cb) { cb(null, u, c); }")["domain"].source \
        != base["domain"].source
    assert base.with_configuration({"K": "v"}).configuration == {"K": "v"}
    assert base.configuration == {}
    assert base.names == ["block-ropg", "domain", "role-claim"]
    with pytest.raises(rs.UsageError, match="every rule exactly once"):
        base.reorder(["domain"])


# -- the shared prefix (run once by compare; see tests/test_paired.py) ---------------------------

def test_the_shared_prefix_is_the_index_of_the_first_differing_active_rule(
        base: rs.RuleSet) -> None:
    assert _shared_prefix(base, base) == 3
    assert _shared_prefix(base, base.replace("role-claim", "function (u, c, cb) { cb(); }")) == 2
    assert _shared_prefix(base, base.disable("domain")) == 1
    assert _shared_prefix(base, base.reorder(["domain", "block-ropg", "role-claim"])) == 0
    assert _shared_prefix(base, base.add(rule("extra", PASS, 0))) == 3
    reads = base.add(rule("conf", "if (configuration.X) {} " + PASS, 0), order=2)
    assert _shared_prefix(reads, reads.with_configuration({"X": "1"})) == 1


# -- views -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def denied_gmail(pop: rs.Population, base: rs.RuleSet) -> Impact:
    candidate = base.replace("domain", "function (user, context, callback) {" + GMAIL_DENY
                             + "\n}").replace("role-claim", "function (user, context, callback) {"
                                              + ROLE_CLAIM.replace("/role'", "/roles'") + "\n}")
    return compare(base, candidate, pop, workers=1)


def test_by_tags_counts_a_login_in_every_tag_it_carries(base: rs.RuleSet) -> None:
    tagged = rs.population(600, seed=3, mix=rs.Mix.preset("b2c", edge_case_share=0.7))
    impact = compare(base, base.disable("block-ropg"), tagged, workers=1)
    table = impact.by("tags")
    tags = tagged.logins["tags"].astype(str)
    assert tags.str.contains(",").any()
    for tag, row in table.iterrows():
        expected = (tags == "") if tag == "(none)" else tags.map(lambda s, t=tag: t in s.split(","))
        assert row["logins"] == int(expected.sum())
    assert table["logins"].sum() > len(tagged)


def test_by_an_unknown_column_names_the_columns_it_accepts(denied_gmail: Impact) -> None:
    with pytest.raises(rs.UsageError, match=r"unknown column 'nope'.*connection"):
        denied_gmail.by("nope")


def test_examples_are_logins_with_that_kind_of_change_ready_for_trace(denied_gmail: Impact) -> None:
    for kind in ("outcome", "id_token", "allowed->denied"):
        ex = denied_gmail.examples(kind, 3)
        assert 1 <= len(ex) <= 3
        if kind in KINDS:
            assert all(kind in k.split(",") for k in ex["kinds"])
        for login_id in ex["login_id"]:
            assert denied_gmail.candidate.trace(login_id).login_id == login_id
    assert denied_gmail.examples("mfa", 3).empty
    with pytest.raises(rs.UsageError, match="kind"):
        denied_gmail.examples("bogus")


def test_the_summary_gives_headline_numbers_segments_and_example_login_ids(
        denied_gmail: Impact) -> None:
    text = denied_gmail.summary()
    n = len(denied_gmail.changed)
    assert f"**{n:,} of {N:,} logins" in text
    assert "allowed → denied" in text
    assert "email_domain = gmail.com" in text
    for kind in ("outcome", "id_token"):
        for login_id in denied_gmail.examples(kind, 3)["login_id"]:
            assert f"`{login_id}`" in text
    assert "latency_ms" in text
    assert "io_ms" not in text.split("Latency:")[0]
    assert str(denied_gmail).startswith(f"{n:,} of {N:,} logins")
    assert "<table" in denied_gmail._repr_html_()
    assert repr(denied_gmail).startswith(f"<Impact {N} logins: {n} changed")


def test_the_changed_frame_carries_before_after_values_and_population_attributes(
        denied_gmail: Impact) -> None:
    cols = set(denied_gmail.changed.columns)
    for kind in KINDS:
        assert {f"{kind}_before", f"{kind}_after"} <= cols
    assert {"connection", "country", "client_name", "protocol", "tags", "email_domain",
            "user_id", "claims_gained", "claims_lost", "claims_changed"} <= cols
    assert not {"cpu_ms", "latency_ms"} & cols
