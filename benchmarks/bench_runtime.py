"""Runtime throughput: full recording vs the floor, on the acme tenant's synchronous rules.

Runs the acme tenant's synchronous rules (no network modules, no Management API: the first
enabled rules up to `sign-downstream-claims`) over N logins in ONE process, twice:

* **floor**: the same compiled rule functions called in the same QuickJS context on the same
  JSON payloads, with a trivial callback and nothing recorded, a batch of logins per call;
* **full**: the rulesim pipeline with full recording (per-rule outcomes, timings, change
  tracking, console capture, token computation, columnar records), logins batched as in
  ``simulate``.

It prints logins/s for both and the ratio (full recording with the change tracker in C,
rulesim/runtime/_tracker.c, when it is built), then the same two figures without
`sign-downstream-claims` (the rule that signs an HMAC-SHA256: its share of the floor is what
native crypto costs). Then full recording with the C tracker against the tracking proxies
(``RULESIM_TRACKER=proxies``), and three smaller measurements:

* a one-rule tenant computing three HMAC-SHA256s and one SHA-256 per login, against the same
  rule with the crypto calls removed (floor and full recording), with the compiled host
  functions (rulesim/runtime/_hostc.c) and again with their Python twins
  (``RULESIM_NATIVE=python``);
* the CPU watchdog's cost per engine call: a trivial call through the engine against the same
  call on a bare QuickJS context with no interrupt handler; and a busy loop under the C and
  the Python interrupt handlers against no handler;
* ``localeCompare`` on ICU against a code-unit comparison;
* what an infinite loop costs: the wall time of a looping login against the CPU budget, and
  the sandbox rebuild that follows it.

Targets (issues 3 and 14): full ≥ 40% of the floor; the HMAC rule ≤ 10% of the floor; the
floor ≥ 15,000 logins/s on one core; the crypto rule ≥ 80% of the empty one's rate.

    python benchmarks/bench_runtime.py [--logins 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable, Iterator

os.environ.setdefault("TZ", "UTC")

import quickjs
from _allocator import as_workers

import rulesim as rs
from rulesim.pipeline import Pipeline
from rulesim.records import Columns
from rulesim.runtime import native, watchdog
from rulesim.runtime.engine import Engine

CRYPTO_RULE = """function (user, context, callback) {
  var crypto = require('crypto');
  var id = user.user_id + '|' + context.clientID;
  var k1 = configuration.K1, k2 = configuration.K2;
  context.idToken['https://bench/a'] = crypto.createHmac('sha256', k1).update(id).digest('hex');
  context.idToken['https://bench/b'] = crypto.createHmac('sha256', k2).update(user.email || '')
    .digest('base64');
  context.idToken['https://bench/c'] = crypto.createHmac('sha256', k1).update(context.clientName)
    .digest('hex').slice(0, 16);
  context.idToken['https://bench/d'] = crypto.createHash('sha256').update(id).digest('hex');
  callback(null, user, context);
}"""

EMPTY_RULE = """function (user, context, callback) {
  var crypto = require('crypto');
  var id = user.user_id + '|' + context.clientID;
  var k1 = configuration.K1, k2 = configuration.K2;
  context.idToken['https://bench/a'] = id;
  context.idToken['https://bench/b'] = user.email || '';
  context.idToken['https://bench/c'] = context.clientName.slice(0, 16);
  context.idToken['https://bench/d'] = id;
  callback(null, user, context);
}"""

ASYNC_MARKERS = ("require('request", "require('axios", "auth0.users", "async function",
                 'require("request', 'require("axios')


def synchronous_rules(rules: rs.RuleSet) -> list[rs.Rule]:
    """The enabled rules that never wait on the host (no network, no Management API)."""
    return [r for r in rules.active if not any(m in r.source for m in ASYNC_MARKERS)]


def _timed(fn: Callable[[str], object], payloads: list[str]) -> float:
    t = time.perf_counter()
    for p in payloads:
        fn(p)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of each")
    args = parser.parse_args()
    print(f"allocator: {as_workers()}")

    ruleset = rs.load_rules("datasets/tenants/acme")
    rules = synchronous_rules(ruleset)
    pop = rs.population(args.logins, seed=args.seed)
    payloads = pop.payloads()
    ids = pop.logins["login_id"].astype(str).tolist()
    users = pop.logins["user_id"].astype(str).tolist()
    pipe = Pipeline(rules, ruleset.configuration, seed=args.seed)
    print(f"{len(rules)} synchronous rules: {', '.join(r.name for r in rules)}")
    print(f"{len(payloads)} logins, mean payload {sum(map(len, payloads)) / len(payloads):.0f} B")
    print("host functions: " + ("compiled (rulesim/runtime/_hostc.c)" if native.compiled()
                                else "Python (RULESIM_NATIVE=python, or the C extension is not built)"))

    # Warm up both paths (JIT-free engine, but caches and the allocator warm up).
    _floor_of(pipe, payloads[:500])

    def floor() -> float:
        return _floor_of(pipe, payloads)

    def full() -> tuple[float, Columns]:
        sink = Columns()
        t = time.perf_counter()
        pipe.run_many(payloads, 0, sink, login_ids=ids, user_ids=users)
        return time.perf_counter() - t, sink

    # Alternate the two so that a slow spell of a shared machine hits both alike; keep the best.
    floors, runs = [], []
    for _ in range(args.repeat):
        floors.append(floor())
        runs.append(full())
    # Where the floor goes: the same floor without the one rule that signs with HMAC-SHA256
    # (native since issue 14: what is left is the JavaScript around the digest). The share
    # is a difference of two floors a few µs apart: they alternate, twice as often.
    signing = [r.name for r in rules if "createHmac" in r.source]
    light = Pipeline([r for r in rules if r.name not in signing], ruleset.configuration,
                     seed=args.seed)
    lights = []
    for _ in range(2 * args.repeat):
        lights.append(_floor_of(light, payloads))
        floors.append(floor())
    t_light = min(lights)
    t_floor = min(floors)
    t_full = min(t for t, _ in runs)
    sink = runs[0][1]
    n = len(payloads)
    outcomes: dict[str, int] = {}
    for o in sink.data["logins"]["outcome"]:
        outcomes[o] = outcomes.get(o, 0) + 1
    print(f"floor (no recording):   {n / t_floor:10,.0f} logins/s  ({t_floor / n * 1e6:6.1f} µs/login)")
    print(f"full recording:         {n / t_full:10,.0f} logins/s  ({t_full / n * 1e6:6.1f} µs/login)")
    print(f"full / floor:           {t_floor / t_full:10.1%}   (target ≥ 40%)")
    print(f"floor / 8,000 per core: {n / t_floor / 8000:10.1%}   (recording cannot beat the floor)")
    print(f"floor without {', '.join(signing)}: {n / t_light:,.0f} logins/s "
          f"({t_light / n * 1e6:.1f} µs/login; the HMAC rule costs "
          f"{(t_floor - t_light) / n * 1e6:.1f} µs/login of the floor)")
    print(f"outcomes: {outcomes}; changes recorded: {len(sink.data['changes']['login_id'])}")
    print()
    print(f"without {', '.join(signing)}:")
    light_full = min(_full(light, payloads, ids, users) for _ in range(args.repeat))
    print(f"  floor:                {n / t_light:10,.0f} logins/s  ({t_light / n * 1e6:6.1f} µs/login)")
    print(f"  full recording:       {n / light_full:10,.0f} logins/s  ({light_full / n * 1e6:6.1f} µs/login)")
    print(f"  full / floor:         {t_light / light_full:10.1%}   (target ≥ 40%)")
    print(f"the HMAC rule's share of the floor: {(t_floor - t_light) / t_floor:.1%} (target ≤ 10%); "
          f"floor / 15,000 per core: {n / t_floor / 15000:.1%} (target ≥ 100%)")
    print()
    tracker_figures(rules, ruleset.configuration, args, payloads, ids, users)
    print()
    crypto_figures(args, payloads[: min(n, 10_000)], ids, users)
    print()
    watchdog_cost()
    handler_cost()
    print()
    locale_cost()
    print()
    loop_cost(rules, ruleset.configuration, payloads[0], ids[0], users[0])


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    """The environment variable ``name`` set to ``value`` inside the block, as it was after."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _full(pipe: Pipeline, payloads: list[str], ids: list[str], users: list[str]) -> float:
    sink = Columns()
    t = time.perf_counter()
    pipe.run_many(payloads, 0, sink, login_ids=ids, user_ids=users)
    return time.perf_counter() - t


