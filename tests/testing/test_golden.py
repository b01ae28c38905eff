"""Golden-case files: loading errors name file and line; cases run together; acme passes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rulesim.golden import GoldenFileError, find_files, load, run_files

ACME_TESTS = Path(__file__).parents[2] / "datasets" / "tenants" / "acme" / "tests"

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


ACTIONS_TESTS = ACME_TESTS.parents[1] / "acme-actions" / "tests"
MIXED_TESTS = ACME_TESTS.parents[1] / "acme-mixed" / "tests"


@pytest.mark.slow
@pytest.mark.parametrize("folder", [ACTIONS_TESTS, MIXED_TESTS], ids=["acme-actions", "acme-mixed"])
def test_the_golden_cases_of_the_tenants_with_actions_pass_and_run_every_action(
        folder: Path) -> None:
    from rulesim.sources import load_tenant

    report = run_files([folder])
    assert report.ok, str(report)
    ran: set[str] = set()
    for result in report.results:
        assert result.trace is not None
        runs = result.trace.rule_runs
        ran |= set(runs[(runs["outcome"] != "skipped") & (runs["kind"] == "action")]["rule"]
                   .astype(str).str.replace(" (action)", "", regex=False))
    assert {a.name for a in load_tenant(folder.parent).actions.active} <= ran


def _tenant(tmp_path: Path, code: str, name: str = "consent") -> Path:
    """A deploy-cli export with one Action bound to post-login."""
    import json

    (tmp_path / "actions" / name).mkdir(parents=True)
    (tmp_path / "actions" / name / "code.js").write_text(code, encoding="utf-8")
    (tmp_path / "actions" / f"{name}.json").write_text(json.dumps(
        {"name": name, "code": f"./actions/{name}/code.js", "runtime": "node22",
         "deployed": True, "supported_triggers": [{"id": "post-login", "version": "v3"}]}))
    (tmp_path / "triggers").mkdir()
    (tmp_path / "triggers" / "triggers.json").write_text(json.dumps(
        {"post-login": [{"action_name": name, "display_name": name}]}))
    return tmp_path


CONSENT = """\
exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo('https://example.com/consent');
};
exports.onContinuePostLogin = async (event, api) => {
  if (event.request.body.answer !== 'yes') return api.access.deny('no consent');
  api.user.setUserMetadata('consent', event.request.body.answer);
};
"""
CONTINUED = """\
rules: ..
on_redirect: continue
cases:
  - description: a yes is stored
    continue: {answer: "yes"}
    expect:
      outcome: allowed
      commands: [{command: api.user.setUserMetadata, path: consent, after: "yes"}]
  - description: a no is denied
    continue: {answer: "no"}
    expect: {outcome: denied, app_error: access_denied, rule: consent, reason: no consent}
"""


def test_each_case_posts_its_own_continue_answer_to_the_resumed_action(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, CONSENT)
    (tenant / "tests").mkdir()
    report = load(_write(tenant / "tests", CONTINUED)).run()
    assert report.ok, str(report)


def test_a_missing_command_or_app_error_fails_naming_what_was_issued(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, CONSENT)
    (tenant / "tests").mkdir()
    text = CONTINUED.replace('after: "yes"', 'after: "maybe"').replace(
        "app_error: access_denied", "app_error: unauthorized")
    report = load(_write(tenant / "tests", text)).run()
    first, second = report.failed
    assert "expected the api command user.setUserMetadata with" in first.failures[0]
    assert "user.setUserMetadata (consent)" in first.failures[0]
    assert second.failures == ["expected the application to receive 'unauthorized', got "
                               "'access_denied' (deciding rule: `consent`)"]


def test_a_command_expectation_must_name_the_command(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, CONSENT)
    (tenant / "tests").mkdir()
    err = _error(_write(tenant / "tests", CONTINUED.replace(
        "[{command: api.user.setUserMetadata,", "[{name: api.user.setUserMetadata,")))
    assert "each command is a name" in str(err)


ACME = ACME_TESTS.parent


def test_only_runs_the_named_rules_of_the_tenant(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""\
        rules: {ACME}
        only: [block-password-grant]
        cases:
          - description: the password grant is refused by the one rule kept
            context: {{protocol: oauth2-password, clientName: Acme Portal}}
            expect: {{outcome: denied, rule: block-password-grant}}
          - description: a gmail user is let in (email-domain-allowlist is not kept)
            user: {{email: someone@gmail.com}}
            context: {{protocol: oidc-basic-profile, clientName: Acme Portal}}
            expect: {{outcome: allowed}}
        """)
    golden = load(path)
    assert golden.rules.rules.names == ["block-password-grant"]
    report = golden.run()
    assert report.ok, str(report)


def test_only_naming_what_the_tenant_lacks_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""\
        rules: {ACME}
        only: [no-such-rule]
        cases:
          - description: x
            expect: {{outcome: allowed}}
        """)
    err = _error(path)
    assert err.line == 2
    assert "no-such-rule" in str(err) and "block-password-grant" in str(err)


def test_only_must_name_something(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""\
        rules: {ACME}
        only: []
        cases:
          - description: x
            expect: {{outcome: allowed}}
        """)
    err = _error(path)
    assert err.line == 2
    assert "`only`" in str(err) and "non-empty" in str(err)
