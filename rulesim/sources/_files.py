"""Reading export files for the loaders: text, JSON and YAML, with errors that say where.

Every reader takes the exception class to raise, so a Rules export reports a
:class:`~rulesim.errors.RuleLoadError` and an Actions export an
:class:`~rulesim.errors.ActionLoadError`, each naming the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import RuleLoadError

__all__ = ["load_json", "load_yaml", "read_text"]


def read_text(path: Path, error: type[RuleLoadError] = RuleLoadError) -> str:
    """Return the UTF-8 text of ``path``.

    Raises
    ------
    RuleLoadError
        (or the ``error`` subclass given) if the file cannot be read or is not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}", file=str(path)) from None


def load_json(path: Path, error: type[RuleLoadError] = RuleLoadError) -> Any:
    """Parse the JSON file ``path``; a syntax error names its line and column."""
    try:
        return json.loads(read_text(path, error))
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno,
                    column=exc.colno) from None


def load_yaml(path: Path, error: type[RuleLoadError] = RuleLoadError) -> Any:
    """Parse the YAML file ``path`` (safe loader); a syntax error names its line and column."""
    try:
        return yaml.safe_load(read_text(path, error))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None) from None
