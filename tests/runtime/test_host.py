"""The host side of the sandbox: what it writes of a persisted change."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim.runtime.host import change_json

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
