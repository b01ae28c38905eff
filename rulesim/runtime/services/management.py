"""The fake Auth0 Management API user store behind ``auth0.users.*`` and the ``auth0`` npm client.

Rules persist data only through the Management API (``auth0.users.updateAppMetadata`` and
friends, or a ``ManagementClient``). The sandbox forwards each such call to
:meth:`UserStore.call`, which applies it with Auth0's rules and returns the answer plus the
:class:`MetadataChange` records of what was persisted. At the start of every login the sandbox
calls :meth:`UserStore.observe` with the population's user, so a later login of the same user
sees what earlier logins wrote (logins of one user run in timestamp order in one worker).

Metadata merge semantics, as Auth0 documents them ("Manage Metadata with the Management API";
"Metadata Field Names and Data Types"):

* only **root-level** properties of ``app_metadata``/``user_metadata`` are merged into the
  stored object; a nested object in the update **replaces** the stored one whole;
* a root-level property set to ``null`` (``None``) is **deleted**;
* patching the metadata with an **empty object** removes the metadata completely
  (``updateAppMetadata(id, {})`` clears every key, a classic rule bug this makes visible);
* field names must not contain ``.`` or ``$`` at any depth: such a payload is refused with
  ``400 Invalid key`` and nothing is written.

Not emulated: ``updated_at`` is not bumped (the store has no clock), passwords and verification
flags are accepted but not stored, and ``getUsers`` understands only simple ``field:value``
queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from rulesim._fastjson import dumps
from rulesim.errors import UsageError
from rulesim.runtime.services.management_access import ACCESS_OPS, AccessOps

__all__ = ["OPS", "ManagementApiError", "MetadataChange", "UserStore"]

OPS: Final = frozenset({
    "getUser", "getUsers", "getUsersByEmail", "updateUser", "updateAppMetadata",
    "updateUserMetadata",
}) | ACCESS_OPS
"""The operations :meth:`UserStore.call` understands (roles, permissions, linked identities,
tickets and jobs: :mod:`rulesim.runtime.services.management_access`)."""

_METADATA: Final = ("app_metadata", "user_metadata")
_STRING_ATTRS: Final = frozenset({
    "email", "phone_number", "given_name", "family_name", "name", "nickname", "picture",
    "username",
})
_BOOL_ATTRS: Final = frozenset({"blocked", "email_verified", "phone_verified"})
# Accepted by Auth0's PATCH /users/{id} but not part of the stored profile a rule sees.
_CONTROL_ATTRS: Final = frozenset({
    "password", "verify_email", "verify_phone_number", "verify_password", "connection",
    "client_id",
})
_PHRASES: Final = {400: "Bad Request", 404: "Not Found"}
_UPDATES: Final = frozenset({"updateUser", "updateAppMetadata", "updateUserMetadata"})


class ManagementApiError(Exception):
    """A Management API call the real API would refuse; the rule sees a rejected call.

    Attributes
    ----------
    status_code : int
        400 for a bad payload (wrong type, invalid key, unknown attribute), 404 for an unknown
        user.
    message : str
        Auth0-style message, e.g. ``Payload validation error: 'Invalid key "a.b" …'``.
    error_code : str
        Auth0's ``errorCode`` (``invalid_body``, ``invalid_uri``, ``inexistent_user``).
    """

    def __init__(self, status_code: int, message: str, error_code: str = "invalid_body") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.error_code = error_code

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON error body Auth0 sends, for the JS side to reject with."""
        return {"statusCode": self.status_code, "error": _PHRASES.get(self.status_code, "Error"),
                "message": self.message, "errorCode": self.error_code}


@dataclass(frozen=True)
class MetadataChange:
    """One persisted change a Management API call made to a user.

    Attributes
    ----------
    user_id : str
        The user written.
    target : str
        ``app_metadata``, ``user_metadata``, or ``user`` (a root attribute such as ``blocked``,
        or ``roles``).
    path : str
        Dotted path from the user root: ``app_metadata.login_count``, ``blocked``, ``roles``.
    op : str
        ``add``, ``replace`` or ``remove``.
    before, after : Any
        The value before and after (``None`` when absent); copies, safe to keep.
    """

    user_id: str
    target: str
    path: str
    op: str
    before: Any
    after: Any


