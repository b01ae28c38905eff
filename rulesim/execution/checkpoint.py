"""Checkpoints for long simulations: finished chunks saved as they complete, reused on resume."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rulesim.errors import UsageError
from rulesim.execution.results import EncodedChunk, ResultStore

__all__ = ["CHUNK_FORMAT", "Checkpoint", "read_chunks"]

CHUNK_FORMAT = 2
"""Version of the chunk files (part of a checkpoint's identity: older folders are refused)."""


class Checkpoint:
    """A folder holding the finished chunks of one simulation run.

    ``identity`` (seed, rule-set hash, population spec, chunk size…) is written once; resuming
    with a different identity is refused rather than mixing results of two different runs.
    Chunks are written atomically (temporary file, then rename) into ``chunks/`` as they
    finish, so a run killed mid-write leaves no half chunk behind. The files are pickles of
    rulesim's own frames: only resume from folders you wrote.

    Attributes
    ----------
    folder
        The checkpoint folder.
    store
        Its chunks (:class:`~rulesim.execution.results.ResultStore` over ``folder/chunks``).
    """

    def __init__(self, folder: str | os.PathLike[str], identity: Mapping[str, Any]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        ident = json.loads(json.dumps({**identity, "chunk_format": CHUNK_FORMAT}, default=str,
                                      sort_keys=True))
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
        self.store = ResultStore(self.folder / "chunks")


def read_chunks(folder: str | os.PathLike[str]) -> dict[int, EncodedChunk]:
    """The finished chunks of a checkpoint folder by index, without checking which run wrote
    them (to read per-chunk coverage counters, say: ``chunk.sides[""].coverage``, and the
    chunk's logins with ``chunk.table("", "logins")``)."""
    return {c.index: c for c in ResultStore(Path(folder) / "chunks").chunks()}
