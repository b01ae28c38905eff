"""A small adapter over the QuickJS binding, so another binding could replace it.

Only this module imports ``quickjs`` (the C extensions and the watchdog find the engine in the
binding's library themselves). It applies the limits to every call (the CPU budget
through :mod:`rulesim.runtime.watchdog`, never the binding's own time limit, which would
refuse the native host functions) and turns the binding's exceptions into
:class:`EngineError` with a stable code.
"""

from __future__ import annotations

from typing import Any

import _quickjs
import quickjs

from rulesim.errors import ErrorCode
from rulesim.runtime import native, watchdog
from rulesim.runtime.limits import Limits

__all__ = ["Engine", "EngineError", "JSFunction"]

JSFunction = Any
"""A JavaScript function handle returned by :meth:`Engine.global_function`."""


class EngineError(Exception):
    """A call into the engine did not return normally.

    Attributes
    ----------
    code
        :class:`~rulesim.errors.ErrorCode` value: ``cpu_limit``, ``memory_limit``,
        ``stack_overflow`` or ``engine_error``.
    fatal
        True when the engine must be rebuilt before it is used again.
    """

    def __init__(self, code: ErrorCode, message: str, *, fatal: bool) -> None:
        super().__init__(message)
        self.code = code
        self.fatal = fatal


def _classify(exc: BaseException) -> EngineError:
    text = str(exc)
    first = text.split("\n", 1)[0]
    if isinstance(exc, quickjs.StackOverflow) or "stack overflow" in first:
        return EngineError(ErrorCode.STACK_OVERFLOW, "stack overflow (unbounded recursion?)",
                             fatal=True)
    if "interrupted" in first:
        return EngineError(ErrorCode.CPU_LIMIT, "CPU time limit exceeded (infinite loop?)",
                             fatal=True)
    # Out of memory while the engine was throwing "out of memory" leaves null as the error.
    # Worded as the prelude words the limit in a rule's frame (40-rules.js outOfMemory).
    if "out of memory" in first or first == "null":
        return EngineError(ErrorCode.MEMORY_LIMIT, "out of memory", fatal=True)
    return EngineError(ErrorCode.ENGINE_ERROR, first or type(exc).__name__, fatal=True)


def _swallowed() -> EngineError:
    """The call whose CPU budget ran out although it returned.

    The interrupt is an error no JavaScript can catch, but inside an async function's body
    or a promise job the engine turns it into a rejected promise, and the code that called it
    goes on (``(async () => { while (true) {} })(); callback(...)``, or each job of a chain
    queueing the next one): the call is failed as the loop would have failed it.
    """
    return EngineError(ErrorCode.CPU_LIMIT, "CPU time limit exceeded (infinite loop?)",
                       fatal=True)