def _clone(value: Any) -> Any:
    """Deep-copy JSON-like data (faster than copy.deepcopy, and turns Mappings into dicts)."""
    kind = type(value)
    if kind is dict:
        # The common case (parsed JSON): exact type checks skip the ABC machinery.
        return {k: v if type(v) in _SCALARS else _clone(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else _clone(v) for v in value]
    if kind in _SCALARS:
        return value
    if isinstance(value, Mapping):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clone(v) for v in value]
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})
_ABSENT = object()   # a key not in the stored metadata (None is a value there)


def bad_request(message: str) -> ManagementApiError:
    return ManagementApiError(400, f"Payload validation error: {message}")


def _check_keys(value: Any, where: str) -> None:
    """Refuse field names with '.' or '$' anywhere: Auth0 cannot store or index them."""
    kind = type(value)
    if kind in _SCALARS:
        return
    if kind is dict or isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise bad_request(f"'Invalid key {key!r}' on property {where}: keys must be strings")
            if "." in key or "$" in key:
                raise bad_request(f"'Invalid key \"{key}\": metadata field names cannot contain "
                           f"\".\" or \"$\"' on property {where}")
            if type(item) not in _SCALARS:
                _check_keys(item, f"{where}.{key}")
    elif kind is list or isinstance(value, (list, tuple)):
        for item in value:
            if type(item) not in _SCALARS:
                _check_keys(item, where)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, (list, tuple)) else "object"


def _expect_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise bad_request(f"'Expected type object but found type {_type_name(value)}' on property "
                   f"{where}")
    return value


