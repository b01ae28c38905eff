"""The native host functions: total, strings and numbers only, and out of rule code's reach."""

from __future__ import annotations

import hashlib
import hmac
import math

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
    assert native.digest(alg, "bytes", shifted, "hex") == hashlib.new(alg, data).hexdigest()


@given(key=st.text(max_size=200), msg=st.text(max_size=300),
       alg=st.sampled_from(native.ALGORITHMS))
@settings(max_examples=200, deadline=None)
def test_hmac_of_text_matches_python_hmac(key: str, msg: str, alg: str) -> None:
    try:
        key_bytes, msg_bytes = key.encode(), msg.encode()
    except UnicodeEncodeError:  # lone surrogates never reach the host as utf8 text
        return
    expected = hmac.new(key_bytes, msg_bytes, alg).hexdigest()
    assert native.hmac_digest(alg, "utf8", key, "utf8", msg, "hex") == expected


def test_outputs_are_hex_base64_and_base64url() -> None:
    raw = hashlib.sha256(b"abc").digest()
    import base64

    assert native.digest("sha256", "utf8", "abc", "base64") == base64.b64encode(raw).decode()
    assert native.digest("sha256", "utf8", "abc", "base64url") == (
        base64.urlsafe_b64encode(raw).rstrip(b"=").decode())


@pytest.mark.parametrize("args", [
    ("sha256", "utf8", None, "hex"),
    ("sha256", "utf8", 12, "hex"),
    ("whirlpool", "utf8", "abc", "hex"),
    ("sha256", "latin9", "abc", "hex"),
    ("sha256", "utf8", "abc", "buffer"),
    ("sha256", "bytes", "\x00abc", "hex"),
    ("sha256", "bytes", "\u0102", "hex"),
    ("sha256",),
    (),
    ("sha256", "utf8", "abc", "hex", "extra"),
])
def test_a_digest_with_bad_arguments_answers_the_empty_string_and_never_raises(
        args: tuple[object, ...]) -> None:
    assert native.HOST_FUNCTIONS["digest"](*args) == ""


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
    answers = {
        "digest": native.HOST_FUNCTIONS["digest"]("md5", "utf8", "x", "hex"),
        "hmac": native.HOST_FUNCTIONS["hmac"]("md5", "utf8", "k", "utf8", "x", "hex"),
        "pbkdf2": native.HOST_FUNCTIONS["pbkdf2"]("md5", "utf8", "k", "utf8", "s", 1.0, 16.0),
        "clockUs": native.HOST_FUNCTIONS["clockUs"](),
    }
    assert set(answers) == set(native.HOST_FUNCTIONS)
    assert all(isinstance(v, str | float) for v in answers.values())


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
