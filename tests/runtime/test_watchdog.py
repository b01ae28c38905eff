"""The CPU watchdog: each engine call has a CPU budget, enforced without the binding's limit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pipeline_helpers import Harness

import rulesim as rs
from rulesim.runtime import watchdog
from rulesim.runtime.engine import Engine, EngineError
from rulesim.runtime.limits import Limits

LOOP = "function (u, c, cb) { if (u.email === 'loop@x') { while (true) {} } cb(null, u, c); }"


def test_an_infinite_loop_ends_at_the_cpu_budget_with_cpu_limit() -> None:
    engine = Engine(Limits(cpu_ms=150))
    started = time.thread_time()
    with pytest.raises(EngineError) as info:
        engine.eval("while (true) {}")
    spent = time.thread_time() - started
    assert info.value.code == "cpu_limit"
    assert 0.15 <= spent < 1.0
    assert not watchdog.BUDGET.active  # no call left open


def test_the_interrupt_cannot_be_caught_or_swallowed_by_finally() -> None:
    engine = Engine(Limits(cpu_ms=100))
    with pytest.raises(EngineError) as info:
        engine.eval("var n = 0; for (;;) { try { while (true) {} } catch (e) { n++; } "
                    "finally { n++; } }")
    assert info.value.code == "cpu_limit"


def test_each_engine_call_gets_a_fresh_budget() -> None:
    engine = Engine(Limits(cpu_ms=200))
    spin = engine.eval("(function (ms) { var t = Date.now(); while (Date.now() - t < ms) {} "
                       "return 1; })")
    for _ in range(4):  # 4 x 120 ms of CPU in all, never 200 ms in one call
        assert engine.call(spin, 120) == 1


@pytest.mark.parametrize("handler", ["compiled", "python"])
def test_wall_time_the_thread_did_not_run_is_not_charged_to_the_budget(
        handler: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A host call that sleeps 300 ms (as a preempted or stopped thread would wait) in a call
    # with a 100 ms CPU budget: the handler reads the cheap wall clock, sees it over, and then
    # the CPU clock, which has barely moved. Then a loop: it still ends at the budget.
    if handler == "python":
        monkeypatch.setenv("RULESIM_NATIVE", "python")
    elif not watchdog.budget_in_c():
        pytest.skip("the C extension is not built")
    engine = Engine(Limits(cpu_ms=100))
    engine.add_host_function("nap", lambda: time.sleep(0.3) or 1)
    code = ("(function (loop) { var s = 0; for (var i = 0; i < 2e5; i++) s += i; nap(); "
            "for (var j = 0; j < 2e5; j++) s += j; while (loop) {} return s > 0; })")
    fn = engine.eval(code)
    assert engine.call(fn, False) is True
    started = time.thread_time()
    with pytest.raises(EngineError) as info:
        engine.call(fn, True)
    assert info.value.code == "cpu_limit"
    # (the handler charges the call's first CHEAP_NS, 10 ms, in full: 90 ms of CPU at least)
    assert 0.08 <= time.thread_time() - started < 0.6


def test_the_budget_lives_in_c_when_the_extension_is_built() -> None:
    from rulesim.runtime import native

    assert watchdog.budget_in_c() == (native.extension("rulesim.runtime._watchdog") is not None)
    if watchdog.budget_in_c():
        assert isinstance(watchdog.BUDGET, watchdog.CBudget)
        seq = watchdog.BUDGET.seq
        watchdog.open_call(123)
        assert (watchdog.BUDGET.seq, watchdog.BUDGET.budget_ns, watchdog.BUDGET.active) == (
            seq + 1, 123, 1)
        assert watchdog.close_call() is False and not watchdog.BUDGET.active


def test_python_host_functions_can_be_called_while_the_budget_runs() -> None:
    engine = Engine(Limits(cpu_ms=500))
    engine.add_host_function("twice", lambda x: x * 2)
    assert engine.eval("twice(21)") == 42


def test_a_looping_login_fails_with_cpu_limit_and_the_next_login_is_unchanged() -> None:
    h = Harness([LOOP, "function (u, c, cb) { c.idToken.n = (global.n = (global.n || 0) + 1); "
                       "cb(null, u, c); }"], limits=Limits(cpu_ms=150))
    before = h.login()
    looped = h.login(user={"email": "loop@x"})
    after = h.login()
    assert before.outcome == after.outcome == "allowed"
    assert looped.outcome == "error" and looped.code == "cpu_limit"
    assert looped.run("rule1")["error_code"] == "cpu_limit"
    # The engine was rebuilt after the overrun, so `global` started again, as before.
    assert before.id_token["n"] == 1 and after.id_token["n"] == 1


SPENT_IN_PROMISES = {
    # The interrupt is an error no JavaScript catches, but inside an async function's body or
    # a promise job the engine turns it into a rejected promise, and the code goes on.
    # Each job queues the next one: no job ever runs long, the chain never ends.
    "a chain after the callback": "function (u, c, cb) { (function loop() { "
                                  "Promise.resolve().then(loop); })(); cb(null, u, c); }",
    "an async rule awaiting forever": "async function (u, c, cb) { for (;;) await null; }",
    # The interrupt inside an async function's body becomes the rule's rejected promise.
    "an async rule looping before it awaits": "async function (u, c, cb) { while (true) {} }",
    "a loop in a promise job": "function (u, c, cb) { Promise.resolve().then(function () { "
                               "while (true) {} }); cb(null, u, c); }",
    # The rule itself goes on: the interrupt rejected a promise nobody waits for.
    "an async helper looping, not awaited": "function (u, c, cb) { (async function () { "
                                            "while (true) {} })(); cb(null, u, c); }",
}


@pytest.mark.parametrize("source", list(SPENT_IN_PROMISES.values()), ids=list(SPENT_IN_PROMISES))
def test_a_budget_spent_in_promises_fails_with_cpu_limit_like_a_loop(
        source: str) -> None:
    result = Harness([source], limits=Limits(cpu_ms=100)).login()
    assert (result.outcome, result.code) == ("error", "cpu_limit")
    assert result.run("rule1")["error_code"] == "cpu_limit"


@pytest.mark.slow
def test_a_catastrophic_regex_in_a_worker_ends_as_cpu_limit_and_other_logins_survive() -> None:
    # The C regex engine never polls the interrupt handler: the hard watchdog ends the worker
    # and the executor reports the login as cpu_limit.
    rule = rs.Rule.from_source("regex", """function (u, c, cb) {
      if (/^(a+)+$/.test(u.nickname)) { c.idToken.match = true; }
      cb(null, u, c);
    }""", order=1)
    pop = rs.Population.from_logins(
        [{"user": {"user_id": f"auth0|u{i}", "nickname": "a" * 40 + "!" if i == 2 else f"u{i}"},
          "context": {}} for i in range(6)])
    target = "auth0|u2"
    sim = rs.simulate(rs.RuleSet([rule]), pop, workers=1, limits=rs.Limits(cpu_ms=200),
                      progress=False)
    codes = sim.logins.set_index("user_id").error_code
    assert codes[target] == "cpu_limit"
    assert codes.drop(target).isna().all()


def test_without_the_extension_the_python_watchdog_ends_a_loop_too() -> None:
    # RULESIM_NATIVE=python when rulesim is imported: the budget, the handler and tick() are
    # all Python's, as on a machine without a C compiler (CI builds the extension).
    import os
    import subprocess
    import sys

    script = (
        "import rulesim as rs\n"
        "from rulesim.runtime import watchdog\n"
        "from rulesim.runtime.engine import Engine, EngineError\n"
        "assert type(watchdog.BUDGET).__name__ == 'CpuBudget', type(watchdog.BUDGET)\n"
        "try:\n"
        "    Engine(rs.Limits(cpu_ms=100)).eval('while (true) {}')\n"
        "except EngineError as e:\n"
        "    print(e.code.value)\n"
        "rules = rs.RuleSet([rs.Rule.from_source('r', 'function (u, c, cb) { "
        "c.idToken.t = 1; cb(null, u, c); }', order=1)])\n"
        "sim = rs.simulate(rules, rs.population(50, seed=1), workers=1, progress=False)\n"
        "print(sim.logins['outcome'].astype(str).value_counts().to_dict())\n")
    env = {**os.environ, "RULESIM_NATIVE": "python"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split("\n")
    assert out[0] == "cpu_limit"
    assert out[1] == "{'allowed': 50}"


# ---------------------------------------------------------------- out of memory, thrown as null
# A linked list grows by one small object at a time: the allocation that fails leaves no room
# for QuickJS's "out of memory" error either, and the engine throws null (on the pinned engine,
# without the count, the login says rule_exception: "threw a non-Error value: null").
LINKED_LIST_BOMB = "var head = null; while (true) head = {next: head};"
needs_c_watchdog = pytest.mark.skipif(watchdog.compiled_watchdog() is None,
                                      reason="the C watchdog counts refused allocations")


def _rule(body: str) -> str:
    return "function (user, context, callback) {\n  " + body + "\n  callback(null, user, context);\n}"


@needs_c_watchdog
def test_an_engine_counts_the_allocations_its_runtime_refuses() -> None:
    engine = Engine(Limits(memory_mb=32))
    assert engine.counts_refusals
    engine.add_compiled_function("oomCount", watchdog.compiled_watchdog(), "oomCount")
    before = engine.eval("oomCount()")
    with pytest.raises(EngineError):
        engine.eval("var a = []; while (true) a.push(new Array(1e5).fill(1));")
    assert engine.eval("oomCount()") > before


@needs_c_watchdog
def test_memory_exhausted_to_the_last_byte_is_the_memory_limit_not_a_thrown_null() -> None:
    h = Harness([_rule(LINKED_LIST_BOMB), _rule("")], limits=Limits(memory_mb=32))
    for _ in range(2):   # the engine is rebuilt after the first login; the next fails alike
        runs = h.login().rule_runs
        assert runs["error_code"].astype(object).where(runs["error_code"].notna(), None).tolist() \
            == ["memory_limit", None]
        assert runs["error_message"].iloc[0] == "rule `rule1`: out of memory"


def test_a_rules_own_thrown_null_stays_a_rule_exception() -> None:
    runs = Harness([_rule("throw null;")], limits=Limits(memory_mb=32)).login().rule_runs
    assert runs["error_code"].tolist() == ["rule_exception"]
    assert runs["error_message"].iloc[0] == "rule `rule1`: threw a non-Error value: null"


# Where the memory runs out moves with the allocator's rounding and with what else the engine
# holds (a batch of logins, or one on the host loop): the row may not say it. Large allocations
# leave room for the engine's error and its line; small ones do not (a thrown null).
@pytest.mark.parametrize("bomb", [
    "var b = []; while (true) b.push(new ArrayBuffer(4 * 1024 * 1024));",
    "var a = []; while (true) a.push(new Array(1e5).fill('x'));",
    "var s = 'x'; while (true) s = s + s;",
    # (Without the C watchdog, memory exhausted to the last byte is a thrown null, which only
    # the count of refused allocations tells from the rule's own: a rule_exception there.)
    pytest.param(LINKED_LIST_BOMB, marks=needs_c_watchdog),
])
def test_the_memory_limit_reads_the_same_wherever_the_memory_ran_out(bomb: str) -> None:
    # (The Harness runs each login batched and on the host loop, and compares the rows.)
    for limit in (24, 32):
        result = Harness([_rule(bomb)], limits=Limits(memory_mb=limit)).login()
        row = result.rule_runs.iloc[0]
        assert row["error_code"] == "memory_limit", row["error_message"]
        assert row["error_message"] == "rule `rule1`: out of memory"
        assert row["line"] == 0


# The engine's own handling of a refused allocation crashed the process in two places (see
# _watchdog.c). The first bomb, at its limit, crashed it every time; the second reaches the
# other place, where a crash depends on the process's layout (the next test holds the reserve
# that prevents it, deterministically). Each runs in a child process, so that a crash fails
# the test instead of ending the test run.
ENGINE_OOM_CRASHES = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from pipeline_helpers import Harness
    from rulesim.runtime.limits import Limits

    bombs = [  # (grows one object's keys; small allocations, refused in the backtrace too)
        (34, "var o = {}; for (var i = 0; ; i++) o['k' + i + '_' + 3914] = i;"),
        (20, "var b = []; while (true) b.push(new ArrayBuffer(1024));"),
    ]
    for limit, bomb in bombs:
        rule = "function (user, context, callback) {\\n  " + bomb + "\\n  callback(null, user, context);\\n}"
        runs = Harness([rule, "function (u, c, cb) { cb(null, u, c); }"],
                       limits=Limits(memory_mb=limit)).login().rule_runs
        print(runs["error_code"].iloc[0], runs["error_code"].isna().iloc[1], flush=True)
""")


