"""The ``rulesim`` command.

Exit codes (a contract for CI jobs):

====  ==============================================================================
0     success
1     rulesim itself failed (unreadable rules or files, a sandbox failure, a bug)
2     usage error (bad options or arguments); the message shows the right syntax
3     ``rulesim compare`` / ``rulesim migrate check``: a ``--fail-on`` threshold was crossed
====  ==============================================================================

``rulesim test`` exits 1 when a golden case fails.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from rulesim.errors import RulesimError, UsageError

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_THRESHOLD", "EXIT_USAGE", "cli", "main"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_THRESHOLD = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rulesim")
def cli() -> None:
    """Run Auth0 Rules offline: simulate, trace, compare and test them."""


def _register() -> None:
    from rulesim.cli import commands

    for command in commands.COMMANDS:
        cli.add_command(command)
    for optional in ("rulesim.cli.compare", "rulesim.cli.testing", "rulesim.cli.new",
                     "rulesim.cli.migrate"):
        try:
            module = __import__(optional, fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:
            if exc.name != optional:
                raise
            continue
        for command in module.COMMANDS:
            cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and exit with the documented code."""
    _register()
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="rulesim",
                        standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_FAILURE)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_FAILURE)
    except UsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except RulesimError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
