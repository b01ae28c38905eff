"""Fingerprint what ``Population.from_logs`` and :mod:`rulesim.logs` produce, to check that a
change to the log reader keeps its results identical.

Hashes the users and logins frames (column names, dtypes, categories and their order, values)
and every payload of several variants: with and without the users export, ``n=None`` and
resampled ``n``, ``pseudonymize`` on and off, on the bundled ``datasets/logs/`` export, its plain
NDJSON and JSON-array shapes, and the first lines of a large export when one is given; also the
event table of :func:`rulesim.logs.read_events`, the summaries, the warning about unknown event
types, and the errors a malformed file raises. Prints one line per variant; compare two runs
with ``diff``.

Run: ``python benchmarks/from_logs_fingerprint.py [--big /tmp/rulesim-logs-1m/acme-logs.ndjson
--big-users /tmp/rulesim-logs-1m/acme-users.ndjson --lines 100000]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from rulesim.errors import PopulationError
from rulesim.logs import read_events, scan
from rulesim.population import Population

DATA = Path(__file__).resolve().parent.parent / "datasets" / "logs"


def frame_hash(frame: pd.DataFrame) -> str:
    """A hash of a frame's columns, dtypes, categories (in order) and values."""
    h = hashlib.sha256()
    for name in frame.columns:
        col = frame[name]
        h.update(f"{name}|{col.dtype}|".encode())
        if isinstance(col.dtype, pd.CategoricalDtype):
            h.update(repr(list(col.cat.categories)).encode())
            h.update(col.cat.codes.to_numpy().tobytes())
        else:
            h.update(repr(col.tolist()).encode())
    return h.hexdigest()[:16]


def text_hash(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def population_line(label: str, logs: Any, users: Path | None, **kw: Any) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pop = Population.from_logs(logs, users, **kw)
    said = sorted(f"{type(w.message).__name__}: {w.message}" for w in caught)
    label += " +users" if users is not None else ""
    return (f"{label} {kw}: {len(pop)} logins {len(pop.users)} users users={frame_hash(pop.users)} "
            f"logins={frame_hash(pop.logins)} payloads={text_hash(pop.payloads())} "
            f"warnings={said}")


def error_of(path: Any) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_events(path)
    except PopulationError as exc:
        return str(exc).replace(str(path), Path(path).name)
    return "no error"


def malformed(folder: Path) -> list[str]:
    """The errors and warnings of files with something wrong in them."""
    good = gzip.decompress((DATA / "acme-logs.ndjson.gz").read_bytes()).decode().splitlines()[:40]
    plain = [json.dumps(json.loads(g)["data"]) for g in good]
    cases: dict[str, list[str]] = {
        "stream-bad-json.ndjson": [*good[:3], '{"type": "s", "date": ', *good[3:]],
        "plain-bad-json.ndjson": [*plain[:7], '{"type": "s", "date": ', *plain[7:]],
        "stream-no-type.ndjson": [*good[:5], json.dumps({"data": {"date": "2025-01-01"}}), *good[5:]],
        "plain-no-type.ndjson": [*plain[:9], json.dumps({"user_id": "x"}), *plain[9:]],
        "stream-not-object.ndjson": [*good[:2], "[1, 2]", *good[2:]],
        "mixed-shapes.ndjson": good[:10] + plain[10:],
        "number-as-string.ndjson": [*good[:4], good[4].replace('"ip":"', '"ip":1234,"x":"'), *good[5:]],
        "lat-as-string.ndjson": [g.replace('"latitude":', '"latitude":"1","y":') for g in good],
        "bad-date.ndjson": [good[0].replace('"date":"', '"date":"yesterday '), *good[1:]],
        "blank-lines.ndjson": list(itertools.chain.from_iterable((g, "") for g in good)),
        "prompt-no-name.ndjson": [g.replace('"prompts":[{"name":', '"prompts":[{"nam":')
                                  for g in good],
        "nulls.ndjson": [g.replace('"location_info":{', '"location_info":null,"li":{').replace(
            '"details":{', '"details":null,"dt":{') if i % 2 else g for i, g in enumerate(good)],
        "int-lat.ndjson": [re.sub(r'"latitude":(-?\d+)\.\d+', r'"latitude":\1', g) for g in good],
        "escapes.ndjson": [g.replace('"city_name":"', '"city_name":"\\u00e9\\ud83d\\ude00\\"\\n')
                           for g in good],
        "nested-data.ndjson": [json.dumps({**json.loads(p), "data": {"type": "x"}}) for p in plain],
        "dup-keys.ndjson": [g.replace('"data":{', '"data":{"type":"zz",') for g in good],
    }
    out = []
    for name, lines in cases.items():
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(f"{name}: {error_of(path)}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame, summary = read_events(path)
            out.append(f"  read_events {len(frame)} rows {frame_hash(frame)} "
                       f"{summary.counts.to_dict('list')}")
        except PopulationError:
            pass
    unknown = [g.replace('"type":"fp"', '"type":"zz_new"') for g in good]
    unknown_path = folder / "unknown.ndjson"
    unknown_path.write_text("\n".join(unknown) + "\n", encoding="utf-8")
    out.append(population_line("unknown types", unknown_path, None))
    out.append(f"  scan: {scan(unknown_path).counts.to_dict('list')}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=Path, default=None)
    parser.add_argument("--big-users", type=Path, default=None)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rulesim-fingerprint-"))
    logs, users = DATA / "acme-logs.ndjson.gz", DATA / "acme-users.ndjson"
    lines = gzip.decompress(logs.read_bytes()).decode().splitlines()
    plain = folder / "plain.ndjson"
    plain.write_text("\n".join(json.dumps(json.loads(x)["data"]) for x in lines) + "\n")
    array = folder / "array.json"
    array.write_text(json.dumps([json.loads(x)["data"] for x in lines[:3000]]))
    out = []
    for u, n, pseudo in itertools.product((None, users), (None, 3000, 20000), (True, False)):
        out.append(population_line("bundled", logs, u, n=n, seed=3, pseudonymize=pseudo))
    out.append(population_line("plain", plain, users))
    out.append(population_line("array", array, users))
    out.append(population_line("two files", [array, logs], None))
    frame, summary = read_events(logs)
    out.append(f"read_events bundled: {len(frame)} {frame_hash(frame)} {summary}")
    frame, _ = read_events(plain, types=["s", "fp"])
    out.append(f"read_events plain s,fp: {len(frame)} {frame_hash(frame)}")
    out.extend(malformed(folder))
    if args.big is not None:
        part = folder / "big-slice.ndjson"
        with open(args.big, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice(src, args.lines))
        for u, n, pseudo in ((None, None, True), (args.big_users, None, True),
                             (args.big_users, None, False), (args.big_users, 50_000, True)):
            out.append(population_line("big slice", part, u, n=n, seed=5, pseudonymize=pseudo))
    print("\n".join(out))


if __name__ == "__main__":
    main()
