"""The callback contract of contract §2: continue, deny, fail, twice, never."""

from __future__ import annotations

import pytest

from rulesim.runtime.limits import Limits
from tests.runtime.pipeline_helpers import Harness, run_once

CONTINUE = "function (user, context, callback) {\n  callback(null, user, context);\n}"


def test_rules_that_call_back_with_null_let_the_login_through() -> None:
    r = run_once([CONTINUE, CONTINUE])
    assert r.outcome == "allowed"
    assert list(r.rule_runs["outcome"]) == ["ok", "ok"]
    assert r.login["deciding_rule"] is None or str(r.login["deciding_rule"]) == "nan"
    assert r.login["app_error"] is None or str(r.login["app_error"]) == "nan"


def test_unauthorized_error_denies_with_its_message_and_line_and_skips_later_rules() -> None:
    deny = ("function (user, context, callback) {\n"
            "  // the allow-list\n"
            "  return callback(new UnauthorizedError('Access denied: evil.com'));\n"
            "}")
    r = run_once([CONTINUE, deny, CONTINUE])
    assert r.outcome == "denied"
    assert r.code == "unauthorized"
    assert r.login["app_error"] == "unauthorized"
    assert r.login["deciding_rule"] == "rule2"
    assert r.login["error_message"] == "rule `rule2` (line 3): Access denied: evil.com"
    assert list(r.rule_runs["outcome"]) == ["ok", "denied", "skipped"]
    assert r.run("rule2")["line"] == 3


def test_a_plain_error_fails_the_login_with_access_denied() -> None:
    r = run_once(["function (u, c, cb) {\n  cb(new Error('backend down'));\n}"])
    assert (r.outcome, r.code, r.login["app_error"]) == ("error", "callback_error", "access_denied")
    assert r.login["error_message"] == "rule `rule1` (line 2): backend down"


def test_the_application_error_for_failures_is_configurable() -> None:
    r = run_once(["function (u, c, cb) { cb(new Error('x')); }"],
                 limits=Limits(error_mapping="unauthorized"))
    assert r.login["app_error"] == "unauthorized"


def test_a_thrown_exception_is_an_error_with_the_rule_line() -> None:
    src = ("function addRoles(user, context, callback) {\n"
           "  var roles = user.app_metadata.roles;\n"
           "  callback(null, user, context);\n"
           "}")
    r = run_once([src], {"app_metadata": None})
    assert (r.outcome, r.code) == ("error", "rule_exception")
    assert r.run("rule1")["line"] == 2
    assert r.login["error_message"] == ("rule `rule1` (line 2): Cannot read properties of null "
                                        "(reading 'roles')")


def test_a_rejected_async_rule_is_an_error() -> None:
    src = ("async function (user, context, callback) {\n"
           "  await Promise.resolve();\n"
           "  throw new Error('async boom');\n"
           "}")
    r = run_once([src])
    assert (r.outcome, r.code) == ("error", "promise_rejected")
    assert r.run("rule1")["line"] == 3


@pytest.mark.parametrize("arg", ["'denied by policy'", "{reason: 'nope'}"])
def test_a_plain_string_or_object_error_is_accepted_and_flagged_non_standard(arg: str) -> None:
    r = run_once([f"function (u, c, cb) {{ cb({arg}); }}"])
    assert (r.outcome, r.code) == ("error", "non_standard_error")
    assert "non_standard_error" in r.run("rule1")["flags"]


def test_a_second_callback_is_ignored_and_flagged() -> None:
    src = ("function (user, context, callback) {\n"
           "  callback(null, user, context);\n"
           "  callback(new UnauthorizedError('too late'));\n"
           "}")
    r = run_once([src, CONTINUE])
    assert r.outcome == "allowed"
    assert r.run("rule1")["flags"] == "callback_called_twice"
    assert "callback_called_twice" in r.login["flags"]


def test_a_callback_called_a_thousand_times_counts_once() -> None:
    src = "function (u, c, cb) { for (var i = 0; i < 1000; i++) cb(null, u, c); }"
    r = run_once([src, CONTINUE])
    assert r.outcome == "allowed"
    assert list(r.rule_runs["outcome"]) == ["ok", "ok"]


def test_a_rule_that_never_calls_back_times_out_at_the_pipeline_deadline() -> None:
    r = run_once(["function (user, context, callback) { /* forgot */ }", CONTINUE])
    assert (r.outcome, r.code) == ("timeout", "callback_not_called")
    assert r.login["latency_ms"] == pytest.approx(20_000, abs=1)
    assert list(r.rule_runs["outcome"]) == ["timeout", "skipped"]