def _floor_of(pipe: Pipeline, payloads: list[str]) -> float:
    """The batched floor over ``payloads`` (batches of the pipeline's batch size)."""
    t = time.perf_counter()
    for i in range(0, len(payloads), pipe.batch_size):
        pipe.floor_batch(payloads[i:i + pipe.batch_size])
    return time.perf_counter() - t


def tracker_figures(rules: list[rs.Rule], configuration: dict[str, str], args: argparse.Namespace,
                    payloads: list[str], ids: list[str], users: list[str]) -> None:
    """Full recording with the change tracker in C (rulesim/runtime/_tracker.c: no proxies,
    its JSON serialiser and quick test of the built-ins) against the tracking proxies
    (``RULESIM_TRACKER=proxies``), alternating, on the same rules and logins."""
    if native.compiled_tracker() is None:
        print("change tracker: the C extension is not built (the tracking proxies record)")
        return
    tracked = Pipeline(rules, configuration, seed=args.seed)
    with _env("RULESIM_TRACKER", "proxies"):   # (the sandbox picks its tracker when built)
        proxied = Pipeline(rules, configuration, seed=args.seed)
    times: dict[str, list[float]] = {"c": [], "proxies": []}
    for _ in range(args.repeat):
        times["c"].append(_full(tracked, payloads, ids, users))
        times["proxies"].append(_full(proxied, payloads, ids, users))
    n = len(payloads)
    c, p = min(times["c"]), min(times["proxies"])
    print(f"full recording, change tracker in C: {c / n * 1e6:.1f} µs/login; with the tracking "
          f"proxies: {p / n * 1e6:.1f} µs/login (C / proxies = {c / p:.2f}x)")


