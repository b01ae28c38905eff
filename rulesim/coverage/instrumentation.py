"""Rule coverage, step 1 and 2: rewrite a rule's source so that it counts what runs.

Counters are inserted on the lines they measure, so no line moves and error messages keep
naming the right rule line (see :mod:`rulesim.coverage`). The registry of instrumented
sources lets a :class:`~rulesim.coverage.Coverage` find the probes of a simulation's rules.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from rulesim.errors import MissingExtraError, UsageError
from rulesim.sources import Rule, RuleSet

__all__ = ["GLOBAL_NAME", "REGISTRY", "Probe", "instrument", "instrument_flow", "instrument_rules",
           "is_instrumented", "probes_for"]

GLOBAL_NAME = "__rulesim_cov"
"""The hidden global holding the counters: ``{rule key: [count, ...]}``."""

COUNTERS, TRUTHY, NULLISH = "__rs$c", "__rs$b", "__rs$n"  # counter array, truthiness helper, nullish helper

_STATEMENTS = frozenset({
    "expression_statement", "variable_declaration", "lexical_declaration", "if_statement",
    "for_statement", "for_in_statement", "while_statement", "do_statement", "try_statement",
    "with_statement", "break_statement", "continue_statement", "return_statement",
    "throw_statement", "empty_statement", "labeled_statement", "switch_statement",
    "statement_block", "class_declaration", "debugger_statement"})
_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
_FUNCTIONS = frozenset({"function_expression", "function_declaration", "arrow_function",
                        "method_definition", "generator_function",
                        "generator_function_declaration", "function"})
_LOOPS_WITH_TEST = frozenset({"while_statement", "do_statement", "for_statement"})
_SINGLE_SLOTS = {"if_statement": ("consequence",), "for_statement": ("body",),
                 "for_in_statement": ("body",), "while_statement": ("body",),
                 "do_statement": ("body",), "with_statement": ("body",)}
_ARMS = {"if": ("then", "else"), "ternary": ("then", "else"), "&&": ("right side", "short-circuit"),
         "||": ("short-circuit", "right side"), "??": ("right side", "left side"),
         "while": ("enter", "exit"), "for": ("enter", "exit"), "do": ("repeat", "exit")}


@dataclasses.dataclass(frozen=True)
class Probe:
    """One counter: a statement, a function entry, or one arm of a branch.

    Attributes
    ----------
    id
        Index of the counter in the rule's array.
    kind
        ``"statement"``, ``"function"`` or ``"branch"``.
    line, column
        Where the measured code starts in the rule's own source (1-based line, 0-based column).
    label
        For a branch arm, the construct and arm (``"if: else"``, ``"&&: short-circuit"``, ``"case
        'x'"``); for a function, its name or ``"(anonymous)"``; empty for a statement.
    branch
        For a branch arm, the id of its branch (the probe id of its first arm); else None.
    """

    id: int
    kind: str
    line: int
    column: int
    label: str = ""
    branch: int | None = None


@cache
def parser() -> Any:
    try:
        import tree_sitter
        import tree_sitter_javascript
    except ImportError:
        raise MissingExtraError("coverage", "tree-sitter, tree-sitter-javascript",
                                "rule coverage") from None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


class Instrumenter:
    """Collects probes and text insertions over one parsed rule (byte offsets in the source)."""

    def __init__(self, source: bytes, offset: int) -> None:
        self.src = source
        self.offset = offset  # bytes of wrapper text before the rule in the parsed buffer
        self.probes: list[Probe] = []
        self.inserts: list[tuple[int, int, int, int, str]] = []  # (pos, phase, depth, seq, text)
        self.switches: list[int] = []

    def _pos(self, node: Any) -> tuple[int, int]:
        row, col = node.start_point
        return row, col  # row 0 of the buffer is the wrapper's "(" line: rule line = row

    def probe(self, node: Any, kind: str, label: str = "", branch: int | None = None) -> int:
        row, col = self._pos(node)
        pid = len(self.probes)
        self.probes.append(Probe(pid, kind, row, col, label, branch))
        return pid

    def insert(self, pos: int, phase: int, depth: int, text: str) -> None:
        """Queue ``text`` at byte ``pos``; at one position the phases order the insertions:
        0 closers (deepest first), 1 braces (shallowest first), 2 statement counters,
        3 expression openers (shallowest first)."""
        self.inserts.append((pos - self.offset, phase, -depth if phase == 0 else depth,
                             len(self.inserts), text))

    def count(self, pos: int, depth: int, pid: int) -> None:
        self.insert(pos, 2, depth, f"{COUNTERS}[{pid}]++;")

    # -- the walk -------------------------------------------------------------------------
    def walk(self, node: Any, depth: int = 0) -> None:
        kind = node.type
        if kind in _FUNCTIONS:
            self._function(node, depth)
        elif kind == "statement_block":
            self._statements(list(node.named_children), depth)
        elif kind in ("switch_case", "switch_default"):
            self._case(node, depth)
        if kind in _SINGLE_SLOTS:
            for field in _SINGLE_SLOTS[kind]:
                child = node.child_by_field_name(field)
                if child is not None:
                    self._slot(child, depth)
        if kind == "else_clause":
            body = node.named_children[-1] if node.named_children else None
            if body is not None:
                self._slot(body, depth)
        if kind == "if_statement":
            self._condition(node.child_by_field_name("condition"), "if", depth)
        elif kind in _LOOPS_WITH_TEST:
            self._condition(node.child_by_field_name("condition"),
                            {"while_statement": "while", "do_statement": "do"}.get(kind, "for"),
                            depth)
        elif kind == "ternary_expression":
            self._wrap(node.child_by_field_name("condition"), "ternary", depth)
        elif kind == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and op.type in ("&&", "||", "??"):
                self._wrap(node.child_by_field_name("left"), op.type, depth)
        if kind == "switch_body":
            self.switches.append(len(self.probes))
        for child in node.children:
            self.walk(child, depth + 1)
        if kind == "switch_body":
            self.switches.pop()

    def _function(self, node: Any, depth: int) -> None:
        body = node.child_by_field_name("body")
        if body is None:
            return
        name_node = node.child_by_field_name("name")
        name = name_node.text.decode() if name_node is not None else "(anonymous)"
        pid = self.probe(node, "function", name)
        if body.type != "statement_block":  # arrow with an expression body
            self.insert(body.start_byte, 3, depth, f"({COUNTERS}[{pid}]++,")
            self.insert(body.end_byte, 0, depth, ")")
            return
        pos = body.start_byte + 1
        for stmt in body.named_children:  # keep the directive prologue first ('use strict')
            if not is_directive(stmt):
                break
            pos = stmt.end_byte
        self.count(pos, depth, pid)

    def _statements(self, statements: Iterable[Any], depth: int) -> None:
        prologue = True
        for stmt in statements:
            if stmt.type == "comment":
                continue
            if prologue and is_directive(stmt):
                continue
            prologue = False
            if stmt.type in _STATEMENTS and stmt.type != "statement_block":
                self.count(stmt.start_byte, depth, self.probe(stmt, "statement"))

    def _slot(self, stmt: Any, depth: int) -> None:
        """A single-statement position (an unbraced arm or loop body): brace it and count it."""
        if stmt.type in ("statement_block", "comment") or stmt.type not in _STATEMENTS:
            return
        self.insert(stmt.start_byte, 1, depth, "{")
        self.count(stmt.start_byte, depth, self.probe(stmt, "statement"))
        self.insert(stmt.end_byte, 0, depth, "}")

    def _case(self, node: Any, depth: int) -> None:
        colon = next((c for c in node.children if c.type == ":"), None)
        if colon is None:
            return
        value = node.child_by_field_name("value")
        label = f"case {value.text.decode()[:40]}" if value is not None else "default"
        pid = self.probe(node, "branch", label, self.switches[-1] if self.switches else None)
        self.count(colon.end_byte, depth, pid)
        body = [c for c in node.named_children if c is not value and c.start_byte >= colon.end_byte]
        self._statements(body, depth)

    def _condition(self, cond: Any, construct: str, depth: int) -> None:
        if cond is None or cond.type in (";", "empty_statement"):
            return
        if cond.type == "parenthesized_expression" and cond.named_children:
            cond = cond.named_children[0]
        self._wrap(cond, construct, depth)

    def _wrap(self, expr: Any, construct: str, depth: int) -> None:
        if expr is None:
            return
        first, second = _ARMS[construct]
        helper = NULLISH if construct == "??" else TRUTHY
        a = self.probe(expr, "branch", f"{construct}: {first}")
        self.probes[a] = dataclasses.replace(self.probes[a], branch=a)
        self.probe(expr, "branch", f"{construct}: {second}", a)
        self.insert(expr.start_byte, 3, depth, f"{helper}((")
        self.insert(expr.end_byte, 0, depth, f"),{a})")


def is_directive(stmt: Any) -> bool:
    return bool(stmt.type == "expression_statement" and stmt.named_children
                and stmt.named_children[0].type == "string")


def instrument(source: str, *, key: str | None = None) -> tuple[str, tuple[Probe, ...]]:
    """Rewrite a rule's source so that it counts the statements, functions and branch arms run.

    Parameters
    ----------
    source
        The rule: one function expression, as :class:`~rulesim.Rule` holds it.
    key
        Name of the rule's counter array in ``globalThis.__rulesim_cov`` (default: a hash of
        the source). :func:`instrument_rules` uses the rule name.

    Returns
    -------
    instrumented_source, probes
        The rewritten source (still one expression evaluating to the rule function, every
        original line at the same line number) and the probes, indexed by counter.

    Raises
    ------
    UsageError
        If the source is not a single function expression tree-sitter can parse (the sandbox
        would reject it too).
    """
    key = key if key is not None else "src_" + hashlib.sha256(source.encode()).hexdigest()[:16]
    prefix = b"(\n"
    buf = prefix + source.encode() + b"\n)"
    tree = parser().parse(buf)
    root = tree.root_node
    expr = root.named_children[0] if root.named_child_count == 1 else None
    inner = expr.named_children[0] if expr is not None and expr.named_children else None
    fn = inner.named_children[0] if inner is not None and inner.type == "parenthesized_expression" \
        and inner.named_child_count == 1 else None
    if root.has_error or fn is None or fn.type not in ("function_expression", "function",
                                                       "arrow_function"):
        raise UsageError(f"cannot instrument rule {key!r}: its source is not one function "
                         "expression that parses as JavaScript")
    inst = Instrumenter(buf, len(prefix))
    inst.walk(fn)
    n = len(inst.probes)
    setup = (f"(function(){{var R=globalThis.{GLOBAL_NAME};if(!R){{R={{}};"
             f"Object.defineProperty(globalThis,'{GLOBAL_NAME}',{{value:R,configurable:true}});}}"
             f"var {COUNTERS}=R[{js_string(key)}]=[];for(var i=0;i<{n};i++){COUNTERS}.push(0);"
             f"function {TRUTHY}(v,k){{if(v){COUNTERS}[k]++;else {COUNTERS}[k+1]++;return v;}}"
             f"function {NULLISH}(v,k){{if(v===null||v===undefined){COUNTERS}[k]++;else {COUNTERS}[k+1]++;"
             "return v;}return ")
    inst.insert(fn.start_byte, 1, -1, setup)
    return splice(source, inst.inserts) + "\n})()", tuple(inst.probes)


def splice(source: str, inserts: Sequence[tuple[int, int, int, int, str]]) -> str:
    """``source`` with the instrumenter's insertions made, in order (byte offsets)."""
    raw = source.encode()
    out: list[bytes] = []
    last = 0
    for pos, _phase, _depth, _seq, text in sorted(inserts):
        out.append(raw[last:pos])
        out.append(text.encode())
        last = pos
    out.append(raw[last:])
    return b"".join(out).decode()


