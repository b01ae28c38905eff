"""Buffer: encodings agree with Python; the Node API rules use behaves like Node."""

from __future__ import annotations

import base64
import json

import pytest
from module_harness import ModuleHarness

TEXTS = [
    "",
    "a",
    "ab",
    "abc",
    "hello world",
    "héllo wörld €",
    "日本語",
    "😀 emoji 🎉",
    "\x00\x01\x7f",
    "a" * 1000,
]


@pytest.mark.parametrize("text", TEXTS)
def test_utf8_base64_and_hex_round_trips_match_python(harness: ModuleHarness, text: str) -> None:
    data = text.encode()
    got = harness.eval(
        f"(function () {{ var b = Buffer.from({json.dumps(text)});"
        " return {b64: b.toString('base64'), hex: b.toString('hex'), url: b.toString('base64url'),"
        " len: b.length, back: Buffer.from(b.toString('base64'), 'base64').toString('utf8'),"
        " fromHex: Buffer.from(b.toString('hex'), 'hex').toString()}; })()"
    )
    assert got["b64"] == base64.b64encode(data).decode()
    assert got["hex"] == data.hex()
    assert got["url"] == base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert got["len"] == len(data)
    assert got["back"] == text
    assert got["fromHex"] == text


def test_base64_decoding_is_lenient_like_node(harness: ModuleHarness) -> None:
    got = harness.eval(
        "[Buffer.from('aGVsbG8', 'base64').toString(),"
        " Buffer.from('aGVs bG8=\\n', 'base64').toString(),"
        " Buffer.from('-_8', 'base64').toString('hex'), Buffer.from('abcz', 'hex').toString('hex')]"
    )
    assert got == ["hello", "hello", "fbff", "ab"]


def test_invalid_utf8_decodes_to_replacement_characters_like_python(harness: ModuleHarness) -> None:
    samples = [
        b"\xff",
        b"\xc3",
        b"a\xe2\x82b",
        b"\xed\xa0\x80",
        b"\xf0\x9f\x98",
        b"\xc0\xaf",
        b"ok\xf4\x90\x80\x80",
    ]
    for raw in samples:
        got = harness.eval(f"Buffer.from({json.dumps(raw.hex())}, 'hex').toString('utf8')")
        assert got == raw.decode("utf-8", errors="replace"), raw


def test_latin1_binary_ascii_and_utf16le_encodings(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var b = Buffer.from('café', 'latin1');"
        " return [Array.from(b), b.toString('binary'),"
        " Buffer.from('hi', 'utf16le').toString('hex'),"
        " Buffer.from([0xe9, 0x41]).toString('ascii')]; })()"
    )
    assert got == [list("café".encode("latin1")), "café", "hi".encode("utf-16-le").hex(), "iA"]


def test_the_buffer_api_rules_use_behaves_like_node(harness: ModuleHarness) -> None:
    got = harness.eval(
        """(function () {
             var a = Buffer.from('user:pass');
             var s = a.slice(0, 4);
             s[0] = 85; // slice shares memory, as in Node
             var c = Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]);
             var w = Buffer.alloc(6);
             var n = w.write('hé', 1);
             return {
               sliced: a.toString(), isBuf: Buffer.isBuffer(s), notBuf: Buffer.isBuffer('x'),
               concat: c.toString(), part: c.toString('utf8', 1, 3),
               eq: c.equals(Buffer.from('abcd')),
               json: JSON.parse(JSON.stringify(Buffer.from('hi'))), bl: Buffer.byteLength('héllo'),
               written: n, w: Array.from(w), fill: Buffer.alloc(4, 'ab').toString(),
               legacy: new Buffer('aGk=', 'base64').toString(), idx: c.indexOf('cd'),
               sub: Buffer.isBuffer(c.subarray(1)), u32: Buffer.from([1, 2, 3, 4]).readUInt32BE(0)
             };
           })()"""
    )
    assert got == {
        "sliced": "User:pass",
        "isBuf": True,
        "notBuf": False,
        "concat": "abcd",
        "part": "bc",
        "eq": True,
        "json": {"type": "Buffer", "data": [104, 105]},
        "bl": 6,
        "written": 3,
        "w": [0, 104, 0xC3, 0xA9, 0, 0],
        "fill": "abab",
        "legacy": "hi",
        "idx": 2,
        "sub": True,
        "u32": 0x01020304,
    }


def test_a_basic_auth_rule_builds_its_header_with_the_global_buffer(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const pair = configuration.API_USER + ':' + configuration.API_PASS;
             const token = Buffer.from(pair).toString('base64');
             context.idToken.auth = 'Basic ' + token;
             callback(null, user, context);
           }""",
        context={"idToken": {}},
        configuration={"API_USER": "svc", "API_PASS": "pä55"},
    )
    assert (
        run.context["idToken"]["auth"] == "Basic " + base64.b64encode("svc:pä55".encode()).decode()
    )


def test_unknown_encodings_and_bad_arguments_throw_type_errors(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var out = [];"
        " try { Buffer.from('x', 'utf-7'); } catch (e) { out.push(e.code); }"
        " try { Buffer.from(5); } catch (e) { out.push(e.code); }"
        " return out; })()"
    )
    assert got == ["ERR_UNKNOWN_ENCODING", "ERR_INVALID_ARG_TYPE"]
