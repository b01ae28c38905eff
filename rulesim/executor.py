"""Split a population into chunks and run them in worker processes, surviving crashes.

The local executor keeps its own small pool of spawned processes (not
``ProcessPoolExecutor``: when a worker dies we must know exactly which chunk it held). Each
worker gets the pipeline spec once and then one chunk at a time. If a worker dies, the chunk
is re-run login by login in a fresh worker; the login that kills the engine becomes an
``error`` row with code ``sandbox_crash`` and no other login is lost.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from rulesim.errors import ErrorCode, MissingExtraError, SandboxError
from rulesim.records import Columns, PairColumns
from rulesim.runtime.watchdog import EXIT_CPU_LIMIT
from rulesim.runtime.worker import AnySpec, Chunk, PairSpec, PipelineSpec, run_chunk

__all__ = ["LocalExecutor", "WorkerSession", "run_dask", "sandbox_crash_rows"]

ChunkSource = Callable[[], Iterator[Chunk]]


class _Worker:
    """A worker process started with ``python -m rulesim.runtime._worker_main``.

    A plain subprocess (not ``multiprocessing``) so that the caller's ``__main__`` is never
    re-imported: scripts without an ``if __name__ == "__main__"`` guard and notebooks work.
    Messages travel as pickles over two pipes passed to the child.
    """

    def __init__(self, spec: AnySpec) -> None:
        self.spec = spec
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # The caller's import path, so picklable handlers defined in its modules resolve.
        path = os.pathsep.join(p for p in sys.path if p)
        env = {**os.environ, "TZ": "UTC", "PYTHONPATH": path}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rulesim.runtime._worker_main", str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w), env=env, stdin=subprocess.DEVNULL,
            start_new_session=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.out = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        self.out.send(("spec", spec))
        self.chunk: Chunk | None = None
        self.mode = "chunk"
        self.partial: Any = spec.new_sink()
        self.done_logins = 0

    def send(self, chunk: Chunk, mode: str, crash_at: int | None) -> None:
        self.chunk = chunk
        self.mode = mode
        self.partial = self.spec.new_sink()
        self.done_logins = 0
        self.out.send((mode, chunk, crash_at))

    def alive(self) -> bool:
        return self.proc.poll() is None

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


def sandbox_crash_rows(spec: AnySpec, chunk: Chunk, k: int, detail: str,
                       exit_code: int | None = None) -> Any:
    """Records for a login whose worker process died while running it.

    A worker ended by the hard CPU watchdog (exit status
    :data:`~rulesim.runtime.watchdog.EXIT_CPU_LIMIT`) gives a ``cpu_limit`` error; any other
    death a ``sandbox_crash``.
    """
    if isinstance(spec, PairSpec):
        return PairColumns(sandbox_crash_rows(spec.baseline, chunk, k, detail, exit_code),
                           sandbox_crash_rows(spec.candidate, chunk, k, detail, exit_code))
    sink = Columns()
    names = spec.rule_names()
    orders = spec.row_orders()
    n = len(names)
    if exit_code == EXIT_CPU_LIMIT:
        code = ErrorCode.CPU_LIMIT
        message = (f"CPU time limit exceeded in work the engine could not interrupt (a "
                   f"catastrophic regular expression?); the worker was ended after "
                   f"{spec.limits.cpu_ms:g} ms of CPU and the rule that was running is unknown")
        flag = "cpu_limit"
    else:
        code = ErrorCode.SANDBOX_CRASH
        message = (f"the sandbox process died while running this login ({detail}); "
                   "the rule that was running is unknown")
        flag = "sandbox_crash"
    sink.add_login(
        login_id=chunk.login_ids[k], user_id=chunk.user_ids[k], outcome="error",
        error_code=code.value, error_message=message,
        app_error=spec.limits.error_mapping, deciding_rule=None, mfa_required=False,
        mfa_provider=None, redirect_url=None, id_token="{}", access_token="{}", scopes="",
        saml=None, primary_user=None, dropped_claims="[]", cpu_ms=0.0, latency_ms=0.0,
        rules_run=0, flags=flag)
    sink.add_rule_runs(chunk.login_ids[k], names, orders, ["skipped"] * n, [None] * n,
                       [None] * n, [0] * n, [0.0] * n, [0.0] * n, [0] * n, [0] * n, [""] * n,
                       kinds=spec.row_kinds())
    return sink


class LocalExecutor:
    """Runs chunks on a pool of local worker processes (spawn start method).

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
        # Records of a chunk being retried login by login, gathered across worker deaths.
        self._pending_tails: dict[int, list[Any]] = {}

    def run(self, spec: AnySpec, chunks: Iterator[Chunk], total_chunks: int,
            on_chunk: Callable[[int, Any], None]) -> bool:
        """Run every chunk; call ``on_chunk(index, columns)`` as each completes (any order).

        Returns
        -------
        bool
            True when every chunk completed; False when interrupted (Ctrl-C), in which case
            the chunks already reported are all there is.
        """
        pool: list[_Worker] = []
        retry: deque[Chunk] = deque()
        idle: list[_Worker] = []
        busy: dict[Connection, _Worker] = {}
        pending = iter(chunks)
        exhausted = False
        try:
            for _ in range(min(self.workers, max(total_chunks, 1))):
                w = _Worker(spec)
                pool.append(w)
                idle.append(w)
            while True:
                while idle:
                    if retry:
                        chunk, mode = retry.popleft(), "login"
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
                    if exhausted and not retry:
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
                    self._handle(msg, w, busy, idle, on_chunk)
                for w in dead:
                    self._dead(w, spec, busy, retry, on_chunk)
                    pool.remove(w)
                    nw = _Worker(spec)
                    pool.append(nw)
                    idle.append(nw)
        except KeyboardInterrupt:
            return False
        finally:
            for w in pool:
                if w.alive() and w.conn not in busy:
                    w.stop()
                else:
                    w.kill()

    def _handle(self, msg: tuple[Any, ...], w: _Worker, busy: dict[Connection, _Worker],
                idle: list[_Worker], on_chunk: Callable[[int, Any], None]) -> None:
        kind = msg[0]
        if kind == "login":
            w.partial.extend(msg[3])
            w.done_logins += 1
            return
        if kind == "error":
            raise SandboxError(f"a worker failed outside any rule:\n{msg[2]}")
        assert w.chunk is not None
        if w.mode == "chunk":
            on_chunk(w.chunk.index, msg[2])
        else:
            merged = w.spec.new_sink()
            for part in [*self._pending_tails.pop(w.chunk.index, []), w.partial]:
                merged.extend(part)
            on_chunk(w.chunk.index, merged)
        del busy[w.conn]
        w.chunk = None
        idle.append(w)

    def _dead(self, w: _Worker, spec: AnySpec, busy: dict[Connection, _Worker],
              retry: deque[Chunk], on_chunk: Callable[[int, Any], None]) -> None:
        self.crashes += 1
        del busy[w.conn]
        chunk = w.chunk
        assert chunk is not None
        w.kill()
        code = w.proc.returncode
        if w.mode == "chunk":
            # Re-run the whole chunk login by login to find the login that kills the engine.
            retry.append(chunk)
            return
        k = w.done_logins
        result = w.partial
        result.extend(sandbox_crash_rows(spec, chunk, k, f"exit code {code}", code))
        rest = k + 1
        if rest < len(chunk.payloads):
            # The remaining logins continue in a fresh worker, still one by one.
            tail = Chunk(chunk.index, chunk.start + rest, chunk.payloads[rest:],
                         chunk.login_ids[rest:], chunk.user_ids[rest:])
            self._pending_tails.setdefault(chunk.index, []).append(result)
            retry.append(tail)
            return
        parts = self._pending_tails.pop(chunk.index, [])
        merged = spec.new_sink()
        for p in [*parts, result]:
            merged.extend(p)
        on_chunk(chunk.index, merged)


