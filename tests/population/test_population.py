"""Behaviour of synthetic populations: determinism, sharding, realism, mixes, edge cases."""

from __future__ import annotations

import csv
import ipaddress
import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rulesim.errors import MixError, PopulationError, UsageError
from rulesim.population import (
    EDGE_CASES,
    LOGIN_EDGE_CASES,
    USER_EDGE_CASES,
    Mix,
    Population,
    population,
)
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

COUNTRY = {c.code: c for c in lcp.COUNTRIES}
USER_ID = {
    "auth0": re.compile(r"^auth0\|[0-9a-f]{24}$"),
    "google-oauth2": re.compile(r"^google-oauth2\|1\d{20}$"),
    "samlp": re.compile(r"^samlp\|acme-okta\|.+$"),
    "waad": re.compile(r"^waad\|[A-Za-z0-9_-]{43}$"),
}


@pytest.fixture(scope="module")
def pop() -> Population:
    return population(20_000, seed=11, mix=Mix(edge_case_share=0.3))


@pytest.fixture(scope="module")
def payloads(pop: Population) -> list[dict[str, Any]]:
    return [json.loads(p) for p in pop.payloads()]


def within(observed: float, expected: float, n: int, sigmas: float = 5.0) -> bool:
    return abs(observed - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n) + 1e-3


# --- size, determinism, shards -------------------------------------------------------------


def test_a_population_has_exactly_n_logins_with_unique_ids() -> None:
    p = population(1234, seed=1)
    assert len(p) == 1234
    assert len(p.logins) == 1234
    assert p.logins["login_id"].is_unique
    assert p.logins["login_id"].iloc[42] == "L0000042"


def test_the_same_seed_gives_identical_dataframes_and_payloads() -> None:
    a, b = population(3000, seed=5), population(3000, seed=5)
    pd.testing.assert_frame_equal(a.logins, b.logins)
    pd.testing.assert_frame_equal(a.users, b.users)
    assert a.payloads() == b.payloads()


def test_a_different_seed_gives_a_different_population() -> None:
    a, b = population(500, seed=5), population(500, seed=6)
    assert a.payloads() != b.payloads()
    assert set(a.users["user_id"]).isdisjoint(set(b.users["user_id"]))


def test_payloads_built_in_chunks_equal_payloads_built_at_once(pop: Population) -> None:
    whole = pop.payloads(0, 5000)
    pieces = [p for start in range(0, 5000, 333)
              for p in pop.payloads(start, min(start + 333, 5000))]
    assert pieces == whole


def test_a_smaller_population_is_a_prefix_of_a_larger_one_with_the_same_seed() -> None:
    small, large = population(700, seed=3), population(2000, seed=3)
    assert large.payloads(0, 700)[:-20] == small.payloads()[:-20]
    pd.testing.assert_frame_equal(small.logins.iloc[:650], large.logins.iloc[:650])


def test_a_shard_rebuilt_from_its_spec_equals_the_same_slice_of_the_whole() -> None:
    whole = population(6000, seed=9, mix="b2b")
    for start, stop in whole.chunk_bounds(1500):
        shard = Population.from_spec(whole.slice(start, stop).spec)
        assert shard.payloads() == whole.payloads(start, stop)
        expected = whole.logins.iloc[start:stop].reset_index(drop=True)
        pd.testing.assert_frame_equal(shard.logins, expected)


def _drawn(size: int, **kwargs: Any) -> Population:
    """A generated population whose frames were drawn (the eager path)."""
    p = population(size, **kwargs)
    assert len(p.logins) == size
    return p


