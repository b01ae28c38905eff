"""require(): resolution order, version pins, errors, and the CommonJS loader for packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from module_harness import ModuleHarness

from rulesim.runtime.modules import (
    LEGACY_GLOBALS,
    REAL_PACKAGES,
    parse_module_spec,
    require_js,
)


def _error_of(h: ModuleHarness, spec: str) -> dict[str, str]:
    return h.eval(
        f"(function () {{ try {{ require({json.dumps(spec)}); return null; }}"
        " catch (e) { return {message: e.message, code: e.code}; } })()"
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("lodash", ("lodash", None)),
        ("lodash@4.17.21", ("lodash", "4.17.21")),
        ("@auth0/rule-utilities", ("@auth0/rule-utilities", None)),
        ("@auth0/rule-utilities@0.2.0", ("@auth0/rule-utilities", "0.2.0")),
        ("uuid/v4", ("uuid", None)),
        ("node:crypto", ("crypto", None)),
        ("ipaddr.js@2.1.0", ("ipaddr.js", "2.1.0")),
    ],
)
def test_python_and_js_parse_module_specs_the_same_way(
    harness: ModuleHarness, spec: str, expected: tuple[str, str | None]
) -> None:
    assert parse_module_spec(spec) == expected
    js = harness.eval(f"require.parseSpec({json.dumps(spec)})")
    assert (js["name"], js["version"]) == expected


def test_real_package_defaults_are_the_same_in_python_and_js(harness: ModuleHarness) -> None:
    js = harness.eval("require.realPackages")
    assert js == dict(REAL_PACKAGES)


def test_require_js_keeps_no_copy_of_the_tables_python_hands_it() -> None:
    source = require_js()
    for table in ("lodash: '", "jwt: 'jsonwebtoken'", "/^((?:@"):
        assert table not in source


def test_the_legacy_globals_js_defines_are_the_python_table(harness: ModuleHarness) -> None:
    assert harness.eval("require.legacyGlobals") == dict(LEGACY_GLOBALS)


def test_an_unknown_module_fails_with_module_not_allowed_and_says_how_to_fake_it(
    harness: ModuleHarness,
) -> None:
    err = _error_of(harness, "mongodb@3.1.4")
    assert err["code"] == "module_not_allowed"
    assert err["message"] == (
        "module `mongodb@3.1.4` is not available in the rulesim sandbox (Auth0 allowed it, but "
        "rulesim has no implementation). Supply a fake: "
        'simulate(..., modules={"mongodb@3.1.4": "<JS source or path>"})'
    )


def test_a_missing_real_package_error_shows_the_install_command(tmp_path: Path) -> None:
    h = ModuleHarness(rule_sources=["require('lodash')"], modules_dir=tmp_path)
    err = _error_of(h, "lodash")
    assert err["code"] == "module_not_allowed"
    assert "rulesim modules install lodash@4.17.21" in err["message"]
    pinned = _error_of(h, "moment-timezone@0.5.40")
    assert "rulesim modules install moment-timezone@0.5.40" in pinned["message"]


def test_an_unknown_module_makes_the_rule_fail_with_that_error(harness: ModuleHarness) -> None:
    run = harness.run_rule(
        """function (user, context, callback) {
             const sql = require('tedious');
             callback(null, user, context);
           }"""
    )
    assert run.error is not None
    assert run.error["code"] == "module_not_allowed"
    assert "tedious" in run.error["message"]


def test_version_pinned_specs_resolve_to_the_builtin(harness: ModuleHarness) -> None:
    assert harness.eval("typeof require('request@2.88.0')") == "function"
    assert harness.eval(
        "typeof require('@auth0/rule-utilities@0.2.0').Auth0RedirectRuleUtilities"
    ) == ("function")
    assert harness.eval("require('node:crypto') === require('crypto')") is True


def test_modules_are_cached_for_the_life_of_the_context(harness: ModuleHarness) -> None:
    harness.exec("require('uuid').marker = 42;")
    assert harness.eval("require('uuid').marker") == 42


def test_a_supplied_fake_beats_a_builtin_and_exact_version_keys_win() -> None:
    h = ModuleHarness(
        supplied={
            "request": "(function (module) {"
            " module.exports = function fake() { return 'any'; }; })",
            "request@2.88.0": "module.exports = function fake() { return 'pinned'; };",
        }
    )
    assert h.eval("require('request')()") == "any"
    assert h.eval("require('request@2.88.0')()") == "pinned"
    # Built-ins keep using their own sibling, not the fake.
    assert h.eval("typeof require('request-promise').get") == "function"


def test_a_fake_can_be_supplied_as_a_file_with_a_commonjs_body(tmp_path: Path) -> None:
    fake = tmp_path / "mongodb.js"
    fake.write_text(
        "module.exports = { MongoClient: { connect: function (url, cb) {"
        " host.http({method: 'POST', url: 'https://mongo.fake/connect', headers: {}}, cb); } } };"
    )
    h = ModuleHarness(supplied={"mongodb@3.1.4": str(fake)})
    run = h.run_rule(
        """function (user, context, callback) {
             const { MongoClient } = require('mongodb@3.1.4');
             MongoClient.connect('mongodb://db', function (err) {
               if (err) return callback(err);
               callback(null, user, context);
             });
           }""",
        responder=lambda call: {"status": 200, "headers": {}, "body": "{}"},
    )
    assert run.error is None
    assert [c["url"] for c in run.calls] == ["https://mongo.fake/connect"]
    # A fake supplied for a pinned version also answers the bare name.
    assert h.eval("typeof require('mongodb').MongoClient.connect") == "function"


def _write_package(
    root: Path, name: str, files: dict[str, str], main: str = "index.js", **extra: object
) -> None:
    pkg = root / "node_modules" / name
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text(
        json.dumps({"name": name, "version": "1.0.0", "main": main, **extra})
    )
    for rel, text in files.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)


def test_the_commonjs_loader_follows_relative_requires_json_index_and_dependencies(
    tmp_path: Path,
) -> None:
    _write_package(
        tmp_path,
        "greeter",
        {
            "lib/main.js": (
                "var words = require('./words');\n"
                "var fmt = require('../util/format.js');\n"
                "var data = require('./data.json');\n"
                "var shout = require('shout');\n"
                "module.exports = function (n) {"
                " return shout(fmt(words.hello, n)) + data.suffix; };\n"
                "module.exports.file = __filename; module.exports.dir = __dirname;"
            ),
            "lib/words/index.js": "exports.hello = 'hello';",
            "lib/data.json": '{"suffix": "!"}',
            "util/format.js": "module.exports = function (a, b) { return a + ' ' + b; };",
        },
        main="lib/main.js",
        dependencies={"shout": "^1.0.0"},
    )
    _write_package(
        tmp_path,
        "shout",
        {"index.js": "module.exports = function (s) { return s.toUpperCase(); };"},
    )
    h = ModuleHarness(rule_sources=["const greet = require('greeter');"], modules_dir=tmp_path)
    assert h.eval("require('greeter')('ann')") == "HELLO ANN!"
    assert h.eval("require('greeter').file") == "/node_modules/greeter/lib/main.js"
    assert h.eval("require('greeter').dir") == "/node_modules/greeter/lib"
    # A dependency is shipped too, and is the same instance the package saw.
    assert h.eval("require('shout')('x')") == "X"


def test_circular_requires_see_partial_exports_like_node(tmp_path: Path) -> None:
    _write_package(
        tmp_path,
        "cyc",
        {
            "index.js": "exports.loaded = false; var b = require('./b');"
            " exports.fromB = b.sawA; exports.loaded = true;",
            "b.js": "var a = require('./index'); exports.sawA = a.loaded;",
        },
    )
    h = ModuleHarness(rule_sources=["require('cyc')"], modules_dir=tmp_path)
    assert h.eval("require('cyc')") == {"loaded": True, "fromB": False}


def test_a_package_deep_import_loads_that_file(tmp_path: Path) -> None:
    _write_package(
        tmp_path, "kit", {"index.js": "exports.all = true;", "get.js": "module.exports = 'get';"}
    )
    h = ModuleHarness(rule_sources=["require('kit/get')"], modules_dir=tmp_path)
    assert h.eval("require('kit/get')") == "get"


def test_a_package_that_throws_while_loading_is_not_cached(tmp_path: Path) -> None:
    _write_package(
        tmp_path,
        "flaky",
        {"index.js": "if (!globalThis.__ok) throw new Error('boom'); exports.ok = 1;"},
    )
    h = ModuleHarness(rule_sources=["require('flaky')"], modules_dir=tmp_path)
    assert (
        h.eval("(function () { try { require('flaky'); } catch (e) { return e.message; } })()")
        == "boom"
    )
    h.exec("globalThis.__ok = true;")
    assert h.eval("require('flaky').ok") == 1


def test_a_pinned_version_that_differs_from_the_installed_one_loads_it_and_warns(
    tmp_path: Path,
) -> None:
    _write_package(tmp_path, "kit", {"index.js": "exports.v = 1;"})
    h = ModuleHarness(rule_sources=["require('kit@0.9.0')"], modules_dir=tmp_path)
    assert h.eval("require('kit@0.9.0').v") == 1
    assert h.eval("require.warnings") == ["require('kit@0.9.0') loaded the installed kit@1.0.0"]
    strict = ModuleHarness(
        rule_sources=["require('kit@0.9.0')"],
        modules_dir=tmp_path,
        options={"strictVersions": True},
    )
    err = _error_of(strict, "kit@0.9.0")
    assert err["code"] == "module_not_allowed"
    assert "rulesim modules install kit@0.9.0" in err["message"]


def test_legacy_globals_are_lazy_getters_for_the_modules_that_resolve() -> None:
    h = ModuleHarness(legacy_globals=True)
    assert h.eval("typeof jwt.sign") == "function"
    assert h.eval("typeof request.post") == "function"
    assert h.eval("xtend({a: 1}, {b: 2})") == {"a": 1, "b": 2}
    assert h.eval("require.legacyGlobals._") == "lodash"
    # Modules that are not available are simply not defined.
    assert h.eval("typeof xpath") in ("undefined", "object")


def test_a_fake_whose_source_begins_with_a_function_declaration_is_a_module_body() -> None:
    h = ModuleHarness(
        supplied={
            "mongodb": "function helper(name) { return 'db:' + name; }\n"
            "module.exports = { db: helper };",
            "tedious": "function Connection(cfg) { this.cfg = cfg; }\n"
            "Connection.prototype.connect = function () { return this.cfg.server; };\n"
            "module.exports = { Connection: Connection };",
        }
    )
    assert h.eval("require('mongodb').db('users')") == "db:users"
    assert h.eval("new (require('tedious').Connection)({server: 'sql'}).connect()") == "sql"


def test_a_fake_that_is_one_function_expression_is_the_factory() -> None:
    h = ModuleHarness(
        supplied={
            "a": "function (module, exports) { module.exports = 'factory a'; }",
            "b": "(function named(module) { module.exports = 'factory b'; });",
            "c": "(function () { module.exports = 'iife c'; })();",
        }
    )
    assert h.eval("[require('a'), require('b'), require('c')]") == [
        "factory a", "factory b", "iife c"]


def test_a_fake_that_does_not_compile_fails_only_the_rule_that_requires_it() -> None:
    h = ModuleHarness(supplied={"mongodb": "module.exports = {\n  connect: function ( {\n};"})
    err = _error_of(h, "mongodb")
    assert err["message"].startswith(
        "module `mongodb` (a fake supplied in modules=) does not compile: SyntaxError:")
    assert err["message"].endswith("(line 3 of the fake)")
    assert h.eval("typeof require('uuid').v4") == "function"


def test_internal_builtins_cannot_be_required_by_rules(harness: ModuleHarness) -> None:
    assert _error_of(harness, "internal/errors")["code"] == "module_not_allowed"
    assert harness.eval("typeof require('process').nextTick") == "function"
