"""``rulesim test PATH...``: run golden-case files without pytest.

Exit codes: 0 every case passed, 1 a case failed (or a file could not be run), 2 usage (a bad
option, a missing path, a malformed golden file: the message names the file and line).
"""

from __future__ import annotations

import click

__all__ = ["COMMANDS", "test_command"]


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--coverage", "coverage", is_flag=True, default=False,
              help="Also report which lines and branches of each rule ran.")
@click.option("--coverage-html", default=None, type=click.Path(dir_okay=False),
              help="Write the coverage as annotated HTML to this file.")
@click.option("--quiet", "-q", is_flag=True, default=False,
              help="Print only the failures and the totals.")
def test_command(paths: tuple[str, ...], coverage: bool, coverage_html: str | None,
                 quiet: bool) -> int:
    """Run the golden cases in PATHS (``*.rulesim.yaml`` files, or folders holding them)."""
    from rulesim.testing.golden import find_files, load

    files = find_files(paths)
    if not files:
        raise click.UsageError(f"no *.rulesim.yaml files under {', '.join(paths)}")
    collector = None
    if coverage or coverage_html:
        from rulesim.coverage import CoverageCollector

        collector = CoverageCollector()
    loaded = [load(f) for f in files]  # every file is checked before anything runs
    from rulesim.testing.golden import GoldenReport

    results = []
    for golden in loaded:
        report = golden.run(coverage=collector is not None,
                            on_simulation=collector.add_simulation if collector else None)
        results.extend(report.results)
    report = GoldenReport(results)
    text = str(report)
    if quiet:
        text = "\n".join(line for line in text.splitlines()
                         if not line.startswith("  ✓") and not line.endswith(".rulesim.yaml"))
    click.echo(text.strip("\n"))
    if collector is not None:
        click.echo("")
        if collector.coverage.rules:
            click.echo(str(collector.coverage))
            if coverage_html:
                click.echo(f"annotated coverage: {collector.coverage.save_html(coverage_html)}")
        else:
            click.echo("coverage: no counters were collected (this sandbox cannot read them "
                       "back yet)")
    return 0 if report.ok else 1


COMMANDS = [test_command]
