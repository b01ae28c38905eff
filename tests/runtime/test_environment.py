"""The globals a rule sees: clock, timers, Math.random, global, configuration, auth0, console."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rulesim.runtime.limits import Limits
from rulesim.runtime.sandbox import SandboxOptions
from tests.runtime.pipeline_helpers import Harness, Result, run_once

T0 = 1_700_000_000_000


def claim_rule(expr: str) -> str:
    return ("function (user, context, callback) {\n"
            f"  context.idToken['https://t/v'] = {expr};\n"
            "  callback(null, user, context);\n}")


def test_date_starts_at_the_login_timestamp() -> None:
    r = run_once([claim_rule("[Date.now(), new Date().getTime(), typeof Date()]")])
    assert r.id_token["https://t/v"] == [T0, T0, "string"]


def test_timers_advance_the_virtual_clock_and_count_as_io_time() -> None:
    src = ("function (user, context, callback) {\n"
           "  var t = Date.now();\n"
           "  setTimeout(function () {\n"
           "    context.idToken['https://t/v'] = Date.now() - t;\n"
           "    callback(null, user, context);\n"
           "  }, 1500);\n}")
    r = run_once([src])
    assert r.outcome == "allowed"
    assert r.id_token["https://t/v"] == 1500
    assert r.run("rule1")["io_ms"] == pytest.approx(1500)
    assert r.login["latency_ms"] >= 1500


def test_set_interval_and_clear_interval_work_on_the_virtual_clock() -> None:
    src = ("function (u, c, cb) {\n  var n = 0;\n"
           "  var h = setInterval(function () { n++; if (n === 3) { clearInterval(h); "
           "c.idToken['https://t/v'] = n; cb(null, u, c); } }, 100);\n}")
    r = run_once([src])
    assert r.id_token["https://t/v"] == 3
    assert r.run("rule1")["io_ms"] == pytest.approx(300)


def test_a_timer_past_the_pipeline_deadline_times_the_login_out() -> None:
    r = run_once(["function (u, c, cb) { setTimeout(function () { cb(null, u, c); }, 25000); }"])
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")


def test_the_pipeline_deadline_is_configurable() -> None:
    src = "function (u, c, cb) { setTimeout(function () { cb(null, u, c); }, 3000); }"
    assert run_once([src]).outcome == "allowed"
    assert run_once([src], limits=Limits(pipeline_timeout_ms=2000)).outcome == "timeout"


def test_math_random_is_seeded_per_login_and_reproducible() -> None:
    rule = [claim_rule("Math.random()")]
    a = Harness(rule, seed=1)
    b = Harness(rule, seed=1)
    first = [a.login().id_token["https://t/v"] for _ in range(3)]
    again = [b.login().id_token["https://t/v"] for _ in range(3)]
    assert first == again
    assert len(set(first)) == 3
    assert all(0 <= v < 1 for v in first)
    other = Harness(rule, seed=2).login().id_token["https://t/v"]
    assert other != first[0]


def test_global_persists_across_logins_like_a_warm_container() -> None:
    rule = [claim_rule("(global.count = (global.count || 0) + 1)")]
    h = Harness(rule, limits=Limits(global_reset="never"))
    assert [h.login().id_token["https://t/v"] for _ in range(3)] == [1, 2, 3]


def test_global_can_be_reset_for_every_login() -> None:
    rule = [claim_rule("(global.count = (global.count || 0) + 1)")]
    h = Harness(rule, limits=Limits(global_reset="login"))
    assert [h.login().id_token["https://t/v"] for _ in range(3)] == [1, 1, 1]


def test_global_resets_every_n_logins_counted_on_the_population_index() -> None:
    rule = [claim_rule("(global.count = (global.count || 0) + 1)")]
    h = Harness(rule, limits=Limits(global_reset=2))
    assert [h.login().id_token["https://t/v"] for _ in range(5)] == [1, 2, 1, 2, 1]


def test_configuration_is_readable_and_frozen() -> None:
    src = ("function (u, c, cb) {\n  configuration.API_KEY = 'changed';\n"
           "  c.idToken['https://t/v'] = [configuration.API_KEY, configuration.MISSING === undefined];\n"
           "  cb(null, u, c);\n}")
    r = run_once([src], configuration={"API_KEY": "k-123"})
    assert r.id_token["https://t/v"] == ["k-123", True]


def test_the_auth0_object_exposes_domain_base_url_and_token() -> None:
    r = run_once([claim_rule("[auth0.domain, auth0.baseUrl, typeof auth0.accessToken]")])
    assert r.id_token["https://t/v"] == ["acme.eu.auth0.com", "https://acme.eu.auth0.com/api/v2",
                                          "string"]


def test_console_lines_are_captured_per_rule_with_their_level_as_node_formats_them() -> None:
    src = ("function (u, c, cb) { console.log('hello', {a: 1}); console.error('bad', 2); "
           "console.info('%s has %d roles', 'ada', 2); cb(null, u, c); }")
    r = run_once([src])
    assert list(zip(r.logs["level"], r.logs["message"], strict=True)) == [
        ("log", "hello { a: 1 }"), ("error", "bad 2"), ("info", "ada has 2 roles")]
    assert set(r.logs["rule"]) == {"rule1"}


def test_buffer_converts_between_utf8_base64_and_hex() -> None:
    expr = ("[Buffer.from('héllo').toString('base64'), Buffer.from('aGk=', 'base64').toString(), "
            "Buffer.from('hi').toString('hex')]")
    r = run_once([claim_rule(expr)])
    assert r.id_token["https://t/v"] == ["aMOpbGxv", "hi", "6869"]


def test_user_and_context_are_fresh_for_every_login() -> None:
    src = ("function (u, c, cb) {\n  c.idToken['https://t/v'] = [u.seen || null, c.seen || null];\n"
           "  u.seen = true; c.seen = true;\n  cb(null, u, c);\n}")
    h = Harness([src])
    assert h.login().id_token["https://t/v"] == [None, None]
    assert h.login().id_token["https://t/v"] == [None, None]


def test_prototype_pollution_fails_the_login_and_does_not_leak_into_the_next() -> None:
    polluter = ("function (u, c, cb) {\n  if (u.email === 'mallory@evil.com') "
                "Object.prototype.isAdmin = true;\n  cb(null, u, c);\n}")
    checker = claim_rule("(({}).isAdmin === true)")
    h = Harness([polluter, checker])
    bad = h.login({"email": "mallory@evil.com"})
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution")
    assert "Object.prototype.isAdmin" in bad.login["error_message"]
    good = h.login({"email": "alice@acme.com"})
    assert good.outcome == "allowed"
    assert good.id_token["https://t/v"] is False


def polluted_then_next(change: str, probe: str, **kwargs: Any) -> tuple[Result, Result]:
    """Two logins: rule 1 makes ``change`` in the first (m@e.com) only, rule 2 claims ``probe``
    as ``https://t/v`` in both."""
    evil = f"function (u, c, cb) {{ if (u.email === 'm@e.com') {{ {change}; }} cb(null, u, c); }}"
    h = Harness([evil, claim_rule(probe)], **kwargs)
    return h.login({"email": "m@e.com"}), h.login()


