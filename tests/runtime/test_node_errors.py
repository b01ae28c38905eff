"""node_error(): V8's wording and line for a rule failure QuickJS reported."""

from __future__ import annotations

import dataclasses
import json

import pytest

from rulesim.pipeline import Pipeline
from rulesim.records import Columns, frames_from_columns
from rulesim.runtime._node_errors import node_error
from rulesim.sources import Action, Rule
from tests.runtime.pipeline_helpers import Harness, run_once

MULTILINE_CALL = """function (user, context, callback) {
  const users = { list: [] };
  users.map(function (u) {
    return u.id;
  });
  callback(null, user, context);
}"""


@pytest.mark.parametrize(("quickjs", "node"), [
    ("cannot read property 'roles' of undefined",
     "Cannot read properties of undefined (reading 'roles')"),
    ("cannot read property 'x' of null", "Cannot read properties of null (reading 'x')"),
    ("cannot set property 'b' of undefined", "Cannot set properties of undefined (setting 'b')"),
    ("'URL' is not defined", "URL is not defined"),
    ("cannot convert to object", "Cannot convert undefined or null to object"),
])
def test_quickjs_wording_becomes_v8_wording(quickjs: str, node: str) -> None:
    assert node_error("function (u, c, cb) {}", quickjs, 3) == (node, 3)


def test_a_failed_multiline_call_is_named_and_placed_at_the_line_of_the_call() -> None:
    assert node_error(MULTILINE_CALL, "not a function", 5) == ("users.map is not a function", 3)


@pytest.mark.parametrize(("line", "callee"), [
    ("  x.y[0].z(1);", "x.y[0].z"),
    ("  obj['key'](1);", "obj.key"),
    ("  a?.b(1);", "a?.b"),
    ("  cb(null, user);", "cb"),
])
def test_the_called_expression_is_printed_as_v8_prints_it(line: str, callee: str) -> None:
    src = "function (user, context, cb) {\n" + line + "\n}"
    assert node_error(src, "not a function", 2) == (f"{callee} is not a function", 2)


def test_a_call_on_the_result_of_a_call_is_printed_with_its_arguments_elided() -> None:
    src = "function (u, c, cb) {\n  foo(1)\n    .bar(2);\n}"
    assert node_error(src, "not a function", 3) == ("foo(...).bar is not a function", 3)


def test_new_of_a_non_constructor_says_not_a_constructor() -> None:
    src = "function (u, c, cb) {\n  var x = new client.Thing({\n    a: 1\n  });\n}"
    assert node_error(src, "not a function", 4) == ("client.Thing is not a constructor", 2)


def test_two_calls_closing_on_the_line_keep_quickjs_wording() -> None:
    src = "function (u, c, cb) {\n  a.b(c.d(1));\n}"
    assert node_error(src, "not a function", 2) == ("not a function", 2)


def test_calls_of_trusted_globals_are_not_suspects() -> None:
    src = "function (u, c, cb) {\n  var s = JSON.stringify(u.groups.map(String));\n}"
    assert node_error(src, "not a function", 2) == ("u.groups.map is not a function", 2)


def test_an_error_from_inside_a_multiline_call_is_placed_at_the_call() -> None:
    src = ("function (u, c, cb) {\n  return cb(new UnauthorizedError(\n    'denied: ' + u.email\n"
           "  ));\n}")
    assert node_error(src, "denied: a@b.c", 4) == ("denied: a@b.c", 2)


def test_strings_comments_and_regexes_do_not_confuse_the_scan() -> None:
    src = ("function (u, c, cb) {\n  // users.map(x)\n  var s = 'a(b)' + /\\)(/.source;\n"
           "  var t = `${u.f(\n    1)}`;\n}")
    assert node_error(src, "not a function", 5) == ("u.f is not a function", 4)


def test_other_messages_and_unknown_lines_are_left_alone() -> None:
    assert node_error(MULTILINE_CALL, "boom", 0) == ("boom", 0)
    assert node_error(MULTILINE_CALL, None, 3) == (None, 3)
    assert node_error(MULTILINE_CALL, "boom", 2) == ("boom", 2)


def test_the_pipeline_reports_node_wording_and_the_line_of_the_call() -> None:
    r = run_once([MULTILINE_CALL])
    assert r.login["error_message"] == "rule `rule1` (line 3): users.map is not a function"
    assert r.run("rule1")["line"] == 3


