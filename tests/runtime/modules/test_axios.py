"""axios: promise API, instances, params, JSON, rejection on non-2xx."""

from __future__ import annotations

import json
from typing import Any

from module_harness import HostError, ModuleHarness, http_reply


def test_a_rule_posts_with_axios_and_reads_status_and_data(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const axios = require('axios');
             const res = await axios.post('https://risk.example.com/score',
               { ip: context.request.ip },
               { headers: { Authorization: 'Bearer ' + configuration.RISK_TOKEN }, timeout: 5000 });
             if (res.data.score > 0.8) return callback(new UnauthorizedError('risky login'));
             context.idToken['https://acme.com/risk'] = res.data.score;
             context.idToken.status = res.status + ' ' + res.statusText;
             callback(null, user, context);
           }""",
        context={"idToken": {}, "request": {"ip": "203.0.113.9"}},
        configuration={"RISK_TOKEN": "rt"},
        responder=lambda call: http_reply(200, {"score": 0.1}),
    )
    assert run.error is None
    assert run.context["idToken"] == {"https://acme.com/risk": 0.1, "status": "200 OK"}
    (call,) = run.calls
    assert call["headers"] == {
        "accept": "application/json, text/plain, */*",
        "authorization": "Bearer rt",
        "content-type": "application/json",
    }
    assert json.loads(call["body"]) == {"ip": "203.0.113.9"}
    assert call["timeoutMs"] == 5000


def test_non_2xx_rejects_with_an_axios_error_carrying_the_response(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             require('axios').get('https://risk.example.com/score').then(function () {
               callback(null, user, context);
             }).catch(function (err) {
               context.idToken.err = [err.isAxiosError, err.message, err.code,
                                       err.response.status, err.response.data.error];
               callback(null, user, context);
             });
           }""",
        context={"idToken": {}},
        responder=lambda call: http_reply(503, {"error": "maintenance"}),
    )
    assert run.context["idToken"]["err"] == [
        True,
        "Request failed with status code 503",
        "ERR_BAD_RESPONSE",
        503,
        "maintenance",
    ]


def test_instances_use_base_url_params_and_validate_status(harness: ModuleHarness) -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        return http_reply(404, "not found")

    run = harness.run_rule(
        """async function (user, context, callback) {
             const api = require('axios').create({
               baseURL: 'https://api.example.com/v1/', headers: { 'X-Tenant': 'acme' } });
             const res = await api.get('users', {
               params: { q: 'a b', ids: [1, 2] }, validateStatus: () => true });
             context.idToken.got = [res.status, res.data];
             callback(null, user, context);
           }""",
        context={"idToken": {}},
        responder=responder,
    )
    assert run.error is None
    (call,) = run.calls
    assert call["url"] == "https://api.example.com/v1/users?q=a+b&ids[]=1&ids[]=2"
    assert call["headers"]["x-tenant"] == "acme"
    assert run.context["idToken"]["got"] == [404, "not found"]


def test_a_timeout_rejects_with_econnaborted(harness: ModuleHarness) -> None:
    def responder(call: dict[str, Any]) -> dict[str, Any]:
        raise HostError("timed out", code="ETIMEDOUT")

    run = harness.run_rule(
        """function (user, context, callback) {
             require('axios')({ url: 'https://slow.example.com', method: 'get', timeout: 1500 })
               .catch(function (err) { callback(new Error(err.code + ': ' + err.message)); });
           }""",
        responder=responder,
    )
    assert run.error == {"name": "Error", "message": "ECONNABORTED: timeout of 1500ms exceeded"}
