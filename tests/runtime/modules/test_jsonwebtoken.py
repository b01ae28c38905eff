"""jsonwebtoken: HS256 tokens match Python's HMAC; verify fails with Node's errors and messages."""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

from module_harness import NOW_MS, ModuleHarness

NOW = NOW_MS // 1000


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _py_hs256(
    header: dict[str, Any], payload: dict[str, Any], secret: str, alg: str = "sha256"
) -> str:
    enc = lambda obj: _b64url(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())  # noqa: E731
    signing_input = f"{enc(header)}.{enc(payload)}"
    sig = hmac.new(secret.encode(), signing_input.encode(), alg).digest()
    return f"{signing_input}.{_b64url(sig)}"


def test_sign_produces_the_same_hs256_token_as_python(harness: ModuleHarness) -> None:
    token = harness.eval(
        "require('jsonwebtoken').sign({sub: 'auth0|1', name: 'Zoë 😀'}, 's3cr3t',"
        " {expiresIn: '3d', issuer: 'https://acme/', audience: 'api'})"
    )
    expected = _py_hs256(
        {"alg": "HS256", "typ": "JWT"},
        {
            "sub": "auth0|1",
            "name": "Zoë 😀",
            "iat": NOW,
            "exp": NOW + 3 * 86400,
            "aud": "api",
            "iss": "https://acme/",
        },
        "s3cr3t",
    )
    assert token == expected


def test_hs512_and_no_timestamp_options_match_python(harness: ModuleHarness) -> None:
    token = harness.eval(
        "require('jsonwebtoken').sign({a: 1}, 'k',"
        " {algorithm: 'HS512', noTimestamp: true, expiresIn: 60})"
    )
    assert token == _py_hs256(
        {"alg": "HS512", "typ": "JWT"}, {"a": 1, "exp": NOW + 60}, "k", "sha512"
    )


def test_verify_returns_the_claims_of_a_python_signed_token(harness: ModuleHarness) -> None:
    token = _py_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"sub": "u1", "exp": NOW + 10, "iss": "me"}, "key"
    )
    got = harness.eval(
        f"require('jsonwebtoken').verify({json.dumps(token)}, 'key',"
        " {issuer: 'me', subject: 'u1'})"
    )
    assert got == {"sub": "u1", "exp": NOW + 10, "iss": "me"}


def _verify_error(
    h: ModuleHarness, token: str, secret: str = "key", options: str = "{}"
) -> dict[str, Any]:
    return h.eval(
        "(function () { try { require('jsonwebtoken')"
        f".verify({json.dumps(token)}, {json.dumps(secret)}, {options});"
        " return null; } catch (e) { return {name: e.name, message: e.message,"
        " expiredAt: e.expiredAt ? e.expiredAt.toISOString() : null}; } })()"
    )


def test_verify_errors_carry_nodes_names_and_messages(harness: ModuleHarness) -> None:
    good = _py_hs256({"alg": "HS256", "typ": "JWT"}, {"sub": "u1", "aud": "a", "iss": "i"}, "key")
    expired = _py_hs256({"alg": "HS256", "typ": "JWT"}, {"exp": NOW - 1}, "key")
    assert _verify_error(harness, good, "wrong") == {
        "name": "JsonWebTokenError",
        "message": "invalid signature",
        "expiredAt": None,
    }
    assert _verify_error(harness, "abc")["message"] == "jwt malformed"
    assert _verify_error(harness, "")["message"] == "jwt must be provided"
    assert _verify_error(harness, expired) == {
        "name": "TokenExpiredError",
        "message": "jwt expired",
        "expiredAt": "2023-11-14T22:13:19.000Z",
    }
    assert (
        _verify_error(harness, good, options="{audience: 'b'}")["message"]
        == "jwt audience invalid. expected: b"
    )
    assert (
        _verify_error(harness, good, options="{issuer: 'x'}")["message"]
        == "jwt issuer invalid. expected: x"
    )
    assert (
        _verify_error(harness, good, options="{subject: 'u2'}")["message"]
        == "jwt subject invalid. expected: u2"
    )
    assert (
        _verify_error(harness, good, options="{algorithms: ['HS512']}")["message"]
        == "invalid algorithm"
    )


def test_tokens_expire_on_the_virtual_clock(harness: ModuleHarness) -> None:
    harness.exec("globalThis.__t = require('jsonwebtoken').sign({a: 1}, 'k', {expiresIn: '1h'});")
    assert harness.eval("require('jsonwebtoken').verify(__t, 'k').a") == 1
    harness.exec("__rs.now += 3600 * 1000;")
    assert (
        harness.eval(
            "(function () { try { require('jsonwebtoken').verify(__t, 'k'); }"
            " catch (e) { return e.name; } })()"
        )
        == "TokenExpiredError"
    )


