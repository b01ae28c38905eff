"""Every `api` method (contract sections 3 and 6): return values, validators, limits, effects."""

from __future__ import annotations

import pytest
from actions_harness import NOW_MS, ActionsHarness, action, login, run_actions

run = run_actions


def throws(call: str) -> str:
    """The message `call` throws synchronously inside an Action (the flow itself succeeds)."""
    r = run(action(f"try {{ {call}; console.log('no throw'); }} catch (e) {{ console.log(e.message); }}"))
    assert r["outcome"] == "success"
    return str(r["logs"][0])


# --- return values -------------------------------------------------------------------------

def test_setters_return_api_and_the_scope_and_factor_methods_return_nothing() -> None:
    r = run(action(
        "const out = {\n"
        "  deny: api.access.deny('x') === api,\n"
        "  id: api.idToken.setCustomClaim('https://a/x', 1) === api,\n"
        "  at: api.accessToken.setCustomClaim('https://a/x', 1) === api,\n"
        "  add: api.accessToken.addScope('a'), remove: api.accessToken.removeScope('b'),\n"
        "  mfa: api.multifactor.enable('any') === api,\n"
        "  app: api.user.setAppMetadata('k', 1) === api, usr: api.user.setUserMetadata('k', 1) === api,\n"
        "  saml: api.samlResponse.setAttribute('a', 'b') === api,\n"
        "  samlConfig: api.samlResponse.setAudience('urn:x') === api,\n"
        "  validation: api.validation.error('c', 'm') === api,\n"
        "  primary: api.authentication.setPrimaryUser('auth0|p'),\n"
        "  tx: api.transaction.setMetadata('k', 'v'),\n"
        "};\nconsole.log(JSON.stringify(out));"))
    assert r["logs"] == ['{"deny":true,"id":true,"at":true,"mfa":true,"app":true,"usr":true,'
                         '"saml":true,"samlConfig":true,"validation":true}']


# --- claims ----------------------------------------------------------------------------------

def test_the_last_claim_value_wins_and_undefined_removes_it() -> None:
    r = run(action("api.idToken.setCustomClaim('https://a/x', 1);"),
            action("api.idToken.setCustomClaim('https://a/x', 2);\napi.idToken.setCustomClaim("
                   "'https://a/y', 1);\n"
                   "api.idToken.setCustomClaim('https://a/y', undefined);"))
    assert r["idToken"]["https://a/x"] == 2
    assert "https://a/y" not in r["idToken"]


def test_restricted_and_auth0_namespaced_claims_are_dropped_silently() -> None:
    r = run(action("api.idToken.setCustomClaim('sub', 'evil');\napi.idToken.setCustomClaim('roles', "
                   "['admin']);\n"
                   "api.accessToken.setCustomClaim('https://tenant.auth0.com/x', 1);\n"
                   "api.idToken.setCustomClaim('plain', 1);"))
    assert r["outcome"] == "success"
    assert r["idToken"]["sub"] == "auth0|u1"
    assert r["idToken"]["plain"] == 1
    assert sorted(d[:3] for d in r["droppedClaims"]) == [
        ["access_token", "https://tenant.auth0.com/x", "reserved_namespace"],
        ["id_token", "roles", "restricted"], ["id_token", "sub", "restricted"]]


def test_setting_the_scope_claim_throws() -> None:
    assert throws("api.accessToken.setCustomClaim('scope', 'admin')").startswith("Cannot set custom "
                                                                                 "claim 'scope'")


def test_non_namespaced_access_token_claims_are_dropped_for_the_management_api() -> None:
    the_login = login()
    the_login["context"]["request"]["query"]["audience"] = "https://acme.eu.auth0.com/api/v2/"
    r = run(action("api.accessToken.setCustomClaim('tier', 'gold');\n"
                   "api.accessToken.setCustomClaim('https://acme.com/tier', 'gold');"), the_login=the_login)
    assert r["accessToken"] == {"https://acme.com/tier": "gold"}
    assert r["droppedClaims"][0][:3] == ["access_token", "tier", "auth0_api_audience"]