@pytest.mark.parametrize("mix", ["b2c", "b2b", "workforce"])
def test_a_generated_population_is_not_drawn_until_its_frames_are_asked_for(mix: str) -> None:
    lazy, drawn = population(12_000, seed=5, mix=mix), _drawn(12_000, seed=5, mix=mix)
    assert len(lazy) == 12_000 and repr(lazy) == repr(drawn)
    for size in (1, 700, 2000, 5000):
        assert lazy.chunk_bounds(size) == drawn.chunk_bounds(size)
    assert lazy.payloads(4321, 4400) == drawn.payloads(4321, 4400)
    assert lazy.payloads(5, 5) == []
    for start, stop in [(0, 10), (3000, 4999), (11_500, 12_000), (7, 7)]:
        part, whole_part = lazy.slice(start, stop), drawn.slice(start, stop)
        assert part.spec == whole_part.spec
        assert part.payloads() == whole_part.payloads()
        pd.testing.assert_frame_equal(part.logins, whole_part.logins)
        pd.testing.assert_frame_equal(part.users, whole_part.users)
    over = lazy.with_overrides(user={"app_metadata": {"plan": "gold"}})
    assert over.payloads(100, 120) == drawn.with_overrides(
        user={"app_metadata": {"plan": "gold"}}).payloads(100, 120)
    assert lazy._pending() is not None and over._pending() is not None
    pd.testing.assert_frame_equal(lazy.logins, drawn.logins)
    assert lazy._pending() is None


def test_a_population_read_from_parquet_is_its_frames_not_its_spec(tmp_path: Path) -> None:
    p = population(300, seed=2)
    p.to_parquet(tmp_path / "pop.parquet")
    back = Population.read_parquet(tmp_path / "pop.parquet")
    assert back.payloads() == p.payloads()
    assert p._exact_spec and not back._exact_spec
    assert not back.slice(0, 10)._exact_spec


def test_chunk_bounds_cover_all_logins_without_splitting_a_user(pop: Population) -> None:
    bounds = pop.chunk_bounds(1000)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == len(pop)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    users = pop.logins["user_id"]
    for start, _ in bounds[1:]:
        assert users.iloc[start] != users.iloc[start - 1]
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes[:-1]) < 1200
    assert bounds == pop.chunk_bounds(1000)


def test_the_spec_is_json_and_rebuilds_an_identical_population() -> None:
    p = population(800, seed=4, mix="workforce", locale="de_DE")
    spec = json.loads(json.dumps(p.spec))
    assert spec["n"] == 800
    assert spec["seed"] == 4
    assert spec["locale"] == "de_DE"
    assert Population.from_spec(spec).payloads() == p.payloads()


# --- order and counters ---------------------------------------------------------------------


def test_a_users_logins_are_contiguous_in_time_order_with_increasing_counts(
        pop: Population) -> None:
    lg = pop.logins
    change = lg["user_id"].ne(lg["user_id"].shift())
    assert change.sum() == lg["user_id"].nunique()  # contiguous
    same = ~change
    ts = lg["timestamp"].astype("int64")
    assert (ts.diff()[same] >= 0).all()
    assert (lg["logins_count"].diff()[same] == 1).all()


def test_payload_counters_and_dates_follow_the_login(payloads: list[dict[str, Any]]) -> None:
    for p in payloads[:3000]:
        user, ctx = p["user"], p["context"]
        assert user["logins_count"] == ctx["stats"]["loginsCount"]
        assert user["last_login"] == user["updated_at"]
        assert user["created_at"] <= user["last_login"]
        assert p["user_id"] == user["user_id"]
        stamp = pd.Timestamp(p["timestamp_ms"], unit="ms", tz="UTC")
        assert user["last_login"] == stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_created_at_never_follows_a_login(pop: Population) -> None:
    joined = pop.logins.merge(pop.users[["user_id", "created_at"]], on="user_id")
    assert (joined["created_at"] <= joined["timestamp"]).all()


# --- realism ---------------------------------------------------------------------------------


def test_user_ids_and_emails_are_unique(pop: Population) -> None:
    users = pop.users
    assert users["user_id"].is_unique
    emails = users.loc[users["email"] != "", "email"]
    assert emails.is_unique
    assert len(emails) > 0.9 * len(users)


def test_user_ids_have_the_shape_of_their_connection(pop: Population) -> None:
    for uid, strategy in zip(pop.users["user_id"], pop.users["strategy"], strict=True):
        assert USER_ID[str(strategy)].match(uid), uid


def test_every_ip_is_a_valid_public_address_of_its_version(pop: Population) -> None:
    for ip, version in zip(pop.logins["ip"], pop.logins["ip_version"], strict=True):
        addr = ipaddress.ip_address(ip)
        assert addr.version == version
        assert addr.is_global, ip
    assert set(pop.logins["ip_version"]) == {4, 6}


