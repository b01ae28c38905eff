"""Golden-case expectations: what a case's ``expect`` mapping asks of a login's trace.

:func:`check` returns the expectations a :class:`~rulesim.LoginTrace` misses, as messages that
name the rule or Action responsible (see :mod:`rulesim.golden` for the file format).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rulesim.testing import assertions as t
from rulesim.testing.assertions import RuleAssertionError
from rulesim.trace import LoginTrace

__all__ = ["check", "persisted"]


def check(expect: Mapping[str, Any], trace: LoginTrace) -> list[str]:
    """Every expectation of ``expect`` the trace misses, as messages naming the rule."""

    checks: list[Callable[[], None]] = []
    outcome = expect.get("outcome")
    if outcome is not None:
        checks.append(lambda: _outcome(trace, str(outcome)))
    if expect.get("error_code") is not None and trace.error_code != expect["error_code"]:
        checks.append(lambda: _fail(trace, f"expected error code {expect['error_code']!r}, got "
                                           f"{trace.error_code!r} (deciding rule: "
                                           f"`{trace.deciding_rule}`)"))
    if expect.get("reason") is not None and str(expect["reason"]) not in str(trace.error_message):
        checks.append(lambda: _fail(trace, f"expected the error message to contain "
                                           f"{expect['reason']!r}, got {trace.error_message!r} "
                                           f"(deciding rule: `{trace.deciding_rule}`)"))
    if expect.get("app_error") is not None and trace.app_error != expect["app_error"]:
        checks.append(lambda: _fail(trace, f"expected the application to receive "
                                           f"{expect['app_error']!r}, got {trace.app_error!r} "
                                           f"(deciding rule: `{trace.deciding_rule}`)"))
    if expect.get("rule") is not None and trace.deciding_rule != expect["rule"]:
        checks.append(lambda: _fail(trace, f"expected rule `{expect['rule']}` to decide the login, "
                                           f"but it was `{trace.deciding_rule}` "
                                           f"({trace.outcome})"))
    for token, spec in (expect.get("claims") or {}).items():
        present = spec.get("present") or {}
        items = ([(n, t.ANY if v is None else v) for n, v in present.items()]
                 if isinstance(present, Mapping) else [(n, t.ANY) for n in present])
        for name, value in items:
            checks.append(functools.partial(t.assert_claim, trace, token, name, value))
        for name in spec.get("absent") or []:
            checks.append(functools.partial(t.assert_no_claim, trace, token, name))
    for scope in expect.get("scopes") or []:
        if scope not in trace.scopes:
            checks.append(functools.partial(_fail, trace, f"expected scope {scope!r}, the access "
                                                          f"token has {trace.scopes}"))
    if "mfa" in expect:
        mfa = expect["mfa"]
        checks.append(lambda: t.assert_mfa(trace, mfa if isinstance(mfa, str) else None,
                                           required=bool(mfa)))
    if "redirect" in expect:
        checks.append(lambda: _redirect(trace, expect["redirect"]))
    if "persisted_metadata" in expect:
        checks.append(lambda: _persisted(trace, expect["persisted_metadata"]))
    if "saml" in expect:
        checks.append(lambda: _saml(trace, expect["saml"]))
    for pattern in expect.get("calls") or []:
        checks.append(functools.partial(_call, trace, str(pattern)))
    for want in expect.get("commands") or []:
        checks.append(functools.partial(_command, trace, want))
    failures = []
    for run_check in checks:
        try:
            run_check()
        except t.RuleAssertionError as exc:
            failures.append(str(exc.args[0]).split("\n\n")[0])
    return failures


def _fail(trace: LoginTrace, message: str) -> None:

    raise RuleAssertionError(message, trace)


def _outcome(trace: LoginTrace, outcome: str) -> None:

    if outcome == "allowed":
        t.assert_allowed(trace)
    elif outcome == "denied":
        t.assert_denied(trace)
    elif trace.outcome != outcome:
        _fail(trace, f"expected outcome {outcome}, got {trace.outcome} (deciding rule: "
                     f"`{trace.deciding_rule}`: {trace.error_message})")


def _saml(trace: LoginTrace, want: Mapping[str, Any]) -> None:

    raw = getattr(trace, "saml", None) or getattr(trace, "_row", {}).get("saml")
    got = json.loads(raw) if isinstance(raw, str) else (raw or {})
    for key, value in want.items():
        if got.get(key) != value:
            by = t.writers(trace, "saml")
            _fail(trace, f"expected samlConfiguration.{key} = {value!r}, got {got.get(key)!r} "
                         f"(set by {t.blame(by) or 'no rule'})")


def _call(trace: LoginTrace, pattern: str) -> None:
    method, _, url = pattern.partition(" ")
    for call in trace.calls.itertuples():
        same = str(call.url).startswith(url[:-1]) if url.endswith("*") else str(call.url) == url
        if str(call.method).upper() == method.upper() and same:
            return
    made = ", ".join(f"{c.method} {c.url} ({c.rule})" for c in trace.calls.itertuples()) or "none"
    _fail(trace, f"expected a call {pattern}; calls made: {made}")


def _command(trace: LoginTrace, want: Any) -> None:
    """An Action's api command, by name (``api.`` optional) and the change row's fields."""
    spec = {"command": want} if isinstance(want, str) else dict(want)
    name = str(spec.pop("command"))
    name = name[4:] if name.startswith("api.") else name
    rows = trace.changes[trace.changes["command"].astype("string") == name]
    for row in rows.to_dict("records"):
        if all(_field(row, k, v) for k, v in spec.items()):
            return
    issued = ", ".join(sorted({f"{r['command']} ({r['rule']})" for r in trace.changes.to_dict(
        "records") if isinstance(r["command"], str)})) or "none"
    detail = f" with {json.dumps(spec, sort_keys=True)}" if spec else ""
    _fail(trace, f"expected the api command {name}{detail}; commands issued: {issued}")


def _field(row: Mapping[str, Any], key: str, want: Any) -> bool:
    if key == "action":
        return str(row["rule"]) in (str(want), f"{want} (action)")
    if key == "after":
        return isinstance(row["after"], str) and json.loads(row["after"]) == want
    if key == "persisted":
        return bool(row["persisted"]) == bool(want)
    if key == "flags":
        return str(want) in str(row["flags"] or "").split(",")
    return str(row[key]) == str(want)


def _redirect(trace: LoginTrace, want: Any) -> None:

    if want is False:
        if trace.redirect:
            by = t.writers(trace, "redirect")
            _fail(trace, f"expected no redirect, but {t.blame(by) or 'a rule'} redirected to "
                         f"{trace.redirect}")
        return
    t.assert_redirect(trace, None if want is True else str(want))


def persisted(trace: LoginTrace) -> dict[str, dict[str, Any]]:
    """Metadata persisted through the Management API during the login: target → key → value."""
    out: dict[str, dict[str, Any]] = {}
    rows = trace.changes[trace.changes["persisted"].astype(bool)]
    for row in rows.itertuples():
        # Paths are relative to the target (``login_count`` under ``app_metadata``).
        target, path = str(row.target), str(row.path or "")
        key = path.split(".")[0].split("[")[0] if path else ""
        value = json.loads(row.after) if isinstance(row.after, str) else None
        out.setdefault(target, {})[key] = value if "." not in path else _nested(
            out.get(target, {}).get(key), path.split(".")[1:], value)
    return out


def _nested(current: Any, rest: Sequence[str], value: Any) -> Any:
    node = current if isinstance(current, dict) else {}
    if not rest:
        return value
    node[rest[0]] = _nested(node.get(rest[0]), rest[1:], value)
    return node


def _persisted(trace: LoginTrace, want: Any) -> None:

    got = persisted(trace)
    if want is False or want == {}:
        if got:
            by = t.writers(trace, next(iter(got)))
            _fail(trace, f"expected nothing persisted, but {t.blame(by) or 'a rule'} persisted "
                         f"{json.dumps(got, sort_keys=True)}")
        return
    for target, values in want.items():
        for key, value in values.items():
            have = got.get(target, {})
            if key not in have or have[key] != value:
                by = t.writers(trace, target, key)
                _fail(trace, f"expected {target}.{key} = {value!r} to be persisted, but "
                             + (f"{t.blame(by)} persisted {have[key]!r}" if key in have else
                                f"no rule persisted it (persisted: "
                                f"{json.dumps(got, sort_keys=True)})"))
