"""The change tracker in C (rulesim/runtime/_tracker.c): the same change rows as the tracking
proxies, its JSON serialiser against JSON.stringify, its layout check, and the built-ins'
quick test."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pipeline_helpers import Harness, Result, run_once

from rulesim.errors import NativeBuildError
from rulesim.runtime import native
from rulesim.runtime.engine import Engine
from rulesim.runtime.limits import Limits

TRACKER = native.compiled_tracker()
needs_tracker = pytest.mark.skipif(TRACKER is None, reason="the change tracker is not built")

SAMPLES = ("[JSON.parse('{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":{\"e\":true}}'), new Error('x'), "
           "new Date(0), new ArrayBuffer(8), '\\u0101x']")


def rule(body: str) -> str:
    return "function (user, context, callback) {\n" + body + "\n  callback(null, user, context);\n}"


def change_rows(result: Result) -> list[tuple[Any, ...]]:
    frame = result.changes
    return [tuple(row) for row in frame[["rule", "target", "path", "op", "before", "after"]]
            .astype(object).where(frame.notna(), None).itertuples(index=False)]


def both_trackers(rules: list[str], **kw: Any) -> tuple[Result, Result]:
    """The same login recorded by the C tracker and by the proxies."""
    tracked = run_once(rules, **kw)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("RULESIM_TRACKER", "proxies")
        assert native.compiled_tracker() is None
        proxied = run_once(rules, **kw)
    return tracked, proxied


APP_METADATA = {"roles": ["user"], "plan": "free", "prefs": {"theme": "dark", "tags": ["a"]}}

SAME_ROWS: dict[str, tuple[str, ...]] = {
    "claims added": ("context.idToken['https://a/x'] = 1; context.idToken.y = [1, {z: 'q'}];",),
    "a claim replaced, then one removed": ("context.idToken.a = 1; context.idToken.b = 2;",
                                          "context.idToken.a = 'one'; delete context.idToken.b;"),
    "a nested write": ("user.app_metadata.prefs.theme = 'light'; user.app_metadata.prefs.tags.push('b');",),
    "a top-level and a nested write": ("user.app_metadata.plan = 'pro'; user.app_metadata.prefs.x = 1;",),
    "the part replaced": ("user.app_metadata = {roles: ['admin']};",),
    "the part replaced by itself": ("user.app_metadata = user.app_metadata || {};",),
    "the part removed": ("delete user.app_metadata;",),
    "a part created": ("context.multifactor = {provider: 'any'}; context.redirect = {url: 'https://r'};",),
    "a write that changes nothing": ("user.app_metadata.plan = 'free'; context.idToken.q = undefined;",),
    "a key added then deleted": ("context.idToken.tmp = 1; delete context.idToken.tmp;",),
    "saml mappings": ("context.samlConfiguration = context.samlConfiguration || {};\n"
                      "  context.samlConfiguration.mappings = {email: 'email'};",),
    "a non-enumerable property": ("Object.defineProperty(context.idToken, 'hidden', {value: 1});",),
    "a getter": ("Object.defineProperty(context.idToken, 'g', {get: function () { return 7; }, "
                 "enumerable: true});",),
    "a getter, then a write": ("Object.defineProperty(context.idToken, 'g', {get: function () { return 7; }, "
                               "enumerable: true});", "context.idToken.h = 8;"),
    "an integer-like key": ("context.idToken['10'] = 1; context.idToken['2'] = 2; context.idToken.x = 3;",),
    "a symbol key": ("context.idToken[Symbol('s')] = 1;",),
    "a Date claim": ("context.idToken.at = new Date(0);",),
    "a Map claim": ("context.idToken.m = new Map([[1, 2]]);",),
    "a frozen part": ("Object.freeze(user.app_metadata);",),
    "a prototype swapped": ("Object.setPrototypeOf(user.app_metadata.prefs, {inherited: 1});",),
    "user keys": ("user.nickname = 'al'; user.given_name = 'Alice'; delete user.picture;",),
    "wide and escaped text": ("context.idToken['k\\u00e9y'] = 'v\\u0101\\n\\ud83d\\ude00\\ud800';",),
    "a claim array changed in place": ("context.idToken.r = ['a'];", "context.idToken.r.push('b');"),
    "a deep chain": ("var o = context.idToken; for (var i = 0; i < 80; i++) { o = o.n = {}; }",),
    "keys added around a getter": ("context.idToken.a = 1; Object.defineProperty(context.idToken, 'g', "
                                   "{get: function () { return 7; }, enumerable: true});\n"
                                   "  context.idToken.z = 2;",),
    "a part created empty, undefined or holding a Date": (
        "context.multifactor = undefined; context.samlConfiguration = {};\n"
        "  context.redirect = new Date(0);",),
    "a claim added, then a part created holding a Date": (
        "context.idToken.a = 1; context.multifactor = {at: new Date(0)};\n"
        "  context.samlConfiguration = {m: 1};",),
    "a part replaced, then claims added": ("user.app_metadata.plan = 'pro'; context.idToken.a = 1;",),
    "a later rule's write to an earlier rule's object": (
        "context.idToken.o = {a: 1}; user.app_metadata.list = [];",
        "context.idToken.o.a = 2; context.idToken.o.b = 3; user.app_metadata.list.push(1);",),
}


@needs_tracker
@pytest.mark.parametrize("case", sorted(SAME_ROWS))
def test_the_tracker_writes_the_change_rows_the_proxies_write(case: str) -> None:
    tracked, proxied = both_trackers([rule(body) for body in SAME_ROWS[case]],
                                     user={"app_metadata": APP_METADATA})
    assert change_rows(tracked) == change_rows(proxied)
    assert (tracked.outcome, tracked.code) == (proxied.outcome, proxied.code)
    assert tracked.id_token == proxied.id_token


@needs_tracker
def test_a_value_two_parts_share_is_a_change_of_both() -> None:
    # The proxies saw a write through one part only (the claim array of both tokens, pushed
    # to through the ID token's): the access token's change went unrecorded.
    first = rule("var r = ['user']; context.idToken['https://a/roles'] = r; "
                 "context.accessToken['https://a/roles'] = r;")
    second = rule("context.idToken['https://a/roles'].push('admin');")
    tracked, proxied = both_trackers([first, second])
    rows = [r for r in change_rows(tracked) if r[0] == "rule2"]
    path = '["https://a/roles"]'
    assert rows == [("rule2", "id_token", path, "replace", '["user"]', '["user","admin"]'),
                    ("rule2", "access_token", path, "replace", '["user"]', '["user","admin"]')]
    assert [r for r in change_rows(proxied) if r[0] == "rule2"] == rows[:1]
    assert tracked.access_token == {"https://a/roles": ["user", "admin"]}


@needs_tracker
@pytest.mark.parametrize(("body", "rows"), [
    ("var c = Object.assign({}, context); c.idToken = {n: 1}; callback(null, user, c); return;",
     [("rule1", "id_token", "n", "add", None, "1")]),
    ("callback(null, Object.assign({}, user, {app_metadata: {plan: 'x'}}), context); return;",
     [("rule1", "app_metadata", "roles", "remove", '["user"]', None),
      ("rule1", "app_metadata", "plan", "replace", '"free"', '"x"'),
      ("rule1", "app_metadata", "prefs", "remove", '{"theme":"dark","tags":["a"]}', None)]),
])
def test_a_part_of_a_new_user_or_context_object_is_compared_with_the_old_one(
        body: str, rows: list[tuple[Any, ...]]) -> None:
    # The callback handed new objects whose part is a new object: the proxies saw no write
    # (none went through them) and recorded nothing, though the part changed.
    tracked, proxied = both_trackers([rule(body)], user={"app_metadata": APP_METADATA})
    assert change_rows(tracked) == rows
    assert change_rows(proxied) == []
    assert tracked.id_token == proxied.id_token


@needs_tracker
def test_a_cyclic_part_fails_the_rule_as_with_the_proxies() -> None:
    tracked, proxied = both_trackers([rule("context.idToken.self = context.idToken;")])
    assert tracked.outcome == proxied.outcome == "error"


@needs_tracker
def test_a_date_changed_in_place_is_no_change() -> None:
    # Neither tracker sees inside a Date (the proxies made its methods throw instead).
    first = rule("context.idToken.at = new Date(0);")
    second = rule("var d = context.idToken.at; if (d.setTime) d.setTime(1000);")
    tracked = run_once([first, second])
    assert [r[1:4] for r in change_rows(tracked)] == [("id_token", "at", "add")]
    assert tracked.outcome == "allowed"


# ---------------------------------------------------------------- the JSON serialiser

def _engine() -> Engine:
    assert TRACKER is not None
    engine = Engine(Limits())
    engine.add_compiled_function("json", TRACKER, "json")
    engine.eval("var P = [Object.prototype, Array.prototype];"
                "function both(v) { return JSON.stringify([json(v, P), JSON.stringify(v)]); }")
    return engine


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**60, max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=25)


@needs_tracker
@given(values=st.lists(st.integers(-2**60, 2**60) | st.floats(allow_nan=False, allow_infinity=False)
                       | st.sampled_from(["-0", "NaN", "Infinity", "'7'", "null"]), max_size=12),
       cut=st.integers(0, 12))
@settings(max_examples=300, deadline=None)
def test_join_numbers_writes_the_numbers_join_writes_or_leaves_them_to_join(
        values: list[Any], cut: int) -> None:
    assert TRACKER is not None
    engine = Engine(Limits())
    engine.add_compiled_function("joinNumbers", TRACKER, "joinNumbers")
    items = ", ".join(repr(v) if isinstance(v, float) else str(v) for v in values)
    n = min(cut, len(values))
    fast, slow = json.loads(engine.eval(
        f"var a = [{items}]; var t = joinNumbers(a, {n});"
        f"JSON.stringify([t === undefined ? null : t, a.slice(0, {n}).join(',')])"))
    finite = all(isinstance(v, (int, float)) or v == "-0" for v in values[:n])
    if not finite:
        assert fast is None
        return
    assert fast is not None
    # The same numbers (what the host reads back); integers within 2^53 with join's digits.
    assert [float(x) for x in fast.split(",") if x] == [float(x) for x in slow.split(",") if x]
    for mine, theirs in zip(fast.split(",") if fast else [], slow.split(",") if slow else [], strict=True):
        if float(theirs).is_integer() and abs(float(theirs)) <= 2**53 and "e" not in theirs:
            assert mine == theirs


@needs_tracker
@given(value=JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_json_writes_what_json_stringify_writes(value: Any) -> None:
    engine = _engine()
    fast, slow = json.loads(engine.eval(f"both(JSON.parse({json.dumps(json.dumps(value))}))"))
    assert fast is None or fast == slow


@needs_tracker
@given(text=st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_json_quotes_any_string_as_json_stringify_does(text: str) -> None:
    engine = _engine()
    # (Lone surrogates and control characters included: built from code units in JS.)
    units = [ord(c) for c in text]
    fast, slow = json.loads(engine.eval(f"both(String.fromCharCode.apply(null, {units}))"))
    assert fast == slow


@needs_tracker
@pytest.mark.parametrize(("expr", "answers"), [
    ("{a: 1, b: [1, 'x', null], c: {d: true}}", True),
    ("[undefined, Symbol('s')]", True), ("{u: undefined, s: Symbol('s'), n: null}", True),
    ("[function () {}]", False), ("{f: function () {}}", False),
    ("-0", True), ("1e21", False), ("0.1", False), ("2 ** 53", True), ("NaN", True),
    ("[Infinity, -Infinity]", True),
    ("{'1': 1, b: 2}", False), ("new Date(0)", False), ("{d: new Date(0)}", False),
    ("{toJSON: function () { return 5; }}", False), ("Object.create({x: 1})", False),
    ("Object.create(null)", True), ("(function () { var a = []; a.length = 3; return a; })()", False),
    ("(function () { var o = {}; o.o = o; return o; })()", False),
    ("{get g() { return 1; }}", False), ("10n", False), ("new Proxy({}, {})", False),
])
def test_json_answers_plain_data_and_leaves_the_rest_to_json_stringify(expr: str, answers: bool) -> None:
    engine = _engine()
    fast, slow = json.loads(engine.eval(
        f"(function () {{ var v = ({expr}), s; try {{ s = JSON.stringify(v); }} catch (e) {{ s = 'threw'; }}"
        f" return JSON.stringify([json(v, P), s]); }})()"))
    assert (fast is not None) == answers
    if answers:
        assert fast == slow


@needs_tracker
def test_json_leaves_everything_to_json_stringify_once_a_prototype_has_tojson() -> None:
    engine = _engine()
    assert engine.eval("Object.prototype.toJSON = function () { return 1; }; json({a: 1}, P)") is None
    assert engine.eval("delete Object.prototype.toJSON; json({a: 1}, P)") == '{"a":1}'
    assert engine.eval("Array.prototype.toJSON = function () { return 2; }; json([1], P)") is None


@needs_tracker
def test_json_numbers_match_the_engine() -> None:
    engine = _engine()
    for x in (0, 1, -1, 2**31, -2**31 - 1, 2**53, 1736892886830, 123456789.0):
        fast, slow = json.loads(engine.eval(f"both({x!r})"))
        assert fast == slow
        assert math.isclose(float(fast), float(x))


# ---------------------------------------------------------------- the JSON reader

# same(a, b): the same value as JavaScript sees it (Object.is on leaves, own keys in order with
# their attributes, the same prototypes); read(t): whether the reader gives JSON.parse's value
# ('same'), another ('differs') or leaves the text to JSON.parse ('left'), in place and not.
_READER_JS = """
function same(a, b) {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  var ka = Object.getOwnPropertyNames(a), kb = Object.getOwnPropertyNames(b);
  if (ka.length !== kb.length) return false;
  for (var i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    var da = Object.getOwnPropertyDescriptor(a, ka[i]), db = Object.getOwnPropertyDescriptor(b, kb[i]);
    if (da.enumerable !== db.enumerable || da.writable !== db.writable) return false;
    if (da.configurable !== db.configurable || !same(da.value, db.value)) return false;
  }
  return true;
}
function read(t) {
  var out = [], expected;
  try { expected = JSON.parse(t); } catch (e) { expected = e; }
  [1, 0].forEach(function (inPlace) {
    var v = parseJson(t, inPlace);
    out.push(v === undefined ? 'left' : same(v, expected) ? 'same' : 'differs');
  });
  return out.join(' ');
}
"""


def _reader() -> Engine:
    assert TRACKER is not None
    engine = Engine(Limits(memory_mb=64))
    engine.add_compiled_function("parseJson", TRACKER, "parseJson")
    engine.eval(_READER_JS)
    return engine


def _read(engine: Engine, text: str) -> str:
    return str(engine.eval(f"read({json.dumps(text)})"))


@needs_tracker
@given(value=JSON_VALUES, ascii_only=st.booleans(), indent=st.sampled_from([None, 1]))
@settings(max_examples=300, deadline=None)
def test_parse_json_gives_what_json_parse_gives(value: Any, ascii_only: bool, indent: int | None) -> None:
    engine = _reader()
    # JSON text as Python writes it: every string written raw or escaped, with or without
    # whitespace; the reader may leave a text to JSON.parse only for a lone surrogate.
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    surrogate = any(0xD800 <= ord(c) <= 0xDFFF for c in json.dumps(value, ensure_ascii=False))
    assert _read(engine, text) in (("same same", "left left") if surrogate else ("same same",))


@needs_tracker
@given(text=st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=30))
@settings(max_examples=200, deadline=None)
def test_parse_json_reads_latin1_text_in_place_as_json_parse_does(text: str) -> None:
    # An 8-bit engine string (every character below U+0100) is read where it is: raw Latin-1
    # characters, escapes and both in one string, as a value and as a key.
    engine = _reader()
    for doc in (json.dumps(text, ensure_ascii=False), json.dumps({text: [text]}, ensure_ascii=False),
                json.dumps(text), json.dumps({text: text})):
        assert _read(engine, doc) == "same same"


@needs_tracker
@pytest.mark.parametrize("text", [
    "1.", "-01", "01", "+1", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "-", "tru", "nul", "",
    " ", "[1,]", "{\"a\":1,}", "{a:1}", "'a'", "[1 2]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[", "{",
    "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\u0001b\"",
    "1 2", "[] []", "\"\\ud800\\ud800\"",
])
def test_parse_json_leaves_what_is_not_strict_json_to_json_parse(text: str) -> None:
    # QuickJS's JSON.parse reads a little more than strict JSON ("1.", "-01") and throws its
    # own SyntaxError for the rest: the reader answers neither, it leaves the text.
    if TRACKER is None:
        pytest.skip("the change tracker is not built")
    assert _read(_reader(), text) == "left left"


@needs_tracker
@pytest.mark.parametrize("text", [
    "0", "-0", "[-0, 0, -0.0, 0e0, -0e5]", "2147483647", "2147483648", "-2147483648", "-2147483649",
    "9007199254740993", "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
    "1e400", "-1e400", "5e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "0.1",
    "0.30000000000000004", "1E5", "1e-5", "1.5e+3", "123.456e-7", "1736892886830", "[1.0, 2.50, 100e-2]",
])
def test_parse_json_converts_numbers_as_the_engine_does(text: str) -> None:
    if TRACKER is None:
        pytest.skip("the change tracker is not built")
    assert _read(_reader(), text) == "same same"


@needs_tracker
@pytest.mark.parametrize(("units", "answer"), [
    ("0x61, 0xD83D, 0xDE00, 0x62", "same same"),      # a raw pair: one character
    ("0xE9, 0x1EC5, 0x5C, 0x6E", "same same"),       # Latin-1, then wider, then an escape
    ("0x61, 0xD800, 0x62", "left left"),             # lone surrogates: JSON.parse's
    ("0xDC00", "left left"), ("0x61, 0xD83D", "left left"), ("0xDE00, 0xD83D", "left left"),
])
def test_parse_json_reads_16_bit_text_in_place_as_json_parse_does(units: str, answer: str) -> None:
    # A string of the engine's 16-bit kind, made from code units, as a value and as a key.
    engine = _reader()
    for template in ("'[\"' + s + '\"]'", "'{\"' + s + '\":[\"' + s + '\", 1]}'"):
        assert engine.eval(f"(function () {{ var s = String.fromCharCode({units});"
                           f" return read({template}); }})()") == answer


@needs_tracker
def test_parse_json_keeps_the_last_of_repeated_keys_in_the_first_ones_place() -> None:
    engine = _reader()
    for text in ('{"a":1,"b":2,"a":3}', '{"__proto__":{"x":1},"y":2}', '{"1":1,"b":2,"0":3}',
                 '{"4294967295":1,"4294967294":2,"-1":3,"01":4}', '{"":1,"\\u0000":2}'):
        assert _read(engine, text) == "same same", text
    assert engine.eval("Object.getPrototypeOf(parseJson('{\"__proto__\":{\"x\":1}}', 1))"
                       " === Object.prototype")


@needs_tracker
def test_parse_json_shares_short_strings_without_changing_any_value() -> None:
    # Over a thousand distinct short strings (more than the table's slots, so slots collide
    # and are replaced), each repeated, at 24 characters and just over.
    words = [f"w{i}" for i in range(1500)] + ["x" * 24, "y" * 25, "é" * 12, "é" * 13, ""]
    assert _read(_reader(), json.dumps([words, words[::-1], {w: w for w in words}],
                                       ensure_ascii=False)) == "same same"


@needs_tracker
def test_parse_json_leaves_deep_nesting_to_json_parse() -> None:
    engine = _reader()
    assert _read(engine, "[" * 150 + "]" * 150) == "same same"
    assert _read(engine, "[" * 300 + "]" * 300) == "left left"


@needs_tracker
def test_parse_json_answers_undefined_for_a_value_that_is_not_a_string() -> None:
    engine = _reader()
    assert engine.eval("[parseJson(5), parseJson(null), parseJson(), parseJson({})]"
                       ".every(function (v) { return v === undefined; })")


@needs_tracker
def test_parse_json_runs_out_of_memory_as_the_engine_does() -> None:
    # Under the engine's memory limit the reader's allocations fail as JSON.parse's do: the
    # engine's own exception (its "out of memory" error, or null when even that finds no
    # room), which JavaScript can catch, and the engine keeps working. The text (2 MB) fits
    # the limit many times over; the 700,000 objects it describes do not.
    assert TRACKER is not None
    engine = Engine(Limits(memory_mb=16))
    engine.add_compiled_function("parseJson", TRACKER, "parseJson")
    answers = engine.eval(
        "(function () { var t = '[' + new Array(700000).join('{},') + '{}]';"
        " function attempt(parse) { try { parse(t, 1); return 'parsed'; } catch (e) { return String(e); } }"
        " return [attempt(parseJson), attempt(JSON.parse)].join(' | '); })()")
    mine, engines = answers.split(" | ")
    assert mine in ("InternalError: out of memory", "null")
    assert engines in ("InternalError: out of memory", "null")
    engine.eval(_READER_JS)
    assert _read(engine, '{"a":[1,"b"]}') == "same same"


# ---------------------------------------------------------------- the layout check

def _state_size() -> int:
    assert TRACKER is not None
    return int(TRACKER.state_size())


@needs_tracker
def test_the_layout_check_passes_on_the_pinned_engine() -> None:
    engine = _engine()
    for name in native.TRACKER_FUNCTIONS:
        engine.add_compiled_function(name, TRACKER, name)
    assert engine.eval(f"var mem = new ArrayBuffer({_state_size()}), hold = [];"
                       f"for (var i = 0; i < 64; i++) hold.push(undefined);"
                       f"trackCheck(mem, hold, {SAMPLES})") == 1


@needs_tracker
@pytest.mark.parametrize("samples", [
    "[{a: 1, b: 'x', c: [1, 2], d: {e: true}}, new Error('x'), new Date(0), new ArrayBuffer(8)]",
    "[JSON.parse('{\"b\":\"x\",\"a\":1,\"c\":[1,2],\"d\":{\"e\":true}}'), new Error('x'), new Date(0),"
    " new ArrayBuffer(8), '\\u0101x']",
    "[JSON.parse('{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":{\"e\":true}}'), new Date(0), new Error('x'),"
    " new ArrayBuffer(8), '\\u0101x']",
    "[JSON.parse('{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":{\"e\":true}}'), new Error('x'), new Date(0),"
    " new ArrayBuffer(8), 'ax']",
    "[JSON.parse('{\"a\":1,\"b\":\"x\",\"c\":[1,2,3],\"d\":{\"e\":true}}'), new Error('x'), new Date(0),"
    " new ArrayBuffer(8), '\\u0101x']",
    "'not a list'",
])
def test_the_layout_check_refuses_objects_it_does_not_recognise(samples: str) -> None:
    engine = _engine()
    engine.add_compiled_function("trackCheck", TRACKER, "trackCheck")
    assert engine.eval(f"var mem = new ArrayBuffer({_state_size()}), hold = [undefined];"
                       f"trackCheck(mem, hold, {samples})") == 0


class _RefusingTracker:
    """The tracker extension handed a snapshot buffer too small for it: its check refuses."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def state_size(self) -> int:
        return 8


