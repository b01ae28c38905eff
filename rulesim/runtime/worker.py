"""The worker side of the process boundary: untrusted rules run here, never in the caller.

A worker process receives a :class:`PipelineSpec` once, builds a
:class:`~rulesim.pipeline.Pipeline` (one QuickJS context, rules compiled once) and then runs
chunks of logins, returning compact :class:`~rulesim.records.Columns`. The same
:func:`run_chunk` function serves the local process pool and the Dask backend.
"""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from rulesim.records import Columns, PairColumns
from rulesim.runtime import watchdog
from rulesim.runtime.actions import row_names
from rulesim.runtime.limits import Limits
from rulesim.runtime.sandbox import SandboxOptions
from rulesim.sources import Action, Rule

__all__ = ["AnySpec", "Chunk", "PairSpec", "PipelineSpec", "run_chunk", "serve", "worker_main"]


@dataclasses.dataclass(frozen=True)
class PipelineSpec:
    """Everything a worker needs to build the pipeline (picklable).

    Attributes
    ----------
    rules
        Every rule of the set in pipeline order (disabled ones too, for the records).
    configuration
        ``configuration`` values.
    limits
        Sandbox limits.
    services
        Fake external services (a picklable :class:`~rulesim.runtime.services.Services`).
    options
        Sandbox environment settings.
    seed
        Run seed.
    on_redirect, continue_handler
        Redirect handling (see :class:`~rulesim.pipeline.Pipeline`).
    actions, action_secrets, action_settings
        The post-login Actions that run after the rules (every Action of the set, in flow
        order), their ``event.secrets`` by name, and Actions settings.
    """

    rules: tuple[Rule, ...]
    configuration: Mapping[str, str]
    limits: Limits
    services: Any
    options: SandboxOptions
    seed: int
    on_redirect: str = "stop"
    continue_handler: Any = None
    actions: tuple[Action, ...] = ()
    action_secrets: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    action_settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of the spec, to reuse a built pipeline across chunks."""
        import hashlib
        import pickle

        return hashlib.sha256(pickle.dumps(self)).hexdigest()

    def new_sink(self) -> Columns:
        """An empty sink for this spec's records."""
        return Columns()

    def rule_names(self) -> list[str]:
        """The row names, in pipeline order: the rules', then the Actions'."""
        names = [r.name for r in self.rules]
        return names + row_names(names, [a.name for a in self.actions])

    def row_orders(self) -> list[int]:
        """The ``order`` of every row of :meth:`rule_names`."""
        return [r.order for r in self.rules] + [a.order for a in self.actions]

    def row_kinds(self) -> list[str]:
        """``rule`` or ``action``, for every row of :meth:`rule_names`."""
        return ["rule"] * len(self.rules) + ["action"] * len(self.actions)


@dataclasses.dataclass(frozen=True)
class PairSpec:
    """Two pipelines run side by side on the same logins, sharing their first rules.

    Attributes
    ----------
    baseline, candidate
        The two sides (the same seed, limits, services and options).
    prefix
        How many leading active rules both sides share (see :mod:`rulesim.paired`).
    global_prefix
        The shared rules use ``global`` (and no later rule does on either side).
    safe_prefix
        With ``global_prefix``: the shared rules before the first that uses ``global``, what
        a login-by-login run (crash recovery) shares.
    """

    baseline: PipelineSpec
    candidate: PipelineSpec
    prefix: int
    global_prefix: bool = False
    safe_prefix: int | None = None

    @property
    def key(self) -> str:
        """Identity of the spec, to reuse built pipelines across chunks."""
        import hashlib

        return hashlib.sha256(f"{self.baseline.key}|{self.candidate.key}|{self.prefix}|"
                              f"{self.global_prefix}|{self.safe_prefix}".encode()).hexdigest()

    @property
    def limits(self) -> Limits:
        """The limits both sides run under."""
        return self.baseline.limits

    def new_sink(self) -> PairColumns:
        """An empty sink for this spec's records."""
        return PairColumns()

    def rule_names(self) -> tuple[list[str], list[str]]:
        """The rule names of each side, in pipeline order."""
        return ([r.name for r in self.baseline.rules], [r.name for r in self.candidate.rules])


AnySpec = PipelineSpec | PairSpec
"""What a worker runs: one pipeline, or two side by side (``compare``)."""


@dataclasses.dataclass(frozen=True)
class Chunk:
    """A contiguous range of the population's logins.

    Attributes
    ----------
    index
        Chunk number (results are reassembled in this order).
    start
        Population index of the first login (for per-login seeds and ``global`` resets).
    payloads
        Login JSON payloads.
    login_ids, user_ids
        The logins' ids, from the population's frame.
    """

    index: int
    start: int
    payloads: Sequence[str]
    login_ids: Sequence[str]
    user_ids: Sequence[str | None]


_PIPELINES: dict[str, Any] = {}


