"""The post-login flow (contract section 2): commands, deny, errors, metadata, suspension."""

from __future__ import annotations

import json
from typing import Any

from actions_harness import ActionsHarness, action, login, run_actions

from rulesim.runtime.actions import SETTINGS

run = run_actions


def statuses(result: dict[str, Any]) -> list[str]:
    return [a["status"] for a in result["actions"]]


def test_the_settings_python_documents_are_the_runtime_defaults() -> None:
    h = ActionsHarness([action("")])
    assert h.eval("__rs_A.settings.on_error_commands") == SETTINGS["on_error_commands"]
    defaults = h.eval("(function () { var d = {}; for (var k in __rs_A.settings) "
                      "if (k !== 'cacheFlakiness') d[k] = __rs_A.settings[k]; return d; })()")
    assert defaults == dict(SETTINGS)


def test_deny_lets_the_current_action_finish_and_skips_the_later_ones() -> None:
    r = run(action("api.access.deny('blocked');\nconsole.log('still running');\n"
                   "api.idToken.setCustomClaim('https://a/x', 1);"),
            action("console.log('never');"))
    assert r["outcome"] == "denied"
    assert r["error"] == {"error": "access_denied", "description": "blocked", "code": "denied",
                          "action": "action-1", "index": 0}
    assert r["logs"] == ["still running"]
    assert statuses(r) == ["denied", "skipped"]
    claim = next(c for c in r["commands"] if c[3] == "idToken.setCustomClaim")
    assert claim[5] == ["after_deny"]
    assert "after_deny" in r["actions"][0]["flags"]
    assert r["idToken"] is None


def test_deny_with_return_stops_the_action_there() -> None:
    r = run(action("if (event.user.email.endsWith('@acme.com')) {\n"
                   "  return api.access.deny('internal users use SSO');\n}\nconsole.log('after');"))
    assert r["outcome"] == "denied"
    assert r["logs"] == []
    assert r["commands"][0][5] == []


def test_a_non_string_deny_reason_is_coerced_and_flagged() -> None:
    r = run(action("api.access.deny(new Error('nope'));"))
    assert r["error"]["description"] == "Error: nope"
    assert r["actions"][0]["flags"] == ["non_string_reason"]


def test_metadata_from_earlier_actions_is_seen_by_later_ones_but_not_the_setter() -> None:
    r = run(action("api.user.setAppMetadata('plan', 'gold');\n"
                   "console.log('own view', String(event.user.app_metadata.plan));"),
            action("console.log('next view', event.user.app_metadata.plan);\n"
                   "api.user.setAppMetadata('plan', 'platinum');\napi.user.setUserMetadata('theme', "
                   "'dark');"))
    assert r["logs"] == ["own view undefined", "next view gold"]
    assert r["metadata"]["writes"] == [{"leg": 0, "app_metadata": {"plan": "platinum"},
                                        "user_metadata": {"theme": "dark"}}]
    assert r["metadata"]["app_metadata"] == {"plan": "platinum"}


def test_a_top_level_metadata_key_is_replaced_whole_and_null_deletes() -> None:
    the_login = login(user={"app_metadata": {"prefs": {"a": 1, "b": 2}, "old": True}})
    r = run(action("api.user.setAppMetadata('prefs', {a: 3});\napi.user.setAppMetadata('old', null);"),
            the_login=the_login)
    assert r["metadata"]["app_metadata"] == {"prefs": {"a": 3}}
    assert r["metadata"]["writes"][0]["app_metadata"] == {"prefs": {"a": 3}, "old": None}


def test_writes_to_the_event_are_invisible_to_later_actions() -> None:
    r = run(action("event.user.app_metadata.plan = 'hacked';\nevent.user.email = 'x@y';"),
            action("console.log(String(event.user.app_metadata.plan), event.user.email);"))
    assert r["logs"] == ["undefined ada@acme.com"]
    assert r["metadata"]["writes"] == []


def test_an_action_sees_its_own_writes_into_the_events_arrays_and_later_actions_do_not() -> None:
    write = ("event.user.app_metadata.roles.push('admin');\n"
             "event.authentication.methods[0].name = 'changed';\n"
             "event.user.identities[0].profileData = {x: 1};\n"
             "console.log(event.user.app_metadata.roles.join(), event.authentication.methods[0].name, "
             "JSON.stringify(event.user.identities[0].profileData));")
    read = ("console.log(event.user.app_metadata.roles.join(), event.authentication.methods[0].name, "
            "String(event.user.identities[0].profileData));")
    r = run(action(write), action(read), the_login=login(user={"app_metadata": {"roles": ["user"]}}))
    assert r["logs"] == ['user,admin changed {"x":1}', "user pwd undefined"]