@pytest.mark.parametrize("target", ["Object.prototype", "Function.prototype", "Map.prototype",
                                    "Math", "JSON", "Promise", "Reflect"])
def test_an_enumerable_key_on_any_intrinsic_fails_the_login_and_is_removed(target: str) -> None:
    # Each intrinsic has its own line in the generated check (the last, Promise, included), or
    # is on the prototype chain of one that has (Object.prototype, Function.prototype).
    bad, good = polluted_then_next(f"{target}.pwned = 1", f"'pwned' in {target}")
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution")
    assert f"{target}.pwned" in bad.login["error_message"]
    assert good.id_token["https://t/v"] is False


def test_a_rule_replacing_reflect_set_neither_drops_nor_sees_the_writes_of_later_logins() -> None:
    # The tracking proxies' traps once called the global Reflect.set: a rule that replaced it
    # received the raw token objects and could drop every later login's claim writes unseen.
    bad, good = polluted_then_next(
        "Reflect.set = function (t) { global.raw = t; return true; }", "'written'")
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution")
    assert "Reflect.set" in bad.login["error_message"]
    assert bad.id_token["https://t/v"] == "written"
    assert good.outcome == "allowed"
    assert good.id_token["https://t/v"] == "written"
    assert [c["path"] for c in good.changes_of("rule2")] == ['["https://t/v"]']


