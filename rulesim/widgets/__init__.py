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

The views live in modules of this package: :mod:`~rulesim.widgets.views` (``show``'s summary
and the login browser), :mod:`~rulesim.widgets.impact`, :mod:`~rulesim.widgets.explorer` (with
:mod:`~rulesim.widgets.run` for its background runs and :mod:`~rulesim.widgets.config` for its
configuration editor), :mod:`~rulesim.widgets.trace` (one login's story as HTML),
:mod:`~rulesim.widgets.render` (tables, badges and figures as HTML),
:mod:`~rulesim.widgets.secrets` (masking) and :mod:`~rulesim.widgets.base` (the lazy
ipywidgets guard). Only the names below are public; the modules are internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rulesim.widgets.explorer import MIXES, Explorer, RunCancelledError
from rulesim.widgets.impact import ImpactView
from rulesim.widgets.secrets import secret_values
from rulesim.widgets.views import LoginBrowser, SimulationView

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
