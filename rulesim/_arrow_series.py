"""Typed pandas columns built from the Python lists a sink gathers, converted by Arrow.

A worker turns every chunk's rows into typed DataFrames before it sends them (see
:meth:`rulesim.records.Columns.pack`). Converting a list of Python strings is that step's main
cost: Arrow converts a whole list in one pass and dictionary-encodes it several times faster
than pandas factorises Python objects. Where a value is not a string (or None), these functions
let pandas convert the list as before, so the result never depends on which path ran.

Examples
--------
>>> cat = categorical(["ok", None, "zz", "denied", "ok"], ["ok", "denied", "error"])
>>> list(cat.categories), cat.codes.tolist()
(['ok', 'denied', 'error', 'zz'], [0, -1, 3, 1, 0])
>>> str(strings(["a", None]).dtype), strings(["a", None]).dtype.storage
('string', 'pyarrow')
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["categorical", "strings", "well_formed"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(values: list[Any]) -> list[Any]:
    r"""``values`` with each lone surrogate of a string replaced by U+FFFD.

    A rule's text can hold a lone surrogate (``'\ud800'``), which UTF-8, and so Arrow,
    cannot encode: it is written as Node writes such text to a log or a response, one U+FFFD
    in its place. Other values are kept.

    Examples
    --------
    >>> well_formed(["a\ud800b", None, "ok"]) == ["a\ufffdb", None, "ok"]
    True
    """
    return [_SURROGATE.sub("\ufffd", v) if type(v) is str else v for v in values]


def strings(values: list[Any]) -> Any:
    """``values`` as pandas' Arrow-backed strings (``dtype="string"``).

    Parameters
    ----------
    values
        Strings and None (missing).

    Returns
    -------
    pandas.arrays.ArrowStringArray or list
        The array, or ``values`` itself when one is not a string: ``pd.Series(...,
        dtype="string")`` converts it then.

    Examples
    --------
    >>> list(strings(["x", None, "y"]))
    ['x', <NA>, 'y']
    """
    try:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))
    except UnicodeEncodeError:   # a lone surrogate
        return strings(well_formed(values))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return well_formed(values)


def categorical(values: list[Any], cats: list[str]) -> Any:
    """``values`` as a Categorical whose categories are ``cats``, then the other values sorted.

    Parameters
    ----------
    values
        Strings and None (missing).
    cats
        The categories the column contract lists first, in order (present or not).

    Returns
    -------
    pandas.Categorical
        The same Categorical ``pd.Categorical(values)`` gives once its categories are set to
        ``cats`` followed by the other values, sorted.

    Examples
    --------
    >>> list(categorical(["b", "a"], ["a"]).categories)
    ['a', 'b']
    """
    first = values[0] if values else None
    if (first is None or type(first) is str) and values.count(first) == len(values):
        # One value throughout (a phase, a kind, no error code): the codes are known. (count
        # compares by identity first, then equality: only str and None reach here.)
        index = {c: i for i, c in enumerate(cats)}
        if first is None or first in index:
            code, every = (-1 if first is None else index[first]), tuple(cats)
        else:
            code, every = len(cats), (*cats, first)
        return pd.Categorical.from_codes(np.full(len(values), code, dtype=np.int64),
                                         dtype=_dtype(every))
    k = len(cats)
    if k and len(values) % k == 0 and values[:k] == cats and values == cats * (len(values) // k):
        # The categories over and over (the rule of each rule_runs row, login after login).
        return pd.Categorical.from_codes(np.tile(np.arange(k, dtype=np.int64), len(values) // k),
                                         dtype=_dtype(tuple(cats)))
    try:
        encoded = pa.array(values, type=pa.string()).dictionary_encode()
    except UnicodeEncodeError:   # a lone surrogate
        return categorical(well_formed(values), cats)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        seen = pd.Categorical(well_formed(values))
        known = set(cats)
        extra = sorted(str(c) for c in seen.categories if c not in known)
        return seen.set_categories([*cats, *extra])
    found = encoded.dictionary.to_pylist()
    order = {c: i for i, c in enumerate(cats)}
    extra = sorted(c for c in found if c not in order)
    for c in extra:
        order[c] = len(order)
    # Each dictionary entry's position among the categories; a null indexes the trailing -1.
    position = np.array([order[c] for c in found] + [-1], dtype=np.int64)
    codes = position[encoded.indices.fill_null(len(found)).to_numpy()]
    return pd.Categorical.from_codes(codes, dtype=_dtype((*cats, *extra)))


_DTYPES: dict[tuple[str, ...], pd.CategoricalDtype] = {}


def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The CategoricalDtype of ``categories``, built (and its categories checked) once.

    A worker converts the same few category lists chunk after chunk; building the dtype checks
    its categories for duplicates and nulls every time.
    """
    dtype = _DTYPES.get(categories)
    if dtype is None:
        if len(_DTYPES) >= 256:
            _DTYPES.clear()
        dtype = _DTYPES[categories] = pd.CategoricalDtype(list(categories))
    return dtype
