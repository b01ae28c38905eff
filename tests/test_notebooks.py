"""The committed notebooks are not stale: re-executing them gives the same checked outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("name", ["01-quickstart.ipynb", "05-actions.ipynb",
                                  "06-migrate-to-actions.ipynb"])
def test_re_executing_a_committed_notebook_reproduces_its_checked_outputs(name: str) -> None:
    """Run nbval on the notebook in a subprocess (its own kernel, its own warnings policy)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(NOTEBOOKS / "nbval-sanitize.cfg"),
         "-p", "no:cacheprovider", "-q", str(NOTEBOOKS / name)],
        capture_output=True, text=True, cwd=NOTEBOOKS.parent, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_every_notebook_is_committed_with_outputs_and_under_400_kb() -> None:
    import json

    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert [p.name for p in notebooks] == [
        "01-quickstart.ipynb", "02-audit-a-tenant.ipynb", "03-impact-of-a-rule-change.ipynb",
        "04-testing-rules.ipynb", "05-actions.ipynb", "06-migrate-to-actions.ipynb",
        "07-your-own-traffic.ipynb"]
    for path in notebooks:
        assert path.stat().st_size < 400_000, path.name
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] for c in cells), f"{path.name} has unexecuted cells"
        assert "assert" in "".join(cells[-1]["source"]), f"{path.name} does not end with checks"
