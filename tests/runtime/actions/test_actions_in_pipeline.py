"""Actions run in the sandbox after the rules, and each login's rows say what they did.

Every login here runs twice (tests/runtime/pipeline_helpers.py): batched, as the product runs
it, and on the host loop; the frames must be equal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import rulesim as rs
from tests.runtime.pipeline_helpers import Harness

SERVICES = rs.Services.from_dict({"routes": [
    {"name": "risk", "method": "GET", "url": "https://risk.example/score*", "status": 200,
     "json": {"score": 42}, "latency": {"fixed_ms": 120}},
    {"name": "slow", "method": "GET", "url": "https://slow.example/*", "status": 200,
     "json": {"ok": True}, "latency": {"fixed_ms": 15000}},
    {"name": "hook", "method": "POST", "url": "https://hooks.example/*", "status": 204,
     "latency": {"fixed_ms": 300}},
]})


def module(body: str, continue_body: str | None = None) -> str:
    """An Action written the way tenants write them."""
    src = f"exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};\n"
    if continue_body is not None:
        src += f"exports.onContinuePostLogin = async (event, api) => {{\n{continue_body}\n}};\n"
    return src


def run(*actions: str, rules: tuple[str, ...] = (), user: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("services", SERVICES)
    return Harness(list(rules), actions=list(actions), **kwargs).login(user, context)


def commands(result: Any) -> list[tuple[str, str, str, str]]:
    ch = result.changes
    return [(str(r.rule), str(r.command), str(r.target), str(r.path))
            for r in ch.itertuples() if isinstance(r.command, str)]


# --- tokens and rows ------------------------------------------------------------------------


def test_custom_claims_reach_the_tokens_and_each_command_is_a_change_row() -> None:
    r = run(module("api.idToken.setCustomClaim('https://acme.com/plan', 'gold');\n"
                   "api.accessToken.setCustomClaim('https://acme.com/plan', 'gold');\n"
                   "api.idToken.setCustomClaim('https://acme.com/plan', 'platinum');"))
    assert r.outcome == "allowed"
    assert r.id_token["https://acme.com/plan"] == "platinum"
    assert r.access_token == {"https://acme.com/plan": "gold"}
    rows = r.changes_of("action1")
    assert [(c["command"], c["target"], c["op"], c["before"], c["after"]) for c in rows] == [
        ("idToken.setCustomClaim", "id_token", "add", None, '"gold"'),
        ("accessToken.setCustomClaim", "access_token", "add", None, '"gold"'),
        ("idToken.setCustomClaim", "id_token", "replace", '"gold"', '"platinum"')]
    run_row = r.run("action1")
    assert (run_row["kind"], run_row["handler"], run_row["n_changes"]) == (
        "action", "onExecutePostLogin", 3)


def test_restricted_and_reserved_claims_are_dropped_and_listed() -> None:
    r = run(module("api.idToken.setCustomClaim('roles', ['admin']);\n"
                   "api.idToken.setCustomClaim('https://auth0.com/x', 1);\n"
                   "api.idToken.setCustomClaim('https://acme.com/ok', 1);"))
    assert "roles" not in r.id_token and "https://auth0.com/x" not in r.id_token
    assert r.id_token["https://acme.com/ok"] == 1
    assert json.loads(r.login["dropped_claims"]) == [["id_token", "roles", "restricted"],
                                                      ["id_token", "https://auth0.com/x",
                                                       "reserved_namespace"]]


def test_custom_claims_over_100_kb_in_one_token_fail_the_login() -> None:
    r = run(module("api.accessToken.setCustomClaim('https://acme.com/blob', 'x'.repeat(110 * 1024));"))
    assert (r.outcome, r.code) == ("error", "claims_too_large")
    assert r.login["app_error"] == "access_denied"


def test_scope_edits_apply_to_the_granted_scopes() -> None:
    r = run(module("api.accessToken.removeScope('email');\napi.accessToken.addScope('read:invoices');"),
            context={"request": {"ip": "1.2.3.4",
                                 "query": {"scope": "openid profile email"}}})
    assert r.login["scopes"] == "openid profile read:invoices"
    assert [(c[1], c[3]) for c in commands(r)] == [("accessToken.removeScope", "scope"),
                                                   ("accessToken.addScope", "scope")]


def test_mfa_enable_is_acted_on_at_the_end_of_the_flow() -> None:
    r = run(module("api.multifactor.enable('duo', {allowRememberBrowser: true});"),
            module("console.log('after mfa');"))
    assert r.login["mfa_required"] and r.login["mfa_provider"] == "duo"
    assert r.run("action2")["outcome"] == "ok"


# --- deny, errors ------------------------------------------------------------------------------


def test_deny_lets_the_action_finish_skips_later_actions_and_flags_later_commands() -> None:
    r = run(module("api.access.deny('Access denied: blocked network');\n"
                   "api.user.setAppMetadata('blocked_at', 'now');"),
            module("api.idToken.setCustomClaim('https://acme.com/never', 1);"))
    assert (r.outcome, r.code) == ("denied", "action_denied")
    assert r.login["app_error"] == "access_denied"
    assert r.login["deciding_rule"] == "action1"
    assert r.login["error_message"] == "action `action1`: Access denied: blocked network"
    assert r.run("action2")["outcome"] == "skipped"
    meta = next(c for c in r.changes_of("action1") if c["command"] == "user.setAppMetadata")
    assert meta["flags"] == "after_deny"
    assert meta["persisted"]             # metadata is written on a deny


def test_a_thrown_error_fails_the_login_naming_the_action_and_line_and_drops_metadata() -> None:
    r = run(module("api.user.setAppMetadata('seen', true);\n"
                   "const roles = event.user.app_metadata.roles.join(',');"))
    assert (r.outcome, r.code) == ("error", "action_exception")
    assert r.login["app_error"] == "access_denied"
    assert r.login["error_message"].startswith("action `action1` (line 3): ")
    assert r.run("action1")["line"] == 3
    meta = r.changes_of("action1")[0]
    assert meta["command"] == "user.setAppMetadata" and not meta["persisted"]


def test_an_invalid_api_argument_fails_the_login_with_its_own_code() -> None:
    r = run(module("api.idToken.setCustomClaim('scope', 'admin');"))
    assert r.code == "invalid_api_argument"
    assert "Cannot set custom claim 'scope'" in r.login["error_message"]


def test_a_handler_that_is_not_async_fails_with_auths_message() -> None:
    action = rs.Action(name="sync", code="exports.onExecutePostLogin = function (event, api) {};",
                       order=1)
    r = run(action)
    assert r.code == "invalid_handler"
    assert "Invalid function signature for the handler" in r.login["error_message"]


def test_a_module_body_that_throws_fails_every_login_that_reaches_it() -> None:
    h = Harness([], actions=["throw new Error('boot failed');\n" + module("")])
    for _ in range(2):
        r = h.login()
        assert (r.outcome, r.code) == ("error", "module_error")
        assert "boot failed" in r.login["error_message"]


def test_a_validation_error_gives_the_application_its_custom_code() -> None:
    r = run(module("api.validation.error('invalid_account', 'Your account is locked');"))
    assert (r.outcome, r.code, r.login["app_error"]) == ("denied", "validation_error",
                                                        "invalid_account")


def test_session_revoke_denies_the_login() -> None:
    r = run(module("api.session.revoke('compromised', {preserveRefreshTokens: false});"))
    assert (r.outcome, r.code) == ("denied", "session_revoked")


# --- metadata ----------------------------------------------------------------------------------


def test_metadata_is_merged_per_key_written_once_and_seen_by_the_users_next_login() -> None:
    h = Harness([], actions=[
        module("api.user.setAppMetadata('count', (event.user.app_metadata.count || 0) + 1);\n"
               "api.user.setAppMetadata('plan', 'gold');"),
        module("api.user.setAppMetadata('plan', 'platinum');\n"
               "api.idToken.setCustomClaim('https://acme.com/seen', event.user.app_metadata.plan);")])
    first = h.login()
    assert first.id_token["https://acme.com/seen"] == "gold"      # optimistic, from action1
    persisted = {(c["rule"], c["after"]) for c in first.changes.to_dict("records")
                 if c["persisted"]}
    assert persisted == {("action1", "1"), ("action2", '"platinum"')}
    second = h.login()
    rows = second.changes_of("action1")
    assert (rows[0]["before"], rows[0]["after"]) == ("1", "2")


def test_rules_persisted_metadata_is_in_the_actions_event_but_in_memory_changes_are_not() -> None:
    rule = ("function (user, context, callback) {\n"
            "  user.app_metadata = user.app_metadata || {};\n"
            "  user.app_metadata.memory = 1;\n"
            "  auth0.users.updateAppMetadata(user.user_id, {stored: 2})\n"
            "    .then(function () { callback(null, user, context); });\n}")
    r = run(module("api.idToken.setCustomClaim('https://acme.com/meta', event.user.app_metadata);"),
            rules=(rule,))
    assert r.id_token["https://acme.com/meta"] == {"stored": 2}


# --- suspension -------------------------------------------------------------------------------


TOS = module("if (event.user.app_metadata.tos) return;\n"
             "api.redirect.sendUserTo('https://acme.com/tos', {query: {v: '2'}});",
             "if (event.request.body.accepted !== 'yes') return api.access.deny('declined');\n"
             "api.user.setAppMetadata('tos', event.request.body.accepted);")
COUNT = module("api.idToken.setCustomClaim('https://acme.com/n', 1);\n"
               "await fetch('https://hooks.example/login', {method: 'POST'});")


def accept(login: dict[str, Any], url: str) -> dict[str, str]:
    return {"accepted": "yes" if "acme" in login["user"]["email"] else "no"}


def test_a_redirect_stops_the_flow_after_the_action_when_continuations_are_not_simulated() -> None:
    r = run(TOS, COUNT)
    assert r.outcome == "redirect"
    url = r.login["redirect_url"]
    assert url.startswith("https://acme.com/tos?v=2")
    assert r.run("action1")["flags"] == "redirect"
    assert r.run("action2")["outcome"] == "skipped"
    assert r.calls.empty


def test_a_continued_redirect_resumes_in_the_same_action_then_runs_the_rest() -> None:
    r = run(module("api.idToken.setCustomClaim('https://acme.com/first', event.request.ip);"),
            TOS, COUNT, on_redirect="continue", continue_handler=accept)
    assert r.outcome == "allowed"
    assert r.login["redirect_url"].startswith("https://acme.com/tos")
    phases = [(row.rule, row.phase, row.handler, row.outcome)
              for row in r.rule_runs.itertuples()]
    assert phases == [
        ("action1", "initial", "onExecutePostLogin", "ok"),
        ("action2", "initial", "onExecutePostLogin", "ok"),
        ("action3", "initial", "onExecutePostLogin", "skipped"),
        ("action2", "continue", "onContinuePostLogin", "ok"),
        ("action3", "continue", "onExecutePostLogin", "ok")]
    assert r.login["flags"] == "continued"
    assert r.id_token["https://acme.com/first"] == "1.2.3.4"      # kept across the resume
    assert r.id_token["https://acme.com/n"] == 1
    assert list(r.calls["phase"]) == ["continue"]
    meta = r.changes_of("action2")
    assert [(c["phase"], c["command"], c["persisted"]) for c in meta] == [
        ("initial", "redirect.sendUserTo", False), ("continue", "user.setAppMetadata", True)]


def test_a_declined_redirect_is_denied_in_the_continue_handler() -> None:
    r = run(TOS, COUNT, on_redirect="continue", continue_handler=accept,
            user={"email": "eve@evil.example"})
    assert (r.outcome, r.code, r.login["deciding_rule"]) == ("denied", "action_denied", "action1")
    assert r.run("action1", "continue")["outcome"] == "denied"


def test_a_redirect_in_a_refresh_token_exchange_fails_with_interaction_required() -> None:
    r = run(module("api.redirect.sendUserTo('https://acme.com/x');"),
            context={"protocol": "oauth2-refresh-token"})
    assert (r.outcome, r.code, r.login["app_error"]) == ("error", "redirect_not_allowed",
                                                        "interaction_required")


def test_an_mfa_challenge_pauses_the_flow_and_later_actions_see_the_factor() -> None:
    r = run(module("api.authentication.challengeWith({type: 'otp'});"),
            module("api.idToken.setCustomClaim('https://acme.com/amr',\n"
                   "  event.authentication.methods.map((m) => m.type || m.name));"))
    assert r.outcome == "allowed"
    assert r.id_token["https://acme.com/amr"] == ["otp"]
    assert r.login["mfa_required"] and r.login["mfa_provider"] == "otp"
    assert r.run("action2", "continue")["handler"] == "onExecutePostLogin"


def test_a_form_pauses_and_resumes_with_the_submitted_fields() -> None:
    form = module("api.prompt.render('frm_profile', {vars: {step: 1}});",
                  "api.user.setUserMetadata('company', event.prompt.fields.company);")
    stopped = run(form)
    assert (stopped.outcome, stopped.login["redirect_url"]) == ("redirect", "prompt:frm_profile")
    done = run(form, on_redirect="continue",
               continue_handler=lambda login, url: {"company": "Initech"})
    assert done.outcome == "allowed"
    assert done.changes_of("action1")[-1]["after"] == '"Initech"'


def test_each_leg_has_its_own_twenty_seconds() -> None:
    slow = "await fetch('https://slow.example/a');"
    r = run(module(slow + "\napi.redirect.sendUserTo('https://acme.com/x');", slow),
            on_redirect="continue", continue_handler=accept)
    assert r.outcome == "allowed"
    r = run(module(slow + "\n" + slow))
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")
    assert "did not finish within 20000 ms (action `action1` was waiting)" in \
        r.login["error_message"]


def test_a_handler_that_never_settles_times_out() -> None:
    r = run(module("await new Promise(() => {});"))
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")


# --- scope, globals, modules ------------------------------------------------------------------


def test_module_scope_persists_across_logins_until_global_is_reset() -> None:
    counter = ("let n = 0;\n" + module("n += 1;\napi.idToken.setCustomClaim('https://acme.com/n', n);"))
    h = Harness([], actions=[counter], limits=rs.Limits(global_reset=3))
    seen = [h.login().id_token["https://acme.com/n"] for _ in range(5)]
    assert seen == [1, 2, 3, 1, 2]


def test_module_scope_per_call_runs_the_body_at_every_call() -> None:
    counter = ("let n = 0;\n" + module("n += 1;\napi.idToken.setCustomClaim('https://acme.com/n', n);"))
    h = Harness([], actions=[counter], action_settings={"module_scope": "per-call"})
    assert [h.login().id_token["https://acme.com/n"] for _ in range(3)] == [1, 1, 1]


@pytest.mark.parametrize("name", ["context", "callback", "configuration", "auth0",
                                  "UnauthorizedError"])
def test_rules_globals_throw_reference_error_in_actions(name: str) -> None:
    rule = "function (user, context, callback) { callback(null, user, context); }"
    for rules in ((), (rule,)):
        r = run(module(f"const x = {name};"), rules=rules)
        assert r.code == "action_exception", (rules, r.login["error_message"])
        # In Node's words (Actions run on Node, as Rules did).
        assert r.login["error_message"] == f"action `action1` (line 2): {name} is not defined"


def test_rules_keep_their_globals_in_a_mixed_tenant() -> None:
    rule = ("function (user, context, callback) {\n"
            "  context.idToken['https://acme.com/k'] = configuration.KEY;\n"
            "  callback(null, user, context);\n}")
    h = Harness([rule], {"KEY": "v"}, actions=[module("")])
    assert [h.login().id_token["https://acme.com/k"] for _ in range(2)] == ["v", "v"]


def test_node_globals_work_and_fetch_reaches_the_fake_services() -> None:
    r = run(module(
        "const url = new URL('https://risk.example/score');\n"
        "url.searchParams.set('u', event.user.user_id);\n"
        "const res = await fetch(url, {signal: AbortSignal.timeout(3000)});\n"
        "const body = await res.json();\n"
        "const bytes = new TextEncoder().encode('é').length;\n"
        "const copy = structuredClone({a: [1]});\n"
        "api.idToken.setCustomClaim('https://acme.com/g', [res.status, body.score, bytes,\n"
        "  copy.a[0], Object.keys(process.env).length, typeof AbortController]);"))
    assert r.id_token["https://acme.com/g"] == [200, 42, 2, 1, 0, "function"]
    call = r.calls.iloc[0]
    assert (call["rule"], call["route"], call["method"]) == ("action1", "risk", "GET")
    assert r.run("action1")["io_ms"] == 120


def test_a_required_module_rulesim_lacks_says_how_to_supply_a_fake() -> None:
    r = run(module("const db = require('mongodb');"))
    assert r.code == "module_not_allowed"
    assert "Supply a fake" in r.login["error_message"]


# --- mixed tenants ----------------------------------------------------------------------------


MIXED_RULE = ("function (user, context, callback) {\n"
              "  if (user.email === 'eve@evil.example') return callback(new UnauthorizedError('no'));\n"
              "  context.idToken['https://acme.com/rule'] = true;\n"
              "  context.accessToken.scope = ['openid', 'read:all'];\n"
              "  callback(null, user, context);\n}")


def test_a_mixed_tenant_runs_the_rules_then_the_actions_and_merges_their_tokens() -> None:
    rule = rs.Rule.from_source("rule1", MIXED_RULE, order=1)
    rule = rs.Rule(name=rule.name, source=rule.source, order=1, id="rul_abc")
    r = run(module("const ran = api.rules.wasExecuted('rul_abc');\n"
                   "api.idToken.setCustomClaim('https://acme.com/action', ran);\n"
                   "api.accessToken.addScope('write:all');"), rules=(rule,))
    assert r.id_token["https://acme.com/rule"] is True
    assert r.id_token["https://acme.com/action"] is True
    assert r.login["scopes"] == "openid read:all write:all"
    assert list(r.rule_runs["kind"]) == ["rule", "action"]


def test_a_denial_in_the_rules_ends_the_login_before_any_action() -> None:
    r = run(module("console.log('never');"), rules=(MIXED_RULE,),
            user={"email": "eve@evil.example"})
    assert (r.outcome, r.code, r.login["app_error"]) == ("denied", "unauthorized", "unauthorized")
    assert r.run("action1")["outcome"] == "skipped"
    assert r.logs.empty


def test_an_action_and_a_rule_with_the_same_name_get_distinct_rows() -> None:
    rule = rs.Rule.from_source("count-logins", "function (u, c, cb) { cb(null, u, c); }", order=1)
    action = rs.Action.from_code("count-logins", module(""), order=1)
    r = run(action, rules=(rule,))
    assert list(r.rule_runs["rule"]) == ["count-logins", "count-logins (action)"]


@pytest.mark.parametrize("protocol", ["redirect-callback", "delegation"])
def test_a_rules_era_protocol_runs_as_a_login_without_one_and_is_flagged(protocol: str) -> None:
    r = run(module("api.idToken.setCustomClaim('https://acme.com/p',\n"
                   "  String(event.transaction.protocol));"), context={"protocol": protocol})
    assert r.outcome == "allowed"
    assert r.id_token["https://acme.com/p"] == "undefined"
    assert r.login["flags"] == "rules_protocol"


def test_the_timeout_setting_is_each_legs_budget() -> None:
    slow = module("await fetch('https://slow.example/a');")
    assert run(slow).outcome == "allowed"                                  # 15 s < 20 s
    r = run(slow, action_settings={"timeout_ms": 10_000})
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")
    assert "within 10000 ms" in r.login["error_message"]


# --- how the host drives a flow -------------------------------------------------------------


def test_the_host_drives_only_the_first_step_of_actions_that_chain_and_skips_the_flow_state() -> None:
    h = Harness([], actions=[module("api.idToken.setCustomClaim('https://x/a', 1);"),
                             module("api.idToken.setCustomClaim('https://x/b', 2);"),
                             module("api.idToken.setCustomClaim('https://x/c', 3);")])
    sb = h.pipeline.sandbox
    driven: list[int] = []
    run_rule, actions_state = sb.run_rule, sb.actions_state

    def counting_run_rule(i: int) -> int:
        driven.append(i)
        return run_rule(i)

    def no_state() -> Any:
        raise AssertionError("a flow whose steps were all DONE ran to its end")

    sb.run_rule = counting_run_rule
    sb.actions_state = no_state
    r = h.login()
    sb.run_rule, sb.actions_state = run_rule, actions_state
    assert r.outcome == "allowed"
    assert [r.id_token[f"https://x/{k}"] for k in "abc"] == [1, 2, 3]
    # The second and third Actions ran chained in promise jobs after the first settled.
    assert driven == [0]


def test_an_api_an_action_keeps_from_an_earlier_login_changes_nothing_in_a_later_one() -> None:
    # The sandbox reuses a flow's records of its Actions for the next login: methods of an
    # api kept in the module's scope must not reach them.
    keeper = module("""
if (globalThis.kept) {
  globalThis.kept.access.deny(42);
  globalThis.kept.idToken.setCustomClaim('stale', true);
  globalThis.kept.user.setAppMetadata('stale', true);
}
api.idToken.setCustomClaim('fresh', true);
globalThis.kept = { access: api.access, idToken: api.idToken, user: api.user };
""")
    h = Harness([], actions=[keeper, module("api.idToken.setCustomClaim('second', true);")],
                services=SERVICES)
    first = h.login()
    for r in (first, h.login(), h.login()):
        assert r.outcome == "allowed"
        assert r.id_token == {**first.id_token, "fresh": True, "second": True}
        assert "stale" not in r.id_token
        assert [str(r.run(a)["flags"] or "") for a in ("action1", "action2")] == ["", ""]
        assert [c for _, c, _, _ in commands(r)] == ["idToken.setCustomClaim"] * 2
