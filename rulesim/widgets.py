"""Notebook views over simulations and impacts, and the interactive rule explorer.

Stock ipywidgets, composed; they only read :class:`~rulesim.Simulation` and ``Impact``
objects (the Explorer runs simulations, in worker processes like every run). ipywidgets is
imported when a view is built, never when ``rulesim`` is imported::

    import rulesim as rs

    rs.widgets.show(sim)                      # per-rule table, outcomes, latency, error codes
    rs.widgets.LoginBrowser(sim)              # filter and page logins, read any trace
    rs.widgets.LoginBrowser(sim, secrets=rs.widgets.secret_values(rules.configuration))
    rs.widgets.ImpactView(impact)             # transitions, segments, claims, before/after
    ex = rs.widgets.Explorer(rules, size=2_000, seed=7)
    ex                                        # toggle rules, edit configuration, Run, Pin

Configuration values are secrets: the Explorer shows them masked until "show values" is
ticked, and the traces it shows mask any piece of a secret a rule leaked (console lines,
URLs, claims). Pass ``secrets=`` to a LoginBrowser or ImpactView built by hand for the same.

Every view keeps its root widget in ``.widget`` and exposes its parts as attributes, so tests
drive it without a browser (``ex.toggle("contextual-mfa"); ex.run(); ex.impact``). Its
``text/plain`` form is deterministic (counts, never timings), for static notebook viewers and
nbval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rulesim._widgets_explorer import MIXES, Explorer, RunCancelledError
from rulesim._widgets_impact import ImpactView
from rulesim._widgets_secrets import secret_values
from rulesim._widgets_views import LoginBrowser, SimulationView

if TYPE_CHECKING:
    from rulesim.simulation import Simulation

__all__ = ["MIXES", "Explorer", "ImpactView", "LoginBrowser", "RunCancelledError",
           "SimulationView", "secret_values", "show"]


def show(sim: Simulation) -> SimulationView:
    """Summarise a simulation: per-rule table, outcome bars, latency, top error codes.

    Parameters
    ----------
    sim
        A finished (or interrupted) simulation.

    Returns
    -------
    SimulationView
        Displays as a widget in a notebook; ``.text()`` gives the same numbers as text.
    """
    return SimulationView(sim)
