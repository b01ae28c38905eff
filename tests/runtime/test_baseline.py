"""The no-recording baseline (``Pipeline.baseline``) that the benchmarks measure against."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from rulesim.pipeline import Pipeline
from rulesim.runtime.limits import Limits
from rulesim.runtime.services import Services
from tests.runtime.pipeline_helpers import BASE_CONTEXT, BASE_USER, Harness, rules_from

COUNT_LOGINS = """function (user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.n = (user.app_metadata.n || 0) + 1;
  context.idToken['https://x/n'] = user.app_metadata.n;
  console.log('login number ' + user.app_metadata.n);
  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(function () { callback(null, user, context); })
    .catch(callback);
}"""

CALL_SERVICE = """function (user, context, callback) {
  require('request').get({ url: 'https://api.example/flag', json: true }, function (err, res, body) {
    if (err || !body.allow) return callback(new UnauthorizedError('flagged'));
    setTimeout(function () { callback(null, user, context); }, 20);
  });
}"""

DENY_EVE = """function (user, context, callback) {
  if (user.email === 'eve@evil.example') return callback(new UnauthorizedError('no'));
  callback(null, user, context);
}"""


def _payload(index: int, **user: Any) -> str:
    return json.dumps({"login_id": f"L{index}", "timestamp_ms": 1_700_000_000_000,
                       "user": {**BASE_USER, **user}, "context": BASE_CONTEXT})


def _services() -> Services:
    return Services.from_dict({"routes": [
        {"name": "flag", "method": "GET", "url": "https://api.example/flag", "status": 200,
         "json": {"allow": True}, "latency": {"median_ms": 30, "p95_ms": 30}}]})


def test_the_baseline_finishes_rules_that_wait_on_services_timers_and_the_management_api() -> None:
    pipe = Pipeline(rules_from([COUNT_LOGINS, CALL_SERVICE, DENY_EVE]), {},
                    services=_services())

    assert pipe.baseline(_payload(0), 0, user_id="auth0|alice") == 1
    assert pipe.baseline(_payload(1, email="eve@evil.example"), 1, user_id="auth0|alice") == 0


def test_the_baseline_keeps_management_api_writes_for_the_users_next_login() -> None:
    pipe = Pipeline(rules_from([COUNT_LOGINS]), {})
    for i in range(3):
        pipe.baseline(_payload(i), i, user_id="auth0|alice")

    assert pipe.store.observe(dict(BASE_USER))["app_metadata"] == {"n": 3}


def test_a_recorded_login_after_baseline_logins_records_exactly_what_it_records_alone() -> None:
    alone = Harness([COUNT_LOGINS, CALL_SERVICE], services=_services()).login()
    h = Harness([COUNT_LOGINS, CALL_SERVICE], services=_services())
    h.pipeline.baseline(_payload(0, user_id="auth0|bob"), 0, user_id="auth0|bob")
    h.count = 0  # the same login index (and so the same seed) as the login run alone

    after = h.login()

    timing = ["cpu_ms", "latency_ms"]
    assert pd.Series(after.login).drop(timing).equals(pd.Series(alone.login).drop(timing))
    assert after.changes.equals(alone.changes) and len(after.changes) == 3
    assert list(after.logs["message"]) == ["login number 1"]
    assert after.calls.equals(alone.calls)


def test_a_baseline_login_that_hits_the_cpu_limit_returns_zero_and_the_next_one_runs() -> None:
    h = Harness(["function (u, c, cb) { if (u.email === 'loop@x') { while (true) {} } cb(null, u, c); }"],
                limits=Limits(cpu_ms=200))

    assert h.pipeline.baseline(_payload(0, email="loop@x"), 0) == 0
    assert h.pipeline.baseline(_payload(1), 1) == 1
