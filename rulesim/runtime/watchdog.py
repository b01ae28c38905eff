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
   Inside an async function's body or a promise job the engine turns that error into a
   rejected promise and the call returns: the handler notes the call it interrupted
   (:attr:`CpuBudget.fired`), and the call fails all the same.
2. **A hard watchdog thread** (worker processes only, :func:`enable_hard_limit`). Some work
   never polls the handler: a catastrophic regular expression backtracks inside the C regex
   engine for minutes. The thread reads the engine thread's CPU clock a few times a second;
   a call still running :data:`HARD_GRACE_S` past its deadline ends the worker process with
   :data:`EXIT_CPU_LIMIT`, which the executor turns into a ``cpu_limit`` row for that login.

Both read one process-wide :class:`CpuBudget`: engine calls never nest (host functions are
Python code that calls no engine), so one budget is live at a time.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from typing import Any

__all__ = ["EXIT_CPU_LIMIT", "HARD_GRACE_S", "CpuBudget", "enable_hard_limit", "install", "tick"]

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
    """The engine call running now, as the interrupt handler and the hard watchdog see it.

    Opening a call costs two attribute writes and no clock read: a call's deadline is set by
    the interrupt handler the first time the engine polls it during that call (after at most
    a few thousand interpreter steps, some 25 µs of JavaScript), and calls shorter than that
    never read a clock at all.

    Attributes
    ----------
    seq
        Number of the current (or last) engine call; every call takes a new one.
    active
        Whether an engine call is running.
    budget_ns
        CPU budget of the current call.
    seen, deadline_ns
        The handler's view: the call it set ``deadline_ns`` for (thread CPU time, ns).
    fired
        The last call the handler interrupted (its ``seq``; -1: none). A promise job turns the
        interruption into a rejection, so :meth:`~rulesim.runtime.engine.Engine.run_jobs`
        reads it here.
    clock_id
        The CPU clock of the thread that runs the engine (for the hard watchdog).
    """

    __slots__ = ("active", "budget_ns", "clock_id", "deadline_ns", "fired", "seen", "seq")

    def __init__(self) -> None:
        self.seq = 0
        self.active = False
        self.budget_ns = _NEVER
        self.seen = -1
        self.deadline_ns = _NEVER
        self.fired = -1
        self.clock_id: int | None = None

    def start(self, budget_ns: int) -> None:
        """Open a call with ``budget_ns`` of CPU time (the engine's hot paths inline this)."""
        self.seq += 1
        self.budget_ns = budget_ns
        self.active = True

    def stop(self) -> None:
        """Close the running call."""
        self.active = False


BUDGET = CpuBudget()
"""The process-wide budget that :func:`install`'s handlers and the hard watchdog read."""


def _interrupt(_runtime: Any, _opaque: Any) -> int:
    budget = BUDGET
    now = _clock_ns(_THREAD_CLOCK)
    if budget.seen != budget.seq:
        budget.seen = budget.seq
        budget.deadline_ns = now + budget.budget_ns
        return 0
    if now < budget.deadline_ns:
        return 0
    budget.fired = budget.seq
    return 1


_HANDLER = _HANDLER_TYPE(_interrupt)
_perf_ns = time.perf_counter_ns


def tick() -> float:
    """Open a new CPU budget inside the running engine call; return the clock in µs (a float).

    The prelude calls it between two rules of a batch (and nowhere else: rule code cannot reach
    it), so each rule of a batched login gets the budget it gets when the host drives it, and
    the readings time the rules. The reading is negative when the budget it closes ran out: an
    interrupt inside an async function's body becomes a rejected promise, and the rule may have
    gone on (the prelude then fails the batch as for an infinite loop). The clock is the
    monotonic ``perf_counter``: this thread's CPU clock is a system call on this kind of machine
    (about 2 µs a reading against 0.05 µs), and a worker runs one thread, so the two agree
    unless the system preempts it. A float, because the binding silently truncates integers of
    2³¹ and above.
    """
    budget = BUDGET
    fired = budget.fired == budget.seq
    budget.seq += 1
    return -_perf_ns() / 1000.0 if fired else _perf_ns() / 1000.0
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
        seq, started = -1, 0
        while True:
            time.sleep(interval_s)
            clock_id = BUDGET.clock_id
            if clock_id is None or not BUDGET.active:
                continue
            now = _clock_ns(clock_id)
            if BUDGET.seq != seq:  # a call this thread has not seen yet: it starts counting
                seq, started = BUDGET.seq, now
                continue
            if now - started > BUDGET.budget_ns + grace:
                sys.stderr.write("rulesim worker: an engine call could not be interrupted at "
                                 "its CPU limit; ending the worker\n")
                sys.stderr.flush()
                os._exit(EXIT_CPU_LIMIT)

    _hard_thread = threading.Thread(target=watch, name="rulesim-cpu-watchdog", daemon=True)
    _hard_thread.start()