@pytest.mark.parametrize("trap", ["get", "has", "ownKeys", "getOwnPropertyDescriptor"])
def test_a_proxy_trap_name_added_to_object_prototype_changes_nothing_later_rules_read(
        trap: str) -> None:
    # The tracking proxies' handlers once inherited from Object.prototype: a function a rule
    # put there under a trap's name (a lodash-like `get(path)` helper, say) became the trap
    # of every later read of user or context in the login, which Node never does.
    bad, good = polluted_then_next(
        f"Object.prototype.{trap} = function () {{ return false; }}",
        "[user.email, 'email' in user, Object.keys(user).length > 0, typeof context.clientID]")
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution")
    assert bad.id_token["https://t/v"] == ["m@e.com", True, True, "string"]
    assert good.outcome == "allowed"


def test_a_getter_a_rule_puts_on_object_prototype_never_runs_inside_the_sandbox_code() -> None:
    # Neither the proxies' trap lookups nor the pollution check and its restore read a field
    # through Object.prototype: the rule's getter runs only when rule code reads it.
    bad, good = polluted_then_next(
        "Object.defineProperty(Object.prototype, 'get', {configurable: true, get: function () "
        "{ global.reads = (global.reads || 0) + 1; }})", "[user.email, global.reads || 0]")
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution")
    assert bad.id_token["https://t/v"] == ["m@e.com", 0]
    assert good.id_token["https://t/v"][1] == 0


UNCHECKED_CHANGES = {
    # Changes the check after each login does not look for: they last as long as `global`.
    "Number.isInteger = function () { return true; }": "Number.isInteger(0.5)",
    "String.fromCharCode = function () { return 'x'; }": "String.fromCharCode(65) === 'x'",
    "Date.now = function () { return 5; }": "Date.now() === 5",
    "parseInt = function () { return 42; }": "parseInt('1') === 42",
    "Symbol.prototype.pwned = 1": "'pwned' in Object(Symbol())",
    "TypeError.prototype.pwned = 1": "'pwned' in new TypeError()",
    "Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return {done: true}; }":
        "[...[1, 2]].length === 0",
    "hits = 1": "typeof hits === 'number'",
    "globalThis.Map = null": "Map === null",
    "process.env.RULESIM_X = 'y'": "process.env.RULESIM_X === 'y'",
    "console.pwned = 1": "'pwned' in console",
    # Reached through the built-ins' and the globals' properties: a built-in's method, a module
    # set-up loaded (its exports), process's listeners.
    "JSON.parse.cache = 1": "'cache' in JSON.parse",
    "require('querystring').escape = function () { return 'x'; }":
        "require('querystring').escape('a b') === 'x'",
    "process.on('exit', function () {})": "process.listenerCount('exit') === 1",
}


@pytest.mark.parametrize("change", list(UNCHECKED_CHANGES))
def test_any_other_change_to_a_builtin_or_a_global_ends_when_global_is_reset(
        change: str) -> None:
    # `global` never reset: the change stays, as in Node.
    _, kept = polluted_then_next(change, UNCHECKED_CHANGES[change])
    assert kept.id_token["https://t/v"] is True
    bad, reset = polluted_then_next(change, UNCHECKED_CHANGES[change],
                                    limits=Limits(global_reset="login"))
    assert bad.id_token["https://t/v"] is True
    assert reset.id_token["https://t/v"] is False


MOVED_NAMES = ["Number.isInteger", "String.fromCharCode", "Date.now", "globalThis.parseInt",
               "Symbol.prototype.pwned", "TypeError.prototype.pwned",
               "%ArrayIteratorPrototype%.next", "globalThis.hits", "globalThis.Map",
               "process.env.RULESIM_X", "console.pwned", "JSON.parse.cache",
               "require.cache.builtin:querystring.exports.escape", "process._events.exit"]


@pytest.mark.parametrize(("change", "name"), list(zip(UNCHECKED_CHANGES, MOVED_NAMES, strict=True)))
def test_the_sandbox_names_a_change_that_lives_on_until_global_is_reset(change: str,
                                                                        name: str) -> None:
    # What a paired run asks at the end of a chunk (rulesim.paired): nothing moved after
    # set-up and clean logins, the change named after the login that made it, none after reset.
    h = Harness([f"function (u, c, cb) {{ if (u.email === 'm@e.com') {{ {change}; }} "
                 "cb(null, u, c); }"])
    sandbox = h.pipeline.sandbox
    h.login()
    assert sandbox.world_moved() == ""
    h.login({"email": "m@e.com"})
    assert sandbox.world_moved() == name
    sandbox.reset_global()
    assert sandbox.world_moved() == ""


