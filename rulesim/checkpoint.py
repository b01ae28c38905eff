"""Checkpoints for long simulations: finished chunks saved as they complete, reused on resume."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rulesim.errors import UsageError
from rulesim.records import Columns

__all__ = ["Checkpoint", "read_chunks"]


class Checkpoint:
    """A folder holding the finished chunks of one simulation run.

    ``identity`` (seed, rule-set hash, population spec, chunk size…) is written once; resuming
    with a different identity is refused rather than mixing results of two different runs.
    Chunks are written atomically (temporary file, then rename), so a run killed mid-write
    leaves no half chunk behind. The files are pickles of rulesim's own column lists: only
    resume from folders you wrote.
    """

    def __init__(self, folder: str | os.PathLike[str], identity: Mapping[str, Any]) -> None:
        self.folder = Path(folder)
        self.chunks = self.folder / "chunks"
        self.chunks.mkdir(parents=True, exist_ok=True)
        ident = json.loads(json.dumps(identity, default=str, sort_keys=True))
        marker = self.folder / "checkpoint.json"
        if marker.exists():
            saved = json.loads(marker.read_text())
            if saved != ident:
                differs = sorted(k for k in set(saved) | set(ident) if saved.get(k) != ident.get(k))
                raise UsageError(
                    f"{self.folder} holds a checkpoint of a different run (differs in: "
                    f"{', '.join(differs)}); use another folder or delete this one")
        else:
            marker.write_text(json.dumps(ident, indent=2, sort_keys=True) + "\n")

    def load(self) -> dict[int, Columns]:
        """The chunks already finished, by chunk index."""
        return read_chunks(self.folder)

    def save(self, index: int, columns: Columns) -> None:
        """Save one finished chunk."""
        tmp = self.chunks / f"{index:06d}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(columns, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.chunks / f"{index:06d}.pkl")


def read_chunks(folder: str | os.PathLike[str]) -> dict[int, Columns]:
    """The finished chunks of a checkpoint folder, by chunk index, without checking which run
    wrote them (``rulesim.testing.search`` reads each login's coverage counters this way)."""
    done: dict[int, Columns] = {}
    for f in sorted((Path(folder) / "chunks").glob("*.pkl")):
        with f.open("rb") as fh:
            done[int(f.stem)] = pickle.load(fh)
    return done
