"""Where a whole-tenant login's time goes: each engine entry point, and the Python host loop.

    python benchmarks/bench_host_path.py [--logins 5000] [--seed 7]

The acme tenant (all enabled rules, its fake services) runs in this process as a worker runs a
chunk (``Pipeline.run_many``). Most of its logins call a service or the Management API: the
prelude's host loop drives them inside their batch and the host answers each operation from
inside the engine call (``rulesim/runtime/inline.py``); with ``BatchRunner.inline`` off they
leave their batch at their first host operation and the host drives the rest of their rules
(``rulesim/runtime/host.py``). The script times every call into the engine by entry point
(the prelude's driver functions, a rule run by the host, the promise jobs), the host's
answers inside batches, and counts what is left, the Python side of the host loop and of the
records, as one figure. Printed:

* the recorded login and the same login with nothing recorded (``Pipeline.baseline``),
  measured uninstrumented in the same run; their ratio;
* the recorded login with the logins that need the host leaving their batch, against the
  same driven inside it (``inline``), measured in the same run;
* per entry point: µs a login, calls a login, µs a call, and the share of the instrumented
  recorded login (timer overhead included: the instrumented run is printed against the plain
  one);
* the synchronous rules alone, recorded in batches (``bench_runtime.py``'s full recording),
  as the baseline the host path is compared with.

Targets: none of its own; it shows where the whole-tenant figure of ``bench_simulate.py``
(1,000,000 logins in ≤ 120 s, issue 19) goes.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("TZ", "UTC")

import rulesim as rs
from rulesim.pipeline import Pipeline
from rulesim.records import Columns
from rulesim.runtime import engine as engine_module
from rulesim.runtime import sandbox as sandbox_module
from rulesim.runtime.inline import InlineHost

sys.path.insert(0, os.path.dirname(__file__))
from _allocator import as_workers
from bench_runtime import synchronous_rules

INSIDE = "host answers: "
"""The entries of the host's answers inside a batch (they run within runBatch's time)."""


@contextmanager
def timed_entry_points(seconds: dict[str, float], calls: dict[str, int]) -> Iterator[None]:
    """Time every engine call of pipelines built inside the block, by entry point."""
    sandbox_call = sandbox_module.Sandbox._call
    bind = engine_module.Engine.bind
    run_jobs = engine_module.Engine.run_jobs
    clock = time.perf_counter

    def timed_call(self: Any, name: str, *args: Any) -> Any:
        t = clock()
        try:
            return sandbox_call(self, name, *args)
        finally:
            seconds[name] += clock() - t
            calls[name] += 1

    def timed_bind(self: Any, fn: Any) -> Callable[..., Any]:
        bound = bind(self, fn)

        def call(*args: Any) -> Any:
            t = clock()
            try:
                return bound(*args)
            finally:
                seconds["runRule (host)"] += clock() - t
                calls["runRule (host)"] += 1

        return call

    def timed_answer(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def answer(self: Any, *args: Any) -> Any:
            t = clock()
            try:
                return fn(self, *args)
            finally:
                seconds[name] += clock() - t
                calls[name] += 1

        return answer

    answers = {name: getattr(InlineHost, name) for name in ("op", "flag", "login")}

    def timed_jobs(self: Any) -> int:
        t = clock()
        try:
            return int(run_jobs(self))
        finally:
            seconds["promise jobs"] += clock() - t
            calls["promise jobs"] += 1

    sandbox_module.Sandbox._call = timed_call  # type: ignore[method-assign]
    engine_module.Engine.bind = timed_bind  # type: ignore[method-assign]
    engine_module.Engine.run_jobs = timed_jobs  # type: ignore[method-assign]
    for name, fn in answers.items():
        setattr(InlineHost, name, timed_answer(f"{INSIDE}{name}", fn))
    try:
        yield
    finally:
        for name, fn in answers.items():
            setattr(InlineHost, name, fn)
        sandbox_module.Sandbox._call = sandbox_call  # type: ignore[method-assign]
        engine_module.Engine.bind = bind  # type: ignore[method-assign]
        engine_module.Engine.run_jobs = run_jobs  # type: ignore[method-assign]


def _pipeline(rules: list[rs.Rule], ruleset: rs.RuleSet, seed: int, *,
              inline: bool = True) -> Pipeline:
    assert ruleset.services_file is not None, "acme's fake services (services.yaml)"
    pipe = Pipeline(rules, ruleset.configuration, seed=seed,
                    services=rs.Services.from_file(ruleset.services_file))
    pipe.batches.inline = inline
    return pipe


def _run_many(pipe: Pipeline, payloads: list[str], ids: list[str], users: list[str]) -> float:
    """Seconds a login of ``run_many`` over every payload (after a reset of the pipeline)."""
    pipe.reset()
    t = time.perf_counter()
    pipe.run_many(payloads, 0, Columns(), login_ids=ids, user_ids=users)
    return (time.perf_counter() - t) / len(payloads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"allocator: {as_workers()}")

    ruleset = rs.load_rules("datasets/tenants/acme")
    pop = rs.population(args.logins, seed=args.seed)
    payloads = pop.payloads()
    ids = pop.logins["login_id"].astype(str).tolist()
    users = pop.logins["user_id"].astype(str).tolist()
    warm = slice(0, min(300, len(payloads)))

    whole = _pipeline(list(ruleset.active), ruleset, args.seed)
    leaving = _pipeline(list(ruleset.active), ruleset, args.seed, inline=False)
    for pipe in (whole, leaving):
        pipe.run_many(payloads[warm], 0, Columns(), login_ids=ids[warm], user_ids=users[warm])
    recorded, left_batch = float("inf"), float("inf")
    for _ in range(2):   # alternated: the machine's drift falls on both
        recorded = min(recorded, _run_many(whole, payloads, ids, users))
        left_batch = min(left_batch, _run_many(leaving, payloads, ids, users))
    whole.reset()
    t = time.perf_counter()
    for i, p in enumerate(payloads):
        whole.baseline(p, i, user_id=users[i])
    bare = (time.perf_counter() - t) / len(payloads)

    sync = _pipeline(synchronous_rules(ruleset), ruleset, args.seed)
    sync.run_many(payloads[warm], 0, Columns(), login_ids=ids[warm], user_ids=users[warm])
    batched = min(_run_many(sync, payloads, ids, users) for _ in range(2))

    seconds: dict[str, float] = collections.defaultdict(float)
    calls: dict[str, int] = collections.defaultdict(int)
    with timed_entry_points(seconds, calls):
        timed = _pipeline(list(ruleset.active), ruleset, args.seed)
        timed.run_many(payloads[warm], 0, Columns(), login_ids=ids[warm], user_ids=users[warm])
        seconds.clear()
        calls.clear()
        instrumented = _run_many(timed, payloads, ids, users)

    n = len(payloads)
    us = 1e6
    print(f"acme, all {len(ruleset.active)} rules, {n:,} logins, one core, in process:")
    print(f"  recorded {recorded * us:6.1f} µs a login ({1 / recorded:,.0f}/s); nothing recorded "
          f"{bare * us:6.1f} µs ({1 / bare:,.0f}/s): recorded / baseline = {recorded / bare:.2f}x")
    print(f"  logins that need the host leaving their batch {left_batch * us:6.1f} µs a login; "
          f"driven inside it {recorded * us:6.1f} µs: leaving / inside = "
          f"{left_batch / recorded:.2f}x")
    print(f"  the {len(sync.active)} synchronous rules alone, recorded in batches: "
          f"{batched * us:6.1f} µs a login; whole tenant / synchronous = {recorded / batched:.2f}x")
    print(f"  instrumented run: {instrumented * us:6.1f} µs a login "
          f"({instrumented / recorded - 1:+.1%} timer overhead)")
    print(f"  {'entry point':24s} {'µs/login':>9s} {'calls/login':>12s} {'µs/call':>8s} "
          f"{'share':>6s}")
    inside = sum(v for k, v in seconds.items() if k.startswith(INSIDE)) / n
    engine = sum(v for k, v in seconds.items() if not k.startswith(INSIDE)) / n - inside
    for name, total in sorted(seconds.items(), key=lambda item: -item[1]):
        per_login = total / n
        print(f"  {name:24s} {per_login * us:9.1f} {calls[name] / n:12.2f} "
              f"{total / calls[name] * us:8.1f} {per_login / instrumented:6.1%}")
    python = instrumented - engine
    print(f"  {'engine, all entry points':24s} {engine * us:9.1f} {'':12s} {'':8s} "
          f"{engine / instrumented:6.1%}  (less the host's answers inside it)")
    print(f"  {'Python host loop, rows':24s} {python * us:9.1f} {'':12s} {'':8s} "
          f"{python / instrumented:6.1%}")
    left = calls["runBatch"] + calls["resumeBatch"]
    print(f"  batch calls a login: {left / n:.3f} (a login that leaves its batch at its first "
          "host operation costs one; inside it, none)")


if __name__ == "__main__":
    main()
