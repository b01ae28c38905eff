"""Rule coverage: which lines and branches of each rule ran across a simulation or a test session.

"No synthetic login ever reaches this branch" is a finding a security review needs. Coverage
works in three steps, each usable on its own:

1. :func:`instrument` rewrites one rule's source so that it counts what runs. Counters are
   inserted **on the lines they measure** (no line is added or removed before the rule's last
   line), so error messages keep naming the right rule line, and the rule's behaviour is
   unchanged: statements get a ``++`` in front, conditions are passed through an identity
   helper that counts truthy and falsy values, unbraced arms are wrapped in braces.
   The counts live in a hidden (non-enumerable) global, ``globalThis.__rulesim_cov``: a plain
   object ``{rule key: [count, ...]}``.
2. :func:`instrument_rules` returns a :class:`~rulesim.RuleSet` whose enabled rules are
   instrumented; simulate it like any rule set. The sandbox reads the counters back after each
   chunk and the simulation carries them (``sim.coverage_counts``).
3. :class:`Coverage` turns counts into reports: a per-rule table, the branches never taken,
   annotated source for a terminal and a standalone HTML page.

Parsing uses tree-sitter's JavaScript grammar (the ``coverage`` extra): it reads every syntax
Auth0's Node 12–18 runtimes accept (optional chaining, ``??``, spread, ``async``/``await``,
classes, template literals) and reports exact positions, without running anything.

Examples
--------
>>> import rulesim as rs
>>> from rulesim.coverage import Coverage, instrument_rules
>>> rules = instrument_rules(rs.load_rules("datasets/tenants/acme"))  # doctest: +SKIP
>>> sim = rs.simulate(rules, rs.population(10_000, seed=7))            # doctest: +SKIP
>>> print(Coverage.from_simulation(sim))                               # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rulesim.errors import MissingExtraError, UsageError
from rulesim.sources import Rule, RuleSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GLOBAL_NAME", "Coverage", "CoverageCollector", "Probe", "RuleCoverage", "instrument",
           "instrument_rules", "probes_for"]

GLOBAL_NAME = "__rulesim_cov"
"""The hidden global holding the counters: ``{rule key: [count, ...]}``."""

_C, _B, _N = "__rs$c", "__rs$b", "__rs$n"  # counter array, truthiness helper, nullish helper

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
def _parser() -> Any:
    try:
        import tree_sitter
        import tree_sitter_javascript
    except ImportError:
        raise MissingExtraError("coverage", "tree-sitter, tree-sitter-javascript",
                                "rule coverage") from None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


class _Instrumenter:
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
        self.insert(pos, 2, depth, f"{_C}[{pid}]++;")

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
            self.insert(body.start_byte, 3, depth, f"({_C}[{pid}]++,")
            self.insert(body.end_byte, 0, depth, ")")
            return
        pos = body.start_byte + 1
        for stmt in body.named_children:  # keep the directive prologue first ('use strict')
            if not _is_directive(stmt):
                break
            pos = stmt.end_byte
        self.count(pos, depth, pid)

    def _statements(self, statements: Iterable[Any], depth: int) -> None:
        prologue = True
        for stmt in statements:
            if stmt.type == "comment":
                continue
            if prologue and _is_directive(stmt):
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
        helper = _N if construct == "??" else _B
        a = self.probe(expr, "branch", f"{construct}: {first}")
        self.probes[a] = dataclasses.replace(self.probes[a], branch=a)
        self.probe(expr, "branch", f"{construct}: {second}", a)
        self.insert(expr.start_byte, 3, depth, f"{helper}((")
        self.insert(expr.end_byte, 0, depth, f"),{a})")


def _is_directive(stmt: Any) -> bool:
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
    tree = _parser().parse(buf)
    root = tree.root_node
    expr = root.named_children[0] if root.named_child_count == 1 else None
    inner = expr.named_children[0] if expr is not None and expr.named_children else None
    fn = inner.named_children[0] if inner is not None and inner.type == "parenthesized_expression" \
        and inner.named_child_count == 1 else None
    if root.has_error or fn is None or fn.type not in ("function_expression", "function",
                                                       "arrow_function"):
        raise UsageError(f"cannot instrument rule {key!r}: its source is not one function "
                         "expression that parses as JavaScript")
    inst = _Instrumenter(buf, len(prefix))
    inst.walk(fn)
    n = len(inst.probes)
    setup = (f"(function(){{var R=globalThis.{GLOBAL_NAME};if(!R){{R={{}};"
             f"Object.defineProperty(globalThis,'{GLOBAL_NAME}',{{value:R,configurable:true}});}}"
             f"var {_C}=R[{_js_string(key)}]=[];for(var i=0;i<{n};i++){_C}.push(0);"
             f"function {_B}(v,k){{if(v){_C}[k]++;else {_C}[k+1]++;return v;}}"
             f"function {_N}(v,k){{if(v===null||v===undefined){_C}[k]++;else {_C}[k+1]++;"
             "return v;}return ")
    inst.insert(fn.start_byte, 1, -1, setup)
    return _splice(source, inst.inserts) + "\n})()", tuple(inst.probes)


def _splice(source: str, inserts: Sequence[tuple[int, int, int, int, str]]) -> str:
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


def _js_string(text: str) -> str:
    import json

    return json.dumps(text)


# --- rule sets and the registry of instrumented sources ------------------------------------------

_REGISTRY: dict[str, tuple[Rule, tuple[Probe, ...]]] = {}
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
        if not rule.enabled or rule.sha256 in _REGISTRY:
            out.append(rule)
            continue
        source, probes = instrument(rule.source, key=rule.name)
        new = dataclasses.replace(rule, source=source)
        _REGISTRY[new.sha256] = (rule, probes)
        out.append(new)
    result = RuleSet(out, ruleset.configuration, skipped_stages=ruleset.skipped_stages)
    result.services_file = ruleset.services_file
    return result


def instrument_flow(flow: Any) -> Any:
    """A :class:`~rulesim._flow.Flow` whose enabled rules are instrumented (its Actions as
    they are; see :mod:`rulesim._coverage_actions` for theirs)."""
    from rulesim._flow import Flow

    actions = flow.actions
    if actions is not None:
        from rulesim._coverage_actions import instrument_actions

        actions = instrument_actions(actions, flow.names[len(flow.rules):])
    return Flow(instrument_rules(flow.rules), actions)


def probes_for(rule: Rule) -> tuple[Rule, tuple[Probe, ...]] | None:
    """The original rule and probes of an instrumented rule (None for a plain rule)."""
    return _REGISTRY.get(rule.sha256)


def is_instrumented(rules: RuleSet | Sequence[Rule]) -> bool:
    """True when every enabled rule of the set is instrumented."""
    return all(r.sha256 in _REGISTRY for r in rules if r.enabled)

# --- counts → reports ------------------------------------------------------------------------


def _ranges(lines: Sequence[int]) -> str:
    """``[3, 4, 5, 9]`` → ``"3-5, 9"``."""
    out: list[str] = []
    for line in sorted(lines):
        if out and line == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{line}"
        else:
            out.append(str(line))
    return ", ".join(out)


@dataclasses.dataclass
class RuleCoverage:
    """Counts of one rule's probes.

    Attributes
    ----------
    rule
        The original (uninstrumented) rule.
    probes
        Its probes, indexed by counter.
    counts
        How often each probe ran (same length as ``probes``); all zero for a rule that never ran.
    """

    rule: Rule
    probes: tuple[Probe, ...]
    counts: list[int]

    @property
    def name(self) -> str:
        """The rule's name."""
        return self.rule.name

    def _of(self, kind: str) -> list[Probe]:
        return [p for p in self.probes if p.kind == kind]

    def line_hits(self) -> dict[int, int]:
        """Executable line → runs of its busiest statement (a line is executable when a
        statement starts on it)."""
        hits: dict[int, int] = {}
        for p in self._of("statement"):
            hits[p.line] = max(hits.get(p.line, 0), self.counts[p.id])
        return hits

    def missed_lines(self) -> list[int]:
        """Executable lines no statement of which ever ran."""
        return sorted(line for line, n in self.line_hits().items() if n == 0)

    def arms(self) -> list[tuple[Probe, int]]:
        """Every branch arm with its count, in source order."""
        return sorted(((p, self.counts[p.id]) for p in self._of("branch")),
                      key=lambda pc: (pc[0].line, pc[0].column, pc[0].id))

    def summary(self) -> dict[str, Any]:
        """One table row: totals, misses and percentages of statements, branch arms, functions."""
        stmts, funcs = self._of("statement"), self._of("function")
        arms = self.arms()
        s_hit = sum(1 for p in stmts if self.counts[p.id])
        b_hit = sum(1 for _, n in arms if n)
        f_hit = sum(1 for p in funcs if self.counts[p.id])

        def pct(hit: int, total: int) -> float:
            return 100.0 * hit / total if total else 100.0

        return {
            "rule": self.name, "enabled": self.rule.enabled,
            "statements": len(stmts), "missed_statements": len(stmts) - s_hit,
            "statement_pct": pct(s_hit, len(stmts)),
            "branches": len(arms), "missed_branches": len(arms) - b_hit,
            "branch_pct": pct(b_hit, len(arms)),
            "functions": len(funcs), "missed_functions": len(funcs) - f_hit,
            "missing_lines": _ranges(self.missed_lines()),
        }

    def annotate(self, *, color: bool = False) -> str:
        """The rule's source with a run count in front of each executable line (``#####`` for
        never), and under a line every branch arm that was never taken."""
        hits = self.line_hits()
        missed_arms: dict[int, list[str]] = {}
        for probe, n in self.arms():
            if n == 0:
                missed_arms.setdefault(probe.line, []).append(probe.label)
        red, green, off = ("\x1b[31m", "\x1b[32m", "\x1b[0m") if color else ("", "", "")
        out = [f"── {self.name} " + ("(disabled)" if not self.rule.enabled else
                                       f"{self.summary()['statement_pct']:.0f}% statements, "
                                       f"{self.summary()['branch_pct']:.0f}% branches")]
        for number, text in enumerate(self.rule.source.splitlines(), start=1):
            if number in hits:
                n = hits[number]
                mark = f"{green}{n:>7}{off}" if n else f"{red}  #####{off}"
            else:
                mark = " " * 7
            out.append(f"{mark} {number:>4} │ {text}")
            for label in missed_arms.get(number, []):
                out.append(f"{' ' * 13}│ {red}^ branch never taken: {label}{off}")
        return "\n".join(out)

    def _html(self) -> str:
        hits = self.line_hits()
        missed_arms: dict[int, list[str]] = {}
        for probe, n in self.arms():
            if n == 0:
                missed_arms.setdefault(probe.line, []).append(probe.label)
        rows = []
        for number, text in enumerate(self.rule.source.splitlines(), start=1):
            cls = "" if number not in hits else ("miss" if hits[number] == 0 else
                                                 "part" if number in missed_arms else "hit")
            count = "" if number not in hits else str(hits[number])
            note = "".join(f'<div class="arm">branch never taken: {html.escape(a)}</div>'
                           for a in missed_arms.get(number, []))
            rows.append(f'<tr class="{cls}"><td class="n">{number}</td><td class="c">{count}'
                        f"</td><td><pre>{html.escape(text)}</pre>{note}</td></tr>")
        return (f'<h2 id="{html.escape(self.name)}">{html.escape(self.name)}</h2>'
                f'<table class="src">{"".join(rows)}</table>')