class UserStore:
    """Users as the fake Management API sees them, with the writes rules persisted.

    The store is cheap: it keeps a reference to the latest population user per ``user_id``
    and, only for users written through the API, the attributes that were written.

    Parameters
    ----------
    users : iterable of Mapping, optional
        Users known before any login (for example the whole population, so that
        ``getUsersByEmail`` finds accounts to link). They are kept by reference, not copied:
        do not mutate them afterwards.
    """

    def __init__(self, users: Iterable[Mapping[str, Any]] = ()) -> None:
        self._seen: dict[str, Mapping[str, Any]] = {}
        self._written: dict[str, dict[str, Any]] = {}
        self._access = AccessOps(self)
        self._by_email: dict[str, list[str]] = {}
        for user in users:
            self.observe(user)

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._seen

    def observe(self, user: Mapping[str, Any]) -> Mapping[str, Any]:
        """Register the user of a login starting now; return the user the rules should see.

        For a user never written through the API this is O(1) and returns ``user`` itself,
        uncopied. Otherwise it returns a new dict: ``user`` with the persisted attributes
        (``app_metadata``, ``user_metadata``, and any root attributes set by ``updateUser``)
        laid over it, so the persisted state wins over the population's.

        A user without a string ``user_id`` cannot be stored and is returned unchanged.
        """
        seen = self.observe_view(user)
        if seen is user:
            return user
        merged = dict(user)
        merged.update(_clone(self._written[user["user_id"]]))
        return merged

    def observe_view(self, user: Mapping[str, Any]) -> Mapping[str, Any]:
        """Register ``user`` as :meth:`observe` does; return the user the rules should see,
        sharing the store's data: to read or to write as JSON, never to change.

        Examples
        --------
        >>> store = UserStore([{"user_id": "x"}])
        >>> _ = store.call("updateAppMetadata", {"id": "x", "data": {"n": 1}})
        >>> store.observe_view({"user_id": "x", "name": "X"})
        {'user_id': 'x', 'name': 'X', 'app_metadata': {'n': 1}}
        """
        written = self.observe_overlay(user)
        if not written:
            return user
        return {**user, **written}

    def observe_overlay(self, user: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Register ``user`` as :meth:`observe` does; return what the rules should see laid
        over it (the attributes persisted for it: ``{**user, **overlay}`` is the user they
        see), sharing the store's data, or None when nothing was persisted for it.

        Examples
        --------
        >>> store = UserStore([{"user_id": "x"}])
        >>> _ = store.call("updateAppMetadata", {"id": "x", "data": {"n": 1}})
        >>> store.observe_overlay({"user_id": "x", "name": "X"})
        {'app_metadata': {'n': 1}}
        >>> store.observe_overlay({"user_id": "y"}) is None
        True
        """
        user_id = user.get("user_id")
        if not isinstance(user_id, str):
            return None
        previous = self._seen.get(user_id)
        self._seen[user_id] = user
        written = self._written.get(user_id)
        if previous is not user and (written is None or "email" not in written):
            old_email = None if previous is None else previous.get("email")
            if previous is None or old_email != user.get("email"):
                self._index_email(user_id, old_email, user.get("email"))
        return written or None

    def get(self, user_id: str) -> dict[str, Any] | None:
        """Return a copy of the user as the API would return it, or ``None`` if unknown."""
        view = self._view(user_id)
        return None if view is None else _clone(view)

    def _view(self, user_id: str) -> Mapping[str, Any] | None:
        """The user as the API would return it, sharing the store's data: to read, never to
        change or to hand out (:meth:`get` copies it)."""
        base = self._seen.get(user_id)
        if base is None:
            return None
        written = self._written.get(user_id)
        return base if not written else {**base, **written}

    def persisted(self, user_id: str) -> dict[str, Any]:
        """Return a copy of what was written for ``user_id`` through the API (empty if none)."""
        written: dict[str, Any] = _clone(self._written.get(user_id, {}))
        return written

    def call(self, op: str, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        """Run one Management API operation.

        Parameters
        ----------
        op : str
            One of :data:`OPS`: ``getUser {id}``, ``getUsers {q?, per_page?, page?}``,
            ``getUsersByEmail {email}``, ``updateUser {id, data}``,
            ``updateAppMetadata {id, data}``, ``updateUserMetadata {id, data}``, and the
            operations of :data:`~rulesim.runtime.services.management_access.ACCESS_OPS`
            (``assignRolesToUser {id, roles}``, ``linkUsers {id, provider, user_id}``, …).
        args : Mapping
            The operation's arguments (JSON data from the sandbox).

        Returns
        -------
        result, changes
            The API's answer (a user dict, a list of users, or ``None``) and the persisted
            changes, in order (empty for reads and for writes that changed nothing).

        Raises
        ------
        ManagementApiError
            400 for a bad payload, 404 for an unknown user; nothing is written then.
        UsageError
            For an ``op`` outside :data:`OPS` (a sandbox bug, not a rule's).
        """
        if op in ACCESS_OPS:
            return self._access.call(op, args)
        result, changes = self._answer(op, args)
        return _clone(result), changes

    def call_json(self, op: str, args: Mapping[str, Any]) -> tuple[str, list[MetadataChange]]:
        """Run one Management API operation as :meth:`call` does; the answer as JSON text.

        The text is what ``json.dumps(result, separators=(",", ":"), ensure_ascii=False)``
        writes of :meth:`call`'s answer (``''`` for ``None``), made without copying the user:
        the host hands the answer to the sandbox as text.

        Raises
        ------
        ManagementApiError, UsageError
            As :meth:`call`.

        Examples
        --------
        >>> store = UserStore([{"user_id": "auth0|1", "email": "a@example.com"}])
        >>> store.call_json("updateAppMetadata", {"id": "auth0|1", "data": {"plan": "pro"}})[0]
        '{"user_id":"auth0|1","email":"a@example.com","app_metadata":{"plan":"pro"}}'
        """
        if op in ACCESS_OPS:
            result, changes = self._access.call(op, args)
        else:
            result, changes = self._answer(op, args)
        return ("" if result is None else dumps(result)), changes

    def _answer(self, op: str, args: Mapping[str, Any]) -> tuple[Any, list[MetadataChange]]:
        # The answer of an operation outside ACCESS_OPS, sharing the store's data (a view).
        if op == "getUser":
            return self._require(args), []
        if op == "getUsersByEmail":
            email = args.get("email")
            if not isinstance(email, str):
                raise bad_request(f"'Expected type string but found type {_type_name(email)}' on "
                           "property email")
            ids = self._by_email.get(email.lower(), [])
            return [self._view(i) for i in ids], []
        if op == "getUsers":
            return self._search(args), []
        if op in _UPDATES:
            changes = self.update(op, args)
            return self._require(args), changes
        raise UsageError(f"unknown Management API op {op!r}; expected one of "
                         f"{', '.join(sorted(OPS))}")

    def update(self, op: str, args: Mapping[str, Any]) -> list[MetadataChange]:
        """Apply an ``updateUser``/``updateAppMetadata``/``updateUserMetadata`` as :meth:`call`
        does, and return only the persisted changes (no copy of the user is made for an answer
        nobody reads: the Actions' metadata writes).

        Raises
        ------
        ManagementApiError
            As :meth:`call`; nothing is written then.
        UsageError
            For any other ``op``.
        """
        user_id = self._user_id(args)
        if op == "updateUser":
            data = _expect_object(args.get("data"), "body")
            self._check_user_update(data)
            return self._write(user_id, data)
        if op not in _UPDATES:
            raise UsageError(f"update() applies {', '.join(sorted(_UPDATES))}, not {op!r}")
        target = "app_metadata" if op == "updateAppMetadata" else "user_metadata"
        data = _expect_object(args.get("data"), target)
        _check_keys(data, target)
        return self._write(user_id, {target: data})

    # -- internals ------------------------------------------------------------------------------

    def _index_email(self, user_id: str, old: Any, new: Any) -> None:
        if isinstance(old, str):
            ids = self._by_email.get(old.lower(), [])
            if user_id in ids:
                ids.remove(user_id)
        if isinstance(new, str):
            self._by_email.setdefault(new.lower(), []).append(user_id)

    def _user_id(self, args: Mapping[str, Any]) -> str:
        user_id = args.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise ManagementApiError(400, "Path validation error: 'String is too short (0 chars),"
                                     " minimum 1' on property id (User ID)", "invalid_uri")
        if user_id not in self._seen:
            raise ManagementApiError(404, "The user does not exist.", "inexistent_user")
        return user_id

    def _require(self, args: Mapping[str, Any]) -> Mapping[str, Any]:
        # A view (see _view): call() copies it, call_json() writes it.
        user = self._view(self._user_id(args))
        assert user is not None  # _user_id checked it exists
        return user

    def _check_user_update(self, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if key in _METADATA:
                _check_keys(_expect_object(value, key), key)
            elif key in _BOOL_ATTRS:
                if not isinstance(value, bool):
                    raise bad_request(f"'Expected type boolean but found type {_type_name(value)}' on "
                               f"property {key}")
            elif key in _STRING_ATTRS:
                if not isinstance(value, str):
                    raise bad_request(f"'Expected type string but found type {_type_name(value)}' on "
                               f"property {key}")
            elif key not in _CONTROL_ATTRS:
                raise bad_request(f"'Additional properties not allowed: {key}' on property body")

    def _current(self, user_id: str, key: str) -> Any:
        written = self._written.get(user_id)
        if written is not None and key in written:
            return written[key]
        return self._seen[user_id].get(key)

    def _write(self, user_id: str, data: Mapping[str, Any]) -> list[MetadataChange]:
        changes: list[MetadataChange] = []
        updates: dict[str, Any] = {}
        old_email = self._current(user_id, "email")
        for key, value in data.items():
            if key in _CONTROL_ATTRS:
                continue
            before = self._current(user_id, key)
            if key in _METADATA:
                merged, delta = _merge(user_id, key, before, value)
                changes.extend(delta)
                if delta:
                    updates[key] = merged
            elif before != value:
                op = "add" if before is None else "replace"
                changes.append(MetadataChange(user_id, "user", key, op, _clone(before),
                                              _clone(value)))
                updates[key] = _clone(value)
        if updates:
            self._written.setdefault(user_id, {}).update(updates)
            if "email" in updates:
                self._index_email(user_id, old_email, updates["email"])
        return changes

    def roles(self, user_id: str) -> list[str]:
        """Return the role ids assigned to ``user_id`` through ``assignRolesToUser``."""
        return list(self._access.roles.get(user_id, []))

    def _remove(self, user_id: str) -> None:
        """Forget a user (deleted, or linked into another account)."""
        email = self._current(user_id, "email")
        self._index_email(user_id, email, None)
        self._seen.pop(user_id, None)
        self._written.pop(user_id, None)

    def _search(self, args: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        per_page = args.get("per_page", 50)
        page = args.get("page", 0)
        if isinstance(per_page, bool) or not isinstance(per_page, int) or not 0 < per_page <= 100:
            raise ManagementApiError(400, "Query validation error: 'per_page' must be an integer "
                                     "between 1 and 100", "invalid_query_string")
        if isinstance(page, bool) or not isinstance(page, int) or page < 0:
            raise ManagementApiError(400, "Query validation error: 'page' must be an integer >= 0",
                                     "invalid_query_string")
        terms = _parse_query(args.get("q"))
        found: list[Mapping[str, Any]] = []
        skip = page * per_page
        for user_id in self._seen:
            user = self._view(user_id)
            if user is not None and all(_term_matches(user, p, v) for p, v in terms):
                if skip:
                    skip -= 1
                    continue
                found.append(user)
                if len(found) == per_page:
                    break
        return found


def _merge(user_id: str, target: str, before: Any, data: Mapping[str, Any]
           ) -> tuple[dict[str, Any], list[MetadataChange]]:
    """Merge ``data`` into stored metadata ``before`` the way Auth0 does (see module doc)."""
    old: Mapping[str, Any] = before if isinstance(before, Mapping) else {}
    changes: list[MetadataChange] = []
    if not data:  # Auth0: patching metadata with {} removes it completely
        for key, value in old.items():
            changes.append(MetadataChange(user_id, target, f"{target}.{key}", "remove",
                                          _clone(value), None))
        return {}, changes
    # A shallow copy: the store never changes a stored value in place (it replaces values).
    # A change's values are copies all the same (only containers need copying).
    merged: dict[str, Any] = dict(old)
    for key, value in data.items():
        if value is None:
            if key in merged:
                gone = merged.pop(key)
                changes.append(MetadataChange(user_id, target, f"{target}.{key}", "remove",
                                              gone if type(gone) in _SCALARS else _clone(gone),
                                              None))
            continue
        was = merged.get(key, _ABSENT)
        if was == value:   # (most keys of a whole-metadata write: unchanged)
            continue
        scalar = type(value) in _SCALARS
        if was is _ABSENT:
            merged[key] = value if scalar else _clone(value)
            changes.append(MetadataChange(user_id, target, f"{target}.{key}", "add", None,
                                          value if scalar else _clone(value)))
        else:
            changes.append(MetadataChange(user_id, target, f"{target}.{key}", "replace",
                                          was if type(was) in _SCALARS else _clone(was),
                                          value if scalar else _clone(value)))
            merged[key] = value if scalar else _clone(value)
    return merged, changes


def _parse_query(q: Any) -> list[tuple[str, str]]:
    """Parse the simple Lucene subset rules use: ``field:value`` terms joined by AND/spaces."""
    if q is None or q == "":
        return []
    if not isinstance(q, str):
        raise ManagementApiError(400, "Query validation error: 'q' must be a string",
                                 "invalid_query_string")
    terms: list[tuple[str, str]] = []
    i, n = 0, len(q)
    while i < n:
        while i < n and q[i] == " ":
            i += 1
        if q.startswith("AND ", i):
            i += 4
            continue
        if i >= n:
            break
        colon = q.find(":", i)
        if colon < 0:
            raise ManagementApiError(400, f"Query validation error: unsupported query {q!r}; "
                                     "rulesim understands field:value terms joined by AND",
                                     "invalid_query_string")
        field_name = q[i:colon].strip()
        i = colon + 1
        if i < n and q[i] == '"':
            end = q.find('"', i + 1)
            if end < 0:
                raise ManagementApiError(400, f"Query validation error: unclosed quote in {q!r}",
                                         "invalid_query_string")
            value, i = q[i + 1:end], end + 1
        else:
            end = q.find(" ", i)
            end = n if end < 0 else end
            value, i = q[i:end], end
        terms.append((field_name, value))
    return terms


def _term_matches(user: Mapping[str, Any], path: str, want: str) -> bool:
    value: Any = user
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    values = value if isinstance(value, list) else [value]
    for item in values:
        text = "true" if item is True else "false" if item is False else str(item)
        if want.endswith("*") and text.lower().startswith(want[:-1].lower()):
            return True
        if want == "*" or text.lower() == want.lower():
            return True
    return False
