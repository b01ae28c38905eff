"""Workers render their own chunks from the population's spec; the caller sends bounds only."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

import rulesim as rs
from rulesim.execution import chunks
from rulesim.execution.chunks import Chunk, PopulationRef


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    chunks._BUILT.clear()


def test_a_generated_population_travels_as_its_spec_of_a_few_kilobytes() -> None:
    pop = rs.population(50_000, seed=3)
    ref = PopulationRef.of(pop)
    assert ref.spec == pop.spec and ref.inline is None
    assert len(pickle.dumps(ref)) < 4_000
    assert ref.key == PopulationRef.of(rs.population(50_000, seed=3)).key
    assert ref.key != PopulationRef.of(rs.population(50_000, seed=4)).key
    assert pop._pending() is not None  # nothing was drawn in the caller


@pytest.mark.parametrize("make", [
    lambda: rs.population(5_000, seed=8, mix="b2b"),
    lambda: rs.population(5_000, seed=8).where(country=["DE", "FR", "US"]),
    lambda: rs.population(5_000, seed=8).with_overrides(context={"clientName": "X"}),
    lambda: rs.population(5_000, seed=8).slice(1_000, 4_000),
    lambda: rs.Population.from_logins([{"user": {"email": f"u{i}@a.co"}} for i in range(40)]),
], ids=["generated", "where", "overrides", "slice", "logins"])
def test_a_rendered_chunk_equals_the_populations_own_logins(make: object) -> None:
    pop = make()  # type: ignore[operator]
    ref = PopulationRef.of(pop)
    assert ref.spec is not None
    for start, stop in pop.chunk_bounds(700)[:3]:
        chunk = ref.render(start, stop)
        assert chunk.payloads == pop.payloads(start, stop)
        expected = pop.logins.iloc[start:stop].reset_index(drop=True)
        pd.testing.assert_frame_equal(chunk.attributes.reset_index(drop=True), expected)
        assert chunk.login_ids == list(expected["login_id"].astype(str))
        assert chunk.user_ids == list(expected["user_id"].astype(str))


def test_a_worker_builds_a_population_once_and_a_generated_one_never_whole() -> None:
    ref = PopulationRef.of(rs.population(40_000, seed=1))
    built = ref.population()
    ref.render(20_000, 21_000)
    ref.render(30_000, 30_500)
    assert ref.population() is built
    assert built._pending() is not None  # chunks generated only their blocks
    derived = PopulationRef.of(rs.population(2_000, seed=1).where(country="DE"))
    assert derived.population() is derived.population()
    assert ref.population() is not built  # one population is kept, the last one used


def test_a_population_read_from_a_file_travels_whole(tmp_path: Path) -> None:
    rs.population(200, seed=2).to_parquet(tmp_path / "p.parquet")
    pop = rs.Population.read_parquet(tmp_path / "p.parquet")
    ref = PopulationRef.of(pop)
    assert ref.spec is None and ref.inline is pop
    assert ref.render(10, 20).payloads == pop.payloads(10, 20)


def test_a_users_export_travels_as_its_spec_while_its_file_is_there(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"user_id": "auth0|5f1a2b3c4d5e6f7a8b9c0d1e",
                                "email": "ada@example.org"}) + "\n")
    pop = rs.Population.from_users_export(path, seed=1, logins_per_user=3)
    ref = PopulationRef.of(pop)
    assert ref.spec == pop.spec
    assert ref.render(0, 3).payloads == pop.payloads()
    path.unlink()
    moved = PopulationRef.of(pop)
    assert moved.spec is None and moved.inline is pop


def test_a_chunk_is_its_bounds() -> None:
    chunk = Chunk(3, 100, 250)
    assert len(chunk) == 150
    assert len(pickle.dumps(chunk)) < 100