def test_geoip_agrees_with_the_country(payloads: list[dict[str, Any]], pop: Population) -> None:
    for p, code in zip(payloads, pop.logins["country"], strict=True):
        request = p["context"].get("request")
        if request is None:
            continue
        geo, country = request["geoip"], COUNTRY[str(code)]
        assert geo["country_code"] == country.code
        assert geo["country_code3"] == country.code3
        assert geo["country_name"] == country.name
        assert geo["continent_code"] == country.continent
        city = next(c for c in country.cities if c.name == geo["city_name"])
        assert (geo["time_zone"], geo["subdivision_code"]) == (city.time_zone, city.subdivision)
        lat_min, lat_max, lon_min, lon_max = country.bbox
        assert lat_min <= geo["latitude"] <= lat_max
        assert lon_min <= geo["longitude"] <= lon_max


def test_emails_are_built_from_the_name_and_the_domain(pop: Population) -> None:
    users = pop.users[(pop.users["email"] != "") & (pop.users["tags"] == "")]
    for email, given, family, domain in zip(users["email"], users["given_name"],
                                            users["family_name"], users["email_domain"],
                                            strict=True):
        local, _, host = email.partition("@")
        assert host == domain
        name_part = re.sub(r"\d+$", "", local)
        letters = re.sub(r"[^a-z]", "", name_part)
        assert letters
        assert (letters in re.sub(r"[^a-z]", "", (given + family).lower())
                            or letters[1:] in family.lower().replace(" ", "") or
                            re.sub(r"[^a-z]", "", family.lower()) in letters or
                            letters.startswith(re.sub(r"[^a-z]", "", given.lower())[:3]))


def test_enterprise_users_use_acme_domains_and_carry_connection_options(
        payloads: list[dict[str, Any]]) -> None:
    seen = 0
    for p in payloads:
        ctx = p["context"]
        if ctx["connectionStrategy"] in ("samlp", "waad"):
            seen += 1
            assert ctx["connectionOptions"]["tenant_domain"]
            if "email" in p["user"]:
                assert p["user"]["email"].split("@")[1] in ctx["connectionOptions"][
                    "domain_aliases"]
        else:
            assert ctx["connectionOptions"] == {}
    assert seen > 0


def test_identities_describe_the_primary_account_and_sometimes_a_linked_one(
        payloads: list[dict[str, Any]]) -> None:
    linked = 0
    for p in payloads:
        user, ctx = p["user"], p["context"]
        if not user["identities"]:
            continue
        primary = user["identities"][0]
        assert primary["connection"] == ctx["connection"]
        assert primary["provider"] == ctx["connectionStrategy"]
        assert primary["isSocial"] == (ctx["connectionStrategy"] == "google-oauth2")
        assert user["user_id"].endswith(primary["user_id"])
        if len(user["identities"]) > 1:
            linked += 1
            assert "profileData" in user["identities"][1]
    assert linked > 0


def test_optional_profile_fields_follow_auth0(payloads: list[dict[str, Any]]) -> None:
    has = dict.fromkeys(("app_metadata", "multifactor", "phone_number",
                         "last_password_reset", "username"), 0)
    for p in payloads:
        user = p["user"]
        for key in has:
            has[key] += key in user
        if "last_password_reset" in user:
            assert p["context"]["connectionStrategy"] == "auth0"
            assert user["created_at"] <= user["last_password_reset"] <= user["last_login"]
        if "app_metadata" in user:
            app = user["app_metadata"]
            assert set(app) >= {"roles", "tenant_id", "known_countries"}
            assert p["context"]["authorization"]["roles"] == app["roles"]
    assert all(0 < count < len(payloads) for count in has.values()), has


