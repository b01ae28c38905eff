"""The CPU watchdog: a per-call CPU budget on the thread that runs JavaScript.

The ``quickjs`` binding's own time limit measures the whole process's CPU time and, while it
is set, refuses every call from JavaScript into Python, which rules out native host
functions. rulesim never sets it. Instead each engine call gets a deadline on the calling
thread's CPU clock (``CLOCK_THREAD_CPUTIME_ID``), enforced two ways:

1. **An interrupt handler inside the engine.** QuickJS polls an interrupt handler every few
   thousand interpreter steps (about every 25 µs of JavaScript here). rulesim installs its
   own, through the engine's exported ``JS_SetInterruptHandler``, which compares the thread's
   CPU clock with the deadline. Past it, the engine throws an uncatchable
   ``InternalError: interrupted``; the call fails with ``cpu_limit`` and the process lives on.
2. **A hard watchdog thread** (worker processes only, :func:`enable_hard_limit`). Some work
   never polls the handler: a catastrophic regular expression backtracks inside the C regex
   engine for minutes. The thread reads the engine thread's CPU clock a few times a second;
   a call still running :data:`HARD_GRACE_S` past its deadline ends the worker process with
   :data:`EXIT_CPU_LIMIT`, which the executor turns into a ``cpu_limit`` row for that login.

Both read one process-wide deadline: engine calls never nest (host functions are Python code
that calls no engine), so one budget is live at a time.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from typing import Any

__all__ = ["EXIT_CPU_LIMIT", "HARD_GRACE_S", "CpuBudget", "enable_hard_limit", "install"]

EXIT_CPU_LIMIT = 71
"""Exit status of a worker process ended by the hard watchdog (a call the engine could not
interrupt ran past its CPU budget)."""

HARD_GRACE_S = 0.5
"""CPU seconds past a call's deadline before the hard watchdog ends the worker process."""

_NEVER = 1 << 62
_THREAD_CLOCK = time.CLOCK_THREAD_CPUTIME_ID
_clock_ns = time.clock_gettime_ns
_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class CpuBudget:
    """The deadline of the engine call running now, on the engine thread's CPU clock.

    Attributes
    ----------
    deadline_ns
        Thread CPU time (ns) at which the running call is interrupted; a huge value between
        calls.
    clock_id
        The CPU clock of the thread that runs the engine (for the hard watchdog).
    """

    __slots__ = ("clock_id", "deadline_ns")

    def __init__(self) -> None:
        self.deadline_ns = _NEVER
        self.clock_id: int | None = None

    def start(self, budget_ns: int) -> None:
        """Open a call with ``budget_ns`` of CPU time from now."""
        self.deadline_ns = _clock_ns(_THREAD_CLOCK) + budget_ns

    def stop(self) -> None:
        """Close the running call."""
        self.deadline_ns = _NEVER


BUDGET = CpuBudget()
"""The process-wide budget that :func:`install`'s handlers and the hard watchdog read."""


def _interrupt(_runtime: Any, _opaque: Any) -> int:
    return 1 if _clock_ns(_THREAD_CLOCK) >= BUDGET.deadline_ns else 0


_HANDLER = _HANDLER_TYPE(_interrupt)
_lib: Any = None


def _engine_library() -> Any:
    global _lib
    if _lib is None:
        import _quickjs

        lib = ctypes.CDLL(_quickjs.__file__)
        lib.JS_SetInterruptHandler.argtypes = [ctypes.c_void_p, _HANDLER_TYPE, ctypes.c_void_p]
        lib.JS_SetInterruptHandler.restype = None
        lib.JS_GetRuntimeOpaque.argtypes = [ctypes.c_void_p]
        lib.JS_GetRuntimeOpaque.restype = ctypes.c_void_p
        _lib = lib
    return _lib


def install(context: Any) -> None:
    """Install the CPU-budget interrupt handler on a ``quickjs.Context``'s runtime.

    The runtime pointer is the first field after the Python object header of the binding's
    context object; it is checked (the runtime's opaque pointer is the context object itself)
    before it is used, so a binding with another layout fails here, loudly, instead of later.

    Raises
    ------
    RuntimeError
        When the binding's layout is not the one this was written for.
    """
    lib = _engine_library()
    offset = object.__basicsize__  # PyObject_HEAD
    runtime = ctypes.c_void_p.from_address(id(context) + offset).value
    if not runtime or lib.JS_GetRuntimeOpaque(runtime) != id(context):
        raise RuntimeError("the installed quickjs binding is not the version rulesim supports "
                           "(its runtime could not be found); reinstall rulesim's pinned quickjs")
    lib.JS_SetInterruptHandler(runtime, _HANDLER, None)
    if BUDGET.clock_id is None:
        BUDGET.clock_id = time.pthread_getcpuclockid(threading.get_ident())


_hard_thread: threading.Thread | None = None


def enable_hard_limit(*, interval_s: float = 0.1) -> None:
    """Start the hard watchdog thread of this process (idempotent; worker processes only).

    It ends the process with :data:`EXIT_CPU_LIMIT` when an engine call runs
    :data:`HARD_GRACE_S` CPU seconds past its deadline, which only happens in code the
    interrupt handler cannot reach.
    """
    global _hard_thread
    if _hard_thread is not None:
        return
    grace = int(HARD_GRACE_S * 1e9)

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            clock_id, deadline = BUDGET.clock_id, BUDGET.deadline_ns
            if clock_id is None or deadline == _NEVER:
                continue
            if _clock_ns(clock_id) > deadline + grace:
                sys.stderr.write("rulesim worker: an engine call could not be interrupted at "
                                 "its CPU limit; ending the worker\n")
                sys.stderr.flush()
                os._exit(EXIT_CPU_LIMIT)

    _hard_thread = threading.Thread(target=watch, name="rulesim-cpu-watchdog", daemon=True)
    _hard_thread.start()
