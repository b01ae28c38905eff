"""Rule coverage: instrumentation keeps lines and behaviour, counts what runs, and reports it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import rulesim as rs
from rulesim.coverage import Coverage, CoverageCollector, instrument, instrument_rules, probes_for

ACME = Path(__file__).parents[2] / "datasets" / "tenants" / "acme"

DEAD_BRANCH = """function (user, context, callback) {
  'use strict';
  var email = user.email || '';
  if (email.endsWith('@example.com')) context.idToken.staff = true;
  else if (email === 'nobody@never.example') { context.idToken.dead = true; }
  switch (email.length > 3) { case true: break; default: context.idToken.short = true; }
  const tag = (m) => m?.tag ?? 'none';
  for (var i = 0; i < 2; i++) context.idToken['n' + i] = i;
  return callback(null, user, context);
}"""


def _words(line: str) -> list[str]:
    """The identifiers and keywords of a line, without the instrumentation's own."""
    return [w for w in re.findall(r"[A-Za-z_$][\w$]*", line) if not w.startswith("__rs$")]


def _run_in_quickjs(source: str, users: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Run an instrumented (trusted, test-written) rule in a bare QuickJS context."""
    import quickjs

    ctx = quickjs.Context()
    ctx.eval("globalThis.rule = (\n" + source + "\n);")
    for user in users:
        ctx.eval(f"rule({json.dumps(user)}, {{idToken: {{}}}}, function () {{}})")
    counts: dict[str, list[int]] = json.loads(ctx.eval("JSON.stringify(globalThis.__rulesim_cov)"))
    return counts


def test_instrumentation_keeps_every_line_at_its_number() -> None:
    for path in sorted((ACME / "rules").glob("*.js")):
        source = path.read_text()
        out, probes = instrument(source, key=path.stem)
        assert out.count("\n") == source.count("\n") + 1
        for original, rewritten in zip(source.splitlines()[1:], out.splitlines()[1:], strict=False):
            assert _words(rewritten) == _words(original), (path.name, original, rewritten)
        assert probes
        assert all(1 <= p.line <= source.count("\n") + 1 for p in probes)


def test_the_counters_live_in_a_hidden_global() -> None:
    import quickjs

    out, _ = instrument(DEAD_BRANCH, key="r")
    ctx = quickjs.Context()
    ctx.eval("globalThis.rule = (\n" + out + "\n);")
    assert ctx.eval("Object.keys(globalThis).indexOf('__rulesim_cov')") == -1
    assert ctx.eval("typeof rule") == "function"


def test_a_planted_dead_branch_is_reported_as_never_taken() -> None:
    rule = rs.Rule.from_source("dead-branch", DEAD_BRANCH)
    out, _ = instrument(rule.source, key=rule.name)
    counts = _run_in_quickjs(out, [{"email": "ann@example.com"}, {"email": "x@y.z"}, {}])
    cov = Coverage.from_counts([rule], counts)
    missed = cov.missed_branches()
    assert list(missed[missed["line"] == 5]["arm"]) == ["if: then"]
    assert "context.idToken.dead = true" in missed[missed["line"] == 5]["code"].iloc[0]
    row = cov.table().iloc[0]
    assert row["missed_statements"] == 1  # the dead assignment
    assert row["functions"] == 2 and row["missed_functions"] == 1  # `tag` never called
    assert "branch never taken: if: then" in cov.annotate()


def test_counts_add_up_across_runs_and_reports_render() -> None:
    rule = rs.Rule.from_source("dead-branch", DEAD_BRANCH)
    out, _ = instrument(rule.source, key=rule.name)
    one = Coverage.from_counts([rule], _run_in_quickjs(out, [{"email": "a@example.com"}]))
    two = Coverage.from_counts([rule], _run_in_quickjs(out, [{"email": "nobody@never.example"}]))
    both = one + two
    assert both.rules["dead-branch"].counts == [
        a + b for a, b in zip(one.rules["dead-branch"].counts, two.rules["dead-branch"].counts,
                              strict=True)]
    assert "if: then" not in set(both.missed_branches()["arm"])
    html = both.to_html()
    assert html.startswith("<!doctype html>") and "dead-branch" in html
    assert "statement_pct" in str(both)


def test_instrument_rules_keeps_configuration_services_and_disabled_rules() -> None:
    rules = rs.load_rules(ACME)
    instrumented = instrument_rules(rules)
    assert instrumented.names == rules.names
    assert instrumented.configuration == rules.configuration
    assert instrumented.services_file == rules.services_file
    disabled = instrumented["force-email-verification"]
    assert disabled.source == rules["force-email-verification"].source
    found = probes_for(instrumented["contextual-mfa"])
    assert found is not None and found[0] == rules["contextual-mfa"]
    assert instrument_rules(instrumented).names == instrumented.names  # idempotent


def test_a_source_that_is_not_one_function_cannot_be_instrumented() -> None:
    with pytest.raises(rs.UsageError, match="cannot instrument"):
        instrument("function (user) {", key="broken")


def test_a_simulation_without_counters_says_how_to_get_them() -> None:
    class NoCounters:
        def __init__(self) -> None:
            self.coverage_counts: dict[str, list[int]] = {}

    with pytest.raises(rs.UsageError, match="instrument_rules"):
        Coverage.from_simulation(NoCounters())
    collector = CoverageCollector()
    collector.add_simulation(NoCounters())
    assert collector.coverage.rules == {}


@pytest.mark.slow
def test_instrumentation_does_not_change_outcomes_on_the_acme_tenant() -> None:
    rules = rs.load_rules(ACME)
    error_line = rs.Rule.from_source("throws-on-line-3", """function (user, context, callback) {
  var count = (user.app_metadata && user.app_metadata.login_count) || 0;
  if (count > 5) { null.boom; }
  return callback(null, user, context);
}""")
    rules = rules.add(error_line, order=3)
    pop = rs.population(600, seed=11)
    plain = rs.simulate(rules, pop, workers=2, progress=False)
    counted = rs.simulate(instrument_rules(rules), pop, workers=2, progress=False)
    logins = ["login_id", "outcome", "error_code", "error_message", "deciding_rule", "id_token",
              "access_token", "scopes", "mfa_required", "redirect_url", "saml", "flags"]
    pd.testing.assert_frame_equal(plain.logins[logins], counted.logins[logins])
    runs = ["login_id", "rule", "outcome", "error_code", "error_message", "line", "n_changes"]
    pd.testing.assert_frame_equal(plain.rule_runs[runs], counted.rule_runs[runs])
    changes = ["login_id", "rule", "target", "path", "op", "before", "after", "persisted"]
    pd.testing.assert_frame_equal(plain.changes[changes], counted.changes[changes])
    pd.testing.assert_frame_equal(plain.logs, counted.logs)
    thrown = plain.rule_runs[plain.rule_runs["rule"] == "throws-on-line-3"]
    assert (thrown[thrown["outcome"] == "error"]["line"] == 3).all()


@pytest.mark.slow
def test_every_acme_branch_is_taken_on_10k_logins_or_listed() -> None:
    rules = instrument_rules(rs.load_rules(ACME))
    sim = rs.simulate(rules, rs.population(10_000, seed=7), progress=False)
    cov = Coverage.from_simulation(sim)
    assert set(cov.rules) == {r.name for r in rules.active}  # disabled rules never run
    missed = cov.missed_branches()
    print(cov)  # noqa: T201 - the listing is the finding
    # The acceptance: every branch is either taken or listed, one row per untaken arm.
    table = cov.table()
    assert int(table["missed_branches"].sum()) == len(missed)
    assert len(missed) < int(table["branches"].sum())
    assert (table["functions"] > table["missed_functions"]).all()  # every rule ran


def test_sim_coverage_marks_the_planted_dead_branch_never_taken() -> None:
    rule = rs.Rule.from_source("dead-branch", DEAD_BRANCH)
    sim = rs.simulate(instrument_rules([rule]), rs.population(50, seed=1), workers=1,
                      progress=False)
    cov = sim.coverage()  # type: ignore[attr-defined]
    assert "if: then" in set(cov.missed_branches()["arm"])
    assert cov.rules["dead-branch"].counts[0] == 50  # the function ran once per login
