"""acme migrated to Actions against acme's Rules, on the same logins, in one run.

    python benchmarks/bench_actions.py [--logins 3000] [--rounds 3] [--chunk 100] [--simulate 0]

Both tenants run in this process through the product's pipeline (``Pipeline.run_many``:
batches, the host loop, recording, the same fake services and seed), over the same payloads.
Each round is one pass of each over the population, interleaved: the tenants take turns every
``--chunk`` logins (100), so that a slow spell of a shared machine slows both alike (whole
passes in turn let one tenant's pass catch a slow spell alone). It prints each round's
rates and the median ratio of the Actions flow's rate to the Rules pipeline's (issue 15
target: ≥ 70%). With ``--simulate N`` it also times ``simulate()`` of both over N logins on
one worker process each (end to end: workers, chunks, frames).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import rulesim as rs
from rulesim.options import RunOptions
from rulesim.records import Columns
from rulesim.run import _job

ACME = "datasets/tenants/acme"
ACME_ACTIONS = "datasets/tenants/acme-actions"


def pipeline(tenant: Any, seed: int) -> Any:
    """The pipeline a worker builds for ``tenant`` (its services, configuration, secrets)."""
    return _job(tenant, RunOptions(seed=seed)).build()


def rate(pipe: Any, pop: rs.Population) -> float:
    """Logins per second of one pass over the population (``global`` and the store reset)."""
    payloads = pop.payloads()
    ids = pop.logins["login_id"].astype(str).tolist()
    users = pop.logins["user_id"].astype(str).tolist()
    pipe.reset()
    t = time.perf_counter()
    pipe.run_many(payloads, 0, Columns(), login_ids=ids, user_ids=users)
    return len(payloads) / (time.perf_counter() - t)


def interleaved_rates(pipes: dict[str, Any], pop: rs.Population, chunk: int) -> dict[str, float]:
    """Logins per second of one pass of each pipeline over the population, the pipelines taking
    turns every ``chunk`` logins (``global`` and the store reset before the pass)."""
    payloads = pop.payloads()
    ids = pop.logins["login_id"].astype(str).tolist()
    users = pop.logins["user_id"].astype(str).tolist()
    sinks = {name: Columns() for name in pipes}
    spent = dict.fromkeys(pipes, 0.0)
    for pipe in pipes.values():
        pipe.reset()
    for a in range(0, len(payloads), chunk):
        b = min(len(payloads), a + chunk)
        for name, pipe in pipes.items():
            t = time.perf_counter()
            pipe.run_many(payloads[a:b], a, sinks[name], login_ids=ids[a:b], user_ids=users[a:b])
            spent[name] += time.perf_counter() - t
    return {name: len(payloads) / spent[name] for name in pipes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=100,
                        help="logins each tenant runs before the other takes its turn")
    parser.add_argument("--simulate", type=int, default=0,
                        help="also time simulate() of both over this many logins (1 worker)")
    args = parser.parse_args()
    rules = rs.load_rules(ACME)
    actions = rs.load_tenant(ACME_ACTIONS)
    pop = rs.population(args.logins, seed=args.seed)
    warm = rs.population(300, seed=args.seed + 1)
    pipes = {"rules": pipeline(rules, args.seed), "actions": pipeline(actions, args.seed)}
    for pipe in pipes.values():          # warm up: modules load, caches fill
        rate(pipe, warm)
    ratios = []
    for r in range(args.rounds):
        got = interleaved_rates(pipes, pop, args.chunk)
        a, b = got["rules"], got["actions"]
        ratios.append(b / a)
        print(f"round {r + 1}: Rules {a:,.0f}/s ({len(rules.active)} rules), Actions "
              f"{b:,.0f}/s ({len(actions.actions.active)} Actions): {b / a:.0%}")
    print(f"Actions flow at {statistics.median(ratios):.0%} of the Rules pipeline's rate "
          f"(median of {args.rounds} rounds over {len(pop):,} logins, turns of {args.chunk}; "
          f"target >= 70%)")
    if args.simulate:
        big = rs.population(args.simulate, seed=args.seed)
        times = {}
        for name, tenant in (("rules", rules), ("actions", actions)):
            t = time.perf_counter()
            rs.simulate(tenant, big, workers=1, progress=False)
            times[name] = time.perf_counter() - t
        print(f"simulate() over {len(big):,} logins, 1 worker: Rules {times['rules']:.1f} s, "
              f"Actions {times['actions']:.1f} s ({times['rules'] / times['actions']:.0%})")


if __name__ == "__main__":
    main()
