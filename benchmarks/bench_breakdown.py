"""Where ``simulate``'s time goes: a worker's phases, chunk by chunk, as shares of the whole.

    python benchmarks/bench_breakdown.py [--logins 20000] [--seed 7] [--chunk 2000] [--repeat 3]
                                         [--with-signing]

``bench_vs_node.py`` times ``rs.simulate(rules, pop, workers=1)`` end to end; this script
shows what that time is made of. In one process it does what a worker does with each chunk
of the population (``rulesim.execution.worker.run_chunk``), then what the caller does with the
chunks at the end, timing each phase:

* **render**: the chunk's logins generated from the population's spec and written as JSON;
* **engine**: the calls into QuickJS (the rules, change tracking, the records written in
  JavaScript), timed at every entry point as ``bench_host_path.py`` times them;
* **record**: Python turning the engine's blocks into columns (the rest of ``run_many``);
* **pack**: the columns into typed DataFrames;
* **encode**: the chunk's frames compressed, with its counts (what crosses to the caller);
* **read**: the caller decompressing and concatenating the five tables.

It prints each phase in µs a login and as a share of the total (the best of ``--repeat``
passes, by total), and the engine and the total against the QuickJS floor measured in the same
run (the rules alone on the same logins, batched, nothing recorded: ``bench_vs_node.py``'s
(e)). Acme's synchronous rules without ``sign-downstream-claims`` by default (the set whose
(a) / (c) target issue 19 misses); ``--with-signing`` keeps it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict

os.environ.setdefault("TZ", "UTC")

import rulesim as rs
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import PipelineJob
from rulesim.execution.results import ResultStore, encode_chunk
from rulesim.options import DEFAULT_CHUNK_SIZE

sys.path.insert(0, os.path.dirname(__file__))
from _allocator import as_workers
from bench_host_path import timed_entry_points
from bench_runtime import synchronous_rules
from bench_vs_node import quickjs_floor

PHASES = ("render", "engine", "record", "pack", "encode", "read")


def one_pass(job: PipelineJob, pop: rs.Population, chunk_size: int) -> defaultdict[str, float]:
    """Seconds per phase for the whole population, chunk by chunk as a worker runs it."""
    spent: defaultdict[str, float] = defaultdict(float)
    ref = PopulationRef.of(pop)
    runner = job.build()
    store = ResultStore(spill=False)
    engine: defaultdict[str, float] = defaultdict(float)   # seconds by engine entry point
    with timed_entry_points(engine, defaultdict(int)):
        for index, (start, stop) in enumerate(pop.chunk_bounds(chunk_size)):
            chunk = Chunk(index, start, stop)
            t0 = time.perf_counter()
            job.begin(runner, login_by_login=False)
            logins = ref.render(chunk.start, chunk.stop)
            t1 = time.perf_counter()
            sink = job.new_sink()
            engine_before = sum(engine.values())
            runner.run_many(logins.payloads, chunk.start, sink, login_ids=logins.login_ids,
                            user_ids=logins.user_ids)
            runner.collect(sink)
            t2 = time.perf_counter()
            packed = sink.pack(job.rule_names())
            t3 = time.perf_counter()
            store.add(encode_chunk(job, chunk.index, packed, logins.attributes))
            t4 = time.perf_counter()
            in_engine = sum(engine.values()) - engine_before
            spent["render"] += t1 - t0
            spent["engine"] += in_engine
            spent["record"] += (t2 - t1) - in_engine
            spent["pack"] += t3 - t2
            spent["encode"] += t4 - t3
    t = time.perf_counter()
    tables = store.side("", job.rule_names())
    for table in rs.COLUMNS:
        tables.table(table)
    spent["read"] += time.perf_counter() - t
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK_SIZE)
    parser.add_argument("--repeat", type=int, default=3, help="best of N passes (by total)")
    parser.add_argument("--with-signing", action="store_true",
                        help="keep sign-downstream-claims (its HMAC is native in both)")
    args = parser.parse_args()
    print(f"allocator: {as_workers()}")
    acme = rs.load_rules("datasets/tenants/acme")
    rules = synchronous_rules(acme)
    if not args.with_signing:
        rules = [r for r in rules if r.name != "sign-downstream-claims"]
    job = PipelineJob.from_ruleset(rs.RuleSet(rules, configuration=acme.configuration))
    pop = rs.population(args.logins, seed=args.seed)
    one_pass(job, pop, args.chunk)           # warm up: modules load, caches fill
    passes = [one_pass(job, pop, args.chunk) for _ in range(args.repeat)]
    best = min(passes, key=lambda p: sum(p.values()))
    e = quickjs_floor(rules, acme.configuration, pop.payloads(), args.repeat)
    n, total = args.logins, sum(best.values())
    print(f"\nacme's synchronous rules ({len(rules)}), {n:,} logins in chunks of {args.chunk:,}"
          f" (best of {args.repeat} by total)")
    for phase in PHASES:
        print(f"  {phase:<8} {best[phase] / n * 1e6:8.1f} µs a login  {best[phase] / total:6.1%}")
    print(f"  {'total':<8} {total / n * 1e6:8.1f} µs a login")
    print(f"  QuickJS floor {e / n * 1e6:.1f} µs a login: engine / floor = "
          f"{best['engine'] / e:.2f}x, total / floor = {total / e:.2f}x "
          f"((a) ≥ 40% of (e), issue 19, is total / floor ≤ 2.5x)")


if __name__ == "__main__":
    main()
