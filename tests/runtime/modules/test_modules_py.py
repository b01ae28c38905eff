"""The Python side: spec parsing, the modules folder, npm install, and the registry builder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import quickjs
from module_harness import installed_modules_dir

from rulesim.errors import RulesimError, UsageError
from rulesim.runtime import modules
from rulesim.runtime.modules import (
    BUILTIN_MODULES,
    build_registry_js,
    default_modules_dir,
    install,
    install_command,
    parse_module_spec,
    scan_requires,
)


@pytest.mark.parametrize("bad", ["", "./local", "../up", "/abs", "a b"])
def test_parse_module_spec_refuses_what_is_not_a_module_name(bad: str) -> None:
    with pytest.raises(UsageError, match="expected spec to be a module name"):
        parse_module_spec(bad)


def test_install_command_pins_the_known_good_version() -> None:
    assert install_command("lodash") == "rulesim modules install lodash@4.17.21"
    assert install_command("moment@2.24.0") == "rulesim modules install moment@2.24.0"
    assert install_command("left-pad") == "rulesim modules install left-pad"


def test_the_modules_folder_comes_from_the_environment_or_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RULESIM_MODULES_DIR", str(tmp_path / "mods"))
    assert default_modules_dir() == tmp_path / "mods"
    monkeypatch.delenv("RULESIM_MODULES_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_modules_dir() == tmp_path / "cache" / "rulesim" / "modules"


def test_install_runs_npm_with_the_prefix_and_default_versions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "added 2 packages", "")

    monkeypatch.setattr(modules.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(modules.subprocess, "run", fake_run)
    install(["lodash", "q@1.4.1"], modules_dir=tmp_path / "m")
    assert seen == [
        [
            "/usr/bin/npm",
            "install",
            "--prefix",
            str(tmp_path / "m"),
            "--no-audit",
            "--no-fund",
            "lodash@4.17.21",
            "q@1.4.1",
        ]
    ]
    assert (tmp_path / "m").is_dir()


def test_install_explains_a_missing_npm_and_a_failing_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(modules.shutil, "which", lambda name: None)
    with pytest.raises(RulesimError, match="`npm` was not found on PATH"):
        install(["lodash"], modules_dir=tmp_path)
    monkeypatch.setattr(modules.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(
        modules.subprocess,
        "run",
        lambda cmd, **kw: subprocess.CompletedProcess(
            cmd, 1, "", "npm ERR! 404 Not Found - left-padd"
        ),
    )
    with pytest.raises(RulesimError, match="404 Not Found - left-padd"):
        install(["left-padd"], modules_dir=tmp_path)


@pytest.mark.parametrize(
    "bad", [[], ["git+https://example.com/x.git"], ["../local"], ["x; rm -rf /"]]
)
def test_install_refuses_anything_but_registry_specs(bad: list[str], tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        install(bad, modules_dir=tmp_path)


def test_scan_requires_finds_literal_specs_in_order() -> None:
    sources = [
        "const _ = require('lodash'); const m = require(\"moment-timezone@0.5.43\");",
        "var x = require( 'lodash' ); var dyn = require(name); var t = require(`uuid/v4`);",
    ]
    assert scan_requires(sources) == ["lodash", "moment-timezone@0.5.43", "uuid/v4"]


def test_the_registry_is_one_expression_with_every_builtin(tmp_path: Path) -> None:
    js = build_registry_js([], None, tmp_path)
    ctx = quickjs.Context()
    ctx.eval(f"var r = {js};")
    assert json.loads(ctx.eval("JSON.stringify(Object.keys(r.builtins).sort())")) == sorted(
        BUILTIN_MODULES
    )
    assert ctx.eval("typeof r.builtins.request") == "function"
    assert ctx.eval("JSON.stringify(r.packages)") == "{}"


def test_a_supplied_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="names a file that does not exist"):
        build_registry_js([], {"mongodb": str(tmp_path / "missing.js")}, tmp_path)
    with pytest.raises(UsageError, match="expected the keys of modules to be module specs"):
        build_registry_js([], {"./x": "module.exports = 1;"}, tmp_path)


def _shipped(js: str, package: str) -> list[str]:
    ctx = quickjs.Context()
    ctx.eval(f"var r = {js};")
    return sorted(
        json.loads(
            ctx.eval(f"JSON.stringify(Object.keys(r.packages[{json.dumps(package)}].files))")
        )
    )


def test_only_the_files_reachable_from_main_or_a_required_subpath_are_shipped() -> None:
    folder = installed_modules_dir("lodash")
    assert _shipped(build_registry_js(["require('lodash')"], None, folder), "lodash") == [
        "lodash.js",
        "package.json",
    ]
    deep = _shipped(build_registry_js(["require('lodash/fp/get')"], None, folder), "lodash")
    assert "fp/get.js" in deep
    assert "lodash.min.js" not in deep


def test_dependencies_and_dynamically_required_folders_are_shipped() -> None:
    folder = installed_modules_dir("moment-timezone", "moment")
    js = build_registry_js(["require('moment-timezone')"], None, folder)
    assert "data/packed/latest.json" in _shipped(js, "moment-timezone")
    # moment comes as a dependency, with the locales it loads by `require('./locale/' + name)`.
    moment_files = _shipped(js, "moment")
    assert "moment.js" in moment_files
    assert "locale/fr.js" in moment_files
