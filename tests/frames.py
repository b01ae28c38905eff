"""Helpers for comparing result frames across runs."""

from __future__ import annotations

import pandas as pd

TIMING_COLUMNS = ("cpu_ms", "latency_ms", "cpu_us")


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without measured timings (they differ between runs; nothing else may).

    Categorical columns are compared by value: a category list holds the values seen in the
    run (a crash row adds ``sandbox_crash`` to ``flags``), so two runs may list different
    categories for equal rows.
    """
    out = frame.drop(columns=[c for c in TIMING_COLUMNS if c in frame.columns]).reset_index(
        drop=True)
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype("string")
    return out