def test_contexts_carry_the_tenant_clients_and_protocols(payloads: list[dict[str, Any]]) -> None:
    clients = {c.name: c for c in lcp.CLIENTS}
    for p in payloads[:5000]:
        ctx = p["context"]
        assert ctx["tenant"] == "acme"
        client = clients[ctx["clientName"]]
        assert ctx["clientID"] == client.client_id
        assert len(ctx["clientID"]) == 32
        assert ctx["clientMetadata"] == client.metadata
        assert ctx["protocol"] in client.protocols
        assert ctx["authentication"]["methods"][0]["name"] in ("pwd", "federated")
        assert ctx["riskAssessment"]["confidence"] in ("low", "medium", "high")
        assert len(ctx["sessionID"]) == 32
        if "request" in ctx:
            assert ctx["request"]["hostname"] == "login.acme.com"
    assert clients["Acme Admin Console"].metadata == {"restricted": "true"}


def test_sso_logins_reuse_the_session_of_the_previous_login(pop: Population) -> None:
    lg = pop.logins
    sso = lg[lg["sso"] & lg["user_id"].eq(lg["user_id"].shift())]
    assert len(sso) > 0
    previous = lg["session_id"].shift()
    assert (lg.loc[sso.index, "session_id"] == previous[sso.index]).all()


def test_travel_and_new_devices_appear_in_sequences(pop: Population) -> None:
    lg = pop.logins
    countries = lg.groupby("user_id", observed=True)["country"].nunique()
    agents = lg.groupby("user_id", observed=True)["user_agent"].nunique()
    assert (countries > 1).sum() > 10
    assert (agents > 1).sum() > 10
    assert lg["new_device"].sum() > 0
    assert lg["impossible_travel"].sum() > 0


def test_locales_change_the_names() -> None:
    german = population(300, seed=1, locale="de_DE").users["family_name"]
    american = population(300, seed=1).users["family_name"]
    assert set(german) != set(american)


# --- mixes -----------------------------------------------------------------------------------


def test_mix_weights_are_reproduced_on_100k_logins() -> None:
    mix = Mix.preset("b2b", edge_case_share=0.0)
    p = population(100_000, seed=21, mix=mix)
    lg, users = p.logins, p.users

    def check(values: pd.Series, weights: dict[str, float]) -> None:
        total = sum(weights.values())
        freq = values.astype(str).value_counts(normalize=True)
        for key, w in weights.items():
            assert within(float(freq.get(key, 0.0)), w / total, len(values)), (key, freq)

    check(lg["protocol"], dict(mix.protocols))
    check(users["connection"], dict(mix.connections))
    check(users["country"], {str(k): v for k, v in mix.countries.items()})
    check(users["roles"], dict(mix.roles))
    assert within(float(users["mfa_enrolled"].mean()), mix.mfa_enrolment, len(users))
    assert within(float(users["email_verified"].mean()), mix.verification_rate, len(users))
    assert within(float(users["has_app_metadata"].mean()), mix.app_metadata_rate, len(users))
    with_plan = users[users["has_app_metadata"]]
    check(with_plan["plan"], dict(mix.plans))
    social_or_db = users[users["strategy"].isin(["auth0", "google-oauth2"])]
    corporate = ~social_or_db["email_domain"].isin(
        ["gmail.com", *idp.FREE_MAIL_DOMAINS])
    assert within(float(corporate.mean()), 0.85, len(social_or_db))
    per_user = lg.groupby("user_id", observed=True).size()
    per_user = per_user.iloc[:-1]  # the last user may be cut short
    check(per_user.astype(str), {str(k): v for k, v in mix.logins_per_user.items()})
    fam = lg.drop_duplicates("user_id")["user_agent_family"]
    check(fam, dict(mix.user_agents))


def test_presets_have_their_character() -> None:
    work = population(3000, seed=2, mix="workforce").users
    b2c = population(3000, seed=2, mix="b2c").users
    assert work["strategy"].isin(["samlp", "waad"]).mean() > 0.85
    assert b2c["strategy"].isin(["auth0", "google-oauth2"]).mean() > 0.85
    assert work["mfa_enrolled"].mean() > 0.85 > b2c["mfa_enrolled"].mean()


