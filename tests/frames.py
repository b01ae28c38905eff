"""Helpers for comparing result frames across runs."""

from __future__ import annotations

import pandas as pd

TIMING_COLUMNS = ("cpu_ms", "latency_ms", "cpu_us")


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without measured timings (they differ between runs; nothing else may)."""
    return frame.drop(columns=[c for c in TIMING_COLUMNS if c in frame.columns]).reset_index(
        drop=True)
