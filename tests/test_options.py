"""RunOptions: one checked set of options behind simulate, compare, the executor and Explorer."""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest

import rulesim as rs
from rulesim.errors import UsageError
from rulesim.options import JOB_FIELDS, RunOptions, merge

RULES = rs.RuleSet([rs.Rule.from_source("tag", """function (user, context, callback) {
  context.idToken['https://example.com/n'] = Math.floor(Math.random() * 1000);
  callback(null, user, context);
}""")])


def test_every_keyword_of_simulate_is_an_option_and_every_option_a_keyword() -> None:
    params = set(inspect.signature(rs.simulate).parameters) - {"rules", "population",
                                                                 "options", "_crash_at"}
    assert params == set(RunOptions.names())
    assert set(JOB_FIELDS) <= params


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"worker": 2}, "unknown option worker=2 (did you mean workers?)"),
    ({"on_redirect": "follow"}, "on_redirect"),
    ({"chunk_size": 0}, "chunk_size"),
    ({"workers": 0}, "workers"),
    ({"spill": "yes"}, "expected spill to be None (automatic), True or False"),
    ({"limits": {"cpu_ms": 5}}, "expected limits to be a rulesim Limits"),
    ({"on_progress": 3}, "expected on_progress to be a function"),
])
def test_a_bad_option_is_a_usage_error_saying_what_was_wrong(kwargs: dict[str, object],
                                                              message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        RunOptions.from_kwargs(**kwargs)


def test_options_are_frozen_and_replace_checks_the_change() -> None:
    opts = RunOptions(workers=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.workers = 3  # type: ignore[misc]
    assert opts.replace(seed=4).seed == 4
    with pytest.raises(UsageError, match="seed"):
        opts.replace(seed=-1)


def test_keywords_at_their_defaults_keep_what_the_options_say() -> None:
    opts = RunOptions(workers=2, chunk_size=100, on_redirect="continue")
    merged = merge(opts, {"workers": None, "chunk_size": 2_000, "on_redirect": "stop",
                          "seed": 3})
    assert (merged.workers, merged.chunk_size, merged.on_redirect, merged.seed) == \
        (2, 100, "continue", 3)
    assert merged.given() == {"workers": 2, "chunk_size": 100, "on_redirect": "continue",
                              "seed": 3}


def test_simulate_with_options_equals_simulate_with_the_same_keywords() -> None:
    pop = rs.population(60, seed=5)
    opts = RunOptions(seed=11, chunk_size=25, workers=1, progress=False)
    a = rs.simulate(RULES, pop, options=opts)
    b = rs.simulate(RULES, pop, seed=11, chunk_size=25, workers=1, progress=False)
    assert a.manifest["seed"] == b.manifest["seed"] == 11
    assert a.manifest["chunk_size"] == 25
    measured = ["cpu_ms", "latency_ms"]  # real CPU time: the only columns that may differ
    assert a.logins.drop(columns=measured).equals(b.logins.drop(columns=measured))
    assert a.changes.equals(b.changes)
    c = rs.simulate(RULES, pop, options=opts, seed=12)
    assert c.manifest["seed"] == 12


def test_compare_checks_its_options_before_running_anything() -> None:
    with pytest.raises(UsageError, match="did you mean workers"):
        rs.compare(RULES, RULES, rs.population(10, seed=1), worker=1)


def test_compare_takes_run_options() -> None:
    pop = rs.population(40, seed=2)
    impact = rs.compare(RULES, RULES, pop, options=RunOptions(workers=1, progress=False,
                                                               seed=9))
    assert impact.baseline.manifest["seed"] == 9
