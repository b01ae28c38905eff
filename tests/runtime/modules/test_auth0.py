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
    if op == "updateAppMetadata":
        return {"user_id": args["id"], "app_metadata": args["data"]}
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
        ("updateAppMetadata", {"id": "google-oauth2|9", "data": {"duplicates": 1}}),
    ]


def test_the_promise_form_assigns_roles_and_reports_api_errors(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """async function (user, context, callback) {
             const { ManagementClient } = require('auth0');
             const mgmt = new ManagementClient({ domain: configuration.DOMAIN,
               clientId: 'id', clientSecret: 's', scope: 'update:users' });
             await mgmt.assignRolesToUser({ id: user.user_id }, { roles: ['rol_admin'] });
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
