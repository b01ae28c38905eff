"""crypto: hashes, HMAC and pbkdf2 agree with Python's hashlib/hmac; random values are seeded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


@pytest.fixture(params=["python", "compiled"])
def harness(request: pytest.FixtureRequest) -> ModuleHarness:
    """The harness with the Python host functions, and with the compiled ones, whose hashes and
    HMACs are the host's digest objects (rulesim/runtime/_hostc.c): every test runs on both."""
    return ModuleHarness(compiled_host=request.param == "compiled")


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


def test_hex_text_of_an_odd_length_is_refused_as_node_refuses_it(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var c = require('crypto'), out = [];"
        " ['hex', 'HEX'].forEach(function (e) {"
        "   try { c.createHmac('sha256', 'k').update('abc', e); }"
        "   catch (x) { out.push([x.name, x.code, x.message]); } });"
        " out.push(c.createHash('md5').update('zz', 'hex').digest('hex'));"   # not hex: no bytes
        " return out; })()")
    assert got == [["TypeError", "ERR_INVALID_ARG_VALUE",
                     "The argument 'encoding' is invalid for data of length 3. Received 'hex'"],
                    ["TypeError", "ERR_INVALID_ARG_VALUE",
                     "The argument 'encoding' is invalid for data of length 3. Received 'HEX'"],
                    hashlib.md5(b"").hexdigest()]


def test_methods_are_named_as_in_node(harness: ModuleHarness) -> None:
    got = harness.eval("(function () { var c = require('crypto'), h = c.createHash('md5'),"
                       " m = c.createHmac('md5', 'k');"
                       " return [h.update.name, h.digest.name, h.copy.name, m.update.name,"
                       " m.digest.name, typeof m.copy, h.update.length, h.digest.length]; })()")
    assert got == ["update", "digest", "copy", "update", "digest", "undefined", 2, 1]


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


def test_keys_beyond_the_hosts_handle_table_still_sign_in_every_encoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rulesim.runtime import native

    monkeypatch.setattr(native, "MAX_KEY_HANDLES", 0)   # every key takes the unkeyed call
    monkeypatch.setattr(native, "_KEY_HANDLES", {})
    h = ModuleHarness()
    got = h.eval(
        "(function () { var c = require('crypto'); var out = [];"
        " ['hex', 'base64', 'base64url', 'latin1'].forEach(function (e) {"
        "   out.push(c.createHmac('sha256', 'a fresh key').update('msg').digest(e)); });"
        " out.push(Array.from(c.createHmac('sha1', Buffer.from([0, 1, 2])).update('m').digest()));"
        " return out; })()"
    )
    mac = hmac.new(b"a fresh key", b"msg", "sha256").digest()
    assert got == [mac.hex(), base64.b64encode(mac).decode(),
                   base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), mac.decode("latin-1"),
                   list(hmac.new(b"\x00\x01\x02", b"m", "sha1").digest())]


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


# --- native digests: random inputs against Python, fixed vectors against Node ---------------

_ALGS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]
_harnesses: dict[str, ModuleHarness] = {}


def _shared_harness(host: str) -> ModuleHarness:
    if host not in _harnesses:
        _harnesses[host] = ModuleHarness(compiled_host=host == "compiled")
    return _harnesses[host]


@pytest.mark.parametrize("host", ["python", "compiled"])
@given(data=st.binary(max_size=200), text=st.text(max_size=120), alg=st.sampled_from(_ALGS),
       out=st.sampled_from(["hex", "base64", "base64url", "latin1", "buffer"]),
       key_is_text=st.booleans())
@settings(max_examples=150, deadline=None)
def test_hash_and_hmac_of_random_text_and_buffers_match_python(host: str, data: bytes, text: str,
                                                                alg: str, out: str,
                                                                key_is_text: bool) -> None:
    # Node encodes lone surrogates in utf8 text as U+FFFD, and so does rulesim's Buffer.
    text_bytes = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode()
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            text_bytes = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()
            break
    arg = "undefined" if out == "buffer" else json.dumps(out)
    # A text key is the text's UTF-8 (its own fast path in C); a Buffer key is the bytes.
    key = f"{json.dumps(text)}" if key_is_text else "b"
    got = _shared_harness(host).eval(
        f"(function () {{ var c = require('crypto'); var b = Buffer.from({json.dumps(list(data))});"
        f" function show(v) {{ return typeof v === 'string' ? v : Array.from(v); }}"
        f" return [show(c.createHash('{alg}').update({json.dumps(text)}).update(b).digest({arg})),"
        f" show(c.createHmac('{alg}', {key}).update({json.dumps(text)}).digest({arg}))]; }})()")
    digest = hashlib.new(alg, text_bytes + data).digest()
    mac = hmac.new(text_bytes if key_is_text else data, text_bytes, alg).digest()

    def expect(raw: bytes) -> object:
        if out == "hex":
            return raw.hex()
        if out == "base64":
            return base64.b64encode(raw).decode()
        if out == "base64url":
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        if out == "latin1":
            return raw.decode("latin-1")
        return list(raw)

    assert got == [expect(digest), expect(mac)]


NODE_VECTORS = r"""
const c = require('crypto');
const out = [];
const inputs = ['', 'abc', 'héllo\u0000wörld', 'x'.repeat(1000), '\ud800 lone', '😀'];
for (const alg of ['md5', 'sha1', 'sha256', 'sha512']) {
  for (const s of inputs) {
    out.push(c.createHash(alg).update(s).digest('hex'));
    out.push(c.createHmac(alg, s).update('msg').update(Buffer.from([0, 255, 1])).digest('base64'));
    out.push(c.createHash(alg).update(Buffer.from(s, 'latin1')).update('00ff10', 'hex').digest('binary'));
  }
}
out.push(c.pbkdf2Sync('pw', 'salt', 1000, 40, 'sha256').toString('hex'));
out.push(c.createHmac('sha256', Buffer.from('c2VjcmV0', 'base64')).update('a').digest('base64url'));
console.log(JSON.stringify(out));
"""


def test_fixed_vectors_match_node(harness: ModuleHarness, node_binary: str) -> None:
    node = node_binary
    expected = json.loads(subprocess.run([node, "-e", NODE_VECTORS], capture_output=True,
                                         text=True, check=True, timeout=60).stdout)
    body = NODE_VECTORS.replace("const c = require('crypto');", "var c = require('crypto');")
    body = body.replace("console.log(JSON.stringify(out));", "return out;")
    body = body.replace("const ", "var ").replace("for (var alg of", "for (var alg of")
    got = harness.eval(f"(function () {{ {body} }})()")
    assert got == expected
