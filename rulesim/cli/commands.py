"""``rulesim run``, ``try``, ``population`` and ``modules install``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["COMMANDS", "MIXES", "gate_options", "population_options", "workers_option"]

MIXES = ("b2c", "b2b", "workforce")
"""The population presets a verb's ``--mix`` offers."""

_F = TypeVar("_F", bound=Callable[..., Any])

workers_option = click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
                              help="Worker processes (default: every core).")
"""``--workers/-w`` of every verb that simulates."""


def gate_options(threshold_syntax: str, report_help: str) -> Callable[[_F], _F]:
    """``--fail-on``, ``--report`` and ``--progress`` of a verb that gates CI on a comparison
    (``rulesim compare``, ``rulesim migrate check``): its threshold syntax, and what its
    Markdown report is for."""
    def apply(command: _F) -> _F:
        command = click.option("--progress/--no-progress", default=False,
                               help="Show progress bars.")(command)
        command = click.option("--report", type=click.Path(dir_okay=False, writable=True),
                               default=None, help=report_help)(command)
        return click.option("--fail-on", "fail_on", multiple=True, metavar="THRESHOLD",
                            help="Exit 3 when this threshold is crossed; repeatable. Syntax: "
                            + threshold_syntax + ".")(command)
    return apply


def population_options(runs: str) -> Callable[[_F], _F]:
    """``--users/-n``, ``--seed`` and ``--mix`` of a verb that runs ``runs`` over one synthetic
    population (``rulesim compare``: "both runs"; ``rulesim migrate check``: "every run")."""
    def apply(command: _F) -> _F:
        command = click.option("--mix", type=click.Choice(MIXES), default=None,
                               help="Population preset.")(command)
        command = click.option("--seed", type=click.IntRange(min=0), default=0,
                               show_default=True,
                               help=f"Seed of the population and of {runs}.")(command)
        return click.option("--users", "-n", type=click.IntRange(min=1), default=1000,
                            show_default=True, help="Logins to simulate (a synthetic "
                            "population of this many logins).")(command)
    return apply


def load_population(users: int | None, seed: int, mix: str | None, population_file: str | None,
                     logins_per_user: float | None = None) -> Any:
    from rulesim.population import Population, population

    if population_file:
        path = Path(population_file)
        if path.is_dir() or path.suffix == ".parquet":
            return Population.read_parquet(path)
        return Population.from_users_export(path, seed=seed, mix=mix)
    n_users = users if users is not None else 1000
    pop = population(max(1, n_users), seed=seed, mix=mix)
    return pop


def load_source(path: str, config: str | None) -> Any:
    """The rules at ``path``, or the tenant (Rules and Actions) when the export has Actions."""
    from rulesim._flow import exports_actions
    from rulesim.sources import load_rules, load_tenant

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if exports_actions(path):
            rules: Any = load_tenant(path, configuration=config)
        else:
            rules = load_rules(path, configuration=config)
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    return rules


def describe_loaded(loaded: Any) -> str:
    """``12 enabled of 14`` for rules; with Actions, also the bound Actions."""
    from rulesim._flow import flow_of

    flow = flow_of(loaded)
    text = f"{len(flow.rules.active)} enabled of {len(flow.rules)}"
    if flow.actions is not None:
        text = (f"{text} rules, {len(flow.actions.active)} bound of {len(flow.actions)} "
                "Actions")
    return text


@click.command("run")
@click.argument("path", type=click.Path(exists=True))
@click.option("--users", "--logins", "-n", "users", type=click.IntRange(min=1), default=1000,
              show_default=True,
              help="Size of the synthetic population, in logins (each user logs in several "
                   "times, in time order).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--mix", type=click.Choice(["b2c", "b2b", "workforce"]), default=None,
              help="Population preset.")
@click.option("--population", "population_file", type=click.Path(exists=True), default=None,
              help="A population parquet folder or an Auth0 user export (NDJSON/CSV).")
@click.option("--config", type=click.Path(exists=True), default=None,
              help="Configuration (secrets): JSON or dotenv file.")
@click.option("--services", type=click.Path(exists=True), default=None,
              help="Fake external services (YAML/JSON). Default: services.yaml beside the rules.")
@workers_option
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Write the result tables into this folder.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), default="parquet",
              show_default=True)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
def run_command(path: str, users: int, seed: int, mix: str | None, population_file: str | None,
                config: str | None, services: str | None, workers: int | None, out: str | None,
                fmt: str, progress: bool | None) -> None:
    """Simulate a population through the rules (and post-login Actions) at PATH; print the
    per-rule summary."""
    from rulesim.run import simulate

    rules = load_source(path, config)
    pop = load_population(users, seed, mix, population_file)
    sim = simulate(rules, pop, services=services, seed=seed, workers=workers, progress=progress)
    click.echo(f"rules: {path} ({describe_loaded(rules)})  logins: {len(sim)}  seed: {seed}")
    click.echo(str(sim.summary()))
    codes = sim.logins["error_code"].value_counts()
    codes = codes[codes > 0]
    if len(codes):
        click.echo("error codes: " + ", ".join(f"{k}={v}" for k, v in codes.items()))
    if out:
        written = sim.export(out, fmt)
        click.echo(f"wrote {fmt} tables (logins, rule_runs, changes, calls, logs) to {written}")


