"""The finished chunks of a run: compressed tables, kept in memory or in a folder.

A worker turns each finished chunk into an :class:`EncodedChunk`: one compressed pickle per
table (zstd; a 2,000-login chunk of the acme tenant is ~0.6 MB instead of ~5 MB of frames)
plus what the caller needs without opening them (row and outcome counts, coverage counters,
category lists). The caller only files the chunk in a :class:`ResultStore`: no frame is built
or concatenated while the run goes on, so the caller's serial work per chunk is a few hundred
microseconds and its memory does not grow with the number of logins once chunks are on disk.

A :class:`StoredTables` view hands one side's tables to a :class:`~rulesim.Simulation`, which
decompresses and concatenates a table the first time it is read.

The files are pickles of rulesim's own frames: only read folders you wrote.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rulesim.tables import concat_table, join_attributes, shared_categories

if TYPE_CHECKING:
    import pandas as pd

    from rulesim.execution.jobs import Job

__all__ = ["SPILL_BYTES", "EncodedChunk", "ResultStore", "SideRecord", "StoredTables",
           "encode_chunk"]

SPILL_BYTES = 32 * 2**20
"""Compressed result bytes a run keeps in memory before it moves its chunks to a temporary
folder (``simulate(spill=None)``): about 100,000 logins of a ten-rule tenant."""

_TEMP_PREFIX = "rulesim-results-"


def _codec() -> str | None:
    import pyarrow as pa

    return "zstd" if pa.Codec.is_available("zstd") else None


def _compress(frame: pd.DataFrame, codec: str | None) -> tuple[int, bytes]:
    raw = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    if codec is None:
        return len(raw), raw
    import pyarrow as pa

    return len(raw), pa.compress(raw, codec=codec, asbytes=True)


def _decompress(item: tuple[int, bytes], codec: str | None) -> pd.DataFrame:
    size, data = item
    if codec is not None:
        import pyarrow as pa

        data = pa.decompress(data, size, codec=codec, asbytes=True)
    frame: pd.DataFrame = pickle.loads(data)
    return frame


@dataclasses.dataclass
class SideRecord:
    """One side's records of one chunk.

    Attributes
    ----------
    tables
        ``table -> (pickled size, compressed pickle of the DataFrame)``; empty once the chunk
        is on disk (the file holds them).
    rows
        Rows per table.
    outcomes
        Login count per ``outcome``.
    coverage
        Hit counters of instrumented rules.
    categories
        ``table -> column -> categories`` of every categorical column.
    """

    tables: dict[str, tuple[int, bytes]]
    rows: dict[str, int]
    outcomes: dict[str, int]
    coverage: dict[str, list[int]]
    categories: dict[str, dict[str, list[Any]]]


@dataclasses.dataclass
class EncodedChunk:
    """A finished chunk as it travels from a worker and waits in a :class:`ResultStore`.

    Attributes
    ----------
    index
        Chunk number.
    logins
        Logins in the chunk.
    shared
        Logins that continued from a shared prefix (paired runs).
    sides
        Records per side name (``""``, or ``"a"`` and ``"b"``).
    codec
        Compression of the tables (``None``: none).
    """

    index: int
    logins: int
    shared: int
    sides: dict[str, SideRecord]
    codec: str | None

    def __len__(self) -> int:
        return self.logins

    @property
    def nbytes(self) -> int:
        """Bytes of compressed tables held."""
        return sum(len(t[1]) for s in self.sides.values() for t in s.tables.values())

    def table(self, side: str, table: str) -> pd.DataFrame:
        """One of the chunk's tables (``side``: ``""``, or ``"a"``/``"b"`` for a pair)."""
        return _decompress(self.sides[side].tables[table], self.codec)

    def without_tables(self) -> EncodedChunk:
        """The same chunk's counts, categories and coverage, without its tables."""
        sides = {k: dataclasses.replace(v, tables={}) for k, v in self.sides.items()}
        return dataclasses.replace(self, sides=sides)


def _categories(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Each categorical column's categories (read from the dtypes: no column is built)."""
    import pandas as pd

    return {str(name): dtype.categories.tolist() for name, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.CategoricalDtype)}