def test_loading_a_module_is_no_lasting_change_but_writing_on_it_is_named() -> None:
    # A paired run's candidate never ran the shared rules: a module they loaded is loaded
    # again by the candidate's first require(), but what they wrote on it is not there.
    h = Harness(["function (u, c, cb) { var m = require('crypto'); "
                 "if (u.email === 'm@e.com') m.stash = 1; cb(null, u, c); }"])
    sandbox = h.pipeline.sandbox
    sandbox.set_paired()   # (only a paired run asks, so only a paired sandbox notes loads)
    h.login()
    assert sandbox.world_moved() == ""
    h.login({"email": "m@e.com"})
    assert sandbox.world_moved() == "require.cache.builtin:crypto.exports.stash"
    sandbox.reset_global()
    assert sandbox.world_moved() == ""


def test_a_module_rules_loaded_is_loaded_afresh_when_global_is_reset() -> None:
    # Its exports and its closures' state last as long as `global`, as in a warm container,
    # and no longer: otherwise a chunk would depend on the chunks its worker ran before.
    count = claim_rule("(require('crypto').n = (require('crypto').n || 0) + 1)")
    h = Harness([count], limits=Limits(global_reset=2))
    assert [h.login().id_token["https://t/v"] for _ in range(5)] == [1, 2, 1, 2, 1]


def test_a_legacy_global_a_rule_assigned_is_the_module_again_after_global_is_reset() -> None:
    src = ("function (u, c, cb) {\n  var was = typeof crypto;\n  crypto = 'replaced';\n"
           "  c.idToken['https://t/v'] = [was, typeof crypto];\n  cb(null, u, c);\n}")
    h = Harness([src], options=SandboxOptions(legacy_globals=True),
                limits=Limits(global_reset="login"))
    assert h.login().id_token["https://t/v"] == ["object", "string"]
    assert h.login().id_token["https://t/v"] == ["object", "string"]


def test_a_polluting_login_that_could_hand_over_the_sandbox_state_gets_a_fresh_engine() -> None:
    # While a built-in was changed the sandbox's own code ran with it: a getter a rule put on
    # Object.prototype saw the login's state as `this`. Kept in `global`, that state would let
    # a later, clean login add a claim no change row shows; after the rebuild nothing is kept.
    grab = ("function (u, c, cb) {\n  if (!global.grab) {\n    global.grab = [];\n"
            "    Object.defineProperty(Object.prototype, 'flow', { configurable: true, get: function () {\n"
            "      if (this && typeof this.partValue === 'function') global.grab.push(this); } });\n"
            "  } else if (global.grab.length) {\n"
            "    global.grab[0].partValue(3)['https://evil/admin'] = true;\n  }\n"
            "  c.idToken['https://t/kept'] = global.grab.length;\n  cb(null, u, c);\n}")
    h = Harness([grab], limits=Limits(global_reset="never"))
    first = h.login()
    assert (first.outcome, first.code) == ("error", "prototype_pollution")
    second = h.login()
    assert "https://evil/admin" not in second.id_token
    assert second.id_token["https://t/kept"] == 0   # `global` starts empty again


HANDING_OVER = [
    "Object.defineProperty(Object.prototype, 'x', { configurable: true, get: function () { return 1; } })",
    "Object.prototype.toJSON = function () { return {}; }",   # JSON.stringify calls it
    "Array.prototype.push = function () { return 0; }",       # a built-in method replaced
    "Object.setPrototypeOf(Array.prototype, {})",
]
HARMLESS = [
    "Object.prototype.isAdmin = true",                           # a value, not code
    "Array.prototype.shuffleAll = function () { return this; }",  # a name the sandbox never reads
]


@pytest.mark.parametrize("change", HANDING_OVER + HARMLESS)
def test_global_outlives_a_polluting_login_unless_the_change_could_reach_the_sandbox(
        change: str) -> None:
    src = ("function (u, c, cb) {\n  global.n = (global.n || 0) + 1;\n"
           "  c.idToken['https://t/v'] = global.n;\n"
           f"  if (u.email === 'm@e.com') {{ {change}; }}\n  cb(null, u, c);\n}}")
    h = Harness([src], limits=Limits(global_reset="never"))
    h.login()
    assert h.login({"email": "m@e.com"}).code == "prototype_pollution"
    after = h.login().id_token["https://t/v"]
    assert after == (1 if change in HANDING_OVER else 3)