class Engine:
    """One QuickJS context with limits applied to every call.

    Parameters
    ----------
    limits
        CPU (per call), memory and stack limits.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._budget_ns = int(limits.cpu_ms * 1e6)
        self._ctx = quickjs.Context()
        self._ctx.set_memory_limit(limits.memory_mb * 1024 * 1024)
        self._ctx.set_max_stack_size(limits.stack_kb * 1024)
        watchdog.install(self._ctx)
        self.counts_refusals = watchdog.count_refusals(self._ctx, limits.memory_mb * 1024 * 1024)
        """Whether the C watchdog counts the allocations this runtime refuses (``oomCount``)."""

    def lift_memory_limit(self, factor: int = 2) -> None:
        """Let the runtime use ``factor`` times its memory limit from now on.

        For an engine about to be thrown away after a failure: the one call that takes what
        it still holds must not fail on the limit the rule exhausted.
        """
        self._ctx.set_memory_limit(factor * self.limits.memory_mb * 1024 * 1024)

    def add_host_function(self, name: str, fn: Any, *, compiled: str | None = None) -> bool:
        """Make the Python callable ``fn``, or its compiled twin, the JS global ``name``.

        Only for :mod:`rulesim.runtime.native`'s total functions; the sandbox takes each into
        the prelude's closure and deletes the global before any rule is compiled.

        Parameters
        ----------
        name
            The global's name.
        fn
            The Python function.
        compiled
            The name of ``fn``'s C twin in :func:`rulesim.runtime.native.compiled`, installed
            instead of ``fn`` when the extension is built.

        Returns
        -------
        bool
            Whether the global is the compiled function.
        """
        module = native.compiled() if compiled is not None else None
        if module is not None and compiled in module.names():
            module.install(self._ctx, _quickjs.__file__, compiled, name)
            return True
        self._ctx.add_callable(name, fn)
        return False

    def add_compiled_function(self, name: str, module: Any, compiled: str) -> None:
        """Make the C function ``compiled`` of the extension ``module`` the JS global ``name``.

        For C functions chosen elsewhere: the ICU functions, which have no Python twin
        (:func:`rulesim.runtime.native.compiled_intl`), and the C watchdog's ``tick``, used only
        when the watchdog's budget lives in C (:func:`rulesim.runtime.watchdog.compiled_watchdog`).
        The sandbox takes each into the prelude's closure as for :meth:`add_host_function`.
        """
        module.install(self._ctx, _quickjs.__file__, compiled, name)

    def eval(self, code: str) -> Any:
        """Evaluate ``code`` under the limits; raise :class:`EngineError` on failure."""
        watchdog.open_call(self._budget_ns)
        try:
            return self._ctx.eval(code)
        except quickjs.JSException as exc:
            raise _classify(exc) from None
        finally:
            watchdog.close_call()

    def compile_error(self, code: str) -> str | None:
        """Evaluate ``code`` and return the JS error text, or None if it evaluated."""
        watchdog.open_call(self._budget_ns)
        try:
            self._ctx.eval(code)
        except quickjs.JSException as exc:
            return str(exc)
        finally:
            watchdog.close_call()
        return None

    def global_function(self, name: str) -> JSFunction:
        """Take the global ``name`` out of the JS world and return a handle to it.

        The global is deleted so rule code cannot find or call it.
        """
        fn = self._ctx.get(name)
        self._ctx.eval(f"delete globalThis[{name!r}]")
        return fn

    def call(self, fn: JSFunction, *args: Any) -> Any:
        """Call a JS function under the limits."""
        watchdog.open_call(self._budget_ns)
        try:
            result = fn(*args)
        except quickjs.JSException as exc:
            raise _classify(exc) from None
        finally:
            fired = watchdog.close_call()
        if fired:
            raise _swallowed()
        return result

    def bind(self, fn: JSFunction) -> Any:
        """``fn`` as a callable that raises :class:`EngineError` like :meth:`call`."""
        js_exception = quickjs.JSException
        open_call, close_call = watchdog.open_call, watchdog.close_call
        budget_ns = self._budget_ns

        def bound(*args: Any) -> Any:
            open_call(budget_ns)
            try:
                result = fn(*args)
            except js_exception as exc:
                raise _classify(exc) from None
            finally:
                fired = close_call()
            if fired:
                raise _swallowed()
            return result

        return bound

    def run_jobs(self) -> int:
        """Run pending promise jobs until none is left; return how many ran.

        The jobs share one CPU budget, as one engine call does: each job may queue the next
        (``function loop() { Promise.resolve().then(loop); }``, ``for (;;) await null``), and
        a budget a job would never run out of lets such a chain run forever.
        """
        n = 0
        budget = watchdog.BUDGET
        execute = self._ctx.execute_pending_job
        watchdog.open_call(self._budget_ns)
        seq = budget.seq
        try:
            while execute():
                n += 1
        except quickjs.JSException as exc:
            raise _classify(exc) from None
        finally:
            watchdog.close_call()
        if budget.fired >= seq:   # (a chained Action step opens budgets of its own: tick())
            raise _swallowed()
        return n

    def memory_used(self) -> int:
        """Bytes of memory the runtime uses now."""
        info = self._ctx.memory()
        return int(info.get("memory_used_size", 0))
