"""The prelude's JSON reader in C (``_tracker_parse.h``) against the engine's own ``JSON.parse``.

    python benchmarks/bench_json_reader.py [--logins 20000] [--seed 7] [--batch 2000] [--repeat 5]

Every login reaches the rules as JSON text: a batch of logins is one text the prelude reads
before the first rule runs. In QuickJS that read cost about as much as the rules themselves
(bench_breakdown.py's floor is mostly it). Two figures, each in rounds that take turns:

* **the read alone**: the population's batches (``--batch`` logins a text, as the workers send
  them) read in one engine by ``JSON.parse`` and by the reader (``parseJson``), in µs a login
  and as a ratio; once for the texts as they are and once for the same logins with every
  character above U+00FF escaped, which the reader reads in place (an 8-bit engine string);
* **the recorded run**: acme's synchronous rules (without ``sign-downstream-claims``) recorded
  chunk by chunk in one process (``run_many``, as a worker runs them) by two sandboxes, one
  with the reader and one whose prelude keeps ``JSON.parse``, in µs a login and as a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("TZ", "UTC")

import rulesim as rs
import rulesim.runtime.sandbox as sandbox_module
from rulesim.execution.chunks import PopulationRef
from rulesim.execution.jobs import PipelineJob
from rulesim.runtime import native
from rulesim.runtime.engine import Engine
from rulesim.runtime.limits import Limits

sys.path.insert(0, os.path.dirname(__file__))
from _allocator import as_workers
from bench_runtime import synchronous_rules

READER_ON = "fastParse = NATIVE.parseJson || null,"
READER_OFF = "fastParse = null,"


def escaped_wide(text: str) -> str:
    """``text`` with every character above U+00FF written as a JSON escape (same value)."""
    return "".join(c if ord(c) <= 0xFF else json.dumps(c)[1:-1] for c in text)


def read_alone(texts: list[str], n: int, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per round to read every text with JSON.parse and with the reader."""
    tracker = native.compiled_tracker()
    if tracker is None:
        raise SystemExit("the change tracker's extension is not built: nothing to compare")
    engine = Engine(Limits(memory_mb=1024))
    engine.add_compiled_function("parseJson", tracker, "parseJson")
    engine.eval("function readAll(ts, native) { var t0 = Date.now(), v;"
                " for (var i = 0; i < ts.length; i++) v = native ? parseJson(ts[i], 1) : JSON.parse(ts[i]);"
                " if (native && v === undefined) throw new Error('left to JSON.parse');"
                " return Date.now() - t0; }")
    engine.eval("var TEXTS = [];")
    keep = engine.eval("(function (t) { TEXTS.push(t); })")
    for text in texts:
        keep(text)
    read = engine.eval("(function (native) { return readAll(TEXTS, native); })")
    read(0), read(1)   # warm up
    engine_ms: list[float] = []
    reader_ms: list[float] = []
    for _ in range(repeat):
        engine_ms.append(float(read(0)) / 1000)
        reader_ms.append(float(read(1)) / 1000)
    return engine_ms, reader_ms


def recorded(pop: rs.Population, batch: int, repeat: int) -> tuple[list[float], list[float]]:
    """Seconds per round to record the population in one process, reader off and on."""
    acme = rs.load_rules("datasets/tenants/acme")
    rules = [r for r in synchronous_rules(acme) if r.name != "sign-downstream-claims"]
    job = PipelineJob.from_ruleset(rs.RuleSet(rules, configuration=acme.configuration))
    original = sandbox_module.prelude_source
    source = original()
    if source.count(READER_ON) != 1:
        raise SystemExit("the prelude no longer chooses its reader as this benchmark expects")
    runners: dict[bool, Any] = {}
    for reader in (False, True):
        text = source if reader else source.replace(READER_ON, READER_OFF)
        sandbox_module.prelude_source = lambda text=text: text   # type: ignore[assignment]
        runners[reader] = job.build()
    sandbox_module.prelude_source = original
    ref = PopulationRef.of(pop)
    chunks = pop.chunk_bounds(batch)
    rendered = [ref.render(a, b) for a, b in chunks]

    def one(runner: Any) -> float:
        t = time.perf_counter()
        for (start, _), logins in zip(chunks, rendered, strict=True):
            job.begin(runner, login_by_login=False)
            sink = job.new_sink()
            runner.run_many(logins.payloads, start, sink, login_ids=logins.login_ids,
                            user_ids=logins.user_ids)
            runner.collect(sink)
        return time.perf_counter() - t

    one(runners[False]), one(runners[True])   # warm up
    off: list[float] = []
    on: list[float] = []
    for _ in range(repeat):
        off.append(one(runners[False]))
        on.append(one(runners[True]))
    return off, on


def report(label: str, base_name: str, base: list[float], new_name: str, new: list[float],
           n: int) -> None:
    """Print two figures (best round each) and their ratio, round by round."""
    def per(seconds: float) -> float:
        return seconds / n * 1e6

    ratios = sorted(b / a for a, b in zip(base, new, strict=True))
    print(f"\n{label}")
    print(f"  {base_name:<28} {per(min(base)):7.1f} µs a login")
    print(f"  {new_name:<28} {per(min(new)):7.1f} µs a login")
    print(f"  time ratio {min(new) / min(base):.2f}; by round "
          + ", ".join(f"{r:.2f}" for r in ratios) + f"; median {statistics.median(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"allocator: {as_workers()}")
    pop = rs.population(args.logins, seed=args.seed)
    payloads = pop.payloads()
    texts = ["[" + ",".join(payloads[i:i + args.batch]) + "]"
             for i in range(0, len(payloads), args.batch)]
    wide = sum(any(ord(c) > 0xFF for c in t) for t in texts)
    print(f"{args.logins:,} logins, {len(texts)} texts of {args.batch:,}, "
          f"{sum(map(len, texts)) / args.logins:,.0f} characters a login; "
          f"{wide} texts hold a character above U+00FF (a 16-bit engine string)")
    base, new = read_alone(texts, args.logins, args.repeat)
    report("the read alone, texts as the workers send them", "JSON.parse", base, "parseJson", new,
           args.logins)
    base, new = read_alone([escaped_wide(t) for t in texts], args.logins, args.repeat)
    report("the read alone, the same texts as 8-bit strings (read in place)", "JSON.parse", base,
           "parseJson", new, args.logins)
    base, new = recorded(pop, args.batch, args.repeat)
    report("acme's synchronous rules (9) recorded in one process (run_many, chunk by chunk)",
           "prelude with JSON.parse", base, "prelude with the reader", new, args.logins)


if __name__ == "__main__":
    main()
