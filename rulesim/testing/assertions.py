"""Assertions about one login's trace that name the rule responsible when they fail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rulesim.errors import UsageError
from rulesim.trace import LoginTrace

__all__ = ["RuleAssertionError", "assert_allowed", "assert_claim", "assert_denied",
           "assert_mfa", "assert_no_claim", "assert_redirect", "writers"]

ANY: Any = object()
"""The value meaning “any value” in :func:`assert_claim` (the default)."""


class RuleAssertionError(AssertionError):
    """An expectation about a login failed; ``str()`` names the rule and shows the trace.

    Attributes
    ----------
    trace
        The login's :class:`~rulesim.LoginTrace`.
    rule
        The rule the message blames (None when no rule did what was expected).
    """

    def __init__(self, message: str, trace: LoginTrace, rule: str | None = None) -> None:
        super().__init__(f"{message}\n\n{trace}")
        self.trace = trace
        self.rule = rule


# --- who did what ---------------------------------------------------------------------------


def _ran(trace: LoginTrace) -> str:
    names = [str(r.rule) for r in trace.rule_runs.itertuples() if r.outcome != "skipped"]
    return ", ".join(f"`{n}`" for n in names) or "none"


def _path_matches(path: str, name: str) -> bool:
    quoted = f"[{json.dumps(name)}]"
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[")
               for p in (name, quoted))


def writers(trace: LoginTrace, target: str, name: str | None = None) -> list[str]:
    """Rules that changed ``target`` (``id_token``, ``access_token``, ``multifactor``,
    ``redirect``, ``app_metadata``, …), optionally only at claim/key ``name``, in run order."""
    rows = trace.changes[trace.changes["target"] == target]
    found: list[str] = []
    for row in rows.itertuples():
        if name is not None and not _path_matches(str(row.path or ""), name):
            continue
        rule = str(row.rule) if row.rule is not None and row.rule == row.rule else "(runtime)"
        if rule not in found:
            found.append(rule)
    return found


def blame(rules: Sequence[str]) -> str:
    return " and ".join(f"rule `{r}`" for r in rules)


def _token(token: str) -> str:
    if token in ("id", "id_token", "idToken"):
        return "id_token"
    if token in ("access", "access_token", "accessToken"):
        return "access_token"
    raise UsageError(f"expected token to be 'id_token' or 'access_token', got token={token!r}")


# --- assertion helpers ------------------------------------------------------------------------


def assert_allowed(trace: LoginTrace, *, allow_redirect: bool = False) -> None:
    """Assert that the login succeeded.

    Parameters
    ----------
    trace
        The login.
    allow_redirect
        Also accept a login that ended with a pending ``context.redirect``.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    if trace.outcome == "allowed" or (allow_redirect and trace.outcome == "redirect"):
        return
    if trace.outcome == "redirect":
        by = writers(trace, "redirect")
        raise RuleAssertionError(f"expected the login to be allowed, but {blame(by) or 'a rule'} "
                                 f"redirected it to {trace.redirect}", trace, by[0] if by else None)
    raise RuleAssertionError(
        f"expected the login to be allowed, but rule `{trace.deciding_rule}` ended it with "
        f"{trace.outcome} ({trace.error_code}): {trace.error_message}", trace, trace.deciding_rule)


