"""util.inspect / util.format laid out as Node 18 lays them out (what console.log printed)."""

from __future__ import annotations

import pytest
from module_harness import ModuleHarness


@pytest.mark.parametrize(("expr", "text"), [
    ("{a: 1, b: ['x']}", "{ a: 1, b: [ 'x' ] }"),
    ("{a: {b: {c: {d: 1}}}}", "{ a: { b: { c: [Object] } } }"),
    ("{aaaa: 'x'.repeat(60), b: 1}", "{\n  aaaa: '" + "x" * 60 + "',\n  b: 1\n}"),
    ("(function () { var c = {name: 'c'}; c.self = c; return c; })()",
     "<ref *1> { name: 'c', self: [Circular *1] }"),
    ("new Map([['k', 1]])", "Map(1) { 'k' => 1 }"),
    ("new Set([1, 'two'])", "Set(2) { 1, 'two' }"),
    ("[undefined, , 3]", "[ undefined, <1 empty item>, 3 ]"),
    ("Object.assign([1, 2], {extra: true})", "[ 1, 2, extra: true ]"),
    ("{'needs quotes': 1, ok_id: 2, $d: 3}", "{ 'needs quotes': 1, ok_id: 2, '$d': 3 }"),
    ("[\"it's\", 'a`b\\'c\"d']", "[ \"it's\", 'a`b\\'c\"d' ]"),
    ("Object.create(null)", "[Object: null prototype] {}"),
    ("new (class Session { constructor() { this.id = 1; } })()", "Session { id: 1 }"),
    ("[function () {}, function named() {}, class Foo {}]",
     "[ [Function (anonymous)], [Function: named], [class Foo] ]"),
    ("{re: /x+/g, n: -0, big: 10n}", "{ re: /x+/g, n: -0, big: 10n }"),
    ("Array.from({length: 7}, function (_, i) { return 'item' + i; })",
     "[\n  'item0', 'item1',\n  'item2', 'item3',\n  'item4', 'item5',\n  'item6'\n]"),
    ("Array.from({length: 26}, function (_, i) { return i; })",
     "[\n   0,  1,  2,  3,  4,  5,  6,  7,\n   8,  9, 10, 11, 12, 13, 14, 15,\n"
     "  16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25\n]"),
])
def test_inspect_lays_values_out_as_node_does(harness: ModuleHarness, expr: str, text: str) -> None:
    assert harness.eval(f"require('util').inspect({expr})") == text


def test_format_substitutes_and_appends_like_node(harness: ModuleHarness) -> None:
    assert harness.eval(
        "[require('util').format('%s has %d roles: %j', 'ada', 2, ['a']),"
        " require('util').format('100%', 'extra', {a: 1}), require('util').format()]"
    ) == ["ada has 2 roles: [\"a\"]", "100% extra { a: 1 }", ""]


def test_an_error_prints_its_name_message_and_extra_properties(harness: ModuleHarness) -> None:
    # Outside the sandbox no frame is a rule's, so there are no "at" lines to break over.
    assert harness.eval(
        "(function () { var e = new Error('boom'); e.code = 'E1';"
        " return require('util').inspect(e); })()") == "Error: boom { code: 'E1' }"
