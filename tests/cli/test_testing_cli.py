"""``rulesim test``: exit 0 when every case passes, 1 when one fails, 2 on misuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from rulesim.cli import main

GOLDEN = """\
rules:
  - name: deny-gmail
    source: |
      function (user, context, callback) {
        if ((user.email || '').endsWith('@gmail.com')) {
          return callback(new UnauthorizedError('no gmail here'));
        }
        return callback(null, user, context);
      }
cases:
  - description: gmail is denied
    user: {email: someone@gmail.com}
    expect: {outcome: OUTCOME}
"""


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(["test", *args])
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out + out.err


def _golden(tmp_path: Path, outcome: str) -> Path:
    path = tmp_path / "gmail.rulesim.yaml"
    path.write_text(GOLDEN.replace("OUTCOME", outcome))
    return path


def test_passing_cases_exit_0_with_a_readable_report(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run([str(_golden(tmp_path, "denied"))], capsys)
    assert code == 0
    assert "✓ gmail is denied" in out
    assert "1 cases: 1 passed, 0 failed" in out


def test_a_failing_case_exits_1_naming_the_rule(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run([str(tmp_path)], capsys) if _golden(tmp_path, "allowed") else (0, "")
    assert code == 1
    assert "✗ gmail is denied" in out
    assert "rule `deny-gmail` ended it with denied" in out
    assert "1 cases: 0 passed, 1 failed" in out


def test_a_malformed_file_exits_2_with_file_and_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _golden(tmp_path, "sometimes")
    code, out = _run([str(path)], capsys)
    assert code == 2
    assert f"{path}:13:" in out


def test_a_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run([str(tmp_path / "nope")], capsys)
    assert code == 2
    assert "no such file or folder" in out


def test_a_folder_without_golden_files_exits_2(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run([str(tmp_path)], capsys)
    assert code == 2
    assert "no *.rulesim.yaml files" in out
