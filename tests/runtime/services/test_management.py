"""The fake Management API user store: Auth0's metadata merge rules and persistence."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim.errors import UsageError
from rulesim.runtime.services.management import ManagementApiError, MetadataChange, UserStore

UID = "auth0|5f1a"


def user(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"user_id": UID, "email": "Jane@Example.com", "name": "Jane",
                            "logins_count": 3}
    base.update(extra)
    return base


def store_with(**extra: Any) -> UserStore:
    store = UserStore()
    store.observe(user(**extra))
    return store


def change(path: str, op: str, before: Any, after: Any, target: str = "app_metadata"
           ) -> MetadataChange:
    return MetadataChange(UID, target, path, op, before, after)


# -- observe ------------------------------------------------------------------------------------


def test_observing_a_never_written_user_returns_the_same_object_uncopied() -> None:
    store = UserStore()
    profile = user()
    assert store.observe(profile) is profile
    assert store.observe(profile) is profile
    assert UID in store
    assert len(store) == 1


def test_persisted_metadata_is_visible_on_the_next_observe_of_that_user() -> None:
    store = store_with(app_metadata={"plan": "free"})
    store.call("updateAppMetadata", {"id": UID, "data": {"login_count": 1}})
    next_login = user(app_metadata={"plan": "free"}, logins_count=4)
    seen = store.observe(next_login)
    assert seen is not next_login
    assert seen["app_metadata"] == {"plan": "free", "login_count": 1}
    assert seen["logins_count"] == 4  # the population's own fields still come through
    assert next_login["app_metadata"] == {"plan": "free"}  # the input is never modified


def test_the_user_returned_by_observe_can_be_mutated_without_touching_the_store() -> None:
    store = store_with()
    store.call("updateUserMetadata", {"id": UID, "data": {"prefs": {"theme": "dark"}}})
    seen = store.observe(user())
    seen["user_metadata"]["prefs"]["theme"] = "light"
    assert store.persisted(UID) == {"user_metadata": {"prefs": {"theme": "dark"}}}


def test_a_user_without_a_user_id_is_returned_unchanged_and_not_stored() -> None:
    store = UserStore()
    anonymous = {"email": "x@example.com"}
    assert store.observe(anonymous) is anonymous
    assert len(store) == 0


def test_other_users_are_unaffected_by_a_write() -> None:
    store = store_with()
    other = {"user_id": "auth0|other", "email": "o@example.com"}
    store.observe(other)
    store.call("updateAppMetadata", {"id": UID, "data": {"a": 1}})
    assert store.observe(other) is other


# -- merge semantics ----------------------------------------------------------------------------


def test_app_metadata_merges_top_level_keys_and_reports_adds_and_replaces() -> None:
    store = store_with(app_metadata={"plan": "free", "roles": ["user"]})
    result, changes = store.call("updateAppMetadata",
                                 {"id": UID, "data": {"plan": "pro", "login_count": 1}})
    assert result["app_metadata"] == {"plan": "pro", "roles": ["user"], "login_count": 1}
    assert changes == [change("app_metadata.plan", "replace", "free", "pro"),
                       change("app_metadata.login_count", "add", None, 1)]


def test_a_nested_object_replaces_the_stored_one_whole() -> None:
    store = store_with(user_metadata={"addresses": {"home": "1 Main St"}, "hobby": "surf"})
    result, changes = store.call("updateUserMetadata",
                                 {"id": UID, "data": {"addresses": {"work": "2 Mill Rd"}}})
    assert result["user_metadata"] == {"addresses": {"work": "2 Mill Rd"}, "hobby": "surf"}
    assert changes == [change("user_metadata.addresses", "replace", {"home": "1 Main St"},
                              {"work": "2 Mill Rd"}, target="user_metadata")]


def test_a_null_value_deletes_the_key_and_a_missing_key_deletes_nothing() -> None:
    store = store_with(app_metadata={"plan": "free", "beta": True})
    result, changes = store.call("updateAppMetadata",
                                 {"id": UID, "data": {"beta": None, "never_set": None}})
    assert result["app_metadata"] == {"plan": "free"}
    assert changes == [change("app_metadata.beta", "remove", True, None)]


def test_an_empty_object_clears_the_metadata_completely_as_auth0_documents() -> None:
    store = store_with(app_metadata={"plan": "free", "beta": True})
    result, changes = store.call("updateAppMetadata", {"id": UID, "data": {}})
    assert result["app_metadata"] == {}
    assert [c.op for c in changes] == ["remove", "remove"]
    assert store.observe(user(app_metadata={"plan": "free"}))["app_metadata"] == {}


def test_writing_the_same_value_again_records_no_change() -> None:
    store = store_with(app_metadata={"plan": "free"})
    _, changes = store.call("updateAppMetadata", {"id": UID, "data": {"plan": "free"}})
    assert changes == []
    assert store.observe(user(app_metadata={"plan": "free"}))["app_metadata"] == {"plan": "free"}


def test_metadata_starts_undefined_and_the_first_write_creates_it() -> None:
    store = store_with()
    result, changes = store.call("updateAppMetadata", {"id": UID, "data": {"x": 1}})
    assert result["app_metadata"] == {"x": 1}
    assert changes == [change("app_metadata.x", "add", None, 1)]


def test_successive_writes_in_one_login_build_on_each_other() -> None:
    store = store_with()
    store.call("updateAppMetadata", {"id": UID, "data": {"a": 1}})
    result, _ = store.call("updateAppMetadata", {"id": UID, "data": {"b": 2}})
    assert result["app_metadata"] == {"a": 1, "b": 2}


def test_recorded_values_are_copies_that_later_writes_do_not_change() -> None:
    store = store_with()
    payload = {"tags": ["a"]}
    _, changes = store.call("updateAppMetadata", {"id": UID, "data": payload})
    payload["tags"].append("b")
    assert changes[0].after == ["a"]
    assert store.persisted(UID)["app_metadata"] == {"tags": ["a"]}


@pytest.mark.parametrize(
    "data",
    [{"a.b": 1}, {"$set": 1}, {"ok": {"nested.key": 1}}, {"ok": [{"$bad": 1}]}],
)
def test_keys_with_a_dot_or_dollar_anywhere_are_refused_with_400_invalid_key(
    data: dict[str, Any]
) -> None:
    store = store_with(app_metadata={"plan": "free"})
    with pytest.raises(ManagementApiError) as info:
        store.call("updateAppMetadata", {"id": UID, "data": data})
    assert info.value.status_code == 400
    assert "Invalid key" in info.value.message
    assert store.persisted(UID) == {}  # nothing was written


@pytest.mark.parametrize("data", [None, "plan=pro", ["plan"], 3])
def test_metadata_that_is_not_an_object_is_refused_with_400(data: Any) -> None:
    with pytest.raises(ManagementApiError, match="Expected type object") as info:
        store_with().call("updateUserMetadata", {"id": UID, "data": data})
    assert info.value.status_code == 400
    assert info.value.to_dict() == {"statusCode": 400, "error": "Bad Request",
                                    "message": info.value.message, "errorCode": "invalid_body"}


@pytest.mark.parametrize("op", ["updateAppMetadata", "updateUserMetadata"])
@pytest.mark.parametrize("data", [{"plan": "pro", "tags": ["a"]}, {"plan": None}, {}, {"a.b": 1},
                                  "plan=pro"])
def test_update_writes_and_refuses_as_call_does_without_the_user_copy(
    op: str, data: Any
) -> None:
    # The Actions' metadata writes (Pipeline._write_metadata) only write: same checks, same store.
    by_call, by_update = (store_with(app_metadata={"plan": "free"}, user_metadata={"plan": "x"})
                          for _ in range(2))
    args = {"id": UID, "data": data}
    try:
        _, expected = by_call.call(op, args)
    except ManagementApiError as exc:
        with pytest.raises(ManagementApiError, match=re.escape(exc.message)):
            by_update.update(op, args)
    else:
        assert by_update.update(op, args) == expected
    assert by_update.persisted(UID) == by_call.persisted(UID)
    assert by_update.get(UID) == by_call.get(UID)


METADATA = st.dictionaries(st.sampled_from(["plan", "tags", "n", "prefs", "a.b"]),
                           st.none() | st.integers(0, 3) | st.sampled_from(["pro", "é"])
                           | st.lists(st.sampled_from(["x", "y"]), max_size=2)
                           | st.fixed_dictionaries({"theme": st.sampled_from(["dark", "light"])}),
                           max_size=3)
OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["updateAppMetadata", "updateUserMetadata", "updateUser", "getUser",
                     "getUsersByEmail", "getUsers"]),
    st.sampled_from([UID, "auth0|other", ""]), METADATA), min_size=1, max_size=6)


def _args(op: str, uid: str, data: dict[str, Any]) -> dict[str, Any]:
    if op == "getUsersByEmail":
        return {"email": "jane@example.com"}
    if op == "getUsers":
        return {"q": "name:Jane"}
    if op == "updateUser":
        return {"id": uid, "data": {"app_metadata": data, "blocked": bool(data)}}
    return {"id": uid, "data": data}


@given(operations=OPERATIONS)
@settings(max_examples=150, deadline=None)
def test_call_json_answers_and_writes_as_call_does(operations: list[tuple[str, str, Any]]) -> None:
    # The host answers with call_json (the store's view written as JSON, no copy of the user).
    by_call, by_json = (store_with(app_metadata={"plan": "free", "prefs": {"theme": "dark"}})
                        for _ in range(2))
    for op, uid, data in operations:
        args = _args(op, uid, data)
        try:
            result, expected = by_call.call(op, args)
        except ManagementApiError as exc:
            with pytest.raises(ManagementApiError, match=re.escape(exc.message)):
                by_json.call_json(op, _args(op, uid, data))
            continue
        text, changes = by_json.call_json(op, _args(op, uid, data))
        assert changes == expected
        assert (json.loads(text) if text else None) == result
        assert text == ("" if result is None else json.dumps(result, separators=(",", ":"),
                                                             ensure_ascii=False))
        for ch in changes:   # a change's values are its own: changing them changes nothing stored
            for value in (ch.before, ch.after):
                if isinstance(value, dict):
                    value["mutated"] = True
                elif isinstance(value, list):
                    value.append("mutated")
        assert by_json.persisted(UID) == by_call.persisted(UID)
        assert by_json.get(UID) == by_call.get(UID)


def test_update_runs_only_the_write_operations() -> None:
    with pytest.raises(UsageError, match="getUser"):
        store_with().update("getUser", {"id": UID})
    with pytest.raises(ManagementApiError) as info:
        store_with().update("updateAppMetadata", {"id": "auth0|nobody", "data": {}})
    assert info.value.status_code == 404
    store = store_with()
    assert [c.path for c in store.update("updateUser", {"id": UID, "data": {"name": "J"}})] == [
        "name"]
    assert store.get(UID)["name"] == "J"


# -- updateUser and other operations ------------------------------------------------------------


def test_update_user_sets_root_attributes_and_merges_metadata() -> None:
    store = store_with(app_metadata={"plan": "free"})
    result, changes = store.call("updateUser", {"id": UID, "data": {
        "blocked": True, "app_metadata": {"plan": "pro"}, "password": "s3cret!"}})
    assert result["blocked"] is True
    assert result["app_metadata"] == {"plan": "pro"}
    assert "password" not in result
    assert changes == [change("blocked", "add", None, True, target="user"),
                       change("app_metadata.plan", "replace", "free", "pro")]
    assert store.observe(user(blocked=False))["blocked"] is True


@pytest.mark.parametrize(
    ("data", "message"),
    [({"blocked": "yes"}, "Expected type boolean"), ({"email": 7}, "Expected type string"),
     ({"logins_count": 9}, "Additional properties not allowed: logins_count"),
     ({"user_metadata": {"a.b": 1}}, "Invalid key"),
     ({"app_metadata": None}, "Expected type object")],
)
def test_update_user_refuses_bad_payloads_with_400(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ManagementApiError, match=message) as info:
        store_with().call("updateUser", {"id": UID, "data": data})
    assert info.value.status_code == 400


def test_an_unknown_user_is_a_404_for_reads_and_writes() -> None:
    store = store_with()
    calls: list[tuple[str, dict[str, Any]]] = [
        ("getUser", {"id": "auth0|nobody"}),
        ("updateAppMetadata", {"id": "auth0|nobody", "data": {"a": 1}}),
        ("assignRolesToUser", {"id": "auth0|nobody", "roles": ["r"]}),
    ]
    for op, args in calls:
        with pytest.raises(ManagementApiError) as info:
            store.call(op, args)
        assert (info.value.status_code, info.value.error_code) == (404, "inexistent_user")


def test_a_missing_user_id_is_a_400() -> None:
    with pytest.raises(ManagementApiError) as info:
        store_with().call("getUser", {})
    assert info.value.status_code == 400


def test_get_user_returns_a_copy_with_persisted_writes() -> None:
    store = store_with()
    store.call("updateAppMetadata", {"id": UID, "data": {"a": 1}})
    found, changes = store.call("getUser", {"id": UID})
    assert (found["app_metadata"], changes) == ({"a": 1}, [])
    found["app_metadata"]["a"] = 2
    assert store.call("getUser", {"id": UID})[0]["app_metadata"] == {"a": 1}


def test_get_users_by_email_is_case_insensitive_and_follows_email_changes() -> None:
    store = UserStore([user(), {"user_id": "google-oauth2|1", "email": "jane@example.com"},
                       {"user_id": "auth0|z", "email": "zed@example.com"}])
    found, _ = store.call("getUsersByEmail", {"email": "JANE@example.com"})
    assert [u["user_id"] for u in found] == [UID, "google-oauth2|1"]
    store.call("updateUser", {"id": UID, "data": {"email": "new@example.com"}})
    assert [u["user_id"] for u in store.call("getUsersByEmail", {"email": "jane@example.com"})[0]
            ] == ["google-oauth2|1"]
    assert store.call("getUsersByEmail", {"email": "new@example.com"})[0][0]["user_id"] == UID


def test_get_users_supports_simple_field_queries_and_paging() -> None:
    store = UserStore([{"user_id": f"auth0|{i}", "email": f"u{i}@example.com",
                        "app_metadata": {"tier": "gold" if i % 2 else "basic"}} for i in range(6)])
    gold, _ = store.call("getUsers", {"q": 'app_metadata.tier:"gold"'})
    assert [u["user_id"] for u in gold] == ["auth0|1", "auth0|3", "auth0|5"]
    both, _ = store.call("getUsers", {"q": "app_metadata.tier:gold AND email:u3*"})
    assert [u["user_id"] for u in both] == ["auth0|3"]
    page, _ = store.call("getUsers", {"per_page": 2, "page": 1})
    assert [u["user_id"] for u in page] == ["auth0|2", "auth0|3"]
    with pytest.raises(ManagementApiError, match="per_page"):
        store.call("getUsers", {"per_page": 1000})
    with pytest.raises(ManagementApiError, match="unsupported query"):
        store.call("getUsers", {"q": "just words"})


def test_assigning_roles_records_the_new_roles_once() -> None:
    store = store_with()
    result, changes = store.call("assignRolesToUser", {"id": UID, "roles": ["rol_a", "rol_a"]})
    assert result is None
    assert changes == [change("roles", "add", [], ["rol_a"], target="user")]
    _, again = store.call("assignRolesToUser", {"id": UID, "roles": ["rol_a", "rol_b"]})
    assert again == [change("roles", "replace", ["rol_a"], ["rol_a", "rol_b"], target="user")]
    assert store.call("assignRolesToUser", {"id": UID, "roles": ["rol_b"]})[1] == []
    assert store.roles(UID) == ["rol_a", "rol_b"]
    with pytest.raises(ManagementApiError, match="roles"):
        store.call("assignRolesToUser", {"id": UID, "roles": []})


def test_an_unknown_operation_is_a_usage_error_listing_the_supported_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown Management API op 'rotateSigningKeys'.*getUser"):
        store_with().call("rotateSigningKeys", {"id": UID})


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False)
                     | st.sampled_from(["a", "b", ""]),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.sampled_from(["x", "y"]), inner, max_size=2),
                     max_leaves=6)
_METADATA = st.dictionaries(st.sampled_from(["k", "n", "roles", "plan"]), _JSON, max_size=4)


def _merge_key_by_key(before: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any],
                                                                            list[tuple[Any, ...]]]:
    """Auth0's metadata merge, written plainly: the specification the store's merge keeps."""
    merged = json.loads(json.dumps(before))
    changes: list[tuple[Any, ...]] = []
    if not data:
        return {}, [("app_metadata." + k, "remove", v, None) for k, v in before.items()]
    for key, value in data.items():
        path = "app_metadata." + key
        if value is None:
            if key in merged:
                changes.append((path, "remove", merged.pop(key), None))
        elif key not in merged:
            merged[key] = value
            changes.append((path, "add", None, value))
        elif merged[key] != value:
            changes.append((path, "replace", merged[key], value))
            merged[key] = value
    return merged, changes


@settings(max_examples=300, deadline=None)
@given(before=_METADATA, writes=st.lists(_METADATA, min_size=1, max_size=3))
def test_successive_metadata_writes_merge_and_report_changes_key_by_key(
        before: dict[str, Any], writes: list[dict[str, Any]]) -> None:
    store = UserStore([{"user_id": "u", "app_metadata": before}])
    expected = before
    for data in writes:
        changes = store.call("updateAppMetadata", {"id": "u", "data": data})[1]
        expected, rows = _merge_key_by_key(expected, data)
        assert [(c.path, c.op, c.before, c.after) for c in changes] == rows
        assert store.persisted("u").get("app_metadata", before) == expected
