"""Golden-case files: this name is kept for imports; the module is :mod:`rulesim.testing.golden`.

>>> from rulesim.golden import load, GoldenFileError
>>> load is __import__("rulesim.testing.golden", fromlist=["load"]).load
True
"""

from __future__ import annotations

from rulesim.testing.golden import (
    SUFFIX,
    CaseResult,
    GoldenCase,
    GoldenFile,
    GoldenFileError,
    GoldenReport,
    find_files,
    load,
    run_files,
)

__all__ = ["SUFFIX", "CaseResult", "GoldenCase", "GoldenFile", "GoldenFileError", "GoldenReport",
           "find_files", "load", "run_files"]
