"""What the application receives (tokens, MFA, redirect) and the per-rule change records."""

from __future__ import annotations

import json

from rulesim.runtime.services import Latency, Route, Services
from tests.runtime.pipeline_helpers import Harness, run_once


def rule(body: str) -> str:
    return "function (user, context, callback) {\n" + body + "\n  callback(null, user, context);\n}"


def test_the_id_token_has_the_standard_claims_of_the_requested_scopes() -> None:
    r = run_once([rule("")], context={"request": {"query": {"scope": "openid email"}}})
    assert r.id_token == {"sub": "auth0|alice", "email": "alice@acme.com", "email_verified": True}
    r = run_once([rule("")], context={"request": {"query": {"scope": "openid profile"}}})
    assert r.id_token == {"sub": "auth0|alice", "name": "Alice Doe", "nickname": "alice",
                          "picture": "https://x/p.png"}


def test_the_id_token_reflects_the_final_user() -> None:
    r = run_once([rule("  user.name = 'Alice Q. Doe';")])
    assert r.id_token["name"] == "Alice Q. Doe"


def test_restricted_and_reserved_namespace_claims_are_dropped_and_recorded() -> None:
    body = ("  context.idToken.roles = ['admin'];\n"
            "  context.idToken['https://example.auth0.com/x'] = 1;\n"
            "  context.idToken['https://acme.com/ok'] = 2;\n"
            "  context.idToken.plain = 3;")
    r = run_once([rule(body)])
    assert "roles" not in r.id_token
    assert "https://example.auth0.com/x" not in r.id_token
    assert r.id_token["https://acme.com/ok"] == 2
    assert r.id_token["plain"] == 3
    assert json.loads(r.login["dropped_claims"]) == [
        ["id_token", "roles", "restricted"], ["id_token", "https://example.auth0.com/x",
                                               "reserved_namespace"]]


def test_access_token_claims_and_scope_replacement() -> None:
    body = ("  context.accessToken['https://acme.com/tier'] = 'gold';\n"
            "  context.accessToken.scope = ['read:invoices'];")
    r = run_once([rule(body)])
    assert r.access_token == {"https://acme.com/tier": "gold"}
    assert r.login["scopes"] == "read:invoices"


def test_custom_claims_over_100_kb_fail_the_login() -> None:
    r = run_once([rule("  context.idToken['https://acme.com/blob'] = 'x'.repeat(1024 * 1024);")])
    assert (r.outcome, r.code) == ("error", "claims_too_large")


def test_mfa_redirect_saml_and_primary_user_are_recorded_as_outputs() -> None:
    body = ("  context.multifactor = {provider: 'guardian', allowRememberBrowser: false};\n"
            "  context.samlConfiguration = {audience: 'urn:x'};\n"
            "  context.primaryUser = 'auth0|main';\n"
            "  context.redirect = {url: 'https://acme.com/tos'};")
    r = run_once([rule(body)])
    assert r.outcome == "redirect"
    assert bool(r.login["mfa_required"]) and r.login["mfa_provider"] == "guardian"
    assert r.login["redirect_url"] == "https://acme.com/tos"
    assert json.loads(r.login["saml"]) == {"audience": "urn:x"}
    assert json.loads(r.login["primary_user"]) == "auth0|main"


def test_saml_mappings_resolve_on_the_final_user_and_a_throwing_getter_leaves_its_attribute_out() -> None:
    body = ("  user.app_metadata = user.app_metadata || {};\n"
            "  user.app_metadata.plan = 'gold';\n"
            "  Object.defineProperty(user.app_metadata, 'trap',\n"
            "    {get: function () { throw new Error('no'); }});\n"
            "  context.samlConfiguration = {mappings: {\n"
            "    'http://schemas.acme.com/plan': 'app_metadata.plan',\n"
            "    'http://schemas.acme.com/trap': 'app_metadata.trap',\n"
            "    'http://schemas.acme.com/none': 'app_metadata.missing.deeper',\n"
            "    'http://schemas.acme.com/email': 'email'}};")
    r = run_once([rule(body)])
    assert r.outcome == "allowed"
    assert json.loads(r.login["saml_attributes"]) == {
        "http://schemas.acme.com/plan": "gold", "http://schemas.acme.com/email": "alice@acme.com"}


def changes_of(r: object) -> list[tuple[str, str, str, str, object, object]]:
    ch = r.changes  # type: ignore[attr-defined]
    return [(row.rule, row.target, row.path, row.op,
             None if row.before is None or str(row.before) == "<NA>" else json.loads(row.before),
             None if row.after is None or str(row.after) == "<NA>" else json.loads(row.after))
            for row in ch.astype(object).where(ch.notna(), None).itertuples(index=False)]


