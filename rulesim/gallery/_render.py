"""Fill a template's placeholders with option values, safely.

Code: every ``{{option}}`` of a template's ``rule.js`` / ``action.js`` stands where a JavaScript
expression may stand, and is replaced by the option's value as a **JSON literal** (ASCII only,
so no character can end a string or a comment early, and U+2028/U+2029 are escaped). Nothing
is ever pasted into code as raw text.

Golden cases: strings of a template's ``golden:`` data may hold ``{{option}}`` or
``{{option[i]}}`` (an item of a list option) and ``{{name}}``, the Rule's or Action's name. A
string that is one placeholder and nothing else takes the value itself (a list stays a list);
elsewhere the value is written as text. Keys of mappings are filled the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rulesim.errors import UsageError

__all__ = ["CODE_PLACEHOLDER", "DATA_PLACEHOLDER", "fill_code", "fill_data", "placeholders_in"]

CODE_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
"""``{{option}}`` in a template's JavaScript."""
DATA_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*(\d+)\s*\])?\s*\}\}")
"""``{{option}}`` or ``{{option[i]}}`` in a template's golden cases and services."""


def placeholders_in(code: str) -> set[str]:
    """The option names a template's code refers to."""
    return {m.group(1) for m in CODE_PLACEHOLDER.finditer(code)}


def fill_code(code: str, values: Mapping[str, Any], *, where: str) -> str:
    """``code`` with each ``{{option}}`` replaced by the option's value as a JSON literal.

    Raises
    ------
    UsageError
        A placeholder names no option (a broken template: ``where`` names its file).
    """

    def literal(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise UsageError(f"{where}: placeholder {{{{{key}}}}} names no option of the template")
        return json.dumps(values[key], ensure_ascii=True)

    return CODE_PLACEHOLDER.sub(literal, code)


def _value(values: Mapping[str, Any], key: str, index: str | None, where: str) -> Any:
    if key not in values:
        raise UsageError(f"{where}: placeholder {{{{{key}}}}} names no option of the template")
    value = values[key]
    if index is None:
        return value
    if not isinstance(value, list) or int(index) >= len(value):
        raise UsageError(f"{where}: {{{{{key}[{index}]}}}} needs a list option `{key}` with at "
                         f"least {int(index) + 1} item(s), got {value!r}")
    return value[int(index)]


def _fill_text(text: str, values: Mapping[str, Any], where: str) -> Any:
    whole = DATA_PLACEHOLDER.fullmatch(text.strip())
    if whole is not None:
        return _value(values, whole.group(1), whole.group(2), where)
    return DATA_PLACEHOLDER.sub(
        lambda m: str(_value(values, m.group(1), m.group(2), where)), text)


def fill_data(data: Any, values: Mapping[str, Any], *, where: str) -> Any:
    """A deep copy of ``data`` (YAML data) with its placeholders filled (see the module doc)."""
    if isinstance(data, str):
        return _fill_text(data, values, where)
    if isinstance(data, Mapping):
        return {(str(_fill_text(k, values, where)) if isinstance(k, str) else k):
                fill_data(v, values, where=where) for k, v in data.items()}
    if isinstance(data, list):
        return [fill_data(v, values, where=where) for v in data]
    return json.loads(json.dumps(data))
