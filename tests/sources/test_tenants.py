"""Loading a whole tenant: Rules and Actions from one export, either side maybe empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rulesim as rs

RULE = "function (user, context, callback) {\n  callback(null, user, context);\n}"
ACTION = "exports.onExecutePostLogin = async (event, api) => {};\n"


def test_a_directory_export_with_rules_and_actions_gives_both(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.js").write_text(RULE)
    (tmp_path / "rules" / "r.json").write_text(json.dumps({"name": "r", "order": 1}))
    (tmp_path / "actions" / "a").mkdir(parents=True)
    (tmp_path / "actions" / "a" / "code.js").write_text(ACTION)
    (tmp_path / "actions" / "a.json").write_text(json.dumps({"name": "a", "code": "./actions/a/code.js"}))
    (tmp_path / "triggers").mkdir()
    (tmp_path / "triggers" / "triggers.json").write_text(json.dumps({"post-login": [{"action_name": "a"}]}))
    (tmp_path / "services.yaml").write_text("routes: []\n")
    tenant = rs.load_tenant(tmp_path)
    assert tenant.rules.names == ["r"]
    assert [a.name for a in tenant.actions.active] == ["a"]
    assert tenant.services_file == tmp_path / "services.yaml"
    assert tenant.actions.services_file == tmp_path / "services.yaml"


def test_a_rules_only_export_has_an_empty_action_set(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.js").write_text(RULE)
    tenant = rs.load_tenant(tmp_path)
    assert len(tenant.actions) == 0
    assert tenant.rules.names == ["r"]


def test_a_tenant_yaml_with_rules_configs_and_actions_gives_both(tmp_path: Path) -> None:
    (tmp_path / "r.js").write_text(RULE)
    (tmp_path / "a.js").write_text(ACTION.replace("{}", "{ event.secrets.S; }"))
    (tmp_path / "tenant.yaml").write_text(
        "rules:\n  - name: r\n    script: ./r.js\n"
        "rulesConfigs:\n  - key: K\n    value: v\n"
        "actions:\n  - name: a\n    code: ./a.js\n"
        "    secrets:\n      - name: S\n        value: _VALUE_NOT_SHOWN_\n"
        "triggers:\n  post-login:\n    - action_name: a\n")
    tenant = rs.load_tenant(tmp_path, secrets={"S": "s"})
    assert tenant.rules.configuration == {"K": "v"}
    assert tenant.actions.secrets_for("a") == {"S": "s"}


def test_an_api_dump_with_rules_actions_and_bindings_gives_both(tmp_path: Path) -> None:
    f = tmp_path / "dump.json"
    f.write_text(json.dumps({
        "rules": [{"name": "r", "script": RULE, "order": 1, "enabled": True}],
        "actions": [{"id": "act_a", "name": "a", "code": ACTION, "deployed_version": {"code": ACTION}}],
        "bindings": [{"trigger_id": "post-login", "action": {"id": "act_a"}}],
    }))
    tenant = rs.load_tenant(f)
    assert tenant.rules.names == ["r"]
    assert tenant.actions.active[0].id == "act_a"
    assert "1 enabled rules, 1 bound actions" in repr(tenant)


def test_an_export_with_neither_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "dump.json"
    f.write_text(json.dumps({"rules": [], "actions": []}))
    with pytest.raises(rs.RuleLoadError, match="no Rules and no Actions"):
        rs.load_tenant(f)
