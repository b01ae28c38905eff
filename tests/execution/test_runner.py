"""A run as the caller sees it: bounds out, encoded chunks in, nothing rendered or drawn here."""

from __future__ import annotations

import gc
import importlib
import threading

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution.jobs import PipelineJob
from rulesim.execution.runner import run_job
from tests.frames import comparable

RULES = rs.RuleSet([rs.Rule.from_source("claim", (
    "function (user, context, callback) {\n"
    "  context.idToken['https://acme.com/n'] = user.logins_count;\n"
    "  callback(null, user, context);\n}"), order=1)])


def test_the_caller_renders_no_login_and_draws_no_population(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the caller rendered or generated logins")

    # Workers are other processes: only the caller's copies of these refuse.
    population_module = importlib.import_module("rulesim.population.core")
    monkeypatch.setattr(population_module, "render", refuse)
    monkeypatch.setattr(population_module, "generate", refuse)
    pop = rs.population(3_000, seed=4)
    sim = rs.simulate(RULES, pop, workers=2, chunk_size=500, progress=False)
    assert len(sim) == 3_000
    assert pop._pending() is not None
    assert sim.manifest["logins"] == 3_000


def test_progress_is_reported_per_chunk_and_the_store_holds_every_chunk() -> None:
    pop = rs.population(2_000, seed=4)
    seen: list[tuple[int, int]] = []
    out = run_job(PipelineJob.from_ruleset(RULES, seed=4), pop, chunk_size=400, workers=2,
                  executor=None, progress=False, on_progress=lambda d, t: seen.append((d, t)))
    bounds = pop.chunk_bounds(400)
    assert out.complete and len(out.store) == len(bounds)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (2_000, 2_000) and len(seen) >= len(bounds)


SLOW = rs.RuleSet([rs.Rule.from_source("slow", (
    "function (user, context, callback) {\n"
    "  var x = 0; for (var i = 0; i < 100000; i++) x += i;\n"
    "  callback(null, user, context);\n}"), order=1)])


def test_progress_moves_while_a_single_chunk_runs() -> None:
    pop = rs.population(1_500, seed=4)
    seen: list[tuple[int, int]] = []
    out = run_job(PipelineJob.from_ruleset(SLOW, seed=4), pop, chunk_size=5_000, workers=1,
                  executor=None, progress=False, on_progress=lambda d, t: seen.append((d, t)))
    assert out.complete and len(out.store) == 1
    inside = [d for d, _ in seen if 0 < d < 1_500]
    assert inside, "no progress arrived before the only chunk finished"
    assert inside == sorted(inside) and seen[-1] == (1_500, 1_500)


def test_spilled_results_equal_kept_ones_and_their_folder_goes_with_the_simulation() -> None:
    pop = rs.population(1_500, seed=2)
    kept = rs.simulate(RULES, pop, workers=1, chunk_size=500, progress=False, spill=False)
    spilled = rs.simulate(RULES, pop, workers=1, chunk_size=500, progress=False, spill=True)
    folder = spilled._source.store.folder  # type: ignore[union-attr]
    assert folder is not None
    assert len(list(folder.glob("*.pkl"))) == len(pop.chunk_bounds(500))
    assert len(spilled) == 1_500 and repr(spilled) == repr(kept)
    for table in rs.COLUMNS:
        pd.testing.assert_frame_equal(comparable(getattr(spilled, table)),
                                      comparable(getattr(kept, table)))
    assert not folder.exists()  # every table was read: the files went
    again = rs.simulate(RULES, pop, workers=1, chunk_size=500, progress=False, spill=True)
    folder = again._source.store.folder  # type: ignore[union-attr]
    del again
    gc.collect()
    assert not folder.exists()


def test_an_interrupted_run_keeps_its_finished_chunks() -> None:
    cancel = threading.Event()
    pop = rs.population(20_000, seed=1)

    def progress(done: int, total: int) -> None:
        cancel.set()

    sim = rs.simulate(RULES, pop, workers=1, chunk_size=500, progress=False, cancel=cancel,
                      on_progress=progress)
    assert not sim.complete
    assert 0 < len(sim) < len(pop) and len(sim.logins) == len(sim)
    assert list(sim.logins["login_id"]) == list(pop.logins["login_id"].iloc[:len(sim)])


def test_spill_must_be_none_true_or_false() -> None:
    with pytest.raises(rs.UsageError, match="spill"):
        rs.simulate(RULES, rs.population(10, seed=1), spill="disk")  # type: ignore[arg-type]
