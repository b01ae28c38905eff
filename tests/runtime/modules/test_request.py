"""request: the callback API rules use, against canned host responses."""

from __future__ import annotations

import base64
import json
from typing import Any

from module_harness import HostError, ModuleHarness, http_reply


def test_an_enrichment_rule_posts_json_and_reads_the_parsed_body(harness: ModuleHarness) -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        assert call["method"] == "POST"
        return http_reply(200, {"tier": "gold", "score": 0.2})

    run = harness.run_rule(
        """function (user, context, callback) {
             const request = require('request');
             request.post({
               url: 'https://enrich.example.com/v1/lookup',
               json: { email: user.email },
               headers: { 'X-Api-Key': configuration.ENRICH_KEY },
               timeout: 3000
             }, function (err, response, body) {
               if (err) return callback(err);
               if (response.statusCode !== 200) return callback(new Error('enrich failed'));
               context.idToken['https://acme.com/tier'] = body.tier;
               callback(null, user, context);
             });
           }""",
        user={"user_id": "auth0|1", "email": "ann@example.com"},
        context={"idToken": {}},
        configuration={"ENRICH_KEY": "k-123"},
        responder=responder,
    )
    assert run.error is None
    assert run.context["idToken"] == {"https://acme.com/tier": "gold"}
    (call,) = run.calls
    assert call == {
        "kind": "http",
        "method": "POST",
        "url": "https://enrich.example.com/v1/lookup",
        "headers": {
            "x-api-key": "k-123",
            "content-type": "application/json",
            "accept": "application/json",
        },
        "body": json.dumps({"email": "ann@example.com"}, separators=(",", ":")),
        "timeoutMs": 3000,
    }


def test_get_with_qs_auth_and_a_text_body(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             require('request').get('https://api.example.com/users', {
               qs: { email: user.email, fields: ['a', 'b'] },
               auth: { user: 'svc', pass: 'pw' }
             }, function (err, res, body) {
               context.idToken.body = body;
               context.idToken.type = res.headers['content-type'];
               callback(null, user, context);
             });
           }""",
        user={"user_id": "auth0|1", "email": "a+b@example.com"},
        context={"idToken": {}},
        responder=lambda call: http_reply(200, "plain text", {"Content-Type": "text/plain"}),
    )
    (call,) = run.calls
    assert (
        call["url"]
        == "https://api.example.com/users?email=a%2Bb%40example.com&fields%5B0%5D=a&fields%5B1%5D=b"
    )
    assert call["headers"]["authorization"] == "Basic " + base64.b64encode(b"svc:pw").decode()
    assert run.context["idToken"] == {"body": "plain text", "type": "text/plain"}


def test_qs_escapes_what_encodeuricomponent_leaves_and_userinfo_becomes_basic_auth(
        harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             var request = require('request');
             request.get({ url: 'https://svc:p%40ss@api.example.com/a@b', qs: { q: "it's (a) *test*!" } },
               function () {
                 request('https://api.example.com/plain?x=1&', { qs: { y: 2 } }, function () {
                   callback(null, user, context);
                 });
               });
           }""",
        user={"user_id": "auth0|1"},
        context={},
        responder=lambda call: http_reply(200, "ok"),
    )
    first, second = run.calls
    assert first["url"] == "https://api.example.com/a@b?q=it%27s%20%28a%29%20%2Atest%2A%21"
    assert first["headers"]["authorization"] == "Basic " + base64.b64encode(b"svc:p@ss").decode()
    assert second["url"] == "https://api.example.com/plain?x=1&y=2"
    assert "authorization" not in second["headers"]


def test_form_posts_are_urlencoded_and_bearer_auth_is_sent(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             require('request')({ method: 'POST', uri: 'https://idp.example.com/token',
               form: { grant_type: 'client_credentials', scope: 'read write' },
               auth: { bearer: 'tok' } }, function (err, res, body) {
               callback(null, user, context);
             });
           }""",
        responder=lambda call: http_reply(200, "{}"),
    )
    (call,) = run.calls
    assert call["body"] == "grant_type=client_credentials&scope=read%20write"
    assert call["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert call["headers"]["authorization"] == "Bearer tok"


def test_a_connection_error_reaches_the_callback_with_its_code(harness: ModuleHarness) -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        raise HostError("socket hang up", code="ECONNRESET")

    run = harness.run_rule(
        """function (user, context, callback) {
             const opts = { url: 'https://down.example.com/x', json: true };
             require('request').get(opts, function (err, res, body) {
               if (err) return callback(new Error('lookup failed: ' + err.code));
               callback(null, user, context);
             });
           }""",
        responder=responder,
    )
    assert run.error == {"name": "Error", "message": "lookup failed: ECONNRESET"}


def test_a_fire_and_forget_webhook_is_sent_without_delaying_the_callback(
    harness: ModuleHarness,
) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             require('request').post({ url: 'https://hooks.example.com/login',
                                      json: { id: user.user_id } });
             callback(null, user, context);
           }""",
        responder=lambda call: (_ for _ in ()).throw(HostError("unmatched", code="ENOTFOUND")),
    )
    assert run.error is None
    assert run.called_back
    assert [c["url"] for c in run.calls] == ["https://hooks.example.com/login"]
    assert run.uncaught == []


def test_defaults_merge_headers_and_base_url(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const api = require('request').defaults({ baseUrl: 'https://api.example.com/v2/',
               headers: { 'User-Agent': 'rule' }, json: true });
             const opts = { uri: '/sessions/1', headers: { 'X-Trace': 't' } };
             api.del(opts, function (err, res, body) {
               context.idToken.status = res.statusCode;
               context.idToken.deleted = body.deleted;
               callback(null, user, context);
             });
           }""",
        context={"idToken": {}},
        responder=lambda call: http_reply(202, {"deleted": True}),
    )
    (call,) = run.calls
    assert call["method"] == "DELETE"
    assert call["url"] == "https://api.example.com/v2/sessions/1"
    assert call["headers"] == {"user-agent": "rule", "x-trace": "t", "accept": "application/json"}
    assert run.context["idToken"] == {"status": 202, "deleted": True}