def js_string(text: str) -> str:
    import json

    return json.dumps(text)


# --- rule sets and the registry of instrumented sources ------------------------------------------

REGISTRY: dict[str, tuple[Rule, tuple[Probe, ...]]] = {}
"""sha256 of an instrumented source → (original rule, probes): lets a Simulation find its probes."""


def instrument_rules(rules: RuleSet | Sequence[Rule]) -> RuleSet:
    """Return a copy of a rule set whose enabled rules count what they run.

    Configuration, skipped stages and the default services file are kept. Disabled rules are
    left as they are (they never run). Instrumenting an already instrumented set is a no-op.

    Raises
    ------
    UsageError
        If a rule's source cannot be parsed (see :func:`instrument`).
    """
    ruleset = rules if isinstance(rules, RuleSet) else RuleSet(rules)
    out: list[Rule] = []
    for rule in ruleset:
        if not rule.enabled or rule.sha256 in REGISTRY:
            out.append(rule)
            continue
        source, probes = instrument(rule.source, key=rule.name)
        new = dataclasses.replace(rule, source=source)
        REGISTRY[new.sha256] = (rule, probes)
        out.append(new)
    result = RuleSet(out, ruleset.configuration, skipped_stages=ruleset.skipped_stages)
    result.services_file = ruleset.services_file
    return result


def instrument_flow(flow: Any) -> Any:
    """A :class:`~rulesim._flow.Flow` whose enabled rules are instrumented (its Actions as
    they are; see :mod:`rulesim.coverage.actions` for theirs)."""
    from rulesim._flow import Flow

    actions = flow.actions
    if actions is not None:
        from rulesim.coverage.actions import instrument_actions

        actions = instrument_actions(actions, flow.names[len(flow.rules):])
    return Flow(instrument_rules(flow.rules), actions)


def probes_for(rule: Rule) -> tuple[Rule, tuple[Probe, ...]] | None:
    """The original rule and probes of an instrumented rule (None for a plain rule)."""
    return REGISTRY.get(rule.sha256)


def is_instrumented(rules: RuleSet | Sequence[Rule]) -> bool:
    """True when every enabled rule of the set is instrumented."""
    return all(r.sha256 in REGISTRY for r in rules if r.enabled)
