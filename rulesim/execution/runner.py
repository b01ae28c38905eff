"""Run a job over a whole population: chunk bounds, a backend, progress, and the result store.

This is what :func:`rulesim.simulate` and :func:`rulesim.impact.compare` call. The caller's
work per chunk is to file the worker's encoded result (:mod:`rulesim.execution.results`) and
update progress: nothing is rendered, unpickled into frames or concatenated during the run.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from rulesim._validation import check_int
from rulesim.errors import UsageError
from rulesim.execution.checkpoint import Checkpoint
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import Job
from rulesim.execution.results import EncodedChunk, ResultStore
from rulesim.options import RunOptions

__all__ = ["RunOutput", "run_job"]


@dataclasses.dataclass
class RunOutput:
    """What a run produced.

    Attributes
    ----------
    store
        The finished chunks.
    complete
        False when the run was interrupted (Ctrl-C, ``cancel``) before every chunk finished.
    """

    store: ResultStore
    complete: bool


def _progress(progress: bool | None, total: int) -> Any:
    if progress is None:
        progress = (total > 10_000 and sys.stderr.isatty()) or (_in_notebook() and total > 10_000)
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="login", desc="simulate", smoothing=0.1)


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def run_job(job: Job, population: Any, options: RunOptions | None = None, *,
            crash_at: int | None = None, checkpoint: Checkpoint | None = None,
            **keywords: Any) -> RunOutput:
    """Run ``job`` over every chunk of ``population`` not already in the ``checkpoint``.

    Parameters
    ----------
    job, population
        What to run, and over which logins.
    options
        The run's :class:`~rulesim.options.RunOptions`; of them the executor reads
        ``chunk_size``, ``workers``, ``executor``, ``progress``, ``cancel``, ``on_progress``
        and ``spill`` (passed to the :class:`~rulesim.execution.results.ResultStore` when there
        is no checkpoint). ``keywords`` are laid over them (``run_job(job, pop, workers=2)``).
    crash_at, checkpoint
        A test hook (the login at which a worker dies) and the checkpoint to resume.
    """
    opts = RunOptions.from_kwargs(options, **keywords)
    chunk_size, workers, executor = opts.chunk_size, opts.workers, opts.executor
    progress, cancel, on_progress, spill = opts.progress, opts.cancel, opts.on_progress, opts.spill
    if not (executor in (None, "local", "dask")
            or (hasattr(executor, "submit") and hasattr(executor, "scatter"))):
        raise UsageError(f"expected executor to be None, 'local', 'dask' or a dask Client, "
                         f"got {executor!r}")
    total = len(population)
    bounds = population.chunk_bounds(chunk_size) if total else []
    store = checkpoint.store if checkpoint is not None else ResultStore(spill=spill)
    bar = _progress(progress, total)
    done = store.logins
    if bar is not None and done:
        bar.update(done)

    partial: dict[int, int] = {}   # logins done in chunks still running

    def on_chunk(chunk: EncodedChunk) -> None:
        nonlocal done
        store.add(chunk)
        before = partial.pop(chunk.index, 0)
        done += chunk.logins
        if bar is not None:
            bar.update(chunk.logins - before)
        if on_progress is not None:
            on_progress(done + sum(partial.values()), total)

    def on_partial(index: int, logins: int) -> None:
        step = logins - partial.get(index, 0)
        if step <= 0:
            return
        partial[index] = logins
        if bar is not None:
            bar.update(step)
        if on_progress is not None:
            on_progress(done + sum(partial.values()), total)

    todo = [Chunk(i, a, b) for i, (a, b) in enumerate(bounds) if i not in store]
    try:
        complete = _execute(job, PopulationRef.of(population), todo, workers, executor,
                            on_chunk, crash_at, cancel, on_partial) if todo else True
    finally:
        if bar is not None:
            bar.close()
    return RunOutput(store, complete and len(store) == len(bounds))


def _execute(job: Job, population: PopulationRef, todo: list[Chunk], workers: int | None,
             executor: Any, on_chunk: Callable[[EncodedChunk], None], crash_at: int | None,
             cancel: threading.Event | None,
             on_partial: Callable[[int, int], None] | None = None) -> bool:
    if executor in (None, "local"):
        from rulesim.execution.local import LocalExecutor

        n = workers if workers is not None else (os.cpu_count() or 1)
        check_int("workers", n, minimum=1)
        n = min(n, max(1, len(todo)))
        return LocalExecutor(n, crash_at=crash_at, cancel=cancel).run(
            job, population, iter(todo), len(todo), on_chunk, on_partial)
    if executor == "dask":
        from rulesim.execution.dask import run_local_cluster

        return run_local_cluster(job, population, todo, workers, on_chunk)
    from rulesim.execution.dask import run_dask

    return run_dask(job, population, todo, executor, on_chunk)
