"""``rulesim migrate``: the Rules → Actions migration proof, with a CI gate.

``rulesim migrate check BEFORE AFTER`` runs both flows over one synthetic population (same
seed), labels every per-login difference ``regression`` or ``known-difference:<code>``
(docs/migration.md), optionally simulates the stage-by-stage plan (the last k Rules replaced
by their Actions) to show the stage at which each regression appears, writes the Markdown
report, and exits **3** when a ``--fail-on`` threshold is crossed (0 otherwise; 1 when rulesim
fails; 2 on a usage error, including a malformed threshold).

Threshold grammar
-----------------
``<metric><op><value>`` as for ``rulesim compare`` (``>``, ``>=``, ``<``, ``<=``; a number of
logins or a percentage of all logins). Metrics:

=========================  ===================================================================
``regressions``            logins with at least one regression
``known_differences``      logins with at least one known difference
``changed``                logins with any labelled difference
``regressions.<kind>``     logins with a regression of that kind (``outcome``, ``error``,
                           ``id_token``, ``access_token``, ``scopes``, ``mfa``, ``redirect``,
                           ``metadata``, ``calls``)
``DIFF-…``                 logins with that known difference (``DIFF-ERRCODE>0``)
=========================  ===================================================================
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from rulesim.cli.commands import gate_options, population_options, workers_option
from rulesim.cli.compare import Threshold
from rulesim.migration.labels import DIFF_CODES, REGRESSION_KINDS

__all__ = ["COMMANDS", "MIGRATE_THRESHOLD_SYNTAX", "MigrationThreshold", "migrate_group",
           "parse_migration_threshold"]

MIGRATE_THRESHOLD_SYNTAX = (
    "<metric><op><value>, op one of > >= < <=, value a number of logins or a percentage; "
    "metrics: regressions, known_differences, changed, regressions.<kind> (outcome, error, "
    "id_token, access_token, scopes, mfa, saml, redirect, metadata, calls), a DIFF-* code. "
    "Examples: \"regressions>0\", \"regressions.outcome>=1\", \"DIFF-META-TIMING>5%\""
)
_PATTERN = re.compile(
    r"^\s*(?P<metric>[A-Za-z_.\-]+)\s*(?P<op>>=|<=|>|<)\s*"
    r"(?P<value>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<pct>%)?\s*$")
_METRICS = ("regressions", "known_differences", "changed",
            *[f"regressions.{k}" for k in REGRESSION_KINDS], *DIFF_CODES)


@dataclass(frozen=True)
class MigrationThreshold(Threshold):
    """One parsed ``--fail-on`` threshold of ``rulesim migrate check``: the fields of
    :class:`~rulesim.cli.compare.Threshold`, its metric one of the module docstring's."""

    def measure(self, impact: Any) -> float:
        """The metric on ``impact`` (logins, or their share when :attr:`percent`)."""
        d = impact.differences
        if self.metric == "regressions":
            rows = impact.regressions
        elif self.metric == "known_differences":
            rows = impact.known_differences
        elif self.metric == "changed":
            rows = d
        elif self.metric.startswith("regressions."):
            reg = impact.regressions
            rows = reg[reg["kind"] == self.metric.partition(".")[2]]
        else:
            rows = d[d["code"] == self.metric]
        count = int(rows["login_id"].nunique())
        return count / max(len(impact), 1) if self.percent else float(count)

    def describe(self, impact: Any) -> str:
        """``regressions>0: 12 logins``-style text."""
        got = self.measure(impact)
        return f"{self.text}: " + (f"{got * 100:.2f}%" if self.percent else f"{got:.0f} logins")


def parse_migration_threshold(text: str) -> MigrationThreshold:
    """Parse ``<metric><op><value>``; raise :class:`click.UsageError` showing the syntax.

    Examples
    --------
    >>> parse_migration_threshold("regressions>0").metric
    'regressions'
    """
    m = _PATTERN.match(text)
    if m is None or m.group("metric") not in _METRICS:
        raise click.UsageError(f"invalid --fail-on threshold {text!r}. Expected "
                               f"{MIGRATE_THRESHOLD_SYNTAX}.")
    value = float(m.group("value"))
    percent = m.group("pct") is not None
    return MigrationThreshold(text.strip(), m.group("metric"), m.group("op"),
                              value / 100.0 if percent else value, percent)


