"""Golden-case files: loading errors name file and line; cases run together; acme passes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rulesim.golden import GoldenFileError, find_files, load, run_files

ACME_TESTS = Path(__file__).parents[1] / "datasets" / "tenants" / "acme" / "tests"

INLINE = """\
rules:
  - name: deny-gmail
    source: |
      function (user, context, callback) {
        if ((user.email || '').endsWith('@gmail.com')) {
          return callback(new UnauthorizedError('no gmail here'));
        }
        context.idToken['https://example.com/plan'] = (user.app_metadata || {}).plan || 'free';
        return callback(null, user, context);
      }
cases:
  - description: gmail is denied
    user: {email: someone@gmail.com}
    expect: {outcome: denied, rule: deny-gmail, reason: no gmail here}
  - description: the plan claim comes from app_metadata
    user: {email: ann@example.com, app_metadata: {plan: pro}}
    expect:
      outcome: allowed
      claims: {id_token: {present: {https://example.com/plan: pro}, absent: [other]}}
"""


def _write(tmp_path: Path, text: str, name: str = "cases.rulesim.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(path: Path) -> GoldenFileError:
    with pytest.raises(GoldenFileError) as info:
        load(path)
    return info.value


def test_an_inline_golden_file_runs_every_case_and_passes(tmp_path: Path) -> None:
    report = load(_write(tmp_path, INLINE)).run()
    assert report.ok, str(report)
    assert "2 cases: 2 passed, 0 failed" in str(report)


def test_a_wrong_expectation_fails_naming_the_rule_and_showing_the_trace(tmp_path: Path) -> None:
    text = INLINE.replace("{https://example.com/plan: pro}", "{https://example.com/plan: free}")
    report = load(_write(tmp_path, text)).run()
    (failed,) = report.failed
    message = failed.message()
    assert "set by rule `deny-gmail`" in message
    assert "'pro'" in message
    assert "cases.rulesim.yaml:15" in message  # the case's line
    assert "✓  1 deny-gmail" in message  # the trace


def test_an_unknown_key_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, INLINE.replace("outcome: denied,", "outcom: denied,"))
    err = _error(path)
    assert str(err).startswith(f"{path}:14: unknown key `outcom`")
    assert err.line == 14


def test_a_bad_outcome_is_reported_at_its_line(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, INLINE.replace("outcome: allowed", "outcome: maybe")))
    assert err.line == 18
    assert "allowed, denied, error, timeout, redirect" in str(err)


def test_a_case_without_expectations_is_an_error(tmp_path: Path) -> None:
    text = "rules: []\ncases:\n  - description: nothing\n    user: {}\n"
    err = _error(_write(tmp_path, text))
    assert "needs an `expect` mapping" in str(err)
    assert err.line == 3


def test_invalid_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, "rules: x\ncases:\n  - description: [unclosed\n"))
    assert err.line is not None
    assert "not valid YAML" in str(err)


def test_an_inline_rule_that_does_not_load_is_reported_at_its_line(tmp_path: Path) -> None:
    text = INLINE.replace("function (user, context, callback) {", "function (user, {", 1)
    err = _error(_write(tmp_path, text))
    assert err.line == 2
    assert "cannot load the rules: rule `deny-gmail`" in str(err)


def test_folders_are_searched_for_golden_files(tmp_path: Path) -> None:
    _write(tmp_path, INLINE, "a.rulesim.yaml")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", INLINE, "b.rulesim.yaml")
    _write(tmp_path, "x: 1", "ignored.yaml")
    assert [p.name for p in find_files([tmp_path])] == ["a.rulesim.yaml", "b.rulesim.yaml"]


def test_a_skipped_case_is_not_run(tmp_path: Path) -> None:
    text = INLINE.replace("  - description: gmail is denied\n",
                          "  - description: gmail is denied\n    skip: later\n")
    report = load(_write(tmp_path, text)).run()
    assert report.results[0].trace is None
    assert report.ok


@pytest.mark.slow
def test_the_acme_golden_cases_cover_every_rule_and_pass() -> None:
    from rulesim.sources import load_rules

    report = run_files([ACME_TESTS])
    assert report.ok, str(report)
    ran = set()
    for result in report.results:
        assert result.trace is not None
        decided = result.trace.rule_runs
        ran |= set(decided[decided["outcome"] != "skipped"]["rule"].astype(str))
    rules = load_rules(ACME_TESTS.parent)
    assert {r.name for r in rules.active} <= ran
    text = " ".join(p.read_text() for p in ACME_TESTS.glob("*.rulesim.yaml"))
    for rule in rules:  # every rule, the disabled one too, has cases of its own
        assert rule.name in text
