"""Reading golden files: YAML that keeps each value's line, and the error that names it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import UsageError

__all__ = ["GoldenFileError", "Map", "Seq", "line_of", "plain", "read"]


class GoldenFileError(UsageError):
    """A golden-case file cannot be read or has a bad field; the message starts ``file:line:``.

    Attributes
    ----------
    file, line
        Where the problem is.
    """

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


# --- YAML with line numbers ---------------------------------------------------------------------


class Map(dict[Any, Any]):
    line: int = 0
    lines: dict[Any, int]


class Seq(list[Any]):
    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterable[Map]:
    data = Map()
    data.line = node.start_mark.line + 1
    data.lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, value_node in node.value:
        data.lines[loader.construct_object(key_node)] = value_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterable[Seq]:
    data = Seq()
    data.line = node.start_mark.line + 1
    data.lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def line_of(obj: Any, key: Any = None) -> int | None:
    if key is not None and isinstance(obj, Map):
        return obj.lines.get(key, obj.line)
    if key is not None and isinstance(obj, Seq) and isinstance(key, int):
        return obj.lines[key]
    return getattr(obj, "line", None)


def plain(obj: Any) -> Any:
    """Drop the line-number wrappers (deep)."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    return obj


def read(file: Path) -> Any:
    """The YAML document of ``file``, its mappings and lists carrying their lines.

    Raises
    ------
    GoldenFileError
        If the file cannot be read or is not valid YAML (with the line of the problem).
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenFileError(file, None, f"cannot read the file: {exc}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GoldenFileError(file, mark.line + 1 if mark else None,
                              f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
