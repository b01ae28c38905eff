"""The hostile-rule suite rewritten as Actions: each ends as an error or timeout row with a stable
code, and the other logins of the run are unaffected.

These run through ``simulate`` so the Actions execute in worker processes, as in production.
"""

from __future__ import annotations

import pytest

import rulesim as rs

HOSTILE = {
    "loop@evil.test": ("while (true) {}", "cpu_limit"),
    "memory@evil.test": ("const a = []; while (true) a.push(new Array(1e5).fill('x'));",
                         "memory_limit"),
    "recursion@evil.test": ("(function r() { return r() + 1; })();", "stack_overflow"),
    "flood@evil.test": ("console.log('x'.repeat(10 * 1024 * 1024));", "console_limit"),
    "claim@evil.test": ("api.idToken.setCustomClaim('https://evil/x', 'y'.repeat(1024 * 1024));",
                        "claims_too_large"),
    "pollute@evil.test": ("Object.prototype.isAdmin = true;", "prototype_pollution"),
    "replace@evil.test": ("String.prototype.trim = function () { return 'pwned'; };\n"
                          "    Math.random = function () { return 0; };", "prototype_pollution"),
    "fs@evil.test": ("require('fs').readFileSync('/etc/passwd');", "module_not_allowed"),
    "child@evil.test": ("require('child_process').execSync('id');", "module_not_allowed"),
    "env@evil.test": ("const home = process.env.HOME.length;", "action_exception"),
    "probe@evil.test": ("const host = Object.getOwnPropertyNames(globalThis).filter((k) =>\n"
                        "      /python|host|rulesim|std|os$/i.test(k));\n"
                        "    if (host.length === 0) throw new Error('no host objects found');",
                        "action_exception"),
    "rules@evil.test": ("configuration.SECRET;", "action_exception"),
    "never@evil.test": ("await new Promise(() => {});", "pipeline_timeout"),
    "null@evil.test": ("throw null;", "action_exception"),
}

HOSTILE_ACTION = (
    "exports.onExecutePostLogin = async (event, api) => {\n"
    + "".join(f"  if (event.user.email === '{email}') {{\n    {body}\n  }}\n"
              for email, (body, _) in HOSTILE.items())
    + "};\n")
CHECK_ACTION = (
    "exports.onExecutePostLogin = async (event, api) => {\n"
    "  const polluted = ({}).isAdmin === true || ' x '.trim() !== 'x' || Math.random() === 0;\n"
    "  api.idToken.setCustomClaim('https://acme.com/checked', polluted ? 'polluted' : 'clean');\n"
    "};\n")


@pytest.fixture(scope="module")
def hostile_sim() -> rs.Simulation:
    actions = rs.ActionSet([rs.Action.from_code("hostile", HOSTILE_ACTION, order=1),
                            rs.Action.from_code("check", CHECK_ACTION, order=2)])
    logins = []
    for i in range(40):
        logins.append({"user": {"email": f"user{i}@acme.com"}})
        if i < len(HOSTILE):
            logins.append({"user": {"email": list(HOSTILE)[i]}})
    pop = rs.Population.from_logins(logins)
    return rs.simulate(actions, pop, workers=2, limits=rs.Limits(cpu_ms=300, memory_mb=64),
                       progress=False)


def _emails(sim: rs.Simulation) -> list[str]:
    pop = sim.population
    return [pop.login(i)["user"].get("email") for i in range(len(pop))]


@pytest.mark.slow
@pytest.mark.parametrize("email", list(HOSTILE))
def test_each_hostile_action_ends_as_an_error_or_timeout_row_with_a_stable_code(
        hostile_sim: rs.Simulation, email: str) -> None:
    row = hostile_sim.logins.iloc[_emails(hostile_sim).index(email)]
    expected = HOSTILE[email][1]
    assert row["outcome"] in ("error", "timeout")
    assert row["error_code"] == expected, row["error_message"]
    assert row["app_error"] == "access_denied"


@pytest.mark.slow
def test_ordinary_logins_in_the_same_run_complete_normally(hostile_sim: rs.Simulation) -> None:
    normal = hostile_sim.logins[[e not in HOSTILE for e in _emails(hostile_sim)]]
    assert len(normal) == 40
    assert set(normal["outcome"]) == {"allowed"}
    claims = normal["id_token"].map(lambda s: '"clean"' in s)
    assert claims.all(), "prototype pollution leaked into another login"
    assert len(hostile_sim.logins) == 40 + len(HOSTILE)


@pytest.mark.slow
def test_a_module_body_that_loops_forever_fails_each_login_that_reaches_it() -> None:
    action = rs.Action.from_code("boot-loop", "while (true) {}\n"
                                 "exports.onExecutePostLogin = async (event, api) => {};\n")
    pop = rs.Population.from_logins([{"user": {"email": f"u{i}@acme.com"}} for i in range(3)])
    sim = rs.simulate([action], pop, workers=1, limits=rs.Limits(cpu_ms=200), progress=False)
    assert set(sim.logins["error_code"].astype(str)) == {"cpu_limit"}
    assert set(sim.logins["deciding_rule"].astype(str)) == {"boot-loop"}
