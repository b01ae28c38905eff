"""The column contract builds the rows written by hand: none can miss a contract column."""

from __future__ import annotations

import pytest

import rulesim as rs
from rulesim.columns import COLUMNS, LOGIN_FIELDS, failed_login_row, fields
from rulesim.records import COLUMNS as RECORDS_COLUMNS
from rulesim.runtime.rows import engine_failure_block


def test_the_records_module_exposes_the_same_contract() -> None:
    assert RECORDS_COLUMNS is COLUMNS


def test_login_fields_are_the_logins_columns_without_the_keys() -> None:
    assert fields("logins", keyed=True) == ("login_id", "user_id", *LOGIN_FIELDS)


def test_a_failed_login_row_has_every_logins_column_in_order() -> None:
    row = failed_login_row(error_code="sandbox_crash", error_message="gone",
                           app_error="unauthorized", flags="sandbox_crash")
    assert tuple(row) == LOGIN_FIELDS
    assert row["outcome"] == rs.LoginOutcome.ERROR
    with pytest.raises(KeyError, match="colour"):
        failed_login_row(error_code="x", error_message="y", app_error="z", colour="red")


def test_an_engine_failure_block_carries_exactly_the_contract_columns() -> None:
    block = engine_failure_block(3, [0, 2], 1, "memory_limit", "rule `b` used too much memory",
                                 cpu_us=[5.0, 7.0], io_ms=[0.0, 1.0], calls=[0, 1],
                                 cpu_begin_us=2.0, io_total_ms=1.0, error_mapping="unauthorized")
    assert tuple(block.logins) == LOGIN_FIELDS
    assert block.logins["deciding_rule"] == [2]
    assert block.logins["rules_run"] == [2]
    assert block.rule_runs["outcome"] == ["ok", "skipped", "error"]


def test_a_recorded_login_has_exactly_the_contract_columns() -> None:
    sim = rs.simulate(rs.Rule.from_source("noop", "function (u, c, cb) { cb(null, u, c); }"),
                      rs.population(3, seed=1), workers=1, progress=False)
    core = [c for c in sim.logins.columns if c in fields("logins", keyed=True)]
    assert tuple(core) == fields("logins", keyed=True)