def test_logins_run_in_a_batch_are_reworded_too() -> None:
    rules = [Rule.from_source("mapper", MULTILINE_CALL, order=1)]
    pipeline = Pipeline(rules, {}, batch_size=8)
    sink = Columns()
    payloads = [json.dumps({"login_id": f"L{i}", "user_id": f"auth0|{i}", "timestamp_ms": 0,
                            "user": {"user_id": f"auth0|{i}"}, "context": {}}) for i in range(3)]
    pipeline.run_many(payloads, 0, sink, login_ids=[f"L{i}" for i in range(3)],
                      user_ids=[f"auth0|{i}" for i in range(3)])
    frames = frames_from_columns(sink, ["mapper"])
    assert set(frames["logins"]["error_message"]) == {
        "rule `mapper` (line 3): users.map is not a function"}
    assert set(frames["rule_runs"]["line"]) == {3}


# --- globals of Node the sandbox lacks ----------------------------------------------------

def _rule(body: str) -> str:
    head = "async function" if "await" in body else "function"
    return head + " (user, context, callback) {\n" + body + "\n}"


@pytest.mark.parametrize(("body", "name"), [
    ("  var f = new Intl.NumberFormat('en-US');\n  callback(null, user, context);", "Intl"),
    ("  try { new WebAssembly.Memory({initial: 1}); } catch (e) { return callback(e); }\n"
     "  callback(null, user, context);", "WebAssembly"),
    ("  await Promise.resolve(); new ReadableStream();\n  callback(null, user, context);",
     "ReadableStream"),
])
def test_a_global_node_has_and_the_sandbox_lacks_ends_the_rule_as_unsupported_global(
        body: str, name: str) -> None:
    r = run_once([_rule(body), _rule("  callback(null, user, context);")])
    assert r.outcome == "error"
    assert r.code == "unsupported_global"
    run = r.run("rule1")
    assert (run["outcome"], run["error_code"], run["line"]) == ("error", "unsupported_global", 2)
    assert run["error_message"] == (
        f"rule `rule1` (line 2): {name} is not defined ({name} is a global of Node 18 that the "
        "rulesim sandbox does not provide)")
    assert r.login["error_message"] == run["error_message"]
    assert r.run("rule2")["outcome"] == "skipped"


@pytest.mark.parametrize("body", [
    "  var x = notAGlobalAnywhere + 1;\n  callback(null, user, context);",      # a typo
    "  delete globalThis.URL;\n  new URL('https://a.example');\n  callback(null, user, context);",
])
def test_a_reference_error_auth0_would_give_too_stays_the_rules_own_error(body: str) -> None:
    r = run_once([_rule(body)])
    assert r.code == "rule_exception"
    assert "rulesim sandbox" not in r.login["error_message"]


def test_an_action_is_judged_by_the_globals_of_its_node_version() -> None:
    # Node 22 has Web Crypto's `crypto` (the sandbox gives it, and of `crypto.subtle` only
    # digest); Node 18 has no such global: there the ReferenceError is the Action's own.
    code = ("exports.onExecutePostLogin = async (event, api) => {\n"
            "  const id = crypto.randomUUID();\n"
            "  await crypto.subtle.importKey('raw', new TextEncoder().encode(id), 'HMAC', false, []);"
            "\n};")
    for runtime, expected, message in (
            ("node22", "unsupported_global",
             "action `mint` (line 3): crypto.subtle.importKey is not defined "
             "(crypto.subtle.importKey is part of Node 22's globals; the rulesim sandbox lacks it)"),
            ("node18", "action_exception", "action `mint` (line 2): crypto is not defined")):
        action = Action.from_code("mint", code, order=1)
        action = dataclasses.replace(action, runtime=runtime)
        r = Harness([], actions=[action]).login()
        assert (r.code, r.run("mint")["error_code"]) == (expected, expected), runtime
        assert r.run("mint")["error_message"] == message


def test_an_action_module_body_that_reads_one_is_unsupported_global_too() -> None:
    code = ("const bus = new EventTarget();\n"
            "exports.onExecutePostLogin = async (event, api) => {\n"
            "  api.idToken.setCustomClaim('https://a/bus', typeof bus);\n};")
    action = dataclasses.replace(Action.from_code("mint", code, order=1), runtime="node22")
    r = Harness([], actions=[action]).login()
    assert r.code == "unsupported_global"
    assert r.run("mint")["error_message"] == (
        "action `mint` (line 1): EventTarget is not defined (EventTarget is a global of Node 22 "
        "that the rulesim sandbox does not provide)")