def test_a_never_resolving_promise_times_out() -> None:
    r = run_once(["async function (u, c, cb) { await new Promise(function () {}); cb(null, u, c); }"])
    assert (r.outcome, r.code) == ("timeout", "callback_not_called")


def test_throw_null_is_an_error_not_a_crash() -> None:
    r = run_once(["function (u, c, cb) { throw null; }", CONTINUE])
    assert (r.outcome, r.code) == ("error", "rule_exception")
    assert "non-Error value: null" in r.login["error_message"]


def test_a_source_that_is_not_a_function_in_the_sandbox_is_an_invalid_rule() -> None:
    from rulesim.sources import Rule

    # Bypasses the load-time check (Rule(...) instead of Rule.from_source) on purpose.
    rule = Rule(name="weird", source="{handler: 'not a function'}")
    r = Harness([rule, CONTINUE]).login()
    assert (r.outcome, r.code) == ("error", "invalid_rule")
    assert "evaluates to a value of type object, not a function" in r.login["error_message"]


def test_later_rules_see_what_earlier_rules_did_to_user_and_context() -> None:
    first = "function (u, c, cb) { u.tier = 'gold'; c.idToken['https://x/a'] = 1; cb(null, u, c); }"
    second = ("function (u, c, cb) {\n"
              "  if (u.tier !== 'gold' || c.idToken['https://x/a'] !== 1) return cb(new Error('lost'));\n"
              "  cb(null, u, c);\n}")
    assert run_once([first, second]).outcome == "allowed"


def test_a_callback_with_new_objects_passes_them_to_the_next_rule() -> None:
    first = "function (u, c, cb) { var nu = Object.assign({}, u, {tier: 'x'}); cb(null, nu, c); }"
    second = "function (u, c, cb) { cb(u.tier === 'x' ? null : new Error('old user'), u, c); }"
    assert run_once([first, second]).outcome == "allowed"


def test_a_callback_kept_from_an_earlier_login_does_nothing_in_a_later_one() -> None:
    keep = ("function (user, context, callback) {\n"
            "  if (!global.firstCallback) global.firstCallback = callback;\n"
            "  callback(null, user, context);\n"
            "}")
    stale = ("function (user, context, callback) {\n"
             "  if (global.firstCallback !== callback && global.seen) {\n"
             "    global.firstCallback(new UnauthorizedError('stale'));\n"
             "  }\n"
             "  global.seen = true;\n"
             "  callback(null, user, context);\n"
             "}")
    h = Harness([keep, stale])
    for login in (h.login(), h.login(), h.login()):
        assert login.outcome == "allowed"
        assert [str(f or "") for f in login.rule_runs["flags"]] == ["", ""]


def test_a_rejection_handler_kept_from_an_earlier_login_does_nothing_in_a_later_one() -> None:
    # The sandbox hands the rejection handler to the thenable a rule returns; a rule's own
    # thenable may keep it and call it in a later login, before that login's callback.
    keep = ("function (user, context, callback) {\n"
            "  if (global.reject) global.reject(new Error('stale'));\n"
            "  callback(null, user, context);\n"
            "  return { then: function (ok, fail) { if (!global.reject) global.reject = fail; } };\n"
            "}")
    h = Harness([keep])
    for login in (h.login(), h.login()):
        assert (login.outcome, login.run("rule1")["outcome"]) == ("allowed", "ok")


def test_a_rule_that_failed_in_one_login_starts_clean_in_the_next() -> None:
    # The sandbox reuses each rule's run record from login to login: nothing of a failed run
    # (its code, message, line, flags, calls) may reach the next login's row.
    flaky = ("function (user, context, callback) {\n"
             "  if (user.email === 'twice@example.com') callback(null, user, context);\n"
             "  if (user.email === 'bad@example.com') throw new Error('broke');\n"
             "  callback(null, user, context);\n"
             "}")
    h = Harness([flaky, CONTINUE])
    bad = h.login({"email": "bad@example.com"}).run("rule1")
    assert (bad["outcome"], bad["error_code"], bad["line"]) == ("error", "rule_exception", 3)
    assert "broke" in str(bad["error_message"])
    assert h.login({"email": "twice@example.com"}).run("rule1")["flags"] == "callback_called_twice"
    for good in (h.login({"email": "good@example.com"}), h.login()):
        assert good.outcome == "allowed"
        run = good.run("rule1")
        assert run["outcome"] == "ok"
        assert str(run["flags"] or "") == ""
        assert run["error_code"] is None or str(run["error_code"]) == "nan"
        assert run["error_message"] is None or str(run["error_message"]) == "nan"
        assert run["line"] == 0
