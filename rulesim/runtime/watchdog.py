"""The CPU watchdog: a per-call CPU budget on the thread that runs JavaScript.

The ``quickjs`` binding's own time limit measures the whole process's CPU time and, while it
is set, refuses every call from JavaScript into Python, which rules out native host
functions. rulesim never sets it. Instead each engine call gets a deadline on the calling
thread's CPU clock (``CLOCK_THREAD_CPUTIME_ID``), enforced two ways:

1. **An interrupt handler inside the engine.** QuickJS polls an interrupt handler every few
   thousand interpreter steps (about every 25 µs of JavaScript here). rulesim installs its
   own, through the engine's exported ``JS_SetInterruptHandler``: the C handler of
   ``rulesim/runtime/_watchdog.c`` when that extension is built, else :func:`_interrupt` here.
   Each poll reads the monotonic clock, which is cheap; the thread's CPU clock is a system
   call (about 2 µs here), read only once a call has run :data:`CHEAP_NS` of wall time (CPU
   time never exceeds wall time, so a younger call cannot be over its budget), and from then
   on compared with the deadline. Past it, the engine throws an uncatchable
   ``InternalError: interrupted``; the call fails with ``cpu_limit`` and the process lives on.
   Inside an async function's body or a promise job the engine turns that error into a
   rejected promise and the call returns: the handler notes the call it interrupted
   (:attr:`CpuBudget.fired`), and the call fails all the same.
2. **A hard watchdog thread** (worker processes only, :func:`enable_hard_limit`). Some work
   never polls the handler: a catastrophic regular expression backtracks inside the C regex
   engine for minutes. The thread reads the engine thread's CPU clock a few times a second;
   a call still running :data:`HARD_GRACE_S` past its deadline ends the worker process with
   :data:`EXIT_CPU_LIMIT`, which the executor turns into a ``cpu_limit`` row for that login.

Both read one process-wide budget, :data:`BUDGET`: engine calls never nest (host functions
call no engine), so one budget is live at a time. With the C extension it lives in C memory
(a :class:`CBudget` over it), where the C handler and the C ``tick()`` read it without the
GIL; else it is a :class:`CpuBudget`.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from rulesim.runtime import native

__all__ = ["BUDGET", "CHEAP_NS", "EXIT_CPU_LIMIT", "HARD_GRACE_S", "CBudget", "CpuBudget",
           "budget_in_c", "close_call", "compiled_watchdog", "count_refusals",
           "enable_hard_limit", "install", "open_call", "tick"]

EXIT_CPU_LIMIT = 71
"""Exit status of a worker process ended by the hard watchdog (a call the engine could not
interrupt ran past its CPU budget)."""

HARD_GRACE_S = 0.5
"""CPU seconds past a call's deadline before the hard watchdog ends the worker process."""

CHEAP_NS = 10_000_000
"""Wall time a call runs before the interrupt handler reads the thread's CPU clock (or a
quarter of the budget, when that is less)."""

_NEVER = 1 << 62
_FIELDS = ("seq", "budget_ns", "seen", "deadline_ns", "fired", "active", "wall_start_ns",
           "checked")
_THREAD_CLOCK = time.CLOCK_THREAD_CPUTIME_ID
_clock_ns = time.clock_gettime_ns
_HANDLER_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class CpuBudget:
    """The engine call running now, as the interrupt handler and the hard watchdog see it.

    :func:`open_call` and :func:`close_call` open and close a call. Opening one costs three
    attribute writes and no clock read: the handler notes the call's
    start on the monotonic clock the first time the engine polls it during that call (after at
    most a few thousand interpreter steps, some 25 µs of JavaScript), and calls shorter than
    that never read a clock at all.

    Attributes
    ----------
    seq
        Number of the current (or last) engine call; every call takes a new one.
    budget_ns
        CPU budget of the current call.
    seen
        The call the handler has polled (its ``seq``).
    deadline_ns
        The call's deadline on the thread's CPU clock, once ``checked``.
    fired
        The last call the handler interrupted (its ``seq``; -1: none). A promise job turns the
        interruption into a rejection, so :meth:`~rulesim.runtime.engine.Engine.run_jobs`
        reads it here.
    active
        Whether an engine call is running.
    wall_start_ns
        The monotonic clock at the call's first poll.
    checked
        Whether ``deadline_ns`` is set (the call has run :data:`CHEAP_NS` of wall time).
    clock_id
        The CPU clock of the thread that runs the engine (for the hard watchdog).
    """

    __slots__ = (*_FIELDS, "clock_id")

    def __init__(self) -> None:
        self.seq = 0
        self.budget_ns = _NEVER
        self.seen = -1
        self.deadline_ns = _NEVER
        self.fired = -1
        self.active = False
        self.wall_start_ns = 0
        self.checked = 0
        self.clock_id: int | None = None



class CBudget(ctypes.Structure):
    """:class:`CpuBudget`'s fields over the C extension's budget (``budget_address()``).

    The C interrupt handler and the C ``tick()`` read and write it inside the engine; Python
    reads and writes the same fields (slower than a slot, by some 40 ns an access, on paths
    that run once an engine call).
    """

    _fields_ = [(name, ctypes.c_int64) for name in _FIELDS]
    clock_id: int | None = None


