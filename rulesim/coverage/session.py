"""Rule coverage over a test session: what the pytest plugin (``--rulesim-cov``) and
``rulesim test --coverage`` add up, one simulation at a time."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from rulesim.coverage.report import Coverage

__all__ = ["CoverageCollector"]


class CoverageCollector:
    """Adds up the coverage of every simulation it is shown (a test session's).

    A simulation shown twice (by the golden-file runner and by a run observer) counts once.
    """

    def __init__(self) -> None:
        self.coverage = Coverage({})
        self._seen: weakref.WeakSet[Any] = weakref.WeakSet()

    def add_simulation(self, sim: Any) -> None:
        """Add a simulation's counters; simulations without counters are ignored."""
        if sim in self._seen or not getattr(sim, "coverage_counts", None):
            return
        self._seen.add(sim)
        self.coverage = self.coverage + Coverage.from_simulation(sim)

    def add(self, coverage: Coverage) -> None:
        """Add a coverage object."""
        self.coverage = self.coverage + coverage

    def observer(self) -> Callable[[Any], None]:
        """A callable for a simulation observer list."""
        return self.add_simulation
