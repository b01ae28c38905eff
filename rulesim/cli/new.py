"""``rulesim new``: start a Rule or a post-login Action from a template of the gallery.

::

    rulesim new --list
    rulesim new rule allow-email-domains my-tenant/ --option domains=example.com,example.org
    rulesim new action enrich-profile my-tenant/ --name enrich --option url=https://hr.example.com/p

Exit codes: 0 written (or listed), 2 usage (an unknown template or option, a bad name, a Rule
or Action that exists without ``--force``).
"""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["COMMANDS", "new_command"]


def _options(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a VALUE starting with ``[`` is read as a JSON list."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--option takes KEY=VALUE, got {pair!r}")
        if value.lstrip().startswith("["):
            try:
                out[key.strip()] = json.loads(value)
            except ValueError as exc:
                raise click.UsageError(f"--option {key}: not a JSON list ({exc})") from None
        else:
            out[key.strip()] = value
    return out


def _listing() -> str:
    from rulesim.gallery import templates

    rows = [("TEMPLATE", "KINDS", "WHAT IT DOES", "NEEDS")]
    for t in templates():
        needs = [f"configuration/secret {c.key}" for c in t.configuration]
        needs += [f"option {o.name} (default {json.dumps(o.default)})" for o in t.options]
        rows.append((t.name, "rule, action", t.summary, "; ".join(needs) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    lines.append("")
    lines.append("Start one: rulesim new rule|action TEMPLATE TENANT_DIR [--name N] "
                 "[--option KEY=VALUE ...]")
    return "\n".join(lines)


def _write(kind: str, template: str, tenant: str, name: str | None, option: tuple[str, ...],
           force: bool) -> None:
    from rulesim.gallery.scaffold import write

    done = write(kind, template, tenant, name=name, force=force, **_options(option))
    click.echo(f"{kind} `{done.name}` from the `{done.template}` template:")
    for path in done.written:
        click.echo(f"  wrote {path}")
    if done.placeholders:
        where = "configuration.json" if kind == "rule" else "the secrets file"
        click.echo(f"  placeholders in {where} (replace them with the real values): "
                   f"{', '.join(done.placeholders)}")
    click.echo(f"check it: rulesim test {done.golden}")


@click.group("new", invoke_without_command=True)
@click.option("--list", "list_", is_flag=True, default=False,
              help="Show the gallery: each template, what it does and what it needs.")
@click.pass_context
def new_command(ctx: click.Context, list_: bool) -> None:
    """Start a Rule or an Action from a template (``rulesim new --list`` shows them)."""
    if list_:
        click.echo(_listing())
    elif ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


_ARGS = [
    click.argument("template"),
    click.argument("tenant", type=click.Path(file_okay=False)),
    click.option("--name", default=None, help="Its name (default: the template's)."),
    click.option("--option", "-o", "option", multiple=True, metavar="KEY=VALUE",
                 help="A template option; a list is comma-separated or a JSON list. Repeatable."),
    click.option("--force", is_flag=True, default=False,
                 help="Overwrite a Rule/Action of that name and its golden file."),
]


def _with_args(fn: Any) -> Any:
    for decorator in reversed(_ARGS):
        fn = decorator(fn)
    return fn


@new_command.command("rule")
@_with_args
def new_rule_command(template: str, tenant: str, name: str | None, option: tuple[str, ...],
                     force: bool) -> None:
    """Write a Rule from TEMPLATE into TENANT (deploy-cli layout) with its golden cases."""
    _write("rule", template, tenant, name, option, force)


@new_command.command("action")
@_with_args
def new_action_command(template: str, tenant: str, name: str | None, option: tuple[str, ...],
                       force: bool) -> None:
    """Write a post-login Action from TEMPLATE into TENANT, bound last, with golden cases."""
    _write("action", template, tenant, name, option, force)


COMMANDS = [new_command]
