"""Every ``api`` command an Action issues is a row of ``changes``: its target, path, op and values.

The Actions are written as tenants write them; each login runs batched and on the host loop
(tests/runtime/pipeline_helpers.py) and both must give the same rows.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.pipeline_helpers import Harness

SESSION = {"sessionID": "sess_1", "sso": {"current_clients": ["cid"]}}

# (statement, expected rows [(command, target, path, op, before, after)], context)
COMMANDS: list[tuple[str, list[tuple[str, str, str, str, Any, Any]], dict[str, Any]]] = [
    ("api.idToken.setCustomClaim('https://acme.com/a', [1]);",
     [("idToken.setCustomClaim", "id_token", '["https://acme.com/a"]', "add", None, "[1]")], {}),
    ("api.accessToken.setCustomClaim('tier', 'gold');",
     [("accessToken.setCustomClaim", "access_token", "tier", "add", None, '"gold"')], {}),
    ("api.accessToken.addScope('read:x'); api.accessToken.removeScope('email');",
     [("accessToken.addScope", "access_token", "scope", "add", None, '"read:x"'),
      ("accessToken.removeScope", "access_token", "scope", "remove", '"email"', None)], {}),
    ("api.multifactor.enable('guardian', {allowRememberBrowser: false});",
     [("multifactor.enable", "multifactor", "", "add", None,
       '{"provider":"guardian","allowRememberBrowser":false}')], {}),
    ("api.multifactor.enable('any'); api.multifactor.enable('none');",
     [("multifactor.enable", "multifactor", "", "add", None, '{"provider":"any"}'),
      ("multifactor.enable", "multifactor", "", "remove", '{"provider":"any"}', None)], {}),
    ("api.authentication.challengeWith({type: 'otp'}, {additionalFactors: [{type: 'email'}]});",
     [("authentication.challengeWith", "multifactor", "factors", "add", None,
       '{"factors":[{"type":"otp"},{"type":"email"}],"options":{"additionalFactors":[{"type":"email"}]}}')],
     {}),
    ("api.authentication.challengeWithAny([{type: 'push-notification'}]);",
     [("authentication.challengeWithAny", "multifactor", "factors", "add", None,
       '{"factors":[{"type":"push-notification"}]}')], {}),
    ("api.authentication.enrollWith({type: 'webauthn-platform'});",
     [("authentication.enrollWith", "multifactor", "factors", "add", None,
       '{"factors":[{"type":"webauthn-platform"}]}')], {}),
    ("api.authentication.enrollWithAny([{type: 'otp'}, {type: 'phone'}]);",
     [("authentication.enrollWithAny", "multifactor", "factors", "add", None,
       '{"factors":[{"type":"otp"},{"type":"phone"}]}')], {}),
    ("api.authentication.setPrimaryUser('auth0|primary');",
     [("authentication.setPrimaryUser", "primary_user", "", "add", None, '"auth0|primary"')], {}),
    ("api.user.setAppMetadata('plan', 'gold'); api.user.setAppMetadata('plan', null);",
     [("user.setAppMetadata", "app_metadata", "plan", "add", None, '"gold"'),
      ("user.setAppMetadata", "app_metadata", "plan", "remove", '"gold"', None)], {}),
    ("api.user.setUserMetadata('theme', {dark: true});",
     [("user.setUserMetadata", "user_metadata", "theme", "add", None, '{"dark":true}')], {}),
    ("api.transaction.setMetadata('risk', 3);",
     [("transaction.setMetadata", "transaction_metadata", "risk", "add", None, "3")], {}),
    ("api.access.deny('nope');", [("access.deny", "access", "deny", "add", None, '"nope"')], {}),
    ("api.validation.error('bad_user', 'Bad user');",
     [("validation.error", "access", "validation_error", "add", None,
       '{"code":"bad_user","message":"Bad user"}')], {}),
    ("api.redirect.sendUserTo('https://acme.com/x', {query: {a: '1'}});",
     [("redirect.sendUserTo", "redirect", "", "add", None, '{"url":"https://acme.com/x?a=1"}')],
     {}),
    ("api.prompt.render('frm_1', {vars: {a: 1}});",
     [("prompt.render", "prompt", "", "add", None, '{"id":"frm_1","options":{"vars":{"a":1}}}')],
     {}),
    ("api.samlResponse.setAttribute('http://schemas/role', ['a']);\n"
     "api.samlResponse.setLifetimeInSeconds(600);\napi.samlResponse.setRelayState('/home');",
     [("samlResponse.setAttribute", "saml", 'attributes["http://schemas/role"]', "add", None,
       '["a"]'),
      ("samlResponse.setLifetimeInSeconds", "saml", "lifetimeInSeconds", "add", None, "600"),
      ("samlResponse.setRelayState", "saml", "RelayState", "add", None, '"/home"')], {}),
    ("api.cache.set('k', 'v', {ttl: 1000}); api.cache.delete('k');",
     [("cache.set", "cache", "k", "add", None, '"v"'),
      ("cache.delete", "cache", "k", "remove", None, None)], {}),
    ("api.session.setMetadata('device', 'ios'); api.session.deleteMetadata('device');\n"
     "api.session.setExpiresAt(1900000000000); api.session.setIdleExpiresAt(1800000000000);\n"
     "api.session.setCookieMode('persistent'); api.session.evictMetadata();",
     [("session.setMetadata", "session", "metadata.device", "add", None, '"ios"'),
      ("session.deleteMetadata", "session", "metadata.device", "remove", '"ios"', None),
      ("session.setExpiresAt", "session", "expires_at", "add", None, "1900000000000"),
      ("session.setIdleExpiresAt", "session", "idle_expires_at", "add", None, "1800000000000"),
      ("session.setCookieMode", "session", "cookie.mode", "add", None, '"persistent"')], SESSION),
    ("api.session.revoke('stolen');",
     [("session.revoke", "session", "revoked", "add", None, '{"reason":"stolen"}')], SESSION),
    ("api.refreshToken.setMetadata('app', 'x'); api.refreshToken.setExpiresAt(1900000000000);",
     [("refreshToken.setMetadata", "refresh_token", "metadata.app", "add", None, '"x"'),
      ("refreshToken.setExpiresAt", "refresh_token", "expires_at", "add", None,
       "1900000000000")], {}),
    ("api.refreshToken.revoke('rotated');",
     [("refreshToken.revoke", "refresh_token", "revoked", "add", None, '{"reason":"rotated"}')],
     {"protocol": "oauth2-refresh-token"}),
]


@pytest.mark.parametrize(("statement", "rows", "context"), COMMANDS,
                         ids=[c[1][0][0] + ("+" if len(c[1]) > 1 else "") for c in COMMANDS])
def test_each_api_command_is_a_change_row(statement: str, rows: list[Any],
                                          context: dict[str, Any]) -> None:
    h = Harness([], actions=[f"exports.onExecutePostLogin = async (event, api) => {{\n"
                             f"  {statement}\n}};\n"])
    r = h.login(context=context)
    got = [(c["command"], c["target"], c["path"], c["op"], c["before"], c["after"])
           for c in r.changes_of("action1")]
    assert got == rows, r.login["error_message"]
    assert r.run("action1")["n_changes"] == len(rows)


def test_queries_that_change_nothing_have_no_row() -> None:
    h = Harness([], actions=[
        "exports.onExecutePostLogin = async (event, api) => {\n"
        "  const token = api.redirect.encodeToken({secret: 's', payload: {a: 1}});\n"
        "  api.idToken.setCustomClaim('https://acme.com/t', typeof token);\n"
        "  api.idToken.setCustomClaim('https://acme.com/r', api.rules.wasExecuted('rul_x'));\n"
        "  api.idToken.setCustomClaim('https://acme.com/c', api.redirect.canRedirect());\n"
        "};\n"])
    r = h.login()
    assert [c["command"] for c in r.changes_of("action1")] == ["idToken.setCustomClaim"] * 3
    assert r.id_token["https://acme.com/t"] == "string"


def test_commands_after_the_handler_settled_are_recorded_flagged_and_ignored() -> None:
    h = Harness([], actions=[
        "exports.onExecutePostLogin = async (event, api) => {\n"
        "  setTimeout(() => api.idToken.setCustomClaim('https://acme.com/late', 1), 10);\n"
        "};\n",
        "exports.onExecutePostLogin = async (event, api) => {\n"
        "  await new Promise((resolve) => setTimeout(resolve, 50));\n"
        "};\n"])
    r = h.login()
    late = r.changes_of("action1")
    assert [(c["command"], c["flags"]) for c in late] == [("idToken.setCustomClaim",
                                                          "after_resolve,ignored")]
    assert "https://acme.com/late" not in r.id_token
    assert set(r.run("action1")["flags"].split(",")) >= {"after_resolve", "ignored"}


def test_keys_give_the_same_rows_at_every_login_whatever_their_form_or_length() -> None:
    # Keys are parsed once and remembered across logins (changes.js keyOf); a long key is not
    # remembered. Every login must still give the first login's rows.
    long_key = "k" * 300
    h = Harness([], actions=[
        "exports.onExecutePostLogin = async (event, api) => {\n"
        "  api.idToken.setCustomClaim('plain', 1);\n"
        "  api.idToken.setCustomClaim('not an identifier', 2);\n"
        "  api.accessToken.setCustomClaim('42', 3);\n"
        f"  api.idToken.setCustomClaim('{long_key}', 4);\n"
        "  api.idToken.setCustomClaim('plain', 5);\n"
        "};\n"])
    expected = [("idToken.setCustomClaim", "id_token", "plain", "add", None, "1"),
                ("idToken.setCustomClaim", "id_token", '["not an identifier"]', "add", None, "2"),
                ("accessToken.setCustomClaim", "access_token", '["42"]', "add", None, "3"),
                ("idToken.setCustomClaim", "id_token", long_key, "add", None, "4"),
                ("idToken.setCustomClaim", "id_token", "plain", "replace", "1", "5")]
    for _ in range(3):
        r = h.login()
        got = [(c["command"], c["target"], c["path"], c["op"], c["before"], c["after"])
               for c in r.changes_of("action1")]
        assert got == expected, r.login["error_message"]
