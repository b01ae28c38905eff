"""Chunks of a population, and how a worker renders a chunk's logins itself.

The caller never renders a login: it splits the population into chunk bounds
(:meth:`~rulesim.Population.chunk_bounds`, cheap even for a generated population that was never
drawn) and sends each worker a :class:`PopulationRef` once and then bounds only. The worker
rebuilds the population from its spec (:meth:`~rulesim.Population.from_spec`), keeps it for
the next chunks, and renders each chunk's payloads. A generated population is rebuilt as its
spec and layout only, so a chunk generates just the blocks of users covering its range; a
derived one (``where``) is drawn once per worker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Chunk", "PopulationRef", "RenderedChunk"]


@dataclasses.dataclass(frozen=True)
class Chunk:
    """A contiguous range ``[start, stop)`` of the population's logins.

    Attributes
    ----------
    index
        Chunk number (results are reassembled in this order).
    start, stop
        Population indexes of the first login and one past the last. ``start`` also seeds
        the logins and decides where ``global`` resets.
    """

    index: int
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


@dataclasses.dataclass(frozen=True)
class RenderedChunk:
    """A chunk's logins as a worker runs them.

    Attributes
    ----------
    payloads
        Login JSON payloads.
    login_ids, user_ids
        The logins' ids, from the population's frame.
    attributes
        The population's rows for these logins (joined onto the ``logins`` records).
    """

    payloads: list[str]
    login_ids: list[str]
    user_ids: list[str | None]
    attributes: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class PopulationRef:
    """How a worker obtains the population: its spec, or (rarely) the population itself.

    Attributes
    ----------
    key
        Identity: a worker keeps the population it built under this key.
    spec
        :attr:`~rulesim.Population.spec`, when :meth:`~rulesim.Population.from_spec` rebuilds
        the population exactly.
    inline
        The population object, for one whose spec is not the truth (read from a parquet file,
        or built from a users export that is no longer at its path).
    """

    key: str
    spec: dict[str, Any] | None = None
    inline: Any = None

    @classmethod
    def of(cls, population: Any) -> PopulationRef:
        """The reference to send for ``population``."""
        if getattr(population, "_exact_spec", False):
            spec = population.spec
            if spec.get("kind") in ("generated", "logins") or _files_present(spec):
                text = json.dumps(spec, sort_keys=True)
                return cls(key=hashlib.sha256(text.encode()).hexdigest(), spec=spec)
        return cls(key=f"inline-{uuid.uuid4().hex}", inline=population)

    def population(self) -> Any:
        """The population (in a worker: built once per key, then reused)."""
        pop = _BUILT.get(self.key)
        if pop is None:
            from rulesim.population import Population

            pop = Population.from_spec(self.spec) if self.spec is not None else self.inline
            _BUILT.clear()
            _BUILT[self.key] = pop
        return pop

    def render(self, start: int, stop: int) -> RenderedChunk:
        """Payloads, ids and population rows of logins ``[start, stop)``."""
        part = self.population().slice(start, stop)
        frame = part.logins
        login_ids = frame["login_id"].astype(str).tolist()
        user_ids: list[str | None] = (frame["user_id"].astype(str).tolist()
                                      if "user_id" in frame else [None] * len(frame))
        return RenderedChunk(part.payloads(), login_ids, user_ids, frame)


_BUILT: dict[str, Any] = {}


def _files_present(spec: dict[str, Any]) -> bool:
    """Whether the files a spec reads (a users export, log exports) are where it says."""
    import os

    paths = [spec.get("path"), spec.get("users")]
    flat = [q for p in paths for q in (p if isinstance(p, list) else [p]) if q is not None]
    return bool(flat) and all(isinstance(q, str) and os.path.exists(q) for q in flat)
