"""The pytest plugin: a wrong expectation fails naming the rule and showing the trace."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

_REGISTERED = any(ep.name == "rulesim" for ep in entry_points(group="pytest11"))
PLUGIN = () if _REGISTERED else ("-p", "rulesim.pytest_plugin")

RULES_JS = """function (user, context, callback) {
  var roles = (user.app_metadata && user.app_metadata.roles) || [];
  context.idToken['https://example.com/roles'] = roles;
  if ((user.email || '').endsWith('@blocked.example')) {
    return callback(new UnauthorizedError('blocked domain'));
  }
  return callback(null, user, context);
}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    rules = pytester.mkdir("rules")
    (rules / "add-roles.js").write_text(RULES_JS)
    pytester.makeini("[pytest]\nrulesim_rules = rules\n")
    return pytester


def test_a_wrong_claim_expectation_fails_naming_the_rule_and_showing_the_trace(
        project: pytest.Pytester) -> None:
    project.makepyfile(test_roles="""
        import rulesim as rs
        from rulesim.testing import assert_claim

        def test_roles(rulesim_rules):
            trace = rs.run_login(rulesim_rules, user={"app_metadata": {"roles": ["user"]}})
            assert_claim(trace, "id_token", "https://example.com/roles", ["admin"])
    """)
    result = project.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert ("expected id_token claim 'https://example.com/roles' = ['admin'], but it is ['user'] "
            "(set by rule `add-roles`)") in out
    result.stdout.fnmatch_lines(["*login L0000000*ALLOWED*", "*add-roles*ok*"])
    assert "def assert_claim" not in out  # the helper's own frame is hidden


def test_a_wrong_denial_expectation_names_the_rule(project: pytest.Pytester) -> None:
    project.makepyfile(test_deny="""
        import rulesim as rs
        from rulesim.testing import assert_allowed

        def test_allowed(rulesim_rules):
            assert_allowed(rs.run_login(rulesim_rules, user={"email": "eve@blocked.example"}))
    """)
    result = project.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*but rule `add-roles` ended it with denied (unauthorized)*",
                                 "*blocked domain*"])


def test_golden_cases_are_collected_and_a_wrong_one_shows_rule_and_trace(
        project: pytest.Pytester) -> None:
    project.makefile(".rulesim.yaml", cases="""
        rules: rules
        cases:
          - description: blocked users are denied
            user: {email: eve@blocked.example}
            expect: {outcome: denied, rule: add-roles}
          - description: roles become a claim
            user: {email: ann@example.com, app_metadata: {roles: [user]}}
            expect:
              claims: {id_token: {present: {https://example.com/roles: [admin]}}}
    """)
    result = project.runpytest_subprocess(*PLUGIN, "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*blocked users are denied PASSED*",
        "*roles become a claim FAILED*",
        "*case 'roles become a claim' (*cases.rulesim.yaml:6) failed:*",
        "*(set by rule `add-roles`)*",
        "*reproduce:*",
        "*add-roles*ok*",
    ])


def test_a_malformed_golden_file_is_a_collection_error_with_file_and_line(
        project: pytest.Pytester) -> None:
    project.makefile(".rulesim.yaml", bad="""
        rules: rules
        cases:
          - description: typo
            expect: {outcom: allowed}
    """)
    result = project.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.rulesim.yaml:4: unknown key `outcom` in expect*"])


def test_the_population_fixture_is_seeded_and_overridable(project: pytest.Pytester) -> None:
    project.makepyfile(test_pop="""
        import pytest

        def test_default(rulesim_population, rulesim_seed):
            assert len(rulesim_population) == 100
            assert rulesim_seed == 5

        class TestSmall:
            @pytest.fixture
            def rulesim_size(self):
                return 7

            def test_small(self, rulesim_population):
                assert len(rulesim_population) == 7
    """)
    result = project.runpytest_subprocess(*PLUGIN, "--rulesim-seed", "5")
    result.assert_outcomes(passed=2)


def test_rules_come_from_the_command_line_option(project: pytest.Pytester) -> None:
    other = project.mkdir("other")
    (other / "only.js").write_text("function (u, c, cb) { cb(null, u, c); }\n")
    project.makepyfile(test_names="""
        def test_names(rulesim_rules):
            assert rulesim_rules.names == ["only"]
    """)
    result = project.runpytest_subprocess(*PLUGIN, "--rulesim-rules", str(other))
    result.assert_outcomes(passed=1)


def test_coverage_option_reports_even_without_counters(project: pytest.Pytester) -> None:
    project.makefile(".rulesim.yaml", cases="""
        rules: rules
        cases:
          - description: blocked users are denied
            user: {email: eve@blocked.example}
            expect: {outcome: denied}
    """)
    result = project.runpytest_subprocess(*PLUGIN, "--rulesim-cov")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*rulesim rule coverage*"])
