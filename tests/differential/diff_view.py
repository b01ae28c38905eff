"""What an application and an auditor see of one login, and how two of them are compared.

A :class:`View` holds the observable result of one login, whichever side produced it: the
outcome, the error the application receives and its description, the failing line, the final
token claims and scopes, MFA, redirect, SAML settings, the metadata persisted through the
Management API, the console lines and the outgoing HTTP requests. :func:`differences` lists
where two views disagree; :func:`report` shows both sides.

The Node side reports raw ``user`` and ``context`` objects; :func:`tokens` turns them into what
Auth0 issued, following Auth0's documented token rules (standard claims for the requested
scopes, restricted claims and Auth0 namespaces dropped). That part is the platform's behaviour
as documented, restated here independently of rulesim's implementation.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

FIELDS = ("outcome", "error_code", "app_error", "description", "error_line", "failed_rule",
          "id_token", "access_token", "scopes", "mfa", "redirect", "saml", "persisted",
          "console", "http")
"""Everything compared, in report order."""

# Auth0's restricted claims and reserved namespaces ("Create Custom Claims").
RESTRICTED = frozenset({
    "sub", "aud", "iss", "exp", "nbf", "iat", "jti", "azp", "nonce", "auth_time", "at_hash",
    "c_hash", "acr", "amr", "sid", "org_id", "org_name", "cnf", "act", "scope", "gty", "roles",
    "permissions", "groups", "client_id", "may_act"})
RESERVED_NS = re.compile(r"^https?://([^/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(/|$)", re.I)
PROFILE = ("name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
           "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale",
           "updated_at")
# Request headers that belong to the transport or identify the client library, not to what
# the rule asked for: not compared (rulesim's fake clients send none of them).
TRANSPORT_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding",
                               "user-agent", "transfer-encoding", "auth0-client"})
_STACK_LINE = re.compile(r"^\s+(at .*|\.\.\. \d+ lines matching cause stack trace \.\.\.)$")


@dataclass
class View:
    """The observable result of one login (see the module docstring)."""

    outcome: str
    error_code: str | None = None
    app_error: str | None = None
    description: str | None = None
    error_line: int = 0
    failed_rule: str | None = None
    id_token: dict[str, Any] = field(default_factory=dict)
    access_token: dict[str, Any] = field(default_factory=dict)
    scopes: list[str] = field(default_factory=list)
    mfa: Any = None
    redirect: str | None = None
    saml: Any = None
    persisted: list[Any] = field(default_factory=list)
    console: list[list[Any]] = field(default_factory=list)
    http: list[list[Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The view as JSON-able data."""
        return asdict(self)


def console_line(text: str) -> str:
    """A console line without stack frames (Node prints an Error's frames; rulesim cannot)."""
    return "\n".join(line for line in str(text).split("\n") if not _STACK_LINE.match(line))


def http_entry(method: str, url: str, headers: dict[str, str], body: str | None) -> list[Any]:
    """One outgoing request, comparably: headers minus :data:`TRANSPORT_HEADERS`."""
    kept = {k.lower(): v for k, v in sorted(headers.items())
            if k.lower() not in TRANSPORT_HEADERS}
    return [method.upper(), url, kept, body]


def requested_scopes(context: dict[str, Any]) -> list[str]:
    """The scopes the application asked for (Auth0's default when the request has none)."""
    query = (context.get("request") or {}).get("query") or {}
    scope = query.get("scope")
    return [s for s in (scope if isinstance(scope, str) else "openid profile email").split() if s]


def _custom(claims: Any, access: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(claims, dict):
        return out
    for key, value in claims.items():
        if (access and key == "scope") or key in RESTRICTED or RESERVED_NS.match(key):
            continue
        out[key] = value
    return out


def tokens(user: dict[str, Any], context: dict[str, Any]
           ) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The ID token claims, access token claims and scopes Auth0 issues after the rules."""
    scopes = requested_scopes(context)
    idt: dict[str, Any] = {}
    if "openid" in scopes:
        idt["sub"] = user.get("user_id")
    if "profile" in scopes:
        idt.update({k: user[k] for k in PROFILE if k in user})
    if "email" in scopes:
        idt.update({k: user[k] for k in ("email", "email_verified") if k in user})
    if "phone" in scopes:
        if "phone_number" in user:
            idt["phone_number"] = user["phone_number"]
        if "phone_verified" in user:
            idt["phone_number_verified"] = user["phone_verified"]
    idt.update(_custom(context.get("idToken"), False))
    at = context.get("accessToken")
    access = _custom(at, True)
    granted = scopes
    if isinstance(at, dict) and isinstance(at.get("scope"), list):
        granted = [str(s) for s in at["scope"]]
    elif isinstance(at, dict) and isinstance(at.get("scope"), str):
        granted = at["scope"].split()
    return idt, access, granted


def differences(rulesim: View, node: View, ignore: set[str] | frozenset[str] = frozenset()
                ) -> list[str]:
    """The fields where the two views disagree (``ignore``: fields not compared)."""
    a, b = rulesim.as_dict(), node.as_dict()
    return [f for f in FIELDS if f not in ignore and _norm(a[f]) != _norm(b[f])]


def _norm(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def report(name: str, rulesim: View, node: View, fields: list[str]) -> str:
    """Both sides of each disagreeing field, for a test failure."""
    lines = [f"probe `{name}`: rulesim and Node disagree on {', '.join(fields)}"]
    a, b = rulesim.as_dict(), node.as_dict()
    for f in fields:
        lines.append(f"  {f}:")
        lines.append(f"    rulesim: {json.dumps(a[f], sort_keys=True, default=str)}")
        lines.append(f"    node:    {json.dumps(b[f], sort_keys=True, default=str)}")
    return "\n".join(lines)