def test_profile_claims_override_the_stored_profile_unless_the_setting_drops_them() -> None:
    body = action("api.idToken.setCustomClaim('name', 'Countess');")
    assert run(body)["idToken"]["name"] == "Countess"
    dropped = run(body, settings={"override_profile_claims": "drop"})
    assert dropped["idToken"]["name"] == "Ada Lovelace"
    assert dropped["droppedClaims"][0][2] == "standard_claim"


def test_claims_over_100_kb_per_token_fail_the_login() -> None:
    r = run(action("api.accessToken.setCustomClaim('https://a/big', 'x'.repeat(110 * 1024));"))
    assert r["outcome"] == "failed"
    assert r["error"]["code"] == "claims_too_large"
    assert "access_token" in r["error"]["description"]
    fits = run(action("api.idToken.setCustomClaim('https://a/ok', 'x'.repeat(90 * 1024));"))
    assert fits["outcome"] == "success"


# --- scopes -----------------------------------------------------------------------------------

def test_scope_edits_apply_in_order_to_the_requested_scopes() -> None:
    r = run(action("api.accessToken.addScope('read:invoices');\napi.accessToken.removeScope('email');\n"
                   "api.accessToken.addScope('  write:invoices  ');\napi.accessToken.removeScope("
                   "'write:invoices');"))
    assert r["scopes"] == ["openid", "profile", "read:invoices"]


@pytest.mark.parametrize(("scope", "message"), [
    ("", "between 1 and 280"), ("a b", "whitespace"), ("x" * 281, "between 1 and 280"),
    (None, "must be a string")])
def test_invalid_scopes_throw(scope: str | None, message: str) -> None:
    arg = "null" if scope is None else repr(scope)
    assert message in throws(f"api.accessToken.addScope({arg})")


def test_the_scope_modification_limit_throws() -> None:
    r = run(action("for (let i = 0; i < 5; i++) api.accessToken.addScope('s' + i);"),
            settings={"scope_limit": 3})
    assert r["error"]["code"] == "invalid_api_argument"
    assert "at most 3" in r["error"]["description"]


# --- MFA ------------------------------------------------------------------------------------

def test_the_last_mfa_enable_wins_and_none_cancels() -> None:
    r = run(action("api.multifactor.enable('guardian');"),
            action("api.multifactor.enable('duo', {allowRememberBrowser: true, providerOptions: "
                   "{host: 'h', ikey: 'i', skey: 's'}});"))
    assert r["mfa"] == {"provider": "duo", "allowRememberBrowser": True,
                        "providerOptions": {"host": "h", "ikey": "i", "skey": "s"}, "action": "action-2"}
    cancelled = run(action("api.multifactor.enable('any');"), action("api.multifactor.enable('none');"))
    assert cancelled["mfa"] is None
    ignored = run(action("api.multifactor.enable('any');"), action("api.multifactor.enable('none');"),
                  settings={"mfa_none": "ignore"})
    assert ignored["mfa"]["provider"] == "any"


def test_an_unknown_mfa_provider_throws() -> None:
    assert "Invalid MFA provider" in throws("api.multifactor.enable('sms')")


def test_a_challenge_overrides_multifactor_enable() -> None:
    r = run(action("api.multifactor.enable('any');"), action("api.authentication.challengeWithAny("
                                                             "[{type: 'otp'}]);"),
            resume=[{}])
    assert r["mfa"] is None
    assert r["mfaOverridden"] is True
    assert r["factors"][0]["factors"] == [{"type": "otp"}]


def test_the_fifth_mfa_command_is_an_authentication_error() -> None:
    r = run(*[action("api.authentication.enrollWith({type: 'otp'});")] * 5, resume=[{}] * 5)
    assert r["outcome"] == "failed"
    assert r["error"]["code"] == "mfa_limit"
    assert r["error"]["index"] == 4


def test_invalid_factors_throw() -> None:
    assert "factor" in throws("api.authentication.challengeWith({type: 'carrier-pigeon'})")
    assert "non-empty array" in throws("api.authentication.enrollWithAny([])")
    assert "preferredMethod" in throws("api.authentication.challengeWith({type: 'phone', options: "
                                       "{preferredMethod: 'fax'}})")


