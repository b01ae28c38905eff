"""The Node globals QuickJS lacks, as the sandbox installs them (modules/node_globals.js)."""

from __future__ import annotations

import json

import pytest

import rulesim as rs
from tests.runtime.pipeline_helpers import run_once


def _value(expr: str) -> object:
    src = ("function (user, context, callback) {\n"
           f"  context.idToken['https://t/v'] = {expr};\n"
           "  callback(null, user, context);\n}")
    r = run_once([src])
    assert r.outcome == "allowed", r.login["error_message"]
    assert r.login["flags"] == ""
    return r.id_token["https://t/v"]


def test_url_and_url_search_params_are_globals_as_in_node() -> None:
    assert _value("[new URL('/cb?a=1', 'https://app.example').href, "
                  "new URLSearchParams({x: 'a b'}).toString(), URL.canParse('nope')]") == [
        "https://app.example/cb?a=1", "x=a+b", False]


def test_text_encoder_and_decoder_round_trip_utf8() -> None:
    assert _value("[Array.from(new TextEncoder().encode('é✓')), "
                  "new TextDecoder().decode(new TextEncoder().encode('héllo')), "
                  "new TextDecoder('latin1').encoding]") == [
        [195, 169, 226, 156, 147], "héllo", "windows-1252"]


def test_text_decoder_fatal_refuses_bad_utf8_with_nodes_error() -> None:
    assert _value("(function () { try { new TextDecoder('utf-8', {fatal: true})"
                  ".decode(new Uint8Array([0xff])); } catch (e) { return [e.code, e.message]; } })()"
                  ) == ["ERR_ENCODING_INVALID_ENCODED_DATA",
                        "The encoded data was not valid for encoding utf-8"]


def test_es2022_methods_node_18_has_are_there() -> None:
    assert _value("[[1, 2, 3].at(-1), 'abc'.at(-1), [1, 2, 3, 4].findLast(function (x) "
                  "{ return x % 2; }), Object.hasOwn({a: 1}, 'a'), new Uint8Array([5, 6]).at(0)]"
                  ) == [3, "c", 3, True, 5]


def test_structured_clone_copies_deeply_and_refuses_functions() -> None:
    assert _value("(function () { var o = {a: [1, {b: 2}]}; var c = structuredClone(o);"
                  " c.a[1].b = 3; var err; try { structuredClone({f: function () {}}); }"
                  " catch (e) { err = e.name; } return [o.a[1].b, c.a[1].b, err]; })()") == [
        2, 3, "DataCloneError"]


def test_atob_btoa_and_queue_microtask() -> None:
    src = ("function (user, context, callback) {\n"
           "  queueMicrotask(function () {\n"
           "    context.idToken['https://t/v'] = [btoa('ada:pw'), atob('YWRhOnB3')];\n"
           "    callback(null, user, context);\n  });\n}")
    assert run_once([src]).id_token["https://t/v"] == ["YWRhOnB3", "ada:pw"]


@pytest.mark.parametrize(("text", "message"), [
    ("<html>", "Unexpected token < in JSON at position 0"),
    ("", "Unexpected end of JSON input"),
    ('{"a":}', "Unexpected token } in JSON at position 5"),
    ('{"a":1 "b":2}', "Unexpected string in JSON at position 7"),
    ("[1,]", "Unexpected token ] in JSON at position 3"),
    ("01", "Unexpected number in JSON at position 1"),
    ('"abc', "Unexpected end of JSON input"),
    ("{a:1}", "Unexpected token a in JSON at position 1"),
])
def test_json_parse_errors_are_worded_as_node_18_words_them(text: str, message: str) -> None:
    assert _value("(function () { try { JSON.parse(" + json.dumps(text) + "); }"
                  " catch (e) { return [e.name, e.message]; } })()") == ["SyntaxError", message]


def test_json_parse_of_undefined_and_of_an_object_word_the_classic_messages() -> None:
    assert _value("(function () { var out = []; [undefined, {}].forEach(function (v) {"
                  " try { JSON.parse(v); } catch (e) { out.push(e.message); } }); return out; })()"
                  ) == ["Unexpected token u in JSON at position 0",
                        "Unexpected token o in JSON at position 1"]


def test_json_parse_still_parses_and_revives() -> None:
    assert _value("JSON.parse('{\"a\": [1, 2]}', function (k, v) "
                  "{ return typeof v === 'number' ? v * 10 : v; })") == {"a": [10, 20]}


def test_weak_ref_derefs_its_target_and_refuses_what_v8_refuses() -> None:
    assert _value("(function () { var o = {a: 1}, w = new WeakRef(o), errs = [];"
                  " [function () { return new WeakRef(1); }, function () { return WeakRef({}); },"
                  "  function () { return WeakRef.prototype.deref.call({}); }].forEach(function (f)"
                  " { try { f(); } catch (e) { errs.push(e.name + ': ' + e.message); } });"
                  " return [w.deref() === o, Object.prototype.toString.call(w), WeakRef.length,"
                  " Object.keys(WeakRef.prototype).length, errs]; })()") == [
        True, "[object WeakRef]", 1, 0,
        ["TypeError: WeakRef: invalid target", "TypeError: Constructor WeakRef requires 'new'",
         "TypeError: Method WeakRef.prototype.deref called on incompatible receiver #<Object>"]]


def test_a_finalization_registry_keeps_tokens_and_never_calls_its_cleanup() -> None:
    assert _value("(function () { var calls = 0, r = new FinalizationRegistry(function () "
                  "{ calls++; }), tok = {}, errs = []; r.register({}, 'held', tok);"
                  " var first = r.unregister(tok), second = r.unregister(tok);"
                  " [function () { return new FinalizationRegistry(1); },"
                  "  function () { var o = {}; r.register(o, o); },"
                  "  function () { r.register({}, 1, 5); }, function () { r.register(1, 2); }]"
                  ".forEach(function (f) { try { f(); } catch (e) { errs.push(e.message); } });"
                  " return [first, second, calls, r.register({}, 1), errs]; })()") == [
        True, False, 0, None,
        ["FinalizationRegistry: cleanup must be callable",
         "FinalizationRegistry.prototype.register: target and holdings must not be same",
         "Invalid unregisterToken ('5')", "FinalizationRegistry.prototype.register: invalid target"]]


def test_performance_now_runs_on_the_virtual_clock_of_the_login() -> None:
    # A container up for a minute when the login starts; simulated I/O moves both clocks.
    src = """function (user, context, callback) {
      var t0 = performance.now(), d0 = Date.now();
      require('request').get('https://api.example/slow', function () {
        context.idToken['https://t/v'] = [t0, performance.now() - t0, Date.now() - d0,
          performance.timeOrigin + performance.now() === Date.now(),
          Object.prototype.toString.call(performance), Object.keys(performance.toJSON())];
        callback(null, user, context);
      });
    }"""
    services = rs.Services.from_dict({"routes": [{
        "name": "slow", "method": "GET", "url": "https://api.example/*", "json": {},
        "latency": {"fixed_ms": 250}}]})
    r = run_once([src], services=services)
    assert r.outcome == "allowed", r.login["error_message"]
    assert r.id_token["https://t/v"] == [60000, 250, 250, True, "[object Performance]",
                                         ["nodeTiming", "timeOrigin", "eventLoopUtilization"]]


def test_the_engines_internal_error_is_not_a_global_as_in_node() -> None:
    assert _value("[typeof InternalError, (function f() { try { return f(); } catch (e) "
                  "{ return e.name; } })()]") == ["undefined", "InternalError"]