def assert_denied(trace: LoginTrace, reason: str | None = None, *, code: str | None = None,
                  rule: str | None = None) -> None:
    """Assert that a rule denied the login (``UnauthorizedError``, outcome ``denied``).

    Parameters
    ----------
    reason
        Text the error message must contain (the message the application would show).
    code
        Expected error code (default: any code of a denial, normally ``unauthorized``).
    rule
        The rule expected to deny it.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    if trace.outcome != "denied":
        if trace.outcome in ("error", "timeout"):
            raise RuleAssertionError(
                f"expected the login to be denied, but rule `{trace.deciding_rule}` failed it with "
                f"{trace.outcome} ({trace.error_code}): {trace.error_message}", trace,
                trace.deciding_rule)
        raise RuleAssertionError(f"expected the login to be denied, but no rule denied it "
                                 f"(outcome {trace.outcome}; rules that ran: {_ran(trace)})", trace)
    blamed = trace.deciding_rule
    if rule is not None and blamed != rule:
        raise RuleAssertionError(f"expected rule `{rule}` to deny the login, but rule `{blamed}` "
                                 f"denied it first: {trace.error_message}", trace, blamed)
    if code is not None and trace.error_code != code:
        raise RuleAssertionError(f"expected error code {code!r}, but rule `{blamed}` denied the "
                                 f"login with {trace.error_code!r}", trace, blamed)
    if reason is not None and reason not in str(trace.error_message or ""):
        raise RuleAssertionError(f"expected the denial to say {reason!r}, but rule `{blamed}` "
                                 f"said: {trace.error_message}", trace, blamed)


def assert_claim(trace: LoginTrace, token: str, name: str, value: Any = ANY) -> None:
    """Assert that a token carries claim ``name`` (with ``value``, when given).

    Parameters
    ----------
    token
        ``"id_token"`` or ``"access_token"``.
    name
        The claim, for example ``"https://acme.com/roles"``.
    value
        Expected value (compared with ``==``); any value when omitted.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    target = _token(token)
    claims = trace.claims(target)
    by = writers(trace, target, name)
    if name not in claims:
        dropped = f" (rule {blame(by)} set it but Auth0 drops it)" if by else ""
        raise RuleAssertionError(
            f"expected {target} claim {name!r}, but the token has no such claim{dropped}; "
            f"{'' if by else f'no rule set it (rules that ran: {_ran(trace)})'}".rstrip("; "),
            trace, by[-1] if by else None)
    if value is not ANY and claims[name] != value:
        raise RuleAssertionError(
            f"expected {target} claim {name!r} = {value!r}, but it is {claims[name]!r} "
            f"(set by {blame(by) or 'the runtime'})", trace, by[-1] if by else None)


def assert_no_claim(trace: LoginTrace, token: str, name: str) -> None:
    """Assert that a token does not carry claim ``name``."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    target = _token(token)
    claims = trace.claims(target)
    if name in claims:
        by = writers(trace, target, name)
        raise RuleAssertionError(
            f"expected no {target} claim {name!r}, but it is {claims[name]!r} "
            f"(set by {blame(by) or 'the runtime'})", trace, by[-1] if by else None)


def assert_mfa(trace: LoginTrace, provider: str | None = None, *, required: bool = True) -> None:
    """Assert that a rule required MFA (``context.multifactor``), or with ``required=False``
    that none did.

    Parameters
    ----------
    provider
        Expected ``context.multifactor.provider`` (``"any"``, ``"guardian"``, …).
    required
        False to assert that no MFA was required.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    by = writers(trace, "multifactor")
    if not required:
        if trace.mfa:
            raise RuleAssertionError(f"expected no MFA, but {blame(by) or 'a rule'} required it: "
                                     f"{json.dumps(trace.mfa)}", trace, by[-1] if by else None)
        return
    if not trace.mfa:
        raise RuleAssertionError(f"expected MFA to be required, but no rule set "
                                 f"context.multifactor (rules that ran: {_ran(trace)})", trace)
    got = trace.mfa.get("provider")
    if provider is not None and got != provider:
        raise RuleAssertionError(f"expected MFA provider {provider!r}, but {blame(by) or 'a rule'} "
                                 f"asked for {got!r}", trace, by[-1] if by else None)


def assert_redirect(trace: LoginTrace, url: str | None = None) -> None:
    """Assert that a rule redirected the login (``context.redirect``).

    Parameters
    ----------
    url
        Expected URL; a trailing ``*`` matches any URL starting with the rest.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    by = writers(trace, "redirect")
    if not trace.redirect:
        raise RuleAssertionError(f"expected a redirect, but no rule set context.redirect "
                                 f"(outcome {trace.outcome}; rules that ran: {_ran(trace)})", trace)
    if url is not None:
        ok = trace.redirect.startswith(url[:-1]) if url.endswith("*") else trace.redirect == url
        if not ok:
            raise RuleAssertionError(f"expected a redirect to {url}, but {blame(by) or 'a rule'} "
                                     f"redirected to {trace.redirect}", trace,
                                     by[-1] if by else None)
