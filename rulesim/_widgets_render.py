"""HTML and text renderings shared by the widgets (plain strings: no ipywidgets here).

Kept apart so the renderings can be tested and reused without a widget front end, and so
the widget modules stay small. Every function only reads a Simulation, a LoginTrace or a frame.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim.plots import OUTCOME_COLORS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rulesim.simulation import Simulation
    from rulesim.trace import LoginTrace

__all__ = [
    "SIGNS",
    "change_rows",
    "error_code_table",
    "figure_png",
    "frame_html",
    "json_path",
    "outcome_badge",
    "outcome_counts_text",
    "summary_text",
    "trace_html",
]

SIGNS = {"add": "+", "remove": "-", "replace": "~"}
"""Diff sign of each change ``op``."""

_DIFF_COLORS = {"add": "#e8f5e9", "remove": "#ffebee", "replace": "#fff8e1"}
_MONO = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px"
SUMMARY_COLUMNS = ("order", "rule", "runs", "ok", "denied", "error", "timeout", "skipped",
                   "claims", "error_codes")
"""Columns of the per-rule table shown in text form: counts only, no measured timings, so
the text is identical on every run of the same seed."""


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _esc(value: Any) -> str:
    return "" if value is None or _missing(value) else html.escape(str(value))


def outcome_badge(outcome: str) -> str:
    """An outcome as a small coloured HTML label."""
    color = OUTCOME_COLORS.get(outcome, "#757575")
    return (f'<span style="background:{color};color:white;border-radius:3px;'
            f'padding:0 4px">{html.escape(outcome)}</span>')


def frame_html(frame: pd.DataFrame, *, max_rows: int = 50, index: bool = False) -> str:
    """A DataFrame as a compact HTML table (at most ``max_rows`` rows, then a count)."""
    shown = frame.head(max_rows)
    body = shown.to_html(index=index, border=0, na_rep="", escape=True,
                         float_format=lambda v: f"{v:,.1f}")
    more = (f"<p><i>… {len(frame) - max_rows:,} more rows</i></p>"
            if len(frame) > max_rows else "")
    return f'<div style="overflow-x:auto;{_MONO}">{body}</div>{more}'


def figure_png(fig: Figure, *, dpi: int = 80) -> bytes:
    """Render a matplotlib figure to PNG bytes (for an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def outcome_counts_text(logins: pd.DataFrame) -> str:
    """``"2,000 logins: allowed 540, denied 210, …"`` with the outcomes that occur."""
    counts = logins["outcome"].astype(str).value_counts()
    order = [o for o in ("allowed", "denied", "error", "timeout", "redirect") if counts.get(o)]
    parts = ", ".join(f"{o} {int(counts[o]):,}" for o in order)
    return f"{len(logins):,} logins: {parts}" if parts else f"{len(logins):,} logins"


def summary_text(sim: Simulation) -> str:
    """The per-rule table (counts, claims, error codes; no timings) and the login totals."""
    table = sim.summary().table
    cols = [c for c in SUMMARY_COLUMNS if c in table.columns]
    with pd.option_context("display.width", 250, "display.max_columns", 30,
                           "display.max_colwidth", 60):
        body = table[cols].to_string(index=False)
    flag = "" if sim.complete else "  (INCOMPLETE: interrupted run)"
    return f"{outcome_counts_text(sim.logins)}{flag}\n{body}"


def error_code_table(sim: Simulation, top: int = 10) -> pd.DataFrame:
    """The most frequent error codes of the logins, with the rule that decided them.

    Returns
    -------
    pandas.DataFrame
        Columns ``error_code``, ``deciding_rule``, ``logins``, ``share`` (of all logins) and
        ``example`` (one message), most frequent first.
    """
    logins = sim.logins
    failed = logins[logins["error_code"].notna()]
    cols = ["error_code", "deciding_rule", "logins", "share", "example"]
    if failed.empty:
        empty: pd.DataFrame = pd.DataFrame(columns=cols)
        return empty
    keyed = failed.assign(error_code=failed["error_code"].astype(str),
                          deciding_rule=failed["deciding_rule"].astype(str)
                          .where(failed["deciding_rule"].notna(), "(none)"))
    grouped = keyed.groupby(["error_code", "deciding_rule"], sort=False)
    table = grouped.agg(logins=("login_id", "size"), example=("error_message", "first"))
    table = table.reset_index().sort_values(["logins", "error_code"], ascending=[False, True],
                                            kind="stable")
    table["share"] = table["logins"] / max(len(logins), 1)
    out: pd.DataFrame = table[cols].head(top).reset_index(drop=True)
    return out


def json_path(target: str, path: str) -> str:
    """Where a change happened, readable: ``id_token["https://acme.com/roles"]``,
    ``app_metadata.login_count``, ``multifactor``."""
    if not path:
        return target
    if path.startswith("["):
        return f"{target}{path}"
    if path.startswith(f"{target}."):
        return path
    return f"{target}.{path}"


def change_rows(changes: pd.DataFrame) -> list[tuple[str, str, str, str, str, bool]]:
    """Changes as ``(rule, op, sign, json_path, text, persisted)`` diff rows, in order.

    ``text`` is ``after`` for an add, ``before`` for a remove and ``before → after`` for a
    replacement (JSON values as the rule left them).
    """
    rows = []
    for ch in changes.itertuples(index=False):
        op = str(ch.op)
        before = "" if _missing(ch.before) else str(ch.before)
        after = "" if _missing(ch.after) else str(ch.after)
        text = {"add": after, "remove": before}.get(op, f"{before} → {after}")
        rows.append((str(ch.rule), op, SIGNS.get(op, "?"), json_path(str(ch.target), str(ch.path)),
                     text, bool(ch.persisted)))
    return rows


def _section(title: str, body: str) -> str:
    return f'<h4 style="margin:8px 0 2px 0">{html.escape(title)}</h4>{body}'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th style="text-align:left;padding:0 6px">{html.escape(h)}</th>'
                   for h in header)
    body = "".join("<tr>" + "".join(f'<td style="padding:0 6px;vertical-align:top">{c}</td>'
                                    for c in row) + "</tr>" for row in rows)
    return f'<table style="{_MONO};border-collapse:collapse"><tr>{head}</tr>{body}</table>'


