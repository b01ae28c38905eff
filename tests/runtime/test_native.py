"""The native host functions: total, strings and numbers only, and out of rule code's reach."""

from __future__ import annotations

import hashlib
import hmac
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_helpers import Harness

from rulesim.runtime import native

SHIFTED = st.binary(max_size=300).map(lambda b: "".join(chr(x + 1) for x in b))


@given(data=st.binary(max_size=300), alg=st.sampled_from(native.ALGORITHMS))
@settings(max_examples=200, deadline=None)
def test_digest_of_bytes_matches_hashlib(data: bytes, alg: str) -> None:
    shifted = "".join(chr(b + 1) for b in data)
    code = native.code_of(alg, "bytes", "hex")
    assert native.digest(code, shifted) == hashlib.new(alg, data).hexdigest()


@given(msg=st.text(max_size=300), alg=st.sampled_from(native.ALGORITHMS))
@settings(max_examples=200, deadline=None)
def test_digest_of_text_matches_hashlib(msg: str, alg: str) -> None:
    try:
        expected = hashlib.new(alg, msg.encode()).hexdigest()
    except UnicodeEncodeError:  # lone surrogates never reach the host as utf8 text
        assert native.digest(native.code_of(alg, "utf8", "hex"), msg) == ""
        return
    assert native.digest(native.code_of(alg, "utf8", "hex"), msg) == expected


@given(key=st.text(max_size=200), msg=st.text(max_size=300),
       alg=st.sampled_from(native.ALGORITHMS))
@settings(max_examples=200, deadline=None)
def test_hmac_of_text_matches_python_hmac_with_and_without_a_key_handle(
        key: str, msg: str, alg: str) -> None:
    try:
        key_bytes, msg_bytes = key.encode(), msg.encode()
    except UnicodeEncodeError:  # lone surrogates never reach the host as utf8 text
        return
    expected = hmac.new(key_bytes, msg_bytes, alg).hexdigest()
    assert native.hmac_digest(alg, "utf8", key, "utf8", msg, "hex") == expected
    handle = native.hmac_key(alg, "utf8", key)
    assert handle >= 0 and handle % 8 == 0
    assert native.hmac_keyed(handle, msg) == expected


@given(key=st.binary(max_size=200), msg=st.binary(max_size=300),
       alg=st.sampled_from(native.ALGORITHMS))
@settings(max_examples=100, deadline=None)
def test_hmac_of_bytes_under_a_key_handle_matches_python_hmac(
        key: bytes, msg: bytes, alg: str) -> None:
    def shifted(b: bytes) -> str:
        return "".join(chr(x + 1) for x in b)

    handle = native.hmac_key(alg, "bytes", shifted(key))
    assert native.hmac_keyed(handle + 4, shifted(msg)) == hmac.new(key, msg, alg).hexdigest()


def test_a_key_keeps_its_handle_and_each_algorithm_has_its_own() -> None:
    first = native.hmac_key("sha256", "utf8", "the-key")
    assert native.hmac_key("sha256", "utf8", "the-key") == first
    assert native.hmac_key("sha1", "utf8", "the-key") != first
    assert native.hmac_key("whirlpool", "utf8", "the-key") == -1
    assert native.hmac_key("sha256", "bytes", "\x00") == -1


def test_a_full_handle_table_answers_minus_one_and_the_unkeyed_call_still_signs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "MAX_KEY_HANDLES", 0)
    assert native.hmac_key("sha256", "utf8", "a key never seen before") == -1
    assert native.hmac_digest("sha256", "utf8", "k", "utf8", "m", "hex") == (
        hmac.new(b"k", b"m", "sha256").hexdigest())


def test_outputs_are_hex_base64_and_base64url() -> None:
    raw = hashlib.sha256(b"abc").digest()
    import base64

    assert native.digest(native.code_of("sha256", "utf8", "base64"), "abc") == (
        base64.b64encode(raw).decode())
    assert native.digest(native.code_of("sha256", "utf8", "base64url"), "abc") == (
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
    handle = native.hmac_key("sha256", "utf8", "k")
    mac = hmac.new(b"k", b"abc", "sha256").digest()
    assert native.hmac_keyed(handle + 1, "abc") == base64.b64encode(mac).decode()
    assert native.hmac_keyed(handle + 2, "abc") == base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


SHA256 = 8 * native.ALGORITHMS.index("sha256")


@pytest.mark.parametrize(("name", "args"), [
    ("digest", (SHA256, None)),
    ("digest", (SHA256, 12)),
    ("digest", (8 * len(native.ALGORITHMS), "abc")),
    ("digest", (-8, "abc")),
    ("digest", (SHA256 + 3, "abc")),
    ("digest", (SHA256 + 0.5, "abc")),
    ("digest", ("sha256", "abc")),
    ("digest", (SHA256 + 4, "\x00abc")),
    ("digest", (SHA256 + 4, "\u0102")),
    ("digest", (SHA256, "\ud800")),
    ("digest", (SHA256,)),
    ("digest", ()),
    ("hmac", (-8, "abc")),
    ("hmac", (8 * native.MAX_KEY_HANDLES, "abc")),
    ("hmac", (None, "abc")),
    ("hmac", ()),
    ("hmacUnkeyed", ("whirlpool", "utf8", "k", "utf8", "abc", "hex")),
    ("hmacUnkeyed", ("sha256", "latin9", "k", "utf8", "abc", "hex")),
    ("hmacUnkeyed", ("sha256", "utf8", "k", "utf8", "abc", "buffer")),
    ("hmacUnkeyed", ("sha256",)),
    ("hmacKey", ("sha256", "utf8", None)),
    ("hmacKey", ()),
])
def test_a_hash_call_with_bad_arguments_answers_its_failure_value_and_never_raises(
        name: str, args: tuple[object, ...]) -> None:
    assert native.HOST_FUNCTIONS[name](*args) == ("" if name != "hmacKey" else -1)


@pytest.mark.parametrize(("iterations", "keylen"), [
    (0, 32), (-1, 32), (1.5, 32), (10, 0), (10, 2.5), (math.inf, 32), ("10", 32),
    (native.MAX_PBKDF2_WORK + 1, 20),
])
def test_pbkdf2_refuses_bad_or_too_expensive_parameters(iterations: object, keylen: object) -> None:
    assert native.HOST_FUNCTIONS["pbkdf2"]("sha1", "utf8", "pw", "utf8", "salt", iterations,
                                           keylen) == ""


def test_pbkdf2_matches_hashlib() -> None:
    expected = hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000, 48).hex()
    assert native.pbkdf2("sha256", "utf8", "pw", "utf8", "salt", 1000.0, 48.0) == expected


