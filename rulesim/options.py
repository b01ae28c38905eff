"""`RunOptions`: how a simulation runs, built and checked once.

:func:`rulesim.simulate`, :func:`rulesim.compare`, the executor and the Explorer take the same
options. Keyword arguments stay the convenient spelling (``rs.simulate(rules, pop,
workers=2)``); behind them, one frozen :class:`RunOptions` is built and validated once and
handed on, so a typo or a bad value is reported before anything runs, in the same words
wherever it was passed.

>>> from rulesim.options import RunOptions
>>> opts = RunOptions(workers=2, seed=7)
>>> opts.replace(chunk_size=500).chunk_size
500
>>> RunOptions.from_kwargs(opts, on_redirect="continue").workers
2
>>> RunOptions.from_kwargs(worker=2)
Traceback (most recent call last):
...
rulesim.errors.UsageError: unknown option worker=2 (did you mean workers?); the options are: ...
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from rulesim._validation import check_int, check_one_of
from rulesim.errors import UsageError
from rulesim.runtime.limits import Limits

__all__ = ["DEFAULT_CHUNK_SIZE", "JOB_FIELDS", "RunOptions", "merge"]

DEFAULT_CHUNK_SIZE = 2_000
"""Logins per chunk. Part of the result's identity: ``global`` and the fake user store start
empty at each chunk, so the chunk size (never the worker count) is recorded in the manifest."""

JOB_FIELDS = ("configuration", "services", "limits", "seed", "modules", "legacy_globals",
              "modules_dir", "on_redirect", "continue_handler", "secrets", "action_settings")
"""The options that shape what each login does (the worker's pipeline); the others say how the
logins are scheduled, shown and stored."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunOptions:
    """The options of a run, checked when built. Fields as :func:`rulesim.simulate`'s keywords.

    Attributes
    ----------
    configuration, services, secrets, limits, modules, legacy_globals, modules_dir
        What the rules and Actions see: their configuration and secrets, the fake services,
        the sandbox's limits, module fakes and the folder of installed npm modules.
    seed
        The run's seed (None: the population's).
    on_redirect, continue_handler, action_settings
        How a redirect ends (``"stop"`` or ``"continue"``), what ``/continue`` receives, and
        the Actions' settings.
    workers, executor, chunk_size, progress, resume, cancel, on_progress, spill, coverage
        How the logins are run, shown and stored.
    """

    configuration: Any = None
    services: Any = None
    secrets: Any = None
    limits: Limits | None = None
    seed: int | None = None
    modules: Mapping[str, str] | None = None
    legacy_globals: bool = False
    modules_dir: str | os.PathLike[str] | None = None
    on_redirect: str = "stop"
    continue_handler: Any = None
    action_settings: Mapping[str, Any] | None = None
    workers: int | None = None
    executor: Any = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    progress: bool | None = None
    resume: str | os.PathLike[str] | None = None
    cancel: threading.Event | None = None
    on_progress: Callable[[int, int], None] | None = None
    spill: bool | None = None
    coverage: bool = False

    def __post_init__(self) -> None:
        check_one_of("on_redirect", self.on_redirect, ("stop", "continue"))
        check_int("chunk_size", self.chunk_size, minimum=1)
        if self.seed is not None:
            check_int("seed", self.seed)
        if self.workers is not None:
            check_int("workers", self.workers, minimum=1)
        if self.limits is not None and not isinstance(self.limits, Limits):
            raise UsageError("expected limits to be a rulesim Limits (rs.Limits(cpu_ms=...)), "
                             f"got {type(self.limits).__name__}")
        for name in ("legacy_globals", "coverage"):
            if not isinstance(getattr(self, name), bool):
                raise UsageError(f"expected {name} to be True or False, got "
                                 f"{name}={getattr(self, name)!r}")
        for name in ("progress", "spill"):
            if getattr(self, name) not in (None, True, False):
                raise UsageError(f"expected {name} to be None (automatic), True or False, got "
                                 f"{name}={getattr(self, name)!r}")
        if self.on_progress is not None and not callable(self.on_progress):
            raise UsageError("expected on_progress to be a function (done, total), got "
                             f"{type(self.on_progress).__name__}")
        if self.cancel is not None and not hasattr(self.cancel, "is_set"):
            raise UsageError("expected cancel to be a threading.Event, got "
                             f"{type(self.cancel).__name__}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every option's name, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_kwargs(cls, options: RunOptions | None = None, /, **kwargs: Any) -> RunOptions:
        """``options`` (or the defaults) with ``kwargs`` over them, checked.

        Raises
        ------
        UsageError
            For a name that is not an option (with the closest one), or a bad value.
        """
        if options is not None and not isinstance(options, RunOptions):
            raise UsageError("expected options to be a rulesim RunOptions, got "
                             f"{type(options).__name__}")
        names = cls.names()
        for key, value in kwargs.items():
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise UsageError(f"unknown option {key}={value!r}{hint}; the options are: "
                                 f"{', '.join(names)}")
        base = options if options is not None else cls()
        return dataclasses.replace(base, **kwargs) if kwargs else base

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (checked as :meth:`from_kwargs` checks them)."""
        return RunOptions.from_kwargs(self, **changes)

    def given(self) -> dict[str, Any]:
        """The options that differ from their defaults (what a caller actually set)."""
        default = RunOptions()
        return {name: getattr(self, name) for name in self.names()
                if not _same(getattr(self, name), getattr(default, name))}

    def job_options(self) -> dict[str, Any]:
        """The options a worker's pipeline is built from (:data:`JOB_FIELDS`)."""
        return {name: getattr(self, name) for name in JOB_FIELDS}


def merge(options: RunOptions | None, keywords: Mapping[str, Any]) -> RunOptions:
    """``options`` with every option in ``keywords`` that is not at its default laid over it.

    Functions with explicit keyword parameters (``simulate(..., workers=2, options=opts)``)
    pass their ``locals()``: names that are not options are ignored, and a keyword left at
    its default keeps the value from ``options``.
    """
    default = RunOptions()
    given = {k: v for k, v in keywords.items()
             if k in _NAMES and not _same(v, getattr(default, k))}
    return RunOptions.from_kwargs(options, **given)


_NAMES = frozenset(RunOptions.names())


def _same(value: Any, default: Any) -> bool:
    """``value`` is the default (by identity, or equal for the plain defaults: bools, ints,
    strings; never ``==`` on users' objects)."""
    if value is default:
        return True
    return isinstance(default, (bool, int, str)) and type(value) is type(default) \
        and value == default
