"""End-to-end simulate(): throughput, worker scaling, peak memory, vs a no-recording baseline.

    python benchmarks/bench_simulate.py [--logins 1000000] [--memory-logins 100000]
                                        [--scaling-logins 40000]

Prints, for the acme tenant (all enabled rules, its fake services):

* the end-to-end time and logins/s of ``simulate()`` over ``--logins`` logins with 2 workers,
  and the peak RSS of the caller and of the largest worker;
* the caller's peak RSS for ``--memory-logins`` against ``--logins`` logins, as a ratio
  (target: within 20%, the caller's memory does not grow with the population). Each run is a
  fresh process, so each peak is its own; the tables are not read (``sim.logins`` would
  load them: that is the user's choice, not the run's);
* the caller's work per chunk (its CPU time during ``simulate()`` over the number of chunks,
  worker start-up included) against the workers' CPU per chunk;
* the scaling from 1 to 2 workers over ``--scaling-logins`` logins (target ≥ 1.8×);
* the baselines measured in the same run, one process, the same payloads:
  - all the tenant's rules with nothing recorded (``Pipeline.baseline``: same host
    operations, fake services and clock, no change tracking, console capture, tokens or
    rows) against the recorded pipeline on the same rules; and the time 1,000,000 logins
    would take on 2 workers at that no-recording rate with perfect scaling (a lower bound
    for the end-to-end run);
  - the synchronous rules alone, the no-recording floor (``Pipeline.floor``) against the
    recorded pipeline (as in ``bench_runtime.py``).

Targets (issues 6 and 19): 1,000,000 logins in ≤ 2 minutes with peak RSS ≤ 4 GB on 2 cores;
the caller's peak for 1,000,000 logins within 20% of its peak for 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import rulesim as rs
from rulesim.execution.local import shutdown_idle_workers
from rulesim.execution.preload import ALLOCATOR_VARIABLE, worker_preload
from rulesim.pipeline import Pipeline
from rulesim.records import Columns

sys.path.insert(0, os.path.dirname(__file__))
from _allocator import as_workers
from bench_runtime import synchronous_rules


def _simulate(rules: rs.RuleSet, pop: rs.Population, workers: int) -> tuple[float, rs.Simulation]:
    t = time.perf_counter()
    sim = rs.simulate(rules, pop, workers=workers, progress=False)
    return time.perf_counter() - t, sim


def _usage(who: int) -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS (MB) of this process or of its children."""
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime, u.ru_maxrss / 1024


def _own_peak_mb() -> float:
    """This process's peak RSS (MB) since it started.

    ``ru_maxrss`` is not: a process started with vfork and exec (``subprocess``) begins with the
    peak of its parent's memory. Linux's ``VmHWM`` is the peak of this process's own memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _usage(resource.RUSAGE_SELF)[1]


def run_alone(logins: int, seed: int, workers: int = 2) -> dict[str, Any]:
    """One simulate() in this (fresh) process: time, CPU and peak RSS of caller and workers."""
    rules = rs.load_rules("datasets/tenants/acme")
    t = time.perf_counter()
    pop = rs.population(logins, seed=seed)
    cpu0, _ = _usage(resource.RUSAGE_SELF)
    ccpu0, _ = _usage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    sim = rs.simulate(rules, pop, workers=workers, progress=False)
    elapsed = time.perf_counter() - t0
    shutdown_idle_workers()  # workers are kept for a next run: end them to count their usage
    cpu, _ = _usage(resource.RUSAGE_SELF)
    peak = _own_peak_mb()
    # A worker's figure is at least the caller's RSS when it started (see _own_peak_mb).
    ccpu, child_peak = _usage(resource.RUSAGE_CHILDREN)
    source: Any = sim._source  # row counts from the stored chunks, without reading tables
    return {"logins": len(sim), "population_s": t0 - t, "elapsed_s": elapsed,
            "caller_cpu_s": cpu - cpu0, "workers_cpu_s": ccpu - ccpu0,
            "chunks": len(pop.chunk_bounds(2_000)), "caller_peak_mb": peak,
            "worker_peak_mb": child_peak, "rows": source.rows if source is not None else {}}


def _fresh(logins: int, seed: int, workers: int = 2) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--alone", str(logins), "--seed", str(seed),
                          "--workers", str(workers)], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1_000_000)
    parser.add_argument("--memory-logins", type=int, default=100_000)
    parser.add_argument("--scaling-logins", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--alone", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    allocator = as_workers()
    if args.alone is not None:
        print(json.dumps(run_alone(args.alone, args.seed, args.workers)))
        return
    print(f"allocator: {allocator}")
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
    if worker_preload() is not None:
        # What the preloaded allocator buys: one worker on the C library's malloc, then again
        # on the preloaded one (the better of the two runs on it counts).
        saved = {k: os.environ.get(k) for k in (ALLOCATOR_VARIABLE, "LD_PRELOAD")}
        os.environ[ALLOCATOR_VARIABLE], os.environ["LD_PRELOAD"] = "system", ""
        shutdown_idle_workers()
        t_glibc, _ = _simulate(rules, pop, 1)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutdown_idle_workers()
        t1 = min(t1, _simulate(rules, pop, 1)[0])
        print(f"allocator, 1 worker over {len(pop):,} logins: the C library's malloc "
              f"{len(pop) / t_glibc:,.0f}/s, preloaded {len(pop) / t1:,.0f}/s -> "
              f"{t_glibc / t1:.2f}x")

    small = _fresh(args.memory_logins, args.seed)
    big = _fresh(args.logins, args.seed)
    for run in (small, big):
        per_chunk = 1000 * run["caller_cpu_s"] / run["chunks"]
        worker_chunk = 1000 * run["workers_cpu_s"] / run["chunks"]
        print(f"{run['logins']:,} logins in {run['elapsed_s']:.1f} s "
              f"({run['logins'] / run['elapsed_s']:,.0f}/s) + {run['population_s']:.2f} s "
              f"population; peak RSS caller {run['caller_peak_mb']:,.0f} MB, largest worker "
              f"{run['worker_peak_mb']:,.0f} MB; caller CPU {per_chunk:.1f} ms per chunk of "
              f"2,000 logins vs workers' {worker_chunk:,.0f} ms "
              f"({per_chunk / worker_chunk:.1%})")
    print(f"end to end: {big['logins']:,} logins in {big['elapsed_s']:.1f} s "
          "(targets: <= 120 s, <= 4096 MB)")
    print(f"caller peak RSS, {big['logins']:,} vs {small['logins']:,} logins: "
          f"{big['caller_peak_mb']:,.0f} / {small['caller_peak_mb']:,.0f} MB -> "
          f"{big['caller_peak_mb'] / small['caller_peak_mb']:.2f}x (target <= 1.20x)")
    rows = big["rows"]
    print(f"rows: rule_runs {rows.get('rule_runs', 0):,}, changes {rows.get('changes', 0):,}, "
          f"calls {rows.get('calls', 0):,}, logs {rows.get('logs', 0):,}")


if __name__ == "__main__":
    main()
