"""End-to-end simulate(): throughput, worker scaling, peak memory, vs a no-recording baseline.

    python benchmarks/bench_simulate.py [--logins 1000000] [--scaling-logins 40000]

Prints, for the acme tenant (all enabled rules, its fake services):

* the end-to-end time and logins/s of ``simulate()`` over ``--logins`` logins with 2 workers,
  and the peak RSS of the caller and of the largest worker;
* the scaling from 1 to 2 workers over ``--scaling-logins`` logins (target ≥ 1.8×);
* the baseline measured in the same run: the same rules on the same payloads in one process
  with nothing recorded (``Pipeline.floor``; network rules are left out of both sides of
  that ratio because the floor cannot answer their I/O), and the recorded pipeline on the
  same rules and payloads.

Targets (issue 6): 1,000,000 logins in ≤ 2 minutes with peak RSS ≤ 4 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import rulesim as rs
from rulesim.pipeline import Pipeline
from rulesim.records import Columns

sys.path.insert(0, os.path.dirname(__file__))
from bench_runtime import synchronous_rules


def _simulate(rules: rs.RuleSet, pop: rs.Population, workers: int) -> tuple[float, rs.Simulation]:
    t = time.perf_counter()
    sim = rs.simulate(rules, pop, workers=workers, progress=False)
    return time.perf_counter() - t, sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1_000_000)
    parser.add_argument("--scaling-logins", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rules = rs.load_rules("datasets/tenants/acme")

    # Baseline in the same run: no recording vs full recording, one core, same payloads.
    sync = synchronous_rules(rules)
    sample = rs.population(5_000, seed=args.seed)
    payloads = sample.payloads()
    pipe = Pipeline(sync, rules.configuration, seed=args.seed)
    t = time.perf_counter()
    for p in payloads:
        pipe.floor(p)
    floor = len(payloads) / (time.perf_counter() - t)
    sink = Columns()
    t = time.perf_counter()
    for i, p in enumerate(payloads):
        pipe.run(p, i, sink, login_id=str(i))
    recorded = len(payloads) / (time.perf_counter() - t)
    print(f"baseline, {len(sync)} synchronous rules, one core: no recording {floor:,.0f}/s, "
          f"recorded {recorded:,.0f}/s ({recorded / floor:.0%} of the baseline)")

    pop = rs.population(args.scaling_logins, seed=args.seed)
    t1, _ = _simulate(rules, pop, 1)
    t2, _ = _simulate(rules, pop, 2)
    print(f"scaling over {len(pop):,} logins, all {len(rules.active)} rules: 1 worker "
          f"{len(pop) / t1:,.0f}/s, 2 workers {len(pop) / t2:,.0f}/s -> {t1 / t2:.2f}x "
          "(target >= 1.8x)")

    t = time.perf_counter()
    big = rs.population(args.logins, seed=args.seed)
    gen = time.perf_counter() - t
    elapsed, sim = _simulate(rules, big, 2)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"end to end: {len(sim.logins):,} logins in {elapsed:.1f} s "
          f"({len(sim.logins) / elapsed:,.0f}/s) + {gen:.1f} s population; "
          f"peak RSS caller {self_rss:,.0f} MB, largest worker {child_rss:,.0f} MB "
          "(targets: <= 120 s, <= 4096 MB)")
    print(f"rows: rule_runs {len(sim.rule_runs):,}, changes {len(sim.changes):,}, "
          f"calls {len(sim.calls):,}, logs {len(sim.logs):,}")


if __name__ == "__main__":
    main()
