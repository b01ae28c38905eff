"""Widgets over one :class:`~rulesim.Simulation`: the summary view and the login browser."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from rulesim.errors import UsageError
from rulesim.plots import SimulationPlots
from rulesim.widgets.base import View, block_html, ipywidgets
from rulesim.widgets.render import (
    PICK_LIST_CLASS,
    PICK_LIST_STYLE,
    error_code_table,
    figure_png,
    frame_html,
    outcome_counts_text,
    pick_list,
    rules_table_html,
    summary_text,
)
from rulesim.widgets.secrets import as_redactor
from rulesim.widgets.trace import trace_html

if TYPE_CHECKING:
    from rulesim.simulation import Simulation
    from rulesim.trace import LoginTrace

__all__ = ["LoginBrowser", "SimulationView"]

_RESULT_COLUMNS = frozenset({
    "login_id", "outcome", "error_code", "error_message", "app_error", "deciding_rule",
    "mfa_required", "mfa_provider", "redirect_url", "id_token", "access_token", "scopes", "saml",
    "saml_attributes", "primary_user", "dropped_claims", "cpu_ms", "latency_ms", "rules_run", "flags",
})
_PAGE_COLUMNS = ("login_id", "outcome", "deciding_rule", "error_code", "mfa_required",
                 "connection", "client_name", "protocol", "country")
# The pick list leaves the protocol out to fit a notebook's width (it is in the trace).
_LIST_COLUMNS = tuple(c for c in _PAGE_COLUMNS if c != "protocol")
_PAGE_LABELS = {"login_id": "login", "deciding_rule": "decided by", "error_code": "error",
                "mfa_required": "mfa", "client_name": "client"}
_ANY = "(any)"
_NO_TRACE = "<i>select a login to see its trace</i>"


class SimulationView(View):
    """The summary of a simulation: per-rule table, outcome chart, latency, top error codes.

    Build it with :func:`rulesim.widgets.show`.

    Parameters
    ----------
    sim
        The simulation to show (only read).

    Attributes
    ----------
    sim
        The simulation.
    header, rules_table, errors_table
        ``HTML`` widgets: login totals (shown once, above the tabs), the per-rule table, the
        top error codes.
    outcomes_image, latency_image, latency_rules_image
        ``Image`` widgets (PNG) of the outcome bars, the login latency distribution and the
        latency percentiles by rule.
    tabs
        The ``Tab`` holding the four panels ``Rules``, ``Outcomes``, ``Latency``, ``Errors``.
    error_codes
        The frame behind ``errors_table`` (see :func:`error_code_table`).
    """

    def __init__(self, sim: Simulation) -> None:
        w = ipywidgets()
        self.sim = sim
        summary = sim.summary()
        self.summary_table: pd.DataFrame = summary.table
        self.error_codes = error_code_table(sim)
        plots = SimulationPlots(sim)
        flag = "" if sim.complete else " <b>(incomplete: the run was interrupted)</b>"
        self.header = w.HTML(f"<b>{html.escape(outcome_counts_text(sim.logins))}</b>{flag}")
        self.rules_table = block_html(rules_table_html(summary.table))
        self.outcomes_image = w.Image(value=figure_png(plots.outcomes()), format="png")
        self.latency_image = w.Image(value=figure_png(plots.latency_distribution()), format="png")
        self.latency_rules_image = w.Image(value=figure_png(plots.latency()), format="png")
        errors = self.error_codes.assign(share=(self.error_codes["share"] * 100).map(
            lambda v: f"{v:.1f}%"))
        self.errors_table = block_html(frame_html(errors) if len(errors) else "<i>no errors</i>")
        self.tabs = w.Tab(children=[self.rules_table, self.outcomes_image,
                                    w.VBox([self.latency_image, self.latency_rules_image]),
                                    self.errors_table],
                          titles=["Rules", "Outcomes", "Latency", "Errors"])
        self.widget = w.VBox([self.header, self.tabs])

    def text(self) -> str:
        """Login totals, the per-rule counts and the top error codes (no timings)."""
        lines = [summary_text(self.sim)]
        if len(self.error_codes):
            lines.append("\ntop error codes:")
            lines.extend(f"  {r.error_code:<20} {r.deciding_rule:<28} {r.logins:>7,}"
                         for r in self.error_codes.itertuples(index=False))
        return "\n".join(lines)


def _matches(col: pd.Series, value: Any) -> pd.Series:
    """Rows whose value equals ``value`` (case-insensitive text), or lists it comma-separated."""
    if isinstance(value, (list, tuple, set, frozenset)):
        out: pd.Series = pd.Series(False, index=col.index)
        for v in value:
            out |= _matches(col, v)
        return out
    if isinstance(value, bool) or col.dtype == bool:
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "false", "0", "no"):
            wanted = text in ("true", "1", "yes")
            return col.fillna(False).astype(bool) == wanted
    text = str(value).strip().lower()
    as_text = col.astype("string").fillna("").str.lower()
    listed = as_text.str.split(",").map(lambda parts: text in [p.strip() for p in parts])
    return (as_text == text) | listed.astype(bool)


class LoginBrowser(View):
    """Browse a simulation's logins: filter, page, and read any login's trace.

    Filters combine (all must hold): outcome, rule, error code, one population column
    (``connection``, ``country``, ``client_name``, ``tags``, …) and a free pandas query.

    Parameters
    ----------
    sim
        The simulation (only read).
    page_size
        Logins per page.
    secrets
        Values to mask wherever a rule leaked them into a trace (console lines, URLs,
        claims), e.g. ``rs.widgets.secret_values(rules.configuration)`` (the values of keys
        named like secrets: ``*KEY*``, ``*SECRET*``, ``*TOKEN*``, …). Any run of 12 or more
        of their characters is shown as ``••••••••``.

    Attributes
    ----------
    outcome, rule, rule_outcome, error_code, column, value, query
        Filter widgets. ``rule`` alone keeps the logins that rule decided; with
        ``rule_outcome`` set it keeps the logins in which the rule ended with that outcome.
        The text boxes apply when Enter is pressed or they lose focus, not on every key.
    prev_button, next_button, page_label
        Paging.
    login_select
        The current page, one aligned row per login: pick one to read its trace.
    table
        ``HTML`` column header over ``login_select``'s rows.
    trace_view
        ``HTML`` of the selected login's trace; cleared when the filters no longer match it.
    status
        ``HTML`` line with the number of matching logins or a filter error.

    Examples
    --------
    >>> import rulesim as rs
    >>> sim = rs.simulate(rs.load_rules("datasets/tenants/acme"), rs.population(300, seed=7),
    ...                   progress=False)
    >>> browser = LoginBrowser(sim).filter(outcome="denied", country="US")
    >>> print(browser.text().splitlines()[0])
    LoginBrowser: 12 of 300 logins match; page 1/1
    >>> trace = browser.select(browser.page_rows.login_id.iloc[0])
    >>> print(str(trace).splitlines()[0])
    login L0000029 (...): DENIED
    """

    def __init__(self, sim: Simulation, *, page_size: int = 20,
                 secrets: Iterable[str] | Callable[[str], str] | None = None) -> None:
        if page_size < 1:
            raise UsageError(f"expected page_size to be an int >= 1, got page_size={page_size!r}")
        w = ipywidgets()
        self.sim = sim
        self.page_size = page_size
        self._page = 0
        self._rows = sim.logins
        self._trace: LoginTrace | None = None
        self._updating = False
        self._page_ids: list[str] = []
        self._redact = as_redactor(secrets)
        logins = sim.logins
        rules = [str(r) for r in sim.rule_runs["rule"].cat.categories] if len(sim.rule_runs) else []
        codes = sorted(str(c) for c in logins["error_code"].dropna().unique())
        self.population_columns = [c for c in logins.columns if c not in _RESULT_COLUMNS]
        small = {"layout": w.Layout(width="200px")}
        self.outcome = w.Dropdown(description="outcome", options=[_ANY, *sorted(
            str(o) for o in logins["outcome"].dropna().unique())], **small)
        # Wide enough for a rule name (the others hold short words).
        self.rule = w.Dropdown(description="rule", options=[_ANY, *rules],
                               layout=w.Layout(width="290px"))
        self.rule_outcome = w.Dropdown(description="rule ended", options=[
            _ANY, "ok", "denied", "error", "timeout", "skipped"], **small)
        self.error_code = w.Dropdown(description="error", options=[_ANY, *codes], **small)
        self.column = w.Dropdown(description="column", options=[_ANY, *self.population_columns],
                                 **small)
        self.value = w.Text(description="=", placeholder="value (Enter)", continuous_update=False,
                            **small)
        self.query = w.Text(description="query", continuous_update=False,
                            placeholder="pandas query, e.g. country == 'DE' (Enter)",
                            layout=w.Layout(width="450px"))
        self.prev_button = w.Button(description="◀ prev", layout=w.Layout(width="80px"))
        self.next_button = w.Button(description="next ▶", layout=w.Layout(width="80px"))
        self.page_label = w.HTML()
        self.status = w.HTML()
        self.table = block_html()
        self.login_select = w.Select(options=[], rows=min(page_size, 20),
                                     layout=w.Layout(width="100%"))
        self.login_select.add_class(PICK_LIST_CLASS)
        self.trace_view = block_html(_NO_TRACE)
        for control in (self.outcome, self.rule, self.rule_outcome, self.error_code, self.column,
                        self.value, self.query):
            control.observe(self._on_filter, names="value")
        self.prev_button.on_click(lambda _b: self.go(self._page - 1))
        self.next_button.on_click(lambda _b: self.go(self._page + 1))
        self.login_select.observe(self._on_select, names="value")
        filters = w.VBox([w.HBox([self.outcome, self.rule, self.rule_outcome, self.error_code]),
                          w.HBox([self.column, self.value, self.query])])
        paging = w.HBox([self.prev_button, self.next_button, self.page_label])
        self.widget = w.VBox([filters, self.status, paging, self.table, self.login_select,
                              self.trace_view])
        self._apply()

    # -- driving from code ---------------------------------------------------------------------
    def filter(self, *, outcome: str | None = None, rule: str | None = None,
               rule_outcome: str | None = None, error_code: str | None = None,
               query: str = "", **columns: Any) -> LoginBrowser:
        """Set every filter at once (unnamed ones are cleared) and go to the first page.

        Parameters
        ----------
        outcome, rule, rule_outcome, error_code
            Values of the dropdowns (``None``: any).
        query
            A pandas ``DataFrame.query`` expression over the logins frame.
        **columns
            At most one population column and its value, e.g. ``country="DE"``.

        Returns
        -------
        LoginBrowser
            ``self``, to chain ``.rows``.
        """
        if len(columns) > 1:
            raise UsageError("LoginBrowser.filter takes at most one population column; combine "
                             "more with query=\"country == 'DE' and connection == 'acme-okta'\"")
        for name, col in columns.items():
            if name not in self.population_columns:
                raise UsageError(f"unknown population column {name!r}; expected one of "
                                 f"{self.population_columns}")
            del col
        self._updating = True
        try:
            self.outcome.value = self._option(self.outcome, outcome)
            self.rule.value = self._option(self.rule, rule)
            self.rule_outcome.value = self._option(self.rule_outcome, rule_outcome)
            self.error_code.value = self._option(self.error_code, error_code)
            (name, val), = columns.items() if columns else ((_ANY, ""),)
            self.column.value = name
            self.value.value = "" if name == _ANY else str(val)
            self.query.value = query
        finally:
            self._updating = False
        self._apply()
        return self

    @staticmethod
    def _option(dropdown: Any, value: str | None) -> str:
        if value is None:
            return _ANY
        if value not in dropdown.options:
            raise UsageError(f"{dropdown.description}={value!r} is not one of "
                             f"{list(dropdown.options)[1:]}")
        return value

    def go(self, page: int) -> None:
        """Show page ``page`` (0-based; clamped to the pages that exist)."""
        self._page = max(0, min(page, self.pages - 1))
        self._render_page()

    def select(self, login_id: str) -> LoginTrace:
        """Show the trace of ``login_id`` (any login of the simulation) and return it."""
        self._show(login_id)
        if login_id in self._page_ids:
            self._updating = True
            try:
                self.login_select.value = login_id
            finally:
                self._updating = False
        assert self._trace is not None
        return self._trace

    # -- state ---------------------------------------------------------------------------------
    @property
    def rows(self) -> pd.DataFrame:
        """The logins that pass the filters (a slice of ``sim.logins``)."""
        return self._rows

    @property
    def page(self) -> int:
        """The current page (0-based)."""
        return self._page

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, math.ceil(len(self._rows) / self.page_size))

    @property
    def page_rows(self) -> pd.DataFrame:
        """The logins on the current page."""
        start = self._page * self.page_size
        rows: pd.DataFrame = self._rows.iloc[start:start + self.page_size]
        return rows

    @property
    def selected(self) -> str | None:
        """The login id whose trace is shown, if any."""
        return self._trace.login_id if self._trace is not None else None

    @property
    def trace(self) -> LoginTrace | None:
        """The trace on show, if any."""
        return self._trace

    def text(self) -> str:
        """Matching logins and the current page as text."""
        shown = [c for c in _PAGE_COLUMNS if c in self.page_rows.columns]
        body = self.page_rows[shown].to_string(index=False) if len(self.page_rows) else ""
        return (f"LoginBrowser: {len(self._rows):,} of {len(self.sim.logins):,} logins match; "
                f"page {self._page + 1}/{self.pages}\n{body}")

    # -- internals ----------------------------------------------------------------------------
    def _on_filter(self, _change: Mapping[str, Any]) -> None:
        if not self._updating:
            self._apply()

    def _mask(self) -> pd.Series:
        logins = self.sim.logins
        mask: pd.Series = pd.Series(True, index=logins.index)
        if self.outcome.value != _ANY:
            mask &= logins["outcome"].astype(str) == self.outcome.value
        if self.error_code.value != _ANY:
            mask &= logins["error_code"].astype(str) == self.error_code.value
        rule, ended = self.rule.value, self.rule_outcome.value
        if rule != _ANY and ended == _ANY:
            mask &= logins["deciding_rule"].astype(str) == rule
        elif ended != _ANY:
            rr = self.sim.rule_runs
            hit = rr["outcome"].astype(str) == ended
            if rule != _ANY:
                hit &= rr["rule"].astype(str) == rule
            mask &= logins["login_id"].isin(rr.loc[hit, "login_id"])
        if self.column.value != _ANY and self.value.value.strip():
            mask &= _matches(logins[self.column.value], self.value.value)
        return mask

    def _apply(self) -> None:
        logins = self.sim.logins
        try:
            rows = logins[self._mask()]
            if self.query.value.strip():
                rows = rows.query(self.query.value)
            error = ""
        except Exception as exc:  # a bad query is the user's typo: show it, keep browsing
            rows, error = logins.iloc[0:0], f"{type(exc).__name__}: {exc}"
        self._rows = rows
        self.status.value = (f'<span style="color:#c62828">filter error: {html.escape(error)}</span>'
                             if error else
                             f"{len(rows):,} of {len(logins):,} logins match")
        if self._trace is not None and not (rows["login_id"] == self._trace.login_id).any():
            self._trace = None  # a trace the filters exclude would read as one of the matches
            self.trace_view.value = _NO_TRACE
        self._page = 0
        self._render_page()

    def _render_page(self) -> None:
        page = self.page_rows
        shown = [c for c in _LIST_COLUMNS if c in page.columns]
        flags = page.assign(mfa_required=page["mfa_required"].map({True: "mfa", False: ""}))
        header, labels = pick_list(flags, shown, labels=_PAGE_LABELS)
        self.table.value = PICK_LIST_STYLE + (header if len(page) else "<i>no login matches</i>")
        self.login_select.layout.display = None if len(page) else "none"
        self.login_select.rows = max(2, min(len(page), 20))  # no blank lines under a short page
        self.page_label.value = f"page {self._page + 1} / {self.pages}"
        self.prev_button.disabled = self._page == 0
        self.next_button.disabled = self._page >= self.pages - 1
        options = list(zip(labels, page["login_id"].astype(str), strict=True))
        self._updating = True
        try:
            self.login_select.options = options
            self._page_ids = [v for _, v in options]
            selected = self.selected
            self.login_select.value = selected if selected in self._page_ids else None
        finally:
            self._updating = False

    def _on_select(self, change: Mapping[str, Any]) -> None:
        if not self._updating and change.get("new"):
            self._show(str(change["new"]))

    def _show(self, login_id: str) -> None:
        self._trace = self.sim.trace(login_id)
        self.trace_view.value = trace_html(self._trace, self._redact)