class WorkerSession:
    """One long-lived worker process for many small runs (``run_login``, test suites).

    Starting a worker costs a fraction of a second; a session keeps one alive and re-sends
    the pipeline spec only when it changes. If the worker dies, the login it was running
    becomes a ``sandbox_crash`` row and the next call starts a fresh worker.
    """

    def __init__(self) -> None:
        self._worker: _Worker | None = None
        self._spec_key: str | None = None

    def run(self, spec: PipelineSpec, chunk: Chunk) -> Columns:
        """Run one chunk in the session's worker and return its records."""
        key = spec.key
        if self._worker is None or not self._worker.alive():
            self.close()
            self._worker = _Worker(spec)
            self._spec_key = key
        elif key != self._spec_key:
            self._worker.out.send(("spec", spec))
            self._spec_key = key
        w = self._worker
        result = Columns()
        try:
            w.send(chunk, "login", None)
            while True:
                msg = w.conn.recv()
                if msg[0] == "login":
                    result.extend(msg[3])
                elif msg[0] == "done":
                    return result
                else:
                    raise SandboxError(f"a worker failed outside any rule:\n{msg[2]}")
        except (EOFError, OSError):
            exit_code = w.proc.wait(timeout=10)
            self.close()
            result.extend(sandbox_crash_rows(spec, chunk, len(result),
                                             f"the worker process died, exit code {exit_code}",
                                             exit_code))
            return result

    def close(self) -> None:
        """Stop the worker process, if any."""
        if self._worker is not None:
            if self._worker.alive():
                self._worker.stop()
            else:
                self._worker.kill()
        self._worker = None
        self._spec_key = None


def run_dask(spec: AnySpec, chunks: Sequence[Chunk], client: Any,
             on_chunk: Callable[[int, Any], None]) -> bool:
    """Run chunks on a Dask cluster with the same chunk function as the local pool."""
    try:
        from distributed import as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingExtraError("dask", "dask[distributed]", "executor='dask'") from None
    spec_future = client.scatter(spec, broadcast=True)
    futures = {client.submit(_dask_chunk, spec_future, chunk, pure=False): chunk.index
               for chunk in chunks}
    for fut in as_completed(futures):
        on_chunk(futures[fut], fut.result())
    return True


def _dask_chunk(spec: AnySpec, chunk: Chunk) -> Any:
    return run_chunk(spec, chunk)