def test_decode_reads_without_verifying(harness: ModuleHarness) -> None:
    token = _py_hs256({"alg": "HS256", "typ": "JWT", "kid": "k1"}, {"email": "a@b.c"}, "whatever")
    got = harness.eval(f"require('jsonwebtoken').decode({json.dumps(token)}, {{complete: true}})")
    assert got["header"] == {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    assert got["payload"] == {"email": "a@b.c"}
    assert harness.eval("require('jsonwebtoken').decode('not a token')") is None


def test_a_rule_signs_a_token_with_a_callback_and_verifies_a_query_token(
    harness: ModuleHarness,
) -> None:
    incoming = _py_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"sub": "auth0|9", "exp": NOW + 300}, "cfg-secret"
    )
    run = harness.run_rule(
        """function (user, context, callback) {
             const jwt = require('jsonwebtoken');
             let claims;
             try {
               const token = context.request.query.token;
               claims = jwt.verify(token, configuration.SECRET, { subject: user.user_id });
             } catch (e) {
               return callback(new UnauthorizedError('bad token: ' + e.message));
             }
             const opts = { expiresIn: 60, subject: user.user_id };
             jwt.sign({ ok: true }, configuration.SECRET, opts, function (err, token) {
               if (err) return callback(err);
               context.idToken['https://acme.com/handoff'] = token;
               context.idToken['https://acme.com/exp'] = claims.exp;
               callback(null, user, context);
             });
           }""",
        user={"user_id": "auth0|9"},
        context={"request": {"query": {"token": incoming}}, "idToken": {}},
        configuration={"SECRET": "cfg-secret"},
    )
    assert run.error is None
    handoff = run.context["idToken"]["https://acme.com/handoff"]
    assert handoff == _py_hs256(
        {"alg": "HS256", "typ": "JWT"},
        {"ok": True, "iat": NOW, "exp": NOW + 60, "sub": "auth0|9"},
        "cfg-secret",
    )
    assert run.context["idToken"]["https://acme.com/exp"] == NOW + 300

    denied = harness.run_rule(
        "function (user, context, callback) { try { require('jsonwebtoken').verify('a.b.c', 'k'); }"
        " catch (e) { return callback(new UnauthorizedError(e.message)); }"
        " callback(null, user, context); }"
    )
    assert denied.error == {"name": "UnauthorizedError", "message": "invalid token"}


def test_claim_options_conflicting_with_the_payload_are_refused(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { try { require('jsonwebtoken').sign({sub: 'a'}, 'k', {subject: 'b'}); }"
        " catch (e) { return e.message; } })()"
    )
    assert got == 'Bad "options.subject" option. The payload already has an "sub" property.'


def test_sign_accepts_a_buffer_secret_decoded_from_base64(harness: ModuleHarness) -> None:
    secret = base64.b64encode(b"secret-key-for-tests").decode()
    token = harness.eval(
        f"require('jsonwebtoken').sign({{sub: 'auth0|1'}}, Buffer.from('{secret}', 'base64'),"
        " {algorithm: 'HS256', expiresIn: 3600})"
    )
    header, payload, sig = token.split(".")
    expected = hmac.new(b"secret-key-for-tests", f"{header}.{payload}".encode(), "sha256").digest()
    assert sig == _b64url(expected)
    # jsonwebtoken 8 refuses only a falsy secret: an empty Buffer is an object, so it signs.
    assert harness.eval("require('jsonwebtoken').sign({a: 1}, Buffer.alloc(0)).split('.').length") == 3


def test_sign_refuses_options_jsonwebtoken_8_rejects(harness: ModuleHarness) -> None:
    def error(options: str) -> str:
        return str(harness.eval(
            "(function () { try { require('jsonwebtoken').sign({a: 1}, 's', " + options + ");"
            " return 'signed'; } catch (e) { return e.message; } })()"))

    assert error("{expiresInMinutes: 5}") == '"expiresInMinutes" is not allowed in "options"'
    assert error("{audience: 5}") == '"audience" must be a string or array'
    assert error("{expiresIn: 1.5}") == (
        '"expiresIn" should be a number of seconds or string representing a timespan')
    assert error("'HS256'") == 'Expected "options" to be a plain object.'
    assert error("{noTimestamp: true, keyid: 'k1'}") == "signed"


def test_sign_calls_back_at_once_with_a_validation_error(harness: ModuleHarness) -> None:
    harness.exec(
        "var order = []; require('jsonwebtoken').sign({a: 1}, '', {}, function (e) {"
        " order.push(e.message); }); order.push('after');")
    assert harness.eval("order") == ["secretOrPrivateKey must have a value", "after"]