_CSS = ("body{font-family:sans-serif}table{border-collapse:collapse}td{padding:0 6px}"
        "pre{margin:0}.src td.n,.src td.c{color:#777;text-align:right}.hit{background:#e6ffe6}"
        ".miss{background:#ffe0e0}.part{background:#fff6d5}.arm{color:#a00;font-size:90%}")


class Coverage:
    """Line, branch and function coverage of a rule set, from counter values.

    Build it with :meth:`from_simulation` (``sim.coverage()``) or :meth:`from_counts`; add two
    with ``+`` (a test session adds every simulation it ran).

    Attributes
    ----------
    rules
        Rule name → :class:`RuleCoverage`, in pipeline order.
    """

    def __init__(self, rules: Mapping[str, RuleCoverage]) -> None:
        self.rules: dict[str, RuleCoverage] = dict(rules)

    @classmethod
    def from_counts(cls, rules: RuleSet | Sequence[Rule],
                    counts: Mapping[str, Sequence[int]]) -> Coverage:
        """Coverage of ``rules`` (instrumented, as :func:`instrument_rules` returns them) from
        counter arrays keyed by rule name; a rule missing from ``counts`` never ran."""
        return cls._build([_pair(rule) for rule in rules], counts)

    @classmethod
    def _build(cls, pairs: Iterable[tuple[Rule, tuple[Probe, ...]]],
               counts: Mapping[str, Sequence[int]]) -> Coverage:
        out: dict[str, RuleCoverage] = {}
        for original, probes in pairs:
            values = list(counts.get(original.name) or [])
            if values and len(values) != len(probes):
                raise UsageError(f"coverage counters of rule `{original.name}` do not match its "
                                 f"probes ({len(values)} counters, {len(probes)} probes)")
            out[original.name] = RuleCoverage(original, probes, values or [0] * len(probes))
        return cls(out)

    @classmethod
    def from_simulation(cls, sim: Any, rules: RuleSet | Sequence[Rule] | None = None) -> Coverage:
        """Coverage of a simulation of instrumented rules.

        Parameters
        ----------
        sim
            A :class:`~rulesim.Simulation` whose rules came from :func:`instrument_rules`.
        rules
            Those rules; by default found from the hashes in ``sim.manifest``.

        Raises
        ------
        UsageError
            When the simulation carries no counters (the rules were not instrumented, or the
            sandbox cannot read counters back).
        """
        counts = getattr(sim, "coverage_counts", None)
        if not counts:
            raise UsageError("this simulation has no coverage counters: simulate rules returned "
                             "by rulesim.coverage.instrument_rules(...) (or simulate(..., "
                             "coverage=True))")
        if rules is not None:
            return cls.from_counts(rules, counts)
        pairs = []
        for meta in [*sim.manifest.get("rules", []), *sim.manifest.get("actions", [])]:
            hit = _REGISTRY.get(str(meta.get("sha256")))
            if hit is not None:
                pairs.append(hit)
            elif meta.get("enabled", True) and meta.get("name") in counts:
                raise UsageError(f"rule `{meta.get('name')}` of this simulation was not "
                                 "instrumented in this process; pass rules=")
        return cls._build(pairs, counts)

    def __add__(self, other: Coverage) -> Coverage:
        merged = dict(self.rules)
        for name, rc in other.rules.items():
            mine = merged.get(name)
            if mine is None:
                merged[name] = rc
            elif mine.rule.sha256 == rc.rule.sha256:
                merged[name] = RuleCoverage(mine.rule, mine.probes,
                                            [a + b for a, b in zip(mine.counts, rc.counts,
                                                                   strict=True)])
            else:  # same name, another source: keep both
                merged[f"{name}@{rc.rule.sha256[:8]}"] = rc
        return Coverage(merged)

    # -- views ----------------------------------------------------------------------------
    def table(self) -> pd.DataFrame:
        """One row per rule: statements, branch arms and functions, total and missed, with
        percentages and the missed lines."""
        import pandas as pd

        frame: pd.DataFrame = pd.DataFrame([rc.summary() for rc in self.rules.values()])
        return frame

    def missed_branches(self) -> pd.DataFrame:
        """Every branch arm of an enabled rule that never ran: rule, line, arm and the code."""
        import pandas as pd

        rows = []
        for rc in self.rules.values():
            if not rc.rule.enabled:
                continue
            lines = rc.rule.source.splitlines()
            for probe, n in rc.arms():
                if n == 0:
                    rows.append({"rule": rc.name, "line": probe.line, "arm": probe.label,
                                 "code": lines[probe.line - 1].strip()[:100]
                                 if 0 < probe.line <= len(lines) else ""})
        frame: pd.DataFrame = pd.DataFrame(rows, columns=["rule", "line", "arm", "code"])
        return frame

    def annotate(self, rule: str | None = None, *, color: bool = False) -> str:
        """Annotated source of one rule, or of every enabled rule (terminal text)."""
        chosen = [self.rules[rule]] if rule is not None else [
            rc for rc in self.rules.values() if rc.rule.enabled]
        return "\n\n".join(rc.annotate(color=color) for rc in chosen)

    def to_html(self) -> str:
        """A standalone HTML page: the table, then each rule's annotated source."""
        table = self.table().to_html(index=False, float_format=lambda v: f"{v:.1f}",
                                     escape=True)
        body = "".join(rc._html() for rc in self.rules.values() if rc.rule.enabled)
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>rulesim coverage"
                f"</title><style>{_CSS}</style></head><body><h1>Rule coverage</h1>{table}"
                f"{body}</body></html>")

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`to_html` to ``path`` and return it."""
        out = Path(path)
        out.write_text(self.to_html(), encoding="utf-8")
        return out

    def __str__(self) -> str:
        table = self.table()
        if table.empty:
            return "no rules"
        shown = table.copy()
        for col in ("statement_pct", "branch_pct"):
            shown[col] = shown[col].map(lambda v: f"{v:.0f}%")
        text = str(shown.drop(columns=["enabled"]).to_string(index=False))
        missed = self.missed_branches()
        if len(missed):
            text += "\n\nbranches never taken:\n" + "\n".join(
                f"  {r.rule}:{r.line}  {r.arm}  │ {r.code}" for r in missed.itertuples())
        return text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return str(self.table().to_html(index=False, float_format=lambda v: f"{v:.1f}"))


def _pair(rule: Rule) -> tuple[Rule, tuple[Probe, ...]]:
    """(original rule, probes) of an instrumented rule, or of a plain one (probes computed)."""
    found = probes_for(rule)
    if found is not None:
        return found
    return rule, (instrument(rule.source, key=rule.name)[1] if rule.enabled else ())


class CoverageCollector:
    """Adds up the coverage of every simulation it is shown (a test session's).

    A simulation shown twice (by the golden-file runner and by a run observer) counts once.
    """

    def __init__(self) -> None:
        self.coverage = Coverage({})
        self._seen: weakref.WeakSet[Any] = weakref.WeakSet()

    def add_simulation(self, sim: Any) -> None:
        """Add a simulation's counters; simulations without counters are ignored."""
        if sim in self._seen or not getattr(sim, "coverage_counts", None):
            return
        self._seen.add(sim)
        self.coverage = self.coverage + Coverage.from_simulation(sim)

    def add(self, coverage: Coverage) -> None:
        """Add a coverage object."""
        self.coverage = self.coverage + coverage

    def observer(self) -> Callable[[Any], None]:
        """A callable for a simulation observer list."""
        return self.add_simulation
