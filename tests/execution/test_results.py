"""The result store: compressed chunks in memory or on disk read back as the same tables."""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution import results
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import PipelineJob
from rulesim.execution.results import EncodedChunk, ResultStore
from rulesim.execution.worker import run_chunk
from rulesim.records import COLUMNS, conform, join_attributes

RULES = rs.RuleSet([rs.Rule.from_source("tag", (
    "function (user, context, callback) {\n"
    "  console.log('hello ' + user.user_id);\n"
    "  if ((user.email || '').indexOf('gmail') > 0) return callback(new UnauthorizedError('no'));\n"
    "  context.idToken['https://acme.com/c'] = context.clientName;\n"
    "  callback(null, user, context);\n}"), order=1)])


@pytest.fixture(scope="module")
def encoded() -> list[EncodedChunk]:
    """Three chunks run in this process (the worker's chunk function)."""
    pop = rs.population(900, seed=5)
    job = PipelineJob.from_ruleset(RULES, seed=5)
    ref = PopulationRef.of(pop)
    return [run_chunk(job, ref, Chunk(i, a, b)) for i, (a, b) in enumerate(pop.chunk_bounds(300))]


def _tables(store: ResultStore) -> dict[str, pd.DataFrame]:
    side = store.side("", ["tag"])
    return {t: side.table(t) for t in COLUMNS}


def test_a_chunk_holds_its_records_with_the_population_rows_joined() -> None:
    pop = rs.population(300, seed=5)
    job = PipelineJob.from_ruleset(RULES, seed=5)
    chunk = run_chunk(job, PopulationRef.of(pop), Chunk(0, 0, 300))
    store = ResultStore()
    store.add(chunk)
    logins = store.side("", ["tag"]).table("logins")
    assert list(logins["login_id"]) == list(pop.logins["login_id"])
    assert list(logins.columns[len(COLUMNS["logins"]):]) == [
        c for c in pop.logins.columns if c not in ("login_id", "user_id")]
    assert chunk.logins == 300 and chunk.sides[""].rows["logins"] == 300
    assert sum(chunk.sides[""].outcomes.values()) == 300
    assert chunk.sides[""].rows["logs"] == 300  # one console line per login
    assert chunk.nbytes < 0.5 * sum(len(f.to_csv()) for f in
                                    (logins, store.side("", ["tag"]).table("logs")))


def test_tables_read_back_equal_whether_kept_in_memory_on_disk_or_spilled(
        encoded: list[EncodedChunk], tmp_path: Path) -> None:
    memory, folder, spilled = ResultStore(spill=False), ResultStore(tmp_path / "f"), \
        ResultStore(budget=1)
    for chunk in reversed(encoded):  # chunks arrive in any order
        for store in (memory, folder, spilled):
            store.add(chunk)
    assert memory.folder is None and memory.held_bytes > 0
    assert folder.folder == tmp_path / "f" and len(list(folder.folder.glob("*.pkl"))) == 3
    assert spilled.temporary and spilled.held_bytes == 0
    expected = _tables(memory)
    for store in (folder, spilled, ResultStore(tmp_path / "f")):
        for table, frame in _tables(store).items():
            pd.testing.assert_frame_equal(frame, expected[table])
    assert list(expected["logins"]["login_id"]) == sorted(expected["logins"]["login_id"])


def test_the_tables_equal_the_frames_the_sink_itself_builds() -> None:
    pop = rs.population(400, seed=6)
    job = PipelineJob.from_ruleset(RULES, seed=6)
    runner = job.build()
    sink = job.new_sink()
    runner.reset()
    runner.run_many(pop.payloads(), 0, sink, login_ids=list(pop.logins["login_id"]),
                    user_ids=list(pop.logins["user_id"]))
    frames = sink.frames(["tag"])
    frames["logins"] = join_attributes(frames["logins"], pop.logins)
    store = ResultStore()
    for i, (a, b) in enumerate(pop.chunk_bounds(150)):
        store.add(run_chunk(job, PopulationRef.of(pop), Chunk(i, a, b)))
    for table, frame in _tables(store).items():
        drop = [c for c in ("cpu_ms", "latency_ms", "cpu_us") if c in frame.columns]
        pd.testing.assert_frame_equal(frame.drop(columns=drop), frames[table].drop(columns=drop))


def test_a_streamed_parquet_file_reads_back_as_the_table(encoded: list[EncodedChunk],
                                                         tmp_path: Path) -> None:
    store = ResultStore(spill=True)
    for chunk in encoded:
        store.add(chunk)
    side = store.side("", ["tag"])
    for table in COLUMNS:
        side.write_parquet(table, tmp_path / f"{table}.parquet")
        back = conform(pd.read_parquet(tmp_path / f"{table}.parquet"), table, ["tag"])
        pd.testing.assert_frame_equal(back, side.table(table))


def test_the_caller_holds_a_few_kilobytes_per_chunk_once_chunks_are_on_disk(
        encoded: list[EncodedChunk]) -> None:
    blob = pickle.dumps(encoded[0])
    store = ResultStore(spill=True)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(200):
            chunk = pickle.loads(blob)  # as a worker's chunk arrives: its own objects
            chunk.index = index
            store.add(chunk)
            del chunk
        gc.collect()
        per_chunk = (tracemalloc.get_traced_memory()[0] - before) / 200
    finally:
        tracemalloc.stop()
    assert per_chunk < 4_000
    assert store.logins == 200 * encoded[0].logins


def test_a_temporary_folder_goes_with_its_store(encoded: list[EncodedChunk]) -> None:
    store = ResultStore(spill=True)
    store.add(encoded[0])
    folder = store.folder
    assert folder is not None and folder.is_dir()
    del store
    gc.collect()
    assert not folder.exists()


def test_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f"{results._TEMP_PREFIX}{int(dead.stdout)}-abc"
    live = tmp_path / f"{results._TEMP_PREFIX}{os.getppid()}-def"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "000000.pkl").write_bytes(b"x")
    store = ResultStore(spill=True)
    assert store.folder is not None and store.folder.parent == tmp_path
    assert not stale.exists() and live.exists()
