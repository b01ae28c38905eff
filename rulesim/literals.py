"""The literals a rule compares ``user``/``context`` fields with, and their near misses.

A rule's bugs live in its literals: ``user.email.endsWith('admin.example.com')`` also matches
``notadmin.example.com``, ``=== 'US'`` misses ``'us'``, ``loginsCount > 3`` is one login off,
``roles.indexOf('adminstrator')`` never matches. :func:`mine` reads each rule through the
syntax tree the coverage extra builds (tree-sitter; nothing runs) and returns every
:class:`Literal`: the field path it is compared with (``user.email``,
``context.request.geoip.country_code``, ``user.app_metadata.roles``, …), the value (a string,
number or regular expression) and how it is compared. It follows simple aliases
(``var meta = user.app_metadata || {}; var roles = meta.roles || []``), transparent calls
(``String(x)``, ``x.toLowerCase()``, ``x.trim()``), constant arrays
(``var ALLOWED = ['a', 'b']; ALLOWED.indexOf(context.clientName)``), ``switch`` cases and
regular expressions' ``test``/``match``.

:func:`near_misses` turns one literal into the values worth trying in its field: the value
itself and values that a loose match would also accept or a strict one would wrongly refuse
(prefixes and suffixes, case changes, a character dropped or doubled, off-by-one numbers,
strings a regular expression matches inside longer text). :func:`rulesim.strategies.logins`
draws them when given rules, and :func:`rulesim.testing.search` does so by default.

Examples
--------
>>> import rulesim as rs
>>> rule = rs.Rule.from_source("r", "function (user, context, callback) {"
...     " if (user.email.endsWith('@acme.com')) context.idToken.staff = true;"
...     " callback(null, user, context); }")
>>> [(lit.path, lit.value, lit.how) for lit in mine([rule])]
[('user.email', '@acme.com', 'endsWith')]
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rulesim.sources import Rule

__all__ = ["Literal", "mine", "near_misses", "set_path"]

_COMPARE = frozenset({"===", "==", "!==", "!=", "<", "<=", ">", ">="})
_STRING_METHODS = frozenset({"endsWith", "startsWith", "includes", "indexOf", "lastIndexOf",
                             "match", "search", "localeCompare"})
_TRANSPARENT = frozenset({"toLowerCase", "toUpperCase", "trim", "toString", "toLocaleLowerCase",
                          "toLocaleUpperCase", "trimStart", "trimEnd", "normalize"})
_ROOTS = ("user", "context")


@dataclasses.dataclass(frozen=True)
class Literal:
    """A literal a rule compares a field with.

    Attributes
    ----------
    keys
        The field, as keys from ``user`` or ``context`` (``("user", "email")``); ``path``
        joins them with dots.
    value
        The literal: a ``str``, an ``int``/``float``, or for a regular expression its source.
    how
        The comparison: an operator (``"==="``, ``">"``, …), a method (``"endsWith"``,
        ``"indexOf"``, …), ``"in"`` (the field looked up in a constant array), ``"case"``
        (a ``switch``) or ``"regex"``.
    rule, line
        Where: the rule's name and the 1-based line in its source.
    flags
        A regular expression's flags (``"i"``); ``""`` otherwise.
    """

    keys: tuple[str, ...]
    value: str | int | float
    how: str
    rule: str
    line: int
    flags: str = ""

    @property
    def path(self) -> str:
        """The field as a dotted path (``"user.email"``); :attr:`keys` holds its keys."""
        return ".".join(self.keys)

    @property
    def is_regex(self) -> bool:
        """Whether :attr:`value` is a regular expression's source."""
        return self.how == "regex"


def _text(node: Any) -> str:
    return str(node.text.decode("utf-8", "replace"))


def _scalar(node: Any, consts: dict[str, list[Any]]) -> list[Any] | None:
    """The literal value(s) of a node: a string, number, template without substitutions, or a
    constant array (its elements); None when it is not literal."""
    kind = node.type
    if kind == "string":
        try:
            return [ast.literal_eval(_text(node))]
        except (ValueError, SyntaxError):
            return [_text(node)[1:-1]]
    if kind == "template_string" and not any(c.type == "template_substitution"
                                             for c in node.children):
        return [_text(node)[1:-1]]
    if kind == "number":
        try:
            value = float(_text(node).replace("_", ""))
        except ValueError:
            return None
        return [int(value) if value.is_integer() else value]
    if kind == "unary_expression" and _text(node).startswith("-") and node.named_children:
        inner = _scalar(node.named_children[-1], consts)
        return [-v for v in inner] if inner and all(isinstance(v, (int, float))
                                                      for v in inner) else None
    if kind == "array":
        values: list[Any] = []
        for child in node.named_children:
            got = _scalar(child, consts)
            if got is None or len(got) != 1:
                return None
            values.extend(got)
        return values
    if kind == "identifier" and _text(node) in consts:
        return consts[_text(node)]
    if kind == "parenthesized_expression" and node.named_children:
        return _scalar(node.named_children[0], consts)
    return None