def test_metadata_is_written_on_deny_and_dropped_on_error_by_default() -> None:
    denied = run(action("api.user.setAppMetadata('tries', 1);\napi.access.deny('no');"))
    assert denied["metadata"]["writes"][0]["app_metadata"] == {"tries": 1}
    failed = run(action("api.user.setAppMetadata('tries', 1);"), action("throw new Error('boom');"))
    assert failed["outcome"] == "failed"
    assert failed["error"]["code"] == "action_exception"
    assert failed["error"]["description"] == "boom"
    assert failed["metadata"]["writes"] == []
    kept = run(action("api.user.setAppMetadata('tries', 1);"), action("throw new Error('boom');"),
               settings={"on_error_commands": "keep"})
    assert kept["metadata"]["writes"][0]["app_metadata"] == {"tries": 1}


def test_a_throw_fails_the_flow_with_access_denied_and_skips_the_rest() -> None:
    r = run(action("const roles = event.user.app_metadata.roles.length;"), action(""))
    assert r["outcome"] == "failed"
    assert r["error"]["error"] == "access_denied"
    assert "roles" in r["error"]["description"] or "undefined" in r["error"]["description"]
    assert statuses(r) == ["error", "skipped"]
    assert r["actions"][0]["error"]["name"] == "TypeError"


def test_an_invalid_api_argument_fails_the_flow_unless_caught() -> None:
    r = run(action("api.accessToken.addScope('read write');"))
    assert r["error"]["code"] == "invalid_api_argument"
    caught = run(action("try { api.accessToken.addScope('read write'); } catch (e) { console.log("
                        "e.message); }"))
    assert caught["outcome"] == "success"
    assert caught["logs"] == ["Invalid scope: must not contain whitespace"]


def test_a_module_body_that_throws_fails_every_login_that_reaches_it() -> None:
    h = ActionsHarness([action(""), "throw new Error('bad config');\n" + action("")])
    for _ in range(2):
        r = h.run()
        assert r["error"]["code"] == "module_error"
        assert r["error"]["description"] == "bad config"
        assert statuses(r) == ["ok", "error"]


def test_a_handler_that_is_not_async_fails_with_auth0s_message() -> None:
    r = run("exports.onExecutePostLogin = function (event, api) { return Promise.resolve(); };")
    assert r["error"]["code"] == "invalid_handler"
    assert r["error"]["description"] == "Invalid function signature for the handler"


def test_module_scope_persists_between_logins_of_one_worker() -> None:
    h = ActionsHarness([
        "let count = 0;\nexports.onExecutePostLogin = async (event, api) => {\n"
        "  count++;\n  api.idToken.setCustomClaim('https://a/n', count);\n};\n"])
    h.run()
    assert h.run()["idToken"]["https://a/n"] == 2


def test_api_calls_after_the_handler_resolved_are_ignored_and_flagged() -> None:
    r = run(action("setTimeout(() => api.idToken.setCustomClaim('https://a/late', 1), 10);"), action(""))
    assert "https://a/late" not in r["idToken"]
    assert r["commands"][0][5] == ["after_resolve", "ignored"]
    assert r["actions"][0]["flags"] == ["after_resolve", "ignored"]
    recorded = run(action("setTimeout(() => api.idToken.setCustomClaim('https://a/late', 1), 10);"),
                   action(""),
                   settings={"after_resolve_commands": "record"})
    assert recorded["idToken"]["https://a/late"] == 1


def test_a_handler_that_never_settles_times_out() -> None:
    r = run(action("await new Promise(() => {});"), action(""))
    assert r["outcome"] == "timeout"
    assert r["error"]["code"] == "pipeline_timeout"
    assert statuses(r) == ["timeout", "skipped"]


def test_a_handler_slower_than_the_budget_times_out() -> None:
    r = run(action("await new Promise((ok) => setTimeout(ok, 25000));"))
    assert r["outcome"] == "timeout"


def test_rules_was_executed_answers_from_the_rules_that_ran() -> None:
    r = run(action("console.log(api.rules.wasExecuted('rul_1'), api.rules.wasExecuted('rul_2'));"),
            rules_executed=["rul_1"])
    assert r["logs"] == ["true false"]


REDIRECT = action(
    "if (event.user.app_metadata.tos) return;\n"
    "api.user.setAppMetadata('asked', true);\n"
    "api.idToken.setCustomClaim('https://a/before', 1);\n"
    "const token = api.redirect.encodeToken({secret: event.secrets.KEY, payload: {state: "
    "event.transaction.state}});\n"
    "api.redirect.sendUserTo('https://tos.acme.com/accept', {query: {session_token: token}});\n"
    "console.log('after sendUserTo');",
    continue_body="console.log('continue', event.request.method, event.request.body.accepted, "
                  "event.request.query.state, event.user.app_metadata.asked);\n"
                  "if (event.request.body.accepted !== 'yes') return api.access.deny('terms refused');\n"
                  "api.user.setAppMetadata('tos', '2024-06-01');")