def test_record_method_works_only_in_on_continue() -> None:
    assert "onContinuePostLogin" in throws("api.authentication.recordMethod('https://idv.example/')")
    r = run(action("api.redirect.sendUserTo('https://idv.example/start');",
                   continue_body="api.authentication.recordMethod('https://idv.example/');"),
            action("console.log(event.authentication.methods.map(m => m.name).join(','));"), resume=[{}])
    assert r["logs"] == ["pwd,https://idv.example/"]


def test_set_primary_user_changes_sub_once_and_discards_that_actions_user_metadata() -> None:
    r = run(action("api.user.setUserMetadata('lost', 1);\napi.user.setAppMetadata('kept', 1);\n"
                   "api.authentication.setPrimaryUser('auth0|primary');"),
            action("try { api.authentication.setPrimaryUser('auth0|again'); } catch (e) { "
                   "console.log(e.message); }"))
    assert r["idToken"]["sub"] == "auth0|primary"
    assert r["primaryUser"] == "auth0|primary"
    assert r["logs"] == ["The primary user can only be altered once per transaction"]
    assert r["metadata"]["writes"] == [{"leg": 0, "app_metadata": {"kept": 1}, "user_metadata": None}]


def test_set_primary_user_after_a_rule_did_throws() -> None:
    h = ActionsHarness([action("api.authentication.setPrimaryUser('auth0|p');")])
    r = h.run(primary_user="auth0|rule")
    assert r["error"]["code"] == "invalid_api_argument"


def test_set_primary_user_validates_the_id() -> None:
    message = throws("api.authentication.setPrimaryUser('')")
    assert message == "The provided primary_user_id must be a non-empty string"
    assert "maximum length" in throws("api.authentication.setPrimaryUser('x'.repeat(129))")


# --- user metadata ----------------------------------------------------------------------------

def test_set_metadata_throws_when_the_stored_metadata_is_not_an_object() -> None:
    h = ActionsHarness([action("api.user.setAppMetadata('k', 1);")])
    r = h.run(login(user={"app_metadata": "corrupt"}))
    assert r["error"]["description"] == "Unexpected app_metadata format. Must be a valid JSON object"


# --- redirect tokens --------------------------------------------------------------------------

ENCODE = ("const t = api.redirect.encodeToken({secret: 'shh', payload: {state: "
          "event.transaction.state, extra: 1}});\n"
          "const [, body] = t.split('.');\n"
          "console.log(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString());")


def test_encode_token_signs_an_hs256_jwt_with_auth0s_claims() -> None:
    import json

    r = run(action(ENCODE))
    claims = json.loads(r["logs"][0])
    now = NOW_MS // 1000
    assert claims == {"iat": now, "iss": "login.acme.com", "sub": "auth0|u1", "exp": now + 900,
                      "ip": "203.0.113.9", "state": "s0", "extra": 1}


VALIDATE = action(
    "const token = api.redirect.encodeToken({secret: 'shh', payload: {state: 'st', answer: 42}});\n"
    "api.redirect.sendUserTo('https://x.example/', {query: {session_token: token}});",
    continue_body="try { console.log(api.redirect.validateToken({secret: 'SECRET'}).answer); }\n"
                  "catch (e) { console.log(e.message); }")


def test_validate_token_returns_the_payload_of_a_good_token() -> None:
    import re

    h = ActionsHarness([VALIDATE.replace("'SECRET'", "'shh'")])
    first = h.run()
    token = re.search(r"session_token=([^&]+)", first["redirects"][0]["url"]).group(1)
    r = h.run(resume=[{"query": {"state": "st", "session_token": token}}])
    assert r["logs"] == ["42"]


@pytest.mark.parametrize(("secret", "state", "message"), [
    ("shh", "other", "The session token is invalid: state mismatch"),
    ("wrong", "st", "The session token is invalid: invalid signature"),
])
def test_validate_token_throws_on_any_mismatch(secret: str, state: str, message: str) -> None:
    import re

    h = ActionsHarness([VALIDATE.replace("'SECRET'", repr(secret))])
    token = re.search(r"session_token=([^&]+)", h.run()["redirects"][0]["url"]).group(1)
    assert h.run(resume=[{"query": {"state": state, "session_token": token}}])["logs"] == [message]


