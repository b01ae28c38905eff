"""One login's story as HTML: alone (:func:`trace_html`) or under two rule sets side by side
(:func:`compare_html`). Plain strings, no ipywidgets; they only read :class:`LoginTrace`.

Both take ``redact``, a function applied to the finished HTML (a
:class:`~rulesim.widgets.secrets.Redactor`): rules write console lines, URLs and claims, and
whatever secret they leak there must not reach the screen.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rulesim.outcomes import LoginOutcome, RuleOutcome
from rulesim.widgets.render import MONO, html_table, missing, outcome_badge

if TYPE_CHECKING:
    import pandas as pd

    from rulesim.trace import LoginTrace

__all__ = ["NO_TOKENS", "SIGNS", "change_rows", "compare_html", "json_path", "tokens_html",
           "trace_html"]

SIGNS = {"add": "+", "remove": "-", "replace": "~"}
"""Diff sign of each change ``op``."""

NO_TOKENS = ("denied", "error", "timeout")
"""Login outcomes for which Auth0 issues no token at all."""

_DIFF_COLORS = {"add": "var(--jp-success-color3, #e8f5e9)",
                "remove": "var(--jp-error-color3, #ffebee)",
                "replace": "var(--jp-warn-color3, #fff8e1)"}
_MUTED = "color:var(--jp-ui-font-color2, #757575)"
# A widget's HTML inherits the 28 px line height of a one-line control: set a text one.
_LINES = '<div style="line-height:1.35">{}</div>'


def _esc(value: Any) -> str:
    return "" if value is None or missing(value) else html.escape(str(value))


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
        before = "" if missing(ch.before) else str(ch.before)
        after = "" if missing(ch.after) else str(ch.after)
        text = {"add": after, "remove": before}.get(op, f"{before} → {after}")
        rows.append((str(ch.rule), op, SIGNS.get(op, "?"), json_path(str(ch.target), str(ch.path)),
                     text, bool(ch.persisted)))
    return rows


def _section(title: str, body: str) -> str:
    return f'<h4 style="margin:10px 0 2px 0">{html.escape(title)}</h4>{body}'


def _diff_html(changes: pd.DataFrame) -> str:
    rows = change_rows(changes)
    if not rows:
        return "<i>no changes</i>"
    lines = []
    for rule, op, sign, where, text, persisted in rows:
        saved = " <b>[persisted]</b>" if persisted else ""
        lines.append(f'<div style="background:{_DIFF_COLORS.get(op, "transparent")};{MONO};'
                     f'font-size:12px;overflow-wrap:anywhere;padding:0 4px">'
                     f"{html.escape(sign)} <b>{html.escape(where)}</b> = {html.escape(text)}"
                     f'{saved} <span style="{_MUTED}">({html.escape(rule)})</span></div>')
    return "".join(lines)


def _calls_html(trace: LoginTrace) -> str:
    calls = [(html.escape(str(c.rule)), html.escape(str(c.method)), html.escape(str(c.url)),
              _esc(c.error) or _esc(c.status), f"{float(c.latency_ms):,.0f} ms",
              "fire and forget" if c.fire_and_forget else "")
             for c in trace.calls.itertuples(index=False)]
    if not calls:
        return "<i>no external calls</i>"
    return html_table(["rule", "method", "url", "answer", "latency", ""], calls,
                      right=[4], nowrap=[0, 1, 4],
                      widths=["24%", "9%", "41%", "10%", "8%", "8%"])


def _console_html(trace: LoginTrace) -> str:
    logs = [(html.escape(str(log.rule)), html.escape(str(log.level)), html.escape(str(log.message)))
            for log in trace.logs.itertuples(index=False)]
    if not logs:
        return "<i>no console output</i>"
    return html_table(["rule", "level", "message"], logs, nowrap=[0, 1],
                      widths=["26%", "8%", "66%"])


def tokens_html(trace: LoginTrace) -> str:
    """The tokens Auth0 would issue for this login, or why it issues none.

    A denied, failed or timed-out login gets no token: the claims rules added before the
    failure are never issued, so they are not shown as if they were.
    """
    if trace.outcome in NO_TOKENS:
        return (f"<i>none: the login ended <b>{html.escape(trace.outcome)}</b>, so no ID or "
                f"access token is issued</i>")
    tokens: dict[str, Any] = {"id_token": trace.id_token, "access_token": trace.access_token,
                              "scopes": trace.scopes}
    if trace.mfa:
        tokens["multifactor"] = trace.mfa
    note = ("<i>not issued yet: the login waits on a redirect; these are the claims so far</i>"
            if trace.outcome == LoginOutcome.REDIRECT else "")
    body = html.escape(json.dumps(tokens, indent=2, sort_keys=True))
    return (f'{note}<pre style="{MONO};font-size:12px;white-space:pre-wrap;'
            f'overflow-wrap:anywhere;margin:2px 0">{body}</pre>')


def _headline(trace: LoginTrace) -> str:
    head = f"{outcome_badge(trace.outcome)}"
    if trace.error_code:
        head += f" <code>{_esc(trace.error_code)}</code>: {_esc(trace.error_message)}"
    if trace.redirect:
        head += f"<br>redirect: <code style=\"overflow-wrap:anywhere\">{_esc(trace.redirect)}</code>"
    return head


def _rule_cell(r: Any, column: str) -> str:
    if str(r.outcome) == RuleOutcome.SKIPPED:
        return ""
    return str(int(getattr(r, column)))


def trace_html(trace: LoginTrace, redact: Callable[[str], str] | None = None) -> str:
    """One login's whole story as HTML: rules in order, diff, calls, console, final tokens."""
    head = (f'<div style="overflow-wrap:anywhere"><b>{html.escape(trace.login_id)}</b> '
            f"{_esc(trace.user_id)} {_headline(trace)}</div>")
    runs = [(str(r.order), html.escape(str(r.rule)), outcome_badge(str(r.outcome)),
             _rule_cell(r, "n_changes"), _rule_cell(r, "n_calls"),
             f"{_esc(r.error_code)} {_esc(r.error_message)}".strip())
            for r in trace.rule_runs.itertuples(index=False)]
    parts = [head,
             _section("Rules", html_table(["#", "rule", "outcome", "changes", "calls", "error"],
                                          runs, right=[0, 3, 4], nowrap=[0, 1, 2, 3, 4])),
             _section("Changes", _diff_html(trace.changes)),
             _section("Calls", _calls_html(trace)),
             _section("Console", _console_html(trace)),
             _section("Final tokens", tokens_html(trace))]
    out = _LINES.format("".join(parts))
    return redact(out) if redact is not None else out


