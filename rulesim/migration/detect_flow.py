"""Detectors of the known differences in how a login ends and moves (contract section 9):
errors, denials, redirects and their continuation, scopes that throw (private to
:mod:`rulesim.migration`).

Each detector takes (difference, Rules-side facts, Actions-side facts, context) and returns the
code of the known difference that explains it, or "".
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from rulesim.migration.diffs import Context, Diff, base, same
from rulesim.migration.facts import LoginFacts, failed, value
from rulesim.outcomes import LoginOutcome

__all__ = ["deny_as_redirect", "deny_continues", "errcode", "rerun", "scopes", "session_token"]


def rerun(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if "rules_protocol" in a.flags:
        return "DIFF-REDIRECT-RERUN"
    if "continued" in r.flags and d.kind in ("id_token", "access_token", "mfa"):
        # The Rules' tokens come from the /continue pass, where every rule ran again (with
        # the profile the first pass saved and fresh service answers); the first pass agreed.
        key = (d.kind, d.field.partition(":")[2]) if d.kind != "mfa" else ("mfa", "")
        first = value(r.first_pass.get(key, "none" if d.kind == "mfa" else None))
        if same(first, d.after):
            return "DIFF-REDIRECT-RERUN"
    if "continued" in r.flags and d.kind in ("metadata", "calls"):
        what = ("metadata", d.field.partition(":")[2]) if d.kind == "metadata" else \
            ("calls", d.field.partition(":")[2])
        redirecting = r.who.get(("redirect", ""), "")
        unit = r.who.get(what, "")
        if r.phases.get(what) == "continue" and unit != redirecting:
            return "DIFF-REDIRECT-RERUN"
        if d.kind == "calls" and int(d.before or 0) > int(d.after or 0) and \
                unit != redirecting and r.phases.get(what) == "continue":
            return "DIFF-REDIRECT-RERUN"
    return ""


def errcode(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind not in ("outcome", "error"):
        return ""
    if not (failed(r.outcome) and failed(a.outcome)) or r.outcome == LoginOutcome.TIMEOUT or \
            a.outcome == LoginOutcome.TIMEOUT:
        return ""
    if r.description != a.description or r.app_error == a.app_error:
        return ""
    if a.app_error == "access_denied" and r.app_error in ("unauthorized", "access_denied", ""):
        return "DIFF-ERRCODE"
    return ""


def deny_as_redirect(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    pair = {r.outcome, a.outcome}
    if d.kind in ("outcome", "redirect") and pair == {"denied", "redirect"}:
        denier = r.deciding if r.outcome == LoginOutcome.DENIED else a.deciding
        redirector = a.who.get(("redirect", ""), "") if a.outcome == LoginOutcome.REDIRECT else \
            r.who.get(("redirect", ""), "")
        if denier and redirector and base(denier) in (cx.pairs.rule_for(redirector),
                                                       base(redirector)):
            return "DIFF-DENY-AS-REDIRECT"
        return ""
    if d.kind == "redirect" and r.outcome == a.outcome == LoginOutcome.DENIED:
        return "DIFF-DENY-AS-REDIRECT"
    return ""


def deny_continues(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if a.outcome != LoginOutcome.DENIED or d.kind not in ("metadata", "calls"):
        return ""
    unit = d.a_unit
    if unit and unit in a.after_deny:
        return "DIFF-DENY-CONTINUES"
    if d.kind == "calls" and unit and unit == a.deciding and \
            int(d.after or 0) > int(d.before or 0):
        return "DIFF-DENY-CONTINUES"
    return ""


def scopes(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    # The Rule set a scope list (or a `scope` claim) Auth0 took; the Action's per-scope edit
    # or `scope` claim threw (whitespace in a scope, the reserved claim name).
    if d.kind == "outcome" and r.outcome == LoginOutcome.ALLOWED and a.outcome == LoginOutcome.ERROR and \
            "scope" in a.description.lower():
        return "DIFF-SCOPES"
    return ""


_TOKEN_TIMES = frozenset({"iss", "exp", "iat"})
_SESSION_TOKEN_FLAGS = frozenset({"session_token_state", "session_token_iss"})


def _jwt_payload(token: str) -> dict[str, Any] | None:
    """The payload of a JWT (not verified), or None when ``token`` is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _claims(payload: dict[str, Any]) -> dict[str, Any]:
    """A token's claims as compared: without ``iss``/``exp``/``iat``, and without claims that
    carry no value (the Rules leave out ``ip`` when a login has no ``context.request``; the
    Actions' ``event.request.ip`` is then "")."""
    return {c: v for c, v in payload.items() if c not in _TOKEN_TIMES and v not in ("", None)}


def _same_but_tokens(x: str, y: str) -> bool:
    """Whether two redirect targets differ only in JWTs of their query whose payloads agree
    except ``iss``, ``exp`` and ``iat``; and differ in at least one such token."""
    px, py = urlsplit(x), urlsplit(y)
    if (px.scheme, px.netloc, px.path) != (py.scheme, py.netloc, py.path):
        return False
    qx, qy = dict(parse_qsl(px.query)), dict(parse_qsl(py.query))
    if set(qx) != set(qy):
        return False
    tokens = 0
    for k, vx in qx.items():
        if vx == qy[k]:
            continue
        jx, jy = _jwt_payload(vx), _jwt_payload(qy[k])
        if jx is None or jy is None:
            return False
        if _claims(jx) != _claims(jy):
            return False
        tokens += 1
    return tokens > 0


def session_token(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-SESSIONTOKEN: the redirect carries a rule-utilities token on one side and an
    ``encodeToken`` one on the other (the same payload but ``iss``/``exp``/``iat``); or, on
    ``/continue``, the Action's ``validateToken`` rejected a token without Auth0's ``state``
    (or with the Rules' ``iss``) that the Rule accepted."""
    if d.kind == "redirect":
        return "DIFF-SESSIONTOKEN" if r.redirect and a.redirect and \
            _same_but_tokens(r.redirect, a.redirect) else ""
    if d.kind in ("outcome", "error") and failed(a.outcome) and not failed(r.outcome) and \
            _SESSION_TOKEN_FLAGS & a.flags:
        return "DIFF-SESSIONTOKEN"
    return ""
