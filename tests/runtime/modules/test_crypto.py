"""crypto: hashes, HMAC and pbkdf2 agree with Python's hashlib/hmac; random values are seeded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from module_harness import ModuleHarness

INPUTS = [
    "",
    "a",
    "abc",
    "The quick brown fox jumps over the lazy dog",
    "héllo wörld",
    "日本語のテキスト",
    "emoji 😀🎉 and a lone surrogate-free string",
    "x" * 55,
    "y" * 56,
    "z" * 63,
    "w" * 64,
    "v" * 65,
    "u" * 111,
    "t" * 112,
    "s" * 127,
    "r" * 128,
    "q" * 129,
    "auth0|5f7c8ec7c33c6c004bbafe82:" + "ü" * 300,
    "line\nbreaks\r\nand\ttabs",
    "a" * 10_000,
]


def _js_digest(h: ModuleHarness, alg: str, text: str, enc: str = "hex") -> str:
    return h.eval(
        f"require('crypto').createHash('{alg}').update({json.dumps(text)}).digest('{enc}')"
    )


@pytest.mark.parametrize("alg", ["md5", "sha1", "sha256", "sha384", "sha512"])
def test_create_hash_matches_hashlib_on_many_inputs(harness: ModuleHarness, alg: str) -> None:
    for text in INPUTS:
        assert _js_digest(harness, alg, text) == hashlib.new(alg, text.encode()).hexdigest(), text[
            :20
        ]


def test_digest_encodings_and_chunked_updates_match_hashlib(harness: ModuleHarness) -> None:
    expected = hashlib.sha256(b"part one|part two").digest()
    got = harness.eval(
        "(function () { var c = require('crypto');"
        " var h = c.createHash('sha256').update('part one|').update(Buffer.from('part two'));"
        " var copy = h.copy();"
        " return {b64: h.digest('base64'), buf: Array.from(copy.digest()),"
        " latin1: c.createHash('sha256')"
        ".update('part one|part two').digest('binary')}; })()"
    )
    assert got["b64"] == base64.b64encode(expected).decode()
    assert bytes(got["buf"]) == expected
    assert got["latin1"] == expected.decode("latin1")


def test_hash_update_accepts_an_input_encoding(harness: ModuleHarness) -> None:
    got = _js_digest_hex_input(harness)
    assert got == hashlib.sha1(bytes.fromhex("deadbeef00ff")).hexdigest()


def _js_digest_hex_input(h: ModuleHarness) -> str:
    return h.eval(
        "require('crypto').createHash('sha1').update('deadbeef00ff', 'hex').digest('hex')"
    )


@pytest.mark.parametrize("alg", ["sha256", "sha1", "md5", "sha512"])
def test_create_hmac_matches_python_hmac_for_short_and_long_keys(
    harness: ModuleHarness, alg: str
) -> None:
    keys = ["", "k", "secret", "ключ-🔑", "K" * 64, "L" * 65, "M" * 200]
    for key in keys:
        for text in INPUTS[:12]:
            got = harness.eval(
                f"require('crypto').createHmac('{alg}', {json.dumps(key)})"
                f".update({json.dumps(text)}).digest('hex')"
            )
            assert got == hmac.new(key.encode(), text.encode(), alg).hexdigest(), (
                key[:10],
                text[:10],
            )


def test_a_signed_webhook_rule_computes_the_same_signature_as_python(
    harness: ModuleHarness,
) -> None:
    secret = "whsec_9f8e7d"
    run = harness.run_rule(
        """function (user, context, callback) {
             const crypto = require('crypto');
             const body = JSON.stringify({ user_id: user.user_id, email: user.email });
             const hmac = crypto.createHmac('sha256', configuration.HOOK_SECRET);
             const sig = hmac.update(body).digest('hex');
             context.idToken['https://acme.com/sig'] = sig;
             callback(null, user, context);
           }""",
        user={"user_id": "auth0|42", "email": "zoë@example.com"},
        context={"idToken": {}},
        configuration={"HOOK_SECRET": secret},
    )
    body = json.dumps(
        {"user_id": "auth0|42", "email": "zoë@example.com"},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert run.error is None
    assert (
        run.context["idToken"]["https://acme.com/sig"]
        == hmac.new(secret.encode(), body.encode(), "sha256").hexdigest()
    )


def test_pbkdf2_matches_hashlib(harness: ModuleHarness) -> None:
    got = harness.eval(
        "require('crypto').pbkdf2Sync('p@ssw0rd', 'salty', 1000, 40, 'sha256').toString('hex')"
    )
    assert got == hashlib.pbkdf2_hmac("sha256", b"p@ssw0rd", b"salty", 1000, 40).hex()


def test_random_bytes_come_from_the_seeded_host_stream() -> None:
    a = ModuleHarness(seed=11).eval("require('crypto').randomBytes(16).toString('hex')")
    b = ModuleHarness(seed=11).eval("require('crypto').randomBytes(16).toString('hex')")
    c = ModuleHarness(seed=12).eval("require('crypto').randomBytes(16).toString('hex')")
    assert a == b
    assert a != c
    assert len(a) == 32


def test_random_uuid_is_a_version_4_uuid(harness: ModuleHarness) -> None:
    value = harness.eval("require('crypto').randomUUID()")
    assert value[14] == "4"
    assert value[19] in "89ab"


def test_timing_safe_equal_compares_and_rejects_different_lengths(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var c = require('crypto');"
        " var out = [c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')),"
        "            c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd'))];"
        " try { c.timingSafeEqual(Buffer.from('a'), Buffer.from('ab')); }"
        " catch (e) { out.push(e.message); }"
        " return out; })()"
    )
    assert got == [True, False, "Input buffers must have the same byte length"]


def test_unknown_digests_and_ciphers_fail_clearly(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var c = require('crypto'); var out = [];"
        " try { c.createHash('whirlpool'); } catch (e) { out.push(e.message); }"
        " try { c.createCipheriv('aes-256-cbc', 'k', 'iv'); } catch (e) { out.push(e.code); }"
        " return out; })()"
    )
    assert got == ["Digest method not supported", "ERR_NOT_SIMULATED"]
