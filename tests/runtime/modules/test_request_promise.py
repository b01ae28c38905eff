"""request-promise / request-promise-native: body promises, StatusCodeError on non-2xx."""

from __future__ import annotations

from module_harness import ModuleHarness, http_reply


def test_an_async_rule_awaits_the_parsed_body(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const rp = require('request-promise');
             const uri = 'https://crm.example.com/p/' + user.user_id;
             const profile = await rp({ uri: uri, json: true });
             context.idToken['https://acme.com/plan'] = profile.plan;
             callback(null, user, context);
           }""",
        context={"idToken": {}},
        responder=lambda call: http_reply(200, {"plan": "pro"}),
    )
    assert run.error is None
    assert run.context["idToken"] == {"https://acme.com/plan": "pro"}


def test_non_2xx_rejects_with_a_status_code_error_unless_simple_is_false(
    harness: ModuleHarness,
) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const rp = require('request-promise-native');
             rp.get({ uri: 'https://crm.example.com/missing', json: true })
               .then(function () { callback(null, user, context); })
               .catch(function (err) {
                 context.idToken.err = [err.name, err.statusCode, err.message, err.error.reason];
                 return rp.get({ uri: 'https://crm.example.com/missing', simple: false,
                                 resolveWithFullResponse: true });
               })
               .then(function (res) {
                 context.idToken.full = res.statusCode;
                 callback(null, user, context);
               });
           }""",
        context={"idToken": {}},
        responder=lambda call: http_reply(404, {"reason": "nope"}),
    )
    assert run.error is None
    assert run.context["idToken"]["err"] == [
        "StatusCodeError",
        404,
        '404 - {"reason":"nope"}',
        "nope",
    ]
    assert run.context["idToken"]["full"] == 404