def _diff_html(changes: pd.DataFrame) -> str:
    rows = change_rows(changes)
    if not rows:
        return "<i>no changes</i>"
    lines = []
    for rule, op, sign, where, text, persisted in rows:
        saved = " <b>[persisted]</b>" if persisted else ""
        lines.append(f'<div style="background:{_DIFF_COLORS.get(op, "#fff")};{_MONO}">'
                     f"{html.escape(sign)} <b>{html.escape(where)}</b> = {html.escape(text)}"
                     f'{saved} <span style="color:#757575">({html.escape(rule)})</span></div>')
    return "".join(lines)


def trace_html(trace: LoginTrace) -> str:
    """One login's whole story as HTML: rules in order, diff, calls, console, final tokens."""
    head = (f"<b>{html.escape(trace.login_id)}</b> {_esc(trace.user_id)} "
            f"{outcome_badge(trace.outcome)}")
    if trace.error_code:
        head += f"<br><code>{_esc(trace.error_code)}</code>: {_esc(trace.error_message)}"
    if trace.redirect:
        head += f"<br>redirect: <code>{_esc(trace.redirect)}</code>"
    runs = [(str(r.order), html.escape(str(r.rule)), outcome_badge(str(r.outcome)),
             str(int(r.n_changes)) if str(r.outcome) != "skipped" else "",
             str(int(r.n_calls)) if str(r.outcome) != "skipped" else "",
             f"{_esc(r.error_code)} {_esc(r.error_message)}".strip())
            for r in trace.rule_runs.itertuples(index=False)]
    parts = [head,
             _section("Rules", _table(["#", "rule", "outcome", "changes", "calls", "error"], runs)),
             _section("Changes", _diff_html(trace.changes))]
    calls = [(html.escape(str(c.rule)), html.escape(str(c.method)), html.escape(str(c.url)),
              _esc(c.error) or _esc(c.status), f"{float(c.latency_ms):.0f} ms",
              "fire and forget" if c.fire_and_forget else "")
             for c in trace.calls.itertuples(index=False)]
    parts.append(_section("Calls", _table(["rule", "method", "url", "answer", "latency", ""], calls)
                          if calls else "<i>no external calls</i>"))
    logs = [(html.escape(str(log.rule)), html.escape(str(log.level)), html.escape(str(log.message)))
            for log in trace.logs.itertuples(index=False)]
    parts.append(_section("Console", _table(["rule", "level", "message"], logs)
                          if logs else "<i>no console output</i>"))
    tokens = {"id_token": trace.id_token, "access_token": trace.access_token,
              "scopes": trace.scopes}
    if trace.mfa:
        tokens["multifactor"] = trace.mfa
    parts.append(_section("Final tokens", f'<pre style="{_MONO}">'
                          f"{html.escape(json.dumps(tokens, indent=2, sort_keys=True))}</pre>"))
    return "".join(parts)
