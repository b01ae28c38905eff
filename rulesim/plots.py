"""Static matplotlib figures of a :class:`~rulesim.Simulation` or an ``Impact``.

Reached as ``sim.plot.outcomes()``, ``sim.plot.latency()``, ``sim.plot.claims()`` and
``impact.plot.segments()``. Every method returns a :class:`matplotlib.figure.Figure` built
without :mod:`matplotlib.pyplot`: no global figure registry, no GUI backend, nothing shown as
a side effect. A figure is displayed when it is a notebook cell's value (with the inline
backend) and saved with ``fig.savefig("outcomes.png")`` anywhere, headless servers included.

The figures only read the result frames; they never run anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rulesim.outcomes import RuleOutcome

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from rulesim.simulation import Simulation

__all__ = ["IMPACT_KINDS", "OUTCOME_COLORS", "ImpactPlots", "SimulationPlots"]

OUTCOME_COLORS: dict[str, str] = {
    "allowed": "#2e7d32",
    "ok": "#2e7d32",
    "denied": "#c62828",
    "error": "#ef6c00",
    "timeout": "#6a1b9a",
    "redirect": "#1565c0",
    "skipped": "#bdbdbd",
}
"""One colour per outcome, shared by every figure and by the widgets."""

_RULE_OUTCOMES = ("ok", "denied", "error", "timeout", "skipped")
_LOGIN_OUTCOMES = ("allowed", "denied", "error", "timeout", "redirect")
_TOKEN_COLORS = {"id_token": "#1565c0", "access_token": "#00838f"}

IMPACT_KINDS: tuple[str, ...] = ("gained", "lost", "changed")
"""Kinds of claim change drawn by :meth:`ImpactPlots.claims`."""


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _height(rows: int) -> float:
    """Figure height (inches) that keeps one bar per row readable in a PNG."""
    return float(min(14.0, max(2.8, 0.9 + 0.32 * rows)))


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#616161")
    ax.set_xticks([])
    ax.set_yticks([])


def _legend_outside(ax: Axes, **kwargs: Any) -> None:
    """The axes' legend to the right of its plot area, where it can never cover a bar.

    Constrained layout makes room for it; inside the axes ("lower right", "best") it covers
    the longest bars, which are the ones a reader looks at first.
    """
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
              fontsize="small", frameon=False, **kwargs)


def _thousands(axis: Any) -> None:
    """Count ticks as ``1,250``, like every count printed beside the figures."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # Few round steps: "1,000" is wider than "1000", and ten of them would touch.
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _stacked_barh(ax: Axes, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Horizontal stacked bars, one row per index entry, first row on top."""
    y = np.arange(len(frame))
    left = np.zeros(len(frame))
    for col in columns:
        values = frame[col].to_numpy(dtype=float) if col in frame else np.zeros(len(frame))
        if values.any():
            ax.barh(y, values, left=left, color=OUTCOME_COLORS.get(col, "#9e9e9e"), label=col,
                    height=0.7)
        left = left + values
    ax.set_yticks(y, [str(i) for i in frame.index])
    ax.invert_yaxis()


class SimulationPlots:
    """Figures of one simulation: ``sim.plot.outcomes()``, ``.latency()``, ``.claims()``.

    Parameters
    ----------
    sim
        A finished (or interrupted) :class:`~rulesim.Simulation`; only its frames are read.
    """

    def __init__(self, sim: Simulation) -> None:
        self._sim = sim

    def __repr__(self) -> str:
        return ("<SimulationPlots: outcomes(), latency(), latency_distribution(), claims(); "
                "each returns a matplotlib Figure>")

    def _rule_order(self) -> list[str]:
        rr = self._sim.rule_runs
        if len(rr) == 0:
            return []
        orders = rr.drop_duplicates("rule").sort_values("order")
        return [str(r) for r in orders["rule"]]

    def outcomes(self) -> Figure:
        """Outcome of each rule (stacked ok/denied/error/timeout/skipped) and of the logins.

        Returns
        -------
        matplotlib.figure.Figure
            Two axes: ``"Outcome by rule"`` (x: logins, one bar per rule in pipeline order)
            and ``"Login outcomes"`` (one bar per login outcome).
        """
        rules = self._rule_order()
        fig = _figure(10.0, _height(len(rules)))
        ax_rules, ax_total = fig.subplots(1, 2, width_ratios=[3, 1])
        rr = self._sim.rule_runs
        if rules:
            counts = pd.crosstab(rr["rule"].astype(str), rr["outcome"].astype(str)).reindex(
                index=rules, columns=list(_RULE_OUTCOMES), fill_value=0)
            _stacked_barh(ax_rules, counts, _RULE_OUTCOMES)
            _legend_outside(ax_rules)
        else:
            _empty(ax_rules, "no rule runs")
        ax_rules.set_title("Outcome by rule")
        ax_rules.set_xlabel("logins")
        _thousands(ax_rules.xaxis)
        ax_rules.set_ylabel("rule (pipeline order)")
        totals = self._sim.logins["outcome"].astype(str).value_counts().reindex(
            list(_LOGIN_OUTCOMES), fill_value=0)
        ax_total.bar(range(len(totals)), totals.to_numpy(),
                     color=[OUTCOME_COLORS[o] for o in totals.index])
        ax_total.set_xticks(range(len(totals)), list(totals.index), rotation=45, ha="right")
        ax_total.set_title("Login outcomes")
        ax_total.set_ylabel("logins")
        _thousands(ax_total.yaxis)
        for x, v in enumerate(totals.to_numpy()):
            if v:
                ax_total.annotate(f"{int(v):,}", (x, v), ha="center", va="bottom", fontsize="small")
        fig.suptitle(f"{len(self._sim.logins):,} logins")
        return fig

    def latency(self, percentiles: Sequence[float] = (50, 95, 99)) -> Figure:
        """Latency percentiles of each rule (engine time plus simulated I/O wait), log scale.

        Parameters
        ----------
        percentiles
            Percentiles to draw, one bar each per rule (default p50, p95, p99).

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Latency percentiles by rule"``: x is milliseconds (log scale), one
            group of bars per rule that ran, plus a ``(whole login)`` group on top.
        """
        rr = self._sim.rule_runs
        ran = rr[rr["outcome"].astype(str) != RuleOutcome.SKIPPED.value]
        rules = [r for r in self._rule_order() if (ran["rule"].astype(str) == r).any()]
        fig = _figure(10.0, _height(len(rules) + 1) * 1.2)
        ax = fig.subplots()
        ax.set_title("Latency percentiles by rule")
        ax.set_xlabel("milliseconds (engine time + simulated I/O, log scale)")
        ax.set_ylabel("rule")
        if not rules:
            _empty(ax, "no rule ran")
            return fig
        ms = ran["cpu_us"].to_numpy(dtype=float) / 1000.0 + ran["io_ms"].to_numpy(dtype=float)
        by_rule = pd.Series(ms, index=ran["rule"].astype(str).to_numpy())
        rows = ["(whole login)", *rules]
        qs = [p / 100.0 for p in percentiles]
        table = pd.DataFrame(
            [self._sim.logins["latency_ms"].quantile(qs).to_numpy(),
             *[by_rule.loc[[r]].quantile(qs).to_numpy() for r in rules]],
            index=rows, columns=[f"p{p:g}" for p in percentiles])
        height = 0.8 / len(percentiles)
        y = np.arange(len(rows))
        cmap = ["#90caf9", "#1e88e5", "#0d47a1", "#002171"]
        for i, col in enumerate(table.columns):
            ax.barh(y + (i - (len(percentiles) - 1) / 2) * height,
                    table[col].clip(lower=1e-3).to_numpy(), height=height, label=col,
                    color=cmap[i % len(cmap)])
        ax.set_yticks(y, rows)
        ax.invert_yaxis()
        ax.set_xscale("log")
        _legend_outside(ax)
        return fig

    def latency_distribution(self, bins: int = 40) -> Figure:
        """Histogram of whole-login latency (engine time plus simulated I/O), by outcome.

        Parameters
        ----------
        bins
            Number of logarithmic bins.

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Login latency distribution"``: x is milliseconds (log scale), y the
            number of logins, one stacked colour per login outcome.
        """
        fig = _figure(8.0, 3.6)
        ax = fig.subplots()
        ax.set_title("Login latency distribution")
        ax.set_xlabel("milliseconds per login (log scale)")
        ax.set_ylabel("logins")
        logins = self._sim.logins
        lat = logins["latency_ms"].to_numpy(dtype=float).clip(min=1e-3)
        if len(lat) == 0:
            _empty(ax, "no logins")
            return fig
        lo, hi = float(lat.min()), float(lat.max())
        edges = np.geomspace(lo, hi * 1.0001 if hi > lo else lo * 10, bins + 1)
        outcomes = logins["outcome"].astype(str).to_numpy()
        present = [o for o in _LOGIN_OUTCOMES if (outcomes == o).any()]
        ax.hist([lat[outcomes == o] for o in present], bins=list(edges), stacked=True,
                color=[OUTCOME_COLORS[o] for o in present], label=present)
        ax.set_xscale("log")
        ax.legend(fontsize="small")
        return fig

    def claims(self) -> Figure:
        """How many logins each rule gave each token claim (adds and replacements).

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Claims by rule"``: one bar per (rule, token, claim), labelled
            ``rule · token claim``, x the number of logins; colour by token.
        """
        ch = self._sim.changes
        sel = ch[ch["target"].astype(str).isin(list(_TOKEN_COLORS))
                 & (ch["op"].astype(str) != "remove")]
        counts = (sel.assign(rule=sel["rule"].astype(str), target=sel["target"].astype(str),
                             path=sel["path"].astype(str))
                  .groupby(["rule", "target", "path"], sort=False)["login_id"].nunique())
        order = {r: i for i, r in enumerate(self._rule_order())}
        rows = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 1 << 30), kv[0][1],
                                                       kv[0][2]))
        fig = _figure(10.0, _height(len(rows)))
        ax = fig.subplots()
        ax.set_title("Claims by rule")
        ax.set_xlabel("logins given the claim")
        ax.set_ylabel("rule · token claim")
        if not rows:
            _empty(ax, "no rule set a token claim")
            return fig
        labels = [f"{rule} · {_short_token(token)} {_claim(path)}" for (rule, token, path), _ in rows]
        values = [int(v) for _, v in rows]
        colors = [_TOKEN_COLORS[token] for (_, token, _), _ in rows]
        y = np.arange(len(rows))
        ax.barh(y, values, color=colors, height=0.7)
        ax.set_yticks(y, labels, fontsize="small")
        ax.invert_yaxis()
        from matplotlib.patches import Patch

        _legend_outside(ax, handles=[Patch(color=c, label=t) for t, c in _TOKEN_COLORS.items()])
        return fig


def _short_token(token: str) -> str:
    return {"id_token": "id", "access_token": "access"}.get(token, token)


def _claim(path: str) -> str:
    """``["https://acme.com/roles"]`` → ``https://acme.com/roles``; other paths unchanged."""
    if path.startswith('["') and path.endswith('"]') and path.count('"') == 2:
        return path[2:-2]
    return path or "(whole token)"


class ImpactPlots:
    """Figures of an impact analysis: ``impact.plot.segments()``, ``.transitions()``, ``.claims()``.

    Parameters
    ----------
    impact
        The ``Impact`` returned by ``rs.compare``; only its frames are read.
    """

    def __init__(self, impact: Any) -> None:
        self._impact = impact

    def __repr__(self) -> str:
        return ("<ImpactPlots: segments(column), transitions(), claims(); "
                "each returns a matplotlib Figure>")

    def segments(self, column: str = "connection", top: int = 12) -> Figure:
        """Share of each segment's logins whose result changed, one bar per segment.

        Parameters
        ----------
        column
            A population column of the logins (``connection``, ``country``,
            ``client_name``, ``protocol``, ``tags``, …), passed to ``impact.by(column)``.
        top
            Draw the segments with the largest effect first, at most this many.

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Impact by <column>"``: x is the percentage of the segment's logins
            that changed, each bar annotated with ``changed / logins``.
        """
        frame = segment_rates(self._impact, column).head(top)
        fig = _figure(9.0, _height(len(frame)))
        ax = fig.subplots()
        ax.set_title(f"Impact by {column}")
        ax.set_xlabel("logins changed (% of segment)")
        ax.set_ylabel(column)
        if frame.empty or not frame["changed"].any():
            _empty(ax, "no login changed")
            return fig
        y = np.arange(len(frame))
        pct = frame["rate"].to_numpy(dtype=float) * 100
        ax.barh(y, pct, color="#c62828", height=0.7)
        ax.set_yticks(y, [str(s) for s in frame.index])
        ax.invert_yaxis()
        for yi, (p, c, n) in enumerate(zip(pct, frame["changed"], frame["logins"], strict=True)):
            ax.annotate(f" {int(c):,}/{int(n):,}", (p, yi), va="center", fontsize="small")
        ax.set_xlim(0, max(5.0, float(pct.max()) * 1.25))
        return fig

    def transitions(self) -> Figure:
        """Baseline outcome × candidate outcome as an annotated heat map of login counts.

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Outcome transitions"``: rows are baseline outcomes, columns
            candidate outcomes; cells off the diagonal are logins whose outcome changed.
        """
        counts = transition_counts(self._impact)
        fig = _figure(6.0, 4.8)
        ax = fig.subplots()
        ax.set_title("Outcome transitions")
        ax.set_xlabel("candidate outcome")
        ax.set_ylabel("baseline outcome")
        if counts.empty:
            _empty(ax, "no logins")
            return fig
        values = counts.to_numpy(dtype=float)
        ax.imshow(np.log1p(values), cmap="Blues", aspect="auto")
        ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns])
        ax.set_yticks(range(counts.shape[0]), [str(i) for i in counts.index])
        peak = float(np.log1p(values).max()) or 1.0
        for (i, j), v in np.ndenumerate(values):
            dark = np.log1p(v) > peak * 0.6
            ax.text(j, i, f"{int(v):,}", ha="center", va="center",
                    color="white" if dark else "black",
                    fontweight="bold" if i != j and v else "normal")
        return fig

    def claims(self, top: int = 20) -> Figure:
        """Logins that gained, lost or saw a changed value of each token claim.

        Parameters
        ----------
        top
            At most this many claims, the most affected first.

        Returns
        -------
        matplotlib.figure.Figure
            One axes, ``"Claim gains and losses"``: one group of bars per token claim.
        """
        frame = claim_counts(self._impact).head(top)
        fig = _figure(10.0, _height(len(frame)))
        ax = fig.subplots()
        ax.set_title("Claim gains and losses")
        ax.set_xlabel("logins")
        ax.set_ylabel("token claim")
        if frame.empty:
            _empty(ax, "no claim changed")
            return fig
        y = np.arange(len(frame))
        colors = {"gained": "#2e7d32", "lost": "#c62828", "changed": "#ef6c00"}
        height = 0.8 / len(IMPACT_KINDS)
        for i, kind in enumerate(IMPACT_KINDS):
            ax.barh(y + (i - 1) * height, frame[kind].to_numpy(dtype=float), height=height,
                    color=colors[kind], label=kind)
        ax.set_yticks(y, [str(s) for s in frame.index], fontsize="small")
        ax.invert_yaxis()
        _legend_outside(ax)
        return fig


