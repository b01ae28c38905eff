"""`rulesim migrate check BEFORE AFTER`: labels, report, stage table and exit codes (0/2/3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rulesim.cli import EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE, _register, cli
from rulesim.cli.migrate import parse_migration_threshold

PASS = "function (user, context, callback) {\n  callback(null, user, context);\n}\n"
GATE_RULE = """function (user, context, callback) {
  if (context.connection === 'google-oauth2') return callback(new UnauthorizedError('no google'));
  callback(null, user, context);
}
"""
GATE_ACTION = """exports.onExecutePostLogin = async (event, api) => {
  if (event.connection.name === 'google-oauth2') return api.access.deny('no google');
};
"""
# The migrated "tag" Action forgets the claim its Rule set.
TAG_RULE = """function (user, context, callback) {
  context.idToken['https://x/tag'] = 'a';
  callback(null, user, context);
}
"""
NOOP_ACTION = "exports.onExecutePostLogin = async (event, api) => {};\n"


def rules_dir(root: Path, rules: dict[str, str]) -> str:
    path = root / "rules-tenant"
    path.mkdir()
    for i, (name, source) in enumerate(rules.items()):
        (path / f"{name}.js").write_text(source)
        (path / f"{name}.json").write_text(json.dumps({"name": name, "enabled": True,
                                                        "order": i + 1}))
    return str(path)


def actions_dir(root: Path, actions: dict[str, str]) -> str:
    path = root / "actions-tenant"
    (path / "actions").mkdir(parents=True)
    (path / "triggers").mkdir()
    for name, code in actions.items():
        (path / "actions" / name).mkdir()
        (path / "actions" / name / "code.js").write_text(code)
        (path / "actions" / f"{name}.json").write_text(json.dumps({
            "name": name, "code": f"./actions/{name}/code.js", "runtime": "node22",
            "deployed": True, "supported_triggers": [{"id": "post-login", "version": "v3"}]}))
    (path / "triggers" / "triggers.json").write_text(json.dumps({
        "post-login": [{"action_name": n, "display_name": n} for n in actions]}))
    return str(path)


def run(*args: str) -> Result:
    _register()
    return CliRunner().invoke(cli, ["migrate", "check", *args, "--users", "120", "--seed", "2",
                                    "--workers", "1"], catch_exceptions=False)


def test_a_faithful_migration_exits_0_and_reports_only_known_differences(tmp_path: Path) -> None:
    before = rules_dir(tmp_path, {"pass": PASS, "gate": GATE_RULE})
    after = actions_dir(tmp_path, {"pass": NOOP_ACTION, "gate": GATE_ACTION})
    report = tmp_path / "migration.md"
    result = run(before, after, "--fail-on", "regressions>0", "--report", str(report))
    assert result.exit_code == EXIT_OK, result.output
    assert "0 logins with a regression" in result.output
    assert "DIFF-ERRCODE:" in result.output
    text = report.read_text()
    assert "**0 with a regression**" in text and "known-difference:DIFF-ERRCODE" in text
    assert "`regressions>0` — ok" in text
    assert "Stage by stage" not in text   # no regression: the plan is not run


def test_a_regression_exits_3_and_the_report_names_the_stage_it_appears_at(
        tmp_path: Path) -> None:
    before = rules_dir(tmp_path, {"a-tag": TAG_RULE, "b-gate": GATE_RULE})
    after = actions_dir(tmp_path, {"a-tag": NOOP_ACTION, "b-gate": GATE_ACTION})
    report = tmp_path / "migration.md"
    result = run(before, after, "--fail-on", "regressions>0", "--report", str(report))
    assert result.exit_code == EXIT_THRESHOLD, result.output
    assert "the first regression appears at stage 2" in result.output
    text = report.read_text()
    assert "### regression" in text and "`id_token:https://x/tag`" in text
    # stage 1 replaces the last Rule (gate: known differences only), stage 2 the tag Rule
    rows = [line for line in text.splitlines() if line.startswith("| 1 |") or
            line.startswith("| 2 |")]
    assert rows[0].startswith("| 1 | b-gate | b-gate | 0 | 0 |")
    assert rows[1].startswith("| 2 | a-tag | a-tag |") and not rows[1].startswith(
        "| 2 | a-tag | a-tag | 0 |")
    assert "`regressions>0` — **crossed**" in text


def test_strict_mode_turns_known_differences_into_regressions(tmp_path: Path) -> None:
    before = rules_dir(tmp_path, {"gate": GATE_RULE})
    after = actions_dir(tmp_path, {"gate": GATE_ACTION})
    result = run(before, after, "--strict", "--no-stages", "--fail-on", "regressions>0")
    assert result.exit_code == EXIT_THRESHOLD, result.output


@pytest.mark.parametrize("bad", ["regressions", "regressions>>1", "DIFF-NOPE>0",
                                 "regressions.claims>0"])
def test_a_malformed_threshold_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    before = rules_dir(tmp_path, {"gate": GATE_RULE})
    after = actions_dir(tmp_path, {"gate": GATE_ACTION})
    result = run(before, after, "--fail-on", bad)
    assert result.exit_code == EXIT_USAGE
    assert "invalid --fail-on threshold" in result.output


def test_thresholds_parse_counts_and_percentages() -> None:
    t = parse_migration_threshold("DIFF-META-TIMING >= 2.5%")
    assert (t.metric, t.op, t.value, t.percent) == ("DIFF-META-TIMING", ">=", 0.025, True)
    assert parse_migration_threshold("regressions.outcome>0").metric == "regressions.outcome"
