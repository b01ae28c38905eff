"""``rulesim compare OLD NEW``: the impact of a rule change, with a CI gate.

Runs both rule sets over one synthetic population (same seed), prints the outcome transitions
and the segments where the changes concentrate, optionally writes the Markdown report, and
exits **3** when a ``--fail-on`` threshold is crossed (0 otherwise; 1 when rulesim fails;
2 on a usage error, including a malformed threshold).

Threshold grammar
-----------------
``<metric><op><value>``, where ``op`` is one of ``>``, ``>=``, ``<``, ``<=`` and ``value`` is
a number or a percentage (``0.5%``). A threshold is *crossed* when ``metric op value`` holds.

=======================  ======================================================================
metric                   measures
=======================  ======================================================================
``allowed->denied``      logins whose outcome moved from one outcome to another; ``*`` stands
                         for any other outcome (``*->denied``, ``allowed->*``, ``*->*``)
``denied`` (an outcome)  logins newly in that outcome (the same as ``*->denied``)
``changed``              logins with any change (outcome, claims, scopes, MFA, redirect, …)
``claims_lost``          logins that lost at least one claim or scope
a kind of change         logins with that kind of change: ``deciding_rule``, ``error_code``,
                         ``id_token``, ``access_token``, ``scopes``, ``mfa``, ``redirect``,
                         ``persisted_metadata``
``latency_p50/95/99``    the change of that login-latency percentile, in ms
=======================  ======================================================================

For login metrics a plain number is a count of logins and a percentage a share of all logins
(``denied>0.5%``, ``claims_lost>=10``). For latency a number is milliseconds and a percentage
is relative to the baseline percentile (``latency_p95>200``, ``latency_p95>25%``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from rulesim.cli.commands import gate_options, population_options, workers_option
from rulesim.impact.diff import KINDS, OUTCOMES

__all__ = ["COMMANDS", "THRESHOLD_SYNTAX", "Threshold", "compare_command", "parse_threshold"]

THRESHOLD_SYNTAX = (
    "<metric><op><value>, op one of > >= < <=, value a number or a percentage; metrics: "
    "a transition such as allowed->denied or *->denied, an outcome (denied: logins newly "
    "denied), changed, claims_lost, a kind of change (mfa, scopes, …), latency_p50/p95/p99 "
    "(ms). Examples: \"denied>0.5%\", \"allowed->denied>=10\", \"latency_p95>200\""
)

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_OUTCOME = "|".join(OUTCOMES)
_PATTERN = re.compile(
    rf"^\s*(?P<metric>(?:\*|{_OUTCOME})\s*->\s*(?:\*|{_OUTCOME})|[a-z_0-9]+)\s*"
    r"(?P<op>>=|<=|>|<)\s*(?P<value>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<pct>%)?\s*$")
_LATENCY = ("latency_p50", "latency_p95", "latency_p99")
_SIMPLE = ("changed", "claims_lost", *OUTCOMES, *[k for k in KINDS if k != "outcome"], *_LATENCY)


@dataclass(frozen=True)
class Threshold:
    """One parsed ``--fail-on`` threshold.

    Attributes
    ----------
    text
        As written.
    metric
        ``allowed->denied``, ``changed``, ``latency_p95``, …
    op
        ``>``, ``>=``, ``<`` or ``<=``.
    value
        The number; a share in [0, 1] when ``percent`` (``0.5%`` → 0.005).
    percent
        The value was written as a percentage.
    """

    text: str
    metric: str
    op: str
    value: float
    percent: bool

    def measure(self, impact: Any) -> float:
        """The metric's value on ``impact``, in the unit of :attr:`value`."""
        n = max(len(impact), 1)
        if self.metric in _LATENCY:
            q = self.metric.split("_")[1]
            row = impact.latency[impact.latency["level"] == "login"].iloc[0]
            delta = float(row[f"{q}_delta"])
            if not self.percent:
                return delta
            before = float(row[f"{q}_before"])
            return delta / before if before else (0.0 if delta == 0 else float("inf"))
        if "->" in self.metric:
            source, _, target = self.metric.partition("->")
            count = impact.moved(source, target)
        elif self.metric in OUTCOMES:
            count = impact.moved("*", self.metric)
        elif self.metric == "changed":
            count = len(impact.changed)
        elif self.metric == "claims_lost":
            count = impact.claims_lost_logins
        else:
            count = impact.count(self.metric)
        return count / n if self.percent else float(count)

    def crossed(self, impact: Any) -> bool:
        """True when ``metric op value`` holds on ``impact``."""
        return _OPS[self.op](self.measure(impact), self.value)

    def describe(self, impact: Any) -> str:
        """``denied>0.5%: 1.2% (12 logins)``-style text for the report."""
        got = self.measure(impact)
        if self.metric in _LATENCY:
            shown = f"{got * 100:.1f}%" if self.percent else f"{got:+.1f} ms"
        else:
            shown = f"{got * 100:.2f}%" if self.percent else f"{got:.0f} logins"
        return f"{self.text}: {shown}"


