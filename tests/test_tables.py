"""Concatenating a table's chunks gives what pandas gives, with one category list a column."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim.columns import CONTRACT_NAMES
from rulesim.tables import concat_table, shared_categories

RULES = ["alpha", "beta", "gamma"]

levels = st.none() | st.sampled_from(["log", "warn", "error", "trace", "zz", "é"])
rules = st.none() | st.sampled_from([*RULES, "retired"])
agents = st.none() | st.sampled_from(["curl", "Mozilla", "okhttp", ""])


@st.composite
def pieces(draw: Any) -> list[pd.DataFrame]:
    """Chunks of a `logs` table plus a population attribute (a non-contract categorical)."""
    out = []
    for _ in range(draw(st.integers(2, 5))):
        n = draw(st.integers(0, 12))
        agent = pd.Categorical(draw(st.lists(agents, min_size=n, max_size=n)))
        if draw(st.booleans()):   # unused categories, as a chunk packed from a spec has
            agent = agent.add_categories([c for c in ("spare", "curl") if c not in
                                          agent.categories])
        out.append(pd.DataFrame({
            "login_id": pd.array([f"l{i}" for i in range(n)], dtype="string"),
            "level": pd.Categorical(draw(st.lists(levels, min_size=n, max_size=n))),
            "rule": pd.Categorical(draw(st.lists(rules, min_size=n, max_size=n))),
            "message": pd.array(draw(st.lists(st.none() | st.text(max_size=3), min_size=n,
                                              max_size=n)), dtype="string"),
            "n": list(range(n)),
            "agent": agent,
        }))
    return out


def _pandas_concat(table: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The reference: every piece given the shared categories, then ``pd.concat``."""
    frames = list(frames)
    for name in frames[0].columns:
        if not isinstance(frames[0][name].dtype, pd.CategoricalDtype):
            continue
        seen = [list(f[name].cat.categories) for f in frames]
        if name not in CONTRACT_NAMES[table] and all(s == seen[0] for s in seen):
            continue
        known = shared_categories(table, name, seen, RULES)
        frames = [f.assign(**{name: f[name].cat.set_categories(known)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=150, deadline=None)
@given(pieces())
def test_concatenated_chunks_equal_pandas_concat_after_set_categories(
        frames: list[pd.DataFrame]) -> None:
    want = _pandas_concat("logs", frames)
    got = concat_table("logs", [f.copy() for f in frames], RULES)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in ("level", "rule", "agent"):
        if isinstance(want[name].dtype, pd.CategoricalDtype):
            assert list(got[name].cat.categories) == list(want[name].cat.categories)


def test_contract_columns_get_their_known_categories_first_then_the_others_sorted() -> None:
    a = pd.DataFrame({"level": pd.Categorical(["zz", "warn"]),
                      "rule": pd.Categorical(["beta", "beta"])})
    b = pd.DataFrame({"level": pd.Categorical(["aa", None]),
                      "rule": pd.Categorical(["retired", "alpha"])})
    got = concat_table("logs", [a, b], RULES)
    assert list(got["level"].cat.categories) == ["log", "info", "warn", "error", "debug", "aa",
                                                 "zz"]
    assert got["level"].tolist()[:3] == ["zz", "warn", "aa"] and pd.isna(got["level"][3])
    assert list(got["rule"].cat.categories) == [*RULES, "retired"]
    assert got["rule"].tolist() == ["beta", "beta", "retired", "alpha"]


def test_pieces_with_different_columns_are_aligned_as_pandas_aligns_them() -> None:
    a = pd.DataFrame({"level": pd.Categorical(["warn"]), "n": [1]})
    b = pd.DataFrame({"level": pd.Categorical(["log"]), "extra": ["x"]})
    got = concat_table("logs", [a, b], RULES)
    assert list(got.columns) == ["level", "n", "extra"]
    assert got["level"].tolist() == ["warn", "log"]
    assert pd.isna(got["n"][1]) and pd.isna(got["extra"][0])


def test_chunks_whose_column_is_all_missing_keep_its_empty_category_dtype() -> None:
    # (Found by the property above: pandas gives an all-missing categorical float64 categories.)
    frames = [pd.DataFrame({"login_id": pd.array([f"l{i}" for i in range(n)], dtype="string"),
                            "agent": pd.Categorical([None] * n)}) for n in (3, 1)]
    want = _pandas_concat("logs", frames)
    got = concat_table("logs", [f.copy() for f in frames], RULES)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