class _Miner:
    def __init__(self, rule: Rule, params: Sequence[str]) -> None:
        self.rule = rule
        self.aliases: dict[str, tuple[str, ...]] = {
            p: (root,) for p, root in zip(params, _ROOTS, strict=False)}
        self.consts: dict[str, list[Any]] = {}
        self.found: list[Literal] = []

    def path(self, node: Any) -> tuple[str, ...] | None:
        """The ``user``/``context`` keys an expression reads (inputs only), or None."""
        kind = node.type
        if kind == "identifier":
            return self.aliases.get(_text(node))
        if kind == "parenthesized_expression" and node.named_children:
            return self.path(node.named_children[0])
        if kind == "member_expression":
            base = self.path(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return _input((*base, _text(prop))) if base and prop is not None else None
        if kind == "subscript_expression":
            base = self.path(node.child_by_field_name("object"))
            index = node.child_by_field_name("index")
            value = _scalar(index, {}) if index is not None else None
            return _input((*base, value[0])) if base and value and isinstance(value[0], str) \
                else None
        if kind == "binary_expression":
            op = _text(node.child_by_field_name("operator"))
            if op in ("||", "??"):  # the left side, or the fallback when it is an output
                return self.path(node.child_by_field_name("left")) or self.path(
                    node.child_by_field_name("right"))
            if op == "&&":
                return self.path(node.child_by_field_name("right"))
            return None
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is not None and fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                if prop is not None and _text(prop) in _TRANSPARENT:
                    return self.path(fn.child_by_field_name("object"))
            if fn is not None and _text(fn) == "String" and args is not None and \
                    args.named_children:
                return self.path(args.named_children[0])
        return None

    def add(self, path: tuple[str, ...] | None, values: Iterable[Any] | None, how: str,
            node: Any, flags: str = "") -> None:
        if not path or values is None:
            return
        for value in values:
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                self.found.append(Literal(path, value, how, self.rule.name,
                                          node.start_point[0] + 1, flags))

    def visit(self, node: Any) -> None:
        kind = node.type
        if kind == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None and name.type == "identifier":
                path = self.path(value)
                if path:
                    self.aliases[_text(name)] = path
                else:
                    const = _scalar(value, self.consts)
                    if const is not None and value.type in ("array", "identifier"):
                        self.consts[_text(name)] = const
        elif kind == "binary_expression":
            op = _text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op in _COMPARE and left is not None and right is not None:
                for a, b in ((left, right), (right, left)):
                    value = _scalar(b, self.consts)
                    if value is not None and len(value) == 1:
                        self.add(self.path(a), value, op, node)
        elif kind == "call_expression":
            self._call(node)
        elif kind == "switch_statement":
            subject = self.path(node.child_by_field_name("value"))
            body = node.child_by_field_name("body")
            for case in (body.named_children if body is not None else []):
                value = case.child_by_field_name("value")
                if case.type == "switch_case" and value is not None:
                    self.add(subject, _scalar(value, self.consts), "case", case)
        for child in node.children:
            self.visit(child)

    def _call(self, node: Any) -> None:
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        arg_nodes = list(args.named_children) if args is not None else []
        if fn is None or fn.type != "member_expression" or not arg_nodes:
            return
        obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
        method = _text(prop) if prop is not None else ""
        first = arg_nodes[0]
        if method == "includes" and obj is not None and _text(obj) == "_" and \
                len(arg_nodes) == 2:  # lodash: _.includes(collection, value)
            coll, value = arg_nodes
            path = self.path(coll)
            if path:
                self.add(path, _scalar(value, self.consts), "includes", node)
            else:
                self.add(self.path(value), _scalar(coll, self.consts), "in", node)
        elif method in ("test", "exec") and obj is not None and obj.type == "regex":
            self._regex(obj, self.path(first), node)
        elif method in _STRING_METHODS and obj is not None:
            subject = self.path(obj)
            if first.type == "regex":
                self._regex(first, subject, node)
            elif subject:
                self.add(subject, _scalar(first, self.consts), method, node)
            elif method in ("indexOf", "includes"):  # ['a', 'b'].indexOf(context.clientName)
                self.add(self.path(first), _scalar(obj, self.consts), "in", node)

    def _regex(self, regex: Any, path: tuple[str, ...] | None, node: Any) -> None:
        pattern = regex.child_by_field_name("pattern")
        flags = regex.child_by_field_name("flags")
        if pattern is not None:
            self.add(path, [_text(pattern)], "regex", node, _text(flags) if flags else "")


def mine(rules: Iterable[Rule]) -> list[Literal]:
    """Every literal the enabled rules compare a ``user``/``context`` field with, in rule and
    source order, without duplicates.

    Raises
    ------
    MissingExtraError
        Without tree-sitter (the ``coverage`` extra).
    """
    from rulesim.coverage.instrumentation import parser

    found: list[Literal] = []
    seen: set[tuple[tuple[str, ...], Any, str, str]] = set()
    for rule in rules:
        if not rule.enabled:
            continue
        tree = parser().parse(b"(\n" + rule.source.encode() + b"\n)")
        fn = _function(tree.root_node)
        if fn is None:
            continue
        params = fn.child_by_field_name("parameters")
        names = [_text(p) for p in params.named_children if p.type == "identifier"] \
            if params is not None else []
        miner = _Miner(rule, names)
        miner.visit(fn)
        for lit in miner.found:
            lit = dataclasses.replace(lit, line=lit.line - 1)  # the wrapper's "(" line
            key = (lit.keys, lit.value, lit.how, lit.flags)
            if key not in seen:
                seen.add(key)
                found.append(lit)
    return found


_OUTPUTS = (("context", "idToken"), ("context", "accessToken"), ("context", "multifactor"),
            ("context", "redirect"), ("context", "samlConfiguration"))


def _input(keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """``keys`` unless they name something rules write (tokens, MFA, redirect, SAML)."""
    return None if keys[:2] in _OUTPUTS else keys


def _function(node: Any) -> Any:
    if node.type in ("function_expression", "function", "arrow_function",
                     "function_declaration"):
        return node
    for child in node.named_children:
        found = _function(child)
        if found is not None:
            return found
    return None


# --- near misses ----------------------------------------------------------------------------

_EMAILISH = re.compile(r"^(email|user_name|username|nickname)$")


def _string_misses(value: str, how: str) -> list[str]:
    out = [value, value.upper(), value.lower(), value.capitalize(), value.swapcase(),
           f"x{value}", f"{value}x", f" {value}", f"{value} ", value[1:], value[:-1],
           value[:1] + value, value + value[-1:], f"not{value}", f"{value}.evil.example"]
    if "." in value:
        out += [f"evil-{value}", f"sub.{value.lstrip('@.')}"]
    if how == "startsWith":
        out.append(f"{value}attacker")
    if how in ("endsWith", "indexOf", "includes", "lastIndexOf", "in"):
        out.append(f"attacker{value}")
    return [v for v in dict.fromkeys(out) if v or value == ""]


def _regex_misses(lit: Literal) -> list[str]:
    source = str(lit.value)
    core = source.strip("^$")
    plain = re.sub(r"\\(.)", r"\1", re.sub(r"[\^$()\[\]{}*+?|]", "", core))
    return [v for v in dict.fromkeys([plain, plain.upper(), f"x{plain}", f"{plain}x",
                                      f"{plain},ou=x", f"{plain}.evil.example"]) if v]


def near_misses(lit: Literal) -> list[Any]:
    """Values to try in ``lit.path``: the literal first, then its near misses.

    Numbers give the value and one either side (and 0); strings give case changes, a
    character added or dropped at either end, prefixes and suffixes a loose ``endsWith`` or
    ``indexOf`` would accept; a regular expression gives the text of its pattern and
    variations (Hypothesis's ``from_regex`` adds matching strings in the strategy). In an
    email field a domain-like value becomes an address at that domain.
    """
    if isinstance(lit.value, (int, float)) and not isinstance(lit.value, bool):
        v = lit.value
        step = 1 if isinstance(v, int) else 0.5
        return list(dict.fromkeys([v, v - step, v + step, 0]))
    values = _regex_misses(lit) if lit.is_regex else _string_misses(str(lit.value), lit.how)
    if _EMAILISH.search(lit.keys[-1]):
        emails = [v if "@" in v else f"alice@{v}" for v in values if v.strip()]
        return list(dict.fromkeys(emails + [v.replace("@", "alice@", 1) for v in values
                                            if v.startswith("@")]))
    return values


def set_path(login: dict[str, Any], keys: Sequence[str], value: Any) -> None:
    """Set the field at ``keys`` (``("user", "app_metadata", "roles")``) in a login dict,
    creating objects on the way. A value for a field that holds a list (or is missing and named
    like one: ``roles``, ``groups``, ``*_countries``, ``permissions``) becomes a one-element
    list."""
    node = login
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    last = keys[-1]
    current = node.get(last)
    listy = isinstance(current, list) or (current is None and re.search(
        r"(roles|groups|permissions|countries|scopes|ids)$", last) is not None)
    node[last] = [value] if listy and not isinstance(value, list) else value
