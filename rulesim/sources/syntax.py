"""Syntax checks for Rules and post-login Actions, without running them.

Rules
    QuickJS compiles the source inside an uncalled function (so it never runs): a syntax error
    is reported with its line and, by bisecting the line, its column. The source must then be
    exactly one function expression, as Auth0 evaluates it.

Actions
    The same QuickJS compile, with the source as the body of an uncalled CommonJS wrapper
    ``function (exports, require, module, __filename, __dirname)``. Then a **syntax-tree**
    check (tree-sitter's JavaScript grammar, the parser rule coverage uses) that the module
    exports ``onExecutePostLogin`` and that it is an ``async`` function, which Auth0's loader
    checks with ``fn.constructor.name === 'AsyncFunction'``. Running the module body to look at
    ``exports`` would run untrusted code in the caller's process (an infinite loop or a memory
    bomb at import time), so the check is static: it follows the assignment forms real Actions
    use (``exports.x = async …``, ``module.exports = {…}``, a named ``async function`` or
    ``const x = async …`` exported by name). When the handler is built in a way a syntax tree
    cannot settle (``exports.onExecutePostLogin = wrap(fn)``, ``Object.assign(exports, …)``)
    the load passes with an :class:`ActionSourceWarning` and the runtime makes Auth0's check at
    the first login. Without tree-sitter (the ``coverage`` extra) the export check is skipped
    with the same warning.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from rulesim.errors import ActionLoadError, RuleLoadError

__all__ = [
    "HANDLERS",
    "ActionSourceWarning",
    "ExportCheck",
    "check_action_source",
    "check_rule_source",
    "parse_error",
]

HANDLERS = ("onExecutePostLogin", "onContinuePostLogin")
"""The post-login handlers an Action module may export; the first is required."""

_RULE_WRAPPER = ("(function(){ return (\n", "\n); })")
_MODULE_WRAPPER = ("(function (exports, require, module, __filename, __dirname) {\n", "\n})")


class ActionSourceWarning(UserWarning):
    """An Action set loaded, but something in it deserves attention: a secret an Action reads
    that nobody supplied, a handler whose shape can only be checked at run time, a bound Action
    that is not deployed."""


# --- QuickJS compile ------------------------------------------------------------------------

def parse_error(src: str, *, module: bool = False) -> tuple[str, int] | None:
    """Compile ``src`` without running it; return ``(message, line)`` of a syntax error or None.

    Parameters
    ----------
    src
        A rule (one function expression) or, with ``module=True``, a CommonJS module body.
    module
        Compile as the body of Node's module wrapper instead of as an expression.
    """
    import quickjs

    head, tail = _MODULE_WRAPPER if module else _RULE_WRAPPER
    ctx = quickjs.Context()
    try:
        # Wrapped in an uncalled function: compiled, never executed.
        ctx.eval(head + src + tail)
    except quickjs.JSException as exc:
        text = str(exc)
        m = re.search(r"<input>:(\d+)", text)
        line = int(m.group(1)) - 1 if m else 0
        return text.split("\n", 1)[0], max(line, 1)
    return None


def _column(src: str, line: int, message: str, *, module: bool = False) -> int | None:
    """Find the column of a syntax error by bisecting the error line (QuickJS gives lines only)."""
    lines = src.split("\n")
    if not 1 <= line <= len(lines):
        return None
    head = "\n".join(lines[: line - 1])
    text = lines[line - 1]
    lo, hi = 0, len(text)
    # The smallest prefix of the line that already shows the same error is where it is.
    while lo < hi:
        mid = (lo + hi) // 2
        prefix = (head + "\n" if head else "") + text[: mid + 1]
        err = parse_error(prefix, module=module)
        if err is not None and err[1] == line and err[0] == message:
            hi = mid
        else:
            lo = mid + 1
    return lo + 1 if lo < len(text) else None


# --- Rules ----------------------------------------------------------------------------------

_FUNCTION_START = re.compile(r"^(?:\s|//[^\n]*\n|/\*.*?\*/)*(?:async\s+)?function\b", re.S)
_TRAILING = re.compile(r"^(?:\s|//[^\n]*(?:\n|$)|/\*.*?\*/)*$", re.S)


def check_rule_source(rule: Any) -> None:
    """Raise :class:`RuleLoadError` unless the rule's source is exactly one function expression.

    Parameters
    ----------
    rule
        A :class:`~rulesim.Rule` (its ``source``, ``name`` and ``file`` are read).
    """
    src = rule.source
    err = parse_error(src)
    if err is not None:
        end = _function_end(src) if _FUNCTION_START.match(src) else None
        if end is not None and not _TRAILING.match(src[end:]):
            _refuse_trailing(rule, src, end)
        message, line = err
        column = _column(src, line, message)
        raise RuleLoadError(message, file=rule.file, rule=rule.name, line=line, column=column)
    if not _FUNCTION_START.match(src):
        first = next((i + 1 for i, t in enumerate(src.split("\n")) if t.strip()), 1)
        raise RuleLoadError(
            "the source must be exactly one function `function (user, context, callback) {…}`"
            " (named, anonymous or async); it starts with something else",
            file=rule.file, rule=rule.name, line=first)
    end = _function_end(src)
    if end is None or not _TRAILING.match(src[end:]):
        _refuse_trailing(rule, src, end if end is not None else 0)


def _refuse_trailing(rule: Any, src: str, end: int) -> None:
    line = src.count("\n", 0, end) + 1
    raise RuleLoadError(
        "the source must be exactly one function; there is code after the function's "
        "closing brace (Auth0 evaluates the source as one expression, so even a trailing "
        "`;` breaks it)", file=rule.file, rule=rule.name, line=line)


def _function_end(src: str) -> int | None:
    """Offset just past the function's closing brace: the first `}` whose prefix compiles."""
    for i, ch in enumerate(src):
        if ch == "}" and parse_error(src[: i + 1]) is None:
            return i + 1
    return None


