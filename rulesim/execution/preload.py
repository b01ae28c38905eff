"""The memory allocator of worker processes: mimalloc when the system has it.

QuickJS allocates every object, string and array of a login with the C library's ``malloc``
and frees it when the login ends. Under glibc's allocator that churn (and the consolidation
of freed blocks it triggers) is about a sixth of a worker's time; with mimalloc preloaded a
worker runs the acme tenant 10–15% faster (``benchmarks/bench_simulate.py`` prints both).
Results do not depend on the allocator.

Local workers are separate processes started by rulesim, so they can preload another
allocator (``LD_PRELOAD``, Linux only) without touching the caller's process; Dask workers
keep the allocator their cluster started them with. The environment variable
``RULESIM_ALLOCATOR`` chooses, when a local worker starts:

``auto`` (the default)
    mimalloc when the system's dynamic loader finds it (Debian and Ubuntu:
    ``apt-get install libmimalloc2.0``), else the C library's allocator;
``system``
    the C library's allocator;
``mimalloc``
    mimalloc, and an error when it is not installed;
a path
    that shared library (any allocator that replaces ``malloc``, e.g. jemalloc).
"""

from __future__ import annotations

import ctypes.util
import functools
import os
import sys
from collections.abc import Mapping

from rulesim.errors import UsageError

__all__ = ["ALLOCATOR_VARIABLE", "ONE_THREAD_VARIABLES", "worker_environment", "worker_preload"]

ALLOCATOR_VARIABLE = "RULESIM_ALLOCATOR"
"""The environment variable that chooses the workers' allocator."""

_CHOICES = "'auto', 'system', 'mimalloc' or the path of a shared library"


def _on_linux() -> bool:
    """Whether this system's dynamic loader reads ``LD_PRELOAD`` (Linux)."""
    return sys.platform.startswith("linux")


@functools.cache
def _installed_mimalloc() -> str | None:
    """The file name of the system's mimalloc library, or None (looked up once)."""
    if not _on_linux():
        return None
    return ctypes.util.find_library("mimalloc")


def worker_preload(environ: Mapping[str, str] | None = None) -> str | None:
    """The shared library a new worker process preloads, or None for the C library's malloc.

    Parameters
    ----------
    environ
        The environment to read ``RULESIM_ALLOCATOR`` from (default: this process's).

    Raises
    ------
    UsageError
        When ``RULESIM_ALLOCATOR`` names mimalloc and it is not installed, names a file that
        does not exist or whose path ``LD_PRELOAD`` cannot carry, or asks for a library on a
        system without ``LD_PRELOAD``.

    Examples
    --------
    >>> worker_preload({"RULESIM_ALLOCATOR": "system"}) is None
    True
    """
    env = os.environ if environ is None else environ
    choice = env.get(ALLOCATOR_VARIABLE, "auto").strip()
    if choice in ("", "auto"):
        return _installed_mimalloc()
    if choice == "system":
        return None
    if not _on_linux():
        raise UsageError(f"{ALLOCATOR_VARIABLE}={choice!r}: workers can preload an allocator "
                         f"only on Linux; unset it or set it to 'system'")
    if choice == "mimalloc":
        found = _installed_mimalloc()
        if found is None:
            raise UsageError(f"{ALLOCATOR_VARIABLE}=mimalloc, but the dynamic loader finds no "
                             f"mimalloc library: install it (Debian, Ubuntu: apt-get install "
                             f"libmimalloc2.0), give its path, or set it to 'auto' or 'system'")
        return found
    if not os.path.isfile(choice):
        raise UsageError(f"{ALLOCATOR_VARIABLE}={choice!r} is not a file; set it to {_CHOICES}")
    path = os.path.abspath(choice)
    if any(c in path for c in " :\t\n"):
        # LD_PRELOAD separates its libraries by spaces and colons.
        raise UsageError(f"{ALLOCATOR_VARIABLE}={choice!r}: LD_PRELOAD cannot carry a path with "
                         f"spaces or colons; link the library from a path without them")
    return path


ONE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""Thread pools of the numeric libraries a worker loads (numpy's BLAS, OpenMP): one thread each,
unless the caller's environment says otherwise. A worker runs on one core; a pool's idle
threads spin after each call (the population's arrays) on the cores the other workers use."""


def worker_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``environ`` with the chosen allocator put first in ``LD_PRELOAD``, and the numeric
    libraries' thread pools at one thread (:data:`ONE_THREAD_VARIABLES`) unless set.

    Libraries the caller already preloads stay, after it.

    Examples
    --------
    >>> env = worker_environment({"RULESIM_ALLOCATOR": "system", "TZ": "UTC",
    ...                           "OMP_NUM_THREADS": "4"})
    >>> env["TZ"], env["OMP_NUM_THREADS"], env["OPENBLAS_NUM_THREADS"], "LD_PRELOAD" in env
    ('UTC', '4', '1', False)
    """
    env = dict(os.environ if environ is None else environ)
    for name in ONE_THREAD_VARIABLES:
        env.setdefault(name, "1")
    library = worker_preload(env)
    if library is not None:
        before = env.get("LD_PRELOAD", "").strip()
        if library not in before.replace(":", " ").split():
            env["LD_PRELOAD"] = f"{library} {before}".strip()
    return env