def parse_threshold(text: str) -> Threshold:
    """Parse ``<metric><op><value>``; raise :class:`click.UsageError` showing the syntax."""
    m = _PATTERN.match(text)
    metric = re.sub(r"\s+", "", m.group("metric")) if m else ""
    if m is None or ("->" not in metric and metric not in _SIMPLE):
        known = ", ".join(sorted(set(_SIMPLE)))
        raise click.UsageError(f"invalid --fail-on threshold {text!r}. Expected "
                               f"{THRESHOLD_SYNTAX}. Known metrics: {known}, or "
                               "<outcome|*>-><outcome|*>.")
    value = float(m.group("value"))
    percent = m.group("pct") is not None
    return Threshold(text=text.strip(), metric=metric, op=m.group("op"),
                     value=value / 100.0 if percent else value, percent=percent)


def _report(impact: Any, thresholds: Sequence[Threshold], crossed: Sequence[Threshold],
            old: str, new: str) -> str:
    head = f"Comparing `{old}` (baseline) with `{new}` (candidate).\n\n"
    body = str(impact.summary())
    if not thresholds:
        return head + body
    lines = ["", "CI gate:"]
    for t in thresholds:
        mark = "**crossed**" if t in crossed else "ok"
        lines.append(f"- `{t.text}` — {mark} ({t.describe(impact).split(': ', 1)[1]})")
    return head + body + "\n".join(lines) + "\n"


@click.command("compare")
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@population_options("both runs")
@click.option("--config", type=click.Path(exists=True), default=None,
              help="Configuration (secrets) for both sides: JSON or dotenv file, merged over "
                   "each side's own configuration.json (its values win).")
@click.option("--services", type=click.Path(exists=True), default=None,
              help="Fake external services (YAML/JSON) for both sides. Default: the "
                   "services.yaml beside each rule set.")
@workers_option
@gate_options(THRESHOLD_SYNTAX,
              "Write the Markdown report (for a pull-request comment) to this file.")
@click.pass_context
def compare_command(ctx: click.Context, old: str, new: str, users: int, seed: int,
                    mix: str | None, config: str | None, services: str | None,
                    workers: int | None, fail_on: tuple[str, ...], report: str | None,
                    progress: bool) -> None:
    """Show what changes, login by login, when the rules at NEW replace those at OLD.

    Both rule sets run over the same synthetic population with the same seed. Prints the
    outcome transitions and the top segments; --report writes the Markdown summary.

    \b
    Exit codes: 0 no threshold crossed; 1 rulesim failed; 2 usage error (including a
    malformed --fail-on); 3 a --fail-on threshold was crossed.
    \b
    Threshold syntax: <metric><op><value>
      op: > >= < <=   value: a number (logins, or ms for latency) or a percentage
      metrics: allowed->denied, *->denied, denied (newly denied), changed,
               claims_lost, mfa, scopes, id_token, ..., latency_p50/p95/p99
      e.g. --fail-on "denied>0.5%" --fail-on "claims_lost>0" --fail-on "latency_p95>200"
    """
    from rulesim.cli import EXIT_THRESHOLD
    from rulesim.cli.commands import describe_loaded, load_population, load_source
    from rulesim.impact import compare

    thresholds = [parse_threshold(t) for t in fail_on]
    old_rules, new_rules = load_source(old, None), load_source(new, None)
    pop = load_population(users, seed, mix, None)
    impact = compare(old_rules, new_rules, pop, configuration=config, services=services,
                     seed=seed, workers=workers, progress=progress)
    click.echo(f"baseline: {old} ({describe_loaded(old_rules)})  candidate: {new} "
               f"({describe_loaded(new_rules)})  logins: {len(impact)}  seed: {seed}")
    click.echo(str(impact))
    crossed = [t for t in thresholds if t.crossed(impact)]
    if report:
        Path(report).write_text(_report(impact, thresholds, crossed, old, new), encoding="utf-8")
        click.echo(f"\nwrote the report to {report}")
    for t in thresholds:
        status = "CROSSED" if t in crossed else "ok"
        click.echo(f"fail-on {t.describe(impact)} -> {status}")
    if crossed:
        click.echo(f"{len(crossed)} threshold(s) crossed: exit {EXIT_THRESHOLD}", err=True)
        ctx.exit(EXIT_THRESHOLD)


COMMANDS = [compare_command]
