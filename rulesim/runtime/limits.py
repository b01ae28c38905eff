"""Resource limits and runtime settings for the rule sandbox."""

from __future__ import annotations

import dataclasses
from typing import Literal

from rulesim._validation import check_positive

__all__ = ["Limits"]


@dataclasses.dataclass(frozen=True)
class Limits:
    """Hard limits applied to every login run in the sandbox.

    Parameters
    ----------
    cpu_ms
        CPU time one engine call may use (one rule step, one callback delivery, the promise
        jobs run after them, together), on the engine thread's own CPU clock
        (:mod:`rulesim.runtime.watchdog`). An infinite loop is stopped here and the login ends
        with ``error_code='cpu_limit'``; work the engine cannot interrupt (a catastrophic
        regular expression) ends its worker process half a CPU second later, with the same
        code.
    memory_mb
        Memory limit of the whole JavaScript runtime (prelude, modules, ``global`` included).
        Exceeding it ends the login with ``memory_limit`` and the engine is rebuilt.
    stack_kb
        Maximum JavaScript stack size; unbounded recursion ends with ``stack_overflow``.
    pipeline_timeout_ms
        Auth0's limit for the whole rule sequence (20 s), on the virtual clock: simulated I/O
        latency and timers. Measured CPU time is left out so that results never depend on
        the machine's speed (the same seed gives the same rows anywhere); CPU is bounded by
        ``cpu_ms`` per rule step instead.
    console_kb
        Console output allowed per login. A rule that writes more (a console flood) fails with
        ``console_limit``; the lines past the limit are dropped.
    console_line_bytes
        Longest console line kept; longer lines are cut.
    claims_kb
        Auth0's cap on the custom claims of one token (100 KB); over it the login fails with
        ``claims_too_large``.
    global_reset
        When ``global`` is emptied: ``"never"`` (it persists for the engine's life, like a warm
        Auth0 container), ``"login"`` (before every login) or an integer N (every N logins,
        counted on the population's login index so results do not depend on how logins are
        spread over workers). It is emptied at every chunk too. With it go the globals rules
        made (a variable assigned undeclared in sloppy code), every change to a built-in
        that the check after each login does not undo (``Number.isInteger``, ``Date.now``, an
        iterator's ``next``, ``parseInt``, a key on a built-in's method, on ``process`` or on
        the exports of a module the sandbox loads at set-up), and the modules rules loaded:
        the next ``require`` runs them afresh, with what their closures kept (a
        ``moment.locale()``), as in a recycled container.
    error_mapping
        The ``error`` a failed (non-``UnauthorizedError``) login returns to the application.
        Current Auth0 documentation says ``access_denied``; older documents disagree.
    host_calls
        Host operations allowed per login pass: HTTP requests (``request``, ``axios``,
        ``node-fetch``, ``fetch``) and Management API calls, of every rule and Action together.
        A rule that makes more (a request flood) fails with ``host_call_limit``; the calls past
        the limit are not made and their callbacks never run. Real rules make a handful, so the
        limit only bounds the rows and the host time of a flood.
    """

    cpu_ms: float = 2_000.0
    memory_mb: int = 256
    stack_kb: int = 1_024
    pipeline_timeout_ms: float = 20_000.0
    console_kb: int = 256
    console_line_bytes: int = 4_096
    claims_kb: int = 100
    global_reset: int | Literal["never", "login"] = 1_000
    error_mapping: str = "access_denied"
    host_calls: int = 1_000   # (last: positional arguments keep their places)

    def __post_init__(self) -> None:
        for name in ("cpu_ms", "memory_mb", "stack_kb", "pipeline_timeout_ms", "console_kb",
                     "console_line_bytes", "host_calls", "claims_kb"):
            check_positive(name, getattr(self, name))
        reset = self.global_reset
        if not (reset in ("never", "login") or (isinstance(reset, int) and reset > 0)):
            from rulesim.errors import UsageError

            raise UsageError(
                f"expected global_reset to be 'never', 'login' or a positive int, got {reset!r}"
            )

    def resets_global_before(self, login_index: int) -> bool:
        """Whether ``global`` is emptied before the login at this population index."""
        if self.global_reset == "login":
            return True
        if self.global_reset == "never":
            return False
        return login_index % self.global_reset == 0
