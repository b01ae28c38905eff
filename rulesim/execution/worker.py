"""The worker side of the process boundary: untrusted rules run here, never in the caller.

A worker process receives a :class:`~rulesim.execution.jobs.Job` and a
:class:`~rulesim.execution.chunks.PopulationRef` once, builds the runner (one QuickJS context,
rules compiled once) and then runs chunks given by their bounds: it renders the chunk's logins
itself, runs them and returns an :class:`~rulesim.execution.results.EncodedChunk`. The same
:func:`run_chunk` serves the local process pool and the Dask backend.

A local worker also watches its caller: when the caller's process ends (killed, a notebook
kernel restarted) the worker ends within a second, even while a rule loops inside the engine.
"""

from __future__ import annotations

import gc
import os
import select
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import Job, Runner
from rulesim.execution.results import EncodedChunk, encode_chunk
from rulesim.runtime import watchdog

__all__ = ["EXIT_CRASH_TEST", "EXIT_ORPHANED", "GC_THRESHOLD", "freeze_long_lived", "run_chunk",
           "serve", "watch_parent", "worker_main"]

EXIT_CRASH_TEST = 70
"""Exit status of a worker that the ``crash_at`` test hook ended (as if the engine crashed)."""

EXIT_ORPHANED = 75
"""Exit status of a worker that found its caller gone."""

IDLE_SECONDS = 60.0
"""A worker left idle this long ends by itself (the caller keeps idle workers for its next run:
:class:`~rulesim.execution.local.LocalExecutor`)."""

_RUNNERS: dict[str, Runner] = {}

GC_THRESHOLD = 10_000
"""Container allocations between two young collections in a local worker (Python's default
is 700). A chunk allocates its rows by the hundred thousand and frees them when it is sent;
with the default, the collector ran some twenty times a chunk and traversed the chunk's
live rows each time (3% of a worker's time on the acme tenant)."""

_tune_gc = False


def _runner(job: Job) -> Runner:
    key = job.key
    runner = _RUNNERS.get(key)
    if runner is None:
        _RUNNERS.clear()
        runner = job.build()
        _RUNNERS[key] = runner
        if _tune_gc:
            freeze_long_lived()
    return runner


def freeze_long_lived() -> None:
    """Keep the objects alive now (modules, the job, the runner) out of every later
    collection, and collect the young generation less often (:data:`GC_THRESHOLD`).

    For a process that serves chunks and nothing else (a local worker): what it holds between
    chunks lives until it ends, so the collector's traversals of it are wasted work.
    """
    gc.unfreeze()   # (a runner built before this one is garbage now)
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, older, oldest)


PROGRESS_SECONDS = 0.25
"""How often, at most, a worker reports the logins done in the chunk it runs."""


