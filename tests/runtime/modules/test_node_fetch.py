"""node-fetch: Response objects with ok/status/json/text and headers.get."""

from __future__ import annotations

from typing import Any

from module_harness import HostError, ModuleHarness, http_reply


def test_a_rule_fetches_json_and_reads_headers(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const fetch = require('node-fetch');
             const res = await fetch('https://geo.example.com/ip/' + context.request.ip, {
               headers: { 'X-Key': configuration.GEO_KEY } });
             if (!res.ok) return callback(new Error('geo lookup ' + res.status));
             const data = await res.json();
             context.idToken.country = data.country;
             context.idToken.limit = res.headers.get('X-RateLimit-Remaining');
             callback(null, user, context);
           }""",
        context={"idToken": {}, "request": {"ip": "198.51.100.7"}},
        configuration={"GEO_KEY": "g"},
        responder=lambda call: http_reply(200, {"country": "NL"}, {"X-RateLimit-Remaining": "99"}),
    )
    assert run.error is None
    assert run.context["idToken"] == {"country": "NL", "limit": "99"}
    assert run.calls[0]["headers"] == {"x-key": "g", "accept": "*/*"}


def test_default_export_posts_a_body_and_a_bad_status_is_not_an_error(
    harness: ModuleHarness,
) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const fetch = require('node-fetch').default;
             fetch('https://audit.example.com/events', {
               method: 'POST', body: JSON.stringify({ u: user.user_id }),
               headers: { 'Content-Type': 'application/json' } })
               .then(res => res.text().then(text => {
                 context.idToken.audit = [res.ok, res.status, text];
                 callback(null, user, context);
               }));
           }""",
        context={"idToken": {}},
        responder=lambda call: http_reply(500, "oops"),
    )
    assert run.context["idToken"]["audit"] == [False, 500, "oops"]
    assert run.calls[0]["body"] == '{"u":"auth0|u1"}'


def test_network_failures_reject_with_a_fetch_error(harness: ModuleHarness) -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        raise HostError("getaddrinfo ENOTFOUND nowhere.example.com", code="ENOTFOUND")

    run = harness.run_rule(
        """function (user, context, callback) {
             require('node-fetch')('https://nowhere.example.com/').catch(function (e) {
               callback(new Error(e.name + '/' + e.code + ': ' + e.message));
             });
           }""",
        responder=responder,
    )
    assert run.error is not None
    assert run.error["message"] == (
        "FetchError/ENOTFOUND: request to https://nowhere.example.com/ failed, "
        "reason: getaddrinfo ENOTFOUND nowhere.example.com"
    )
