"""The fake Management API's roles, permissions, linked identities, tickets and jobs."""

from __future__ import annotations

import pytest

from rulesim.runtime.services.management import ManagementApiError, MetadataChange, UserStore

PRIMARY = "auth0|p1"
SECONDARY = "google-oauth2|99"


def store() -> UserStore:
    s = UserStore()
    s.observe({"user_id": PRIMARY, "email": "ada@example.com", "multifactor": ["guardian"],
               "identities": [{"provider": "auth0", "user_id": "p1", "connection": "db",
                               "isSocial": False}]})
    s.observe({"user_id": SECONDARY, "email": "ada@example.com", "name": "Ada G.",
               "identities": [{"provider": "google-oauth2", "user_id": "99",
                               "connection": "google-oauth2", "isSocial": True}]})
    return s


def test_roles_are_assigned_listed_and_removed_with_persisted_changes() -> None:
    s = store()
    _, added = s.call("assignRolesToUser", {"id": PRIMARY, "roles": ["rol_a", "rol_b"]})
    assert added == [MetadataChange(PRIMARY, "user", "roles", "add", [], ["rol_a", "rol_b"])]
    roles, _ = s.call("getUserRoles", {"id": PRIMARY})
    assert [r["id"] for r in roles] == ["rol_a", "rol_b"]
    _, removed = s.call("removeRolesFromUser", {"id": PRIMARY, "roles": ["rol_a", "rol_b"]})
    assert removed[0].op == "remove"
    assert s.roles(PRIMARY) == []


def test_permissions_are_pairs_of_name_and_api() -> None:
    s = store()
    perm = {"permission_name": "read:reports", "resource_server_identifier": "https://api"}
    s.call("assignPermissionsToUser", {"id": PRIMARY, "permissions": [perm, perm]})
    listed, _ = s.call("getUserPermissions", {"id": PRIMARY})
    assert [(p["permission_name"], p["resource_server_identifier"]) for p in listed] == [
        ("read:reports", "https://api")]
    with pytest.raises(ManagementApiError, match="permission_name"):
        s.call("assignPermissionsToUser", {"id": PRIMARY, "permissions": [{"x": 1}]})


def test_linking_moves_the_secondary_identity_and_deletes_the_secondary_account() -> None:
    s = store()
    identities, changes = s.call("linkUsers", {"id": PRIMARY, "provider": "google-oauth2",
                                               "user_id": "99"})
    assert [i["provider"] for i in identities] == ["auth0", "google-oauth2"]
    assert identities[1]["profileData"] == {"email": "ada@example.com", "name": "Ada G."}
    assert [(c.target, c.path, c.op) for c in changes] == [("user", "identities", "replace")]
    assert SECONDARY not in s
    by_email, _ = s.call("getUsersByEmail", {"email": "ada@example.com"})
    assert [u["user_id"] for u in by_email] == [PRIMARY]


def test_unlinking_gives_the_identity_back_as_an_account() -> None:
    s = store()
    s.call("linkUsers", {"id": PRIMARY, "provider": "google-oauth2", "user_id": "99"})
    left, _ = s.call("unlinkUsers", {"id": PRIMARY, "provider": "google-oauth2", "user_id": "99"})
    assert [i["provider"] for i in left] == ["auth0"]
    assert SECONDARY in s


def test_linking_an_unknown_account_is_refused() -> None:
    with pytest.raises(ManagementApiError) as info:
        store().call("linkUsers", {"id": PRIMARY, "provider": "github", "user_id": "7"})
    assert info.value.status_code == 400


def test_tickets_are_urls_on_the_tenant_and_repeat_for_the_same_calls() -> None:
    first = store().call("createPasswordChangeTicket", {"user_id": PRIMARY, "domain": "t.example"})
    again = store().call("createPasswordChangeTicket", {"user_id": PRIMARY, "domain": "t.example"})
    assert first == again
    assert first[0]["ticket"].startswith("https://t.example/lo/reset?ticket=")
    with pytest.raises(ManagementApiError):
        store().call("createEmailVerificationTicket", {"email": "ada@example.com"})


def test_a_verification_email_job_is_pending_and_enrollments_follow_multifactor() -> None:
    s = store()
    job, _ = s.call("sendEmailVerification", {"user_id": PRIMARY})
    assert (job["type"], job["status"]) == ("verification_email", "pending")
    enrollments, _ = s.call("getGuardianEnrollments", {"id": PRIMARY})
    assert [e["type"] for e in enrollments] == ["guardian"]


def test_a_deleted_user_is_gone() -> None:
    s = store()
    _, changes = s.call("deleteUser", {"id": SECONDARY})
    assert changes == [MetadataChange(SECONDARY, "user", "", "remove", None, None)]
    with pytest.raises(ManagementApiError) as info:
        s.call("getUser", {"id": SECONDARY})
    assert info.value.status_code == 404
