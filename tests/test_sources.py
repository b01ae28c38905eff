"""Loading rules: every export format, the function forms, and errors that say where."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.sources import load_configuration

ACME = Path(__file__).parent.parent / "datasets" / "tenants" / "acme"
OK = "function (user, context, callback) {\n  callback(null, user, context);\n}"


def test_the_acme_deploy_cli_export_loads_in_order_with_enabled_flags() -> None:
    rules = rs.load_rules(ACME)
    assert len(rules) >= 12
    assert [r.order for r in rules] == sorted(r.order for r in rules)
    assert not rules["force-email-verification"].enabled
    assert rules.configuration["ALLOWED_DOMAINS"]
    assert rules.services_file == ACME / "services.yaml"
    assert rules.missing_configuration() == set()


def test_a_folder_of_js_files_loads_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.js").write_text(OK)
    (tmp_path / "a.js").write_text(OK.replace("function ", "function named"))
    assert rs.load_rules(tmp_path).names == ["a", "b"]


def test_a_single_js_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "only.js"
    f.write_text(OK)
    assert rs.load_rules(f).names == ["only"]


def test_a_management_api_dump_loads_and_skips_other_stages(tmp_path: Path) -> None:
    dump = [{"id": "rul_1", "name": "second", "script": OK, "order": 2, "enabled": True,
             "stage": "login_success"},
            {"id": "rul_2", "name": "first", "script": OK, "order": 1, "enabled": False,
             "stage": "login_success"},
            {"id": "rul_3", "name": "pre-reg", "script": OK, "order": 3, "enabled": True,
             "stage": "pre_authorize"}]
    f = tmp_path / "rules.json"
    f.write_text(json.dumps(dump))
    with pytest.warns(rs.RuleSourceWarning, match="pre-reg"):
        rules = rs.load_rules(f)
    assert rules.names == ["first", "second"]
    assert rules["second"].id == "rul_1"
    assert [r.name for r in rules.skipped_stages] == ["pre-reg"]


def test_a_tenant_yaml_loads_scripts_and_rules_configs(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "one.js").write_text(OK.replace("callback(null", "configuration.K; callback(null"))
    (tmp_path / "tenant.yaml").write_text(
        "rules:\n  - name: one\n    script: ./rules/one.js\n    order: 1\n    enabled: true\n"
        "rulesConfigs:\n  - key: K\n    value: v\n")
    rules = rs.load_rules(tmp_path / "tenant.yaml")
    assert rules.names == ["one"]
    assert rules.configuration == {"K": "v"}


@pytest.mark.parametrize("source", [
    "function (user, context, callback) { callback(null, user, context); }",
    "function addRoles(u, ctx, cb) { cb(null, u, ctx); }",
    "async function (user, context, callback) { callback(null, user, context); }",
    "// a comment first\nfunction (a, b, c) { c(null, a, b); }\n// and after\n",
])
def test_named_anonymous_and_async_function_forms_are_accepted(source: str) -> None:
    assert rs.Rule.from_source("r", source).source == source


def test_a_syntax_error_names_the_rule_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "broken.js"
    f.write_text("function (user, context, callback) {\n  var x = ;\n  callback(null, user, context);\n}")
    with pytest.raises(rs.RuleLoadError) as err:
        rs.load_rules(f)
    e = err.value
    assert (e.rule, e.line, e.column) == ("broken", 2, 11)
    assert str(f) in str(e) and "line 2, column 11" in str(e)


def test_a_trailing_semicolon_is_refused_like_auth0_does() -> None:
    with pytest.raises(rs.RuleLoadError, match="exactly one function"):
        rs.Rule.from_source("semi", OK + ";")


@pytest.mark.parametrize("source", [
    "var x = 1;",
    "function (u, c, cb) { cb(); }\nfunction other() {}",
    "function (u, c, cb) { cb(); }()",
    "(function (u, c, cb) { cb(); })",
])
def test_a_source_that_is_not_exactly_one_function_is_refused(source: str) -> None:
    with pytest.raises(rs.RuleLoadError):
        rs.Rule.from_source("bad", source)


def test_duplicate_rule_names_are_refused() -> None:
    with pytest.raises(rs.RuleLoadError, match="duplicate rule names: a"):
        rs.RuleSet([rs.Rule.from_source("a", OK), rs.Rule.from_source("a", OK)])


def test_bad_metadata_json_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.js").write_text(OK)
    (tmp_path / "rules" / "r.json").write_text('{\n  "name": "r",\n  "order": ,\n}')
    with pytest.raises(rs.RuleLoadError) as err:
        rs.load_rules(tmp_path)
    assert err.value.line == 3 and "r.json" in str(err.value)


def test_an_unreadable_path_is_a_rule_load_error(tmp_path: Path) -> None:
    with pytest.raises(rs.RuleLoadError, match="no such file"):
        rs.load_rules(tmp_path / "missing")


def test_missing_configuration_keys_are_a_warning_not_an_error(tmp_path: Path) -> None:
    source = OK.replace("callback(null", "var k = configuration.API_KEY;\n  callback(null")
    (tmp_path / "r.js").write_text(source)
    with pytest.warns(rs.RuleSourceWarning, match="API_KEY"):
        rules = rs.load_rules(tmp_path)
    assert rules.missing_configuration() == {"API_KEY"}


def test_configuration_loads_from_dict_json_and_dotenv(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text('{"A": "1", "B": 2}')
    (tmp_path / ".env").write_text("# secrets\nexport A=1\nB='two'\n")
    assert load_configuration({"A": "1"}) == {"A": "1"}
    assert load_configuration(tmp_path / "c.json") == {"A": "1", "B": "2"}
    assert load_configuration(tmp_path / ".env") == {"A": "1", "B": "two"}


def test_a_malformed_dotenv_line_names_the_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\nnot a pair\n")
    with pytest.raises(rs.ConfigurationError, match="line 2"):
        load_configuration(tmp_path / ".env")


def test_editing_returns_new_rule_sets_and_keeps_the_original() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rs.RuleSourceWarning)
        rules = rs.load_rules(ACME)
    first = rules.active[0].name
    edited = rules.disable(first)
    assert rules[first].enabled and not edited[first].enabled
    assert edited.sha256 != rules.sha256
