"""The local pool: workers kept between runs, crash recovery, concurrent runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution import local
from tests.frames import comparable

RULES = rs.RuleSet([rs.Rule.from_source("claim", (
    "function (user, context, callback) {\n"
    "  global.n = (global.n || 0) + 1;\n"
    "  context.idToken['https://acme.com/n'] = global.n;\n"
    "  callback(null, user, context);\n}"), order=1)])


def _kept() -> set[int]:
    return {w.proc.pid for w in local._IDLE._workers if w.alive()}


def test_a_second_run_reuses_the_workers_of_the_first_and_gives_the_same_frames() -> None:
    local.shutdown_idle_workers()
    pop = rs.population(3_000, seed=3)
    first = rs.simulate(RULES, pop, workers=2, chunk_size=500, progress=False)
    kept = _kept()
    assert len(kept) == 2
    other = rs.RuleSet([rs.Rule.from_source("other", RULES[0].source, order=1)])
    rs.simulate(other, rs.population(1_000, seed=9), workers=2, chunk_size=500, progress=False)
    assert _kept() == kept
    again = rs.simulate(RULES, pop, workers=2, chunk_size=500, progress=False)
    assert _kept() == kept
    for table in rs.COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(again, table)),
                                      comparable(getattr(first, table)))
    local.shutdown_idle_workers()
    assert _kept() == set()


def test_a_crashed_worker_is_not_kept() -> None:
    local.shutdown_idle_workers()
    pop = rs.population(1_200, seed=3)
    sim = rs.simulate(RULES, pop, workers=1, chunk_size=400, progress=False, _crash_at=500)
    assert list(sim.logins.loc[sim.logins["error_code"] == "sandbox_crash", "login_id"]) == [
        pop.logins["login_id"].iloc[500]]
    assert len(_kept()) == 1 and all(w.alive() for w in local._IDLE._workers)


def test_a_rulesim_folder_in_the_current_directory_is_not_the_workers_rulesim(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (A checkout of another version, say: the workers run the caller's rulesim.)
    shadow = tmp_path / "rulesim"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('the rulesim of the current directory')\n")
    local.shutdown_idle_workers()
    monkeypatch.chdir(tmp_path)
    sim = rs.simulate(RULES, rs.population(50, seed=3), workers=1, progress=False)
    local.shutdown_idle_workers()
    assert len(sim.logins) == 50
    assert set(sim.logins["outcome"]) == {"allowed"}


@pytest.mark.slow
def test_runs_in_two_threads_at_once_each_get_their_own_workers() -> None:
    pop = rs.population(4_000, seed=5)
    expected = rs.simulate(RULES, pop, workers=1, chunk_size=500, progress=False)
    results: list[rs.Simulation] = []

    def run() -> None:
        results.append(rs.simulate(RULES, pop, workers=2, chunk_size=500, progress=False))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == 2
    for sim in results:
        for table in rs.COLUMNS:
            pd.testing.assert_frame_equal(comparable(getattr(sim, table)),
                                          comparable(getattr(expected, table)))
