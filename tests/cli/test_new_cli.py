"""``rulesim new``: the gallery listing, and Rules and Actions written into a tenant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(["new", *args])
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out + out.err


def test_list_shows_every_template_with_its_kinds_summary_and_needs(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--list"], capsys)
    assert code == 0
    for t in rs.templates():
        line = next(x for x in out.splitlines() if x.startswith(t.name + " "))
        assert "rule, action" in line and t.summary in line
        for c in t.configuration:
            assert c.key in line
    enrich = next(x for x in out.splitlines() if x.startswith("enrich-profile "))
    assert "PROFILE_API_KEY" in enrich and "option url" in enrich


def test_new_rule_writes_the_rule_and_its_golden_file(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["rule", "allow-email-domains", str(tmp_path), "--name", "only-acme",
                      "--option", "domains=acme.example, acme.test"], capsys)
    assert code == 0, out
    assert "wrote" in out and "rulesim test" in out
    rule = rs.load_rules(tmp_path)["only-acme"]
    assert '["acme.example", "acme.test"]' in rule.source
    assert (tmp_path / "tests" / "only-acme.rulesim.yaml").is_file()


def test_new_action_takes_a_json_list_option_and_names_its_placeholders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["action", "deny-by-ip", str(tmp_path), "-o",
                      'blocked_ranges=["198.51.100.0/24"]'], capsys)
    assert code == 0, out
    assert '["198.51.100.0/24"]' in rs.load_actions(tmp_path)["deny-by-ip"].code
    code, out = _run(["action", "enrich-profile", str(tmp_path)], capsys)
    assert code == 0, out
    assert "placeholders" in out and "PROFILE_API_KEY" in out
    bindings = json.loads((tmp_path / "triggers" / "triggers.json").read_text())["post-login"]
    assert [b["action_name"] for b in bindings] == ["deny-by-ip", "enrich-profile"]


def test_an_existing_rule_is_a_usage_error_unless_forced(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["rule", "empty", str(tmp_path)], capsys)[0] == 0
    code, out = _run(["rule", "deny-by-ip", str(tmp_path), "--name", "empty"], capsys)
    assert code == 2
    assert "rule `empty` already exists" in out and "--force" in out
    code, out = _run(["rule", "deny-by-ip", str(tmp_path), "--name", "empty", "--force"], capsys)
    assert code == 0, out
    assert "blockedRanges" in rs.load_rules(tmp_path)["empty"].source


@pytest.mark.parametrize(("args", "message"), [
    (["rule", "empty", "T", "--name", "has_underscore"], "rule name 'has_underscore'"),
    (["rule", "no-such-template", "T"], "no template called 'no-such-template'"),
    (["action", "empty", "T", "-o", "x=1"], "has no option x"),
    (["action", "empty", "T", "-o", "novalue"], "KEY=VALUE"),
])
def test_misuse_exits_2_saying_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str], message: str) -> None:
    code, out = _run([str(tmp_path / "t") if a == "T" else a for a in args], capsys)
    assert code == 2
    assert message in out
    assert not (tmp_path / "t").exists()