@needs_tracker
def test_a_sandbox_says_which_tracker_records_its_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Harness([rule("")]).pipeline.sandbox.change_tracker == "c"
    monkeypatch.setenv("RULESIM_TRACKER", "proxies")
    assert Harness([rule("")]).pipeline.sandbox.change_tracker == "proxies"


@needs_tracker
def test_a_tracker_that_refuses_the_engine_warns_once_and_the_proxies_record(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "compiled_tracker", lambda: _RefusingTracker(TRACKER))
    monkeypatch.setattr(native, "_tracker_warned", False)
    monkeypatch.delenv("RULESIM_NATIVE", raising=False)
    with pytest.warns(native.NativeFallbackWarning, match="refused this QuickJS build"):
        harness = Harness([rule("context.idToken.a = 1;")])
    assert harness.pipeline.sandbox.change_tracker == "proxies"
    assert change_rows(harness.login()) == [("rule1", "id_token", "a", "add", None, "1")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # once a process: the next sandbox says nothing
        assert Harness([rule("")]).pipeline.sandbox.change_tracker == "proxies"


@needs_tracker
def test_a_tracker_that_refuses_the_engine_is_an_error_when_native_code_is_required(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "compiled_tracker", lambda: _RefusingTracker(TRACKER))
    monkeypatch.setenv("RULESIM_NATIVE", "required")
    with pytest.raises(NativeBuildError, match="RULESIM_NATIVE=required, but rulesim's change"):
        Harness([rule("")])


@needs_tracker
def test_the_tracker_functions_refuse_arguments_that_are_not_theirs() -> None:
    engine = _engine()
    for name in native.TRACKER_FUNCTIONS:
        engine.add_compiled_function(name, TRACKER, name)
    assert engine.eval("trackBegin({}, [], {}, {})") == -1
    assert engine.eval("trackCollect(new ArrayBuffer(8), [], {}, {}, P)") is None
    assert engine.eval("trackEnd(1, 2)") is None
    assert engine.eval("intrinsicsSame(new ArrayBuffer(8), [])") == -1
    assert engine.eval("intrinsicsSnap({}, [])") == -1
    # Before a successful layout check, nothing is tracked.
    assert engine.eval(f"trackBegin(new ArrayBuffer({_state_size()}), [undefined], {{}}, {{}})") == -1


# ---------------------------------------------------------------- the built-ins' quick test

@needs_tracker
@pytest.mark.parametrize("pollution", [
    "Array.prototype.first = function () { return this[0]; };",
    "Object.prototype.isAdmin = true;",
    "String.prototype.trim = function () { return 'x'; };",
    "Object.defineProperty(Array.prototype, 'hidden', {value: 1});",
    "delete Math.max;",
    "JSON.parse = function () { return {}; };",
])
def test_a_login_that_changes_a_built_in_is_flagged_and_the_next_login_is_clean(pollution: str) -> None:
    harness = Harness([rule(f"if (user.user_id === 'auth0|mallory') {{ {pollution} }}")])
    assert "prototype_pollution" in harness.login({"user_id": "auth0|mallory"}).login["flags"]
    for _ in range(2):
        assert "prototype_pollution" not in harness.login().login["flags"]


# ---------------------------------------------------------------- random rules, both trackers

PARTS = ("context.idToken", "context.accessToken", "user.app_metadata", "user.user_metadata",
         "context.samlConfiguration")
KEYS = ("a", "b", "https://x/c", "d-e", "f")
LITERALS = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["s", "t", "é", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=6).map(json.dumps)


@st.composite
def operation(draw: st.DrawFn) -> str:
    part, key = draw(st.sampled_from(PARTS)), json.dumps(draw(st.sampled_from(KEYS)))
    inner, value = json.dumps(draw(st.sampled_from(KEYS))), draw(LITERALS)
    guard = f"if ({part} && typeof {part}[{key}] === 'object' && {part}[{key}] !== null) "
    return draw(st.sampled_from([
        f"if ({part}) {part}[{key}] = {value};",
        f"if ({part}) delete {part}[{key}];",
        f"{guard}{part}[{key}][{inner}] = {value};",
        f"{guard}delete {part}[{key}][{inner}];",
        f"if ({part} && Array.isArray({part}[{key}])) {part}[{key}].push({value});",
        f"{part} = {value};",
        f"{part} = {part} || {{}};",
        f"if ({part}) {part}[{key}] = {part}[{json.dumps(draw(st.sampled_from(KEYS)))}];",
    ]))


@needs_tracker
@given(rules=st.lists(st.lists(operation(), min_size=1, max_size=4), min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_random_writes_to_the_parts_give_the_rows_the_proxies_give(rules: list[list[str]]) -> None:
    sources = [rule("\n  ".join(ops)) for ops in rules]
    user = {"app_metadata": {"a": [1], "b": {"f": "x"}}, "user_metadata": {}}
    tracked, proxied = both_trackers(sources, user=user)
    assert change_rows(tracked) == change_rows(proxied)
    assert (tracked.outcome, tracked.id_token, tracked.access_token) == (
        proxied.outcome, proxied.id_token, proxied.access_token)


# The tokens in C (_tracker_tokens.h) against the prelude's (the proxies' sandbox computes them
# in JavaScript): claim names Auth0 keeps or drops, standard claims a custom one overrides,
# values JSON writes or leaves out, and what only JavaScript may decide (getters, functions,
# integer-like names, fractions, proxies).
CLAIM_NAMES = ("name", "email", "nickname", "sub", "scope", "roles", "a", "b-c", "k\u00e9y",
               "https://acme.com/x", "https://AUTH0.com/x", "http://x.auth0.com", "https://auth0.com.evil",
               "https://xauth0.com/y", "https://webtask.run", "HTTPS://a.b.WebTask.IO/z", "http://webtask.io.x/",
               "https://.auth0.com")
PLAIN_VALUES = ("1", "'v'", "undefined", "null", "true", "[1, 'x', {q: 2}]", "{nested: {deep: [null]}}", "-0",
                "'\\u2028\\ud800'", "2e15")
ODD_VALUES = ("1.5", "function () {}", "new Date(0)", "Symbol('s')", "1e21")   # JavaScript's to write
# Mostly plain data (the C path answers), now and then what only JavaScript may write.
CLAIM_VALUES = st.sampled_from(PLAIN_VALUES * 6 + ODD_VALUES)
LOGIN_TWISTS = (
    "delete user.name;", "user.email = undefined;", "user.phone_number = '+1'; user.phone_verified = false;",
    "context.primaryUser = 'auth0|primary';", "context.primaryUser = '';", "context.primaryUser = {id: 1};",
    "Object.defineProperty(context.idToken, 'g', {get: function () { return 1; }, enumerable: true});",
    "Object.defineProperty(context.idToken, 'email', {value: 'hidden@x', enumerable: false});",
    "context.accessToken = user;", "context.idToken = null;", "context.accessToken = 'text';",
    "context.idToken = [1];", "user.updated_at = 1.25;")


@st.composite
def token_writes(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        token = draw(st.sampled_from(["context.idToken", "context.accessToken"]))
        names = (*CLAIM_NAMES, "10") if draw(st.integers(0, 9)) == 0 else CLAIM_NAMES   # "10": now and then
        name = json.dumps(draw(st.sampled_from(names)))
        value = draw(CLAIM_VALUES)
        lines.append(f"{token}[{name}] = {value};")
    lines.append(draw(st.sampled_from(["", "", "", "", "", *LOGIN_TWISTS])))
    return "\n  ".join(lines)


@needs_tracker
@given(body=token_writes(), scope=st.sampled_from(["openid profile email", "openid", "profile phone email",
                                                    "email offline_access", "openid profile email phone"]))
@example(body="context.idToken.name = 'custom'; context.idToken.email = 'e@x'; context.idToken.sub = 's';\n"
              "  context.idToken['http://x.auth0.com'] = 1; context.idToken['https://AUTH0.com.evil'] = 2;\n"
              "  context.accessToken['HTTPS://a.WebTask.run/z'] = 3; context.accessToken.scope = 'x';",
         scope="openid profile email phone")
@settings(max_examples=40, deadline=None)
def test_the_tokens_written_in_c_are_the_tokens_javascript_writes(body: str, scope: str) -> None:
    context = {"request": {"ip": "1.2.3.4", "query": {"scope": scope}}}
    user = {"given_name": "Al", "locale": "fr", "phone_number": "+33"}
    tracked, proxied = both_trackers([rule(body)], user=user, context=context)
    for column in ("id_token", "access_token", "dropped_claims", "outcome", "error_code", "error_message"):
        assert str(tracked.login[column]) == str(proxied.login[column]), column


# A login's per-rule columns in C (_tracker_record.h recordPlain) against the prelude's
# (the proxies' sandbox writes every record in JavaScript): logins whose rules all end plainly,
# and those where one does not (an error, a denial, a throw, two callbacks, a non-standard
# error, a rule that never calls back or calls back later, a redirect, too large claims).
RULE_ENDINGS = {
    "plain": "callback(null, user, context);",
    "claims": "context.idToken['https://a/' + Math.floor(Math.random() * 3)] = 1; "
              "user.app_metadata = user.app_metadata || {}; user.app_metadata.n = 1; "
              "callback(null, user, context);",
    "denied": "callback(new UnauthorizedError('no'));",
    "error": "callback(new Error('broken'));",
    "throw": "throw new Error('thrown');",
    "twice": "callback(null, user, context); callback(null, user, context);",
    "odd error": "callback('text');",
    "never": "",
    "later": "setTimeout(function () { context.idToken.late = 1; callback(null, user, context); }, 20);",
    "redirect": "context.redirect = {url: 'https://example.com/r'}; callback(null, user, context);",
    "large": "context.idToken['https://a/big'] = new Array(200).join('0123456789abcdef'); "
             "callback(null, user, context);",
}
PLAIN_ENDINGS = ("plain", "plain", "claims", "claims", "later")
RECORD_COLUMNS = ("outcome", "error_code", "error_message", "app_error", "deciding_rule", "rules_run",
                  "flags", "redirect_url", "dropped_claims", "id_token", "mfa_required")
RUN_COLUMNS = ["rule", "outcome", "error_code", "error_message", "line", "io_ms", "n_calls", "n_changes",
               "flags"]


@needs_tracker
@given(endings=st.lists(st.sampled_from(PLAIN_ENDINGS) | st.sampled_from(sorted(RULE_ENDINGS)),
                        min_size=1, max_size=5),
       protocol=st.sampled_from(["oidc-basic-profile", "oauth2-resource-owner"]))
@example(endings=["plain", "claims", "later", "plain"], protocol="oidc-basic-profile")
@example(endings=["claims", "twice", "plain"], protocol="oidc-basic-profile")
@example(endings=["plain", "redirect", "claims"], protocol="oidc-basic-profile")
@example(endings=["redirect", "later"], protocol="oauth2-resource-owner")
@settings(max_examples=40, deadline=None)
def test_a_logins_rule_columns_written_in_c_are_those_javascript_writes(endings: list[str],
                                                                        protocol: str) -> None:
    rules = ["function (user, context, callback) {\n  " + RULE_ENDINGS[e] + "\n}" for e in endings]
    tracked, proxied = both_trackers(rules, user={"app_metadata": {"plan": "free"}},
                                     context={"protocol": protocol})
    for column in RECORD_COLUMNS:
        assert str(tracked.login[column]) == str(proxied.login[column]), column
    mine = tracked.rule_runs[RUN_COLUMNS].astype(object).where(tracked.rule_runs[RUN_COLUMNS].notna(), None)
    theirs = proxied.rule_runs[RUN_COLUMNS].astype(object).where(proxied.rule_runs[RUN_COLUMNS].notna(), None)
    assert mine.values.tolist() == theirs.values.tolist()
    assert change_rows(tracked) == change_rows(proxied)