def test_changes_record_add_replace_and_remove_with_json_paths() -> None:
    first = rule("  user.app_metadata = {roles: ['user'], plan: 'free'};\n"
                 "  context.idToken['https://acme.com/roles'] = ['user'];")
    second = rule("  user.app_metadata.roles.push('admin');\n"
                  "  user.app_metadata.plan = 'pro';\n"
                  "  delete context.idToken['https://acme.com/roles'];\n"
                  "  user.nickname = 'al';")
    r = run_once([first, second])
    assert changes_of(r) == [
        ("rule1", "app_metadata", "", "add", None, {"roles": ["user"], "plan": "free"}),
        ("rule1", "id_token", '["https://acme.com/roles"]', "add", None, ["user"]),
        ("rule2", "user", "nickname", "replace", "alice", "al"),
        ("rule2", "app_metadata", "roles", "replace", ["user"], ["user", "admin"]),
        ("rule2", "app_metadata", "plan", "replace", "free", "pro"),
        ("rule2", "id_token", '["https://acme.com/roles"]', "remove", ["user"], None),
    ]
    assert list(r.rule_runs["n_changes"]) == [2, 4]


def test_a_rule_that_writes_the_same_value_records_no_change() -> None:
    r = run_once([rule("  user.email = user.email;\n  user.app_metadata = {};")],
                 {"app_metadata": {}})
    assert r.changes.empty


def test_fire_and_forget_calls_complete_and_are_recorded_without_delaying_the_login() -> None:
    services = Services([Route(name="hook", method="POST", url="https://hooks.example/*",
                               body="ok", latency=Latency.fixed(400))])
    src = ("function (user, context, callback) {\n"
           "  var request = require('request');\n"
           "  request.post({url: 'https://hooks.example/login', json: {u: user.user_id}});\n"
           "  callback(null, user, context);\n}")
    r = run_once([src], services=services)
    assert r.outcome == "allowed"
    assert len(r.calls) == 1
    call = r.calls.iloc[0]
    assert (call["route"], int(call["status"]), bool(call["fire_and_forget"])) == ("hook", 200, True)
    assert r.login["latency_ms"] < 400


def test_an_unmatched_request_fails_inside_the_rule_as_a_connection_error() -> None:
    src = ("function (user, context, callback) {\n"
           "  require('request').get('https://nowhere.example/x', function (err) {\n"
           "    if (err) return callback(new Error('lookup failed: ' + err.code));\n"
           "    callback(null, user, context);\n  });\n}")
    r = run_once([src])
    assert (r.outcome, r.login["error_message"]) == (
        "error", "rule `rule1` (line 3): lookup failed: ENOTFOUND")
    assert r.calls.iloc[0]["error"] == "ENOTFOUND"


def test_a_slow_api_pushes_the_login_past_the_deadline() -> None:
    services = Services([Route(name="slow", url="https://slow.example/*", json={"ok": True},
                               latency=Latency.fixed(25_000))])
    src = ("function (u, c, cb) {\n  require('request')({url: 'https://slow.example/a', json: true},"
           " function () { cb(null, u, c); });\n}")
    r = run_once([src], services=services)
    assert (r.outcome, r.code) == ("timeout", "pipeline_timeout")


def test_a_raising_service_handler_becomes_an_error_row() -> None:
    r = run_once([
        "function (u, c, cb) { require('request').get('https://h.example/', function () "
        "{ cb(null, u, c); }); }"], services=Services([Route(name="h", url="https://h.example/*",
                                                             handler=_boom)]))
    assert (r.outcome, r.code) == ("error", "service_handler_error")
    assert "boom" in r.login["error_message"]


def _boom(request: object) -> dict[str, object]:
    raise RuntimeError("boom")


def test_changes_keep_the_order_of_keys_before_the_rule_when_one_is_deleted_and_readded() -> None:
    first = rule("  context.idToken.a = 1; context.idToken.b = 2; context.idToken.c = 3;")
    second = rule("  delete context.idToken.a;\n"
                  "  context.idToken.c = 30;\n"
                  "  context.idToken.d = 4;\n"
                  "  context.idToken.a = 10;")
    r = run_once([first, second])
    assert changes_of(r)[3:] == [
        ("rule2", "id_token", "a", "replace", 1, 10),
        ("rule2", "id_token", "c", "replace", 3, 30),
        ("rule2", "id_token", "d", "add", None, 4),
    ]


