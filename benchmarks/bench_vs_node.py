"""rulesim against the harness a user would write in an afternoon: Node's `vm`, same rules, same logins.

    python benchmarks/bench_vs_node.py [--logins 20000] [--seed 7] [--repeat 3]

acme's synchronous rules (the enabled rules that never wait on the host) over the same
population, five ways, in one run:

* (a) ``rs.simulate(rules, pop, workers=1)`` end to end with full recording (rendering in
  the worker, the five result frames read), on the workers a session keeps between runs;
  the first run, which starts its workers, is printed too;
* (b) the same with ``workers=2``;
* (c) a Node ``vm`` harness written here: the rules compiled once in one context with the
  Rules globals, each login's ``user``/``context`` JSON-cloned before each rule and diffed
  after it (the change rows kept), per-rule ``process.hrtime``;
* (d) the same Node harness with nothing recorded;
* (e) the QuickJS floor: the same rules in one rulesim sandbox, batched, nothing recorded
  (``Pipeline.floor_batch``).

The five are measured in ``--repeat`` rounds, each running every one once in turn, so that a
slow spell of a shared machine falls on one round's figures alike: each figure is its best
round, and each ratio is also printed round by round (sorted, with the median).

Every ratio is printed with and without ``sign-downstream-claims`` (it signs an HMAC-SHA256:
native in Node, and in rulesim since its ``crypto`` calls native host functions). Targets
(issue 19): (a) ≥ 3 × (c); (a) ≥ 40% of (e); (b) / (a) ≥ 1.8 on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TZ", "UTC")

import rulesim as rs
from rulesim.execution.local import shutdown_idle_workers
from rulesim.pipeline import Pipeline
from rulesim.runtime.modules import default_modules_dir

sys.path.insert(0, os.path.dirname(__file__))
from _allocator import as_workers
from bench_runtime import synchronous_rules

NODE_HARNESS = r"""
'use strict';
const fs = require('fs');
const vm = require('vm');
const { createRequire } = require('module');
const [rulesFile, configFile, loginsFile, modulesDir, mode, repeat] = process.argv.slice(2);
const sources = JSON.parse(fs.readFileSync(rulesFile, 'utf8'));
const configuration = JSON.parse(fs.readFileSync(configFile, 'utf8'));
const lines = fs.readFileSync(loginsFile, 'utf8').split('\n').filter(Boolean);
const req = createRequire(modulesDir + '/node_modules/');
class UnauthorizedError extends Error { constructor(m) { super(m); this.name = 'UnauthorizedError'; } }
let logs = [];
const capture = (level) => (...args) => { if (mode === 'record') logs.push([level, args.join(' ')]); };
const quietConsole = { log: capture('log'), info: capture('info'), warn: capture('warn'),
                       error: capture('error'), debug: capture('debug') };
const sandbox = { configuration, UnauthorizedError, console: quietConsole, Buffer,
                  require: (name) => (name === 'crypto' ? require('crypto') : req(name)) };
vm.createContext(sandbox);
const rules = sources.map((src) => vm.runInContext('(' + src + ')', sandbox));

function diff(out, path, a, b) {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push([path + '.' + k, 'remove']);
      else diff(out, path + '.' + k, a[k], b[k]);
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push([path + '.' + k, 'add', JSON.stringify(b[k])]);
    return;
  }
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  if (sa !== sb) out.push([path, 'replace', sb]);
}

function runOnce() {
  let allowed = 0, changes = 0;
  for (const line of lines) {
    const login = JSON.parse(line);
    let user = login.user, context = login.context;
    context.idToken = context.idToken || {};
    context.accessToken = context.accessToken || {};
    const records = [];
    logs = [];
    let ok = true;
    for (let i = 0; i < rules.length && ok; i++) {
      let before, t0;
      if (mode === 'record') {
        before = JSON.parse(JSON.stringify({ user, context }));
        t0 = process.hrtime.bigint();
      }
      let called = false;
      rules[i](user, context, (err, u, c) => {
        called = true;
        if (err) ok = false;
        if (u) user = u;
        if (c) context = c;
      });
      if (!called) ok = false;
      if (mode === 'record') {
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        const rows = [];
        diff(rows, '', before, JSON.parse(JSON.stringify({ user, context })));
        records.push({ rule: i, us, ok, rows });
        changes += rows.length;
      }
    }
    if (ok) allowed++;
  }
  return { allowed, changes };
}

let best = Infinity, result = null;
for (let r = 0; r < Number(repeat); r++) {
  const t = process.hrtime.bigint();
  result = runOnce();
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
}
process.stdout.write(JSON.stringify({ seconds: best, ...result }) + '\n');
"""


def node_harness(rules: list[rs.Rule], configuration: dict[str, str], payloads: list[str],
                 mode: str, repeat: int) -> dict[str, float]:
    """Run the Node harness (``mode``: 'record' or 'bare'); its best time of ``repeat`` runs."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed: the Node baselines need it")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "harness.js").write_text(NODE_HARNESS)
        (d / "rules.json").write_text(json.dumps([r.source for r in rules]))
        (d / "configuration.json").write_text(json.dumps(configuration))
        (d / "logins.jsonl").write_text("\n".join(payloads) + "\n")
        out = subprocess.run(
            [node, str(d / "harness.js"), str(d / "rules.json"), str(d / "configuration.json"),
             str(d / "logins.jsonl"), str(default_modules_dir()), mode, str(repeat)],
            check=True, capture_output=True, text=True, env={**os.environ, "TZ": "UTC"})
    return dict(json.loads(out.stdout))


