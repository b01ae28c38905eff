"""HTML and text renderings shared by the widgets (plain strings: no ipywidgets here).

Kept apart so the renderings can be tested and reused without a widget front end, and so
the widget modules stay small. Every function only reads a Simulation or a frame; the traces
(one login, or one login under two rule sets) are drawn by :mod:`rulesim.widgets.trace`.

Tables are styled inline, with JupyterLab's theme variables and plain fallbacks: inside a
widget, JupyterLab's own table style (the one a DataFrame gets as a cell's value) does not
apply, and a bare ``<table>`` reads as a grid of boxes.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rulesim.outcomes import LoginOutcome, RuleOutcome
from rulesim.plots import OUTCOME_COLORS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rulesim.simulation import Simulation

__all__ = [
    "MONO",
    "PICK_LIST_CLASS",
    "PICK_LIST_STYLE",
    "SUMMARY_COLUMNS",
    "claim_namespace",
    "error_code_table",
    "figure_png",
    "frame_html",
    "html_table",
    "missing",
    "outcome_badge",
    "outcome_counts_text",
    "pick_list",
    "rules_table_html",
    "summary_text",
]

MONO = "font-family: var(--jp-code-font-family, ui-monospace, Menlo, Consolas, monospace)"
"""Inline CSS for code-like text (JSON paths, tokens, login ids)."""

_BORDER = "var(--jp-border-color2, #e0e0e0)"
_STRIPE = "var(--jp-rendermime-table-row-background, #f5f5f5)"
_MUTED = "var(--jp-ui-font-color2, #757575)"
_HIGHLIGHT = "var(--jp-warn-color3, #fff8e1)"

SUMMARY_COLUMNS = ("order", "rule", "runs", "ok", "denied", "error", "timeout", "skipped",
                   "claims", "error_codes")
"""Columns of the per-rule table shown in text form: counts only, no measured timings, so
the text is identical on every run of the same seed."""


def missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers (never raises on lists or dicts)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def outcome_badge(outcome: str) -> str:
    """An outcome as a small coloured HTML label (it never wraps)."""
    color = OUTCOME_COLORS.get(outcome, "#757575")
    return (f'<span style="background:{color};color:white;border-radius:3px;'
            f'padding:0 4px;white-space:nowrap">{html.escape(outcome)}</span>')


def _number(value: Any, decimals: int = 1) -> str:
    if missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.{decimals}f}"
    return html.escape(str(value))


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]], *,
               right: Iterable[int] = (), nowrap: Iterable[int] = (),
               widths: Sequence[str] | None = None, mono: bool = False,
               highlight: Iterable[int] = ()) -> str:
    """A compact, striped HTML table; cells are HTML already (escape them first).

    Parameters
    ----------
    header
        Column titles (plain text).
    rows
        One sequence of HTML cells per row.
    right
        Indexes of the columns to right-align (numbers).
    nowrap
        Indexes of the columns whose cells never wrap (names, badges).
    widths
        With fixed column widths (``["50%", "50%"]``), the table fills its container and long
        cells wrap inside their column instead of pushing the next one out of view.
    mono
        Set the whole table in the code font.
    highlight
        Indexes of the rows to highlight (rows that differ, in a comparison).
    """
    right_set, nowrap_set, marked = set(right), set(nowrap), set(highlight)

    def style(i: int, head: bool = False) -> str:
        parts = ["padding:2px 6px", "vertical-align:top",
                 f"text-align:{'right' if i in right_set else 'left'}"]
        if i in nowrap_set:
            parts.append("white-space:nowrap")
        elif widths is not None:
            parts.append("overflow-wrap:anywhere")
        if head:
            parts += [f"border-bottom:1px solid {_BORDER}", "font-weight:bold"]
        return ";".join(parts)

    cols = ""
    if widths is not None:
        cols = "<colgroup>" + "".join(f'<col style="width:{w}">' for w in widths) + "</colgroup>"
    head = "".join(f'<th style="{style(i, True)}">{html.escape(h)}</th>'
                   for i, h in enumerate(header))
    body = "".join(
        f'<tr style="background:{_HIGHLIGHT if k in marked else _STRIPE if k % 2 else "transparent"}">'
        + "".join(f'<td style="{style(i)}">{c}</td>' for i, c in enumerate(row)) + "</tr>"
        for k, row in enumerate(rows))
    layout = "table-layout:fixed;width:100%;" if widths is not None else ""
    font = f"{MONO};" if mono else ""
    # line-height: a widget's HTML inherits the 28 px line of a one-line control.
    return (f'<table style="{layout}{font}border-collapse:collapse;font-size:12px;margin:0;'
            f"line-height:1.35;"
            f'font-variant-numeric:tabular-nums">{cols}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


_FORMATTED_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+\s?%?$")


def _numeric(col: pd.Series) -> bool:
    """Numbers, or text that only holds formatted numbers (``"1,234"``, ``"12.5%"``)."""
    if pd.api.types.is_bool_dtype(col):
        return False
    if pd.api.types.is_numeric_dtype(col):
        return True
    values = [str(v) for v in col.tolist() if not missing(v) and str(v)]
    return bool(values) and all(_FORMATTED_NUMBER.match(v) for v in values)


def frame_html(frame: pd.DataFrame, *, max_rows: int = 50, index: bool = False) -> str:
    """A DataFrame as a compact HTML table (at most ``max_rows`` rows, then a count).

    Integers get thousands separators and floats one decimal, like every count the views
    print; numeric columns (and columns of formatted numbers such as ``"12.5%"``) are
    right-aligned; ``snake_case`` column names read as words.
    """
    shown = frame.head(max_rows)
    columns = [str(c).replace("_", " ") for c in shown.columns]
    if index:
        names = [n for n in shown.index.names if n is not None]
        corner = " / ".join(str(n) for n in names)
        if shown.columns.name is not None:  # a cross table: say which way each side reads
            corner = f"{corner} ↓  {shown.columns.name} →"
        columns = [corner, *columns]
    numeric = {i + int(index) for i, c in enumerate(shown.columns) if _numeric(shown[c])}
    rows = []
    for key, values in zip(shown.index, shown.itertuples(index=False), strict=True):
        cells = [_number(v) for v in values]
        rows.append([html.escape(str(key)), *cells] if index else cells)
    table = html_table(columns, rows, right=numeric, nowrap=[0] if index else ())
    more = (f'<p style="margin:2px 0"><i>… {len(frame) - max_rows:,} more rows</i></p>'
            if len(frame) > max_rows else "")
    return f'<div style="overflow-x:auto">{table}</div>{more}'


def figure_png(fig: Figure, *, dpi: int = 80) -> bytes:
    """Render a matplotlib figure to PNG bytes (for an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def outcome_counts_text(logins: pd.DataFrame) -> str:
    """``"2,000 logins: allowed 540, denied 210, …"`` with the outcomes that occur."""
    counts = logins["outcome"].astype(str).value_counts()
    order = [o.value for o in LoginOutcome if counts.get(o.value)]
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


_RULE_COUNTS = ("runs", "ok", "denied", "error", "timeout", "skipped")
_RULE_TIMES = (("cpu_us_p50", "p50 µs"), ("cpu_us_p95", "p95 µs"), ("io_ms_p95", "I/O p95 ms"))


def _listed(text: Any, strip: str = "") -> str:
    """``"a, b"`` as one line per item, each kept whole (a claim URL never breaks)."""
    if missing(text) or not str(text):
        return ""
    items = [p.strip() for p in str(text).split(",")]
    return "<br>".join(f'<span style="white-space:nowrap">'
                       f"{html.escape(p[len(strip):] if strip and p.startswith(strip) else p)}"
                       f"</span>" for p in items)


def claim_namespace(claims: Iterable[str]) -> str:
    """The ``https://host/`` prefix that every namespaced claim shares, or ``""``.

    Auth0 requires custom claims to be namespaced, so a tenant's claims usually all start
    with the same URL; the per-rule table names it once instead of on every line.
    """
    urls = sorted({c for c in claims if c.startswith(("http://", "https://"))})
    if len(urls) < 2:
        return ""
    first, last = urls[0], urls[-1]  # sorted: their common prefix is everyone's
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b),
                min(len(first), len(last)))
    prefix = first[:size]
    cut = prefix.rfind("/")
    return prefix[:cut + 1] if cut > len("https://") else ""


