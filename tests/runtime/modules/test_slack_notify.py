"""slack-notify: posts JSON to the webhook URL, callback and promise forms."""

from __future__ import annotations

import json

from module_harness import ModuleHarness, http_reply


def test_an_alert_with_fields_posts_the_slack_payload(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const slack = require('slack-notify')(configuration.SLACK_HOOK_URL);
             slack.alert({ text: 'New signup: ' + user.email,
                           fields: { Connection: context.connection } },
               function (err) {
                 if (err) console.log('slack failed', err.message);
               });
             callback(null, user, context);
           }""",
        user={"user_id": "auth0|1", "email": "ann@example.com"},
        context={"connection": "Username-Password-Authentication"},
        configuration={"SLACK_HOOK_URL": "https://hooks.slack.com/services/T/B/X"},
        responder=lambda call: http_reply(200, "ok"),
    )
    assert run.error is None
    (call,) = run.calls
    assert call["url"] == "https://hooks.slack.com/services/T/B/X"
    assert call["headers"] == {"content-type": "application/json"}
    assert json.loads(call["body"]) == {
        "channel": "#alerts",
        "text": "New signup: ann@example.com",
        "username": "Alert",
        "icon_emoji": ":warning:",
        "attachments": [
            {
                "fallback": "Alert details",
                "fields": [
                    {
                        "title": "Connection",
                        "value": "Username-Password-Authentication",
                        "short": False,
                    }
                ],
            }
        ],
    }


def test_send_returns_a_promise_and_extend_sets_defaults(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const slack = require('slack-notify')('https://hooks.slack.com/services/A');
             const ops = slack.extend({ channel: '#ops', username: 'rules' });
             await ops('plain text message');
             try {
               await slack.send({ text: 'second' });
             } catch (e) {
               console.log('second failed:', e.statusCode);
             }
             callback(null, user, context);
           }""",
        responder=lambda call: http_reply(200 if "plain" in call["body"] else 500, "x"),
    )
    assert run.error is None
    assert [json.loads(c["body"]) for c in run.calls] == [
        {"channel": "#ops", "text": "plain text message", "username": "rules"},
        {"text": "second"},
    ]
    assert run.logs == ["second failed: 500"]