@needs_c_watchdog
def test_memory_exhausted_where_the_engine_itself_mishandled_it_is_the_memory_limit_not_a_crash(
        ) -> None:
    here = str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", ENGINE_OOM_CRASHES, here], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["memory_limit True"] * 2, done.stdout


@needs_c_watchdog
@pytest.mark.parametrize("memory_mb", [8, 32])
def test_code_that_catches_running_out_of_memory_catches_the_engines_error_with_its_stack(
        memory_mb: int) -> None:
    # A refusal leaves room for the engine's error and its backtrace (without it, memory
    # exhausted to the last byte threw null, or crashed the engine: see _watchdog.c).
    engine = Engine(Limits(memory_mb=memory_mb))
    caught = engine.eval("""(function () {
      var head = null, seen;
      try { while (true) head = {next: head}; } catch (e) { head = null; seen = e; }
      return seen instanceof InternalError ? seen.message + ' | ' + typeof seen.stack : seen;
    })()""")
    assert caught == "out of memory | string"


def test_a_rule_that_throws_an_error_saying_out_of_memory_is_a_rule_exception() -> None:
    runs = Harness([_rule("throw new Error('out of memory');")]).login().rule_runs
    assert runs["error_code"].tolist() == ["rule_exception"]
    assert runs["error_message"].iloc[0] == "rule `rule1` (line 2): out of memory"