def _simulate_once(ruleset: rs.RuleSet, pop: rs.Population, workers: int) -> float:
    """One end-to-end run: ``simulate`` and reading its five result frames."""
    t = time.perf_counter()
    sim = rs.simulate(ruleset, pop, workers=workers, progress=False)
    for table in rs.COLUMNS:
        getattr(sim, table)
    return time.perf_counter() - t


def _cold(ruleset: rs.RuleSet, pop: rs.Population, workers: int) -> float:
    """A first run, which starts its workers."""
    shutdown_idle_workers()
    return _simulate_once(ruleset, pop, workers)


def quickjs_floor(rules: list[rs.Rule], configuration: dict[str, str], payloads: list[str],
                  repeat: int, batch: int = 64) -> float:
    """Seconds for (e), the QuickJS floor over ``payloads`` (best of ``repeat``)."""
    pipe = Pipeline(rules, configuration)
    pipe.floor_batch(payloads[:batch])      # warm up: modules load
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for i in range(0, len(payloads), batch):
            pipe.floor_batch(payloads[i:i + batch])
        best = min(best, time.perf_counter() - t)
    return best


def figures(label: str, rules: list[rs.Rule], configuration: dict[str, str],
            pop: rs.Population, payloads: list[str], repeat: int) -> None:
    """Measure (a) to (e) for one rule list and print them with their ratios.

    ``repeat`` rounds, each measuring (a) to (e) once in turn (Node's runs are its best of two
    in one process: the first warms its compiler), so that a slow spell of a shared machine
    falls on one round's figures alike; each figure is its best round, and each ratio is also
    printed round by round.
    """
    n = len(payloads)
    ruleset = rs.RuleSet(rules, configuration=configuration)
    a_cold, b_cold = _cold(ruleset, pop, 1), _cold(ruleset, pop, 2)
    rounds = [{"a": _simulate_once(ruleset, pop, 1), "b": _simulate_once(ruleset, pop, 2),
               "c": node_harness(rules, configuration, payloads, "record", 2)["seconds"],
               "d": node_harness(rules, configuration, payloads, "bare", 2)["seconds"],
               "e": quickjs_floor(rules, configuration, payloads, 1)} for _ in range(repeat)]
    rate = {k: n / min(r[k] for r in rounds) for k in "abcde"}

    def by_round(top: str, bottom: str, fmt: str) -> str:
        values = sorted(r[bottom] / r[top] for r in rounds)
        return (", ".join(format(v, fmt) for v in values)
                + f"; median {format(statistics.median(values), fmt)}")

    print(f"\n{label}: {len(rules)} rules, {n:,} logins (best of {repeat} rounds)")
    print(f"  (a) rulesim simulate, workers=1, full recording: {rate['a']:>10,.0f} logins/s")
    print(f"  (b) rulesim simulate, workers=2, full recording: {rate['b']:>10,.0f} logins/s")
    print(f"  (c) Node vm, JSON clone + diff per rule:         {rate['c']:>10,.0f} logins/s")
    print(f"  (d) Node vm, nothing recorded:                   {rate['d']:>10,.0f} logins/s")
    print(f"  (e) QuickJS floor, batched, nothing recorded:    {rate['e']:>10,.0f} logins/s")
    print(f"  (a) / (c) = {rate['a'] / rate['c']:5.2f}x   (target ≥ 3); "
          f"by round {by_round('a', 'c', '.2f')}")
    print(f"  (a) / (e) = {rate['a'] / rate['e']:5.1%}    (target ≥ 40%); "
          f"by round {by_round('a', 'e', '.1%')}")
    print(f"  (b) / (a) = {rate['b'] / rate['a']:5.2f}x   (target ≥ 1.8 on 2 cores); "
          f"by round {by_round('b', 'a', '.2f')}")
    print(f"  (a) / (d) = {rate['a'] / rate['d']:5.1%};  (e) / (d) = {rate['e'] / rate['d']:5.1%}")
    print(f"  first runs, workers started in the run: (a) {n / a_cold:,.0f} logins/s, "
          f"(b) {n / b_cold:,.0f} logins/s, (b) / (a) = {a_cold / b_cold:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds, each measuring every figure once")
    args = parser.parse_args()
    print(f"allocator: {as_workers()}")
    acme = rs.load_rules("datasets/tenants/acme")
    rules = synchronous_rules(acme)
    pop = rs.population(args.logins, seed=args.seed)
    payloads = pop.payloads()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"cores: {os.cpu_count()}; node {node}")
    figures("acme's synchronous rules", rules, acme.configuration, pop, payloads, args.repeat)
    light = [r for r in rules if "createHmac" not in r.source]
    figures("without sign-downstream-claims", light, acme.configuration, pop, payloads,
            args.repeat)


if __name__ == "__main__":
    main()