# --- Actions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportCheck:
    """What the syntax tree says about one exported handler.

    Attributes
    ----------
    name
        The handler (``onExecutePostLogin`` or ``onContinuePostLogin``).
    status
        ``async`` (an async function: fine), ``sync`` (a plain function or a generator: Auth0
        fails it), ``missing`` (never exported), ``unknown`` (built in a way only running the
        module would tell).
    line
        1-based line of the export (or of the function it names), 0 when missing.
    """

    name: str
    status: str
    line: int


@cache
def tree_parser() -> Any:
    try:
        import tree_sitter
        import tree_sitter_javascript
    except ImportError:
        return None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


_FUNCTION_NODES = frozenset({"function_expression", "function", "arrow_function",
                             "function_declaration", "method_definition",
                             "generator_function", "generator_function_declaration"})


def node_text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def walk_nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _is_async(fn: Any) -> bool:
    return any(c.type == "async" for c in fn.children) and fn.type not in (
        "generator_function", "generator_function_declaration") and not any(
        c.type == "*" for c in fn.children)


def _strip(node: Any) -> Any:
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    return node


def _is_exports(node: Any) -> bool:
    """``exports`` or ``module.exports``."""
    node = _strip(node)
    if node is None:
        return False
    if node.type == "identifier":
        return node_text(node) == "exports"
    return node.type == "member_expression" and node_text(node).replace(" ", "") == "module.exports"