def _pair(title: str, left: str, right: str) -> str:
    """Two cells side by side in fixed halves, so their contents line up and wrap, never clip."""
    return _section(title, html_table(["baseline", "candidate"], [(left, right)],
                                      widths=["50%", "50%"]))


def _run_cells(r: Any) -> tuple[str, str, str, str]:
    """(outcome badge, changes, calls, error) of one rule run; a rule missing on one side."""
    if r is None:
        return ("<i>absent</i>", "", "", "")
    return (outcome_badge(str(r.outcome)), _rule_cell(r, "n_changes"), _rule_cell(r, "n_calls"),
            f"{_esc(r.error_code)} {_esc(r.error_message)}".strip())


def _both(before: str, after: str) -> str:
    """One count, or ``before → after`` when the two sides differ (``–``: the rule was skipped)."""
    return before if before == after else f"{before or '–'} → {after or '–'}"


def _rules_pair(before: LoginTrace, after: LoginTrace) -> str:
    """Both rule lists in one table, row by row; rows whose result differs are highlighted."""
    b = {str(r.rule): r for r in before.rule_runs.itertuples(index=False)}
    a = {str(r.rule): r for r in after.rule_runs.itertuples(index=False)}
    rows: list[tuple[str, ...]] = []
    differ: list[int] = []
    for name in dict.fromkeys([*a, *b]):
        cb, ca = _run_cells(b.get(name)), _run_cells(a.get(name))
        if cb[:3] != ca[:3]:
            differ.append(len(rows))
        errors = " → ".join(e for e in dict.fromkeys([cb[3], ca[3]]) if e)
        rows.append((str((a.get(name) or b[name]).order), html.escape(name), cb[0], ca[0],
                     _both(cb[1], ca[1]), _both(cb[2], ca[2]), errors))
    table = html_table(["#", "rule", "baseline", "candidate", "changes", "calls", "error"],
                       rows, right=[0, 4, 5], nowrap=[0, 1, 2, 3, 4, 5], highlight=differ)
    return _section("Rules", f'<div style="overflow-x:auto">{table}</div>')


def compare_html(before: LoginTrace, after: LoginTrace,
                 redact: Callable[[str], str] | None = None) -> str:
    """One login under the baseline and the candidate, aligned section by section.

    The outcome, the diff, the calls, the console and the tokens sit in two halves of fixed
    width (long lines wrap inside their half); the rules are one table, so rule *n* of the
    baseline is on the same line as rule *n* of the candidate.
    """
    head = (f'<div style="overflow-wrap:anywhere"><b>{html.escape(before.login_id)}</b> '
            f"{_esc(before.user_id)}</div>")
    parts = [head,
             _pair("Outcome", _headline(before), _headline(after)),
             _rules_pair(before, after),
             _pair("Changes", _diff_html(before.changes), _diff_html(after.changes)),
             _pair("Calls", _compact_calls(before), _compact_calls(after)),
             _pair("Console", _compact_console(before), _compact_console(after)),
             _pair("Final tokens", tokens_html(before), tokens_html(after))]
    out = _LINES.format("".join(parts))
    return redact(out) if redact is not None else out


def _compact_calls(trace: LoginTrace) -> str:
    """Calls as one line each (``rule: GET url ⇒ 200, 12 ms``), for a half-width column."""
    lines = [f'<div style="{MONO};font-size:12px;overflow-wrap:anywhere">'
             f"<b>{html.escape(str(c.rule))}</b>: {html.escape(str(c.method))} "
             f"{html.escape(str(c.url))} ⇒ {_esc(c.error) or _esc(c.status)}, "
             f"{float(c.latency_ms):,.0f} ms{' (fire and forget)' if c.fire_and_forget else ''}"
             f"</div>" for c in trace.calls.itertuples(index=False)]
    return "".join(lines) or "<i>no external calls</i>"


def _compact_console(trace: LoginTrace) -> str:
    """Console lines as ``rule: message``, for a half-width column."""
    lines = [f'<div style="{MONO};font-size:12px;overflow-wrap:anywhere">'
             f"<b>{html.escape(str(log.rule))}</b> [{html.escape(str(log.level))}] "
             f"{html.escape(str(log.message))}</div>" for log in trace.logs.itertuples(index=False)]
    return "".join(lines) or "<i>no console output</i>"
