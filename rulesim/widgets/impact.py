"""The widget over an ``Impact``: transitions, segments, claims, changed logins before/after."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim.errors import UsageError
from rulesim.plots import ImpactPlots, claim_counts, transition_counts
from rulesim.widgets.base import View, block_html, ipywidgets
from rulesim.widgets.render import PICK_LIST_CLASS, PICK_LIST_STYLE, figure_png, frame_html, pick_list
from rulesim.widgets.secrets import as_redactor
from rulesim.widgets.trace import compare_html, trace_html

if TYPE_CHECKING:
    from rulesim.impact import Impact
    from rulesim.trace import LoginTrace

__all__ = ["ImpactView"]

_SEGMENT_DEFAULTS = ("connection", "client_name", "country", "protocol", "strategy", "tags",
                     "email_domain", "prompt", "user_agent_family")
_CHANGED_COLUMNS = ("login_id", "kinds", "outcome_before", "outcome_after", "claims_gained",
                    "claims_lost", "connection", "client_name", "country")
_LIST_COLUMNS = ("login_id", "outcome_before", "arrow", "outcome_after", "kinds", "connection",
                 "client_name", "country")
_LIST_LABELS = {"login_id": "login", "outcome_before": "baseline", "arrow": "",
                "outcome_after": "candidate", "kinds": "what changed", "client_name": "client"}
_ANY = "any"


class ImpactView(View):
    """What a rule change does: transitions, per-segment bars, claims, the changed logins.

    Parameters
    ----------
    impact
        The result of ``rs.compare`` (only read).
    page_size
        Changed logins per page in the browser.
    secrets
        Values to mask wherever a rule leaked them into a trace (see
        :class:`~rulesim.widgets.LoginBrowser`).

    Attributes
    ----------
    impact
        The impact on show.
    header
        ``HTML``: headline numbers, what changed between the rule sets, caveats.
    transitions_table
        ``HTML`` of the baseline × candidate outcome counts.
    segment_column, segment_image, segment_table
        Choose a population column; its bars (``Image``) and the ``impact.by`` table.
    claims_table, claims_image
        Claim gains and losses.
    kind, changed_select, prev_button, next_button, page_label
        Browse the changed logins by kind of change, page by page; ``changed_header`` is the
        column header over ``changed_select``'s aligned rows.
    compare_view
        ``HTML``: the selected login under the baseline and the candidate, aligned section by
        section (the rules as one table, row by row).
    before_view, after_view
        ``HTML`` full traces of the selected login under the baseline and the candidate, each
        at full width in the collapsed ``full_traces`` accordion.
    tabs
        ``Transitions``, ``Segments``, ``Claims``, ``Changed logins``.
    """

    def __init__(self, impact: Impact, *, page_size: int = 50,
                 secrets: Iterable[str] | Callable[[str], str] | None = None) -> None:
        w = ipywidgets()
        self._redact = as_redactor(secrets)
        self.impact = impact
        self.page_size = page_size
        self._page = 0
        self._rows = impact.changed
        self._before: LoginTrace | None = None
        self._after: LoginTrace | None = None
        self._plots = ImpactPlots(impact)
        lines = [f"<b>{html.escape(self.headline())}</b>"]
        lines += [f"• {html.escape(c)}" for c in impact.rule_changes]
        lines += [f"<i>note: {html.escape(n)}</i>" for n in impact.notes]
        self.header = w.HTML("<br>".join(lines))
        self.transitions_table = block_html(frame_html(transition_counts(impact), index=True))
        columns = [c for c in _SEGMENT_DEFAULTS if c in impact.attributes]
        columns += [c for c in impact.attributes if c not in columns]
        self.segment_column = w.Dropdown(description="segment", options=columns,
                                         value=columns[0] if columns else None)
        self.segment_image = w.Image(format="png")
        self.segment_table = block_html()
        self.segment_column.observe(self._on_segment, names="value")
        claims = claim_counts(impact)
        self.claims_table = block_html(frame_html(claims, index=True) if len(claims)
                                   else "<i>no claim gained, lost or changed</i>")
        self.claims_image = w.Image(value=figure_png(self._plots.claims()), format="png")
        kinds = [_ANY, *[k for k in _kinds(impact) if impact.count(k)]]
        moves = [f"{a}->{b}" for a in transition_counts(impact).index
                 for b in transition_counts(impact).columns
                 if a != b and impact.moved(str(a), str(b))]
        self.kind = w.Dropdown(description="change", options=[*kinds, *moves], value=_ANY)
        self.kind.observe(lambda _c: self.show_kind(self.kind.value), names="value")
        self.prev_button = w.Button(description="◀ prev", layout=w.Layout(width="80px"))
        self.next_button = w.Button(description="next ▶", layout=w.Layout(width="80px"))
        self.prev_button.on_click(lambda _b: self.go(self._page - 1))
        self.next_button.on_click(lambda _b: self.go(self._page + 1))
        self.page_label = w.HTML()
        self.changed_header = block_html()
        self.changed_select = w.Select(options=[], rows=10, layout=w.Layout(width="100%"))
        self.changed_select.add_class(PICK_LIST_CLASS)
        self.changed_select.observe(self._on_select, names="value")
        self.row_view = block_html()
        self.compare_view = block_html("<i>select a changed login to see it under both rule sets</i>")
        self.before_view = block_html()
        self.after_view = block_html()
        self.full_traces = w.Accordion(children=[self.before_view, self.after_view],
                                       titles=["Full trace under the baseline",
                                               "Full trace under the candidate"],
                                       selected_index=None)
        browser = w.VBox([
            w.HBox([self.kind, self.prev_button, self.next_button, self.page_label]),
            self.changed_header, self.changed_select, self.row_view, self.compare_view,
            self.full_traces,
        ])
        self.tabs = w.Tab(children=[
            w.VBox([self.transitions_table]),
            w.VBox([self.segment_column, self.segment_image, self.segment_table]),
            w.VBox([self.claims_table, self.claims_image]),
            browser,
        ], titles=["Transitions", "Segments", "Claims", "Changed logins"])
        self.widget = w.VBox([self.header, self.tabs])
        if columns:
            self.segment(columns[0])
        self._render_page()

    # -- driving from code ---------------------------------------------------------------------
    def headline(self) -> str:
        """``"207 of 2,000 logins (10.3%) change; 0 change outcome"``."""
        n, changed = len(self.impact), len(self.impact.changed)
        pct = f" ({changed / n:.1%})" if n else ""
        return f"{changed:,} of {n:,} logins{pct} change; {self.impact.moved():,} change outcome"

    def segment(self, column: str) -> pd.DataFrame:
        """Show the per-segment bars of ``column`` and return ``impact.by(column)``."""
        if column not in self.segment_column.options:
            raise UsageError(f"unknown segment column {column!r}; expected one of "
                             f"{list(self.segment_column.options)}")
        if self.segment_column.value != column:
            self.segment_column.value = column  # the observer renders
        else:
            self._render_segment(column)
        return self.impact.by(column)

    def show_kind(self, kind: str) -> pd.DataFrame:
        """List the changed logins of one kind (``"mfa"``, ``"allowed->denied"``, ``"any"``)."""
        if kind not in self.kind.options:
            raise UsageError(f"unknown change {kind!r}; expected one of {list(self.kind.options)}")
        if self.kind.value != kind:
            self.kind.value = kind  # the observer comes back here
            return self._rows
        self._rows = _of_kind(self.impact.changed, kind)
        self._page = 0
        self._render_page()
        return self._rows

    def go(self, page: int) -> None:
        """Show page ``page`` (0-based, clamped) of the changed logins."""
        self._page = max(0, min(page, self.pages - 1))
        self._render_page()

    def select(self, login_id: str) -> tuple[LoginTrace, LoginTrace]:
        """Show ``login_id`` under the baseline and the candidate; return both traces."""
        self._before = self.impact.baseline.trace(login_id)
        self._after = self.impact.candidate.trace(login_id)
        self.compare_view.value = compare_html(self._before, self._after, self._redact)
        self.before_view.value = trace_html(self._before, self._redact)
        self.after_view.value = trace_html(self._after, self._redact)
        row = self.impact.changed[self.impact.changed["login_id"] == login_id]
        if len(row):
            r = row.iloc[0]
            parts = [f"what changed: <b>{html.escape(str(r['kinds']))}</b>"]
            for col in ("claims_gained", "claims_lost", "claims_changed"):
                if r[col]:
                    parts.append(f"{col.split('_')[1]}: <code>{html.escape(str(r[col]))}</code>")
            self.row_view.value = self._redact(" · ".join(parts))
        else:
            self.row_view.value = f"<b>{html.escape(login_id)}</b>: no difference"
        return self._before, self._after

    # -- state ---------------------------------------------------------------------------------
    @property
    def rows(self) -> pd.DataFrame:
        """The changed logins of the chosen kind."""
        return self._rows

    @property
    def pages(self) -> int:
        """Number of pages of changed logins (at least 1)."""
        return max(1, math.ceil(len(self._rows) / self.page_size))

    @property
    def before(self) -> LoginTrace | None:
        """Baseline trace of the selected login."""
        return self._before

    @property
    def after(self) -> LoginTrace | None:
        """Candidate trace of the selected login."""
        return self._after

    def text(self) -> str:
        """Headline, rule changes, transitions and claims as text (no latency: it is noisy)."""
        lines = [f"ImpactView: {self.headline()}"]
        lines += [f"  - {c}" for c in self.impact.rule_changes]
        lines.append(transition_counts(self.impact).to_string())
        claims = claim_counts(self.impact)
        if len(claims):
            lines.append(claims.head(10).to_string())
        return "\n".join(lines)

    # -- internals ----------------------------------------------------------------------------
    def _on_segment(self, change: Mapping[str, Any]) -> None:
        if change.get("new"):
            self._render_segment(str(change["new"]))

    def _render_segment(self, column: str) -> None:
        by = self.impact.by(column)
        self.segment_image.value = figure_png(self._plots.segments(column))
        shown = by.assign(change_rate=(by["change_rate"] * 100).map(lambda v: f"{v:.1f}%"),
                          share_of_changed=(by["share_of_changed"] * 100).map(
                              lambda v: f"{v:.1f}%"))
        self.segment_table.value = frame_html(shown.drop(columns=["lift"]), index=True,
                                              max_rows=15)

    def _render_page(self) -> None:
        start = self._page * self.page_size
        page = self._rows.iloc[start:start + self.page_size]
        self.page_label.value = (f"{len(self._rows):,} logins · page {self._page + 1} / "
                                 f"{self.pages}")
        self.prev_button.disabled = self._page == 0
        self.next_button.disabled = self._page >= self.pages - 1
        shown = [c for c in _LIST_COLUMNS if c == "arrow" or c in page.columns]
        header, labels = pick_list(page.assign(arrow="→"), shown, labels=_LIST_LABELS, widest=24)
        self.changed_header.value = PICK_LIST_STYLE + (header if len(page) else
                                                       "<i>no changed login of this kind</i>")
        self.changed_select.layout.display = None if len(page) else "none"
        self.changed_select.rows = max(2, min(len(page), 10))  # no blank lines under a short page
        self.changed_select.options = list(zip(labels, page["login_id"].astype(str), strict=True))
        self.changed_select.value = None

    def _on_select(self, change: Mapping[str, Any]) -> None:
        if change.get("new"):
            self.select(str(change["new"]))


def _kinds(impact: Impact) -> tuple[str, ...]:
    from rulesim.impact import KINDS

    return tuple(KINDS)


def _of_kind(changed: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Rows of ``impact.changed`` showing ``kind``: ``any``, a kind, or ``before->after``."""
    if kind == _ANY:
        return changed
    if "->" in kind:
        source, _, target = kind.partition("->")
        mask = ((changed["outcome_before"].astype(str) == source)
                & (changed["outcome_after"].astype(str) == target))
    else:
        mask = changed["kinds"].str.split(",").map(lambda ks: kind in ks).astype(bool)
    out: pd.DataFrame = changed[mask.to_numpy()]
    return out
