"""A migration plan's stages run together, sharing stage 0's Rules, equal separate simulations."""

from __future__ import annotations

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution.jobs import PipelineJob, StagesJob
from rulesim.execution.runner import run_job
from rulesim.options import RunOptions
from rulesim.run import simulate_stages
from tests.frames import comparable

FRAMES = ("logins", "rule_runs", "changes", "calls", "logs")
ACME = "datasets/tenants/acme"
ACME_ACTIONS = "datasets/tenants/acme-actions"


def assert_same_results(a: rs.Simulation, b: rs.Simulation, stage: int) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(comparable(getattr(a, name)), comparable(getattr(b, name)),
                                      obj=f"stage {stage}: {name}")


def rule(name: str, body: str, order: int) -> rs.Rule:
    return rs.Rule.from_source(name, "function (user, context, callback) {\n" + body + "\n}",
                               order=order)


def action(name: str, body: str) -> rs.Action:
    return rs.Action(name=name, code="exports.onExecutePostLogin = async (event, api) => {\n"
                     + body + "\n};")


@pytest.fixture(scope="module")
def acme_plan() -> rs.MigrationPlan:
    return rs.migration_plan(rs.load_rules(ACME), rs.load_tenant(ACME_ACTIONS))


@pytest.mark.parametrize("workers", [1, 2])
def test_every_stage_of_the_acme_plan_equals_its_own_simulation(
        acme_plan: rs.MigrationPlan, workers: int) -> None:
    # Repeat users: metadata the Rules persist (count-logins, migrate-legacy-users) makes the
    # stages' user stores part ways, and those logins run in full where they differ.
    pop = rs.population(240, seed=5, mix=rs.Mix(logins_per_user={3: 1.0}))
    options = {"seed": 5, "on_redirect": "continue", "continue_handler": {"accepted": "true"},
               "chunk_size": 60, "progress": False}
    staged, shared = simulate_stages([s.tenant for s in acme_plan.stages], pop,
                                     prefixes=acme_plan.shared_rules(),
                                     options=RunOptions(workers=workers, **options))
    assert 0 < shared < len(pop) * (len(acme_plan.stages) - 1)
    for k, stage in enumerate(acme_plan.stages):
        alone = rs.simulate(stage.tenant, pop, workers=1, **options)  # type: ignore[arg-type]
        assert_same_results(alone, staged[k], k)


def test_the_plan_shares_the_rules_before_the_first_that_uses_global(
        acme_plan: rs.MigrationPlan) -> None:
    names = [r.name for r in acme_plan.stages[0].tenant.rules.active]
    shared = acme_plan.shared_rules()
    assert names.index("ip-blocklist") == 10        # the first acme rule that uses `global`
    assert shared[0] == 0 and max(shared) == 10
    assert shared[1:] == [min(10, len(names) - k) for k in range(1, len(names) + 1)]


HARD_PREFIX = [
    # A Date in user: this login's state cannot be copied exactly and every stage runs it whole.
    rule("stamp", """
      if (user.email && user.email.charAt(0) < 'h') user.seen = new Date(Date.now());
      context.idToken['https://example.com/draw'] = Math.floor(Math.random() * 1e6);
      callback(null, user, context);""", 1),
    # Metadata persisted through the Management API, then read by the stages' Actions.
    rule("mark", """
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(function () { callback(null, user, context); })
        .catch(function (e) { callback(e); });""", 2),
]
TAIL = rule("tail", """
  context.idToken['https://example.com/visits'] = user.app_metadata.visits;
  if (user.app_metadata.visits > 2) return callback(new UnauthorizedError('too many'));
  callback(null, user, context);""", 3)
TAIL_ACTION = action("tail", """
  const visits = event.user.app_metadata.visits;
  api.idToken.setCustomClaim('https://example.com/visits', visits);
  api.user.setAppMetadata('tail_seen', (event.user.app_metadata.tail_seen || 0) + 1);
  if (visits > 2) api.access.deny('too many');""")


def test_stages_with_uncopyable_state_and_diverging_stores_equal_separate_simulations() -> None:
    rules = rs.RuleSet([*HARD_PREFIX, TAIL])
    plan = rs.migration_plan(rules, rs.ActionSet([TAIL_ACTION]))
    assert plan.shared_rules() == [0, 2, 1, 0]     # stamp and mark have no Action: disabled in turn
    pop = rs.population(120, seed=3, mix=rs.Mix(logins_per_user={4: 1.0}))
    result = plan.run(pop, share=True, workers=1, progress=False, seed=3)
    assert 0 < result.shared < len(pop)           # the Date logins ran in full
    for k, stage in enumerate(plan.stages):
        alone = rs.simulate(stage.tenant, pop, workers=1, progress=False, seed=3)
        assert_same_results(alone, result.simulations[k], k)


def test_a_worker_crash_during_a_staged_run_loses_no_login_in_any_stage() -> None:
    rules = rs.RuleSet([*HARD_PREFIX[1:], TAIL])
    plan = rs.migration_plan(rules, rs.ActionSet([TAIL_ACTION]))
    opts = RunOptions(seed=4, workers=1, progress=False)
    job = StagesJob(tuple(PipelineJob.from_ruleset(s.tenant, seed=4) for s in plan.stages),
                    tuple(plan.shared_rules()))
    pop = rs.population(40, seed=4)
    out = run_job(job, pop, opts, crash_at=17)
    for side, side_job in job.side_jobs().items():
        frame = out.store.side(side, side_job.rule_names()).table("logins")
        assert len(frame) == len(pop)
        crashed = frame[frame["error_code"] == "sandbox_crash"]
        assert crashed["login_id"].tolist() == [pop.logins["login_id"].iloc[17]]


def test_the_plan_runs_its_stages_apart_unless_asked_to_share() -> None:
    plan = rs.migration_plan(rs.RuleSet([*HARD_PREFIX[1:], TAIL]), rs.ActionSet([TAIL_ACTION]))
    assert plan.run(rs.population(20, seed=1), workers=1, progress=False).shared == 0


def test_a_staged_run_refuses_coverage_and_checkpoints_and_the_plan_falls_back() -> None:
    rules = rs.RuleSet([*HARD_PREFIX[1:], TAIL])
    plan = rs.migration_plan(rules, rs.ActionSet([TAIL_ACTION]))
    pop = rs.population(20, seed=1)
    with pytest.raises(rs.UsageError, match="coverage"):
        simulate_stages([s.tenant for s in plan.stages], pop, prefixes=plan.shared_rules(),
                        options=RunOptions(coverage=True, workers=1, progress=False))
    result = plan.run(pop, share=True, workers=1, progress=False, coverage=True)
    assert result.shared == 0 and len(result.simulations) == len(plan.stages)