@pytest.mark.parametrize(("changes", "field"), [
    ({"connections": {"google-oauth2": -1.0}}, "connections"),
    ({"countries": {"XX": 1.0}}, "countries"),
    ({"protocols": {"samlp": 0.0}}, "protocols"),
    ({"verification_rate": 1.5}, "verification_rate"),
    ({"user_agents": {"chrome": float("nan")}}, "user_agents"),
    ({"logins_per_user": {0: 1.0}}, "logins_per_user"),
    ({"edge_cases": {"not_a_case": 1.0}}, "edge_cases"),
    ({"start": "yesterday"}, "start"),
])
def test_bad_mix_weights_raise_an_error_naming_the_field(changes: dict[str, Any],
                                                        field: str) -> None:
    with pytest.raises(MixError, match=field):
        Mix(**changes)


def test_an_unknown_preset_is_refused_with_the_known_ones() -> None:
    with pytest.raises(MixError, match="b2b"):
        Mix.preset("b2x")


def test_a_mix_survives_a_round_trip_through_json() -> None:
    mix = Mix.preset("b2b", mfa_enrolment=0.7)
    assert Mix.from_dict(json.loads(json.dumps(mix.to_dict()))) == mix


def test_bad_arguments_name_the_argument() -> None:
    with pytest.raises(UsageError, match=r"expected n to be a positive int, got n=-3"):
        population(-3)
    with pytest.raises(UsageError, match="locale"):
        population(10, locale="xx_XX")


# --- edge cases ------------------------------------------------------------------------------


def test_every_edge_case_appears_at_its_configured_share() -> None:
    share = 0.24
    p = population(100_000, seed=8, mix=Mix(edge_case_share=share))
    expected = share / len(EDGE_CASES)
    users, lg = p.users.iloc[:-1], p.logins
    for case in USER_EDGE_CASES:
        observed = users["tags"].astype(str).str.split(",").map(lambda t, c=case: c in t).mean()
        assert within(float(observed), expected, len(users)), (case, observed)
    for case in LOGIN_EDGE_CASES:
        observed = lg["tags"].astype(str).str.split(",").map(lambda t, c=case: c in t).mean()
        assert within(float(observed), expected, len(lg)), (case, observed)


def test_tagged_edge_cases_have_their_property(pop: Population,
                                              payloads: list[dict[str, Any]]) -> None:
    first_ts: dict[str, int] = {}
    seen: set[str] = set()
    for p, tags in zip(payloads, pop.logins["tags"].astype(str), strict=True):
        user, ctx = p["user"], p["context"]
        first_ts.setdefault(p["user_id"], p["timestamp_ms"])
        for tag in filter(None, tags.split(",")):
            seen.add(tag)
            if tag == "app_metadata_undefined":
                assert "app_metadata" not in user
            elif tag == "request_undefined":
                assert "request" not in ctx
            elif tag == "no_email":
                assert "email" not in user
                assert "email_verified" not in user
            elif tag == "unverified_email":
                assert user["email_verified"] is False
            elif tag == "unicode_name":
                assert not user["name"].isascii()
            elif tag == "ipv6":
                assert ipaddress.ip_address(ctx["request"]["ip"]).version == 6
            elif tag == "empty_identities":
                assert user["identities"] == []
            elif tag == "very_old_account":
                assert user["created_at"] < "2014-01-01"
            elif tag == "very_new_account":
                created = pd.Timestamp(user["created_at"]).value // 1_000_000
                assert 0 < first_ts[p["user_id"]] - created <= 120_000
            elif tag == "logins_count_0":
                assert ctx["stats"]["loginsCount"] == 0
            elif tag == "logins_count_1":
                assert ctx["stats"]["loginsCount"] == 1
            elif tag == "prompt_none":
                assert ctx["request"]["query"]["prompt"] == "none"
    assert seen == set(EDGE_CASES)


def test_no_edge_cases_are_injected_when_the_share_is_zero() -> None:
    p = population(2000, seed=1, mix=Mix(edge_case_share=0.0))
    assert (p.logins["tags"] == "").all()


# --- selections, overrides, files ------------------------------------------------------------