def rules_table_html(table: pd.DataFrame) -> str:
    """The per-rule summary as a table that fits a notebook: one line per rule.

    Counts with thousands separators (zeros muted, so what a rule did stands out; the
    ``timeout`` column only when a rule timed out), the measured CPU percentiles, and the
    claims and error codes one per line. The login totals are not repeated here: the view
    shows them once, above its tabs.
    """
    # Timeouts are rare: a column of zeros would only push the claims out of view.
    counted = [c for c in _RULE_COUNTS if c != RuleOutcome.TIMEOUT or table[c].any()]
    header = ["#", "rule", *counted, *(t for _, t in _RULE_TIMES), "claims", "error codes"]
    claims = [c.strip() for text in table.get("claims", pd.Series(dtype=str)).dropna()
              for c in str(text).split(",") if c.strip()]
    namespace = claim_namespace(claims)
    rows = []
    for r in table.to_dict("records"):
        counts = [_number(r[c]) if r[c] else f'<span style="color:{_MUTED}">0</span>'
                  for c in counted]
        # A rule that never ran has no timings (not 0.0 µs).
        times = [_number(r[c]) if c in r and r["runs"] else "" for c, _ in _RULE_TIMES]
        rows.append([str(r["order"]), html.escape(str(r["rule"])), *counts, *times,
                     _listed(r.get("claims"), namespace), _listed(r.get("error_codes"))])
    n = len(counted) + len(_RULE_TIMES)
    table_html = html_table(header, rows, right=[0, *range(2, 2 + n)], nowrap=range(2 + n))
    note = (f'<p style="margin:4px 0;color:{_MUTED};line-height:1.35">claims are shown without '
            f"their namespace <code>{html.escape(namespace)}</code></p>" if namespace else "")
    return f'{note}<div style="overflow-x:auto">{table_html}</div>'


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


