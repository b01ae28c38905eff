"""Population.from_logs: one login per login event, contexts from the events, users joined to
the export, pseudonyms, resampling that keeps the mix, specs that rebuild it in workers."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import rulesim as rs
from rulesim.errors import PopulationError, UsageError
from rulesim.logs import LOGIN_EVENTS
from rulesim.population import Population
from rulesim.population.log_profiles import user_agent_family

DATA = Path(__file__).resolve().parent.parent / "datasets" / "logs"
LOGS, USERS = DATA / "acme-logs.ndjson.gz", DATA / "acme-users.ndjson"
MIX = ["client_name", "connection", "country", "user_agent_family"]


def events() -> list[dict[str, Any]]:
    with gzip.open(LOGS, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["data"] for line in fh]


def export() -> dict[str, dict[str, Any]]:
    with open(USERS, encoding="utf-8") as fh:
        return {r["user_id"]: r for r in map(json.loads, fh)}


@pytest.fixture(scope="module")
def raw() -> Population:
    return Population.from_logs(LOGS, USERS, pseudonymize=False)


@pytest.fixture(scope="module")
def pseudo() -> Population:
    return Population.from_logs(LOGS, USERS)


def test_one_login_per_login_event_in_user_and_time_order(raw: Population) -> None:
    evs = [e for e in events() if e["type"] in LOGIN_EVENTS]
    assert len(raw) == len(evs)
    assert Counter(raw.logins["event_type"].astype(str)) == Counter(e["type"] for e in evs)
    assert sorted(raw.logins["log_id"]) == sorted(e["log_id"] for e in evs)
    lg = raw.logins
    assert lg.groupby("user_id", sort=False)["timestamp"].apply(
        lambda s: s.is_monotonic_increasing).all()
    firsts = lg.drop_duplicates("user_id")
    assert lg["user_id"].nunique() == len(firsts) == len(raw.users)
    assert (lg.groupby("user_id")["logins_count"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_the_context_is_built_from_the_event(raw: Population) -> None:
    by_id = {e["log_id"]: e for e in events()}
    payloads = [json.loads(p) for p in raw.payloads()]
    seen = set()
    for row, p in zip(raw.logins.itertuples(), payloads, strict=True):
        e, ctx = by_id[row.log_id], p["context"]
        assert ctx["clientID"] == e["client_id"] and ctx["clientName"] == e["client_name"]
        assert ctx["connection"] == e["connection"]
        assert ctx["connectionID"] == e["connection_id"]
        assert ctx["connectionStrategy"] == e["strategy"]
        assert ctx["request"]["ip"] == e["ip"] and ctx["request"]["userAgent"] == e["user_agent"]
        assert ctx["request"]["geoip"] == e["location_info"]
        assert ctx["request"]["hostname"] == e["hostname"]
        assert p["timestamp_ms"] == pd.Timestamp(e["date"]).value // 1_000_000
        assert p["user"]["last_login"] == e["date"]
        assert p["user"]["logins_count"] == ctx["stats"]["loginsCount"]
        names = [m["name"] for m in ctx["authentication"]["methods"]]
        prompts = [s["name"] for s in e["details"].get("prompts", [])]
        if e["type"] == "s":
            assert ctx["stats"]["loginsCount"] == e["details"]["stats"]["loginsCount"]
            assert ("mfa" in names) == ("mfa" in prompts)
            assert ctx["sso"]["with_auth0"] == (len(prompts) == (2 if "mfa" in prompts else 1))
            assert ctx["protocol"] == ("samlp" if e["client_name"] == "Acme Expense (SAML)" else
                                       "oauth2-resource-owner" if e["client_name"] == "Partner API"
                                       else "oidc-basic-profile")
        elif e["type"] == "sertft":
            assert ctx["protocol"] == "oauth2-refresh-token"
            assert ctx["request"]["body"]["grant_type"] == "refresh_token"
        elif ctx["protocol"].startswith("oidc"):
            assert ctx["request"]["query"]["prompt"] == "none"
            assert ctx["sso"]["with_auth0"]
        seen.add(e["type"])
    assert seen == set(LOGIN_EVENTS)


def test_refresh_tokens_repeat_the_logins_count_of_the_login_before(raw: Population) -> None:
    lg = raw.logins
    refresh = lg[(lg["event_type"] == "sertft") & lg.duplicated("user_id")]
    assert len(refresh) > 100
    previous = lg["logins_count"].shift(1)
    assert (refresh["logins_count"] == previous[refresh.index]).all()


def test_export_users_keep_their_profile_and_missing_ones_get_a_consistent_one(
        raw: Population) -> None:
    records = export()
    users = raw.users.set_index("user_id")
    assert 0 < (~users["in_export"]).sum() < len(users) / 4
    by_user = {e["user_id"]: e for e in reversed(events()) if e["type"] in LOGIN_EVENTS}
    for i in range(0, len(raw), 37):
        p = raw.login(i)
        user = p["user"]
        if users.loc[p["user_id"], "in_export"]:
            record = records[p["user_id"]]
            assert {k: v for k, v in user.items() if k not in (
                "logins_count", "last_login", "last_ip", "updated_at")} == {
                k: v for k, v in record.items() if k not in (
                    "logins_count", "last_login", "last_ip", "updated_at")}
        else:
            first = by_user[p["user_id"]]
            assert user["email"] == first["user_name"]
            assert user["identities"][0]["connection"] == first["connection"]
            assert user["created_at"] < first["date"]
            assert "app_metadata" not in user
    roles = users["roles"].astype(str)
    assert (roles.str.contains("admin")).any()


def test_pseudonyms_hide_people_but_keep_domains_prefixes_and_joins(
        raw: Population, pseudo: Population) -> None:
    originals = {e["user_name"].split("@")[0] for e in events() if "@" in e.get("user_name", "")}
    text = "\n".join(pseudo.payloads())
    assert not [o for o in originals if f'"{o}@' in text]
    for a, b in zip(raw.users.itertuples(), pseudo.users.itertuples(), strict=True):
        assert a.email_domain == b.email_domain
        assert a.user_id.split("|")[0] == b.user_id.split("|")[0] != ""
        assert a.user_id != b.user_id
        if "@" in a.user_id:  # samlp|connection|email: the tail is the user's pseudonymous email
            assert b.user_id.endswith("|" + b.email)
        else:
            assert len(a.user_id) == len(b.user_id)
        assert a.in_export == b.in_export and a.roles == b.roles
    assert pseudo.logins["ip"].str.endswith(".0").all()
    assert (raw.logins["ip"].str.rsplit(".", n=1).str[0]
            == pseudo.logins["ip"].str.rsplit(".", n=1).str[0]).all()
    again = Population.from_logs(LOGS, USERS)
    assert again.payloads(0, 50) == pseudo.payloads(0, 50)


def test_resampling_keeps_the_joint_mix_and_each_users_logins(raw: Population) -> None:
    def distance(pop: Population, columns: list[str]) -> float:  # total variation distance
        a, b = (p.logins.groupby(columns, observed=True).size() / len(p) for p in (raw, pop))
        a, b = a.align(b, fill_value=0)
        return float((a - b).abs().sum() / 2)

    counts = raw.logins.groupby("user_id").size()
    for n in (len(raw) // 2, 2 * len(raw) + 17):
        pop = Population.from_logs(LOGS, USERS, n=n, seed=3, pseudonymize=False)
        assert len(pop) == n and pop.logins["login_id"].is_unique
        if n > len(raw):  # two copies of everyone and 17 logins more: the same joint mix
            assert distance(pop, MIX) < 0.01
        else:  # half the users, drawn whole: each column's mix within a few heavy users' share
            assert max(distance(pop, [c]) for c in MIX) < 0.12
        got = pop.logins.groupby("user_id", sort=False).size()
        whole = got.iloc[:-1]  # the last user drawn may keep a prefix of their logins
        assert sorted(whole) == _source_counts(pop, counts, whole.index)
    assert Population.from_logs(LOGS, USERS, n=800, seed=3).payloads(0, 5) == \
        Population.from_logs(LOGS, USERS, n=800, seed=3).payloads(0, 5)


def _source_counts(pop: Population, counts: pd.Series, users: Any) -> list[int]:
    # each resampled user's log_ids come from exactly one original user
    lg = pop.logins.set_index("user_id")
    source = {}
    origin = _origin()
    for uid in users:
        ids = lg.loc[[uid], "log_id"]
        owners = {origin[i] for i in ids}
        assert len(owners) == 1
        source[uid] = owners.pop()
    return sorted(int(counts[source[u]]) for u in users)


def _origin() -> dict[str, str]:
    return {e["log_id"]: e["user_id"] for e in events()}


def test_the_spec_rebuilds_the_population_and_its_shards(pseudo: Population,
                                                         tmp_path: Path) -> None:
    spec = pseudo.spec
    assert spec["kind"] == "logs" and json.loads(json.dumps(spec)) == spec
    again = Population.from_spec(spec)
    assert again.payloads() == pseudo.payloads()
    shard = pseudo.slice(100, 180)
    assert Population.from_spec(shard.spec).payloads() == shard.payloads()
    resampled = Population.from_logs(LOGS, USERS, n=900, seed=4)
    assert Population.from_spec(resampled.spec).payloads() == resampled.payloads()
    path = tmp_path / "pop.parquet"
    pseudo.to_parquet(path)
    assert Population.read_parquet(path).payloads(0, 300) == pseudo.payloads(0, 300)


@pytest.mark.slow
def test_simulate_runs_a_log_population_in_worker_processes(pseudo: Population) -> None:
    rule = rs.Rule.from_source("tag-client", """function (user, context, callback) {
  context.idToken['https://example.com/client'] = context.clientName;
  if (context.protocol === 'oauth2-refresh-token') context.idToken['https://example.com/rt'] = 1;
  return callback(null, user, context);
}""", order=1)
    pop = pseudo.slice(0, 600)
    sim = rs.simulate(rs.RuleSet([rule]), pop, workers=2, progress=False)
    assert (sim.logins["outcome"] == "allowed").all()
    assert list(sim.logins["login_id"]) == list(pop.logins["login_id"])
    trace = sim.trace(pop.logins["login_id"].iloc[5])
    assert trace.id_token["https://example.com/client"] == pop.logins["client_name"].iloc[5]


@pytest.mark.parametrize(("agent", "family"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", "edge"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "mobile_safari"),
    ("Chrome 120.0.0 / Mac OS X 10.15.7", "chrome"),
    ("Mobile Safari 17.4.0 / iOS 17.4.0", "mobile_safari"),
    ("AcmeMobile/5.12.0 (iPhone; iOS 17.4; Scale/3.00) CFNetwork/1494.0.7 Darwin/23.4.0",
     "native_app"),
    ("curl/8.5.0", "bot"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "legacy"),
    ("", "other"),
])
def test_user_agents_fall_into_the_generated_populations_families(agent: str,
                                                                  family: str) -> None:
    assert user_agent_family(agent) == family


def test_bad_arguments_and_logs_without_logins_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="n="):
        Population.from_logs(LOGS, n=0)
    with pytest.raises(UsageError, match="pseudonymize"):
        Population.from_logs(LOGS, pseudonymize="yes")  # type: ignore[arg-type]
    only_failures = tmp_path / "failures.ndjson"
    only_failures.write_text("".join(json.dumps(e) + "\n" for e in events()
                                     if e["type"] in ("fp", "fu"))[:20_000], encoding="utf-8")
    text = only_failures.read_text(encoding="utf-8")
    only_failures.write_text(text[:text.rindex("\n") + 1], encoding="utf-8")
    with pytest.raises(PopulationError, match=r"no login events[\s\S]*fp"):
        Population.from_logs(only_failures)


@pytest.mark.parametrize("ms", [0, 1, -1, 999, -86_400_000, 86_399_999, 951_782_400_000,
                                1_740_787_202_318, -62_135_596_800_000, 253_402_300_799_999])
def test_iso_ms_writes_dates_as_auth0_does(ms: int) -> None:
    import time

    from rulesim.population.log_profiles import iso_ms

    t = time.gmtime(ms // 1000)
    assert iso_ms(ms) == (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:"
                          f"{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}Z")
