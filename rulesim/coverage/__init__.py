"""Rule coverage: which lines and branches of each rule ran across a simulation or a test session.

"No synthetic login ever reaches this branch" is a finding a security review needs. Coverage
works in three steps, each usable on its own:

1. :func:`instrument` rewrites one rule's source so that it counts what runs. Counters are
   inserted **on the lines they measure** (no line is added or removed before the rule's last
   line), so error messages keep naming the right rule line, and the rule's behaviour is
   unchanged: statements get a ``++`` in front, conditions are passed through an identity
   helper that counts truthy and falsy values, unbraced arms are wrapped in braces.
   The counts live in a hidden (non-enumerable) global, ``globalThis.__rulesim_cov``: a plain
   object ``{rule key: [count, ...]}``.
2. :func:`instrument_rules` returns a :class:`~rulesim.RuleSet` whose enabled rules are
   instrumented; simulate it like any rule set. The sandbox reads the counters back after each
   chunk and the simulation carries them (``sim.coverage_counts``).
3. :class:`Coverage` turns counts into reports: a per-rule table, the branches never taken,
   annotated source for a terminal and a standalone HTML page.

Parsing uses tree-sitter's JavaScript grammar (the ``coverage`` extra): it reads every syntax
Auth0's Node 12–18 runtimes accept (optional chaining, ``??``, spread, ``async``/``await``,
classes, template literals) and reports exact positions, without running anything.

Modules: :mod:`~rulesim.coverage.instrumentation` (steps 1 and 2, and the registry of
instrumented sources), :mod:`~rulesim.coverage.actions` (the same over post-login Actions),
:mod:`~rulesim.coverage.report` (step 3) and :mod:`~rulesim.coverage.session` (the collector a
test session adds simulations to).

Examples
--------
>>> import rulesim as rs
>>> from rulesim.coverage import Coverage, instrument_rules
>>> rules = instrument_rules(rs.load_rules("datasets/tenants/acme"))
>>> sim = rs.simulate(rules, rs.population(300, seed=7), progress=False)
>>> report = Coverage.from_simulation(sim)
>>> print(report.table()[["rule", "statements", "branches"]].head(2).to_string(index=False))
                  rule  statements  branches
  block-password-grant           9         8
email-domain-allowlist          19        18
"""

from __future__ import annotations

from rulesim.coverage.instrumentation import (
    GLOBAL_NAME,
    Probe,
    instrument,
    instrument_flow,
    instrument_rules,
    is_instrumented,
    probes_for,
)
from rulesim.coverage.report import Coverage, RuleCoverage
from rulesim.coverage.session import CoverageCollector

__all__ = ["GLOBAL_NAME", "Coverage", "CoverageCollector", "Probe", "RuleCoverage", "instrument",
           "instrument_flow", "instrument_rules", "is_instrumented", "probes_for"]