def test_validate_token_without_a_token_throws() -> None:
    r = run(VALIDATE, resume=[{"query": {}}])
    assert r["logs"] == ["There is no parameter called 'session_token' available in either the POST "
                         "body or query string."]


def test_send_user_to_appends_query_and_refuses_a_bad_url() -> None:
    r = run(action("api.redirect.sendUserTo('https://x.example/p?a=1', {query: {b: 'two words'}});"))
    assert r["redirects"][0]["url"] == "https://x.example/p?a=1&b=two+words"
    assert throws("api.redirect.sendUserTo('not a url')") == "Invalid URL"


def test_render_and_redirect_in_one_action_abort_it() -> None:
    r = run(action("api.redirect.sendUserTo('https://x.example/');\napi.prompt.render('form1');"))
    assert r["error"]["code"] == "action_aborted"
    assert r["error"]["description"] == "Redirect and render commands cannot be used in the same action."
    twice = run(action("api.prompt.render('f1');\napi.prompt.render('f2');"))
    assert twice["error"]["description"] == "Only 1 render command per action is allowed."


def test_prompt_render_validates_its_arguments() -> None:
    assert "promptId" in throws("api.prompt.render('')")
    assert "exceeds the limit" in throws("api.prompt.render('f', {vars: {x: 'x'.repeat(25000)}})")


# --- cache -------------------------------------------------------------------------------

def test_the_cache_returns_records_and_codes_without_throwing() -> None:
    r = run(action(
        "const out = [];\n"
        "out.push(api.cache.set('k', 'v'));\n"
        "out.push(api.cache.get('k'));\n"
        "out.push(api.cache.set('x'.repeat(65), 'v').code);\n"
        "out.push(api.cache.set('big', 'v'.repeat(4097)).code);\n"
        "out.push(api.cache.set('old', 'v', {expires_at: Date.now() - 1}).code);\n"
        "out.push(api.cache.set('long', 'v', {ttl: 25 * 3600 * 1000}).code);\n"
        "out.push(api.cache.set('both', 'v', {ttl: 60000, expires_at: Date.now() + "
        "1000}).record.expires_at - Date.now());\n"
        "out.push(api.cache.delete('nope').code);\n"
        "out.push(api.cache.delete('k').type);\n"
        "out.push(api.cache.get('k') === undefined);\n"
        "console.log(JSON.stringify(out));"))
    now = NOW_MS
    expires = now + 900000
    assert r["logs"] == [
        f'[{{"type":"success","record":{{"value":"v","expires_at":{expires}}}}},'
        f'{{"value":"v","expires_at":{expires}}},'
        '"CacheKeySizeExceeded","CacheValueSizeExceeded","ItemAlreadyExpired","InvalidExpiry",1000,'
        '"CacheKeyDoesNotExist","success",true]']


def test_the_cache_limits_entries_total_size_and_side_effects() -> None:
    r = run(action(
        "const codes = [];\n"
        "for (let i = 0; i < 21; i++) codes.push(api.cache.set('k' + i, 'v').type);\n"
        "console.log(codes.lastIndexOf('success') + 1, api.cache.set('k0', 'w').code);"))
    assert r["logs"] == ["20 MaxSideEffectsExceeded"]
    size = run(action("api.cache.set('a', 'v'.repeat(4000));\napi.cache.set('b', 'v'.repeat(4000));\n"
                      "console.log(api.cache.set('c', 'v'.repeat(400)).code);"))
    assert size["logs"] == ["CacheSizeExceeded"]


def test_cache_entries_expire_on_the_virtual_clock() -> None:
    r = run(action("api.cache.set('k', 'v', {ttl: 1000});\nawait new Promise(ok => setTimeout(ok, 1500));\n"
                   "console.log(String(api.cache.get('k')));"))
    assert r["logs"] == ["undefined"]