_C = native.extension("rulesim.runtime._watchdog")   # chosen once, at import
_IN_C = CBudget.from_address(_C.budget_address()) if _C is not None else None
BUDGET: CpuBudget | CBudget = _IN_C if _IN_C is not None else CpuBudget()
"""The process-wide budget that :func:`install`'s handlers and the hard watchdog read: in C
memory when the extension is built (chosen once, when this module is imported)."""


def budget_in_c() -> bool:
    """Whether :data:`BUDGET` lives in the C extension (its handler and ``tick`` may be used)."""
    return _IN_C is not None


def compiled_watchdog() -> Any:
    """The C watchdog module whose handler and ``tick`` an engine built now uses, or None.

    Only when :data:`BUDGET` lives in C (else its handler would read another budget) and
    ``RULESIM_NATIVE`` allows the extensions now (:func:`rulesim.runtime.native.extension`).
    """
    return native.extension("rulesim.runtime._watchdog") if budget_in_c() else None


def _open_call(budget_ns: int) -> None:
    budget = BUDGET
    budget.seq += 1
    budget.budget_ns = budget_ns
    budget.active = True


def _close_call() -> bool:
    budget = BUDGET
    budget.active = False
    return bool(budget.fired == budget.seq)


open_call: Callable[[int], None] = _C.budget_open if _C is not None else _open_call
close_call: Callable[[], bool] = _C.budget_close if _C is not None else _close_call
"""``open_call(budget_ns)`` opens an engine call on :data:`BUDGET`; ``close_call()`` closes it
and answers whether its last budget ran out (the engine's hot paths; C functions when the
budget lives in C, some 40 ns each)."""


def _interrupt(_runtime: Any, _opaque: Any) -> int:
    """The Python interrupt handler (the C one of ``_watchdog.c`` does the same, faster)."""
    budget = BUDGET
    now = _perf_ns()
    if budget.seen != budget.seq:
        budget.seen = budget.seq
        budget.wall_start_ns = now
        budget.checked = 0
        return 0
    wall = now - budget.wall_start_ns
    cheap = min(CHEAP_NS, budget.budget_ns // 4)
    if wall < cheap:
        return 0
    cpu = _clock_ns(_THREAD_CLOCK)
    if not budget.checked:
        # Before this poll the call ran less than `cheap` (the last poll said so): charge
        # that much, never the wall time a preempted or stopped thread did not run.
        budget.checked = 1
        budget.deadline_ns = cpu + budget.budget_ns - min(wall, cheap)
    if cpu < budget.deadline_ns:
        return 0
    budget.fired = budget.seq
    return 1


_perf_ns = time.perf_counter_ns
_HANDLER = _HANDLER_TYPE(_interrupt)


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

    The C handler when :data:`BUDGET` lives in C and the extension may be used
    (``RULESIM_NATIVE``), else the Python one; both read :data:`BUDGET`. The runtime pointer
    is the first field after the Python object header of the binding's context object; it is
    checked (the runtime's opaque pointer is the context object itself) before it is used, so
    a binding with another layout fails here, loudly, instead of later.

    Raises
    ------
    RuntimeError
        When the binding's layout is not the one this was written for.
    """
    compiled = compiled_watchdog()
    if compiled is not None:
        import _quickjs

        compiled.install_interrupt(context, _quickjs.__file__)   # checks the layout too
    else:
        lib = _engine_library()
        offset = object.__basicsize__  # PyObject_HEAD
        runtime = ctypes.c_void_p.from_address(id(context) + offset).value
        if not runtime or lib.JS_GetRuntimeOpaque(runtime) != id(context):
            raise RuntimeError("the installed quickjs binding is not the version rulesim "
                               "supports (its runtime could not be found); reinstall rulesim's "
                               "pinned quickjs")
        lib.JS_SetInterruptHandler(runtime, _HANDLER, None)
    if BUDGET.clock_id is None:
        BUDGET.clock_id = time.pthread_getcpuclockid(threading.get_ident())


def count_refusals(context: Any, limit_bytes: int) -> bool:
    """Count the allocations a ``quickjs.Context``'s runtime refuses; whether it is counted.

    QuickJS throws null instead of its "out of memory" error when even that error finds no
    room; with the count, the prelude tells that from a rule's own ``throw null`` (the C
    watchdog's ``oomCount``: a null thrown after a refusal in the same login is the memory
    limit). Only with the C watchdog (:func:`compiled_watchdog`), and only when the runtime's
    memory limit reads back as ``limit_bytes`` (the check that its layout is the one the
    extension was written for); else False, and a thrown null stays a rule's exception.

    >>> from rulesim.runtime.engine import Engine
    >>> from rulesim.runtime.limits import Limits
    >>> Engine(Limits()).counts_refusals == (compiled_watchdog() is not None)
    True
    """
    compiled = compiled_watchdog()
    if compiled is None:
        return False
    import _quickjs

    return bool(compiled.count_refusals(context, _quickjs.__file__, limit_bytes))


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
