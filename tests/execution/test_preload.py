"""Worker processes preload mimalloc when the system has it; results never depend on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution import local, preload
from rulesim.execution.preload import ALLOCATOR_VARIABLE, worker_environment, worker_preload
from tests.frames import comparable

TENANT = Path(__file__).resolve().parents[2] / "datasets" / "tenants" / "acme"


@pytest.fixture
def loader_finds(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str | None]]:
    """What the dynamic loader answers for 'mimalloc' (set ``found['mimalloc']``)."""
    found: dict[str, str | None] = {"mimalloc": None}
    preload._installed_mimalloc.cache_clear()
    monkeypatch.setattr(preload, "_on_linux", lambda: True)
    monkeypatch.setattr(preload.ctypes.util, "find_library", lambda name: found.get(name))
    yield found
    preload._installed_mimalloc.cache_clear()


def test_auto_preloads_the_mimalloc_the_loader_finds(loader_finds: dict[str, str | None]) -> None:
    loader_finds["mimalloc"] = "libmimalloc.so.2"
    assert worker_preload({}) == "libmimalloc.so.2"
    assert worker_preload({ALLOCATOR_VARIABLE: "auto"}) == "libmimalloc.so.2"
    assert worker_preload({ALLOCATOR_VARIABLE: "mimalloc"}) == "libmimalloc.so.2"


def test_auto_keeps_the_c_librarys_malloc_without_mimalloc(
        loader_finds: dict[str, str | None]) -> None:
    assert worker_preload({}) is None
    assert "LD_PRELOAD" not in worker_environment({"TZ": "UTC"})


def test_system_keeps_the_c_librarys_malloc_even_with_mimalloc_installed(
        loader_finds: dict[str, str | None]) -> None:
    loader_finds["mimalloc"] = "libmimalloc.so.2"
    assert worker_preload({ALLOCATOR_VARIABLE: "system"}) is None
    assert "LD_PRELOAD" not in worker_environment({ALLOCATOR_VARIABLE: "system"})


def test_asking_for_mimalloc_when_it_is_missing_says_how_to_install_it(
        loader_finds: dict[str, str | None]) -> None:
    with pytest.raises(rs.UsageError, match=r"apt-get install libmimalloc2\.0"):
        worker_preload({ALLOCATOR_VARIABLE: "mimalloc"})


def test_a_path_is_preloaded_and_one_ld_preload_cannot_carry_is_refused(
        tmp_path: Path, loader_finds: dict[str, str | None]) -> None:
    library = tmp_path / "libjemalloc.so.2"
    library.write_bytes(b"")
    assert worker_preload({ALLOCATOR_VARIABLE: str(library)}) == str(library)
    with pytest.raises(rs.UsageError, match="'auto', 'system', 'mimalloc' or the path"):
        worker_preload({ALLOCATOR_VARIABLE: str(tmp_path / "nothing.so")})
    spaced = tmp_path / "my libs" / "libjemalloc.so.2"
    spaced.parent.mkdir()
    spaced.write_bytes(b"")
    with pytest.raises(rs.UsageError, match="spaces or colons"):
        worker_preload({ALLOCATOR_VARIABLE: str(spaced)})


def test_the_allocator_is_preloaded_first_and_the_callers_libraries_stay(
        loader_finds: dict[str, str | None]) -> None:
    loader_finds["mimalloc"] = "libmimalloc.so.2"
    env = worker_environment({"LD_PRELOAD": "/opt/trace.so", "TZ": "UTC"})
    assert env["LD_PRELOAD"] == "libmimalloc.so.2 /opt/trace.so"
    assert env["TZ"] == "UTC"
    # Already preloaded (a worker's own environment): not added twice.
    assert worker_environment(env)["LD_PRELOAD"] == "libmimalloc.so.2 /opt/trace.so"


def test_workers_run_the_numeric_libraries_on_one_thread_unless_the_caller_chose(
        loader_finds: dict[str, str | None]) -> None:
    env = worker_environment({"TZ": "UTC", "OMP_NUM_THREADS": "3"})
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["MKL_NUM_THREADS"] == "1"
    assert env["OMP_NUM_THREADS"] == "3"
    assert set(preload.ONE_THREAD_VARIABLES) <= set(env)


def test_only_linux_workers_can_preload_an_allocator(monkeypatch: pytest.MonkeyPatch) -> None:
    preload._installed_mimalloc.cache_clear()
    monkeypatch.setattr(preload, "_on_linux", lambda: False)
    try:
        assert worker_preload({}) is None
        with pytest.raises(rs.UsageError, match="only on Linux"):
            worker_preload({ALLOCATOR_VARIABLE: "mimalloc"})
    finally:
        preload._installed_mimalloc.cache_clear()


def _worker_maps() -> str:
    """The memory map of the worker the last run left idle."""
    pid = local._IDLE._workers[0].proc.pid
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads worker maps from /proc")
@pytest.mark.skipif(worker_preload() is None,
                    reason="mimalloc is not installed (CI installs libmimalloc2.0)")
def test_workers_run_on_mimalloc_and_give_the_frames_of_the_c_librarys_malloc(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rules = rs.load_rules(TENANT)
    pop = rs.population(400, seed=5)
    runs = {}
    for choice in ("system", "auto"):
        monkeypatch.setenv(ALLOCATOR_VARIABLE, choice)
        local.shutdown_idle_workers()   # the allocator is chosen when a worker starts
        runs[choice] = rs.simulate(rules, pop, workers=1, chunk_size=100, progress=False)
        assert ("mimalloc" in _worker_maps()) == (choice == "auto")
    local.shutdown_idle_workers()
    assert len(runs["auto"].logins) == len(pop)
    for table in rs.COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(runs["system"], table)),
                                      comparable(getattr(runs["auto"], table)))
