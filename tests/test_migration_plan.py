"""migration_plan(): the last k Rules replaced by their Actions, stage by stage; and the acme
migration checked end to end (no regression)."""

from __future__ import annotations

from pathlib import Path

import pytest

import rulesim as rs

TENANTS = Path(__file__).parents[1] / "datasets" / "tenants"
ACCEPT = {"on_redirect": "continue", "continue_handler": {"accepted": "true"}}


def test_the_acme_plan_replaces_the_last_rule_first() -> None:
    plan = rs.migration_plan(TENANTS / "acme", TENANTS / "acme-actions")
    assert len(plan) == 16
    table = plan.table()
    assert table["k"].tolist() == list(range(17))
    assert table["rules"].tolist() == list(range(16, -1, -1))
    assert table["actions"].tolist() == list(range(17))
    rules = rs.load_rules(TENANTS / "acme")
    assert [s.rule for s in plan.stages[1:]] == [r.name for r in reversed(rules.active)]
    assert all(s.action == s.rule for s in plan.stages[1:])
    # Stage 3: the first 13 Rules, then the Actions of the last three in flow order.
    stage = plan.stages[3].tenant
    assert [a.name for a in stage.actions.active] == [
        "enrich-profile", "require-tos-acceptance", "notify-first-login"]
    assert [r.name for r in stage.rules.active] == [r.name for r in rules.active[:13]]


def test_a_mapping_pairs_differently_named_rules_and_rejects_unknown_names() -> None:
    rules = rs.RuleSet([rs.Rule(name="old", source="function (u, c, cb) { cb(null, u, c); }")])
    actions = rs.ActionSet([rs.Action.from_code(
        "new", "exports.onExecutePostLogin = async (event, api) => {};")])
    plan = rs.migration_plan(rules, actions, mapping={"old": "new"})
    assert (plan.stages[1].rule, plan.stages[1].action) == ("old", "new")
    with pytest.raises(rs.UsageError, match="not in the Rules"):
        rs.migration_plan(rules, actions, mapping={"nope": "new"})
    with pytest.raises(rs.UsageError, match="not bound"):
        rs.migration_plan(rules, actions, mapping={"old": "nope"})
    with pytest.raises(rs.UsageError, match="no bound Actions"):
        rs.migration_plan(rules, rules)


def test_the_plan_reports_the_stage_whose_action_regresses() -> None:
    pop = rs.population(150, seed=5)
    def rule(name: str, value: int, order: int) -> rs.Rule:
        return rs.Rule(name=name, order=order, source=(
            f"function (u, c, cb) {{ c.idToken['https://x/{name}'] = {value}; cb(null, u, c); }}"))

    def action(name: str, value: int, order: int) -> rs.Action:
        return rs.Action.from_code(name, order=order, code=(
            "exports.onExecutePostLogin = async (e, api) => { "
            f"api.idToken.setCustomClaim('https://x/{name}', {value}); }};"))

    rules = rs.RuleSet([rule("a", 1, 1), rule("b", 1, 2), rule("c", 1, 3)])
    # b's Action sets the wrong value
    actions = rs.ActionSet([action("a", 1, 1), action("b", 2, 2), action("c", 1, 3)])
    result = rs.migration_plan(rules, actions).run(pop, workers=1, progress=False)
    drift = result.drift
    assert drift["rule"].tolist() == ["c", "b", "a"]
    # Every login but the Rules-only /continue passes (those are DIFF-REDIRECT-RERUN).
    rules_only = pop.logins["protocol"].isin(["redirect-callback", "delegation"])
    assert drift["regression_logins"].tolist() == [0, int((~rules_only).sum()), 0]
    assert drift["known_logins"].tolist() == [0, int(rules_only.sum()), 0]
    assert result.first_regression() == 2
    reg = result.regressions
    assert set(reg["k"]) == {2} and set(reg["field"]) == {"id_token:https://x/b"}
    assert set(reg["rule"]) == {"b"} == set(reg["action"])
    # Stage k's simulation is the candidate of comparison k and the baseline of k + 1.
    assert result.impacts[0].candidate is result.impacts[1].baseline
    assert len(result.simulations) == 4


@pytest.mark.slow
@pytest.mark.parametrize("options", [{}, ACCEPT], ids=["stop", "continue-accepted"])
def test_the_acme_migration_has_no_regression(options: dict[str, object]) -> None:
    impact = rs.compare(rs.load_rules(TENANTS / "acme"), rs.load_tenant(TENANTS / "acme-actions"),
                        rs.population(1500, seed=11), workers=2, progress=False, **options)
    assert len(impact.regressions) == 0, impact.regressions.head()
    codes = set(impact.known_differences["code"])
    assert {"DIFF-ERRCODE", "DIFF-REDIRECT-RERUN"} <= codes


@pytest.mark.slow
@pytest.mark.parametrize("options", [{}, ACCEPT], ids=["stop", "continue-accepted"])
def test_the_half_migrated_acme_tenant_has_no_regression_and_nothing_out_of_order(
        options: dict[str, object]) -> None:
    # acme-mixed keeps the first ten Rules and binds the rest as Actions; count-logins' Action
    # asks api.rules.wasExecuted about its Rule, which is disabled.
    impact = rs.compare(rs.load_rules(TENANTS / "acme"), rs.load_tenant(TENANTS / "acme-mixed"),
                        rs.population(1500, seed=11), workers=2, progress=False, **options)
    assert len(impact.regressions) == 0, impact.regressions.head()
    assert "DIFF-ORDER" not in set(impact.known_differences["code"])


@pytest.mark.slow
def test_no_stage_of_the_acme_plan_adds_a_regression() -> None:
    # Before the fix of migrate-legacy-users, stage 5 (its Action beside the add-role-claims
    # Rule) listed a role both stored and in RBAC twice in the role claims.
    plan = rs.migration_plan(TENANTS / "acme", TENANTS / "acme-actions")
    result = plan.run(rs.population(400, seed=11), workers=2, progress=False, **ACCEPT)
    assert result.first_regression() is None, result.regressions.head()
    assert int(result.drift["known_logins"].sum()) > 0
    report = rs.migration_report(result.impacts[-1], result)
    assert "No stage adds a regression." in report