PICK_LIST_CLASS = "rulesim-pick-list"
"""CSS class of the ``Select`` widgets whose options are aligned table rows."""

PICK_LIST_STYLE = (f"<style>.{PICK_LIST_CLASS} select, .{PICK_LIST_CLASS} option "
                   f"{{{MONO}; font-size:12px}}</style>")
"""A ``<style>`` element (put in an ``HTML`` widget beside the list) that sets the pick
lists in the code font, so their padded columns line up."""

_PAD = "\u00a0"  # <option> text collapses ordinary spaces; no-break spaces keep the columns


def pick_list(frame: pd.DataFrame, columns: Sequence[str], *, widest: int = 28,
              labels: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Rows of ``frame`` as fixed-width text lines for a ``Select``, and their header line.

    Each column is as wide as its longest value on this page (at most ``widest``
    characters; longer values end with ``…``), so a page reads as a table and each row can
    still be picked. Padding uses no-break spaces, which ``<option>`` text keeps.

    Returns
    -------
    tuple[str, list[str]]
        The header as HTML (aligned the same way) and one label per row.
    """
    names = [(labels or {}).get(c, c) for c in columns]
    texts = [["" if missing(v) else str(v) for v in frame[c].tolist()] for c in columns]
    texts = [[t if len(t) <= widest else t[:widest - 1] + "…" for t in col] for col in texts]
    widths = [max([len(n), *map(len, col)]) for n, col in zip(names, texts, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return (_PAD * 2).join(c.ljust(w, _PAD) for c, w in zip(cells, widths, strict=True)).rstrip(_PAD)

    rows = [line(cells) for cells in zip(*texts, strict=True)] if len(frame) else []
    header = (f'<div style="{MONO};font-size:12px;font-weight:bold;white-space:pre;'
              f'padding:0 0 0 5px;overflow:hidden">{html.escape(line(names))}</div>')
    return header, rows
