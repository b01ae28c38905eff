"""rulesim's list of Node's globals is Node's own: what a script sees in the pinned Node 18."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

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
