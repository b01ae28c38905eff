"""rulesim's lists of Node's globals are Node's own: what a script sees in the pinned Node 18
(and in Node 22, given one in ``$RULESIM_NODE22``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from diff_node import install_node_packages, node_binary

from rulesim.sources.node_globals import NODE_GLOBALS

SCRIPT = """console.log(JSON.stringify({
  major: +process.versions.node.split('.')[0],
  names: Object.getOwnPropertyNames(globalThis),
}));
"""


def test_the_node_18_globals_are_the_names_a_script_sees_in_node(tmp_path: Path) -> None:
    script = tmp_path / "globals.js"
    script.write_text(SCRIPT)
    node = node_binary(install_node_packages())
    seen = json.loads(subprocess.run([node, str(script)], check=True, capture_output=True,
                                     text=True).stdout)
    names = set(seen["names"])
    if seen["major"] == 18:
        assert names == NODE_GLOBALS[18]
    else:  # no pinned Node 18 here: a later Node has every global of 18
        assert NODE_GLOBALS[18] <= names


@pytest.mark.skipif(not os.environ.get("RULESIM_NODE22"),
                    reason="needs a Node 22 binary in $RULESIM_NODE22")
def test_the_node_22_globals_are_the_names_a_script_sees_in_node_22(tmp_path: Path) -> None:
    script = tmp_path / "globals.js"
    script.write_text(SCRIPT)
    seen = json.loads(subprocess.run([os.environ["RULESIM_NODE22"], str(script)], check=True,
                                     capture_output=True, text=True).stdout)
    assert seen["major"] == 22
    assert set(seen["names"]) == NODE_GLOBALS[22]
