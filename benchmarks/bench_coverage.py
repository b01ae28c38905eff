"""Benchmark the cost of rule coverage: the acme tenant with and without counters, same run.

Coverage inserts a counter before each statement and passes each condition through a counting
helper. What matters is that cost inside the engine, so the script reports, in one run and on
the same population:

* the per-rule engine time (sum of ``rule_runs.cpu_us`` over rules that ran) and the wall time
  of ``simulate`` for the plain and the instrumented rule set, each the best of ``--repeat``
  runs, and their ratio;
* the synchronous subset of the tenant alone (README: rules 1-11), where the rules' own work is
  smallest and the counters' share largest;
* whether the run returned counters (it does once the sandbox reads them back).

Run: ``python benchmarks/bench_coverage.py [--logins 5000] [--repeat 3] [--workers 1]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import rulesim as rs
from rulesim.coverage import instrument_rules

ACME = Path(__file__).parents[1] / "datasets" / "tenants" / "acme"
SYNC = ("block-password-grant", "email-domain-allowlist", "force-email-verification",
        "normalize-idp-profile", "map-idp-groups", "add-role-claims", "restrict-api-scopes",
        "contextual-mfa", "add-session-claims", "expense-saml-mappings", "sign-downstream-claims")


def measure(rules: Any, pop: Any, workers: int, repeat: int) -> tuple[float, float, bool]:
    """Best engine time (ms, summed over rule runs) and best wall time (s) of ``repeat`` runs."""
    best_cpu, best_wall, counters = float("inf"), float("inf"), False
    for _ in range(repeat):
        t0 = time.perf_counter()
        sim = rs.simulate(rules, pop, workers=workers, progress=False)
        best_wall = min(best_wall, time.perf_counter() - t0)
        ran = sim.rule_runs[sim.rule_runs["outcome"] != "skipped"]
        best_cpu = min(best_cpu, float(ran["cpu_us"].sum()) / 1000.0)
        counters = counters or bool(getattr(sim, "coverage_counts", None))
    return best_cpu, best_wall, counters


def main() -> None:
    """Print plain vs instrumented figures for the whole tenant and the synchronous subset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tenant = rs.load_rules(ACME)
    sync = rs.RuleSet([r for r in tenant if r.name in SYNC], tenant.configuration)
    pop = rs.population(args.logins, seed=args.seed)
    print(f"{args.logins} logins, best of {args.repeat}, {args.workers} worker(s)")
    for label, rules in (("acme (17 rules)", tenant), ("acme sync subset", sync)):
        plain_cpu, plain_wall, _ = measure(rules, pop, args.workers, args.repeat)
        cov_cpu, cov_wall, counters = measure(instrument_rules(rules), pop, args.workers,
                                              args.repeat)
        print(f"{label}:")
        print(f"  engine time  plain {plain_cpu:9.1f} ms   instrumented {cov_cpu:9.1f} ms   "
              f"ratio {cov_cpu / plain_cpu:5.2f}×   "
              f"({1000 * (cov_cpu - plain_cpu) / args.logins:.1f} µs per login)")
        print(f"  wall time    plain {plain_wall:9.2f} s    instrumented {cov_wall:9.2f} s    "
              f"ratio {cov_wall / plain_wall:5.2f}×")
        print(f"  counters returned: {'yes' if counters else 'no (sandbox hook not there yet)'}")


if __name__ == "__main__":
    main()
