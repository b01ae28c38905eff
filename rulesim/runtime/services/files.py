"""Loading services files: YAML or JSON route tables, validated with file and line numbers.

:meth:`Services.from_file <rulesim.runtime.services.Services.from_file>` and
:meth:`~rulesim.runtime.services.Services.from_dict` use this module to read a services file
(JSON, or YAML keeping the node tree so errors can name a line), refuse duplicate keys and
route names, and turn each route mapping into a :class:`~rulesim.runtime.services.Route`.
Every problem becomes a :class:`~rulesim.errors.ServicesError` naming the file, the route and
the field.
"""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Final, NoReturn

import yaml  # type: ignore[import-untyped,unused-ignore]  # types-PyYAML is optional

from rulesim.errors import ServicesError
from rulesim.runtime.services.models import FieldError, as_failure, as_latency, check_keys
from rulesim.runtime.services.route import Route

_ROUTE_KEYS: Final = ("name", "method", "url", "status", "headers", "json", "body", "latency",
                      "failure", "match")
_MATCH_KEYS: Final = ("headers", "body_contains")
_Steps = tuple[str | int, ...]


class Source:
    """Where parsed data came from, to point error messages at the file and line."""

    def __init__(self, file: str | None, root: Any) -> None:
        self.file, self.root = file, root

    def line(self, steps: _Steps) -> int | None:
        node = self.root
        if node is None:
            return None
        for step in steps:  # walk as deep as the path exists in the YAML node tree
            nxt = None
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if k.value == str(step)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                nxt = node.value[step] if 0 <= step < len(node.value) else None
            if nxt is None:
                break
            node = nxt
        return int(node.start_mark.line) + 1

    def fail(self, message: str, steps: _Steps, route: str | None = None) -> NoReturn:
        where = (self.file or "services") + (f": route {route}" if route else "")
        line = self.line(steps)
        raise ServicesError(where + (f" (line {line})" if line else "") + f": {message}")


def load_json(text: str, file: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise ServicesError(f"{file}: duplicate key `{key}`")
            out[key] = value
        return out

    try:
        return _json.loads(text, object_pairs_hook=pairs)
    except _json.JSONDecodeError as exc:
        raise ServicesError(f"{file} (line {exc.lineno}, column {exc.colno}): invalid JSON: "
                            f"{exc.msg}") from None


def load_yaml(text: str, file: str) -> tuple[Any, Any]:
    """Parse YAML keeping the node tree (for line numbers) and refusing duplicate keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:  # aliases may share nodes
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                keys: set[str] = set()
                for key, value in node.value:
                    if key.tag != "tag:yaml.org,2002:merge" and isinstance(key.value, str):
                        if key.value in keys:
                            raise ServicesError(f"{file} (line {key.start_mark.line + 1}): "
                                                f"duplicate key `{key.value}`")
                        keys.add(key.value)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return loader.construct_document(root), root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise ServicesError(f"{file}{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ServicesError(f"{file}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def parse_services(data: Any, src: Source) -> tuple[str | None, list[Route]]:
    """Validate the file form; return its ``name`` and routes, in order."""
    if not isinstance(data, Mapping):
        src.fail(f"expected a mapping with a `routes` list, got {type(data).__name__}", ())
    for key in data:
        if key not in ("name", "routes"):
            src.fail(f"unknown top-level key `{key}`; expected `routes` and optional `name`",
                     (key,))
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        src.fail(f"`name` must be a string, got {name!r}", ("name",))
    raw_routes = data.get("routes")
    if not isinstance(raw_routes, list):
        src.fail(f"`routes` must be a list of routes, got {raw_routes!r}", ("routes",))
    routes: list[Route] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(raw_routes):
        route = _parse_route(raw, index, src)
        if route.name in first:
            line = src.line(("routes", first[route.name]))
            at = f"routes[{first[route.name]}]" + (f", line {line}" if line else "")
            src.fail(f"duplicate route name (first defined at {at})",
                     ("routes", index, "name"), f"`{route.name}`")
        first[route.name] = index
        routes.append(route)
    return name, routes


def _parse_route(raw: Any, index: int, src: Source) -> Route:
    at: _Steps = ("routes", index)
    label = f"routes[{index}]"
    if not isinstance(raw, Mapping):
        src.fail(f"a route must be a mapping, got {type(raw).__name__}", at, label)
    if isinstance(raw.get("name"), str) and raw["name"]:
        label = f"`{raw['name']}`"
    sub = ""  # the sub-mapping being read, to prefix its errors' field names
    try:
        check_keys(raw, _ROUTE_KEYS, "")
        if "url" not in raw:
            raise FieldError("url", "is required")
        options = {k: raw[k] for k in ("method", "status", "headers", "json", "body") if k in raw}
        for key, convert, example in (("latency", as_latency, "{fixed_ms: 50}"),
                                      ("failure", as_failure, "{rate: 0.01, kind: 5xx}"),
                                      ("match", dict, "{headers: {x-api-key: k}}")):
            if key in raw:
                if not isinstance(raw[key], Mapping):
                    raise FieldError(key, f"must be a mapping such as {example}")
                sub = f"{key}."
                options[key] = convert(raw[key])
        sub = ""
        match = options.pop("match", {})
        check_keys(match, _MATCH_KEYS, "match.")
        options.update({f"match_{k}" if k == "headers" else k: v for k, v in match.items()})
        name: Any = raw.get("name")  # Route checks it
        return Route(name, raw["url"], **options)
    except FieldError as exc:
        path = sub + exc.field
        src.fail(f"{path} {exc.reason}", (*at, *path.split(".")), label)
