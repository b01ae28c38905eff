"""The host side of the sandbox: what it writes of a persisted change, what it reads of a
login's payload."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim._fastjson import loads
from rulesim.runtime.host import change_json, login_user

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@given(value=VALUES)
@settings(max_examples=300, deadline=None)
def test_a_persisted_changes_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert change_json(value) == json.dumps(value)


def test_lone_surrogates_and_text_beyond_ascii_are_escaped_as_json_dumps_escapes_them() -> None:
    for text in ("caf\u00e9", "\ud800", "a\"b\\\n\u2028", "\U0001f600"):
        assert change_json(text) == json.dumps(text)


KEYS = st.sampled_from(["user", "context", "login_id", "x", 'a"user', "user\\", "{"])
PAYLOADS = st.dictionaries(KEYS, VALUES | st.dictionaries(KEYS, VALUES, max_size=3), max_size=5)


@given(login=PAYLOADS, compact=st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_logins_user_is_read_as_the_whole_payload_reads_it(login: dict[str, Any],
                                                              compact: bool) -> None:
    text = json.dumps(login, separators=(",", ":") if compact else None)
    want, got = loads(text).get("user"), login_user(text)
    assert got == want or json.dumps(got) == json.dumps(want)   # NaN is not equal to itself


def test_a_rendered_payloads_user_is_read_alone_and_any_other_layout_whole() -> None:
    import rulesim as rs

    for text in rs.population(50, seed=4).payloads():
        assert login_user(text) == json.loads(text)["user"]
    tricky = [
        '{"login_id":"{","user":{"a":1},"context":{}}',                # a brace in a string
        '{"x\\"user":{"a":2},"user":{"a":3},"context":{}}',           # "user" inside a key
        '{"user":{"a":4},"context":{"user":{"b":1},"context":{}}}',   # a nested context last
        '{"user":{"a":5},"extra":1,"context":{}}',                    # not the rendered order
        '{"user":{"a":6},"context":{},"user":{"a":7}}',               # the last key wins
        '{"user":NaN,"context":{}}',                                  # what only json reads
    ]
    for text in tricky:
        want = loads(text).get("user")
        got = login_user(text)
        assert got == want or (want != want and got != got), text