def _build(spec: PipelineSpec) -> Any:
    from rulesim.pipeline import Pipeline

    return Pipeline(spec.rules, spec.configuration, limits=spec.limits,
                    services=spec.services, options=spec.options, seed=spec.seed,
                    on_redirect=spec.on_redirect, continue_handler=spec.continue_handler,
                    actions=spec.actions, action_secrets=spec.action_secrets,
                    action_settings=spec.action_settings)


def _pipeline(spec: AnySpec) -> Any:
    key = spec.key
    pipe = _PIPELINES.get(key)
    if pipe is None:
        _PIPELINES.clear()
        if isinstance(spec, PairSpec):
            from rulesim.paired import PairedPipeline

            pipe = PairedPipeline(_build(spec.baseline), _build(spec.candidate), spec.prefix,
                                  global_prefix=spec.global_prefix,
                                  safe_prefix=spec.safe_prefix)
        else:
            pipe = _build(spec)
        _PIPELINES[key] = pipe
    return pipe


def run_chunk(spec: AnySpec, chunk: Chunk, *, crash_at: int | None = None) -> Any:
    """Run one chunk of logins and return their records.

    ``global`` and the fake user store start empty at every chunk so that results depend only
    on the population and seed, not on which worker ran which chunk. (Chunks never split one
    user's logins; see ``Population.chunk_bounds``.) A :class:`PairSpec` returns a
    :class:`~rulesim.records.PairColumns`, a :class:`PipelineSpec` a
    :class:`~rulesim.records.Columns`.
    """
    pipe = _pipeline(spec)
    if isinstance(spec, PairSpec):
        pipe.login_by_login(False)
    pipe.reset()
    sink: Any = spec.new_sink()
    n = len(chunk.payloads)
    if crash_at is not None and chunk.start <= crash_at < chunk.start + n:
        n = crash_at - chunk.start  # test hook: the engine kills the process at crash_at
    pipe.run_many(chunk.payloads[:n], chunk.start, sink, login_ids=chunk.login_ids[:n],
                  user_ids=chunk.user_ids[:n])
    if n < len(chunk.payloads):
        os._exit(70)
    pipe.collect(sink)
    return sink.pack(spec.rule_names())


def worker_main(conn: Connection, out: Connection | None = None) -> None:
    """Loop of a local worker process: receive specs and chunks, send back records.

    Messages in: ``("spec", PipelineSpec)``, ``("chunk", Chunk, crash_at)``,
    ``("login", Chunk, crash_at)`` (run login by login, answering after each), ``("stop",)``.
    Messages out: ``("done", chunk_index, Columns)``, ``("login", chunk_index, k, Columns)``,
    ``("error", chunk_index, text)``.
    """
    os.environ.setdefault("TZ", "UTC")
    # Work the engine cannot interrupt (a catastrophic regular expression) ends the process.
    watchdog.enable_hard_limit()
    reply = out if out is not None else conn
    spec: AnySpec | None = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        except Exception:
            # An object this process cannot unpickle (a handler defined in a module it cannot
            # import, say): report it instead of dying, so the caller gets a clear error.
            reply.send(("error", -1, "the worker could not read its instructions:\n"
                        + traceback.format_exc()))
            continue
        kind = msg[0]
        if kind == "stop":
            return
        if kind == "spec":
            spec = msg[1]
            continue
        chunk, crash_at = msg[1], msg[2]
        assert spec is not None
        try:
            if kind == "chunk":
                reply.send(("done", chunk.index, run_chunk(spec, chunk, crash_at=crash_at)))
            else:
                for k in range(len(chunk.payloads)):
                    one = Chunk(chunk.index, chunk.start + k, chunk.payloads[k:k + 1],
                                chunk.login_ids[k:k + 1], chunk.user_ids[k:k + 1])
                    sink = _run_single(spec, one, crash_at, reset=(k == 0))
                    reply.send(("login", chunk.index, k, sink))
                reply.send(("done", chunk.index, None))
        except KeyboardInterrupt:
            return
        except Exception:
            reply.send(("error", chunk.index, traceback.format_exc()))


def _run_single(spec: AnySpec, chunk: Chunk, crash_at: int | None, *, reset: bool) -> Any:
    pipe = _pipeline(spec)
    if isinstance(spec, PairSpec):
        pipe.login_by_login(True)
    if reset:
        pipe.reset()
    sink: Any = spec.new_sink()
    if crash_at is not None and chunk.start == crash_at:
        os._exit(70)
    pipe.run(chunk.payloads[0], chunk.start, sink, login_id=chunk.login_ids[0],
             user_id=chunk.user_ids[0])
    pipe.collect(sink)
    return sink


def serve(argv: Sequence[str]) -> None:
    """Serve as a worker process: ``argv`` holds the inbox and outbox file descriptors."""
    import signal

    # Ctrl-C goes to the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = Connection(int(argv[0]), writable=False)
    outbox = Connection(int(argv[1]), readable=False)
    worker_main(inbox, outbox)

