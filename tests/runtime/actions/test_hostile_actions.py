"""The hostile-rule suite rewritten as Actions: each ends as an error or timeout row with a stable
code, and the other logins of the run are unaffected.

These run through ``simulate`` so the Actions execute in worker processes, as in production.
"""

from __future__ import annotations

import pytest

import rulesim as rs
from rulesim.runtime import watchdog
from tests.runtime.hostile import LIMITS, POLLUTION_TEST, hostile_row, ordinary_rows, population
from tests.runtime.test_hostile_rules import HOSTILE as RULES_HOSTILE

# The Rules suite's hostile code, in a handler: the same bodies contained the same way (a
# handler is async, so `return new Promise` never settling is a timeout and a throw is an
# action_exception), and what is the Actions' own: claims through the api, Rules' globals,
# Node's process (its env is empty).
SAME_BODY = ("loop", "memory", "list", "recursion", "flood", "pollute", "replace", "hidden", "reproto",
             "freeze", "unhook", "fs", "child", "probe", "null", "jobs", "awaits")
ACTION_CODES = {"probe@evil.test": "action_exception", "null@evil.test": "action_exception"}
HOSTILE = {email: (body, ACTION_CODES.get(email, code))
           for email, (body, code) in RULES_HOSTILE.items() if email.split("@")[0] in SAME_BODY}
HOSTILE.update({
    "claim@evil.test": ("api.idToken.setCustomClaim('https://evil/x', 'y'.repeat(1024 * 1024));",
                        "claims_too_large"),
    "env@evil.test": ("const home = process.env.HOME.length;", "action_exception"),
    "rules@evil.test": ("configuration.SECRET;", "action_exception"),
    "never@evil.test": ("await new Promise(() => {});", "pipeline_timeout"),
    "requests@evil.test": ("await Promise.all(Array.from({length: 500}, (_, i) => "
                           "fetch('https://api.evil.test/' + i)));", "host_call_limit"),
})

HOSTILE_ACTION = (
    "exports.onExecutePostLogin = async (event, api) => {\n"
    + "".join(f"  if (event.user.email === '{email}') {{\n    {body}\n  }}\n"
              for email, (body, _) in HOSTILE.items())
    + "};\n")
CHECK_ACTION = (
    "exports.onExecutePostLogin = async (event, api) => {\n"
    + POLLUTION_TEST +
    "  api.idToken.setCustomClaim('https://acme.com/checked', polluted ? 'polluted' : 'clean');\n"
    "};\n")


@pytest.fixture(scope="module")
def hostile_sim() -> rs.Simulation:
    actions = rs.ActionSet([rs.Action.from_code("hostile", HOSTILE_ACTION, order=1),
                            rs.Action.from_code("check", CHECK_ACTION, order=2)])
    return rs.simulate(actions, population(HOSTILE), workers=2, limits=LIMITS, progress=False)


# As for rules (tests/runtime/test_hostile_rules.py): when the allocation that fails is the
# engine's own error object, QuickJS throws null; the C watchdog's count of refused
# allocations makes that the memory limit, and without it the row is an action_exception.
_NULL_OOM = pytest.mark.xfail(watchdog.compiled_watchdog() is None, strict=False,
                              reason="without the C watchdog the engine's thrown null for out "
                                     "of memory is an action_exception")


@pytest.mark.slow
@pytest.mark.parametrize("email", [pytest.param(e, marks=_NULL_OOM)
                                   if e in ("memory@evil.test", "list@evil.test") else e
                                   for e in HOSTILE])
def test_each_hostile_action_ends_as_an_error_or_timeout_row_with_a_stable_code(
        hostile_sim: rs.Simulation, email: str) -> None:
    row = hostile_row(hostile_sim, email)
    assert (row["outcome"], row["app_error"]) in (("error", "access_denied"),
                                                  ("timeout", "access_denied"))
    assert row["error_code"] == HOSTILE[email][1], row["error_message"]


@pytest.mark.slow
@pytest.mark.skipif(watchdog.compiled_watchdog() is None, reason="needs the C watchdog's count")
def test_memory_exhausted_to_the_last_byte_reads_as_out_of_memory_not_a_thrown_null(
        hostile_sim: rs.Simulation) -> None:
    row = hostile_row(hostile_sim, "list@evil.test")
    assert row["error_message"] == "action `hostile`: out of memory"
    assert "non_error_thrown" not in str(row["flags"])


@pytest.mark.slow
def test_ordinary_logins_in_the_same_run_complete_normally(hostile_sim: rs.Simulation) -> None:
    ordinary_rows(hostile_sim, HOSTILE)


@pytest.mark.slow
def test_a_module_body_that_loops_forever_fails_each_login_that_reaches_it() -> None:
    action = rs.Action.from_code("boot-loop", "while (true) {}\n"
                                 "exports.onExecutePostLogin = async (event, api) => {};\n")
    pop = rs.Population.from_logins([{"user": {"email": f"u{i}@acme.com"}} for i in range(3)])
    sim = rs.simulate([action], pop, workers=1, limits=rs.Limits(cpu_ms=200), progress=False)
    assert set(sim.logins["error_code"].astype(str)) == {"cpu_limit"}
    assert set(sim.logins["deciding_rule"].astype(str)) == {"boot-loop"}
