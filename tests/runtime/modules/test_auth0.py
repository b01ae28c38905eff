"""The auth0 npm ManagementClient: callback and promise forms over the fake Management API."""

from __future__ import annotations

from typing import Any

from module_harness import HostError, ModuleHarness


def _store(call: dict[str, Any]) -> Any:
    op, args = call["op"], call["args"]
    if op == "getUsersByEmail":
        return [
            {"user_id": "auth0|old", "email": args["email"]},
            {"user_id": "google-oauth2|9", "email": args["email"]},
        ]
    if op == "updateUser":
        return {"user_id": args["id"], **args["data"]}
    if op == "assignRolesToUser":
        return None
    if op == "getUser":
        raise HostError("The user does not exist.", status_code=404)
    return {"user_id": args.get("id")}


def test_a_rule_links_accounts_with_the_callback_form(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const ManagementClient = require('auth0@2.35.0').ManagementClient;
             const management = new ManagementClient({
               token: auth0.accessToken, domain: auth0.domain });
             management.getUsersByEmail(user.email, function (err, users) {
               if (err) return callback(err);
               const others = users.filter(u => u.user_id !== user.user_id);
               const meta = { duplicates: others.length };
               management.updateAppMetadata({ id: user.user_id }, meta, function (err2, updated) {
                 if (err2) return callback(err2);
                 user.app_metadata = updated.app_metadata;
                 callback(null, user, context);
               });
             });
           }""",
        user={"user_id": "google-oauth2|9", "email": "ann@example.com"},
        responder=_store,
    )
    assert run.error is None
    assert run.user["app_metadata"] == {"duplicates": 1}
    assert [(c["op"], c["args"]) for c in run.calls] == [
        ("getUsersByEmail", {"email": "ann@example.com"}),
        # node-auth0 v2 sends PATCH /users/{id} {app_metadata: ...}: the store's updateUser.
        ("updateUser", {"id": "google-oauth2|9", "data": {"app_metadata": {"duplicates": 1}}}),
    ]


def test_the_promise_form_assigns_roles_and_reports_api_errors(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const { ManagementClient } = require('auth0');
             const mgmt = new ManagementClient({ domain: configuration.DOMAIN,
               clientId: 'id', clientSecret: 's', scope: 'update:users' });
             await mgmt.assignRolestoUser({ id: user.user_id }, { roles: ['rol_admin'] });
             try {
               await mgmt.getUser({ id: 'auth0|missing' });
             } catch (e) {
               console.log('lookup failed', e.statusCode, e.message);
             }
             callback(null, user, context);
           }""",
        configuration={"DOMAIN": "acme.eu.auth0.com"},
        responder=_store,
    )
    assert run.error is None
    assert run.calls[0] == {
        "kind": "mgmt",
        "op": "assignRolesToUser",
        "args": {"id": "auth0|u1", "roles": ["rol_admin"]},
    }
    assert run.logs == ["lookup failed 404 The user does not exist."]


def test_constructor_checks_and_the_unsimulated_authentication_client(
    harness: ModuleHarness,
) -> None:
    got = harness.eval(
        "(function () { var a = require('auth0'); var out = [];"
        " try { new a.ManagementClient({ token: 't' }); } catch (e) { out.push(e.message); }"
        " var auth = new a.AuthenticationClient({ domain: 'x.auth0.com', clientId: 'c' });"
        " try { auth.passwordGrant({}); } catch (e) { out.push(e.message); }"
        " try { auth.oauth.refreshToken({}); } catch (e) { out.push(e.code); }"
        " return out; })()"
    )
    assert got[0] == "Must provide a domain"
    assert got[1].startswith("auth0.AuthenticationClient.passwordGrant is not simulated by rulesim")
    assert got[2] == "module_not_simulated"


def test_method_names_are_node_auth0_v2s_own(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var m = new (require('auth0').ManagementClient)({token: 't',"
        " domain: 'acme.eu.auth0.com'}); return ['assignRolestoUser', 'assignRolesToUser',"
        " 'getUserPermissions', 'removeRolesFromUser', 'linkUsers', 'unlinkUsers',"
        " 'createPasswordChangeTicket', 'getUsersByEmail', 'getUserRoles']"
        ".map(function (k) { return typeof m[k]; })"
        ".concat([typeof m.tickets.changePassword, typeof m.users.getPermissions]); })()"
    )
    assert got == ["function", "undefined", *["function"] * 7, "function", "function"]


def test_argument_errors_are_thrown_at_once_as_node_auth0_throws_them(
    harness: ModuleHarness,
) -> None:
    got = harness.eval(
        "(function () { var m = new (require('auth0').ManagementClient)({token: 't',"
        " domain: 'acme.eu.auth0.com'}); var out = [];"
        " [function () { m.linkUsers(undefined, {}); },"
        "  function () { m.unlinkUsers({id: 'u'}); },"
        "  function () { m.assignRolestoUser({}, {roles: []}); },"
        "  function () { m.deleteUser({}); },"
        "  function () { m.sendEmailVerification({}); }].forEach(function (f) {"
        "  try { f(); out.push('no throw'); } catch (e) { out.push(e.name + ': ' + e.message); } });"
        " return out; })()"
    )
    assert got == [
        "ArgumentError: The userId cannot be null or undefined",
        "ArgumentError: user_id field is required",
        "ArgumentError: The user_id cannot be null or undefined",
        "ArgumentError: You must provide an id for the delete method",
        "ArgumentError: Must specify a user ID",
    ]


def test_api_errors_are_named_by_their_http_reason_phrase(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const m = new (require('auth0').ManagementClient)({ token: 't', domain: auth0.domain });
             try { await m.getUser({ id: 'auth0|missing' }); }
             catch (e) { console.log(e.name, e.statusCode, e.message); }
             callback(null, user, context);
           }""",
        responder=_store,
    )
    assert run.logs == ["Not Found 404 The user does not exist."]


def test_get_user_without_an_id_lists_users_as_node_auth0_v2_does(
    harness: ModuleHarness,
) -> None:
    harness.run_rule(
        """function (user, context, callback) {
             const m = new (require('auth0').ManagementClient)({ token: 't', domain: auth0.domain });
             m.getUser(user.user_id).then(function () { callback(null, user, context); });
           }""",
        responder=lambda call: [],
    )
    assert [c["op"] for c in harness.calls] == ["getUsers"]
