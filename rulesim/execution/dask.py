"""Run chunks on a Dask cluster with the same chunk function as the local pool.

The job and the population reference are scattered to every worker once; each task carries
chunk bounds only, and the Dask worker renders its chunk's logins itself (from the population
spec, like a local worker). Results come back encoded (compressed tables), so the caller
files them exactly as it files a local worker's. A population built from files (a users or
log export) is rebuilt from its spec, so on a remote cluster those files must be readable at
the same path by every Dask worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from rulesim.errors import MissingExtraError
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import Job
from rulesim.execution.results import EncodedChunk
from rulesim.execution.worker import run_chunk

__all__ = ["run_dask", "run_local_cluster"]


def run_dask(job: Job, population: PopulationRef, chunks: Sequence[Chunk], client: Any,
             on_chunk: Callable[[EncodedChunk], None]) -> bool:
    """Run every chunk on ``client``'s cluster; call ``on_chunk`` as each completes.

    A population that is not rebuilt from its spec (see
    :class:`~rulesim.execution.chunks.PopulationRef`) travels whole, once per worker.
    """
    try:
        from distributed import as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("dask", "dask[distributed]", "executor='dask'") from None
    job_future = client.scatter(job, broadcast=True)
    population_future = client.scatter(population, broadcast=True)
    futures = [client.submit(run_chunk, job_future, population_future, chunk, pure=False)
               for chunk in chunks]
    for fut in as_completed(futures):
        on_chunk(fut.result())
    return True


def run_local_cluster(job: Job, population: PopulationRef, chunks: Sequence[Chunk],
                      workers: int | None, on_chunk: Callable[[EncodedChunk], None]) -> bool:
    """Start a Dask ``LocalCluster`` of ``workers`` processes for one run (``executor="dask"``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingExtraError("dask", "dask[distributed]", "executor='dask'") from None
    n = workers or (os.cpu_count() or 1)
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        return run_dask(job, population, chunks, client, on_chunk)
