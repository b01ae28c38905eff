"""Rule coverage, step 3: counts turned into reports (a per-rule table, the branches never
taken, annotated source for a terminal, a standalone HTML page)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rulesim.coverage.instrumentation import REGISTRY, Probe, instrument, probes_for
from rulesim.errors import UsageError
from rulesim.sources import Rule, RuleSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Coverage", "RuleCoverage"]


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
            hit = REGISTRY.get(str(meta.get("sha256")))
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
