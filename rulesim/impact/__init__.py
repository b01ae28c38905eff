"""`compare()`: what changes if we ship a rule edit, measured over a whole population.

::

    import rulesim as rs

    rules = rs.load_rules("datasets/tenants/acme")
    pop = rs.population(5_000, seed=7)
    impact = rs.compare(rules, rules.disable("contextual-mfa"), pop, workers=2)
    impact.transitions["count"]      # baseline outcome × candidate outcome
    impact.changed                   # one row per login whose result differs
    impact.by("connection")          # where the changes concentrate
    print(impact.summary())          # Markdown for a pull-request comment

Both sides run with the same seed over the same population, so every difference comes from the
rules (or from what the caller changed on purpose, such as the fake services when two
finished simulations are compared). Measured CPU time differs between any two runs: it is never
treated as a change, only reported in :attr:`Impact.latency`.

Speed: "do not re-run what cannot differ"
-----------------------------------------
* identical rule sets (same :attr:`~rulesim.RuleSet.sha256`, configuration and services file)
  run once, and both sides share the result;
* a finished :class:`~rulesim.Simulation` passed as one side is reused, never re-run;
* when the candidate differs only from active rule ``k`` on
  (:func:`~rulesim.impact.planning.shared_prefix`), the first ``k`` rules run once per login
  and both pipelines continue from the state they leave (:mod:`rulesim.paired`); a login
  whose state cannot be copied exactly runs both sides in full. :attr:`Impact.shared_rules`
  and :attr:`Impact.shared_logins` say how much was shared;
* otherwise both sides run in full (always when either side has post-login Actions).

Either side may be a tenant with Actions (:func:`~rulesim.load_tenant`, an
:class:`~rulesim.ActionSet`, …): what the application receives is compared the same way.
"""

from __future__ import annotations

from rulesim.impact.comparison import compare
from rulesim.impact.result import KINDS, Impact

__all__ = ["KINDS", "Impact", "compare"]