def test_where_filters_logins_and_understands_user_columns(pop: Population) -> None:
    de = pop.where(country="DE")
    assert len(de) > 0
    assert (de.logins["country"] == "DE").all()
    assert all(json.loads(p)["context"]["request"]["geoip"]["country_code"] == "DE"
               for p in de.payloads() if '"request"' in p)
    pro = pop.where(plan=["pro", "team"], protocol="samlp")
    assert set(pro.users["plan"].astype(str)) <= {"pro", "team"}
    with pytest.raises(UsageError, match="unknown column"):
        pop.where(colour="red")


def test_overrides_deep_merge_into_every_payload_and_none_removes(pop: Population) -> None:
    small = pop.slice(0, 50)
    over = small.with_overrides(user={"app_metadata": {"plan": "gold"}},
                                context={"request": None, "clientMetadata": {"x": "1"}})
    over = over.with_overrides(user={"blocked": True})
    for before, after in zip(small.payloads(), over.payloads(), strict=True):
        b, a = json.loads(before), json.loads(after)
        assert a["user"]["app_metadata"]["plan"] == "gold"
        assert a["user"]["blocked"] is True
        assert "request" not in a["context"]
        assert a["context"]["clientMetadata"]["x"] == "1"
        assert a["user"]["email" if "email" in b["user"] else "name"] == b["user"][
            "email" if "email" in b["user"] else "name"]
    assert Population.from_spec(over.spec).payloads() == over.payloads()


def test_parquet_round_trip_is_lossless(tmp_path: Path) -> None:
    p = population(3000, seed=13, mix=Mix(edge_case_share=0.2)).where(protocol=[
        "samlp", "oidc-basic-profile"]).with_overrides(context={"clientMetadata": {"a": "b"}})
    p.to_parquet(tmp_path / "pop.parquet")
    back = Population.read_parquet(tmp_path / "pop.parquet")
    pd.testing.assert_frame_equal(back.logins, p.logins)
    pd.testing.assert_frame_equal(back.users, p.users)
    assert back.payloads() == p.payloads()
    assert back.spec == p.spec


