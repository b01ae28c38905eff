"""Benchmark synthetic population generation: speed on one core and memory for 1M logins.

Targets (issue 5): at least 50,000 logins/s generated on one core, and 1,000,000 logins held in
at most 2 GB. The script prints, in one run:

* a naive per-record Faker baseline (``fake.auth0_user()`` + ``fake.auth0_context()`` +
  ``json.dumps`` per login, with rulesim's own providers);
* ``population(n)``: logins/s for the DataFrames, then for building every payload in chunks
  (as a worker would), and the two together, each with its ratio to the baseline;
* the resident memory the population holds (RSS delta after generation) and the DataFrames'
  deep size.

Run: ``python benchmarks/bench_population.py [--logins 1000000] [--baseline 3000]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time

from faker import Faker

from rulesim.population import population
from rulesim.providers import IdentityProvider, LoginContextProvider


def rss_bytes(field: str = "VmRSS") -> int:
    """Resident set size (or ``VmHWM`` for the peak) of this process, from /proc."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def pin_to_one_core() -> str:
    """Run on a single CPU so the figures are per core."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def baseline(n: int) -> float:
    """Naive per-record Faker: one full user + context + JSON per login."""
    fake = Faker()
    fake.add_provider(IdentityProvider)
    fake.add_provider(LoginContextProvider)
    fake.seed_instance(0)
    start = time.perf_counter()
    for i in range(n):
        user = fake.auth0_user()
        context = fake.auth0_context(user)
        json.dumps({"login_id": f"L{i:07d}", "user_id": user["user_id"],
                    "timestamp_ms": 0, "user": user, "context": context},
                   separators=(",", ":"), ensure_ascii=False)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=3_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--mix", default="b2c")
    args = parser.parse_args()
    print(f"rulesim population benchmark ({pin_to_one_core()}), mix={args.mix}")

    base = baseline(args.baseline)
    print(f"naive per-record Faker baseline  : {base:>10,.0f} logins/s ({args.baseline:,} logins)")

    population(10_000, seed=1, mix=args.mix).payloads(0, 100)  # warm caches and name pools
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    pop = population(args.logins, seed=7, mix=args.mix)
    gen_s = time.perf_counter() - start
    gc.collect()
    held = rss_bytes() - before
    frames = int(pop.logins.memory_usage(deep=True).sum()
                 + pop.users.memory_usage(deep=True).sum())

    start = time.perf_counter()
    size = 0
    for lo, hi in pop.chunk_bounds(args.chunk):
        size += sum(map(len, pop.payloads(lo, hi)))
    pay_s = time.perf_counter() - start
    n = len(pop)
    gen_rate, pay_rate, both = n / gen_s, n / pay_s, n / (gen_s + pay_s)
    print(f"population({n:,}) generation : {gen_rate:>10,.0f} logins/s  ({gen_s:.1f} s, "
          f"{gen_rate / base:.0f}x baseline; target >= 50,000: "
          f"{'met' if gen_rate >= 50_000 else 'NOT met'})")
    print(f"payload JSON, chunks of {args.chunk:,}   : {pay_rate:>10,.0f} logins/s  "
          f"({pay_s:.1f} s, avg {size / n:,.0f} bytes)")
    print(f"generation + payloads            : {both:>10,.0f} logins/s  "
          f"({both / base:.0f}x baseline)")
    print(f"memory held for {n:,} logins : {held / 2**20:>10,.0f} MiB RSS delta "
          f"(target <= 2048 MiB: {'met' if held <= 2**31 else 'NOT met'}); "
          f"DataFrames {frames / 2**20:,.0f} MiB deep; "
          f"peak RSS {rss_bytes('VmHWM') / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