def encode_chunk(job: Job, index: int, sink: Any, attributes: pd.DataFrame | None) -> EncodedChunk:
    """Encode a finished chunk's records (``sink``), adding the population's rows to ``logins``.

    ``attributes`` are the chunk's population rows in order (``None``: add nothing).
    """
    codec = _codec()
    names = job.side_rule_names()
    sides: dict[str, SideRecord] = {}
    logins = 0
    for side, cols in job.columns(sink).items():
        frames = cols.frames(names[side])
        if attributes is not None and len(frames["logins"]):
            frames["logins"] = join_attributes(frames["logins"], attributes)
        logins = len(frames["logins"])
        outcomes = frames["logins"]["outcome"].value_counts()
        sides[side] = SideRecord(
            tables={t: _compress(f, codec) for t, f in frames.items()},
            rows={t: len(f) for t, f in frames.items()},
            outcomes={str(k): int(v) for k, v in outcomes.items() if v},
            coverage=dict(cols.coverage),
            categories={t: _categories(f) for t, f in frames.items()})
    return EncodedChunk(index, logins, job.shared(sink), sides, codec)


def _sweep_stale(root: Path) -> None:
    """Remove result folders left by rulesim processes that no longer exist (a killed kernel)."""
    for folder in root.glob(f"{_TEMP_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(_TEMP_PREFIX):].split("-", 1)[0])
            if folder.stat().st_uid != os.getuid() or pid == os.getpid():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):
            continue


class ResultStore:
    """The finished chunks of one run, by chunk index.

    Parameters
    ----------
    folder
        Keep the chunks in this folder (a checkpoint: chunks already there are reused, and
        nothing is deleted). ``None``: see ``spill``.
    spill
        Without a folder: ``None`` keeps chunks in memory until they pass ``budget`` bytes,
        then moves them to a temporary folder; ``True`` uses a temporary folder from the
        start; ``False`` always keeps them in memory. A temporary folder is removed when the
        store (and every Simulation reading it) is garbage collected, or at exit.
    budget
        Bytes of compressed tables kept in memory with ``spill=None``.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None, *, spill: bool | None = None,
                 budget: int = SPILL_BYTES) -> None:
        self._chunks: dict[int, EncodedChunk] = {}
        # Category lists equal across chunks (nearly all), held once: the caller's memory per
        # chunk stays a few hundred bytes of counts.
        self._shared: dict[Any, dict[str, list[Any]]] = {}
        self._spill = spill
        self._budget = budget
        self._held = 0
        self.folder: Path | None = None
        self.temporary = False
        if folder is not None:
            self.folder = Path(folder)
            self.folder.mkdir(parents=True, exist_ok=True)
            for f in sorted(self.folder.glob("*.pkl")):
                with f.open("rb") as fh:
                    chunk: EncodedChunk = pickle.load(fh)
                self._chunks[chunk.index] = self._compact(chunk.without_tables())
        elif spill:
            self._to_folder()

    # -- filing ------------------------------------------------------------------------------

    def add(self, chunk: EncodedChunk) -> None:
        """File a finished chunk (replacing one with the same index)."""
        if self.folder is not None:
            self._write(chunk)
            chunk = chunk.without_tables()
        chunk = self._compact(chunk)
        if self.folder is None:
            old = self._chunks.get(chunk.index)
            self._held += chunk.nbytes - (old.nbytes if old is not None else 0)
        self._chunks[chunk.index] = chunk
        if self.folder is None and self._spill is None and self._held > self._budget:
            self._to_folder()

    def _compact(self, chunk: EncodedChunk) -> EncodedChunk:
        """``chunk`` with its category lists replaced by equal ones already held."""
        for side in chunk.sides.values():
            for table, mapping in side.categories.items():
                key = tuple((c, tuple(v)) for c, v in mapping.items())
                side.categories[table] = self._shared.setdefault(key, mapping)
        return chunk

    def _path(self, index: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{index:06d}.pkl"

    def _write(self, chunk: EncodedChunk) -> None:
        path = self._path(chunk.index)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    def _to_folder(self) -> None:
        root = Path(tempfile.gettempdir())
        _sweep_stale(root)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{os.getpid()}-", dir=root))
        self.temporary = True
        weakref.finalize(self, shutil.rmtree, str(self.folder), ignore_errors=True)
        for index, chunk in list(self._chunks.items()):
            self._write(chunk)
            self._chunks[index] = chunk.without_tables()
        self._held = 0

    # -- reading -----------------------------------------------------------------------------

    def __contains__(self, index: object) -> bool:
        return index in self._chunks

    def __len__(self) -> int:
        return len(self._chunks)

    @property
    def logins(self) -> int:
        """Logins in the chunks filed so far."""
        return sum(c.logins for c in self._chunks.values())

    @property
    def shared(self) -> int:
        """Logins that continued from a shared prefix (paired runs)."""
        return sum(c.shared for c in self._chunks.values())

    @property
    def held_bytes(self) -> int:
        """Compressed bytes held in memory."""
        return self._held

    def chunks(self) -> Iterator[EncodedChunk]:
        """The chunks in index order, with their tables (read from the folder if there)."""
        for index in sorted(self._chunks):
            chunk = self._chunks[index]
            if self.folder is not None:
                with self._path(index).open("rb") as fh:
                    chunk = pickle.load(fh)
            yield chunk

    def side(self, side: str, rule_names: list[str]) -> StoredTables:
        """A view of one side's tables for a :class:`~rulesim.Simulation`."""
        return StoredTables(self, side, rule_names)


