"""Node's locale-sensitive built-ins on ICU (rulesim/runtime/_intl.c, modules/intl.js).

The differential suite (tests/differential/probes/intl.yaml) holds the answers against Node;
these tests hold what needs no Node: the C functions are total, thread-safe and out of rule
code's reach, and without the extension QuickJS's own methods stay.
"""

from __future__ import annotations

import json
import threading

import _quickjs
import pytest
import quickjs
from pipeline_helpers import Harness

from rulesim.runtime import native

INTL = native.compiled_intl()
pytestmark = pytest.mark.skipif(INTL is None, reason="the ICU extension is not built "
                                "(CI builds it and sets RULESIM_NATIVE=required)")


@pytest.fixture(scope="module")
def ctx() -> quickjs.Context:
    assert INTL is not None
    c = quickjs.Context()
    for name in INTL.names():
        INTL.install(c, _quickjs.__file__, name, name)
    return c


def test_the_extension_implements_exactly_the_locale_table() -> None:
    assert INTL is not None
    assert tuple(INTL.names()) == native.INTL_FUNCTIONS
    assert INTL.icu_version().split(".")[0].isdigit()


@pytest.mark.parametrize(("call", "failure"), [
    ("collate('a', 1, 'en', 0)", 2),
    ("collate('a', 'b', 'en_US', 0)", 2),
    ("collate('a', 'b', 'en', 64)", 2),
    ("collate('a', 'b', 'en', -1)", 2),
    ("collate('a', 'b')", 2),
    ("formatNumber(1, 'en', 'no-such-stem')", ""),
    ("formatNumber({}, 'en', '')", ""),
    ("formatNumber(1, '', '')", ""),
    ("formatDate(0, 'en', 'yMd', 'Mars/Base')", ""),
    ("formatDate(NaN, 'en', 'yMd', '')", ""),
    ("formatDate(0, 'en', '!xx', '')", ""),
    ("formatDate(0, 'en', '', '')", ""),
    ("changeCase('a', 'en')", ""),
    ("resolveLocale('en_US')", ""),
    ("resolveLocale(42)", ""),
    ("resolveLocale('" + "a" * 200 + "')", ""),
])
def test_a_call_with_bad_arguments_answers_its_failure_value_and_never_throws(
        ctx: quickjs.Context, call: str, failure: object) -> None:
    assert ctx.eval(call) == failure


def test_answers_are_icus(ctx: quickjs.Context) -> None:
    assert ctx.eval("['b', 'B', 'a', 'A', '_x', '10', '9'].sort(function (x, y) { "
                    "return collate(x, y, 'en-US', 0); }).join(' ')") == "_x 10 9 a A b B"
    assert ctx.eval("collate('a10', 'a9', 'en', 4)") == 1
    assert ctx.eval("formatNumber(1234567.891, 'de-DE', 'rounding-mode-half-up')") == "1.234.567,891"
    assert ctx.eval("formatNumber('123456789012345678901234567890', 'en', '')") == (
        "123,456,789,012,345,678,901,234,567,890")
    assert ctx.eval("formatDate(Date.UTC(2026, 11, 7, 15, 4, 5), 'en-US', 'yMdjms', 'UTC')") == (
        "12/7/2026, 3:04:05 PM")
    assert ctx.eval("changeCase('I', 'tr', 0)") == "ı"
    assert ctx.eval("resolveLocale('xx-YY')") == "en-US"
    assert ctx.eval("resolveLocale('de-de')") == "de-DE"


def test_the_narrow_space_before_am_pm_is_a_plain_space_as_in_node(ctx: quickjs.Context) -> None:
    text = ctx.eval("formatDate(0, 'en-US', 'jms', 'UTC')")
    assert text == "12:00:00 AM" and "\u202f" not in text


def test_two_threads_formatting_at_once_get_their_own_answers() -> None:
    assert INTL is not None
    errors: list[str] = []

    def work(zone: str, expected: str) -> None:
        c = quickjs.Context()
        INTL.install(c, _quickjs.__file__, "formatDate", "f")
        for i in range(400):
            got = c.eval(f"f(Date.UTC(2026, 0, 1, 12, 0, {i % 60}), 'en-US', 'jm', {json.dumps(zone)})")
            if got != expected:
                errors.append(got)

    threads = [threading.Thread(target=work, args=a) for a in
               (("UTC", "12:00 PM"), ("Asia/Tokyo", "9:00 PM"), ("America/New_York", "7:00 AM"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


RULE = """function (user, context, callback) {
  context.idToken['https://x/o'] = [['b', 'B', 'a'].sort(function (x, y) { return x.localeCompare(y); }),
    (1234.5).toLocaleString(),
    new Date(Date.UTC(2026, 11, 7, 15, 4, 5)).toLocaleDateString('en-US', { timeZone: 'UTC' }),
    typeof Intl];
  callback(null, user, context);
}"""


def test_rules_get_node_answers_and_the_python_fallback_keeps_quickjs_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert Harness([RULE]).login().id_token["https://x/o"] == [
        ["a", "b", "B"], "1,234.5", "12/7/2026", "undefined"]
    monkeypatch.setenv("RULESIM_NATIVE", "python")
    assert Harness([RULE]).login().id_token["https://x/o"] == [
        ["B", "a", "b"], "1234.5", "12/07/2026", "undefined"]


def test_a_rule_cannot_reach_the_locale_functions() -> None:
    probe = """function (user, context, callback) {
      var found = Object.getOwnPropertyNames(globalThis).filter(function (n) {
        return /collate|formatNumber|formatDate|changeCase|resolveLocale|native/i.test(n); });
      context.idToken['https://x/f'] = found;
      callback(null, user, context);
    }"""
    assert Harness([probe]).login().id_token["https://x/f"] == []


def test_the_patched_methods_look_like_nodes() -> None:
    probe = """function (user, context, callback) {
      context.idToken['https://x/m'] = [String.prototype.localeCompare.length,
        String.prototype.localeCompare.name, Number.prototype.toLocaleString.length,
        Date.prototype.toLocaleDateString.name,
        Object.getOwnPropertyDescriptor(String.prototype, 'localeCompare').enumerable];
      callback(null, user, context);
    }"""
    assert Harness([probe]).login().id_token["https://x/m"] == [
        1, "localeCompare", 0, "toLocaleDateString", False]


def test_without_the_extension_a_run_warns_about_each_locale_method_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import rulesim as rs

    monkeypatch.setenv("RULESIM_NATIVE", "python")
    rules = rs.RuleSet([rs.Rule.from_source("sorter", RULE, order=1)])
    with pytest.warns(rs.RuleSourceWarning, match=r"rule `sorter` calls localeCompare \(line 2\)"):
        rs.run_login(rules)
    monkeypatch.setenv("RULESIM_NATIVE", "")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", rs.RuleSourceWarning)
        rs.run_login(rules)
