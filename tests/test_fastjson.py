"""The JSON codec of the host protocol: the values and text of ``json``, faster."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim._fastjson import dumps, loads

COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values)
def test_dumps_writes_what_json_reads_back_as_the_same_value(value: Any) -> None:
    text = dumps(value)
    assert json.loads(text) == json.loads(COMPACT(value))
    assert loads(text) == value


@settings(max_examples=300, deadline=None)
@given(values)
def test_loads_reads_json_text_as_json_does(value: Any) -> None:
    for text in (json.dumps(value), COMPACT(value), json.dumps(value, indent=1)):
        assert loads(text) == json.loads(text)


def test_what_orjson_refuses_is_read_and_written_as_json_does() -> None:
    big = 2**70
    assert loads(f"[{big}]") == [big]
    assert dumps([big]) == f"[{big}]"
    assert dumps({1: "a", None: "b"}) == COMPACT({1: "a", None: "b"}) == '{"1":"a","null":"b"}'
    assert loads('["\\ud800"]') == ["\ud800"]
    nan = loads("[NaN, Infinity]")
    assert math.isnan(nan[0]) and nan[1] == math.inf


def test_text_that_is_not_json_raises_json_s_error() -> None:
    for text in ("{", "[1,]", ""):
        try:
            loads(text)
        except json.JSONDecodeError:
            continue
        raise AssertionError(f"{text!r} was read")


def test_characters_beyond_ascii_are_written_as_they_are() -> None:
    assert dumps({"name": "Zoë \u2028"}) == '{"name":"Zoë \u2028"}'
