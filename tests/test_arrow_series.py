"""Typed columns built by Arrow are the ones pandas builds from the same lists."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim._arrow_series import categorical, strings, well_formed

words = st.sampled_from(["ok", "denied", "error", "zeta", "alpha", "é", ""])
cells = st.none() | words


def _pandas_categorical(values: list[Any], cats: list[str]) -> pd.Categorical:
    seen = pd.Categorical(values)
    extra = sorted(str(c) for c in seen.categories if c not in set(cats))
    return seen.set_categories([*cats, *extra])


def _assert_matches_pandas(values: list[Any], cats: list[str]) -> None:
    got = categorical(values, cats)
    want = _pandas_categorical(values, cats)
    assert list(got.categories) == list(want.categories)
    assert got.codes.dtype == want.codes.dtype
    assert got.codes.tolist() == want.codes.tolist()
    assert pd.Series(got).equals(pd.Series(want))


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=40), st.lists(words, unique=True, max_size=4))
def test_a_categorical_matches_pandas_with_the_contract_categories_first(
        values: list[Any], cats: list[str]) -> None:
    _assert_matches_pandas(values, cats)


@settings(max_examples=100, deadline=None)
@given(cells, st.integers(0, 30), st.lists(words, unique=True, max_size=4))
def test_a_column_of_one_value_matches_pandas_too(value: Any, n: int, cats: list[str]) -> None:
    # One value throughout (a phase, a kind, no error code) takes a path of its own.
    values = [value] * n
    _assert_matches_pandas(values, cats)


@settings(max_examples=100, deadline=None)
@given(st.lists(words, unique=True, min_size=1, max_size=4), st.integers(0, 5))
def test_a_column_repeating_its_categories_matches_pandas_too(cats: list[str], n: int) -> None:
    # The categories over and over (rule_runs' rule column) take a path of their own.
    values: list[Any] = cats * n
    _assert_matches_pandas(values, cats)


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=40))
def test_strings_match_pandas_string_columns(values: list[Any]) -> None:
    got = pd.Series(strings(values), dtype="string")
    want = pd.Series(values, dtype="string")
    assert got.dtype == want.dtype
    assert got.equals(want)


def test_values_that_are_not_strings_take_pandas_path() -> None:
    assert strings(["a", 1]) == ["a", 1]
    cat = categorical(["b", 2, None], ["b"])
    assert list(cat.categories)[:1] == ["b"]
    assert cat.codes.tolist()[2] == -1


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_well_formed_text_is_what_node_writes_out_for_lone_surrogates() -> None:
    texts = ["a\ud800b", "\udc00", "x\udfff\ud800y", "pair \U0001f600 kept", "plain"]
    # JSON keeps the lone surrogates as escapes; Node writes each string to stdout as UTF-8.
    script = "for (const t of JSON.parse(process.argv[1])) process.stdout.write(t + '\\n');"
    arg = json.dumps(texts, ensure_ascii=True)
    out = subprocess.run(["node", "-e", script, arg], capture_output=True, check=True).stdout
    assert out.decode("utf-8").split("\n")[:-1] == well_formed(texts)
