"""LoginTrace: one login's story, including the error the application receives."""

from __future__ import annotations

from rulesim.trace import LoginTrace
from tests.runtime.pipeline_helpers import run_once


def _trace(source: str) -> LoginTrace:
    r = run_once([source])
    return LoginTrace(r.login, r.rule_runs, r.changes, r.calls, r.logs, None)


def test_a_denied_login_tells_the_application_error_unauthorized() -> None:
    trace = _trace("function (u, c, cb) { cb(new UnauthorizedError('no access')); }")
    assert (trace.outcome, trace.app_error) == ("denied", "unauthorized")
    assert "the application receives error=unauthorized" in str(trace)


def test_a_failed_login_tells_the_application_error_access_denied() -> None:
    trace = _trace("function (u, c, cb) { cb(new Error('boom')); }")
    assert (trace.outcome, trace.app_error) == ("error", "access_denied")
    assert trace.error_message == "rule `rule1`: boom"


def test_an_allowed_login_has_no_application_error() -> None:
    trace = _trace("function (u, c, cb) { cb(null, u, c); }")
    assert trace.app_error is None
    assert "the application receives" not in str(trace)