@click.group("migrate")
def migrate_group() -> None:
    """Check a Rules → Actions migration login by login, and draft the Actions."""


@migrate_group.command("check")
@click.argument("before", type=click.Path(exists=True))
@click.argument("after", type=click.Path(exists=True))
@population_options("every run")
@workers_option
@click.option("--on-redirect", type=click.Choice(["stop", "continue"]), default="continue",
              show_default=True,
              help="Whether the user comes back from a redirect (/continue), so that the "
                   "continuation is compared too.")
@click.option("--continue-body", default=None, metavar="JSON",
              help="What the redirect target posts back to /continue (a JSON object), e.g. "
                   "'{\"accepted\": \"true\"}'. Default: nothing.")
@click.option("--strict", is_flag=True, default=False,
              help="Count known differences as regressions.")
@click.option("--stages/--no-stages", default=None,
              help="Also simulate the stage-by-stage plan (the last k Rules replaced by their "
                   "Actions) to show the stage at which each regression appears. Default: "
                   "when there is a regression.")
@gate_options(MIGRATE_THRESHOLD_SYNTAX, "Write the Markdown report to this file.")
@click.pass_context
def check_command(ctx: click.Context, before: str, after: str, users: int, seed: int,
                  mix: str | None, workers: int | None, on_redirect: str,
                  continue_body: str | None, strict: bool, stages: bool | None,
                  fail_on: tuple[str, ...], report: str | None, progress: bool) -> None:
    """Check that the Actions at AFTER do what the Rules at BEFORE did, login by login.

    \b
    Exit codes: 0 no threshold crossed; 1 rulesim failed; 2 usage error (including a
    malformed --fail-on); 3 a --fail-on threshold was crossed.
    \b
    e.g. rulesim migrate check tenants/acme tenants/acme-actions --users 10000 \\
           --fail-on "regressions>0" --report migration.md
    """
    from rulesim.cli import EXIT_THRESHOLD
    from rulesim.cli.commands import describe_loaded, load_population, load_source
    from rulesim.impact import compare
    from rulesim.migration import migration_plan, migration_report

    thresholds = [parse_migration_threshold(t) for t in fail_on]
    body: dict[str, Any] | None = None
    if continue_body is not None:
        try:
            body = json.loads(continue_body)
        except ValueError as exc:
            raise click.UsageError(f"--continue-body: expected a JSON object, got "
                                   f"{continue_body!r} ({exc})") from exc
        if not isinstance(body, dict):
            raise click.UsageError(f"--continue-body: expected a JSON object, got "
                                   f"{continue_body!r}")
    old, new = load_source(before, None), load_source(after, None)
    pop = load_population(users, seed, mix, None)
    options: dict[str, Any] = {"seed": seed, "workers": workers, "progress": progress,
                               "on_redirect": on_redirect}
    if body is not None:
        options["continue_handler"] = body
    impact = compare(old, new, pop, strict=strict, **options)
    click.echo(f"before: {before} ({describe_loaded(old)})  after: {after} ({describe_loaded(new)})  "
               f"logins: {len(impact)}  seed: {seed}")
    reg, known = impact.regressions, impact.known_differences
    click.echo(f"{reg['login_id'].nunique()} logins with a regression ({len(reg)} differences), "
               f"{known['login_id'].nunique()} with a known difference ({len(known)})")
    for code, count in known.groupby("code")["login_id"].nunique().sort_values(
            ascending=False).items():
        click.echo(f"  {code}: {count} logins")
    plan = None
    if stages or (stages is None and len(reg)):
        plan = migration_plan(old, new).run(pop, strict=strict, **options)
        first = plan.first_regression()
        click.echo("stage by stage: " + ("no stage adds a regression" if first is None
                                         else f"the first regression appears at stage {first}"))
    crossed = [t for t in thresholds if t.crossed(impact)]
    if report:
        text = migration_report(impact, plan)
        if thresholds:
            text += "\n## CI gate\n\n" + "\n".join(
                f"- `{t.text}` — {'**crossed**' if t in crossed else 'ok'} "
                f"({t.describe(impact).split(': ', 1)[1]})" for t in thresholds) + "\n"
        Path(report).write_text(text, encoding="utf-8")
        click.echo(f"wrote the report to {report}")
    for t in thresholds:
        click.echo(f"fail-on {t.describe(impact)} -> {'CROSSED' if t in crossed else 'ok'}")
    if crossed:
        click.echo(f"{len(crossed)} threshold(s) crossed: exit {EXIT_THRESHOLD}", err=True)
        ctx.exit(EXIT_THRESHOLD)


