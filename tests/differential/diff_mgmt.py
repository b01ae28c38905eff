"""The Management API's REST routes, answered by rulesim's fake user store (Node side only).

In Node, the real ``auth0`` npm package (node-auth0 v2) speaks HTTP to
``https://{domain}/api/v2/...``; rulesim's emulation of the package calls the store's operations
directly. :class:`ManagementRest` maps each REST call node-auth0 v2 sends (method, path, query,
JSON body, as documented in the Management API v2 reference) to the same store operation, so
both sides are answered by the same :class:`~rulesim.runtime.management.UserStore`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rulesim.runtime.services import HttpRequest
from rulesim.runtime.services.management import ManagementApiError, UserStore

Args = Callable[[dict[str, str], dict[str, str], Any], dict[str, Any]]


def _id(p: dict[str, str], q: dict[str, str], b: Any) -> dict[str, Any]:
    return {"id": p["id"]}


def _with(key: str) -> Args:
    def build(p: dict[str, str], q: dict[str, str], b: Any) -> dict[str, Any]:
        return {"id": p["id"], key: (b or {}).get(key)}
    return build


def _on_domain(p: dict[str, str], q: dict[str, str], b: Any) -> dict[str, Any]:
    return {**(b or {}), "domain": p["domain"]}


def _search(p: dict[str, str], q: dict[str, str], b: Any) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if "q" in q:
        args["q"] = q["q"]
    for key in ("per_page", "page"):
        if key in q:
            args[key] = int(q[key])
    return args


# (method, path pattern under /api/v2, store op, args builder, success status)
_ROUTES: list[tuple[str, str, str, Args, int]] = [
    ("GET", r"/users-by-email", "getUsersByEmail",
     lambda p, q, b: {"email": q.get("email")}, 200),
    ("GET", r"/users", "getUsers", _search, 200),
    ("GET", r"/users/(?P<id>[^/]+)", "getUser", _id, 200),
    ("PATCH", r"/users/(?P<id>[^/]+)", "updateUser",
     lambda p, q, b: {"id": p["id"], "data": b}, 200),
    ("DELETE", r"/users/(?P<id>[^/]+)", "deleteUser", _id, 204),
    ("GET", r"/users/(?P<id>[^/]+)/roles", "getUserRoles", _id, 200),
    ("POST", r"/users/(?P<id>[^/]+)/roles", "assignRolesToUser", _with("roles"), 204),
    ("DELETE", r"/users/(?P<id>[^/]+)/roles", "removeRolesFromUser", _with("roles"), 204),
    ("GET", r"/users/(?P<id>[^/]+)/permissions", "getUserPermissions", _id, 200),
    ("POST", r"/users/(?P<id>[^/]+)/permissions", "assignPermissionsToUser",
     _with("permissions"), 201),
    ("DELETE", r"/users/(?P<id>[^/]+)/permissions", "removePermissionsFromUser",
     _with("permissions"), 204),
    ("POST", r"/users/(?P<id>[^/]+)/identities", "linkUsers",
     lambda p, q, b: {"id": p["id"], **(b or {})}, 201),
    ("DELETE", r"/users/(?P<id>[^/]+)/identities/(?P<provider>[^/]+)/(?P<user_id>[^/]+)",
     "unlinkUsers", lambda p, q, b: {k: p[k] for k in ("id", "provider", "user_id")}, 200),
    ("GET", r"/users/(?P<id>[^/]+)/enrollments", "getGuardianEnrollments", _id, 200),
    ("GET", r"/users/(?P<id>[^/]+)/logs", "getUserLogs", _id, 200),
    ("POST", r"/tickets/password-change", "createPasswordChangeTicket", _on_domain, 201),
    ("POST", r"/tickets/email-verification", "createEmailVerificationTicket", _on_domain, 201),
    ("POST", r"/jobs/verification-email", "sendEmailVerification", _on_domain, 201),
    ("GET", r"/user-blocks/(?P<id>[^/]+)", "getUserBlocks", _id, 200),
    ("DELETE", r"/user-blocks/(?P<id>[^/]+)", "unblockUser", _id, 204),
]


class ManagementRest:
    """Answers ``https://{domain}/api/v2/...`` (and ``/oauth/token``) from a user store."""

    def __init__(self, store: UserStore, domain: str = "acme.eu.auth0.com") -> None:
        self.store = store
        self.domain = domain
        self._changes: list[tuple[str, str, str, Any]] = []

    def handles(self, url: str) -> bool:
        """Whether ``url`` is the tenant's Management API or token endpoint."""
        parts = urlsplit(url)
        return parts.hostname == self.domain and (
            parts.path.startswith("/api/v2/") or parts.path == "/oauth/token")

    def take_changes(self) -> list[tuple[str, str, str, Any]]:
        """The persisted changes since the last call: ``(target, path, op, after)``."""
        out, self._changes = self._changes, []
        return out

    def handle(self, request: HttpRequest) -> tuple[int, str]:
        """Answer one request: ``(status, JSON body)``."""
        parts = urlsplit(request.url)
        if parts.path == "/oauth/token":
            return 200, json.dumps({"access_token": "rulesim-management-api-token",
                                    "expires_in": 86400, "token_type": "Bearer"})
        path = parts.path[len("/api/v2"):]
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body: Any = json.loads(request.body) if request.body else None
        for method, pattern, op, build, status in _ROUTES:
            m = re.fullmatch(pattern, path)
            if m is None or method != request.method:
                continue
            params = {k: unquote(v) for k, v in m.groupdict().items()}
            params["domain"] = self.domain
            try:
                result, changes = self.store.call(op, build(params, query, body))
            except ManagementApiError as exc:
                return exc.status_code, json.dumps(exc.to_dict())
            for ch in changes:
                rel = ch.path[len(ch.target) + 1:] if ch.path.startswith(ch.target + ".") \
                    else ("" if ch.path == ch.target else ch.path)
                self._changes.append((ch.target, rel, ch.op, ch.after))
            return status, "" if result is None else json.dumps(result)
        # No route of the API (a missing id in the path): Auth0's plain 404.
        return 404, json.dumps({"statusCode": 404, "error": "Not Found", "message": "Not Found"})


def persisted_view(changes: list[tuple[str, str, str, Any]]) -> list[list[Any]]:
    """Persisted changes in a comparable, JSON-shaped form."""
    return [[t, p, o, a] for t, p, o, a in changes]


__all__ = ["ManagementRest", "persisted_view"]
