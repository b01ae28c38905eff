"""The ``rulesim`` pytest plugin: fixtures, golden-file collection and rule coverage.

Registered through the ``pytest11`` entry point, so installing rulesim is enough. It adds:

* fixtures ``rulesim_rules`` (the rule set named by ``--rulesim-rules PATH`` or the ini setting
  ``rulesim_rules``), ``rulesim_population`` (a synthetic population, regenerated for each test
  from ``rulesim_seed`` and ``rulesim_size``, both fixtures you may override; the seed defaults
  to ``--rulesim-seed``, else 0), ``rulesim_seed`` and ``rulesim_size`` (default 100);
* collection of ``*.rulesim.yaml`` golden-case files: one test item per case; a failing case
  names the rule and shows the trace (see :mod:`rulesim.golden`);
* ``--rulesim-cov``: rule coverage of the session (golden files and every simulation of
  ``rulesim_rules``), printed as a table with the branches never taken;
  ``--rulesim-cov-html PATH`` also writes annotated source as HTML.

The assertion helpers live in :mod:`rulesim.testing`
(``from rulesim.testing import assert_allowed, assert_denied, assert_claim, ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rulesim.testing.golden import SUFFIX, CaseResult, GoldenCase, GoldenFileError, GoldenReport

__all__ = [
    "GoldenItem",
    "GoldenYamlFile",
    "rulesim_population",
    "rulesim_rules",
    "rulesim_seed",
    "rulesim_size",
]

_COLLECTOR_KEY = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--rulesim-*`` options and the ``rulesim_rules`` ini setting."""
    group = parser.getgroup("rulesim", "rulesim: test Auth0 rules")
    group.addoption("--rulesim-rules", default=None, metavar="PATH",
                    help="rules for the rulesim_rules fixture (folder, export or tenant.yaml)")
    group.addoption("--rulesim-seed", type=int, default=None, metavar="N",
                    help="seed of the rulesim_population fixture (default 0)")
    group.addoption("--rulesim-cov", action="store_true", default=False,
                    help="report which lines and branches of each rule ran")
    group.addoption("--rulesim-cov-html", default=None, metavar="PATH",
                    help="also write the rule coverage as annotated HTML to PATH")
    parser.addini("rulesim_rules", "rules for the rulesim_rules fixture", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Start a coverage collector when ``--rulesim-cov`` is given."""
    if not (config.getoption("--rulesim-cov") or config.getoption("--rulesim-cov-html")):
        return
    from rulesim import run as run_module
    from rulesim.coverage import CoverageCollector

    collector = CoverageCollector()
    config.stash[_COLLECTOR_KEY] = collector
    observers = getattr(run_module, "SIMULATION_OBSERVERS", None)
    if isinstance(observers, list):
        observers.append(collector.add_simulation)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Detach the coverage collector from the simulation observers."""
    collector = config.stash.get(_COLLECTOR_KEY, None)
    if collector is None:
        return
    from rulesim import run as run_module

    observers = getattr(run_module, "SIMULATION_OBSERVERS", None)
    if isinstance(observers, list) and collector.add_simulation in observers:
        observers.remove(collector.add_simulation)


def _collector(config: pytest.Config) -> Any:
    return config.stash.get(_COLLECTOR_KEY, None)


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def rulesim_seed(request: pytest.FixtureRequest) -> int:
    """Seed of :func:`rulesim_population` (``--rulesim-seed``, else 0); override to change it."""
    seed = request.config.getoption("--rulesim-seed")
    return int(seed) if seed is not None else 0


@pytest.fixture
def rulesim_size() -> int:
    """Logins in :func:`rulesim_population` (100); override to change it."""
    return 100


@pytest.fixture
def rulesim_population(rulesim_seed: int, rulesim_size: int) -> Any:
    """A synthetic population, generated afresh for each test from the seed and size."""
    from rulesim.population import population

    return population(rulesim_size, seed=rulesim_seed)


@pytest.fixture(scope="session")
def rulesim_rules(pytestconfig: pytest.Config) -> Any:
    """The rule set of ``--rulesim-rules PATH`` or of the ini setting ``rulesim_rules``
    (relative to the rootdir); instrumented for coverage under ``--rulesim-cov``."""
    from rulesim.sources import load_rules

    path = pytestconfig.getoption("--rulesim-rules") or pytestconfig.getini("rulesim_rules")
    if not path:
        pytest.fail("the rulesim_rules fixture needs rules: pass --rulesim-rules PATH or set "
                    "rulesim_rules = PATH in the pytest ini", pytrace=False)
    full = Path(str(path))
    if not full.is_absolute() and not full.exists():
        full = Path(pytestconfig.rootpath) / full
    rules = load_rules(full)
    if _collector(pytestconfig) is not None:
        from rulesim.coverage import instrument_rules

        rules = instrument_rules(rules)
    return rules


# --- golden files -----------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*.rulesim.yaml`` files as :class:`GoldenYamlFile`."""
    if file_path.name.endswith(SUFFIX):
        node: pytest.Collector = GoldenYamlFile.from_parent(parent, path=file_path)
        return node
    return None


class GoldenYamlFile(pytest.File):
    """A golden-case file: one :class:`GoldenItem` per case; the cases run together, once."""

    _report: GoldenReport | None = None

    def collect(self) -> Iterator[GoldenItem]:
        """Load the file (a bad file is a collection error naming the file and line)."""
        from rulesim.testing.golden import load

        self.golden = load(self.path)
        for case in self.golden.cases:
            yield GoldenItem.from_parent(self, name=case.description, case=case)

    def report(self) -> GoldenReport:
        """Run every case of the file the first time an item needs its result."""
        if self._report is None:
            collector = _collector(self.config)
            self._report = self.golden.run(
                coverage=collector is not None,
                on_simulation=collector.add_simulation if collector is not None else None)
        return self._report

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        """Show a bad golden file as its ``file:line: message`` only."""
        if isinstance(excinfo.value, GoldenFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class GoldenCaseError(AssertionError):
    """A golden case missed an expectation."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.message())
        self.result = result


class GoldenItem(pytest.Item):
    """One golden case as a test item."""

    def __init__(self, *, case: GoldenCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Check this case's result; skipped cases are reported as skipped."""
        if self.case.skip:
            pytest.skip(self.case.skip)
        assert isinstance(self.parent, GoldenYamlFile)
        result = self.parent.report().results[self.case.index]
        if not result.passed:
            raise GoldenCaseError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        """The failed expectations (naming the rule) and the login's trace."""
        if isinstance(excinfo.value, GoldenCaseError):
            return excinfo.value.result.message()
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the case is written (file and 0-based line) and its description."""
        return self.path, self.case.line - 1, f"golden case: {self.case.description}"


# --- coverage report ----------------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the session's rule coverage under ``--rulesim-cov``."""
    collector = _collector(config)
    if collector is None:
        return
    terminalreporter.section("rulesim rule coverage")
    coverage = collector.coverage
    if not coverage.rules:
        terminalreporter.write_line(
            "no coverage counters were collected: no instrumented rules ran, or this sandbox "
            "cannot read counters back yet")
        return
    terminalreporter.write_line(str(coverage))
    html_path = config.getoption("--rulesim-cov-html")
    if html_path:
        written = coverage.save_html(html_path)
        terminalreporter.write_line(f"annotated rule coverage written to {written}")
