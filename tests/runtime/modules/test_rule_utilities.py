"""@auth0/rule-utilities: redirect helpers and the metadata updater, as documented."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from module_harness import NOW_MS, ModuleHarness

REDIRECT_RULE = """async function (user, context, callback) {
  const {
    Auth0RedirectRuleUtilities, Auth0UserUpdateUtilities
  } = require('@auth0/rule-utilities@0.2.0');
  const ruleUtils = new Auth0RedirectRuleUtilities(user, context, configuration);
  const userUtils = new Auth0UserUpdateUtilities(user, auth0, 'verification');

  if (ruleUtils.isRedirectCallback && ruleUtils.queryParams.session_token) {
    try {
      const claims = ruleUtils.validateSessionToken();
      userUtils.setAppMeta('is_verified', claims.verified === true);
      await userUtils.updateAppMeta();
    } catch (error) {
      return callback(error);
    }
    return callback(null, user, context);
  }
  if (ruleUtils.canRedirect && !userUtils.getAppMeta('is_verified')) {
    ruleUtils.doRedirect(configuration.ID_VERIFICATION_URL);
  }
  callback(null, user, context);
}"""

CONFIG = {
    "SESSION_TOKEN_SECRET": "long-random-secret",
    "ID_VERIFICATION_URL": "https://verify.example.com/start",
}


def _context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "protocol": "oidc-basic-profile",
        "request": {"hostname": "acme.eu.auth0.com", "ip": "203.0.113.5", "query": {}},
    }
    ctx.update(extra)
    return ctx


def test_a_first_pass_redirects_with_a_session_token_for_the_user(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        REDIRECT_RULE, user={"user_id": "auth0|7"}, context=_context(), configuration=CONFIG
    )
    assert run.error is None
    url = urlsplit(run.context["redirect"]["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://verify.example.com/start"
    token = parse_qs(url.query)["session_token"][0]
    claims = harness.eval(f"require('jsonwebtoken').verify('{token}', 'long-random-secret')")
    assert claims == {
        "sub": "auth0|7",
        "iss": "https://acme.eu.auth0.com/",
        "ip": "203.0.113.5",
        "iat": NOW_MS // 1000,
        "exp": NOW_MS // 1000 + 3 * 86400,
    }


def test_the_continue_pass_validates_the_token_and_persists_metadata(
    harness: ModuleHarness,
) -> None:
    token = harness.eval(
        "new (require('@auth0/rule-utilities').Auth0RedirectRuleUtilities)({user_id: 'auth0|7'},"
        " {request: {hostname: 'acme.eu.auth0.com', ip: '1.2.3.4'}},"
        " {SESSION_TOKEN_SECRET: 'long-random-secret'})"
        ".createSessionToken({verified: true})"
    )
    run = harness.run_rule(
        REDIRECT_RULE,
        user={"user_id": "auth0|7", "app_metadata": {"plan": "free"}},
        context=_context(
            protocol="redirect-callback",
            request={"hostname": "acme.eu.auth0.com", "query": {"session_token": token}},
        ),
        configuration=CONFIG,
        responder=lambda call: {"user_id": call["args"]["id"]},
    )
    assert run.error is None
    assert "redirect" not in run.context
    assert run.calls == [
        {
            "kind": "mgmt",
            "op": "updateUser",
            "args": {
                "id": "auth0|7",
                "data": {"app_metadata": {"plan": "free", "verification": {"is_verified": True}}},
            },
        }
    ]


def test_a_token_for_another_user_fails_the_login(harness: ModuleHarness) -> None:
    token = harness.eval(
        "require('jsonwebtoken').sign({sub: 'auth0|other', iss: 'https://acme.eu.auth0.com/'},"
        " 'long-random-secret', {expiresIn: 60})"
    )
    run = harness.run_rule(
        REDIRECT_RULE,
        user={"user_id": "auth0|7"},
        context=_context(
            protocol="redirect-callback",
            request={"hostname": "acme.eu.auth0.com", "query": {"session_token": token}},
        ),
        configuration=CONFIG,
    )
    assert run.error == {
        "name": "JsonWebTokenError",
        "message": "jwt subject invalid. expected: auth0|7",
    }
    assert run.calls == []


def test_can_redirect_is_false_where_auth0_cannot_redirect(harness: ModuleHarness) -> None:
    got = harness.eval(
        """(function () {
             var U = require('@auth0/rule-utilities').Auth0RedirectRuleUtilities;
             function can(ctx) { return new U({user_id: 'u'}, ctx, {}).canRedirect; }
             return [can({request: {query: {}}}), can({redirect: {url: 'x'}}),
                     can({multifactor: {provider: 'any'}}),
                     can({request: {query: {prompt: 'none'}}}),
                     can({protocol: 'oauth2-refresh-token'}),
                     can({protocol: 'oauth2-resource-owner'}), can({protocol: 'oauth2-password'})];
           })()"""
    )
    assert got == [True, False, False, False, False, False, False]


def test_do_redirect_refuses_when_it_cannot_and_honours_token_options(
    harness: ModuleHarness,
) -> None:
    got = harness.eval(
        """(function () {
             var U = require('@auth0/rule-utilities').Auth0RedirectRuleUtilities;
             var out = [];
             var ctx = {protocol: 'oauth2-password', request: {query: {}}};
             try { new U({user_id: 'u'}, ctx, {}).doRedirect('https://x'); }
             catch (e) { out.push(e.message); }
             var c1 = {request: {query: {}}};
             new U({user_id: 'u'}, c1, {}).doRedirect('https://x', {generateSessionToken: false});
             var c2 = {request: {query: {}}};
             new U({user_id: 'u'}, c2, {}).doRedirect('https://x?a=1', {sessionToken: 'abc'});
             out.push(c1.redirect.url, c2.redirect.url);
             return out;
           })()"""
    )
    assert got == ["Cannot redirect", "https://x", "https://x?a=1&session_token=abc"]


def test_validate_refuses_a_token_without_expiry(harness: ModuleHarness) -> None:
    got = harness.eval(
        """(function () {
             var jwt = require('jsonwebtoken');
             var t = jwt.sign({sub: 'u', iss: 'https://h/'}, 's');
             var U = require('@auth0/rule-utilities').Auth0RedirectRuleUtilities;
             var ctx = {request: {hostname: 'h', query: {session_token: t}}};
             try { new U({user_id: 'u'}, ctx, {SESSION_TOKEN_SECRET: 's'}).validateSessionToken(); }
             catch (e) { return e.message; }
           })()"""
    )
    assert got == "Expired token"
