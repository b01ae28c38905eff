"""Loading post-login Actions: every export format, the handler checks, secrets and editing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.sources import Dependency, check_action_source

OK = "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('a', 1);\n};\n"
READS = "exports.onExecutePostLogin = async (event, api) => {\n  fetch(event.secrets.HOOK_URL);\n};\n"


def _deploy_dir(root: Path, actions: dict[str, str], bound: list[str],
                meta: dict[str, dict[str, object]] | None = None) -> Path:
    (root / "actions").mkdir(parents=True)
    for name, code in actions.items():
        (root / "actions" / name).mkdir()
        (root / "actions" / name / "code.js").write_text(code)
        data = {"name": name, "code": f"./actions/{name}/code.js", "runtime": "node22",
                "status": "built", "deployed": True,
                "supported_triggers": [{"id": "post-login", "version": "v3"}],
                **(meta or {}).get(name, {})}
        (root / "actions" / f"{name}.json").write_text(json.dumps(data))
    (root / "triggers").mkdir()
    (root / "triggers" / "triggers.json").write_text(json.dumps(
        {"post-login": [{"action_name": n, "display_name": n.title()} for n in bound],
         "credentials-exchange": []}))
    return root


def test_a_deploy_cli_directory_export_loads_in_trigger_order(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path, {"a": OK, "b": OK, "c": OK}, ["c", "a"], meta={
        "a": {"dependencies": [{"name": "lodash", "version": "4.17.21"}],
              "secrets": [{"name": "K", "value": "_VALUE_NOT_SHOWN_"}]}})
    actions = rs.load_actions(root)
    assert actions.names == ["c", "a", "b"]
    assert [a.name for a in actions.active] == ["c", "a"]
    assert not actions["b"].enabled
    assert actions["a"].dependencies == (Dependency("lodash", "4.17.21"),)
    assert actions["a"].secrets == ("K",)
    assert actions["c"].display_name == "C"
    assert actions.dependencies == ["lodash@4.17.21"]
    assert actions.secrets_for("a") == {}


def test_a_code_path_written_relative_to_where_deploy_cli_ran_is_found(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path / "directory", {"a": OK}, ["a"],
                       meta={"a": {"code": "directory/actions/a/code.js"}})
    assert rs.load_actions(root)["a"].code == OK


def test_a_code_path_that_does_not_exist_names_the_json_file(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path, {"a": OK}, ["a"], meta={"a": {"code": "./elsewhere/x.js"}})
    (root / "actions" / "a" / "code.js").unlink()
    with pytest.raises(rs.ActionLoadError, match=r"action `a` \(.*a\.json\).*elsewhere/x\.js"):
        rs.load_actions(root)


def test_a_tenant_yaml_loads_actions_in_trigger_list_order(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "one.js").write_text(OK)
    (tmp_path / "actions" / "two.js").write_text(READS)
    (tmp_path / "tenant.yaml").write_text(
        "actions:\n"
        "  - name: one\n    code: ./actions/one.js\n    runtime: node18\n    deployed: true\n"
        "    supported_triggers:\n      - id: post-login\n        version: v3\n"
        "  - name: two\n    code: ./actions/two.js\n"
        "    secrets:\n      - name: HOOK_URL\n        value: https://hooks.example/x\n"
        "    dependencies:\n      - name: axios\n        version: 1.6.0\n"
        "triggers:\n  post-login:\n    - action_name: two\n      display_name: Two\n"
        "    - action_name: one\n      display_name: One\n")
    actions = rs.load_actions(tmp_path / "tenant.yaml")
    assert [a.name for a in actions.active] == ["two", "one"]
    assert actions["one"].runtime == "node18"
    assert actions.secrets_for("two") == {"HOOK_URL": "https://hooks.example/x"}
    assert actions.dependencies == ["axios@1.6.0"]


def _api_dump(tmp_path: Path) -> Path:
    dump = {
        "actions": {"actions": [
            {"id": "act_1", "name": "first", "code": "// draft", "runtime": "node22",
             "supported_triggers": [{"id": "post-login", "version": "v3"}],
             "secrets": [{"name": "HOOK_URL", "updated_at": "2026-01-01T00:00:00Z"}],
             "deployed_version": {"code": READS, "runtime": "node18", "dependencies": [],
                                  "secrets": [{"name": "HOOK_URL"}]},
             "all_changes_deployed": False, "status": "built"},
            {"id": "act_2", "name": "second", "code": OK, "deployed_version": {"code": OK},
             "supported_triggers": [{"id": "post-login", "version": "v3"}]},
            {"id": "act_3", "name": "sms", "code": "exports.onExecuteSendPhoneMessage = async () => {};",
             "supported_triggers": [{"id": "send-phone-message", "version": "v2"}]},
        ], "total": 3, "page": 0, "per_page": 50},
        "bindings": {"bindings": [
            {"id": "b1", "trigger_id": "post-login", "display_name": "Second",
             "action": {"id": "act_2", "name": "second"}},
            {"id": "b2", "trigger_id": "post-login", "display_name": "First",
             "action": {"id": "act_1", "name": "first"}},
        ], "total": 2},
    }
    f = tmp_path / "actions.json"
    f.write_text(json.dumps(dump))
    return f


def test_a_management_api_dump_runs_the_deployed_version_in_binding_order(tmp_path: Path) -> None:
    with pytest.warns(rs.ActionSourceWarning, match="HOOK_URL"):
        actions = rs.load_actions(_api_dump(tmp_path))
    assert [a.name for a in actions.active] == ["second", "first"]
    assert actions["first"].code == READS
    assert actions["first"].runtime == "node18"
    assert actions["first"].id == "act_1"
    assert [a.name for a in actions.other_triggers] == ["sms"]


def test_a_secrets_file_supplies_values_flat_or_per_action(tmp_path: Path) -> None:
    dump = _api_dump(tmp_path)
    (tmp_path / "secrets.json").write_text(json.dumps({"HOOK_URL": "https://flat.example"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        actions = rs.load_actions(dump)
    assert actions.secrets_for("first") == {"HOOK_URL": "https://flat.example"}
    mine = actions.with_secrets({"first": {"HOOK_URL": "https://mine.example"}})
    assert mine.secrets_for("first") == {"HOOK_URL": "https://mine.example"}
    env = tmp_path / "local.env"
    env.write_text("# local values\nHOOK_URL='https://env.example'\n")
    assert rs.load_actions(dump, secrets=env).secrets_for("first") == {"HOOK_URL": "https://env.example"}


def test_a_secret_read_but_not_declared_is_called_out(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path, {"a": READS}, ["a"])
    with pytest.warns(rs.ActionSourceWarning, match="HOOK_URL not declared on the Action"):
        actions = rs.load_actions(root, secrets={"HOOK_URL": "https://x.example"})
    assert actions.secrets_for("a") == {}
    assert actions.missing_secrets() == {"a": ["HOOK_URL"]}


def test_a_single_js_file_is_one_bound_action_declaring_what_it_reads(tmp_path: Path) -> None:
    f = tmp_path / "notify.js"
    f.write_text("exports.onExecutePostLogin = async (event) => {\n"
                 "  const { SLACK_URL, TOKEN: t } = event.secrets;\n"
                 "  return event.secrets['OTHER'];\n};\n")
    actions = rs.load_actions(f, secrets={"SLACK_URL": "u", "TOKEN": "t", "OTHER": "o"})
    assert actions.names == ["notify"]
    assert actions["notify"].secrets == ("OTHER", "SLACK_URL", "TOKEN")
    assert actions.secrets_for("notify") == {"OTHER": "o", "SLACK_URL": "u", "TOKEN": "t"}


@pytest.mark.parametrize("code", [
    "exports.onExecutePostLogin = async (event, api) => {};",
    "exports.onExecutePostLogin = async function (event, api) {};",
    "exports['onExecutePostLogin'] = async (event, api) => {};",
    "module.exports.onExecutePostLogin = async (e, a) => {};",
    "async function handler(event, api) {}\nexports.onExecutePostLogin = handler;",
    "const handler = async (event, api) => {};\nmodule.exports = { onExecutePostLogin: handler };",
    "module.exports = {\n  async onExecutePostLogin(event, api) {},\n};",
    "const onExecutePostLogin = async () => {};\nmodule.exports = { onExecutePostLogin };",
    "exports.onExecutePostLogin = exports.other = async () => {};",
])
def test_the_forms_real_actions_use_to_export_an_async_handler_load(code: str) -> None:
    action = rs.Action.from_code("a", code)
    assert action.handlers[0] == "onExecutePostLogin"


def test_a_handler_that_is_not_async_is_refused_with_its_line() -> None:
    code = "const x = 1;\n\nexports.onExecutePostLogin = function (event, api) {\n  return;\n};\n"
    with pytest.raises(rs.ActionLoadError, match=r"action `plain` \(line 3\).*must be an `async`"):
        rs.Action.from_code("plain", code)


def test_a_sync_method_in_module_exports_is_refused() -> None:
    with pytest.raises(rs.ActionLoadError, match=r"onContinuePostLogin.*async"):
        rs.Action.from_code("m", "module.exports = {\n  async onExecutePostLogin() {},\n"
                                 "  onContinuePostLogin() {},\n};\n")


def test_a_module_without_the_handler_is_refused() -> None:
    with pytest.raises(rs.ActionLoadError, match="does not export `onExecutePostLogin`"):
        rs.Action.from_code("none", "exports.onExecutePreUserRegistration = async () => {};")


def test_a_syntax_error_names_the_file_action_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "broken.js"
    f.write_text("exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};\n")
    with pytest.raises(rs.ActionLoadError) as info:
        rs.load_actions(f)
    err = info.value
    assert (err.action, err.line, err.file) == ("broken", 2, str(f))
    assert err.column == 13
    assert isinstance(err, rs.RuleLoadError)


def test_a_handler_built_at_run_time_loads_with_a_warning_and_is_checked_later() -> None:
    with pytest.warns(rs.ActionSourceWarning, match="checked at the first login"):
        action = rs.Action.from_code("w", "exports.onExecutePostLogin = wrap(async () => {});")
    assert action.handlers == ("onExecutePostLogin",)


def test_a_module_body_that_throws_is_not_a_load_error() -> None:
    action = rs.Action.from_code(
        "t", "throw new Error('boom');\nexports.onExecutePostLogin = async () => {};")
    assert check_action_source(action) == ("onExecutePostLogin",)


def test_continue_handlers_are_listed_when_exported() -> None:
    action = rs.Action.from_code("r", OK + "exports.onContinuePostLogin = async (event, api) => {};\n")
    assert action.handlers == ("onExecutePostLogin", "onContinuePostLogin")


def test_duplicate_action_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text(OK)
    actions = rs.load_actions(tmp_path)
    with pytest.raises(rs.ActionLoadError, match="duplicate Action names: a"):
        actions.add(rs.Action.from_code("a", OK))


def test_more_than_twenty_bound_actions_are_refused(tmp_path: Path) -> None:
    for i in range(21):
        (tmp_path / f"a{i:02}.js").write_text(OK)
    with pytest.raises(rs.ActionLoadError, match="21 Actions are bound"):
        rs.load_actions(tmp_path)


def test_a_bad_triggers_file_names_its_line(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path, {"a": OK}, ["a"])
    (root / "triggers" / "triggers.json").write_text('{"post-login": [\n  {"action_name": "a",}\n]}')
    with pytest.raises(rs.ActionLoadError, match=r"triggers\.json; line 2"):
        rs.load_actions(root)


def test_a_binding_to_an_unknown_action_is_refused(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path, {"a": OK}, ["a", "ghost"])
    with pytest.raises(rs.ActionLoadError, match="binds `ghost`"):
        rs.load_actions(root)


def test_editing_returns_new_sets_and_keeps_the_checks(tmp_path: Path) -> None:
    for n in ("a", "b", "c"):
        (tmp_path / f"{n}.js").write_text(OK)
    actions = rs.load_actions(tmp_path)
    assert actions.reorder(["c", "b", "a"]).names == ["c", "b", "a"]
    assert [a.name for a in actions.disable("b").active] == ["a", "c"]
    assert [a.name for a in actions.disable("b").enable("b").active] == ["a", "b", "c"]
    assert actions.add(rs.Action.from_code("z", OK), order=1).names == ["z", "a", "b", "c"]
    assert actions.replace("a", READS)["a"].code == READS
    assert actions.replace("a", READS).sha256 != actions.sha256
    with pytest.raises(rs.ActionLoadError, match="async"):
        actions.replace("a", "exports.onExecutePostLogin = () => {};")
    with pytest.raises(rs.UsageError, match="every Action exactly once"):
        actions.reorder(["a"])


def test_secret_names_and_values_over_auth0s_limits_are_refused(tmp_path: Path) -> None:
    root = _deploy_dir(tmp_path / "a", {"a": READS}, ["a"],
                       meta={"a": {"secrets": [{"name": "HOOK_URL"}, {"name": "K" * 129}]}})
    with pytest.raises(rs.ActionLoadError, match="over 128 characters"):
        rs.load_actions(root, secrets={"HOOK_URL": "u"})
    ok = _deploy_dir(tmp_path / "b", {"a": READS}, ["a"], meta={"a": {"secrets": [{"name": "HOOK_URL"}]}})
    with pytest.raises(rs.ConfigurationError, match="HOOK_URL is 4097 characters"):
        rs.load_actions(ok, secrets={"HOOK_URL": "u" * 4097})