# --- reading Impact frames (shared with the widgets) -------------------------------------------


def segment_rates(impact: Any, column: str) -> pd.DataFrame:
    """``impact.by(column)`` reduced to ``logins``, ``changed`` and ``rate`` per segment.

    Parameters
    ----------
    impact
        An ``Impact``.
    column
        The segment column.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment value, in ``impact.by``'s order (most changed logins first).
    """
    by = impact.by(column)
    out: pd.DataFrame = pd.DataFrame({"logins": by["logins"].to_numpy(), "changed": by["changed"].to_numpy(),
                        "rate": by["change_rate"].to_numpy(dtype=float)},
                       index=pd.Index([str(i) for i in by.index], name=column))
    return out


def transition_counts(impact: Any) -> pd.DataFrame:
    """``impact.transitions["count"]`` without the outcomes that occur on neither side.

    Parameters
    ----------
    impact
        An ``Impact``.

    Returns
    -------
    pandas.DataFrame
        Integer counts: baseline outcome rows × candidate outcome columns.
    """
    counts = impact.transitions["count"].fillna(0).astype(int)
    keep = [o for o in counts.index if counts.loc[o].sum() or counts[o].sum()]
    out: pd.DataFrame = counts.loc[keep, keep]
    return out


def claim_counts(impact: Any) -> pd.DataFrame:
    """``impact.claims`` as ``gained``, ``lost``, ``changed`` per ``"<token> <claim>"`` label.

    Parameters
    ----------
    impact
        An ``Impact``.

    Returns
    -------
    pandas.DataFrame
        Most affected claims first (``impact.claims`` order).
    """
    claims = impact.claims
    labels = [f"{_short_token(str(t))} {_claim(str(c))}"
              for t, c in zip(claims["token"], claims["claim"], strict=True)]
    out: pd.DataFrame = pd.DataFrame({kind: claims[kind].to_numpy(dtype=int) for kind in IMPACT_KINDS},
                       index=pd.Index(labels, name="claim"))
    return out