def test_replacing_a_builtin_method_is_restored_after_the_login() -> None:
    evil = ("function (u, c, cb) { if (u.email === 'm@e.com') "
            "Array.prototype.includes = function () { return true; }; cb(null, u, c); }")
    check = claim_rule("[1, 2].includes(3)")
    h = Harness([evil, check])
    assert h.login({"email": "m@e.com"}).code == "prototype_pollution"
    assert h.login().id_token["https://t/v"] is False


HIDDEN_CHANGES = {
    # What no enumerable key and no changed value shows: each guarded way to make it.
    "Object.defineProperty(Array.prototype, 'pwned', {value: 1, configurable: true})": "'pwned' in []",
    "Reflect.defineProperty(Math, 'pwned', {value: 1, configurable: true})": "'pwned' in Math",
    "Object.defineProperties(JSON, {pwned: {value: 1, configurable: true}})": "'pwned' in JSON",
    "Object.setPrototypeOf(Map.prototype, Object.create(null, {pwned: {value: 1}}))":
        "'pwned' in new Map()",
    "Array.prototype.__proto__ = Object.create(Object.prototype, {pwned: {value: 1}})":
        "'pwned' in []",
    "Object.defineProperty(String.prototype, 'trim', {enumerable: false, writable: false})":
        "!Object.getOwnPropertyDescriptor(String.prototype, 'trim').writable",
    "Object.freeze(Math)": "Object.isFrozen(Math)",
    "Reflect.preventExtensions(JSON)": "!Object.isExtensible(JSON)",
    # What a reset of `global` could not undo on the global object.
    "Object.defineProperty(globalThis, 'pinned', {value: 1})": "typeof pinned !== 'undefined'",
    "Object.defineProperty(globalThis, 'parseFloat', {configurable: false})":
        "!Object.getOwnPropertyDescriptor(globalThis, 'parseFloat').configurable",
}


@pytest.mark.parametrize("change", list(HIDDEN_CHANGES))
def test_a_hidden_change_to_a_builtin_fails_the_login_and_does_not_reach_the_next(
        change: str) -> None:
    bad, good = polluted_then_next(change, HIDDEN_CHANGES[change])
    assert (bad.outcome, bad.code) == ("error", "prototype_pollution"), bad.login["error_message"]
    assert "NaN" not in bad.login["error_message"]   # (never === itself, never a change)
    assert good.id_token["https://t/v"] is False


def test_the_guarded_object_functions_look_like_nodes_and_leave_a_rules_own_objects_alone() -> None:
    own = claim_rule(
        "(function () {\n"
        "    var a = Object.defineProperty({}, 'x', {value: 1});\n"
        "    var b = Object.freeze(Object.setPrototypeOf({y: 2}, a));\n"
        "    var c = {}; c.__proto__ = b; Reflect.defineProperty(c, 'z', {value: 3, enumerable: true});\n"
        "    return [a.x, b.x, Object.isFrozen(b), c.x + c.y + c.z,\n"
        "      Object.defineProperty.name, Object.defineProperty.length,\n"
        "      'prototype' in Object.defineProperty,\n"
        "      Object.freeze.length, Reflect.setPrototypeOf.length,\n"
        "      Object.getOwnPropertyDescriptor(Object.prototype, '__proto__').set.name];\n"
        "  })()")
    r = run_once([own])
    assert r.outcome == "allowed"
    assert r.id_token["https://t/v"] == [1, 1, True, 6, "defineProperty", 3, False, 1, 2,
                                         "set __proto__"]


def test_no_host_objects_are_reachable_from_rule_code() -> None:
    expr = ("[typeof std, typeof os, typeof __rulesim_begin, "
            "Object.getOwnPropertyNames(globalThis).filter(function (k) { "
            "return k.indexOf('rulesim') >= 0; }).length]")
    r = run_once([claim_rule(expr)])
    assert r.id_token["https://t/v"] == ["undefined", "undefined", "undefined", 0]


def test_process_is_nodes_with_an_env_empty_of_secrets_as_in_auth0() -> None:
    expr = "[typeof process, JSON.stringify(process.env), process.env.HOME, process.version]"
    r = run_once([claim_rule(expr)])
    assert r.outcome == "allowed"
    assert r.id_token["https://t/v"] == ["object", "{}", None, "v18.20.4"]