def test_a_redirect_suspends_after_the_action_and_ends_suspended_without_a_continue() -> None:
    r = run(REDIRECT, action("console.log('later');"), secrets={"action-1": {"KEY": "k"}})
    assert r["outcome"] == "suspended"
    assert r["logs"] == ["after sendUserTo"]
    assert statuses(r) == ["suspended", "not_run"]
    assert r["redirects"][0]["url"].startswith("https://tos.acme.com/accept?session_token=ey")
    # pending metadata is written before the redirect
    assert r["metadata"]["writes"] == [{"leg": 0, "app_metadata": {"asked": True}, "user_metadata": None}]


def test_the_flow_resumes_in_the_same_actions_continue_handler_with_a_new_request() -> None:
    r = run(REDIRECT, action("console.log('later', event.request.method);"),
            secrets={"action-1": {"KEY": "k"}},
            resume=[{"body": {"accepted": "yes"}, "method": "POST"}])
    assert r["outcome"] == "success"
    state = r["logs"][1].split()[3]
    assert state == r["redirects"][0]["state"]     # Auth0 adds `state` to the redirect
    assert r["logs"] == ["after sendUserTo", f"continue POST yes {state} true", "later POST"]
    assert r["legs"] == 2
    assert [w["leg"] for w in r["metadata"]["writes"]] == [0, 1]
    assert r["metadata"]["app_metadata"] == {"asked": True, "tos": "2024-06-01"}
    assert r["idToken"]["https://a/before"] == 1    # redirect_claims_persist
    assert statuses(r) == ["ok", "ok"]
    assert r["actions"][0]["runs"] == 2


def test_claims_from_before_a_suspension_are_dropped_when_the_setting_says_so() -> None:
    r = run(REDIRECT, secrets={"action-1": {"KEY": "k"}}, resume=[{"body": {"accepted": "yes"}}],
            settings={"redirect_claims_persist": False})
    assert "https://a/before" not in r["idToken"]


def test_a_continue_time_deny_is_the_final_outcome() -> None:
    r = run(REDIRECT, action(""), secrets={"action-1": {"KEY": "k"}}, resume=[{"body": {"accepted": "no"}}])
    assert r["outcome"] == "denied"
    assert r["error"]["description"] == "terms refused"
    assert r["redirects"][0]["action"] == 0


def test_a_redirect_in_a_refresh_token_exchange_fails_the_login() -> None:
    the_login = login(context={"protocol": "oauth2-refresh-token"})
    r = run(action("api.redirect.sendUserTo('https://x.example/');"), the_login=the_login)
    assert r["outcome"] == "failed"
    assert r["error"]["error"] == "interaction_required"
    assert r["error"]["code"] == "redirect_not_allowed"


def test_a_redirect_under_prompt_none_fails_with_interaction_required() -> None:
    the_login = login()
    the_login["context"]["request"]["query"]["prompt"] = "none"
    r = run(action("console.log(api.redirect.canRedirect());\napi.redirect.sendUserTo('https://x.example/');"),
            the_login=the_login)
    assert r["logs"] == ["false"]
    assert r["error"]["error"] == "interaction_required"


def test_a_challenge_pauses_the_flow_and_later_actions_see_the_factor() -> None:
    r = run(action("api.authentication.challengeWith({type: 'otp'}, {additionalFactors: [{type: "
                   "'email'}]});"),
            action("console.log(JSON.stringify(event.authentication.methods.map(m => [m.name, m.type "
                   "|| null])));"),
            resume=[{"factor": "email"}])
    assert r["outcome"] == "success"
    assert r["logs"] == ['[["pwd",null],["mfa","email"]]']
    assert r["factors"][0]["op"] == "challengeWith"
    assert r["authenticationMethods"][0]["type"] == "email"


def test_prompt_render_resumes_in_on_continue_with_the_submitted_fields() -> None:
    r = run(action("api.prompt.render('ap_form1', {vars: {plan: 'free'}});",
                   continue_body="console.log(event.prompt.id, event.prompt.fields.company, "
                                 "event.prompt.vars.plan);"),
            resume=[{"fields": {"company": "Acme"}}])
    assert r["logs"] == ["ap_form1 Acme free"]
    assert r["prompts"][0]["id"] == "ap_form1"


def test_transaction_metadata_is_visible_at_once_and_to_later_actions() -> None:
    r = run(action("api.transaction.setMetadata('risk', 3);\nconsole.log(event.transaction.metadata.risk);"),
            action("console.log(event.transaction.metadata.risk);"))
    assert r["logs"] == ["3", "3"]
    assert r["transactionMetadata"] == {"risk": 3}


def test_the_result_is_plain_json() -> None:
    r = run(action("api.idToken.setCustomClaim('https://a/x', {n: [1, 2]});"))
    assert json.loads(json.dumps(r)) == r