def crypto_figures(args: argparse.Namespace, payloads: list[str], ids: list[str],
                   users: list[str]) -> None:
    """A one-rule tenant with 3 HMAC-SHA256s and 1 SHA-256 per login vs the same rule without."""
    config = {"K1": "k1-" + "x" * 29, "K2": "k2-" + "y" * 40}
    n = len(payloads)
    print(f"one rule, 3 HMAC-SHA256 + 1 SHA-256 per login ({n} logins), against the same rule "
          "without the crypto calls:")
    compiled = native.compiled() is not None
    for host in ("compiled", "python") if compiled else ("python",):
        # (the engine picks its host functions when the sandbox is built)
        with _env("RULESIM_NATIVE", "python" if host == "python" else "auto"):
            pipes = {name: Pipeline([rs.Rule.from_source(name, src, order=1)], config,
                                    seed=args.seed)
                     for name, src in (("crypto", CRYPTO_RULE), ("empty", EMPTY_RULE))}
        floors = {k: min(_floor_of(p, payloads) for _ in range(args.repeat))
                  for k, p in pipes.items()}
        fulls = {k: min(_full(p, payloads, ids, users) for _ in range(args.repeat))
                 for k, p in pipes.items()}
        print(f" host functions {'in C' if host == 'compiled' else 'in Python'}"
              f"{'' if compiled else ' (the C extension is not built)'}:")
        for label, t in (("floor", floors), ("full recording", fulls)):
            print(f"  {label + ':':22}{n / t['crypto']:10,.0f} vs {n / t['empty']:,.0f} logins/s "
                  f"= {t['empty'] / t['crypto']:.1%} (target ≥ 80%); "
                  f"{(t['crypto'] - t['empty']) / n / 4 * 1e6:.1f} µs per crypto call")


def handler_cost(iterations: int = 3_000_000) -> None:
    """A busy JavaScript loop under the C interrupt handler and under the Python one, against
    the same loop with no handler (the watchdog polls every few thousand interpreter steps)."""
    code = ("(function (n) { var x = 0; function g(i) { return i + 1; } "
            "for (var i = 0; i < n; i++) x = g(x); return x; })")

    def loop_time(handler: str | None) -> float:
        ctx = quickjs.Context()
        if handler is not None:
            with _env("RULESIM_NATIVE", handler):
                watchdog.install(ctx)
        fn = ctx.eval(code)
        best = float("inf")
        for _ in range(3):
            watchdog.open_call(2_000_000_000)
            t = time.perf_counter()
            fn(iterations)
            best = min(best, time.perf_counter() - t)
            watchdog.close_call()
        return best

    bare = loop_time(None)
    handlers = [("C", "auto")] if watchdog.budget_in_c() else []
    parts = [f"{name} handler {loop_time(env) / bare:.3f}x"
             for name, env in [*handlers, ("Python", "python")]]
    print(f"a busy loop with the interrupt handler, against none: {', '.join(parts)}")


