"""The fake Management API's operations on access and accounts: roles, permissions, linked
identities, deleted users, tickets and jobs.

:class:`~rulesim.runtime.services.management.UserStore` answers user reads and profile writes itself
and hands these operations to :class:`AccessOps`, which keeps, per store, the role ids and
permissions assigned through the API. Semantics follow the Management API v2 reference:

* ``assignRolesToUser`` / ``removeRolesFromUser`` add and remove role ids; ``getUserRoles``
  lists them as ``{id, name, description}`` (the fake knows no role catalogue: the name is the
  id);
* permissions are ``{permission_name, resource_server_identifier}`` pairs;
* ``linkUsers`` moves the secondary account ``provider|user_id`` into the primary's
  ``identities`` (with its profile as ``profileData``) and deletes the secondary account;
  ``unlinkUsers`` gives the identity back as an account of its own; both answer the primary's
  identities;
* tickets answer a URL on the tenant domain whose ticket id is derived from the request and a
  per-store counter, so the same calls give the same tickets;
* ``sendEmailVerification`` answers a pending ``verification_email`` job.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from rulesim.runtime.services.management import MetadataChange, UserStore

__all__ = ["ACCESS_OPS", "AccessOps"]

ACCESS_OPS: Final = frozenset({
    "assignRolesToUser", "getUserRoles", "removeRolesFromUser", "getUserPermissions",
    "assignPermissionsToUser", "removePermissionsFromUser", "linkUsers", "unlinkUsers",
    "deleteUser", "createPasswordChangeTicket", "createEmailVerificationTicket",
    "sendEmailVerification", "getGuardianEnrollments", "getUserLogs", "getUserBlocks",
    "unblockUser",
})
"""The operations :class:`AccessOps` answers."""

def _snake(op: str) -> str:
    """``assignRolesToUser`` -> ``assign_roles_to_user`` (the handler's name)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower()


_PROFILE_DATA: Final = ("email", "email_verified", "name", "nickname", "given_name",
                        "family_name", "picture", "username", "phone_number", "phone_verified")
_DEFAULT_DOMAIN: Final = "acme.eu.auth0.com"


class AccessOps:
    """Roles, permissions, identities, tickets and jobs of one fake user store.

    Parameters
    ----------
    store : UserStore
        The store whose users these operations read and write.
    """

    def __init__(self, store: UserStore) -> None:
        self.store = store
        self.roles: dict[str, list[str]] = {}
        self.permissions: dict[str, list[tuple[str, str]]] = {}
        self._tickets = 0

    def call(self, op: str, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        """Run one of :data:`ACCESS_OPS` (see :meth:`UserStore.call <rulesim.runtime.\
management.UserStore.call>` for the contract)."""
        handler = getattr(self, "_" + _snake(op))
        result: tuple[Any, list[MetadataChange]] = handler(args)
        return result

    # -- roles ---------------------------------------------------------------------------------
    def _role_ids(self, args: Mapping[str, Any]) -> list[str]:
        from rulesim.runtime.services.management import bad_request

        roles = args.get("roles")
        if not isinstance(roles, (list, tuple)) or not roles or not all(
                isinstance(r, str) and r for r in roles):
            raise bad_request("'Expected a non-empty array of role ids' on property roles")
        return list(dict.fromkeys(roles))

    def _set_roles(self, user_id: str, after: list[str]) -> tuple[Any, list[MetadataChange]]:
        from rulesim.runtime.services.management import MetadataChange

        before = self.roles.get(user_id, [])
        if after == before:
            return None, []
        self.roles[user_id] = after
        op = "remove" if not after else "replace" if before else "add"
        return None, [MetadataChange(user_id, "user", "roles", op, list(before),
                                     list(after) if after else None)]

    def _assign_roles_to_user(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        before = self.roles.get(user_id, [])
        return self._set_roles(user_id, before + [r for r in self._role_ids(args)
                                                  if r not in before])

    def _remove_roles_from_user(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        gone = set(self._role_ids(args))
        return self._set_roles(user_id, [r for r in self.roles.get(user_id, []) if r not in gone])

    def _get_user_roles(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        return [{"id": r, "name": r, "description": None}
                for r in self.roles.get(user_id, [])], []

    # -- permissions ---------------------------------------------------------------------------
    def _permission_pairs(self, args: Mapping[str, Any]) -> list[tuple[str, str]]:
        from rulesim.runtime.services.management import bad_request

        items = args.get("permissions")
        pairs: list[tuple[str, str]] = []
        if isinstance(items, (list, tuple)) and items:
            for item in items:
                if not isinstance(item, Mapping):
                    break
                name, server = item.get("permission_name"), item.get("resource_server_identifier")
                if not (isinstance(name, str) and name and isinstance(server, str) and server):
                    break
                pairs.append((server, name))
            else:
                return list(dict.fromkeys(pairs))
        raise bad_request("'Expected a non-empty array of {permission_name, "
                   "resource_server_identifier}' on property permissions")

    def _set_permissions(self, user_id: str, after: list[tuple[str, str]]
                         ) -> tuple[Any, list[MetadataChange]]:
        from rulesim.runtime.services.management import MetadataChange

        before = self.permissions.get(user_id, [])
        if after == before:
            return None, []
        self.permissions[user_id] = after
        op = "remove" if not after else "replace" if before else "add"
        shown = [f"{s}:{n}" for s, n in after]
        return None, [MetadataChange(user_id, "user", "permissions", op,
                                     [f"{s}:{n}" for s, n in before], shown or None)]

    def _assign_permissions_to_user(self, args: Mapping[str, Any]
                                 ) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        before = self.permissions.get(user_id, [])
        return self._set_permissions(user_id, before + [p for p in self._permission_pairs(args)
                                                        if p not in before])

    def _remove_permissions_from_user(self, args: Mapping[str, Any]
                                   ) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        gone = set(self._permission_pairs(args))
        return self._set_permissions(
            user_id, [p for p in self.permissions.get(user_id, []) if p not in gone])

    def _get_user_permissions(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        user_id = self.store._user_id(args)
        return [{"permission_name": n, "description": None, "resource_server_name": s,
                 "resource_server_identifier": s,
                 "sources": [{"source_id": "", "source_name": "", "source_type": "DIRECT"}]}
                for s, n in self.permissions.get(user_id, [])], []

    # -- identities ----------------------------------------------------------------------------
    def _link_users(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        from rulesim.runtime.services.management import ManagementApiError, bad_request

        primary = self.store._user_id(args)
        if "link_with" in args:
            raise bad_request("'link_with' tokens cannot be verified by rulesim's fake Management "
                       "API; link by provider and user_id")
        provider, sub = args.get("provider"), args.get("user_id")
        if not (isinstance(provider, str) and provider and isinstance(sub, str) and sub):
            raise bad_request("'Missing required property: provider, user_id' on property body")
        secondary_id = f"{provider}|{sub}"
        secondary = self.store.get(secondary_id)
        if secondary is None or secondary_id == primary:
            raise ManagementApiError(400, "The secondary user does not exist or cannot be "
                                     "linked to itself.", "invalid_body")
        moved = [dict(i) for i in (secondary.get("identities") or [])] or [
            {"connection": args.get("connection_id") or provider, "provider": provider,
             "user_id": sub, "isSocial": provider not in ("auth0", "email", "sms")}]
        profile = {k: secondary[k] for k in _PROFILE_DATA if k in secondary}
        for identity in moved:
            identity["profileData"] = profile
        identities = [*(self.store.get(primary) or {}).get("identities", []), *moved]
        changes = self.store._write(primary, {"identities": identities})
        self.store._remove(secondary_id)
        return identities, changes

    def _unlink_users(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        primary = self.store._user_id(args)
        provider, sub = str(args.get("provider") or ""), str(args.get("user_id") or "")
        current = self.store.get(primary) or {}
        kept: list[dict[str, Any]] = []
        freed: list[dict[str, Any]] = []
        for k, identity in enumerate(current.get("identities") or []):
            # The first identity is the account's own: it cannot be unlinked.
            same = identity.get("provider") == provider and str(identity.get("user_id")) == sub
            (freed if same and k > 0 else kept).append(identity)
        if not freed:
            return kept, []
        changes = self.store._write(primary, {"identities": kept})
        for identity in freed:
            account = {"user_id": f"{provider}|{sub}", **dict(identity.get("profileData") or {}),
                       "identities": [{k: v for k, v in identity.items() if k != "profileData"}]}
            self.store.observe(account)
        return kept, changes

    def _delete_user(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        from rulesim.runtime.services.management import MetadataChange

        user_id = self.store._user_id(args)
        self.store._remove(user_id)
        return None, [MetadataChange(user_id, "user", "", "remove", None, None)]

    # -- tickets, jobs and reads that answer nothing a rule changed ------------------------------
    def _ticket(self, kind: str, path: str, args: Mapping[str, Any]) -> dict[str, str]:
        self._tickets += 1
        data = {k: v for k, v in args.items() if k != "domain"}
        digest = hashlib.sha256(json.dumps([kind, self._tickets, data], sort_keys=True,
                                           default=str).encode()).hexdigest()[:32]
        domain = str(args.get("domain") or _DEFAULT_DOMAIN)
        return {"ticket": f"https://{domain}/{path}?ticket={digest}#"}

    def _ticket_user(self, args: Mapping[str, Any], email_ok: bool) -> None:
        from rulesim.runtime.services.management import bad_request

        if isinstance(args.get("user_id"), str):
            self.store._user_id({"id": args["user_id"]})
        elif not (email_ok and isinstance(args.get("email"), str)):
            raise bad_request("'Missing required property: user_id' on property body")

    def _create_password_change_ticket(self, args: Mapping[str, Any]
                                    ) -> tuple[Any, list[MetadataChange]]:
        self._ticket_user(args, email_ok=True)
        return self._ticket("password-change", "lo/reset", args), []

    def _create_email_verification_ticket(self, args: Mapping[str, Any]
                                       ) -> tuple[Any, list[MetadataChange]]:
        self._ticket_user(args, email_ok=False)
        return self._ticket("email-verification", "u/email-verification", args), []

    def _send_email_verification(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        self._ticket_user(args, email_ok=False)
        ticket = self._ticket("job", "jobs", args)["ticket"]
        return {"type": "verification_email", "status": "pending",
                "id": "job_" + ticket.split("ticket=")[1][:16]}, []

    def _get_guardian_enrollments(self, args: Mapping[str, Any]
                                ) -> tuple[Any, list[MetadataChange]]:
        user = self.store.get(self.store._user_id(args)) or {}
        return [{"id": f"dev_{p}", "status": "confirmed", "type": p}
                for p in user.get("multifactor") or []], []

    def _get_user_logs(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        self.store._user_id(args)
        return [], []

    def _get_user_blocks(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        self.store._user_id(args)
        return {"blocked_for": []}, []

    def _unblock_user(self, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        self.store._user_id(args)
        return None, []