@click.command("try")
@click.argument("path", type=click.Path(exists=True))
@click.option("--user", "user_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSON file with the (partial) user.")
@click.option("--context", "context_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="JSON file with the (partial) context.")
@click.option("--config", type=click.Path(exists=True), default=None)
@click.option("--services", type=click.Path(exists=True), default=None)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
def try_command(path: str, user_file: str | None, context_file: str | None, config: str | None,
                services: str | None, seed: int) -> None:
    """Run one login through the whole pipeline (Rules, then Actions) and print its trace."""
    from rulesim.run import run_login

    def read(file: str | None) -> dict[str, Any]:
        if file is None:
            return {}
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise click.BadParameter(f"{file} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise click.BadParameter(f"{file} must hold a JSON object")
        return data

    rules = load_source(path, config)
    trace = run_login(rules, user=read(user_file), context=read(context_file),
                      services=services, seed=seed)
    click.echo(str(trace))


@click.command("population")
@click.option("--users", "--logins", "-n", "users", type=click.IntRange(min=1), default=None,
              help="Logins to generate (users have several each; default 1000), or with "
                   "--from-logs the number to resample to (default: one per login event).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--mix", type=click.Choice(["b2c", "b2b", "workforce"]), default=None)
@click.option("--from-logs", "from_logs", type=click.Path(exists=True), multiple=True,
              help="Build the population from the tenant's own log export instead (Management "
                   "API JSON, log-stream or plain NDJSON, .gz, or a folder; repeatable): one "
                   "login per successful login, silent auth and refresh-token exchange.")
@click.option("--users-export", type=click.Path(exists=True, dir_okay=False), default=None,
              help="With --from-logs: the users export (NDJSON or CSV) joined on user_id.")
@click.option("--keep-personal-data", is_flag=True, default=False,
              help="With --from-logs: keep emails, names, ids and full IPs as exported "
                   "(default: stable pseudonyms, email domains kept, last IP octet dropped).")
@click.option("--out", type=click.Path(), required=True, help="Parquet file to write.")
def population_command(users: int | None, seed: int, mix: str | None, from_logs: tuple[str, ...],
                       users_export: str | None, keep_personal_data: bool, out: str) -> None:
    """Generate a synthetic population, or read one from login logs, and write it as parquet."""
    from rulesim.population import Population, population

    if from_logs:
        if mix is not None:
            raise click.UsageError("--mix describes generated populations; it cannot be used "
                                   "with --from-logs")
        from rulesim.logs import scan

        paths = list(from_logs)
        pop = Population.from_logs(paths if len(paths) > 1 else paths[0], users_export,
                                   n=users, seed=seed, pseudonymize=not keep_personal_data)
        click.echo(str(scan(paths if len(paths) > 1 else paths[0])))
    elif users_export is not None or keep_personal_data:
        raise click.UsageError("--users-export and --keep-personal-data go with --from-logs")
    else:
        pop = population(users or 1000, seed=seed, mix=mix)
    pop.to_parquet(out)
    click.echo(f"wrote {len(pop)} logins of {len(pop.users)} users to {out}")


@click.group("modules")
def modules_group() -> None:
    """Manage the real npm packages rules may require (lodash, moment, …)."""


@modules_group.command("install")
@click.argument("specs", nargs=-1)
@click.option("--dir", "modules_dir", type=click.Path(file_okay=False), default=None,
              help="Modules folder (default: $RULESIM_MODULES_DIR or ~/.cache/rulesim/modules).")
@click.option("--tenant", "tenant", type=click.Path(exists=True), default=None,
              help="Also install the dependencies the tenant's Actions declare (name@version).")
def modules_install(specs: tuple[str, ...], modules_dir: str | None, tenant: str | None) -> None:
    """Install packages, e.g. ``rulesim modules install lodash@4.17.21 moment``.

    With no SPECS (and no --tenant), installs every pure-JS package rulesim loads as real code
    (lodash, moment, moment-timezone, ipaddr.js, xmldom, xpath, q, async) at its known-good
    version. ``--tenant PATH`` installs what the export's Actions declare; packages rulesim
    emulates (axios, request, …) are left out.
    """
    from rulesim.runtime import modules

    wanted = list(specs)
    if tenant is not None:
        wanted += _declared(tenant, modules)
    if not wanted and tenant is None:
        wanted = [f"{n}@{v}" for n, v in modules.REAL_PACKAGES.items()]
    if not wanted:
        click.echo("nothing to install: the Actions declare no package rulesim loads as code")
        return
    modules.install(wanted, modules_dir=Path(modules_dir) if modules_dir else None)
    click.echo(f"installed {' '.join(wanted)}")


def _declared(tenant: str, modules: Any) -> list[str]:
    """The declared dependencies of a tenant's Actions that are real packages to install."""
    from rulesim.sources import load_tenant

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        actions = load_tenant(tenant).actions
    return [spec for spec in actions.dependencies
            if modules.parse_module_spec(spec)[0] not in modules.BUILTIN_MODULES]


@click.command("columns")
def columns_command() -> None:
    """Print the column contract of the result tables."""
    from rulesim.records import column_contract_markdown

    click.echo(column_contract_markdown())


COMMANDS = [run_command, try_command, population_command, modules_group, columns_command]
