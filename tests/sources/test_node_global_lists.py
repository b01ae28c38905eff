"""Globals of Node that rule or Action code reads and the sandbox lacks: found before a run,
named when a login reaches them, and listed to match the sandbox itself."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.sources.node_globals import NODE_GLOBALS, SANDBOX_LACKS, unsupported_globals
from tests.sources.test_action_sources import _deploy_dir


def _reads(source: str, **kwargs: object) -> list[tuple[str, int]]:
    return [(g.name, g.line) for g in unsupported_globals(source, **kwargs)]  # type: ignore[arg-type]


def test_a_global_the_sandbox_lacks_is_found_with_the_line_of_its_first_use() -> None:
    src = ("function (user, context, callback) {\n"
           "  if (typeof WebAssembly === 'object') {}\n"
           "  var n = new Intl.NumberFormat('en').format(1);\n"
           "  var again = Intl.DateTimeFormat;\n"
           "  callback(null, user, context);\n}")
    assert _reads(src) == [("WebAssembly", 2), ("Intl", 3)]


@pytest.mark.parametrize("src", [
    # the code's own bindings, anywhere in it
    "function (u, c, cb) { const fetch = require('node-fetch'); fetch('https://a'); cb(); }",
    "function (u, c, cb) { function helper(Blob) { return Blob; } cb(); }",
    "function (u, c, cb) { const { ReadableStream } = require('stream/web'); cb(); }",
    "function (u, c, cb) { try { x(); } catch (Event) { cb(Event); } }",
    "function (u, c, cb) { Intl = {}; Intl.x = 1; cb(); }",
    # names that are not variables: properties, keys, labels
    "function (u, c, cb) { var o = { Intl: 1, Event: 2 }; o.Blob = o.Intl; cb(); }",
    # globals the sandbox provides
    "function (u, c, cb) { new URL('https://a'); performance.now(); new WeakRef(u); cb(); }",
])
def test_declared_names_properties_and_provided_globals_are_not_reported(src: str) -> None:
    assert _reads(src) == []


def test_what_counts_depends_on_the_kind_of_code_and_its_node_version() -> None:
    src = ("exports.onExecutePostLogin = async () => {\n  await fetch(crypto.randomUUID());\n"
           "  await crypto.subtle.digest('SHA-256', new Uint8Array(1));\n"
           "  await crypto.subtle.sign('HMAC', null, new Uint8Array(1));\n};")
    assert _reads(src, kind="rule") == [("fetch", 2)]              # Rules have no fetch
    assert _reads(src, kind="action", major=18) == []              # Node 18 has no crypto global
    # Node 22's crypto is there, and of its `subtle` the sandbox has digest
    assert _reads(src, kind="action", major=22) == [("crypto.subtle.sign", 4)]
    with pytest.raises(ValueError, match="kind must be"):
        unsupported_globals(src, kind="hook")


def test_loading_rules_that_read_one_warns_with_the_rule_and_line(tmp_path: Path) -> None:
    (tmp_path / "fmt.js").write_text("function (user, context, callback) {\n"
                                     "  context.idToken.n = new Intl.NumberFormat('en').format(1);"
                                     "\n  callback(null, user, context);\n}")
    with pytest.warns(rs.RuleSourceWarning, match=r"rule `fmt` reads Intl \(line 2\), a global of "
                                                  r"Node 18 .* unsupported_global"):
        rs.load_rules(tmp_path)


def test_loading_actions_warns_by_the_node_version_of_each(tmp_path: Path) -> None:
    code = ("exports.onExecutePostLogin = async (event, api) => {\n"
            "  crypto.subtle.sign('HMAC', null, new Uint8Array(1));\n};\n")
    folder = _deploy_dir(tmp_path / "a", {"mint": code}, ["mint"])
    with pytest.warns(rs.ActionSourceWarning, match=r"action `mint` reads crypto.subtle.sign "
                                                    r"\(line 2\), a global of Node 22"):
        rs.load_actions(folder)
    folder = _deploy_dir(tmp_path / "b", {"mint": code}, ["mint"],
                         meta={"mint": {"runtime": "node18"}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rs.load_actions(folder)


def test_the_bundled_tenants_read_no_global_the_sandbox_lacks() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", rs.RuleSourceWarning)
        warnings.simplefilter("error", rs.ActionSourceWarning)
        tenants = Path(__file__).resolve().parents[2] / "datasets" / "tenants"
        for folder in sorted(p for p in tenants.iterdir() if (p / "rules").is_dir()):
            rs.load_rules(folder)


PROBE_NAMES = json.dumps(sorted(NODE_GLOBALS[22] - {"undefined"}))


def _defined(runtime: str | None) -> set[str]:
    """The names of NODE_GLOBALS[22] that are defined in a sandbox, as its code sees them."""
    loop = (f"var out = []; {PROBE_NAMES}.forEach(function (n) "
            "{ if (eval('typeof ' + n) !== 'undefined') out.push(n); });")
    if runtime is None:
        rule = rs.Rule.from_source("probe", "function (user, context, callback) {" + loop +
                                   " context.idToken['https://t/g'] = out;"
                                   " callback(null, user, context); }", order=1)
        trace = rs.run_login(rs.RuleSet([rule]))
    else:
        code = ("exports.onExecutePostLogin = async (event, api) => {" + loop +
                " api.idToken.setCustomClaim('https://t/g', out); };")
        trace = rs.run_login([rs.Action(name="probe", code=code, runtime=runtime)])
    assert trace.outcome == "allowed", trace.error_message
    return set(trace.id_token["https://t/g"])


@pytest.mark.parametrize(("kind", "major", "runtime"), [
    ("rule", 18, None), ("action", 18, "node18"), ("action", 22, "node22")])
def test_the_list_of_what_the_sandbox_lacks_is_what_it_lacks(kind: str, major: int,
                                                             runtime: str | None) -> None:
    node = NODE_GLOBALS[major] - {"undefined"}
    defined = _defined(runtime) & node
    assert defined == node - SANDBOX_LACKS[(kind, major)]
