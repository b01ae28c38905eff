"""A run's tables from the tables of its chunks.

Each chunk's frames come packed with category lists of their own (the contract's known
categories, then the values the chunk saw). Joining them gives every categorical column one
shared list (:func:`shared_categories`): the known categories first, then every other value
sorted, so that frames from different runs share dtypes.

>>> import pandas as pd
>>> a = pd.DataFrame({"level": pd.Categorical(["warn", "zz"])})
>>> b = pd.DataFrame({"level": pd.Categorical(["aa"])})
>>> list(concat_table("logs", [a, b], [])["level"].cat.categories)
['log', 'info', 'warn', 'error', 'debug', 'aa', 'zz']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rulesim.columns import COLUMNS, CONTRACT_NAMES, known_categories

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["concat_frames", "concat_table", "join_attributes", "shared_categories"]


def _empty_frames(rule_names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Every table with no rows, typed by the contract."""
    from rulesim.records import Columns, frames_from_columns  # (records imports this module)

    return frames_from_columns(Columns(), rule_names)


def concat_frames(parts: Sequence[dict[str, pd.DataFrame]],
                  rule_names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Concatenate packed chunks, giving every categorical column one shared category list.

    Parameters
    ----------
    parts
        Each chunk's frames by table name, in chunk order. Each table's pieces are released
        from ``parts`` once concatenated, so peak memory is the run's frames plus one table,
        not twice the run.
    rule_names
        The rule set's names (the categories of ``rule`` and ``deciding_rule``).

    Returns
    -------
    dict of str to pandas.DataFrame
        Every table of :data:`~rulesim.columns.COLUMNS` (empty and typed without parts).
    """
    if not parts:
        return _empty_frames(rule_names)
    return {table: concat_table(table, [p.pop(table) for p in parts], rule_names)
            for table in COLUMNS}


def shared_categories(table: str, name: str, seen: Sequence[Sequence[Any]],
                      rule_names: Sequence[str]) -> list[Any]:
    """The category list of column ``name`` of ``table`` for pieces with categories ``seen``.

    Contract columns get their known list (:func:`~rulesim.columns.known_categories`: the rule
    names for ``rule`` and ``deciding_rule``) followed by the other values sorted; other columns
    (the population's attributes) keep the categories in order of first appearance.

    >>> shared_categories("logs", "level", [["warn", "zz"], ["aa", "warn"]], [])
    ['log', 'info', 'warn', 'error', 'debug', 'aa', 'zz']
    >>> shared_categories("logins", "plan", [["pro", "free"], ["team"]], [])
    ['pro', 'free', 'team']
    """
    order = list(dict.fromkeys(c for cats in seen for c in cats))
    if name not in CONTRACT_NAMES[table]:
        return order
    base = known_categories(table, name, rule_names)
    known = set(base)
    return [*base, *sorted(str(c) for c in order if c not in known)]


def concat_table(table: str, pieces: list[pd.DataFrame],
                 rule_names: Sequence[str]) -> pd.DataFrame:
    """Concatenate pieces of one table (chunks, in order), unifying categorical columns.

    Column by column: a categorical column's codes are translated into its shared category
    list (:func:`shared_categories`) and concatenated once. The result equals giving every
    piece the shared categories and calling ``pd.concat`` (pieces whose columns differ take
    that path).

    Parameters
    ----------
    table
        The table's name in :data:`~rulesim.columns.COLUMNS`.
    pieces
        Its frames, chunk by chunk; emptied as it is consumed.
    rule_names
        The rule set's names (the categories of ``rule`` and ``deciding_rule``).

    Returns
    -------
    pandas.DataFrame
        One frame, indexed from 0.
    """
    import pandas as pd

    if not pieces:
        return _empty_frames(rule_names)[table]
    if len(pieces) == 1:
        only: pd.DataFrame = _with_categories(table, pieces.pop(), rule_names).reset_index(
            drop=True)
        return only
    first = pieces[0]
    if any(list(p.columns) != list(first.columns) for p in pieces):
        return _concat_unlike(table, pieces, rule_names)
    columns: dict[str, Any] = {}
    for name in first.columns:
        parts = [p[name] for p in pieces]
        dtype = parts[0].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            columns[name] = pd.concat(parts, ignore_index=True)
            continue
        arrays = [part.array for part in parts]
        seen = [a.categories.tolist() for a in arrays]
        if name not in CONTRACT_NAMES[table] and all(s == seen[0] for s in seen):
            if any(a.dtype != dtype or a.categories.dtype != dtype.categories.dtype
                   for a in arrays):
                columns[name] = pd.concat(parts, ignore_index=True)   # as pandas decides
                continue
            # One dtype throughout: kept as it is (an empty category list keeps its dtype).
            columns[name] = _concat_categorical(arrays, seen, seen[0], bool(dtype.ordered),
                                                dtype=dtype)
            continue
        known = shared_categories(table, name, seen, rule_names)
        columns[name] = _concat_categorical(arrays, seen, known, bool(dtype.ordered))
    pieces.clear()
    out: pd.DataFrame = pd.DataFrame(columns)
    return out


def _concat_categorical(arrays: list[Any], seen: list[list[Any]], known: list[Any],
                        ordered: bool, dtype: Any = None) -> Any:
    """Categoricals ``arrays`` (categories ``seen``) as one with categories ``known``.

    ``dtype``, when every array has it (and so ``known`` for categories), is the result's.

    Each array's codes are translated into positions in ``known`` (a value whose category is
    not there becomes missing, as ``set_categories`` does) and concatenated once: neither
    ``set_categories`` per array nor ``union_categoricals``, which validate every category
    list again.
    """
    import numpy as np
    import pandas as pd

    position = {c: i for i, c in enumerate(known)}
    codes = []
    for array, cats in zip(arrays, seen, strict=True):
        if cats == known:
            codes.append(array.codes)
            continue
        # The last entry answers code -1 (missing), which stays missing.
        recode = np.array([position.get(c, -1) for c in cats] + [-1], dtype=np.int64)
        codes.append(recode[array.codes])
    if dtype is None:
        dtype = pd.CategoricalDtype(known, ordered=ordered)
    return pd.Categorical.from_codes(np.concatenate(codes), dtype=dtype, validate=False)


def _concat_unlike(table: str, pieces: list[pd.DataFrame],
                   rule_names: Sequence[str]) -> pd.DataFrame:
    """:func:`concat_table` for pieces whose columns differ (pandas aligns them)."""
    import pandas as pd

    first = pieces[0]
    for name in first.columns:
        if not isinstance(first[name].dtype, pd.CategoricalDtype):
            continue
        seen = [list(p[name].cat.categories) for p in pieces if name in p.columns]
        if name not in CONTRACT_NAMES[table] and all(s == seen[0] for s in seen):
            continue
        known = shared_categories(table, name, seen, rule_names)
        pieces[:] = [p.assign(**{name: p[name].cat.set_categories(known)})
                     if name in p.columns else p for p in pieces]
    out: pd.DataFrame = pd.concat(pieces, ignore_index=True)
    pieces.clear()
    return out


def _with_categories(table: str, frame: pd.DataFrame,
                     rule_names: Sequence[str]) -> pd.DataFrame:
    """``frame`` with the contract's category lists on its categorical contract columns."""
    import pandas as pd

    out = frame
    contract = CONTRACT_NAMES[table]
    # (The dtypes, not out[name]: a column of a frame is a new Series at every access.)
    for name, dtype in frame.dtypes.items():
        if name not in contract or not isinstance(dtype, pd.CategoricalDtype):
            continue
        cats = dtype.categories.tolist()
        known = shared_categories(table, str(name), [cats], rule_names)
        if known != cats:
            out = out.assign(**{str(name): out[name].cat.set_categories(known)})
    return out


def join_attributes(logins: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    """Add the population's key attributes to a ``logins`` frame.

    Logins come back in population order, so a positional join is exact and costs no hash
    table; a subset of the logins (an interrupted run) falls back to a join on ``login_id``.
    """
    import pandas as pd

    keep = [c for c in attrs.columns if c not in logins.columns]
    ids = attrs["login_id"].astype(str).to_numpy()
    if len(ids) == len(logins) and (ids == logins["login_id"].astype(str).to_numpy()).all():
        extra = attrs[keep].reset_index(drop=True)
        out: pd.DataFrame = pd.concat([logins, extra], axis=1)
        return out
    joined = attrs[["login_id", *keep]].copy()
    joined["login_id"] = joined["login_id"].astype("string")
    merged: pd.DataFrame = logins.merge(joined, on="login_id", how="left", sort=False)
    return merged
