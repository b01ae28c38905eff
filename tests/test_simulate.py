"""simulate(): frames that follow the column contract, exact rows, workers, crashes, parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.records import COLUMNS
from tests.frames import comparable

DENY_GMAIL = rs.Rule.from_source("deny-gmail", (
    "function (user, context, callback) {\n"
    "  if (user.email && /@gmail\\.com$/.test(user.email)) {\n"
    "    return callback(new UnauthorizedError('no free mail'));\n"
    "  }\n"
    "  callback(null, user, context);\n}"), order=1)
ADD_COUNTRY = rs.Rule.from_source("add-country", (
    "function (user, context, callback) {\n"
    "  var geo = context.request && context.request.geoip;\n"
    "  if (geo) context.idToken['https://acme.com/country'] = geo.country_code;\n"
    "  callback(null, user, context);\n}"), order=2)
RULES = rs.RuleSet([DENY_GMAIL, ADD_COUNTRY])


@pytest.fixture(scope="module")
def pop() -> rs.Population:
    return rs.population(1500, seed=11)


@pytest.fixture(scope="module")
def sim(pop: rs.Population) -> rs.Simulation:
    return rs.simulate(RULES, pop, workers=2, chunk_size=400, progress=False)


def _payload_field(pop: rs.Population, getter: object) -> list[object]:
    return [getter(json.loads(p)) for p in pop.payloads()]  # type: ignore[operator]


def test_every_frame_follows_the_column_contract(sim: rs.Simulation) -> None:
    for table, cols in COLUMNS.items():
        frame = getattr(sim, table)
        for name, dtype, _ in cols:
            assert name in frame.columns, f"{table}.{name} missing"
            actual = str(frame[name].dtype)
            if dtype == "string":
                assert actual.startswith("string"), (table, name, actual)
            else:
                assert actual == dtype, (table, name, actual)


def test_one_login_row_per_login_with_the_population_attributes(
        sim: rs.Simulation, pop: rs.Population) -> None:
    assert len(sim.logins) == len(pop)
    assert list(sim.logins["login_id"]) == list(pop.logins["login_id"].astype(str))
    for col in ("connection", "country", "client_name", "protocol", "tags"):
        assert col in sim.logins.columns


def test_a_domain_rule_denies_exactly_the_users_of_that_domain(
        sim: rs.Simulation, pop: rs.Population) -> None:
    emails = _payload_field(pop, lambda p: p["user"].get("email") or "")
    expected = {lid for lid, e in zip(pop.logins["login_id"].astype(str), emails, strict=True)
                if str(e).endswith("@gmail.com")}
    denied = sim.logins[sim.logins["outcome"] == "denied"]
    assert set(denied["login_id"]) == expected and expected
    assert set(denied["error_code"]) == {"unauthorized"}
    assert set(denied["deciding_rule"]) == {"deny-gmail"}
    runs = sim.rule_runs
    first = runs[runs["rule"] == "deny-gmail"]
    assert set(first.loc[first["outcome"] == "denied", "login_id"]) == expected
    second = runs[runs["rule"] == "add-country"]
    assert set(second.loc[second["outcome"] == "skipped", "login_id"]) == expected
    assert len(runs) == 2 * len(pop)


def test_a_claim_adding_rule_gives_exactly_the_expected_change_rows(
        sim: rs.Simulation, pop: rs.Population) -> None:
    expected = {}
    for p in pop.payloads():
        login = json.loads(p)
        email = login["user"].get("email") or ""
        geo = (login["context"].get("request") or {}).get("geoip")
        if geo and not email.endswith("@gmail.com"):
            expected[login["login_id"]] = json.dumps(geo["country_code"])
    ch = sim.changes
    assert set(ch["rule"]) == {"add-country"}
    assert set(ch["target"]) == {"id_token"} and set(ch["op"]) == {"add"}
    assert set(ch["path"]) == {'["https://acme.com/country"]'}
    assert dict(zip(ch["login_id"], ch["after"], strict=True)) == expected
    assert not ch["persisted"].any()




@pytest.mark.slow
def test_one_worker_and_two_workers_give_equal_frames(sim: rs.Simulation, pop: rs.Population) -> None:
    one = rs.simulate(RULES, pop, workers=1, chunk_size=400, progress=False)
    for table in COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(one, table)),
                                      comparable(getattr(sim, table)))


def test_what_a_rule_leaves_on_the_global_object_or_a_builtin_never_crosses_a_chunk() -> None:
    # A global made in sloppy code, a replaced built-in and what a rule writes on a module
    # (one it loads, one set-up loaded) live as long as `global` does (a chunk, or
    # Limits.global_reset), as in Auth0's container: never into the next chunk, so the frames
    # are the same whatever the workers, and on a rerun by the workers kept.
    src = """function (user, context, callback) {
      hits = (typeof hits === 'number' ? hits : 0) + 1;
      if (hits === 1) Number.isInteger = function () { return true; };
      var crypto = require('crypto'), qs = require('querystring');
      crypto.hits = (crypto.hits || 0) + 1;
      qs.hits = (qs.hits || 0) + 1;
      if (crypto.hits !== hits || qs.hits !== hits) hits = -1;
      context.idToken['https://x/hits'] = [hits, Number.isInteger(0.5)];
      callback(null, user, context);
    }"""
    rules = rs.RuleSet([rs.Rule.from_source("count", src, order=1)])
    pop = rs.population(600, seed=3)
    runs = [rs.simulate(rules, pop, workers=w, chunk_size=150, progress=False)
            for w in (1, 2, 1)]
    hits = [[json.loads(t)["https://x/hits"] for t in r.logins["id_token"]] for r in runs]
    assert hits[0] == hits[1] == hits[2]
    starts = [a for a, _ in pop.chunk_bounds(150)]
    assert [i for i, (n, _) in enumerate(hits[0]) if n == 1] == starts
    assert all(replaced for _, replaced in hits[0])   # within a chunk it stays (as in Node)


@pytest.mark.slow
def test_a_crash_injected_into_a_worker_loses_no_login(pop: rs.Population) -> None:
    crashed = rs.simulate(RULES, pop, workers=2, chunk_size=400, progress=False, _crash_at=777)
    assert len(crashed.logins) == len(pop)
    assert crashed.complete
    bad = crashed.logins[crashed.logins["error_code"] == "sandbox_crash"]
    assert list(bad["login_id"]) == [str(pop.logins["login_id"].iloc[777])]
    assert list(bad["outcome"]) == ["error"]
    normal = rs.simulate(RULES, pop, workers=2, chunk_size=400, progress=False)
    keep = crashed.logins["error_code"] != "sandbox_crash"
    pd.testing.assert_frame_equal(comparable(crashed.logins[keep]),
                                  comparable(normal.logins[keep]))


def test_the_parquet_round_trip_is_lossless(sim: rs.Simulation, tmp_path: Path) -> None:
    sim.to_parquet(tmp_path / "out")
    back = rs.Simulation.read_parquet(tmp_path / "out")
    for table in COLUMNS:
        pd.testing.assert_frame_equal(getattr(back, table), getattr(sim, table))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["ruleset_sha256"] == RULES.sha256
    assert [r["name"] for r in manifest["rules"]] == ["deny-gmail", "add-country"]
    assert {"rulesim", "quickjs", "python", "pandas"} <= set(manifest["versions"])


def test_the_manifest_records_configuration_keys_but_never_values(pop: rs.Population) -> None:
    small = pop.slice(0, 50)
    s = rs.simulate(RULES, small, configuration={"API_KEY": "s3cr3t"}, workers=1, progress=False)
    assert s.manifest["configuration_keys"] == ["API_KEY"]
    assert "s3cr3t" not in json.dumps(s.manifest, default=str)


def test_the_summary_counts_outcomes_per_rule(sim: rs.Simulation) -> None:
    table = sim.summary().table.set_index("rule")
    denied = int((sim.logins["outcome"] == "denied").sum())
    assert table.loc["deny-gmail", "denied"] == denied
    assert table.loc["add-country", "skipped"] == denied
    assert table.loc["deny-gmail", "runs"] == len(sim.logins)
    assert "https://acme.com/country" in table.loc["add-country", "claims"]
    text = str(sim.summary())
    assert "deny-gmail" in text and f"denied={denied}" in text


def test_the_trace_tells_one_logins_story(sim: rs.Simulation) -> None:
    login_id = str(sim.logins.loc[sim.logins["outcome"] == "denied", "login_id"].iloc[0])
    trace = sim.trace(login_id)
    assert trace.denied and trace.deciding_rule == "deny-gmail"
    text = str(trace)
    assert "no free mail" in text and "deny-gmail" in text
    assert trace.input is not None and trace.input["login_id"] == login_id


def test_an_unknown_login_id_is_a_usage_error(sim: rs.Simulation) -> None:
    with pytest.raises(rs.UsageError, match="no login"):
        sim.trace("nope")


def test_simulate_rejects_a_non_population() -> None:
    with pytest.raises(rs.UsageError, match="Population"):
        rs.simulate(RULES, [1, 2, 3])


def test_run_login_completes_a_partial_login_and_runs_in_a_worker() -> None:
    trace = rs.run_login(RULES, user={"email": "x@gmail.com"})
    assert trace.denied
    ok = rs.run_login(RULES, user={"email": "x@acme.com"},
                      context={"request": {"geoip": {"country_code": "DE"}}})
    assert ok.outcome == "allowed"


def test_the_column_contract_document_is_up_to_date() -> None:
    from rulesim.records import column_contract_markdown

    doc = (Path(__file__).parent.parent / "docs" / "columns.md").read_text()
    assert column_contract_markdown() in doc, "regenerate docs/columns.md from COLUMNS"


def test_a_simulation_knows_its_size_and_outcomes_before_reading_a_table(pop: rs.Population) -> None:
    lazy = rs.simulate(RULES, pop, workers=1, chunk_size=400, progress=False)
    assert len(lazy) == len(pop)
    text = repr(lazy)
    assert lazy._frames == {}  # nothing was read yet
    assert text == repr(rs.Simulation(
        {t: getattr(lazy, t) for t in COLUMNS}, lazy.manifest, complete=lazy.complete))


def test_a_simulation_written_before_its_tables_are_read_reads_back_the_same(
        sim: rs.Simulation, pop: rs.Population, tmp_path: Path) -> None:
    lazy = rs.simulate(RULES, pop, workers=1, chunk_size=400, progress=False)
    lazy.to_parquet(tmp_path / "out")  # written chunk by chunk
    assert lazy._frames == {}
    back = rs.Simulation.read_parquet(tmp_path / "out")
    for table in COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(back, table)),
                                      comparable(getattr(sim, table)))
        pd.testing.assert_frame_equal(getattr(back, table), getattr(lazy, table))


def test_a_pickled_simulation_carries_its_tables(sim: rs.Simulation, pop: rs.Population) -> None:
    import pickle

    lazy = rs.simulate(RULES, pop.slice(0, 300), workers=1, progress=False)
    back = pickle.loads(pickle.dumps(lazy))
    pd.testing.assert_frame_equal(back.rule_runs, lazy.rule_runs)
    assert back.manifest == lazy.manifest and len(back) == 300
