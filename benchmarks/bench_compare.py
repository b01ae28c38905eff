"""Time `rs.compare` on a change to the LAST rule of the acme tenant, against a full double run.

Three timings on one population, measured in the same process run:

* **double run**: ``simulate(baseline)`` then ``simulate(candidate)``, no diff;
* **compare**: ``rs.compare(baseline, candidate, pop)``: the rules both sides share run once
  per login and both pipelines continue from their state (``rulesim.paired``), then the diff;
* **reuse**: ``rs.compare(baseline, baseline, pop)``: identical rule sets run once.

Run: ``python benchmarks/bench_compare.py [--logins 1000] [--workers N] [--repeat 2]`` (about
1 minute on 2 cores with the defaults). Wall times on a shared machine are noisy: the best of
``--repeat`` runs is reported, and the diff alone is timed on two finished simulations.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rulesim as rs
from rulesim.impact import Impact, compare
from rulesim.impact.planning import prefix_plan as _prefix_plan

TENANT = Path(__file__).resolve().parents[1] / "datasets" / "tenants" / "acme"


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--logins", type=int, default=1000, help="population size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs")
    args = parser.parse_args()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rs.RuleSourceWarning)
        baseline = rs.load_rules(TENANT)
    last = baseline.active[-1]
    # An edit that keeps the behaviour (a comment inside the body): the diff stays small,
    # the timing is the point.
    candidate = baseline.replace(last.name, last.source.replace("{", "{\n  // v2: reviewed", 1))
    assert candidate.sha256 != baseline.sha256
    pop = rs.population(args.logins, seed=args.seed)
    opts: dict[str, Any] = {"workers": args.workers, "progress": False}
    print(f"acme: {len(baseline.active)} active rules; change to the last one (`{last.name}`); "
          f"{args.logins} logins; workers={args.workers or os.cpu_count()}")
    k, _safe, uses_global = _prefix_plan(baseline, candidate)
    print(f"shared prefix: the first {k} of {len(baseline.active)} active rules run once per login"
          + (" (some cache on global: the candidate's global is kept in step)" if uses_global else ""))

    # Warm-up: the first pool start pays for imports in the workers.
    rs.simulate(baseline, pop.slice(0, min(50, len(pop))), **opts)

    t_double, (sim_a, sim_b) = best_of(args.repeat, lambda: (rs.simulate(baseline, pop, **opts),
                                                             rs.simulate(candidate, pop, **opts)))
    t_diff, _ = best_of(args.repeat, lambda: Impact(sim_a, sim_b))
    t_compare, impact = best_of(args.repeat, lambda: compare(baseline, candidate, pop, **opts))
    t_reuse, same = best_of(args.repeat, lambda: compare(baseline, baseline, pop, **opts))

    print(f"{'double run (2 × simulate)':<34}{t_double:8.2f} s   1.00×")
    print(f"{'compare (change to last rule)':<34}{t_compare:8.2f} s   {t_compare / t_double:.2f}×"
          f"   ({len(impact.changed)} logins changed; {impact.shared_logins} of {len(pop)} "
          f"continued from the shared {impact.shared_rules} rules)")
    print(f"{'compare (identical rule sets)':<34}{t_reuse:8.2f} s   {t_reuse / t_double:.2f}×"
          f"   (runs saved: {same.runs_saved}, changed: {len(same.changed)})")
    print(f"{'diff alone (Impact of 2 finished)':<34}{t_diff:8.2f} s   {t_diff / t_double:.2f}×")


if __name__ == "__main__":
    main()
