"""Interrupted runs: Ctrl-C keeps finished chunks; resume= continues without redoing them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution.checkpoint import read_chunks
from tests.frames import comparable

SLOW = rs.RuleSet([rs.Rule.from_source("slow", (
    "function (user, context, callback) {\n"
    "  var x = 0; for (var i = 0; i < 20000; i++) x += i;\n"
    "  context.idToken['https://acme.com/x'] = x;\n"
    "  callback(null, user, context);\n}"), order=1)])




def test_resume_reuses_finished_chunks_and_gives_the_same_result(tmp_path: Path) -> None:
    pop = rs.population(600, seed=2)
    full = rs.simulate(SLOW, pop, workers=1, chunk_size=100, progress=False)
    out = tmp_path / "run"
    first = rs.simulate(SLOW, pop, workers=1, chunk_size=100, progress=False, resume=out)
    assert (out / "logins.parquet").exists()
    # Pretend the run was interrupted after two chunks: drop the others' checkpoints.
    for f in sorted((out / "chunks").glob("*.pkl"))[2:]:
        f.unlink()
    again = rs.simulate(SLOW, pop, workers=1, chunk_size=100, progress=False, resume=out)
    for table in rs.COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(again, table)),
                                      comparable(getattr(full, table)))
    assert first.complete and again.complete


def test_resume_refuses_a_folder_of_another_run(tmp_path: Path) -> None:
    pop = rs.population(50, seed=2)
    rs.simulate(SLOW, pop, workers=1, progress=False, resume=tmp_path / "run")
    with pytest.raises(rs.UsageError, match="different run"):
        rs.simulate(SLOW, pop, workers=1, seed=9, progress=False, resume=tmp_path / "run")


def test_a_checkpoint_of_an_older_chunk_format_is_refused(tmp_path: Path) -> None:
    pop = rs.population(50, seed=2)
    rs.simulate(SLOW, pop, workers=1, progress=False, resume=tmp_path / "run")
    marker = tmp_path / "run" / "checkpoint.json"
    old = json.loads(marker.read_text())
    del old["chunk_format"]
    marker.write_text(json.dumps(old))
    with pytest.raises(rs.UsageError, match="chunk_format"):
        rs.simulate(SLOW, pop, workers=1, progress=False, resume=tmp_path / "run")


def test_read_chunks_gives_each_chunks_logins_and_coverage(tmp_path: Path) -> None:
    pop = rs.population(300, seed=2)
    rs.simulate(SLOW, pop, workers=1, chunk_size=100, progress=False, coverage=True,
                resume=tmp_path / "run")
    chunks = read_chunks(tmp_path / "run")
    assert sorted(chunks) == list(range(len(pop.chunk_bounds(100))))
    ids = [i for c in chunks.values() for i in c.table("", "logins")["login_id"]]
    assert sorted(ids) == sorted(pop.logins["login_id"])
    assert all(c.sides[""].coverage["slow"] for c in chunks.values())


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_keeps_finished_chunks_and_leaves_no_orphans(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text("\n".join([
        "import rulesim as rs",
        f"rules = rs.RuleSet([rs.Rule.from_source('slow', {SLOW[0].source!r})])",
        "pop = rs.population(200_000, seed=1)",
        "print('started', flush=True)",
        "sim = rs.simulate(rules, pop, workers=2, chunk_size=500, progress=False)",
        "print('complete', sim.complete, 'logins', len(sim.logins), flush=True)",
    ]))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    time.sleep(6)
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    words = out.split()
    assert words[:2] == ["complete", "False"]
    assert 0 < int(words[3]) < 200_000
    time.sleep(0.5)
    # The script ran in its own process group: anything left in it is an orphan worker.
    left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout
    assert not left.strip(), f"orphan worker processes: {left.split()}"


@pytest.mark.slow
def test_a_cancel_event_stops_a_run_within_a_second_and_keeps_only_finished_chunks() -> None:
    import threading

    pop = rs.population(100_000, seed=1)
    cancel = threading.Event()
    seen: list[int] = []
    cancelled_at: list[float] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 1_000 and not cancel.is_set():
            cancelled_at.append(time.perf_counter())
            cancel.set()

    sim = rs.simulate(SLOW, pop, workers=2, chunk_size=500, progress=False, cancel=cancel,
                      on_progress=progress)
    stopped_after = time.perf_counter() - cancelled_at[0]
    assert not sim.complete
    # Progress also counts the logins of chunks still running; a cancelled run keeps only the
    # chunks that finished, each one whole.
    ids = pop.logins["login_id"].tolist()
    chunks = [frozenset(ids[a:b]) for a, b in pop.chunk_bounds(500)]
    kept = set(sim.logins["login_id"])
    whole = [c for c in chunks if c <= kept]
    assert 1 <= len(whole) < len(chunks)
    assert kept == set().union(*whole)
    assert seen == sorted(seen) and len(sim.logins) <= seen[-1]
    assert stopped_after < 1.0
