"""The golden-file schema (``golden.schema.json``) and its errors as ``file:line:`` messages.

The structure of a ``*.rulesim.yaml`` file is declared once, as a JSON Schema document shipped
with the package (editors with a YAML language server can use it too). Its ``x-*`` keywords
carry the messages a reader sees: ``x-what`` (what a value must be: "`seed` must be an int,
got 'x'"), ``x-message`` (a whole message), ``x-where`` (where an unknown key was found) and
``x-required`` (the message for a missing key). Placeholders: ``{key}``, ``{value!r}``,
``{case}`` (the case's number) and ``{description!r}`` (the case's description).

>>> import json
>>> schema()["required"]
['rules', 'cases']
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from rulesim.testing.golden_yaml import GoldenFileError, line_of

__all__ = ["check_document", "schema"]

_NOT_THIS_BRANCH = ("type", "const")


@functools.cache
def schema() -> dict[str, Any]:
    """The golden-file JSON Schema (draft 2020-12), as shipped in the package."""
    text = resources.files("rulesim.testing").joinpath("golden.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def check_document(file: Path, doc: Any) -> None:
    """Check a golden file's document against the schema.

    Raises
    ------
    GoldenFileError
        For the first problem in the file (by line), naming the file, the line and the field,
        in the words of the schema's ``x-*`` keywords.
    """
    errors = [_leaf(e) for e in _validator().iter_errors(doc)]
    if not errors:
        return
    # The rules' own shape is reported after everything else, as when they load last.
    ranked = sorted(((list(e.absolute_path)[:1] == ["rules"], *_problem(file, doc, e))
                     for e in errors), key=lambda p: (p[0], p[1] or 0, p[2]))
    _, line, message = ranked[0]
    raise GoldenFileError(file, line, message)


def _leaf(error: Any) -> Any:
    """The error a reader should see: inside ``oneOf``/``anyOf``, the branch the value meant."""
    while error.context:
        meant = [e for e in error.context if e.validator not in _NOT_THIS_BRANCH]
        if not meant:
            return error
        error = min(meant, key=lambda e: -len(e.relative_path))
    return error


def _parent(doc: Any, path: Sequence[Any]) -> Any:
    node = doc
    for key in path:
        node = node[key]
    return node


def _fields(doc: Any, path: Sequence[Any], value: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"key": path[-1] if path else "", "value": value}
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "cases" and isinstance(parts[1], int):
        fields["case"] = parts[1] + 1
        case = doc["cases"][parts[1]]
        fields["description"] = case.get("description") if isinstance(case, dict) else None
    return fields


_PLACEHOLDER = re.compile(r"\{(key|value|case|description)(!r)?\}")


def _fill(template: str, fields: dict[str, Any]) -> str:
    """``template`` with its placeholders filled (other braces are text: ``{name, source}``)."""
    def one(match: re.Match[str]) -> str:
        value = fields.get(match.group(1))
        return repr(value) if match.group(2) else str(value)

    return _PLACEHOLDER.sub(one, template)


def _problem(file: Path, doc: Any, error: Any) -> tuple[int | None, str]:
    path = list(error.absolute_path)
    node_schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    fields = _fields(doc, path, error.instance)
    parent = _parent(doc, path[:-1]) if path else None
    here = line_of(parent, path[-1]) if path else line_of(doc)
    if error.validator == "additionalProperties":
        allowed = list(node_schema.get("properties", {}))
        extra = next(k for k in error.instance if k not in allowed)
        where = _fill(str(node_schema.get("x-where", "here")), fields)
        return (line_of(error.instance, extra),
                f"unknown key `{extra}` in {where}; expected one of: {', '.join(allowed)}")
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        template = node_schema.get("x-required", {}).get(missing, f"missing `{missing}`")
        return line_of(error.instance) or here, _fill(template, fields)
    if "propertyNames" in error.schema_path:  # a key that is not allowed: its own line
        owner = _parent(doc, path)
        template = str(node_schema.get("x-message", "`{value}` is not allowed here"))
        return line_of(owner, error.instance), _fill(template, fields)
    if "x-message" in node_schema:
        return here, _fill(str(node_schema["x-message"]), fields)
    if "x-what" in node_schema:
        return here, f"`{fields['key']}` must be {node_schema['x-what']}, got {error.instance!r}"
    return here, f"`{fields['key']}`: {error.message}"