def run_chunk(job: Job, population: PopulationRef, chunk: Chunk, *,
              crash_at: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> EncodedChunk:
    """Render and run one chunk of logins; return its encoded records.

    ``global`` and the fake user store start empty at every chunk so that results depend only
    on the population and seed, not on which worker ran which chunk. (Chunks never split one
    user's logins; see ``Population.chunk_bounds``.) ``progress(chunk_index, done)`` is called
    at most every :data:`PROGRESS_SECONDS` while the chunk runs.
    """
    runner = _runner(job)
    job.begin(runner, login_by_login=False)
    logins = population.render(chunk.start, chunk.stop)
    sink = job.new_sink()
    n = len(logins.payloads)
    if crash_at is not None and chunk.start <= crash_at < chunk.start + n:
        n = crash_at - chunk.start  # test hook: the engine kills the process at crash_at
    report = None
    if progress is not None:
        last = time.monotonic()

        def report(done: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_SECONDS:
                last = now
                progress(chunk.index, done)

    runner.run_many(logins.payloads[:n], chunk.start, sink, login_ids=logins.login_ids[:n],
                    user_ids=logins.user_ids[:n], on_progress=report)
    if n < len(logins.payloads):
        os._exit(EXIT_CRASH_TEST)
    runner.collect(sink)
    return encode_chunk(job, chunk.index, sink.pack(job.rule_names()), logins.attributes)


def run_logins(job: Job, population: PopulationRef, chunk: Chunk, crash_at: int | None,
               send: Callable[[tuple[Any, ...]], None]) -> None:
    """Run a chunk login by login (crash recovery), reporting after each login.

    Sends ``("ids", index, login_ids, user_ids, attributes)`` first, so that the caller can
    write the row of a login that kills this process, then ``("login", index, k, sink)`` per
    login and ``("done", index, None)``.
    """
    runner = _runner(job)
    job.begin(runner, login_by_login=True)
    logins = population.render(chunk.start, chunk.stop)
    send(("ids", chunk.index, logins.login_ids, logins.user_ids, logins.attributes))
    for k, payload in enumerate(logins.payloads):
        if crash_at is not None and chunk.start + k == crash_at:
            os._exit(EXIT_CRASH_TEST)
        sink = job.new_sink()
        runner.run(payload, chunk.start + k, sink, login_id=logins.login_ids[k],
                   user_id=logins.user_ids[k])
        runner.collect(sink)
        send(("login", chunk.index, k, sink))
    send(("done", chunk.index, None))


def worker_main(conn: Connection, out: Connection | None = None, *,
                idle_seconds: float | None = None) -> None:
    """Loop of a local worker process: receive a job, a population and chunks; send records.

    Messages in: ``("job", Job)``, ``("population", PopulationRef)``,
    ``("chunk", Chunk, crash_at)``, ``("login", Chunk, crash_at)`` (run login by login, see
    :func:`run_logins`), ``("stop",)``. Messages out: ``("done", index, EncodedChunk)``,
    ``("progress", index, logins_done)`` while a chunk runs, those of :func:`run_logins`, and
    ``("error", index, text)`` for a failure outside any rule.
    With ``idle_seconds``, the loop ends when no message came for that long.
    """
    global _tune_gc
    os.environ.setdefault("TZ", "UTC")
    _tune_gc = True
    # Work the engine cannot interrupt (a catastrophic regular expression) ends the process.
    watchdog.enable_hard_limit()
    reply = out if out is not None else conn
    job: Job | None = None
    population: PopulationRef | None = None
    while True:
        try:
            if idle_seconds is not None and not conn.poll(idle_seconds):
                return
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
        if kind == "job":
            job = msg[1]
            continue
        if kind == "population":
            population = msg[1]
            continue
        chunk, crash_at = msg[1], msg[2]
        assert job is not None and population is not None
        try:
            if kind == "chunk":
                reply.send(("done", chunk.index, run_chunk(
                    job, population, chunk, crash_at=crash_at,
                    progress=lambda index, done: reply.send(("progress", index, done)))))
            else:
                run_logins(job, population, chunk, crash_at, reply.send)
        except KeyboardInterrupt:
            return
        except Exception:
            reply.send(("error", chunk.index, traceback.format_exc()))


def watch_parent(inbox_fd: int, parent: int, *, interval: float = 0.5) -> threading.Thread:
    """End this process as soon as the caller's is gone, whatever the main thread is doing.

    Two signs, checked by a daemon thread: the caller's end of the inbox pipe closes (the
    kernel closes it when the caller dies, however it dies), or this process was handed to
    another parent. ``os._exit`` ends the process even while the main thread runs a rule in
    the engine (the engine runs without the GIL). Not a parent-death signal: that follows the
    caller's *thread* that started the worker, and ``simulate`` may run in a thread that ends
    before the run's workers do (the notebook Explorer runs it in one).
    """
    poller = select.poll()
    poller.register(inbox_fd, 0)  # hang-up and errors are always reported

    def watch() -> None:
        while True:
            if poller.poll(int(interval * 1000)) or os.getppid() != parent:
                os._exit(EXIT_ORPHANED)

    thread = threading.Thread(target=watch, name="rulesim-parent-watch", daemon=True)
    thread.start()
    return thread


def serve(argv: Sequence[str]) -> None:
    """Serve as a worker process.

    ``argv``: the inbox and outbox file descriptors, then optionally the caller's process id
    (to end with it) and the seconds after which an idle worker ends (default
    :data:`IDLE_SECONDS`).
    """
    import signal

    # Ctrl-C goes to the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox_fd, outbox_fd = int(argv[0]), int(argv[1])
    if len(argv) > 2:
        watch_parent(inbox_fd, int(argv[2]))
    idle = float(argv[3]) if len(argv) > 3 else IDLE_SECONDS
    worker_main(Connection(inbox_fd, writable=False), Connection(outbox_fd, readable=False),
                idle_seconds=idle)
