"""Jobs: a plain and a paired job answer the executors' questions the same way."""

from __future__ import annotations

import pickle

import rulesim as rs
from rulesim.execution.jobs import PairJob, PipelineJob
from rulesim.records import Columns, PairColumns
from rulesim.runtime.watchdog import EXIT_CPU_LIMIT

A = rs.Rule.from_source("a", "function (u, c, cb) { cb(null, u, c); }", order=1)
B = rs.Rule.from_source("b", "function (u, c, cb) { cb(null, u, c); }", order=2)
OFF = rs.Rule.from_source("off", "function (u, c, cb) { cb(null, u, c); }", order=3,
                          enabled=False)


def _job(*rules: rs.Rule, seed: int = 1) -> PipelineJob:
    return PipelineJob.from_ruleset(rs.RuleSet(list(rules)), configuration={"K": "v"}, seed=seed)


def test_a_pipeline_job_has_one_unnamed_side_with_every_rule_disabled_ones_too() -> None:
    job = _job(A, B, OFF)
    assert job.sides == ("",)
    assert job.rule_names() == ["a", "b", "off"]
    assert job.side_rule_names() == {"": ["a", "b", "off"]}
    assert dict(job.configuration) == {"K": "v"}
    sink = job.new_sink()
    assert isinstance(sink, Columns) and job.columns(sink) == {"": sink}
    assert job.shared(sink) == 0


def test_a_pair_job_names_its_sides_a_and_b() -> None:
    job = PairJob(_job(A, B), _job(A, OFF), prefix=1)
    assert job.sides == ("a", "b")
    assert job.rule_names() == (["a", "b"], ["a", "off"])
    assert job.side_rule_names() == {"a": ["a", "b"], "b": ["a", "off"]}
    sink = job.new_sink()
    sink.shared = 3
    assert isinstance(sink, PairColumns)
    assert job.columns(sink) == {"a": sink.a, "b": sink.b}
    assert job.shared(sink) == 3


def test_the_key_changes_with_anything_that_changes_the_pipeline() -> None:
    job = _job(A, B)
    assert job.key == pickle.loads(pickle.dumps(job)).key
    assert job.key != _job(A, B, seed=2).key
    assert job.key != _job(A, OFF).key
    pair = PairJob(job, _job(A), prefix=1)
    assert pair.key != PairJob(job, _job(A), prefix=0).key


def test_crash_rows_are_an_error_login_with_every_rule_skipped() -> None:
    job = _job(A, B, OFF)
    frames = job.crash_rows("L1", "auth0|x", "exit code -11", -11).frames(job.rule_names())
    login = frames["logins"].iloc[0]
    assert (login["login_id"], login["user_id"], login["outcome"]) == ("L1", "auth0|x", "error")
    assert login["error_code"] == "sandbox_crash" and "exit code -11" in login["error_message"]
    assert list(frames["rule_runs"]["outcome"]) == ["skipped"] * 3
    cpu = job.crash_rows("L1", None, "", EXIT_CPU_LIMIT).frames(job.rule_names())["logins"]
    assert cpu["error_code"].iloc[0] == "cpu_limit" and cpu["flags"].iloc[0] == "cpu_limit"


def test_a_pair_job_writes_crash_rows_on_both_sides() -> None:
    job = PairJob(_job(A, B), _job(A, OFF), prefix=1)
    rows = job.crash_rows("L9", "u", "boom")
    assert len(rows.a) == len(rows.b) == 1
    frames = rows.b.frames(job.candidate.rule_names())
    assert list(frames["rule_runs"]["rule"]) == ["a", "off"]