def test_the_clock_is_a_float_of_microseconds_that_moves_forward() -> None:
    first = native.clock_us()
    sum(range(200_000))
    second = native.clock_us()
    assert isinstance(first, float)
    assert second > first
    assert native.HOST_FUNCTIONS["clockUs"]("unexpected") == 0.0


def test_every_host_function_takes_and_returns_only_strings_and_numbers() -> None:
    handle = native.HOST_FUNCTIONS["hmacKey"]("md5", "utf8", "k")
    answers = {
        "digest": native.HOST_FUNCTIONS["digest"](native.code_of("md5", "utf8", "hex"), "x"),
        "hmacKey": handle,
        "hmac": native.HOST_FUNCTIONS["hmac"](handle, "x"),
        "hmacUnkeyed": native.HOST_FUNCTIONS["hmacUnkeyed"]("md5", "utf8", "k", "utf8", "x", "hex"),
        "pbkdf2": native.HOST_FUNCTIONS["pbkdf2"]("md5", "utf8", "k", "utf8", "s", 1.0, 16.0),
        "clockUs": native.HOST_FUNCTIONS["clockUs"](),
    }
    assert set(answers) == set(native.HOST_FUNCTIONS)
    assert all(type(v) in (str, float, int) for v in answers.values())
    assert answers["hmac"] == answers["hmacUnkeyed"] != ""


PROBE = """function (user, context, callback) {
  var seen = [];
  var names = Object.getOwnPropertyNames(globalThis);
  for (var i = 0; i < names.length; i++) {
    var v;
    try { v = globalThis[names[i]]; } catch (e) { continue; }
    if (/native|rulesim|digest|hmac|pbkdf2|clock/i.test(names[i])) seen.push(names[i]);
    // A Python callable is a function whose source the engine cannot show.
    if (typeof v === 'function' && !/\\{/.test(Function.prototype.toString.call(v))) seen.push(names[i]);
  }
  var c = require('crypto');
  for (var k in c) if (/^(host|native)/i.test(k)) seen.push('crypto.' + k);
  context.idToken['https://probe/seen'] = seen.join(',');
  callback(null, user, context);
}"""


def test_a_rule_probing_globalthis_finds_no_host_function() -> None:
    result = Harness([PROBE]).login()
    assert result.outcome == "allowed"
    assert result.id_token["https://probe/seen"] == ""


def test_rules_hash_and_sign_through_the_native_functions_under_the_cpu_budget() -> None:
    source = """function (user, context, callback) {
      var c = require('crypto');
      context.idToken['https://x/h'] = c.createHmac('sha256', 'k').update(user.email).digest('hex');
      context.idToken['https://x/d'] = c.createHash('md5').update(Buffer.from([0, 1, 2])).digest('base64');
      callback(null, user, context);
    }"""
    result = Harness([source]).login(user={"email": "ann@acme.com"})
    assert result.id_token["https://x/h"] == hmac.new(b"k", b"ann@acme.com", "sha256").hexdigest()
    import base64

    assert result.id_token["https://x/d"] == base64.b64encode(
        hashlib.md5(b"\x00\x01\x02").digest()).decode()


def test_every_header_of_the_c_extensions_is_a_build_dependency_and_ships_in_the_sdist() -> None:
    root = Path(__file__).resolve().parents[2]
    headers = {p.relative_to(root).as_posix() for p in (root / "rulesim" / "runtime").glob("*.h")}
    setup_py, manifest = (root / "setup.py").read_text(), (root / "MANIFEST.in").read_text().split()
    assert headers and all(f'"{h}"' in setup_py for h in headers), "list each header in setup.py's depends"
    assert headers <= set(manifest), "include each header in MANIFEST.in (sdist does not read depends)"
