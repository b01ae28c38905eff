"""Benchmarks run their in-process engines on the allocator rulesim's workers use.

A worker preloads mimalloc when the system has it (``rulesim.execution.preload``). A figure
measured in the benchmark's own process (the floor, the no-recording baseline, the recorded
pipeline in one process) compares with the workers' only on the same allocator, so a
benchmark calls :func:`as_workers` first: it re-runs the script with the workers' environment
when this process lacks it, and says which allocator the figures use.
"""

from __future__ import annotations

import os
import sys

from rulesim.execution.preload import worker_environment, worker_preload


def as_workers() -> str:
    """Re-execute this script under the workers' allocator if needed; name that allocator."""
    library = worker_preload()
    if library is None:
        return "the C library's malloc (RULESIM_ALLOCATOR, or mimalloc not installed)"
    if library not in os.environ.get("LD_PRELOAD", "").replace(":", " ").split():
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, *sys.argv], worker_environment())
    return f"{library} (preloaded, as in the workers; RULESIM_ALLOCATOR=system for glibc's)"
