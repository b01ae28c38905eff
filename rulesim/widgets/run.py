"""The Explorer's runs: a snapshot of the settings per run, and the progress estimate.

Kept apart from the Explorer's widgets: none of this touches ipywidgets.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rulesim.impact import Impact
    from rulesim.population import Population
    from rulesim.simulation import Simulation

__all__ = ["Job", "Result", "RunCancelledError", "estimate_progress"]


def estimate_progress(total: int, *, phase: int, phases: int, done: int, ran: float,
                      seconds_per_login: float | None) -> tuple[int, float | None]:
    """Logins done so far in a run of ``phases`` simulations, and the seconds left.

    Parameters
    ----------
    total
        Logins per simulation.
    phase
        The simulation in flight (1-based); the ones before it are finished.
    phases
        Simulations in the run (2 when the baseline is re-run on a new population).
    done
        Logins the simulation in flight has reported (whole chunks).
    ran
        Seconds since the simulation in flight started.
    seconds_per_login
        The speed of the previous run, or None before the first run.

    Returns
    -------
    tuple[int, float | None]
        The bar's value, counted over all phases, and the estimated seconds left (None
        without a speed to estimate from). Between chunk reports the estimate moves the bar,
        at most to 95% of the simulation in flight: a run slower than the last one waits
        there for its real report instead of claiming to be done.
    """
    before = (phase - 1) * total
    value = before + done
    if not seconds_per_login or not total:
        return value, None
    expected = seconds_per_login * total
    value = max(value, before + int(total * min(0.95, ran / expected)))
    left = expected * (phases - phase) + max(expected - ran, 0.0)
    return value, left


class RunCancelledError(Exception):
    """Raised inside the run thread when the run was cancelled (never escapes the Explorer)."""


@dataclasses.dataclass
class Job:
    """One run: a snapshot of the Explorer's settings, so edits during a run are safe."""

    rules: Any   # a RuleSet, or a Flow with post-login Actions (rulesim._flow)
    population: Population
    population_key: tuple[Any, ...]
    workers: int
    cancelled: threading.Event = dataclasses.field(default_factory=threading.Event)
    finished: threading.Event = dataclasses.field(default_factory=threading.Event)
    state: str = "running"
    started: float = dataclasses.field(default_factory=time.monotonic)
    phase_started: float = dataclasses.field(default_factory=time.monotonic)
    phases: int = 0
    expected_phases: int = 1
    done: int = 0
    thread: threading.Thread | None = None


@dataclasses.dataclass
class Result:
    sim: Simulation
    baseline: Simulation | None
    impact: Impact | None
    secrets: list[str] = dataclasses.field(default_factory=list)
