"""simulate(), run_login(), compare() and the views over tenants with post-login Actions.

The Actions run in worker processes, as Rules do; the frames follow the same column contract
and do not depend on the number of workers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.records import COLUMNS
from tests.frames import comparable

TENANTS = Path(__file__).parents[1] / "datasets" / "tenants"


@pytest.fixture(scope="module")
def tenant() -> rs.Tenant:
    return rs.load_tenant(TENANTS / "acme-actions")


@pytest.fixture(scope="module")
def pop() -> rs.Population:
    return rs.population(500, seed=3)


@pytest.fixture(scope="module")
def sim(tenant: rs.Tenant, pop: rs.Population) -> rs.Simulation:
    return rs.simulate(tenant, pop, workers=2, chunk_size=150, progress=False)


@pytest.mark.slow
def test_an_actions_simulation_follows_the_column_contract(sim: rs.Simulation) -> None:
    for table, cols in COLUMNS.items():
        frame = getattr(sim, table)
        for name, dtype, _ in cols:
            actual = str(frame[name].dtype)
            assert actual.startswith("string") if dtype == "string" else actual == dtype, (
                table, name, actual)
    runs = sim.rule_runs
    assert set(runs["kind"].astype(str)) == {"action"}
    assert list(runs["rule"].cat.categories)[:3] == ["block-password-grant",
                                                    "email-domain-allowlist",
                                                    "normalize-idp-profile"]
    assert runs.groupby("login_id", observed=True).size().min() == 17   # 16 bound + 1 unbound
    commands = sim.changes["command"].dropna().astype(str)
    assert {"idToken.setCustomClaim", "user.setAppMetadata", "redirect.sendUserTo"} <= set(commands)


@pytest.mark.slow
def test_one_and_two_workers_give_equal_actions_frames(tenant: rs.Tenant, pop: rs.Population,
                                                       sim: rs.Simulation) -> None:
    one = rs.simulate(tenant, pop, workers=1, chunk_size=150, progress=False)
    for table in ("logins", "rule_runs", "changes", "calls", "logs"):
        pd.testing.assert_frame_equal(comparable(getattr(one, table)),
                                      comparable(getattr(sim, table)), obj=table)


@pytest.mark.slow
def test_metadata_an_action_writes_is_seen_by_the_users_next_login(sim: rs.Simulation) -> None:
    ch = sim.changes
    counts = ch[(ch["command"] == "user.setAppMetadata") & (ch["path"] == "login_count")]
    users = sim.logins.set_index("login_id")["user_id"]
    per_user: dict[str, list[int]] = {}
    for row in counts.itertuples():
        per_user.setdefault(str(users[row.login_id]), []).append(int(row.after))
    repeated = [v for v in per_user.values() if len(v) > 2]
    assert repeated, "the population has users with several logins"
    # Within a chunk the count goes up by one per login (chunks start a fresh store).
    assert any(v[1] == v[0] + 1 for v in repeated)


@pytest.mark.slow
def test_the_summary_and_the_trace_show_the_actions(sim: rs.Simulation) -> None:
    summary = sim.summary()
    row = summary.table.set_index("rule").loc["require-tos-acceptance"]
    assert row["kind"] == "action" and row["runs"] > 0
    assert "kind" in str(summary)
    redirected = sim.logins[sim.logins["outcome"] == "redirect"]["login_id"].iloc[0]
    text = str(sim.trace(str(redirected)))
    assert "require-tos-acceptance" in text and "(action)" in text
    assert "← redirect.sendUserTo" in text


def test_run_login_takes_a_tenant_and_continues_its_redirect(tenant: rs.Tenant) -> None:
    trace = rs.run_login(tenant, user={"email": "ann@acme.com", "app_metadata": {}},
                         context={"clientName": "Acme Portal", "protocol": "oidc-basic-profile"},
                         on_redirect="continue", continue_handler=accept_terms)
    assert trace.outcome == "allowed"
    phases = trace.rule_runs[trace.rule_runs["rule"] == "require-tos-acceptance"]
    assert list(phases["handler"].astype(str)) == ["onExecutePostLogin", "onContinuePostLogin"]
    assert trace.redirect is not None and trace.redirect.startswith("https://acme.com/tos")


def accept_terms(login: dict[str, object], url: str) -> dict[str, str]:
    """What the terms page posts back to /continue."""
    return {"accepted": "true"}


def test_run_login_takes_actions_and_secrets() -> None:
    action = rs.Action.from_code("greet", (
        "exports.onExecutePostLogin = async (event, api) => {\n"
        "  api.idToken.setCustomClaim('https://acme.com/hello', event.secrets.GREETING);\n};\n"))
    trace = rs.run_login([action], secrets={"GREETING": "hi"})
    assert trace.id_token["https://acme.com/hello"] == "hi"


@pytest.mark.slow
def test_compare_rules_with_their_actions_runs_both_in_full(tenant: rs.Tenant) -> None:
    pop = rs.population(300, seed=5)
    impact = rs.compare(rs.load_rules(TENANTS / "acme"), tenant, pop, workers=2)
    assert impact.shared_rules == 0
    assert "action `ip-blocklist` added" in impact.rule_changes
    assert "rule `ip-blocklist` removed" in impact.rule_changes
    assert impact.transitions["count"].to_numpy().sum() == len(pop)


@pytest.mark.slow
def test_unbinding_an_action_lets_through_exactly_the_logins_it_denied(
        tenant: rs.Tenant) -> None:
    pop = rs.population(400, seed=9)
    unbound = rs.Tenant(tenant.rules, tenant.actions.disable("email-domain-allowlist"))
    impact = rs.compare(tenant, unbound, pop, workers=2)
    before = impact.baseline.logins
    denied = set(before[before["deciding_rule"] == "email-domain-allowlist"]["login_id"])
    assert denied
    changed = impact.changed[impact.changed["outcome_before"] == "denied"]
    assert denied <= set(changed["login_id"])
    # Any other login that changed belongs to a user the Action had denied before: the later
    # Actions now ran for that user's earlier logins (metadata written, a migration done).
    users = before.set_index("login_id")["user_id"]
    denied_users = {users[lid] for lid in denied}
    assert {users[lid] for lid in set(changed["login_id"]) - denied} <= denied_users
    assert "action `email-domain-allowlist` unbound" in impact.rule_changes


@pytest.mark.slow
def test_the_parquet_round_trip_keeps_the_actions_rows(sim: rs.Simulation, tmp_path: Path) -> None:
    back = rs.Simulation.read_parquet(sim.to_parquet(tmp_path / "out"))
    assert list(back.rule_runs["rule"].cat.categories) == list(sim.rule_runs["rule"].cat.categories)
    pd.testing.assert_frame_equal(comparable(back.changes), comparable(sim.changes))
    assert [a["action"] for a in json.loads((tmp_path / "out" / "manifest.json").read_text())
            ["actions"]][:2] == ["block-password-grant", "email-domain-allowlist"]


@pytest.mark.slow
def test_coverage_counts_the_lines_each_action_ran(tenant: rs.Tenant) -> None:
    sim = rs.simulate(tenant, rs.population(200, seed=4), workers=1, coverage=True,
                      progress=False)
    cov = sim.coverage()
    table = cov.table().set_index("rule")
    assert table.loc["ip-blocklist", "statements"] > table.loc["ip-blocklist", "missed_statements"]
    assert table.loc["require-tos-acceptance", "statement_pct"] > 50
    assert "require-tos-acceptance" in cov.annotate("require-tos-acceptance")
    # Instrumentation changes nothing the Actions do.
    plain = rs.simulate(tenant, rs.population(200, seed=4), workers=1, progress=False)
    pd.testing.assert_frame_equal(comparable(plain.logins), comparable(sim.logins))


def test_a_mixed_login_records_the_rules_persisted_writes_before_the_actions_commands() -> None:
    rule = rs.Rule.from_source("count", """async function (user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.n = 1;
  await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
  callback(null, user, context);
}""", order=1)
    action = rs.Action.from_code("count-again", """exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/n', event.user.app_metadata.n);
  api.user.setAppMetadata('n', 2);
};""", order=1)
    sim = rs.simulate(rs.Tenant(rs.RuleSet([rule]), rs.ActionSet([action])),
                      rs.population(5, seed=1), workers=1, progress=False)
    for _, rows in sim.changes.groupby("login_id", sort=False):
        writers = rows[rows["target"] == "app_metadata"]
        # The Rule's Management API write took effect first; the Action's single write last.
        assert writers["rule"].tolist() == ["count", "count", "count-again"]
        assert writers["persisted"].tolist() == [False, True, True]
        assert writers["command"].isna().tolist() == [True, True, False]
