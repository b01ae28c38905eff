"""`rulesim compare OLD NEW`: transitions, report, and the CI gate's exit codes (0/2/3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import rulesim as rs
from rulesim.cli import EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE, _register, cli, main
from rulesim.cli.compare import parse_threshold
from rulesim.impact import compare as rs_compare

USERS = 300
SEED = 1

PASS = "function (user, context, callback) {\n  callback(null, user, context);\n}\n"
GMAIL_DENY = """function (user, context, callback) {
  var domain = (user.email || '').toLowerCase().split('@')[1];
  if (domain === 'gmail.com') return callback(new UnauthorizedError('no gmail'));
  callback(null, user, context);
}
"""
CLAIM = """function (user, context, callback) {
  context.idToken['https://example.com/%s'] = 'x';
  callback(null, user, context);
}
"""
CALL = """function (user, context, callback) {
  var request = require('request');
  request.get({url: 'https://api.example.test/%s', json: true}, function () {
    callback(null, user, context);
  });
}
"""
SERVICES = """routes:
  - name: fast
    method: GET
    url: "https://api.example.test/fast"
    json: {ok: true}
    latency: {fixed_ms: 100}
  - name: slow
    method: GET
    url: "https://api.example.test/slow"
    json: {ok: true}
    latency: {fixed_ms: 400}