def test_process_exit_and_binding_are_refused() -> None:
    r = run_once(["function (u, c, cb) {\n  process.binding('fs');\n  cb(null, u, c);\n}"])
    assert (r.outcome, r.code) == ("error", "rule_exception")
    assert "process.binding() is not available in the rulesim sandbox" in r.login["error_message"]


@pytest.mark.parametrize("module", ["fs", "child_process", "net", "mongodb@3.1.4"])
def test_requiring_a_module_outside_the_allow_list_fails_with_module_not_allowed(module: str) -> None:
    r = run_once([f"function (u, c, cb) {{ var m = require('{module}'); cb(null, u, c); }}"])
    assert (r.outcome, r.code) == ("error", "module_not_allowed")
    assert module.split("@")[0] in r.login["error_message"]


def test_persisted_metadata_is_visible_on_the_same_users_next_login() -> None:
    src = ("function (user, context, callback) {\n"
           "  user.app_metadata = user.app_metadata || {};\n"
           "  var n = (user.app_metadata.count || 0) + 1;\n"
           "  user.app_metadata.count = n;\n"
           "  context.idToken['https://t/v'] = n;\n"
           "  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)\n"
           "    .then(function () { callback(null, user, context); })\n"
           "    .catch(function (err) { callback(err); });\n}")
    h = Harness([src])
    first = h.login()
    assert first.id_token["https://t/v"] == 1
    persisted = first.changes[first.changes["persisted"]]
    assert list(zip(persisted["target"], persisted["path"], persisted["after"], strict=True)) == [
        ("app_metadata", "count", "1")]
    assert list(first.calls["kind"]) == ["management"]
    assert first.run("rule1")["io_ms"] > 0
    assert h.login().id_token["https://t/v"] == 2
    other = h.login({"user_id": "auth0|bob"})
    assert other.id_token["https://t/v"] == 1


def test_metadata_keys_with_dots_or_dollars_are_rejected_like_auth0() -> None:
    src = ("function (u, c, cb) {\n"
           "  auth0.users.updateUserMetadata(u.user_id, {'a.b': 1})\n"
           "    .then(function () { cb(null, u, c); }, function (e) { cb(e); });\n}")
    r = run_once([src])
    assert (r.outcome, r.code) == ("error", "callback_error")
    assert r.changes[r.changes["persisted"]].empty
    assert int(r.calls["status"].iloc[0]) == 400


def test_the_same_seed_gives_identical_records() -> None:
    src = claim_rule("[Math.random(), Date.now()]")

    def records() -> list[str]:
        h = Harness([src], seed=5)
        return [json.dumps(h.login().id_token) for _ in range(4)]

    assert records() == records()


def test_a_module_fake_that_does_not_compile_fails_its_rule_not_the_run() -> None:
    uses = "function (u, c, cb) {\n  var db = require('mongodb');\n  cb(null, u, c);\n}"
    other = "function (u, c, cb) { cb(null, u, c); }"
    options = SandboxOptions(modules={"mongodb": "function connect( {\nmodule.exports = {};"})
    h = Harness([other, uses], options=options)
    r = h.login()
    assert (r.outcome, r.code) == ("error", "rule_exception")
    assert r.login["deciding_rule"] == "rule2"
    assert "module `mongodb` (a fake supplied in modules=) does not compile" in \
        r.login["error_message"]
    assert r.run("rule1")["outcome"] == "ok"


def test_a_url_parsed_during_a_polluted_login_is_not_kept_for_later_logins() -> None:
    # The url module keeps the records of the URLs it parsed; its tables of special schemes
    # have no prototype, so a key on Object.prototype cannot make `foo:` special for a parse
    # that later logins then reuse.
    parse = ("function (user, context, callback) {\n"
             "  var u = new URL('foo://Host.example:80/a/../b');\n"
             "  context.idToken['https://t/u'] = [u.href, u.host, u.port];\n"
             "  callback(null, user, context);\n}")
    pollute = ("function (user, context, callback) {\n"
               "  if (user.email === 'evil@evil.test') Object.prototype['foo:'] = '80';\n"
               "  callback(null, user, context);\n}")
    fresh = run_once([parse])
    h = Harness([pollute, parse])
    first = h.login({"email": "evil@evil.test"})
    assert first.code == "prototype_pollution"
    later = h.login({"email": "ada@acme.com"})
    assert later.outcome == "allowed"
    assert first.id_token["https://t/u"] == later.id_token["https://t/u"] == \
        fresh.id_token["https://t/u"] == ["foo://Host.example:80/b", "Host.example:80", "80"]