def test_reading_a_file_that_is_not_a_population_raises(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(PopulationError, match="not a rulesim population"):
        Population.read_parquet(path)


# --- scenarios -------------------------------------------------------------------------------


def test_first_login_scenario_gives_count_one_and_a_fresh_account() -> None:
    s = Population.scenario("first_login", 200, seed=1)
    assert (s.logins["logins_count"] == 1).all()
    for p in map(json.loads, s.payloads()):
        assert p["context"]["riskAssessment"]["assessments"]["NewDevice"]["confidence"] == \
            "neutral"
        created = pd.Timestamp(p["user"]["created_at"]).value // 1_000_000
        assert 0 < p["timestamp_ms"] - created <= 120_000
    assert (s.logins["tags"] == "first_login").all()


def test_impossible_travel_scenario_flags_the_second_login() -> None:
    s = Population.scenario("impossible_travel", 200, seed=2)
    second = s.logins.iloc[1::2]
    assert second["impossible_travel"].all()
    for i in range(1, 200, 2):
        ctx = s.login(i)["context"]
        assert ctx["riskAssessment"]["assessments"]["ImpossibleTravel"]["confidence"] == "low"
        assert s.login(i - 1)["context"]["request"]["geoip"]["continent_code"] != \
            ctx["request"]["geoip"]["continent_code"]


def test_admin_new_country_scenario_logs_an_admin_in_from_an_unknown_country() -> None:
    s = Population.scenario("admin_new_country", 100, seed=3)
    for i in range(1, 100, 2):
        p = s.login(i)
        app = p["user"]["app_metadata"]
        assert "admin" in app["roles"]
        assert p["context"]["clientName"] == "Acme Admin Console"
        assert p["context"]["request"]["geoip"]["country_code"] not in app["known_countries"]


def test_new_device_scenario_switches_device_on_the_third_login() -> None:
    s = Population.scenario("new_device", 90, seed=4)
    assert s.logins["new_device"].tolist() == [False, False, True] * 30
    ctx = s.login(2)["context"]
    assert ctx["riskAssessment"]["assessments"]["NewDevice"]["confidence"] == "low"
    with pytest.raises(UsageError, match="impossible_travel"):
        Population.scenario("alien_invasion", 10)


# --- real users and explicit logins -----------------------------------------------------------


def export_users() -> list[dict[str, Any]]:
    return [
        {"user_id": "auth0|5f1a2b3c4d5e6f7a8b9c0d1e", "email": "ada@example.org",
         "email_verified": True, "name": "Ada Lovelace", "created_at": "2021-03-04T05:06:07.000Z",
         "logins_count": 41, "app_metadata": {"roles": ["admin"], "plan": "pro",
                                              "custom": {"x": 1}},
         "user_metadata": {"country": "GB"}},
        {"user_id": "google-oauth2|101234567890123456789", "email": "grace@gmail.com",
         "name": "Grace Hopper", "created_at": "2022-01-01T00:00:00.000Z", "logins_count": 2},
    ]


def test_a_ndjson_user_export_keeps_the_profiles_and_continues_their_counts(
        tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("\n".join(json.dumps(u) for u in export_users()) + "\n")
    p = Population.from_users_export(path, seed=1, logins_per_user=3)
    assert len(p) == 6
    assert list(p.users["user_id"]) == [u["user_id"] for u in export_users()]
    first = p.login(0)
    assert first["user"]["app_metadata"]["custom"] == {"x": 1}
    assert [p.login(i)["context"]["stats"]["loginsCount"] for i in range(3)] == [42, 43, 44]
    assert first["context"]["request"]["geoip"]["country_code"] == "GB" or \
        "request" not in first["context"]
    assert p.login(3)["user"]["identities"][0]["provider"] == "google-oauth2"
    assert p.login(3)["context"]["connection"] == "google-oauth2"
    assert Population.from_spec(p.spec).payloads() == p.payloads()


def test_a_csv_user_export_with_dotted_columns_becomes_nested_fields(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["user_id", "email", "name", "app_metadata.plan", "app_metadata.roles",
                         "logins_count", "created_at"])
        writer.writerow(["auth0|aaaaaaaaaaaaaaaaaaaaaaaa", "x@acme.com", "X", "team",
                         '["user"]', "7", "2020-01-01T00:00:00Z"])
    p = Population.from_users_export(path, logins_per_user=2)
    user = p.login(0)["user"]
    assert user["app_metadata"] == {"plan": "team", "roles": ["user"]}
    assert p.logins["logins_count"].tolist() == [8, 9]
    assert p.users["plan"].astype(str).tolist() == ["team"]


def test_a_broken_user_export_raises_a_population_error(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text('{"user_id": "auth0|1"}\nnot json\n')
    with pytest.raises(PopulationError, match="line 2"):
        Population.from_users_export(path)


def test_explicit_logins_are_completed_from_realistic_defaults() -> None:
    p = Population.from_logins([
        {"user": {"user_id": "google-oauth2|100000000000000000001", "app_metadata": None},
         "context": {"protocol": "samlp"}, "timestamp_ms": 1_700_000_000_000},
        {"context": {"connection": "acme-okta", "request": None}, "login_id": "mine"},
    ])
    a, b = p.login(0), p.login(1)
    assert a["user_id"] == a["user"]["user_id"] == "google-oauth2|100000000000000000001"
    assert a["context"]["connection"] == "google-oauth2"
    assert a["user"]["identities"][0]["isSocial"] is True
    assert "app_metadata" not in a["user"]
    assert a["context"]["protocol"] == "samlp"
    assert a["timestamp_ms"] == 1_700_000_000_000
    assert b["login_id"] == "mine"
    assert "request" not in b["context"]
    assert b["context"]["connectionStrategy"] == "samlp"
    assert p.logins["connection"].astype(str).tolist() == ["google-oauth2", "acme-okta"]
    assert Population.from_spec(p.spec).payloads() == p.payloads()


def test_explicit_logins_reject_unknown_keys_and_duplicate_ids() -> None:
    with pytest.raises(UsageError, match="unknown keys"):
        Population.from_logins([{"usr": {}}])
    with pytest.raises(UsageError, match="unique"):
        Population.from_logins([{"login_id": "a"}, {"login_id": "a"}])


def test_users_table_has_the_contract_columns_and_dtypes(pop: Population) -> None:
    users = pop.users
    for column in ("user_id", "email", "email_domain", "connection", "strategy", "country",
                   "roles", "plan", "mfa_enrolled", "created_at", "tags"):
        assert column in users.columns
    assert str(users["created_at"].dtype) == "datetime64[ms, UTC]"
    assert users["mfa_enrolled"].dtype == bool
    lg = pop.logins
    assert str(lg["timestamp"].dtype) == "datetime64[ms, UTC]"
    assert lg["ip_version"].dtype == np.int64
    assert lg["logins_count"].dtype == np.int64
    for column in ("connection", "strategy", "client_id", "client_name", "protocol", "country",
                   "user_agent_family", "email_domain", "tags"):
        assert isinstance(lg[column].dtype, pd.CategoricalDtype), column


# --- realism: the cases real tenants' rules meet ------------------------------------------------


@pytest.fixture(scope="module")
def plain() -> tuple[Population, list[dict[str, Any]]]:
    p = population(20_000, seed=5, mix=Mix(edge_case_share=0.0))
    return p, [json.loads(x) for x in p.payloads()]


def test_saml_and_wsfed_apps_get_an_empty_saml_configuration_as_in_auth0(
        plain: tuple[Population, list[dict[str, Any]]]) -> None:
    _, payloads = plain
    protocols = {p["context"]["protocol"] for p in payloads}
    assert {"samlp", "wsfed"} <= protocols
    for p in payloads:
        ctx = p["context"]
        client = next(c for c in lcp.CLIENTS if c.name == ctx["clientName"])
        if {"samlp", "wsfed"} & set(client.protocols):
            assert ctx["samlConfiguration"] == {}
        else:
            assert "samlConfiguration" not in ctx
        if ctx["protocol"] == "wsfed":
            assert ctx["request"]["query"]["wa"] == "wsignin1.0"


def test_silent_authentications_first_logins_and_requestless_flows_come_at_the_mix_rates(
        plain: tuple[Population, list[dict[str, Any]]]) -> None:
    pop, payloads = plain
    mix = Mix()
    later_oidc = silent = no_request = 0
    for p, first in zip(payloads, ~pop.logins["user_id"].duplicated().to_numpy(), strict=True):
        ctx = p["context"]
        no_request += "request" not in ctx
        if ctx["protocol"].startswith("oidc-") and not first and "request" in ctx:
            later_oidc += 1
            silent += ctx["request"]["query"].get("prompt") == "none"
    assert within(no_request / len(payloads), mix.no_request_rate, len(payloads))
    assert abs(silent / later_oidc - mix.silent_auth_rate) < 0.02
    firsts = [p for p, first in zip(payloads, ~pop.logins["user_id"].duplicated().to_numpy(),
                                    strict=True) if first]
    signups = sum(p["context"]["stats"]["loginsCount"] == 1 for p in firsts)
    assert within(signups / len(firsts), mix.signup_rate, len(firsts))
    for p in firsts:
        if p["context"]["stats"]["loginsCount"] == 1:
            created = pd.Timestamp(p["user"]["created_at"]).value // 1_000_000
            assert 0 < p["timestamp_ms"] - created <= 300_000
            assert p["context"]["riskAssessment"]["assessments"]["NewDevice"][
                "confidence"] == "neutral"


def test_missing_profile_fields_are_missing_in_the_users_frame_not_empty_strings() -> None:
    users = population(3000, seed=2, mix=Mix(edge_case_share=0.3)).users
    for name in ("email", "email_domain", "plan", "multifactor", "phone_number", "username",
                 "linked_connection", "organization"):
        column = users[name]
        assert column.isna().any(), name
        assert not (column.astype("string") == "").any(), name
    no_email = users["tags"].astype(str).str.contains("no_email")
    assert users.loc[no_email, "email"].isna().all()
    assert users.loc[~no_email, "email"].notna().all()
    assert str(users["email"].dtype) == "string"


def test_the_new_rates_are_validated_like_the_others() -> None:
    with pytest.raises(MixError, match="signup_rate"):
        Mix(signup_rate=1.5)
    assert Mix.preset("workforce").signup_rate < Mix().signup_rate