def test_the_cache_is_per_execution_by_default_and_can_be_shared_per_worker() -> None:
    body = action("console.log(String(api.cache.get('k') && api.cache.get('k').value));"
                  "\napi.cache.set('k', 'v');")
    h = ActionsHarness([body])
    assert [h.run()["logs"], h.run()["logs"]] == [["undefined"], ["undefined"]]
    shared = ActionsHarness([body], settings={"cache_mode": "shared-per-worker"})
    assert [shared.run()["logs"], shared.run()["logs"]] == [["undefined"], ["v"]]
    flaky = ActionsHarness([body], settings={"cache_mode": "flaky(1)"})
    assert [flaky.run()["logs"], flaky.run()["logs"]] == [["undefined"], ["undefined"]]


# --- transaction metadata -------------------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    ("api.transaction.setMetadata('x'.repeat(65), 1)", "key"),
    ("api.transaction.setMetadata('k', {a: 1})", "string, number or boolean"),
    ("api.transaction.setMetadata('k', 2 ** 60)", "safe"),
    ("api.transaction.setMetadata('k', 'v'.repeat(8193))", "8192 bytes"),
    ("for (let i = 0; i < 3; i++) api.transaction.setMetadata('k' + i, 'v'.repeat(8000))", "in total"),
])
def test_transaction_metadata_limits_throw(call: str, message: str) -> None:
    assert message in throws(call)


# --- session and refresh token -----------------------------------------------------------------

def test_session_methods_record_changes_and_validate() -> None:
    r = run(action("api.session.setMetadata('device', 'laptop');\napi.session.setExpiresAt(2000000000000);\n"
                   "api.session.setExpiresAt(1900000000000);\napi.session.setIdleExpiresAt(1800000000000);\n"
                   "api.session.setCookieMode('non-persistent');\nconsole.log("
                   "event.session.metadata.device, event.session.cookie.mode);"),
            action("console.log(event.session.metadata.device);\napi.session.deleteMetadata('device');"))
    assert r["logs"] == ["laptop non-persistent", "laptop"]
    assert r["session"] == {"metadata": {}, "expiresAt": 1900000000000, "idleExpiresAt": 1800000000000,
                            "cookieMode": "non-persistent", "revoked": None}
    assert "Invalid cookie mode" in throws("api.session.setCookieMode('forever')")
    assert "25 entries" in throws("for (let i = 0; i < 26; i++) api.session.setMetadata('k' + i, 'v')")
    assert "letters, numbers" in throws("api.session.setMetadata('bad key', 'v')")
    assert "must be provided" in throws("api.session.setExpiresAt(0)")


def test_session_metadata_needs_a_session() -> None:
    the_login = login()
    del the_login["context"]["sessionID"]
    r = run(action("try { api.session.setMetadata('k', 'v'); } catch (e) { console.log(e.message); }\n"
                   "api.session.deleteMetadata('k');\napi.session.evictMetadata();"), the_login=the_login)
    assert r["logs"] == ["Failed to set session metadata: Cannot set metadata on a session that does "
                         "not exist."]
    assert r["outcome"] == "success"


def test_session_revoke_denies_the_login() -> None:
    r = run(action("api.session.revoke('compromised', {preserveRefreshTokens: true});"), action(""))
    assert r["outcome"] == "denied"
    assert r["error"]["code"] == "session_revoked"
    assert r["session"]["revoked"] == {"reason": "compromised", "preserveRefreshTokens": True, "action": 0}


def test_refresh_token_methods_work_on_exchanges_and_throw_on_online_tokens() -> None:
    exchange = login(context={"protocol": "oauth2-refresh-token"})
    r = run(action("api.refreshToken.setMetadata('k', 'v');\napi.refreshToken.revoke('stolen');"),
            the_login=exchange)
    assert r["outcome"] == "denied"
    assert r["refreshToken"]["metadata"] == {"k": "v"}
    interactive = run(action("api.refreshToken.revoke('stolen');"))
    assert interactive["outcome"] == "success"
    assert interactive["actions"][0]["flags"] == ["no_refresh_token"]
    online = ActionsHarness(
        [action("event.refresh_token = {access: 'online'};\ntry { api.refreshToken.setExpiresAt(1); "
                "} catch (e) { console.log(e.message); }")],
        settings={"enterprise": True}).run(exchange)
    assert online["logs"] == ["Cannot call setExpiresAt on an online refresh token."]


UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


# --- SAML -------------------------------------------------------------------------------------

def test_saml_attributes_are_literal_values_and_config_setters_are_checked() -> None:
    # Every setter returns `api`, not `api.samlResponse`, so calls are not chained.
    r = run(action("const saml = api.samlResponse;\n"
                   "saml.setAttribute('email', event.user.email);\nsaml.setAttribute('groups', ['a', 'b']);\n"
                   "saml.setAttribute('gone', 'x');\nsaml.setAttribute('gone', undefined);\n"
                   "saml.setLifetimeInSeconds(28800);\nsaml.setSignatureAlgorithm('rsa-sha256');\n"
                   "saml.setNameIdentifierFormat();\nsaml.setNameIdentifierProbes(['email']);"))
    assert r["saml"] == {"attributes": {"email": "ada@acme.com", "groups": ["a", "b"], "gone": None},
                         "config": {"lifetimeInSeconds": 28800, "signatureAlgorithm": "rsa-sha256",
                                    "nameIdentifierFormat": UNSPECIFIED,
                                    "nameIdentifierProbes": ["email"]}}
    assert "positive integer" in throws("api.samlResponse.setLifetimeInSeconds(-1)")
    assert "rsa-sha256" in throws("api.samlResponse.setSignatureAlgorithm('md5')")
    assert "boolean" in throws("api.samlResponse.setSignResponse('yes')")
    assert "attribute value" in throws("api.samlResponse.setAttribute('a', {nested: 1})")
    assert "10240 bytes" in throws("for (let i = 0; i < 10; i++) api.samlResponse.setAttribute('a' + "
                                   "i, 'v'.repeat(2000))")


# --- validation.error ----------------------------------------------------------------------------

def test_validation_error_ends_the_login_with_the_custom_code() -> None:
    r = run(action("api.validation.error('invalid_domain', 'Use your work email');"), action(""))
    assert r["outcome"] == "custom"
    assert r["error"]["error"] == "invalid_domain"
    assert r["validationError"] == {"code": "invalid_domain", "message": "Use your work email"}
    assert [a["status"] for a in r["actions"]] == ["denied", "skipped"]
    mapped = run(action("api.validation.error('invalid_domain', 'm');"),
                 settings={"validation_error_code": "access_denied"})
    assert mapped["error"]["error"] == "access_denied"
    assert "100 characters" in throws("api.validation.error('c', 'm'.repeat(101))")


# --- early access ------------------------------------------------------------------------------

def test_early_access_methods_are_off_by_default() -> None:
    r = run(action("try { await api.groups.getUserGroups(); } catch (e) { console.log(e.message); }\n"
                   "try { api.transaction.addTargetScope('x'); } catch (e) { console.log(e.message); }"))
    assert r["logs"] == ["Method not implemented.", "Method not implemented."]
    on = run(action("console.log(JSON.stringify(await api.roles.getUserEffectiveRoles()));"),
             settings={"early_access": True})
    assert on["logs"] == ['{"roles":[]}']


def test_evict_and_delete_empty_session_and_refresh_token_metadata() -> None:
    exchange = login(context={"protocol": "oauth2-refresh-token"})
    r = run(action("api.session.setMetadata('a', '1');\napi.session.setMetadata('b', '2');\n"
                   "api.session.evictMetadata();\n"
                   "api.refreshToken.setMetadata('a', '1');\napi.refreshToken.setMetadata('b', '2');\n"
                   "api.refreshToken.deleteMetadata('a');\napi.refreshToken.setIdleExpiresAt(1900000000000);\n"
                   "api.refreshToken.setIdleExpiresAt(1950000000000);"), the_login=exchange)
    assert r["session"]["metadata"] == {}
    assert r["refreshToken"]["metadata"] == {"b": "2"}
    assert r["refreshToken"]["idleExpiresAt"] == 1900000000000
    ops = [c[3] for c in r["commands"]]
    assert ops.count("session.evictMetadata") == 1
    assert ops.count("refreshToken.deleteMetadata") == 1
