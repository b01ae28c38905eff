"""Benchmark synthetic population generation: speed on one core and memory for 1M logins.

Targets (issue 5): at least 50,000 logins/s generated on one core, and 1,000,000 logins held in
at most 2 GB; (issue 20) reading 1,000,000 log events into a population at 100,000 events/s or
more on one core, in at most 2 GB. The script prints, in one run:

* a naive per-record Faker baseline (``fake.auth0_user()`` + ``fake.auth0_context()`` +
  ``json.dumps`` per login, with rulesim's own providers);
* ``population(n)``: logins/s for the DataFrames, then for building every payload in chunks
  (as a worker would), and the two together, each with its ratio to the baseline;
* the resident memory the population holds (RSS delta after generation) and the DataFrames'
  deep size;
* ``Population.from_logs`` on a synthetic log-stream export (``datasets/logs/make_logs.py``,
  written once to ``--log-dir``) with its users export, in a child process pinned to one core:
  events/s against a baseline measured on the same file (the standard library's ``json.loads``
  of every line, which builds nothing), and that process's peak memory.

Run: ``python benchmarks/bench_population.py [--logins 1000000] [--baseline 3000]
[--log-events 1000000]`` (``--log-events 0`` skips the logs part).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def log_export(events: int, folder: Path) -> tuple[Path, Path]:
    """A synthetic log-stream export of about ``events`` events (written once) and its users."""
    logs, users = folder / "acme-logs.ndjson", folder / "acme-users.ndjson"
    if logs.exists() and users.exists():
        return logs, users
    here = Path(__file__).resolve().parent.parent / "datasets" / "logs" / "make_logs.py"
    spec = importlib.util.spec_from_file_location("make_logs", here)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(f"writing a synthetic log export of ~{events:,} events to {folder} (once)")
    return module.write(folder, max(1, events // 12), "stream", compress=False)  # type: ignore[no-any-return]


def bench_logs(logs: Path, users: Path) -> None:
    """Child process: baseline and from_logs on one core; prints figures and peak memory."""
    pin_to_one_core()
    from rulesim.population import Population

    start, cpu = time.perf_counter(), time.process_time()
    with open(logs, encoding="utf-8") as fh:
        lines = sum(1 for line in fh if json.loads(line))
    base, base_cpu = (lines / (time.perf_counter() - start),
                      lines / (time.process_time() - cpu))
    print(f"json.loads of every line (baseline): {base:>10,.0f} events/s wall, {base_cpu:,.0f} per "
          f"CPU second ({lines:,} events)")
    for label, export in (("logs only", None), ("with users export", users)):
        gc.collect()
        before = rss_bytes()
        start, cpu = time.perf_counter(), time.process_time()
        pop = Population.from_logs(logs, export)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        rate, rate_cpu = lines / took, lines / took_cpu
        print(f"Population.from_logs, {label:<17}: {rate:>8,.0f} events/s wall, {rate_cpu:,.0f} "
              f"per CPU second ({took:.1f} s wall, {took_cpu:.1f} s CPU; {rate_cpu / base_cpu:.2f}x "
              f"baseline; {len(pop):,} logins of {len(pop.users):,} users; target >= 100,000 per "
              f"CPU second: {'met' if rate_cpu >= 100_000 else 'NOT met'}); "
              f"{(rss_bytes() - before) / 2**20:,.0f} MiB held")
        del pop
    peak = rss_bytes("VmHWM")
    print(f"peak RSS of this process: {peak / 2**20:,.0f} MiB (target <= 2048 MiB: "
          f"{'met' if peak <= 2**31 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=3_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--mix", default="b2c")
    parser.add_argument("--log-events", type=int, default=1_000_000)
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="where the synthetic log export is written (default: a temp dir)")
    parser.add_argument("--logs-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.logs_only:
        bench_logs(*args.logs_only)
        return
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
    if args.log_events > 0:
        folder = args.log_dir or Path(tempfile.gettempdir()) / f"rulesim-logs-{args.log_events}"
        logs, users = log_export(args.log_events, folder)
        print(f"Population.from_logs on {logs} (a child process, one core):")
        subprocess.run([sys.executable, __file__, "--logs-only", str(logs), str(users)],
                       check=True)


if __name__ == "__main__":
    main()