LOCALE_RULE = """function (user, context, callback) {
  var names = [];
  for (var i = 0; i < 1000; i++) names.push('user' + ((i * 7919) % 1000) + (i % 3 ? 'A' : 'b'));
  for (var r = 0; r < 5; r++) names.slice().sort(SORTER);
  callback(null, user, context);
}"""


def locale_cost() -> None:
    """localeCompare (ICU, when the extension is built) against a code-unit comparison, sorting
    1,000 names five times in one rule."""
    if native.compiled_intl() is None:
        print("localeCompare: the ICU extension is not built (QuickJS compares code units)")
        return
    compares = 49_360   # the comparisons five sorts of these 1,000 names make
    times = {}
    for name, fn in (("icu", "function (a, b) { return a.localeCompare(b); }"),
                     ("units", "function (a, b) { return a < b ? -1 : a > b ? 1 : 0; }"),
                     ("none", None)):
        src = (LOCALE_RULE.replace("SORTER", fn) if fn
               else LOCALE_RULE.replace("names.slice().sort(SORTER);", ""))
        pipe = Pipeline([rs.Rule.from_source(name, src, order=1)], {})
        payload = rs.population(1, seed=1).payloads()
        pipe.floor_batch(payload)
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            pipe.floor_batch(payload)
            best = min(best, time.perf_counter() - t)
        times[name] = best
    icu = (times["icu"] - times["none"]) / compares * 1e6
    units = (times["units"] - times["none"]) / compares * 1e6
    print(f"localeCompare on ICU: {icu:.2f} µs a comparison, {icu / units:.1f}x a code-unit "
          f"comparison ({units:.2f} µs)")


def watchdog_cost(calls: int = 200_000) -> None:
    """A trivial engine call with the watchdog's budget and handler, vs a bare context."""
    code = "(function () { var s = 0; for (var i = 0; i < 20; i++) s += i; return s; })"
    engine = Engine(rs.Limits())
    watched = engine.bind(engine.eval(code))
    bare_ctx = quickjs.Context()
    bare = bare_ctx.eval(code)
    limited_ctx = quickjs.Context()
    limited_ctx.set_time_limit(2.0)
    limited_fn = limited_ctx.eval(code)

    def limited() -> object:  # the engine's call path before the watchdog
        try:
            return limited_fn()
        except quickjs.JSException:
            raise

    def per_call(fn: Callable[[], object]) -> float:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            for _ in range(calls):
                fn()
            best = min(best, (time.perf_counter() - t) / calls)
        return best

    t_watched, t_bare, t_limited = per_call(watched), per_call(bare), per_call(limited)
    print(f"engine call with the watchdog: {t_watched * 1e6:.2f} µs; bare context, no limit: "
          f"{t_bare * 1e6:.2f} µs (watchdog +{(t_watched - t_bare) * 1e6:.2f} µs); before the "
          f"watchdog (binding's time limit, same wrapper): {t_limited * 1e6:.2f} µs "
          f"(watchdog / before = {t_watched / t_limited:.2f}x)")


def loop_cost(rules: list[rs.Rule], configuration: dict[str, str], payload: str, login_id: str,
              user_id: str) -> None:
    """Wall time of a login whose rule loops forever, against the CPU budget and a normal login."""
    looping = rs.Rule.from_source("loop", "function (u, c, cb) { while (true) {} }", order=0)
    limits = rs.Limits()
    pipe = Pipeline([looping, *rules], configuration, limits=limits)
    sink = Columns()
    t = time.perf_counter()
    pipe.run(payload, 0, sink, login_id=login_id, user_id=user_id)
    looped = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(5):
        pipe.sandbox.rebuild()
    rebuild = (time.perf_counter() - t) / 5
    code = sink.data["logins"]["error_code"][0]
    print(f"an infinite loop ({code}): {looped:.2f} s of wall time for a {limits.cpu_ms / 1000:g} s "
          f"CPU budget ({looped / (limits.cpu_ms / 1000):.2f}x the budget); the rebuild after it "
          f"{rebuild * 1000:.0f} ms ({rebuild / looped:.1%} of the looping login)")


if __name__ == "__main__":
    main()
