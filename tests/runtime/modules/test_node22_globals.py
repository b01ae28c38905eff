"""Node 22's newer built-ins for Actions on the node22 runtime (modules/node_globals.js,
``installNode22``), checked against what Node 22 answers (``node22_builtins.json``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rulesim.sources import Action
from tests.runtime.pipeline_helpers import Harness

CASES = json.loads(Path(__file__).with_name("node22_builtins.json").read_text())["cases"]


def _action(expr: str, runtime: str = "node22") -> Action:
    code = ("exports.onExecutePostLogin = async (event, api) => {\n"
            f"  let v;\n  try {{ v = await ({expr}); }}\n"
            "  catch (e) { v = 'threw ' + e.name + ': ' + e.message; }\n"
            "  api.idToken.setCustomClaim('https://t/v', v);\n};\n")
    return Action(name="action1", code=code, order=1, runtime=runtime)


def _value(expr: str, runtime: str = "node22") -> Any:
    r = Harness([], actions=[_action(expr, runtime)]).login()
    assert r.outcome == "allowed", r.login["error_message"]
    return r.id_token["https://t/v"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_an_action_on_node22_gets_the_built_ins_node_22_has(case: dict[str, Any]) -> None:
    assert _value(case["expr"]) == case["node22"]


def test_an_action_on_node18_does_not_get_them() -> None:
    assert _value("[typeof [].toSorted, typeof Object.groupBy, typeof new Set().union, "
                  "typeof Promise.withResolvers, typeof [].at]", runtime="node18") == [
        "undefined", "undefined", "undefined", "undefined", "function"]


def test_the_new_methods_are_not_enumerable_and_are_named_as_in_node() -> None:
    assert _value("[Object.keys(Array.prototype).length, [].toSorted.name, [].with.name, "
                  "Object.groupBy.name, new Set().isDisjointFrom.name, "
                  "Object.getOwnPropertyDescriptor(Array.prototype, 'toSorted').writable]") == [
        0, "toSorted", "with", "groupBy", "isDisjointFrom", True]


def _node22() -> str | None:
    """A node binary of v22 or later: $RULESIM_NODE22, else `node` on the PATH if it is one."""
    for candidate in (os.environ.get("RULESIM_NODE22"), shutil.which("node")):
        if not candidate:
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        m = re.match(r"v(\d+)", version)
        if m and int(m.group(1)) >= 22:
            return candidate
    return None


@pytest.mark.skipif(_node22() is None, reason="needs node v22+ (set RULESIM_NODE22)")
def test_the_expected_values_are_what_node_22_answers() -> None:
    script = ("const cases = JSON.parse(process.argv[1]); (async () => { const out = {};"
              " for (const c of cases) { try { out[c.name] = await eval(c.expr); }"
              " catch (e) { out[c.name] = 'threw ' + e.name + ': ' + e.message; } }"
              " console.log(JSON.stringify(out)); })();")
    node = _node22()
    assert node is not None
    done = subprocess.run([node, "-e", script, json.dumps(CASES)], capture_output=True,
                          text=True, check=True)
    assert json.loads(done.stdout) == {c["name"]: c["node22"] for c in CASES}
