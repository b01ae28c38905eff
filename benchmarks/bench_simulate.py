"""End-to-end simulate(): throughput, worker scaling, peak memory, vs a no-recording baseline.

    python benchmarks/bench_simulate.py [--logins 1000000] [--scaling-logins 40000]

Prints, for the acme tenant (all enabled rules, its fake services):

* the end-to-end time and logins/s of ``simulate()`` over ``--logins`` logins with 2 workers,
  and the peak RSS of the caller and of the largest worker;
* the scaling from 1 to 2 workers over ``--scaling-logins`` logins (target ≥ 1.8×);
* the baselines measured in the same run, one process, the same payloads:
  - all the tenant's rules with nothing recorded (``Pipeline.baseline``: same host
    operations, fake services and clock, no change tracking, console capture, tokens or
    rows) against the recorded pipeline on the same rules; and the time 1,000,000 logins
    would take on 2 workers at that no-recording rate with perfect scaling (a lower bound
    for the end-to-end run);
  - the synchronous rules alone, the no-recording floor (``Pipeline.floor``) against the
    recorded pipeline (as in ``bench_runtime.py``).

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

    # Baselines in the same run: no recording vs full recording, one core, same payloads.
    sample = rs.population(5_000, seed=args.seed)
    payloads = sample.payloads()
    users = sample.logins["user_id"].astype(str).tolist()
    whole = Pipeline(list(rules), rules.configuration, seed=args.seed,
                     services=rs.Services.from_file(rules.services_file))
    for i, p in enumerate(payloads[:300]):   # warm up: modules load, caches fill
        whole.baseline(p, i, user_id=users[i])
        whole.run(p, i, Columns(), login_id=str(i), user_id=users[i])
    whole.reset()
    t = time.perf_counter()
    for i, p in enumerate(payloads):
        whole.baseline(p, i, user_id=users[i])
    bare = len(payloads) / (time.perf_counter() - t)
    whole.reset()
    sink = Columns()
    t = time.perf_counter()
    for i, p in enumerate(payloads):
        whole.run(p, i, sink, login_id=str(i), user_id=users[i])
    recorded = len(payloads) / (time.perf_counter() - t)
    print(f"baseline, all {len(rules.active)} rules, one core: no recording {bare:,.0f}/s, "
          f"recorded {recorded:,.0f}/s ({recorded / bare:.0%} of the baseline)")
    print(f"  1,000,000 logins at the no-recording rate on 2 workers, perfect scaling: "
          f"{1e6 / (2 * bare):,.0f} s (lower bound; target <= 120 s needs "
          f"{1e6 / 120 / 2:,.0f}/s per worker)")

    sync = synchronous_rules(rules)
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
    print(f"floor, {len(sync)} synchronous rules, one core: no recording {floor:,.0f}/s, "
          f"recorded {recorded:,.0f}/s ({recorded / floor:.0%} of the floor)")

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