def test_nested_writes_are_recorded_under_their_top_level_key_with_deep_paths() -> None:
    first = rule("  user.app_metadata = {prefs: {theme: 'dark', lang: 'en'}, n: 1};")
    second = rule("  user.app_metadata.prefs.theme = 'light';\n"
                  "  delete user.app_metadata.prefs.lang;\n"
                  "  user.app_metadata.prefs.tz = 'UTC';")
    r = run_once([first, second])
    assert changes_of(r)[1:] == [
        ("rule2", "app_metadata", "prefs.theme", "replace", "dark", "light"),
        ("rule2", "app_metadata", "prefs.lang", "remove", "en", None),
        ("rule2", "app_metadata", "prefs.tz", "add", None, "UTC"),
    ]


def test_writing_a_part_back_to_itself_records_only_the_keys_the_rule_changed() -> None:
    body = ("  user.app_metadata = user.app_metadata || {};\n"
            "  user.app_metadata.count = (user.app_metadata.count || 0) + 1;\n"
            "  context.idToken = context.idToken;\n"
            "  user.user_metadata = user.user_metadata;")
    r = run_once([rule(body)], {"app_metadata": {"count": 4, "plan": "pro"}, "user_metadata": {"a": 1}})
    assert changes_of(r) == [("rule1", "app_metadata", "count", "replace", 4, 5)]
    r = run_once([rule(body)], {"user_metadata": {"a": 1}})
    assert changes_of(r) == [("rule1", "app_metadata", "", "add", None, {"count": 1})]


def test_a_part_replaced_after_a_key_write_is_diffed_against_its_state_before_the_rule() -> None:
    first = rule("  context.idToken.keep = 1; context.idToken.drop = 2;")
    second = rule("  context.idToken.keep = 5;\n"
                  "  context.idToken = {keep: 1, fresh: true};")
    r = run_once([first, second])
    assert changes_of(r)[2:] == [
        ("rule2", "id_token", "drop", "remove", 2, None),
        ("rule2", "id_token", "fresh", "add", None, True),
    ]


def test_an_object_stored_in_a_claim_and_mutated_afterwards_is_recorded_as_it_ends() -> None:
    r = run_once([rule("  var claims = {};\n"
                       "  context.idToken['https://acme.com/c'] = claims;\n"
                       "  claims.tier = 'gold';\n"
                       "  context.idToken.skip = undefined;")])
    assert changes_of(r) == [
        ("rule1", "id_token", '["https://acme.com/c"]', "add", None, {"tier": "gold"})]


def test_a_callback_with_new_objects_is_diffed_against_the_state_before_the_rule() -> None:
    body = ("function (user, context, callback) {\n"
            "  context.idToken.x = 1;\n"
            "  var next = JSON.parse(JSON.stringify(context));\n"
            "  next.idToken = {y: 2};\n"
            "  callback(null, user, next);\n}")
    r = run_once([body])
    assert changes_of(r) == [("rule1", "id_token", "y", "add", None, 2)]


def test_an_array_shared_by_two_claims_records_both_when_mutated_in_place() -> None:
    first = rule("  var groups = ['a'];\n"
                 "  context.idToken['https://acme.com/groups'] = groups;\n"
                 "  context.idToken['https://acme.com/teams'] = groups;")
    second = rule("  context.idToken['https://acme.com/groups'].push('b');")
    r = run_once([first, second])
    assert changes_of(r)[2:] == [
        ("rule2", "id_token", '["https://acme.com/groups"]', "replace", ["a"], ["a", "b"]),
        ("rule2", "id_token", '["https://acme.com/teams"]', "replace", ["a"], ["a", "b"]),
    ]


def test_a_login_that_ends_with_writes_left_uncollected_lends_none_to_the_next_login() -> None:
    # A part's tracking record is reused rule after rule: the writes of a rule that never
    # called back are still marked when its login ends, and must not reach the next login
    # (there the first rule would read its "before" from the previous login's claims).
    first = rule("  context.idToken.a = user.email;")
    second = ("function (user, context, callback) {\n  context.idToken.x = 1;\n"
              "  if (user.email !== 'stuck@acme.com') callback(null, user, context);\n}")
    h = Harness([first, second])
    assert h.login({"email": "stuck@acme.com"}).code == "callback_not_called"
    assert changes_of(h.login({"email": "bob@acme.com"})) == [
        ("rule1", "id_token", "a", "add", None, "bob@acme.com"),
        ("rule2", "id_token", "x", "add", None, 1),
    ]