class StoredTables:
    """One side's tables in a :class:`ResultStore`, read on demand.

    Attributes
    ----------
    logins
        Logins stored.
    outcomes
        Login count per outcome.
    coverage
        Hit counters of instrumented rules, summed over chunks.
    rows
        Rows per table.
    """

    def __init__(self, store: ResultStore, side: str, rule_names: list[str]) -> None:
        self.store = store
        self.side = side
        self.rule_names = rule_names
        metas = [store._chunks[i].sides[side] for i in sorted(store._chunks)]
        self.rows = {t: sum(m.rows[t] for m in metas) for t in (metas[0].rows if metas else {})}
        self.logins = sum(m.rows["logins"] for m in metas)
        self.outcomes: dict[str, int] = {}
        self.coverage: dict[str, list[int]] = {}
        for m in metas:
            for k, v in m.outcomes.items():
                self.outcomes[k] = self.outcomes.get(k, 0) + v
            for rule, hits in m.coverage.items():
                mine = self.coverage.get(rule)
                self.coverage[rule] = list(hits) if mine is None else [
                    a + b for a, b in zip(mine, hits, strict=True)]

    def _pieces(self, table: str) -> Iterator[pd.DataFrame]:
        for chunk in self.store.chunks():
            yield chunk.table(self.side, table)

    def table(self, table: str) -> pd.DataFrame:
        """One whole table, its chunks concatenated in order."""
        return concat_table(table, list(self._pieces(table)), self.rule_names)

    def write_parquet(self, table: str, path: str | os.PathLike[str]) -> None:
        """Write one table to a parquet file chunk by chunk (memory: one chunk at a time).

        The file reads back equal to :meth:`table`: categorical columns get the category
        list the whole table has.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        metas = [self.store._chunks[i].sides[self.side] for i in sorted(self.store._chunks)]
        names = {c for m in metas for c in m.categories[table]}
        known = {c: shared_categories(table, c, [m.categories[table].get(c, []) for m in metas],
                                      self.rule_names) for c in names}
        writer: Any = None
        try:
            for piece in self._pieces(table):
                piece = piece.assign(**{c: piece[c].cat.set_categories(k) for c, k in known.items()})
                arrow = pa.Table.from_pandas(piece, preserve_index=False,
                                             schema=writer.schema if writer else None)
                if writer is None:
                    writer = pq.ParquetWriter(str(path), arrow.schema)
                writer.write_table(arrow)
            if writer is None:
                concat_table(table, [], self.rule_names).to_parquet(path, index=False)
        finally:
            if writer is not None:
                writer.close()

