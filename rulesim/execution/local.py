"""Run chunks on local worker processes, surviving crashes.

The local executor keeps its own small pool of worker processes (not ``ProcessPoolExecutor``:
when a worker dies we must know exactly which chunk it held). Each worker gets the job and the
population reference once and then chunk bounds only. If a worker dies, its chunk is re-run
login by login in a fresh worker; the login that kills the engine becomes an ``error`` row
with code ``sandbox_crash`` and no other login is lost.

Starting a worker (a Python process importing rulesim and pandas) costs about a second, as
much as running several thousand logins. Workers that finish a run healthy therefore wait in a
process-wide pool for the next run (a notebook re-running a cell, the Explorer, a test suite);
one left idle for :data:`~rulesim.execution.worker.IDLE_SECONDS` ends by itself, and all end
with the caller's process.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from rulesim.errors import SandboxError
from rulesim.execution.chunks import Chunk, PopulationRef
from rulesim.execution.jobs import Job
from rulesim.execution.preload import worker_environment
from rulesim.execution.results import EncodedChunk, encode_chunk

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WORKER_BOOT", "LocalExecutor", "WorkerSession", "shutdown_idle_workers"]

OnChunk = Callable[[EncodedChunk], None]


WORKER_BOOT = ("import sys, runpy\n"
               "if sys.path and sys.path[0] == '':\n"
               "    del sys.path[0]\n"
               "runpy.run_module('rulesim.execution._worker_main', run_name='__main__', alter_sys=True)\n")
"""What a worker process runs (``python -c``): :mod:`rulesim.execution._worker_main`, found on
the caller's import path alone. ``python -m`` would put the directory the caller was started
from first, and a ``rulesim`` folder there (a checkout of another version) would be the
worker's instead of the caller's."""


class _Worker:
    """A worker process that runs :mod:`rulesim.execution._worker_main` (:data:`WORKER_BOOT`).

    A plain subprocess (not ``multiprocessing``) so that the caller's ``__main__`` is never
    re-imported: scripts without an ``if __name__ == "__main__"`` guard and notebooks work.
    Messages travel as pickles over two pipes passed to the child; the child also watches the
    inbox pipe to end with its caller (:func:`~rulesim.execution.worker.watch_parent`).
    """

    def __init__(self, job: Job, population: PopulationRef) -> None:
        self.job = job
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # The caller's import path, so picklable handlers defined in its modules resolve.
        path = os.pathsep.join(p for p in sys.path if p)
        # The allocator: mimalloc when the system has it (see rulesim.execution.preload).
        env = worker_environment({**os.environ, "TZ": "UTC", "PYTHONPATH": path})
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER_BOOT, str(to_child_r),
             str(from_child_w), str(os.getpid())],
            pass_fds=(to_child_r, from_child_w), env=env, stdin=subprocess.DEVNULL,
            start_new_session=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.out = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        self.keys = ("", "")
        self.assign(job, population)
        self.chunk: Chunk | None = None
        self.mode = "chunk"
        self.partial: Any = job.new_sink()
        self.done_logins = 0

    def assign(self, job: Job, population: PopulationRef) -> None:
        """Give the worker a job and a population (sent only when they changed)."""
        self.job = job
        keys = (job.key, population.key)
        if keys[0] != self.keys[0]:
            self.out.send(("job", job))
        if keys[1] != self.keys[1]:
            self.out.send(("population", population))
        self.keys = keys

    def send(self, chunk: Chunk, mode: str, crash_at: int | None) -> None:
        self.chunk = chunk
        self.mode = mode
        self.partial = self.job.new_sink()
        self.done_logins = 0
        self.out.send((mode, chunk, crash_at))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ended_idle(self) -> bool:
        """It ended by itself, idle, before reading the chunk just sent (not a crash)."""
        if self.mode != "chunk":
            return False
        try:
            return self.proc.wait(timeout=10) == 0
        except subprocess.TimeoutExpired:
            return False

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.out.send(("stop",))
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._close()

    def _close(self) -> None:
        for c in (self.out, self.conn):
            if not c.closed:
                c.close()


class _Idle:
    """Healthy workers between runs, for the next run of this process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []

    def take(self, n: int, job: Job, population: PopulationRef) -> list[_Worker]:
        """``n`` workers ready for ``job``: idle ones first, new ones for the rest."""
        with self._lock:
            ready = [w for w in self._workers if w.alive()]
            taken, self._workers = ready[:n], ready[n:]
        out = []
        for w in taken:
            try:
                w.assign(job, population)
            except OSError:  # it ended meanwhile (idle too long)
                w.kill()
                continue
            out.append(w)
        return out + [_Worker(job, population) for _ in range(n - len(out))]

    def give_back(self, workers: list[_Worker]) -> None:
        with self._lock:
            self._workers.extend(workers)
            extra = self._workers[: max(0, len(self._workers) - (os.cpu_count() or 1))]
            self._workers = self._workers[len(extra):]
        for w in extra:
            w.stop()

    def shutdown(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            if w.alive():
                w.stop()
            else:
                w.kill()


_IDLE = _Idle()
atexit.register(_IDLE.shutdown)


def shutdown_idle_workers() -> None:
    """Stop the workers kept for the next run (they also end by themselves when idle)."""
    _IDLE.shutdown()


@dataclasses.dataclass
class _Ids:
    """A chunk's login ids and population rows, sent by a worker running it login by login."""

    start: int
    login_ids: list[str]
    user_ids: list[str | None]
    attributes: pd.DataFrame

    def crash_rows(self, job: Job, index: int, detail: str, exit_code: int | None) -> Any:
        k = index - self.start
        return job.crash_rows(self.login_ids[k], self.user_ids[k], detail, exit_code)


class LocalExecutor:
    """Runs chunks on a pool of local worker processes.

    Parameters
    ----------
    workers
        Number of worker processes (at least 1; the caller's process never runs rules).
    crash_at
        Testing hook: the worker running this population index exits abruptly, as if the
        engine had crashed.
    cancel
        When set (from another thread: a notebook's Cancel button), the run stops within a
        fraction of a second, like Ctrl-C: workers are killed, finished chunks are kept.
    """

    def __init__(self, workers: int, *, crash_at: int | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.workers = max(1, int(workers))
        self.crash_at = crash_at
        self.cancel = cancel
        self.crashes = 0
        # Chunks being retried login by login: ids, and records gathered across worker deaths.
        self._ids: dict[int, _Ids] = {}
        self._pending_tails: dict[int, list[Any]] = {}

    def run(self, job: Job, population: PopulationRef, chunks: Iterator[Chunk],
            total_chunks: int, on_chunk: OnChunk,
            on_partial: Callable[[int, int], None] | None = None) -> bool:
        """Run every chunk; call ``on_chunk(encoded)`` as each completes (any order).

        ``on_partial(chunk_index, logins_done)`` reports progress inside chunks still running.

        Returns
        -------
        bool
            True when every chunk completed; False when interrupted (Ctrl-C, ``cancel``), in
            which case the chunks already reported are all there is.
        """
        pool: list[_Worker] = []
        retry: deque[Chunk] = deque()  # run login by login (a worker died running them)
        again: deque[Chunk] = deque()  # run whole (a kept worker had ended, idle)
        idle: list[_Worker] = []
        busy: dict[Connection, _Worker] = {}
        pending = iter(chunks)
        exhausted = False
        try:
            pool = _IDLE.take(min(self.workers, max(total_chunks, 1)), job, population)
            idle.extend(pool)
            while True:
                while idle:
                    if retry:
                        chunk, mode = retry.popleft(), "login"
                    elif again:
                        chunk, mode = again.popleft(), "chunk"
                    elif not exhausted:
                        try:
                            chunk, mode = next(pending), "chunk"
                        except StopIteration:
                            exhausted = True
                            break
                    else:
                        break
                    w = idle.pop()
                    # A worker that died before the chunk arrived is found dead below.
                    with contextlib.suppress(OSError):
                        w.send(chunk, mode, self.crash_at)
                    busy[w.conn] = w
                if not busy:
                    if exhausted and not retry and not again:
                        return True
                    continue
                dead: list[_Worker] = []
                if self.cancel is not None and self.cancel.is_set():
                    return False
                for conn in wait(list(busy), timeout=0.2 if self.cancel is not None else None):
                    w = busy[conn]  # type: ignore[index]
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        dead.append(w)
                        continue
                    self._handle(msg, w, busy, idle, on_chunk, on_partial)
                for w in dead:
                    self._dead(w, job, busy, again if w.ended_idle() else retry, on_chunk)
                    pool.remove(w)
                    nw = _Worker(job, population)
                    pool.append(nw)
                    idle.append(nw)
        except KeyboardInterrupt:
            return False
        finally:
            healthy = [w for w in pool if w.alive() and w.conn not in busy]
            for w in pool:
                if w not in healthy:
                    w.kill()
            _IDLE.give_back(healthy)

    def _handle(self, msg: tuple[Any, ...], w: _Worker, busy: dict[Connection, _Worker],
                idle: list[_Worker], on_chunk: OnChunk,
                on_partial: Callable[[int, int], None] | None = None) -> None:
        kind = msg[0]
        if kind == "progress":
            if on_partial is not None:
                on_partial(msg[1], msg[2])
            return
        if kind == "ids":
            assert w.chunk is not None
            self._ids.setdefault(msg[1], _Ids(w.chunk.start, msg[2], msg[3], msg[4]))
            return
        if kind == "login":
            w.partial.extend(msg[3])
            w.done_logins += 1
            if on_partial is not None:
                on_partial(msg[1], w.done_logins)
            return
        if kind == "error":
            raise SandboxError(f"a worker failed outside any rule:\n{msg[2]}")
        assert w.chunk is not None
        if w.mode == "chunk":
            on_chunk(msg[2])
        else:
            self._finish(w.job, w.chunk.index, w.partial, on_chunk)
        del busy[w.conn]
        w.chunk = None
        idle.append(w)

    def _finish(self, job: Job, index: int, last: Any, on_chunk: OnChunk) -> None:
        """Merge the parts of a chunk run login by login and report it."""
        merged = job.new_sink()
        for part in [*self._pending_tails.pop(index, []), last]:
            merged.extend(part)
        ids = self._ids.pop(index)
        on_chunk(encode_chunk(job, index, merged.pack(job.rule_names()), ids.attributes))

    def _dead(self, w: _Worker, job: Job, busy: dict[Connection, _Worker],
              retry: deque[Chunk], on_chunk: OnChunk) -> None:
        del busy[w.conn]
        chunk = w.chunk
        assert chunk is not None
        w.kill()
        code = w.proc.returncode
        if w.mode == "chunk":
            # Re-run the whole chunk login by login to find the login that kills the engine
            # (``retry`` is the queue of whole chunks when the worker had just ended, idle).
            self.crashes += code != 0
            retry.append(chunk)
            return
        self.crashes += 1
        ids = self._ids.get(chunk.index)
        if ids is None:
            raise SandboxError(f"a worker process died (exit code {code}) before it ran any "
                               f"login of logins {chunk.start}-{chunk.stop - 1}")
        at = chunk.start + w.done_logins
        result = w.partial
        result.extend(ids.crash_rows(job, at, f"exit code {code}", code))
        if at + 1 < chunk.stop:
            # The remaining logins continue in a fresh worker, still one by one.
            self._pending_tails.setdefault(chunk.index, []).append(result)
            retry.append(Chunk(chunk.index, at + 1, chunk.stop))
            return
        self._finish(job, chunk.index, result, on_chunk)


class WorkerSession:
    """One long-lived worker process for many small runs (``run_login``, test suites).

    Starting a worker costs a fraction of a second; a session keeps one alive and re-sends the
    job or the population only when they change. If the worker dies, the login it was running
    becomes a ``sandbox_crash`` row and the next call starts a fresh worker.
    """

    def __init__(self) -> None:
        self._worker: _Worker | None = None

    def run(self, job: Job, population: PopulationRef, chunk: Chunk) -> Any:
        """Run one chunk login by login in the session's worker and return its records."""
        for _ in range(2):
            w = self._worker
            if w is not None and w.alive():
                with contextlib.suppress(OSError):  # it may have ended meanwhile (idle)
                    w.assign(job, population)
            if w is None or not w.alive():
                self.close()
                w = self._worker = _Worker(job, population)
            result = job.new_sink()
            ids: _Ids | None = None
            try:
                w.send(chunk, "login", None)
                while True:
                    msg = w.conn.recv()
                    if msg[0] == "ids":
                        ids = _Ids(chunk.start, msg[2], msg[3], msg[4])
                    elif msg[0] == "login":
                        result.extend(msg[3])
                    elif msg[0] == "done":
                        return result
                    else:
                        raise SandboxError(f"a worker failed outside any rule:\n{msg[2]}")
            except (EOFError, OSError):
                exit_code = w.proc.wait(timeout=10)
                self.close()
                if ids is None and exit_code == 0:
                    continue  # it ended, idle, just as the chunk was sent: start another
                if ids is None:
                    raise SandboxError(f"the worker process died (exit code {exit_code}) "
                                       "before it ran any login") from None
                result.extend(ids.crash_rows(job, chunk.start + len(result),
                                             f"the worker process died, exit code {exit_code}",
                                             exit_code))
                return result
        raise SandboxError("no worker process could be started")

    def close(self) -> None:
        """Stop the worker process, if any."""
        if self._worker is not None:
            if self._worker.alive():
                self._worker.stop()
            else:
                self._worker.kill()
        self._worker = None
