"""`rulesim population --from-logs`: a population from the tenant's own logs, written as parquet."""

from __future__ import annotations

from pathlib import Path

import pytest

from rulesim.cli import main
from rulesim.population import Population

DATA = Path(__file__).resolve().parent.parent.parent / "datasets" / "logs"
LOGS, USERS = str(DATA / "acme-logs.ndjson.gz"), str(DATA / "acme-users.ndjson")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_from_logs_writes_the_population_and_prints_what_the_logs_held(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "pop.parquet"
    code, out, _ = run_cli(["population", "--from-logs", LOGS, "--users-export", USERS,
                            "-n", "500", "--seed", "2", "--out", str(out_file)], capsys)
    assert code == 0
    assert "wrote 500 logins" in out
    assert "sertft" in out and "not a login" in out
    pop = Population.read_parquet(out_file)
    assert len(pop) == 500 and pop.spec["kind"] == "logs" and pop.spec["pseudonymize"] is True
    assert pop.payloads(0, 20) == Population.from_logs(LOGS, USERS, n=500, seed=2).payloads(0, 20)


def test_from_logs_refuses_options_of_generated_populations(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["population", "--from-logs", LOGS, "--mix", "b2b",
                            "--out", str(tmp_path / "x")], capsys)
    assert code == 2 and "--mix" in err
    code, _, err = run_cli(["population", "--users-export", USERS, "--out",
                            str(tmp_path / "x")], capsys)
    assert code == 2 and "--from-logs" in err


def test_the_help_documents_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["population", "--help"], capsys)
    assert code == 0 and "--from-logs" in out and "--users-export" in out
