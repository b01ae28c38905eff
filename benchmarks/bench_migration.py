"""The migration proof's cost: compare(acme, acme-actions) and a 16-stage plan, against two
plain simulations of the same logins, all measured in one run.

    python benchmarks/bench_migration.py [--logins 20000] [--workers 2] [--plan/--no-plan] [--shared]

Reference (two plain simulations): ``simulate(acme)`` and ``simulate(acme-actions)`` over the
logins, back to back. Then ``compare(acme, acme-actions)`` (the same two simulations plus
the labelled differences, timed apart), then ``migration_plan(acme, acme-actions).run``:
17 stage simulations (each reused by the two comparisons it takes part in) and 16 labelled
comparisons; with ``--shared`` also the same plan with its stages run together
(``share=True``: the Rules a stage shares with stage 0 run once per login).
Every figure is wall time with the same workers and redirect options; the ratios are against
the reference of this run, so a busy machine slows all alike.
"""

from __future__ import annotations

import argparse
import time

import rulesim as rs

ACME = "datasets/tenants/acme"
ACME_ACTIONS = "datasets/tenants/acme-actions"
OPTIONS = {"on_redirect": "continue", "continue_handler": {"accepted": "true"},
           "progress": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plan", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--shared", action="store_true",
                        help="also run the plan with its stages together (share=True)")
    args = parser.parse_args()
    rules = rs.load_rules(ACME)
    actions = rs.load_tenant(ACME_ACTIONS)
    pop = rs.population(args.logins, seed=args.seed)
    opts = {**OPTIONS, "workers": args.workers}
    rs.simulate(rules, rs.population(200, seed=1), **opts)          # warm: workers, modules

    t = time.perf_counter()
    rs.simulate(rules, pop, **opts)
    rs.simulate(actions, pop, **opts)
    reference = time.perf_counter() - t
    print(f"{args.logins} logins, {args.workers} workers")
    print(f"two plain simulations (reference)   {reference:8.1f} s")

    t = time.perf_counter()
    impact = rs.compare(rules, actions, pop, **opts)
    ran = time.perf_counter() - t
    t = time.perf_counter()
    diffs = impact.differences
    labels = time.perf_counter() - t
    total = ran + labels
    print(f"compare(acme, acme-actions)          {total:8.1f} s  = {total / reference:.2f}x "
          f"(simulations {ran:.1f} s, labels {labels:.1f} s); "
          f"{impact.regressions['login_id'].nunique()} logins with a regression, "
          f"{diffs['login_id'].nunique()} with a difference")
    if not args.plan:
        return
    plan = rs.migration_plan(rules, actions)
    for share in (False, True) if args.shared else (False,):
        t = time.perf_counter()
        result = plan.run(pop, share=share, **opts)
        drift = result.drift
        elapsed = time.perf_counter() - t
        how = "stages together" if share else "stages apart   "
        print(f"{len(plan)}-stage plan, {how}        {elapsed:8.1f} s  = "
              f"{elapsed / reference:.2f}x ({len(result.simulations)} simulations, "
              f"{elapsed / len(result.simulations):.1f} s per stage with its labels; "
              f"{result.shared} of {len(pop) * (len(result.simulations) - 1)} stage runs "
              f"continued from stage 0); first regression at stage "
              f"{result.first_regression()}, {int(drift['known_differences'].sum())} known "
              f"differences")


if __name__ == "__main__":
    main()