"""


def folder(root: Path, name: str, rules: dict[str, str]) -> str:
    path = root / name
    path.mkdir()
    for file, source in rules.items():
        (path / f"{file}.js").write_text(source)
    return str(path)


@pytest.fixture(scope="module")
def gmail_logins() -> int:
    logins = rs.population(USERS, seed=SEED).logins
    return int((logins["email_domain"] == "gmail.com").sum())


@pytest.fixture(scope="module")
def domain_change(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("domain")
    return (folder(root, "old", {"a-domain": PASS, "b-claim": CLAIM % "role"}),
            folder(root, "new", {"a-domain": GMAIL_DENY, "b-claim": CLAIM % "role"}))


def run(*args: str) -> Result:
    _register()
    return CliRunner().invoke(cli, ["compare", *args, "--users", str(USERS), "--seed", str(SEED),
                                    "--workers", "1"])


def test_no_threshold_crossed_exits_0_and_prints_transitions_and_top_segments(
        domain_change: tuple[str, str], gmail_logins: int, tmp_path: Path) -> None:
    report = tmp_path / "impact.md"
    result = run(*domain_change, "--fail-on", "denied>50%", "--report", str(report))

    assert result.exit_code == EXIT_OK, result.output
    assert "transitions (rows: baseline, columns: candidate)" in result.output
    assert "top segments" in result.output
    assert "gmail.com" in result.output
    assert "fail-on denied>50%" in result.output
    assert "-> ok" in result.output
    text = report.read_text()
    assert f"allowed → denied: {gmail_logins}" in text
    assert "CI gate" in text
    assert "`denied>50%` — ok" in text


def test_a_crossed_threshold_exits_3(domain_change: tuple[str, str]) -> None:
    result = run(*domain_change, "--fail-on", "changed>90%", "--fail-on", "denied>0.5%")

    assert result.exit_code == EXIT_THRESHOLD, result.output
    assert "denied>0.5%" in result.output
    assert "CROSSED" in result.output


@pytest.mark.parametrize(("op", "offset", "code"), [(">=", 0, EXIT_THRESHOLD), (">", 0, EXIT_OK)])
def test_the_gate_exits_3_exactly_when_the_count_crosses_the_threshold(
        domain_change: tuple[str, str], gmail_logins: int, op: str, offset: int,
        code: int) -> None:
    threshold = f"allowed->denied{op}{gmail_logins + offset}"
    result = run(*domain_change, "--fail-on", threshold)
    assert result.exit_code == code, result.output


@pytest.mark.parametrize(("threshold", "crossed"), [
    ("allowed->denied>={n}", True), ("allowed->denied>{n}", False),
    ("allowed->denied>{m}", True), ("allowed->denied<{n}", False),
    ("allowed->denied<={n}", True), ("*->denied>={n}", True), ("denied>={n}", True),
    ("denied>{n}", False), ("allowed->*<={n}", True), ("denied->*>0", False),
    ("denied>={share}%", True), ("denied>{share}%", False), ("changed>={n}", True),
    ("claims_lost>0", False), ("id_token>0", False), ("latency_p95>200", False),
])
def test_each_threshold_is_crossed_exactly_at_its_boundary(
        domain_change: tuple[str, str], gmail_logins: int, threshold: str,
        crossed: bool) -> None:
    impact = domain_impact(domain_change)
    text = threshold.format(n=gmail_logins, m=gmail_logins - 1,
                            share=repr(100 * gmail_logins / USERS))
    assert parse_threshold(text).crossed(impact) is crossed


_IMPACTS: dict[tuple[str, str], Any] = {}


def domain_impact(paths: tuple[str, str]) -> Any:
    if paths not in _IMPACTS:
        pop = rs.population(USERS, seed=SEED)
        _IMPACTS[paths] = rs_compare(rs.load_rules(paths[0]), rs.load_rules(paths[1]), pop,
                                     workers=1)
    return _IMPACTS[paths]


@pytest.mark.parametrize("bad", ["denied>>1", "bogus>1", "denied>abc", "denied", "allowed->nope>1",
                                 "latency_p95 = 3"])
def test_a_malformed_threshold_is_a_usage_error_that_shows_the_syntax(
        domain_change: tuple[str, str], bad: str) -> None:
    result = run(*domain_change, "--fail-on", bad)

    assert result.exit_code == EXIT_USAGE
    assert "<metric><op><value>" in result.output
    assert repr(bad) in result.output


@pytest.mark.slow
def test_a_lost_claim_can_gate_the_change(tmp_path: Path) -> None:
    old = folder(tmp_path, "old", {"claim": CLAIM % "role"})
    new = folder(tmp_path, "new", {"claim": CLAIM % "roles"})

    assert run(old, new, "--fail-on", "claims_lost>0").exit_code == EXIT_THRESHOLD
    assert run(old, new, "--fail-on", "claims_lost>100%").exit_code == EXIT_OK
    assert run(old, new, "--fail-on", "*->*>0").exit_code == EXIT_OK


def test_a_slower_call_crosses_a_latency_threshold(tmp_path: Path) -> None:
    services = tmp_path / "services.yaml"
    services.write_text(SERVICES)
    old = folder(tmp_path, "old", {"call": CALL % "fast"})
    new = folder(tmp_path, "new", {"call": CALL % "slow"})

    crossed = run(old, new, "--services", str(services), "--fail-on", "latency_p95>200")
    assert crossed.exit_code == EXIT_THRESHOLD, crossed.output
    assert "+300" in crossed.output
    fine = run(old, new, "--services", str(services), "--fail-on", "latency_p95>500")
    assert fine.exit_code == EXIT_OK, fine.output


def test_main_exits_with_3_for_a_ci_job(domain_change: tuple[str, str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compare", *domain_change, "--users", str(USERS), "--seed", str(SEED),
              "--workers", "1", "--fail-on", "denied>0"])
    assert exc.value.code == EXIT_THRESHOLD
    with pytest.raises(SystemExit) as exc:
        main(["compare", *domain_change, "--fail-on", "denied>"])
    assert exc.value.code == EXIT_USAGE
    assert "<metric><op><value>" in capsys.readouterr().err


def test_thresholds_parse_counts_percentages_and_wildcard_transitions() -> None:
    t = parse_threshold("denied>0.5%")
    assert (t.metric, t.op, t.value, t.percent) == ("denied", ">", pytest.approx(0.005), True)
    t = parse_threshold(" * -> denied >= 10 ")
    assert (t.metric, t.op, t.value, t.percent) == ("*->denied", ">=", 10.0, False)
    assert parse_threshold("latency_p99<=-5").value == -5.0
    assert parse_threshold("mfa<1").metric == "mfa"
