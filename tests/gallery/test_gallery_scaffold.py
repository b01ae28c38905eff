"""``write_rule`` / ``write_action``: deploy-cli files that load back, placeholders kept local."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.gallery.scaffold import write, write_action, write_rule
from rulesim.sources.configuration import NOT_SHOWN

TENANTS = Path(__file__).parents[2] / "datasets" / "tenants"


def _quiet_load(fn, *args):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def test_a_rule_is_written_in_deploy_cli_layout_and_loads_back(tmp_path: Path) -> None:
    done = write_rule("enrich-profile", tmp_path, name="enrich", url="https://hr.example.com/p")
    rules = rs.load_rules(tmp_path)
    assert rules.names == ["enrich"]
    assert rules["enrich"].source == rs.new_rule("enrich-profile", name="enrich",
                                                 url="https://hr.example.com/p").source
    meta = json.loads((tmp_path / "rules" / "enrich.json").read_text())
    assert meta == {"name": "enrich", "order": 1, "enabled": True, "stage": "login_success"}
    assert rules.configuration == {"PROFILE_API_KEY": "replace-with-the-profile-api-key"}
    assert done.placeholders == ("PROFILE_API_KEY",)
    assert done.golden == tmp_path / "tests" / "enrich.rulesim.yaml"
    assert set(done.written) == {tmp_path / "rules" / "enrich.js", tmp_path / "rules" / "enrich.json",
                                 tmp_path / "configuration.json", done.golden}


def test_a_rule_goes_after_the_tenants_last_rule_and_keeps_its_configuration(tmp_path: Path) -> None:
    shutil.copytree(TENANTS / "acme", tmp_path / "acme")
    tenant = tmp_path / "acme"
    before = json.loads((tenant / "configuration.json").read_text())
    last = max(r.order for r in rs.load_rules(tenant))
    write_rule("deny-by-country", tenant, name="no-kp")
    rules = rs.load_rules(tenant)
    assert rules["no-kp"].order == last + 1
    assert rules.active[-1].name == "no-kp"
    assert json.loads((tenant / "configuration.json").read_text()) == before


def test_an_existing_configuration_value_is_never_replaced_by_a_placeholder(tmp_path: Path) -> None:
    (tmp_path / "configuration.json").write_text('{"PROFILE_API_KEY": "the-real-key"}')
    done = write_rule("enrich-profile", tmp_path)
    assert done.placeholders == ()
    assert rs.load_rules(tmp_path).configuration == {"PROFILE_API_KEY": "the-real-key"}


def test_an_action_is_written_bound_last_with_its_secrets_local_only(tmp_path: Path) -> None:
    shutil.copytree(TENANTS / "acme-actions", tmp_path / "t")
    tenant = tmp_path / "t"
    before = _quiet_load(rs.load_actions, tenant)
    done = write_action("enrich-profile", tenant, name="hr-profile")
    actions = _quiet_load(rs.load_actions, tenant)
    assert [a.name for a in actions.active] == [*[a.name for a in before.active], "hr-profile"]
    action = actions["hr-profile"]
    assert action.code == rs.new_action("enrich-profile", name="hr-profile").code
    assert action.secrets == ("PROFILE_API_KEY",)
    assert actions.secrets_for("hr-profile") == {"PROFILE_API_KEY": "replace-with-the-profile-api-key"}
    meta = json.loads((tenant / "actions" / "hr-profile.json").read_text())
    assert meta["secrets"] == [{"name": "PROFILE_API_KEY", "value": NOT_SHOWN}]
    assert meta["supported_triggers"] == [{"id": "post-login", "version": "v3"}]
    triggers = json.loads((tenant / "triggers" / "triggers.json").read_text())
    assert "credentials-exchange" in triggers
    assert done.placeholders == ("PROFILE_API_KEY",)
    # the other Actions' secrets are untouched
    for other in before.active:
        assert actions.secrets_for(other.name) == before.secrets_for(other.name)


def test_secrets_kept_in_a_dotenv_file_get_their_placeholder_there(tmp_path: Path) -> None:
    (tmp_path / "secrets.env").write_text("OTHER=1\n")
    write_action("enrich-profile", tmp_path)
    assert not (tmp_path / "secrets.json").exists()
    assert "PROFILE_API_KEY=" in (tmp_path / "secrets.env").read_text()
    actions = rs.load_actions(tmp_path)
    assert actions.secrets_for("enrich-profile") == {
        "PROFILE_API_KEY": "replace-with-the-profile-api-key"}


@pytest.mark.parametrize("kind", ["rule", "action"])
def test_an_existing_one_is_refused_without_force_and_nothing_is_written(
        tmp_path: Path, kind: str) -> None:
    write(kind, "allow-email-domains", tmp_path, name="gate")
    files = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(rs.UsageError, match=f"{kind} `gate` already exists.*--force"):
        write(kind, "deny-by-ip", tmp_path, name="gate")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == files


def test_force_replaces_a_rule_in_its_place(tmp_path: Path) -> None:
    write_rule("empty", tmp_path, name="first")
    write_rule("empty", tmp_path, name="second")
    write_rule("deny-by-ip", tmp_path, name="first", force=True)
    rules = rs.load_rules(tmp_path)
    assert rules.names == ["first", "second"]
    assert "blockedRanges" in rules["first"].source


def test_force_replaces_an_action_without_binding_it_twice(tmp_path: Path) -> None:
    write_action("empty", tmp_path, name="first")
    write_action("empty", tmp_path, name="second")
    write_action("deny-by-ip", tmp_path, name="first", force=True)
    actions = rs.load_actions(tmp_path)
    assert [a.name for a in actions.active] == ["first", "second"]
    assert "BLOCKED_RANGES" in actions["first"].code


def test_a_tenant_kept_as_tenant_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tenant.yaml").write_text("rules: []\n")
    with pytest.raises(rs.UsageError, match=r"tenant\.yaml"):
        write_rule("empty", tmp_path)


def test_a_21st_bound_action_is_refused(tmp_path: Path) -> None:
    for i in range(20):
        write_action("empty", tmp_path, name=f"a{i:02d}")
    with pytest.raises(rs.UsageError, match="at most 20"):
        write_action("empty", tmp_path, name="one-too-many")
    assert not (tmp_path / "actions" / "one-too-many.json").exists()


def test_a_bad_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(rs.UsageError, match="rule name 'no_underscores'"):
        write_rule("empty", tmp_path / "t", name="no_underscores")
    assert not (tmp_path / "t").exists()


def test_an_actions_declared_dependencies_are_written_and_load_back(tmp_path: Path) -> None:
    import dataclasses

    from rulesim.gallery import find_template
    from rulesim.sources.actions import Dependency

    t = dataclasses.replace(find_template("empty"),
                            dependencies=(Dependency("lodash", "4.17.21"),))
    write_action(t, tmp_path, name="with-lodash")
    meta = json.loads((tmp_path / "actions" / "with-lodash.json").read_text())
    assert meta["dependencies"] == [{"name": "lodash", "version": "4.17.21"}]
    assert rs.load_actions(tmp_path).dependencies == ["lodash@4.17.21"]