def _member_name(node: Any) -> str | None:
    """The property a ``member_expression`` / ``subscript_expression`` reads, when literal."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return node_text(prop)
    if node.type == "subscript_expression":
        index = _strip(node.child_by_field_name("index"))
        if index is not None and index.type == "string":
            return node_text(index)[1:-1]
    return None


class _Exports:
    """Top-level declarations and export assignments of one module, read from its syntax tree."""

    def __init__(self, root: Any) -> None:
        self.declared: dict[str, Any] = {}
        self.assigned: dict[str, Any] = {}    # handler -> value node (last assignment wins)
        self.objects: list[Any] = []           # values assigned to module.exports
        self.opaque = False                    # exports changed in a way we cannot follow
        for node in root.named_children:
            self._declaration(node)
        for node in walk_nodes(root):
            if node.type == "assignment_expression":
                self._assignment(node)
            elif node.type == "call_expression":
                self._call(node)

    def _declaration(self, node: Any) -> None:
        if node.type in ("function_declaration", "generator_function_declaration"):
            self.declared[node_text(node.child_by_field_name("name"))] = node
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for d in node.named_children:
                if d.type == "variable_declarator" and d.child_by_field_name("value") is not None:
                    self.declared[node_text(d.child_by_field_name("name"))] = d.child_by_field_name("value")
        elif node.type == "export_statement":
            self.opaque = True

    def _assignment(self, node: Any) -> None:
        left = _strip(node.child_by_field_name("left"))
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        if _is_exports(left) and left.type == "member_expression":   # module.exports = …
            self.objects.append(right)
            return
        if left.type in ("member_expression", "subscript_expression"):
            obj = left.child_by_field_name("object")
            name = _member_name(left)
            if name in HANDLERS and _is_exports(obj):
                self.assigned[name] = right

    def _call(self, node: Any) -> None:
        # Object.assign(exports, …) / Object.defineProperty(module.exports, …)
        args = node.child_by_field_name("arguments")
        if args is not None and any(_is_exports(a) for a in args.named_children):
            self.opaque = True

    def resolve(self, value: Any, depth: int = 0) -> tuple[str, int]:
        """(status, line) of the handler a value node denotes."""
        value = _strip(value)
        line = value.start_point[0] + 1 if value is not None else 0
        if value is None or depth > 8:
            return "unknown", line
        if value.type in _FUNCTION_NODES:
            return ("async" if _is_async(value) else "sync"), line
        if value.type in ("identifier", "shorthand_property_identifier") \
                and node_text(value) in self.declared:
            return self.resolve(self.declared[node_text(value)], depth + 1)
        if value.type == "assignment_expression":   # exports.a = exports.b = async () => …
            return self.resolve(value.child_by_field_name("right"), depth + 1)
        if value.type in ("number", "string", "template_string", "true", "false", "null",
                          "object", "array", "undefined", "class"):
            return "sync", line
        return "unknown", line

    def handler(self, name: str) -> ExportCheck:
        if name in self.assigned:
            status, line = self.resolve(self.assigned[name])
            return ExportCheck(name, status, line)
        for obj in reversed(self.objects):
            found = self._from_object(obj, name)
            if found is not None:
                return found
        unknown = self.opaque or any(_strip(o) is not None and _strip(o).type != "object"
                                     for o in self.objects)
        return ExportCheck(name, "unknown" if unknown else "missing", 0)

    def _from_object(self, obj: Any, name: str, depth: int = 0) -> ExportCheck | None:
        obj = _strip(obj)
        if obj is not None and obj.type == "identifier" and depth < 8:
            target = self.declared.get(node_text(obj))
            return None if target is None else self._from_object(target, name, depth + 1)
        if obj is None or obj.type != "object":
            return None
        for prop in obj.named_children:
            if prop.type == "pair":
                key = prop.child_by_field_name("key")
                keyname = node_text(key).strip("'\"")
                if keyname == name:
                    status, line = self.resolve(prop.child_by_field_name("value"))
                    return ExportCheck(name, status, line)
            elif prop.type == "method_definition" and node_text(prop.child_by_field_name("name")) == name:
                return ExportCheck(name, "async" if _is_async(prop) else "sync",
                                   prop.start_point[0] + 1)
            elif prop.type == "shorthand_property_identifier" and node_text(prop) == name:
                status, line = self.resolve(prop)
                return ExportCheck(name, status, line or prop.start_point[0] + 1)
            elif prop.type == "spread_element":
                return ExportCheck(name, "unknown", prop.start_point[0] + 1)
        return None


def export_checks(src: str) -> list[ExportCheck] | None:
    """The :class:`ExportCheck` of each handler in :data:`HANDLERS`, or None without tree-sitter."""
    parser = tree_parser()
    if parser is None:
        return None
    tree = parser.parse(src.encode("utf-8"))
    exports = _Exports(tree.root_node)
    return [exports.handler(name) for name in HANDLERS]


def check_action_source(action: Any, *, warn: Callable[[str], None] | None = None) -> tuple[str, ...]:
    """Check one Action's module source and return the handlers it exports.

    Parameters
    ----------
    action
        An :class:`~rulesim.Action` (its ``code``, ``name`` and ``file`` are read).
    warn
        Called with a message when the export cannot be checked statically; by default an
        :class:`ActionSourceWarning` is issued.

    Returns
    -------
    tuple of str
        The handlers of :data:`HANDLERS` the module exports (``onExecutePostLogin`` first),
        as far as the syntax tree tells.

    Raises
    ------
    ActionLoadError
        A syntax error (with line and column), no ``onExecutePostLogin`` export, or a handler
        that is not an ``async`` function.
    """
    src = action.code
    err = parse_error(src, module=True)
    if err is not None:
        message, line = err
        raise ActionLoadError(message, file=action.file, action=action.name, line=line,
                              column=_column(src, line, message, module=True))

    def say(message: str) -> None:
        if warn is not None:
            warn(message)
        else:
            warnings.warn(message, ActionSourceWarning, stacklevel=4)

    checks = export_checks(src)
    if checks is None:
        say(f"action `{action.name}`: its exports were not checked at load time (install "
            "rulesim[coverage] for the syntax-tree check); the first login checks them")
        return HANDLERS[:1]
    exported = []
    for check in checks:
        if check.status == "missing":
            if check.name == HANDLERS[0]:
                raise ActionLoadError(
                    "the module does not export `onExecutePostLogin`; a post-login Action needs "
                    "`exports.onExecutePostLogin = async (event, api) => {…}`",
                    file=action.file, action=action.name, line=1)
            continue
        if check.status == "sync":
            raise ActionLoadError(
                f"`{check.name}` must be an `async` function (Auth0 checks "
                "`fn.constructor.name === 'AsyncFunction'` and fails every login with \"Invalid "
                "function signature for the handler\"); write `async (event, api) => {…}`",
                file=action.file, action=action.name, line=check.line)
        if check.status == "unknown":
            say(f"action `{action.name}`: `{check.name}` is built in a way a syntax tree cannot "
                "check (it is checked at the first login instead)")
        exported.append(check.name)
    return tuple(exported)
