"""Text, Markdown and HTML views of an :class:`~rulesim.impact.Impact` (private).

Views only read the Impact's frames; they never run anything.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from rulesim.impact.diff import KINDS

if TYPE_CHECKING:
    from rulesim.impact.result import Impact

__all__ = ["SEGMENT_COLUMNS", "html_report", "summary_markdown", "text_report", "top_segments"]

SEGMENT_COLUMNS = ("connection", "client_name", "protocol", "country", "email_domain", "tags",
                   "strategy", "user_agent_family", "prompt")
"""Population columns searched for the segments where changes concentrate."""


def _pct(part: float, whole: float) -> str:
    if not whole:
        return "0%"
    share = 100.0 * part / whole
    return f"{share:.1f}%" if share >= 0.1 or share == 0 else f"{share:.2f}%"


def _ms(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:+.1f} ms"


def top_segments(impact: Impact, top: int = 3) -> pd.DataFrame:
    """The segments where changes concentrate, across :data:`SEGMENT_COLUMNS`.

    Ranked by ``share_of_changed × change_rate``: a segment ranks high when it holds most of
    the changes *and* most of its logins changed (``tags=(none)`` holding every change of a
    population without tags ranks low, since its rate is low).
    """
    columns = ["column", "segment", "logins", "changed", "change_rate", "share_of_changed"]
    if impact.changed.empty:
        empty: pd.DataFrame = pd.DataFrame(columns=columns)
        return empty
    rows = []
    for column in SEGMENT_COLUMNS:
        if column not in impact.attributes:
            continue
        table = impact.by(column)
        table = table[table["changed"] > 0].head(top)
        for segment, r in table.iterrows():
            rows.append({"column": column, "segment": str(segment), "logins": int(r["logins"]),
                         "changed": int(r["changed"]), "change_rate": float(r["change_rate"]),
                         "share_of_changed": float(r["share_of_changed"])})
    frame = pd.DataFrame(rows, columns=columns)
    score = frame["share_of_changed"] * frame["change_rate"]
    frame = frame.assign(_score=score).sort_values(
        ["_score", "changed", "column"], ascending=[False, False, True], kind="stable")
    result: pd.DataFrame = frame.drop(columns="_score").head(top).reset_index(drop=True)
    return result


def _attrs(row: pd.Series) -> str:
    parts = [str(row[c]) for c in ("connection", "client_name", "protocol", "country",
                                   "email_domain") if c in row.index and pd.notna(row[c])
             and str(row[c])]
    tags = row.get("tags")
    if tags is not None and pd.notna(tags) and str(tags):
        parts.append(f"tags {tags}")
    return ", ".join(parts)


def _value(v: Any) -> str:
    return "–" if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v == "" \
        else str(v)


def _describe(row: pd.Series, kind: str) -> str:
    if kind == "outcome":
        after = str(row["outcome_after"])
        why = ""
        if pd.notna(row["deciding_rule_after"]):
            why = f" by `{row['deciding_rule_after']}`"
            if pd.notna(row["error_code_after"]):
                why += f" ({row['error_code_after']})"
        return f"{row['outcome_before']} → {after}{why}"
    if kind in ("id_token", "access_token", "scopes"):
        prefix = {"id_token": "id_token:", "access_token": "access_token:", "scopes": "scope:"}[kind]
        parts = []
        for label in ("gained", "lost", "changed"):
            names = [n[len(prefix):] for n in str(row[f"claims_{label}"]).split(",")
                     if n.startswith(prefix)]
            if names:
                parts.append(f"{label} " + ", ".join(f"`{n}`" for n in names))
        return "; ".join(parts) or "changed"
    before, after = _value(row[f"{kind}_before"]), _value(row[f"{kind}_after"])
    if kind == "persisted_metadata":
        return _writes_diff(row["persisted_metadata_before"], row["persisted_metadata_after"])
    return f"{before} → {after}"


def _writes(value: Any) -> set[str]:
    if value is None or value is pd.NA or not isinstance(value, str) or not value:
        return set()
    return {f"{path}={after}" for _target, path, _op, after in json.loads(value)}


def _writes_diff(before: Any, after: Any) -> str:
    """Management-API writes only on one side, e.g. ``no longer writes app_metadata.x=1``."""
    a, b = _writes(before), _writes(after)
    parts = []
    if a - b:
        parts.append("no longer writes " + ", ".join(f"`{w}`" for w in sorted(a - b)[:3]))
    if b - a:
        parts.append("now writes " + ", ".join(f"`{w}`" for w in sorted(b - a)[:3]))
    return "; ".join(parts) or "writes in a different order"


def _headline(impact: Impact) -> str:
    n, k = len(impact), len(impact.changed)
    if k == 0:
        return f"No login changes: all {n:,} logins end the same way with the same tokens."
    return f"**{k:,} of {n:,} logins ({_pct(k, n)}) change.**"


def _counts(impact: Impact) -> pd.DataFrame:
    """The square count table of the transitions."""
    return cast(pd.DataFrame, impact.transitions["count"])


def _moves(impact: Impact) -> list[tuple[str, str, int]]:
    counts = _counts(impact)
    out = [(str(a), str(b), int(counts.loc[a, b])) for a in counts.index for b in counts.columns
           if a != b and counts.loc[a, b] > 0]
    return sorted(out, key=lambda m: -m[2])


def _latency_line(impact: Impact) -> str:
    lat = impact.latency
    overall = lat[lat["level"] == "login"].iloc[0]
    line = (f"login latency (`latency_ms`: measured CPU + simulated I/O) p50 "
            f"{_ms(overall['p50_delta'])}, p95 {_ms(overall['p95_delta'])}, p99 "
            f"{_ms(overall['p99_delta'])}")
    rules = lat[lat["level"] == "rule"].copy()
    rules["abs"] = rules["p95_delta"].abs()
    rules = rules[rules["abs"] >= 0.5].sort_values("abs", ascending=False)
    if len(rules):
        parts = [f"`{r['name']}` p95 {_ms(r['p95_delta'])}" for _, r in rules.head(3).iterrows()]
        line += "; simulated I/O per rule (`io_ms`): " + ", ".join(parts)
    return line


def summary_markdown(impact: Impact, *, top: int = 3, examples: int = 3) -> str:
    """The Markdown report of :meth:`Impact.summary`."""
    n = len(impact)
    out = ["### Rule change impact", "", _headline(impact), ""]
    if impact.rule_changes:
        out.append("Change: " + "; ".join(impact.rule_changes) + ".")
        out.append("")
    moves = _moves(impact)
    if moves:
        out.append("Outcome transitions:")
        out += [f"- {a} → {b}: {c:,} ({_pct(c, n)})" for a, b, c in moves]
        out.append("")
    counts = [(kind, impact.count(kind)) for kind in KINDS]
    counts = [(k, c) for k, c in counts if c]
    if counts:
        out.append("Kinds of change: " + ", ".join(f"{k} {c:,}" for k, c in counts) + ".")
        out.append("")
    if len(impact.claims):
        parts = []
        for _, r in impact.claims.head(5).iterrows():
            bits = [f"{label} {int(r[label]):,}" for label in ("gained", "lost", "changed")
                    if r[label]]
            parts.append(f"- `{r['token']}` `{r['claim']}`: " + ", ".join(bits))
        out += ["Claims:", *parts, ""]
    out += [f"Latency: {_latency_line(impact)}.", ""]
    segments = top_segments(impact, top)
    if len(segments):
        out += ["Where the changes are:", "",
                "| segment | logins | changed | of the segment | of all changes |",
                "|---|---:|---:|---:|---:|"]
        for _, s in segments.iterrows():
            out.append(f"| {s['column']} = {s['segment']} | {s['logins']:,} | {s['changed']:,} "
                       f"| {_pct(s['change_rate'], 1)} | {_pct(s['share_of_changed'], 1)} |")
        out.append("")
    shown = [(kind, c) for kind, c in counts]
    if shown and examples:
        out.append("Examples (trace with `impact.baseline.trace(id)` / "
                   "`impact.candidate.trace(id)`):")
        for kind, c in shown:
            out.append(f"- **{kind}** ({c:,} logins):")
            for _, row in impact.examples(kind, examples).iterrows():
                attrs = _attrs(row)
                out.append(f"  - `{row['login_id']}`: {_describe(row, kind)}"
                           + (f" — {attrs}" if attrs else ""))
        out.append("")
    if impact.notes:
        out += ["Notes: " + " ".join(f"{note}." for note in impact.notes), ""]
    return "\n".join(out).rstrip() + "\n"


def _count_table(impact: Impact) -> pd.DataFrame:
    counts = _counts(impact)
    keep = [o for o in counts.index if counts.loc[o].sum() or counts[o].sum()]
    table: pd.DataFrame = counts.reindex(index=keep, columns=keep)
    return table


def text_report(impact: Impact) -> str:
    """Terminal text: headline, transitions (counts), top segments, rule changes."""
    lines = [_headline(impact).replace("**", "")]
    if impact.rule_changes:
        lines.append("change: " + "; ".join(impact.rule_changes))
    lines += ["", "transitions (rows: baseline, columns: candidate):",
              _count_table(impact).to_string()]
    segments = top_segments(impact)
    if len(segments):
        seg = segments.copy()
        seg["change_rate"] = seg["change_rate"].map(lambda v: _pct(v, 1))
        seg["share_of_changed"] = seg["share_of_changed"].map(lambda v: _pct(v, 1))
        lines += ["", "top segments:", seg.to_string(index=False)]
    lines += ["", "latency: " + _latency_line(impact).replace("`", "")]
    return "\n".join(lines)


def html_report(impact: Impact) -> str:
    """Notebook HTML: the headline, the transitions table, top segments and changed logins."""
    parts = [f"<p>{html.escape(_headline(impact).replace('**', ''))}</p>"]
    if impact.rule_changes:
        parts.append(f"<p>{html.escape('; '.join(impact.rule_changes))}</p>")
    parts.append("<p><b>Transitions</b> (rows: baseline, columns: candidate)</p>")
    parts.append(_count_table(impact).to_html())
    segments = top_segments(impact)
    if len(segments):
        parts += ["<p><b>Top segments</b></p>",
                  segments.to_html(index=False, float_format=lambda v: f"{v:.3f}")]
    if len(impact.changed):
        cols = ["login_id", "kinds", "outcome_before", "outcome_after", "claims_gained",
                "claims_lost", *[c for c in ("connection", "client_name", "country")
                                 if c in impact.changed.columns]]
        parts += [f"<p><b>Changed logins</b> (first 10 of {len(impact.changed):,})</p>",
                  impact.changed[cols].head(10).to_html(index=False)]
    parts.append(f"<p>{html.escape('Latency: ' + _latency_line(impact).replace('`', ''))}</p>")
    return "\n".join(parts)