@migrate_group.command("draft")
@click.argument("rules", type=click.Path(exists=True))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Folder to write the drafted Actions to (deploy-cli layout).")
@click.option("--users", "-n", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Logins of the equivalence check run on the drafts.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@workers_option
@click.option("--check/--no-check", default=True, show_default=True,
              help="Run the equivalence check (rulesim migrate check) on the drafts.")
@click.option("--report", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the check's Markdown report (with the TODO sites) to this file.")
def draft_command(rules: str, out: str, users: int, seed: int, workers: int | None,
                  check: bool, report: str | None) -> None:
    """Draft one post-login Action per Rule of RULES into --out, then check them.

    The translation works on a JavaScript syntax tree (docs/migration.md); what it cannot
    translate safely is left commented out under a TODO(rulesim) line and listed here.
    """
    from rulesim.cli.commands import load_population, load_source
    from rulesim.impact import compare
    from rulesim.migration import migration_report
    from rulesim.sources import load_tenant
    from rulesim.sources.draft import draft_actions

    flow = _flow(load_source(rules, None))
    draft = draft_actions(flow.rules)
    folder = draft.write(out)
    click.echo(f"drafted {len(draft.actions)} Actions into {folder} "
               f"({len(draft.todos)} TODO sites in {len(draft.todo_actions())} Actions)")
    for todo in draft.todos:
        click.echo(f"  TODO {todo.action}:{todo.line}: {todo.why}")
    if not check:
        return
    pop = load_population(users, seed, None, None)
    impact = compare(flow.rules, load_tenant(folder), pop, seed=seed, workers=workers,
                     progress=False, on_redirect="continue")
    reg, known = impact.regressions, impact.known_differences
    at_todo = reg[reg["action"].isin(draft.todo_actions())]
    other = reg[~reg["action"].isin(draft.todo_actions())]
    click.echo(f"check over {len(impact)} logins: {known['login_id'].nunique()} logins with a "
               f"known difference, {at_todo['login_id'].nunique()} with a regression in an "
               f"Action with a TODO site, {other['login_id'].nunique()} with another "
               "regression")
    for code, count in known.groupby("code")["login_id"].nunique().sort_values(
            ascending=False).items():
        click.echo(f"  {code}: {count} logins")
    for action, count in at_todo.groupby("action")["login_id"].nunique().sort_values(
            ascending=False).items():
        click.echo(f"  TODO sites of {action}: {count} logins differ")
    for action, count in other.groupby("action")["login_id"].nunique().items():
        click.echo(f"  regression in {action}: {count} logins")
    if report:
        text = migration_report(impact)
        text += "\n## TODO sites of the draft\n\n" + "\n".join(
            f"- `{t.action}` line {t.line}: {t.why}" for t in draft.todos) + "\n"
        Path(report).write_text(text, encoding="utf-8")
        click.echo(f"wrote the report to {report}")


def _flow(loaded: Any) -> Any:
    from rulesim._flow import flow_of

    flow = flow_of(loaded)
    if not flow.rules.active:
        raise click.UsageError("migrate draft: the export has no enabled Rules to draft from")
    return flow


COMMANDS = [migrate_group]
