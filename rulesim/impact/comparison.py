"""`compare()`: run (or reuse) both sides over one population and build the :class:`Impact`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from rulesim._flow import Flow, flow_of
from rulesim.errors import UsageError
from rulesim.impact.planning import can_pair, prefix_plan, same_setup
from rulesim.impact.result import Impact
from rulesim.options import DEFAULT_CHUNK_SIZE, RunOptions
from rulesim.run import simulate, simulate_pair
from rulesim.simulation import Simulation

__all__ = ["check_same_logins", "compare", "login_ids", "missing_secrets_of", "rule_ids_of",
           "sources_of", "units_of"]


def login_ids(frame: pd.DataFrame) -> list[str]:
    return [str(x) for x in frame["login_id"]]


def check_same_logins(a: Sequence[str], b: Sequence[str], what: str) -> None:
    if len(a) == len(b) and (list(a) == list(b) or sorted(a) == sorted(b)):
        if len(set(a)) != len(a):
            raise UsageError(f"{what}: login ids must be unique to be matched")
        return
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    detail = []
    if only_a:
        detail.append(f"{len(only_a)} only in the baseline (e.g. {only_a[0]})")
    if only_b:
        detail.append(f"{len(only_b)} only in the candidate (e.g. {only_b[0]})")
    if not detail:
        detail.append(f"{len(a)} vs {len(b)} logins")
    raise UsageError(f"{what} must cover the same logins (same login ids): "
                     f"{'; '.join(detail)}. Run both over one population, or pass rule sets "
                     "and a population to compare().")


def compare(baseline: Any, candidate: Any, population: Any = None, *,
            strict: bool = False, mapping: Mapping[str, str] | None = None,
            options: RunOptions | None = None, **simulate_kwargs: Any) -> Impact:
    """Measure what changes, login by login, when ``candidate`` replaces ``baseline``.

    Parameters
    ----------
    baseline, candidate
        Rule sets (:class:`~rulesim.RuleSet`, a :class:`~rulesim.Rule`, a list of rules or a
        path for :func:`~rulesim.load_rules`), tenants with post-login Actions (a
        :class:`~rulesim.Tenant`, an :class:`~rulesim.ActionSet`, Actions, or the path of an
        export that has them), or finished :class:`~rulesim.Simulation`\\ s of the same
        population. A Simulation is reused as it is; anything else is run over the population
        with the same seed as the other side.
    population
        The logins to run (:func:`~rulesim.population`). Optional when a Simulation is given
        (its population is used); must match it when both are given.
    strict
        Count the known differences between Rules and their Actions as regressions.
    mapping
        Rule name → Action name where an Action is not named like the Rule it replaces.
    options, **simulate_kwargs
        The options of every run (a :class:`~rulesim.RunOptions`, and keywords of
        :func:`~rulesim.simulate` over it: ``configuration``, ``services``, ``seed``,
        ``workers``, ``limits``, …), checked once before anything runs. ``seed`` defaults to
        the population's seed, or to the seed recorded by a Simulation given as one side.

    Returns
    -------
    Impact
        Across kinds, :attr:`~Impact.regressions` / :attr:`~Impact.known_differences`.

    Raises
    ------
    UsageError
        Two Simulations of different logins; no population to run a rule set over; simulate
        options passed with two finished Simulations (they would have no effect).

    Notes
    -----
    To measure a change outside the rules (a slower API, a failing service), simulate each
    setup and compare the two Simulations::

        slow = services.with_latency("enrich-person", fixed_ms=900)
        rs.compare(rs.simulate(rules, pop), rs.simulate(rules, pop, services=slow))
    """
    opts = RunOptions.from_kwargs(options, **simulate_kwargs)
    notes: list[str] = []
    base_sim = baseline if isinstance(baseline, Simulation) else None
    cand_sim = candidate if isinstance(candidate, Simulation) else None
    if base_sim is not None and cand_sim is not None:
        if opts.given():
            raise UsageError("compare(): simulate options "
                             f"({', '.join(sorted(opts.given()))}) have no effect when both "
                             "sides are finished Simulations; pass rule sets to run them")
        check_same_logins(login_ids(base_sim.logins), login_ids(cand_sim.logins),
                           "compare(): the two simulations")
        if population is not None:
            check_same_logins(login_ids(base_sim.logins), login_ids(population.logins),
                               "compare(): the simulations and the population")
        seeds = (base_sim.manifest.get("seed"), cand_sim.manifest.get("seed"))
        if seeds[0] != seeds[1]:
            notes.append(f"the simulations used different seeds ({seeds[0]} and {seeds[1]}): "
                         "random draws (service latencies, failures, Math.random) differ too")
        return Impact(base_sim, cand_sim, notes=notes, reused=2, strict=strict,
                      mapping=mapping)

    finished = base_sim or cand_sim
    if finished is not None:
        if population is None:
            population = finished.population
            if population is None:
                raise UsageError("compare(): the Simulation has no population attached (read "
                                 "from parquet?); pass population= to run the other side")
        else:
            check_same_logins(login_ids(finished.logins), login_ids(population.logins),
                               "compare(): the Simulation and the population")
        if opts.seed is None:
            opts = opts.replace(seed=finished.manifest.get("seed"))
        if "chunk_size" not in opts.given():
            opts = opts.replace(chunk_size=finished.manifest.get("chunk_size", DEFAULT_CHUNK_SIZE))
        other = flow_of(candidate if base_sim is not None else baseline)
        ran = simulate(other, population, options=opts)
        pair = (finished, ran) if base_sim is not None else (ran, finished)
        return Impact(*pair, notes=notes, reused=1, rulesets=(None, None), strict=strict,
                      mapping=mapping, **units_of(other, secrets=opts.secrets))

    if population is None:
        raise UsageError("compare(): expected a population to run the rule sets over "
                         "(rs.population(n, seed=...)), got population=None")
    base_flow, cand_flow = flow_of(baseline), flow_of(candidate)
    base_rules, cand_rules = base_flow.rules, cand_flow.rules
    if opts.seed is None:
        spec = getattr(population, "spec", None)
        opts = opts.replace(seed=int(spec.get("seed", 0)) if isinstance(spec, Mapping) else 0)
    if same_setup(base_flow, cand_flow):
        sim = simulate(base_flow, population, options=opts)
        notes.append("the two rule sets are identical: run once, shared by both sides")
        return Impact(sim, sim, notes=notes, reused=1, rulesets=(base_rules, cand_rules),
                      strict=strict, mapping=mapping)
    # Sharing a prefix is for two rule sets; with Actions both sides run in full.
    k, safe, global_prefix = prefix_plan(base_rules, cand_rules)
    if base_flow.has_actions or cand_flow.has_actions:
        k = 0
    if k and can_pair(base_rules, cand_rules, opts):
        a, b, shared = simulate_pair(base_rules, cand_rules, population, prefix=k,
                                     global_prefix=global_prefix,
                                     safe_prefix=safe if global_prefix else None, options=opts)
        impact = Impact(a, b, notes=notes, reused=0, rulesets=(base_rules, cand_rules),
                        strict=strict, mapping=mapping,
                        **units_of(base_flow, cand_flow, secrets=opts.secrets))
        impact.shared_rules, impact.shared_logins = k, shared
        return impact
    a = simulate(base_flow, population, options=opts)
    b = simulate(cand_flow, population, options=opts)
    return Impact(a, b, notes=notes, reused=0, rulesets=(base_rules, cand_rules),
                  strict=strict, mapping=mapping, **units_of(base_flow, cand_flow, secrets=opts.secrets))


def sources_of(*flows: Flow) -> dict[str, str]:
    """Every rule's source by name, and every Action's code under ``"<name> (action)"`` (the
    migration labels read some of them)."""
    out = {r.name: r.source for f in flows for r in f.rules}
    for f in flows:
        out.update({f"{a.name} (action)": a.code for a in (f.actions or ())})
    return out


def rule_ids_of(*flows: Flow) -> dict[str, str]:
    """Every rule's id by name (``api.rules.wasExecuted`` asks by id)."""
    return {r.name: r.id for f in flows for r in f.rules}


def missing_secrets_of(*flows: Flow, secrets: Any = None) -> dict[str, list[str]]:
    """Per Action of ``flows``, the ``event.secrets`` keys its code reads that get no value
    (with ``secrets``, the values a run adds, taken into account)."""
    out: dict[str, list[str]] = {}
    for f in flows:
        if f.actions is None:
            continue
        actions = f.actions if secrets is None else f.actions.with_secrets(secrets)
        out.update(actions.missing_secrets())
    return out


def units_of(*flows: Flow, secrets: Any = None) -> dict[str, Any]:
    """What the migration labels read about the units of ``flows``, as :class:`Impact`
    keywords: their sources, the rules' ids and the secrets the Actions miss."""
    return {"sources": sources_of(*flows), "rule_ids": rule_ids_of(*flows),
            "missing_secrets": missing_secrets_of(*flows, secrets=secrets)}
