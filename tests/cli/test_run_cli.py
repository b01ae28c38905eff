"""`rulesim run`, `try`, `population`, `columns`: output, files written, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rulesim.cli import main

ACME = str(Path(__file__).parent.parent.parent / "datasets" / "tenants" / "acme")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.mark.slow
def test_run_prints_the_per_rule_summary_and_writes_the_tables(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["run", ACME, "--users", "300", "--seed", "3", "--workers", "2",
                            "--out", str(tmp_path / "out")], capsys)
    assert code == 0
    assert "email-domain-allowlist" in out and "logins: 300" in out
    logins = pd.read_parquet(tmp_path / "out" / "logins.parquet")
    assert len(logins) == 300
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["seed"] == 3 and "ALLOWED_DOMAINS" in manifest["configuration_keys"]


def test_run_writes_csv_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_cli(["run", ACME, "-n", "40", "--workers", "1", "--format", "csv",
                          "--out", str(tmp_path / "csv")], capsys)
    assert code == 0
    assert len(pd.read_csv(tmp_path / "csv" / "rule_runs.csv")) == 40 * 17


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["run", "/no/such/tenant"], capsys)
    assert code == 2 and "does not exist" in err


def test_a_bad_option_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["run", ACME, "--users", "0"], capsys)
    assert code == 2 and "--users" in err


def test_an_unloadable_rule_set_is_a_failure_exit(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.js").write_text("function (user, context, callback) {\n  var = 1;\n}")
    code, _, err = run_cli(["run", str(tmp_path)], capsys)
    assert code == 1 and "broken" in err and "line 2" in err


def test_try_prints_one_logins_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    user = tmp_path / "user.json"
    user.write_text(json.dumps({"email": "mallory@evil.example", "email_verified": True}))
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"clientName": "Acme Admin Console",
                                   "clientMetadata": {"restricted": "true"},
                                   "protocol": "oidc-basic-profile"}))
    code, out, _ = run_cli(["try", ACME, "--user", str(user), "--context", str(context)], capsys)
    assert code == 0
    assert "DENIED" in out and "email-domain-allowlist" in out


def test_columns_prints_the_column_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["columns"], capsys)
    assert code == 0 and "| `deciding_rule` |" in out


def test_population_writes_a_parquet_population(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["population", "-n", "200", "--seed", "1", "--mix", "b2b",
                            "--out", str(tmp_path / "pop")], capsys)
    assert code == 0 and "wrote 200 logins" in out
