"""Re-execute the notebooks in place and strip widget state, so committed outputs stay current.

    .venv/bin/python notebooks/refresh.py            # all notebooks
    .venv/bin/python notebooks/refresh.py 01-quickstart.ipynb

Needs nbclient (``pip install nbclient``). CI fails when a committed notebook's checked
outputs are stale (``tests/test_notebooks.py`` and nbval); run this after changing what a
notebook shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent


def refresh(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}},
                   record_timing=False).execute()
    nb.metadata.pop("widgets", None)  # widget state is large and changes on every run
    # nbformat's own layout (sorted keys, sources split into lines), as the committed
    # notebooks have it, so a refresh only shows what changed.
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    for d in HERE.glob(".hypothesis"):
        import shutil

        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.name for p in HERE.glob("0*.ipynb"))
    for name in names:
        print(f"executing {name}")  # noqa: T201
        refresh(HERE / name)
