"""Logins in batches inside JavaScript, and the records a batch keeps in the engine.

:meth:`Pipeline.run_many <rulesim.pipeline.Pipeline.run_many>` hands its logins to a
:class:`BatchRunner`: one engine call runs a batch through the whole rule set. A login that
starts I/O or a timer is driven where it stands by the prelude's copy of the host loop, and
the host answers its operations inside the engine call (:mod:`rulesim.runtime.inline`);
where that cannot be (the records are not deferred, see below) it leaves the batch, the host
finishes it (:mod:`rulesim.runtime.host`), and the batch resumes after it. Batches shrink
while most of their logins leave and grow back when they do not.

Deferred records. When a tenant's rules call a service or the Management API at most logins,
each of those logins would cost a block of its own, written by the prelude, decoded and
appended here. Instead the prelude keeps the record of every finished login of the batches,
those the host finished included, in one pending block in login order
(``js/prelude/80-batch.js``); the runner takes it every :data:`FLUSH_LOGINS` logins, at the
end of a run and before the engine is rebuilt (the sandbox saves it then:
:meth:`~rulesim.runtime.sandbox.Sandbox.rebuild`). What only the host knows of a pending login
waits in a :class:`DeferredRecords`: its ids, the change rows of what its rules persisted
through the Management API, which follow the login's own change rows, and its calls, which go
to the sink with the records, in login order (as many rows in one pass). Only rules without
Actions whose redirects stop defer (the Actions' metadata writes and the ``/continue`` pass of
a redirect need a login's record as soon as it ends). The frames are the same, value for
value, whatever the batch size and whether records are deferred.

>>> pending = DeferredRecords()
>>> pending.extend(["a", "b"], ["u1", "u2"])
>>> pending.add("c", "u1", [[3, "app_metadata", "n", "add", None, "1", 1]])
>>> len(pending), pending.login_ids
(3, ['a', 'b', 'c'])
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rulesim._fastjson import dumps
from rulesim.errors import ErrorCode, SandboxError
from rulesim.records import Columns
from rulesim.runtime._node_errors import reword_block
from rulesim.runtime.engine import EngineError
from rulesim.runtime.inline import InlineHost
from rulesim.runtime.rows import LoginBlock, engine_failure_block
from rulesim.runtime.sandbox import Status
from rulesim.sources import Rule

if TYPE_CHECKING:
    from rulesim.pipeline import Pipeline
    from rulesim.runtime.host import LoginHost

__all__ = ["FLUSH_LOGINS", "BatchRunner", "DeferredRecords", "login_seed"]


def login_seed(seed: int, index: int) -> int:
    """The 32-bit seed of one login, from the run seed and the login's population index.

    It depends only on (seed, index), so results do not depend on how logins are split
    over workers.
    """
    x = (seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & (2**64 - 1)
    x ^= x >> 31
    x = (x * 0xD6E8FEB86659FD93) & (2**64 - 1)
    x ^= x >> 32
    return x & 0xFFFFFFFF


FLUSH_LOGINS = 64
"""Most logins whose records wait in the engine (as many as one batch holds before it ends:
what the records take from a login's memory limit is no more than without deferring)."""

LOST_MESSAGE = ("the engine failed after this login had run and could not hand over its "
                "record (see the login that failed next)")
"""The error message of a login whose deferred record an engine failure took with it."""


class DeferredRecords:
    """The logins whose records the engine holds, in order, and what the host knows of them.

    Attributes
    ----------
    login_ids, user_ids
        The pending logins, in the order of their records.
    persisted
        ``(index, rows)``: a pending login's Management API writes, as
        :meth:`~rulesim.records.Columns.add_changes` takes them.
    calls
        ``(login_id, rows)``: the calls of the logins the host drove, as
        :meth:`~rulesim.records.Columns.add_calls` takes them; they go to the sink, in order,
        with the records (:meth:`write_calls`).
    """

    def __init__(self) -> None:
        self.login_ids: list[str] = []
        self.user_ids: list[str | None] = []
        self.persisted: list[tuple[int, list[list[Any]]]] = []
        self.calls: list[tuple[str, list[list[Any]]]] = []

    def __len__(self) -> int:
        return len(self.login_ids)

    def extend(self, login_ids: Sequence[str], user_ids: Sequence[str | None]) -> None:
        """Add logins whose records the engine kept (batched logins: nothing persisted)."""
        self.login_ids.extend(login_ids)
        self.user_ids.extend(user_ids)

    def add(self, login_id: str, user_id: str | None, persisted: list[list[Any]],
            calls: list[list[Any]] | None = None) -> None:
        """Add a login the host drove, with the change rows of its persisted writes and the
        rows of its calls."""
        if persisted:
            self.persisted.append((len(self.login_ids), persisted))
        if calls:
            self.calls.append((login_id, calls))
        self.login_ids.append(login_id)
        self.user_ids.append(user_id)

    def write_calls(self, sink: Columns, names: Sequence[str]) -> None:
        """Append the calls gathered so far to ``sink`` (the calls table is written in login
        order: before any later login's calls)."""
        if self.calls:
            sink.add_calls_of(self.calls, names, "initial")
            self.calls = []

    def clear(self) -> None:
        """Forget every pending login (and calls not written yet)."""
        self.login_ids = []
        self.user_ids = []
        self.persisted = []
        self.calls = []

    def flush(self, sink: Columns, block: LoginBlock, *, names: Sequence[str],
              orders: Sequence[int], kinds: Sequence[str], sources: Sequence[Rule],
              majors: Sequence[int] | None = None) -> None:
        """Append ``block``, the records of every pending login, and their persisted writes.

        A login's persisted writes follow its own change rows, as when it is recorded alone.

        Raises
        ------
        SandboxError
            When the block does not hold one record per pending login (a fault of the
            sandbox, not a rule's: the run stops rather than give rows to the wrong logins).
        """
        if block.n != len(self.login_ids):
            raise SandboxError(f"the engine handed over {block.n} deferred records for "
                               f"{len(self.login_ids)} pending logins")
        self.write_calls(sink, names)
        reword_block(block, sources, majors)  # V8's wording and line for QuickJS's (fidelity)
        start = len(sink.data["changes"]["login_id"])
        sink.add_block(block, self.login_ids, self.user_ids, names, orders, "initial",
                       kinds=kinds)
        sink.add_persisted_changes(start, block.changes["login"], self.persisted,
                                   self.login_ids, names, "initial")
        self.clear()

    def lose(self, sink: Columns, *, names: Sequence[str], orders: Sequence[int],
             kinds: Sequence[str], positions: Sequence[int], error_mapping: str) -> None:
        """Record every pending login as failed: the engine failed and took their records.

        Only when the engine could not hand them over even with its memory limit lifted; the
        persisted writes are appended (they happened), and their calls.
        """
        self.write_calls(sink, names)
        for j, (login_id, user_id) in enumerate(zip(self.login_ids, self.user_ids, strict=True)):
            zeros = [0.0] * len(positions)
            block = engine_failure_block(
                len(names), positions, 0, ErrorCode.SANDBOX_CRASH.value, LOST_MESSAGE,
                cpu_us=zeros, io_ms=zeros, calls=[0] * len(positions), cpu_begin_us=0.0,
                io_total_ms=0.0, error_mapping=error_mapping)
            sink.add_block(block, [login_id], [user_id], names, orders, "initial", kinds=kinds)
            for k, rows in self.persisted:
                if k == j:
                    sink.add_changes(login_id, names, rows, "initial")
        self.clear()


class BatchRunner:
    """Runs a pipeline's consecutive logins in batches (see the module docstring).

    Parameters
    ----------
    pipe
        The pipeline whose sandbox, host and login policy the batches use.

    Attributes
    ----------
    now
        Logins the next batch takes (adapts between 1 and the pipeline's ``batch_size``).
    defer
        Whether the batches keep their records in the engine (rules without Actions whose
        redirects stop).
    pending
        The logins whose records the engine keeps.
    inline
        Whether a login that needs the host stays in its batch, driven by the prelude's host
        loop while the host answers its operations (:mod:`rulesim.runtime.inline`), when the
        records are deferred and the engine can (``Sandbox.inline_ready``); False: it leaves
        the batch and the host loop here finishes it. The frames are the same either way.

    Examples
    --------
    >>> import rulesim as rs
    >>> from rulesim.pipeline import Pipeline
    >>> pipe = Pipeline([rs.Rule.from_source("r", "function (u, c, cb) { cb(null, u, c); }")], {})
    >>> pipe.batches.defer, pipe.batches.now
    (True, 64)
    >>> Pipeline(pipe.all_rules, {}, on_redirect="continue").batches.defer
    False
    """

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe
        self.now = pipe.batch_size
        self.leaves = 0
        self.defer = pipe.n_actions == 0 and pipe.on_redirect != "continue" and bool(pipe.active)
        self.inline = True
        self.pending = DeferredRecords()

    def run_many(self, payloads: Sequence[str], start: int, sink: Columns, *,
                 login_ids: Sequence[str], user_ids: Sequence[str | None],
                 on_progress: Callable[[int], None] | None = None) -> None:
        """Run consecutive logins (population indexes ``start``, ``start + 1``, …) into ``sink``.

        The same as calling :meth:`Pipeline.run <rulesim.pipeline.Pipeline.run>` for each in
        turn. Logins run in batches of up to ``batch_size`` inside one engine call; a login
        whose rules need the host is driven inside its batch (:attr:`inline`), or leaves it
        and continues on the host loop, and the batch then resumes after it. Batches shrink
        while most of their logins leave (rules that call services for every login gain
        nothing from a batch) and grow back when they do not. ``on_progress(done)`` is
        called with the logins done so far between batches (it only reports).
        """
        pipe = self.pipe
        n = len(payloads)
        k = 0
        # Without rules every login leaves its batch at its first Action: no batches then.
        one_by_one = pipe.batch_size <= 1 or (pipe.n_actions > 0 and not pipe.active)
        self._drop_pending()
        while k < n:
            if on_progress is not None and k:
                on_progress(k)
            if one_by_one:
                pipe.run(payloads[k], start + k, sink, login_id=login_ids[k],
                         user_id=user_ids[k])
                k += 1
                continue
            end = min(n, k + self.now)
            # A batch never spans a reset of `global` (the reset runs before its first login).
            for x in range(k + 1, end):
                if pipe.limits.resets_global_before(start + x):
                    end = x
                    break
            self.leaves = 0
            done = self._run_batch(payloads, start, k, end, sink, login_ids, user_ids)
            if len(self.pending) >= FLUSH_LOGINS:
                self._flush_pending(sink)
            if self.leaves * 4 > done - k:
                self.now = max(1, self.now // 2)
            elif self.leaves == 0:
                self.now = min(pipe.batch_size, self.now * 2)
            k = done
        self._flush_pending(sink)

    def _run_batch(self, payloads: Sequence[str], start: int, lo: int, hi: int, sink: Columns,
                   login_ids: Sequence[str], user_ids: Sequence[str | None]) -> int:
        """Run logins ``lo`` to ``hi - 1`` as one batch; return the index to continue at."""
        pipe, defer, pending = self.pipe, self.defer, self.pending
        sb = pipe.sandbox
        if pipe.limits.resets_global_before(start + lo):
            sb.reset_global()
        prepared = [pipe._persisted(payloads[x], user_ids[x]) for x in range(lo, hi)]
        seeds = [login_seed(pipe.seed, start + x) for x in range(lo, hi)]
        inline = (InlineHost(pipe.host, login_ids[lo:hi], user_ids[lo:hi], seeds,
                             payloads[lo:hi], prepared)
                  if self.inline and defer and sb.inline_ready else None)
        sb.port.host = inline
        k = lo
        try:
            block = sb.run_batch("[" + ",".join(prepared) + "]", dumps(seeds), defer=defer,
                                 inline=inline is not None)
            if inline is not None:
                inline.raise_error()
            while True:
                # The logins the batch finished: their records, or (deferred) their ids, the
                # records waiting in the engine unless a rebuild brought them all along.
                if not defer:
                    done = block.n
                    pipe._add(sink, block, None, login_ids[k:k + done], user_ids[k:k + done],
                              "initial")
                else:
                    done = (block.n - len(pending) if block.rebuild
                            else hi - k if block.left is None else lo + int(block.left[0]) - k)
                    self._pend(inline, lo, k, k + done, login_ids, user_ids)
                    if block.rebuild:
                        self._flush(sink, block)
                k += done
                if block.rebuild:
                    # The engine is unreliable after the last login (the memory limit, or a
                    # built-in it could not restore): a fresh engine runs the next batch.
                    pipe.host.engine_failed()
                    return k
                if block.left is None:
                    return k
                rebuilds = sb.rebuilds
                self.leaves += 1
                wrote = self._continue_left(block.left, prepared[k - lo], seeds[k - lo], sink,
                                            login_ids[k], user_ids[k])
                k += 1
                if k >= hi or sb.rebuilds != rebuilds:
                    # Done, or the engine failed while the host drove that login (the batch
                    # went with it): the next batch starts at k.
                    return k
                # Later logins of a user whose metadata that login persisted run on it.
                for x in range(k, hi):
                    if user_ids[x] in wrote:
                        prepared[x - lo] = pipe.host.with_persisted(payloads[x])
                        sb.replace_batch_login(x - lo, prepared[x - lo])
                block = sb.resume_batch(k - lo)
        except EngineError as exc:
            if inline is not None:
                inline.raise_error()   # the host failed, not the engine
            return self._batch_failed(exc, payloads, k, lo, hi, prepared, seeds, sink,
                                      login_ids, user_ids, inline)
        finally:
            sb.port.host = None

    def _pend(self, inline: InlineHost | None, lo: int, a: int, b: int,
              login_ids: Sequence[str], user_ids: Sequence[str | None]) -> None:
        """Add logins ``a`` to ``b - 1`` of a batch starting at ``lo`` to the pending ones; those
        the batch drove inline come with their calls and persisted writes."""
        if inline is None or not inline.states:
            self.pending.extend(login_ids[a:b], user_ids[a:b])
            return
        run = a
        for x in range(a, b):
            state = inline.take(x - lo)
            if state is None:
                continue
            self.pending.extend(login_ids[run:x], user_ids[run:x])
            self._pend_driven(state, login_ids[x], user_ids[x])
            run = x + 1
        self.pending.extend(login_ids[run:b], user_ids[run:b])

    def _pend_driven(self, state: LoginHost, login_id: str, user_id: str | None) -> None:
        """Add a login the host drove to the pending ones, with its persisted writes and calls."""
        pos_of = self.pipe._step_pos
        self.pending.add(login_id, user_id, [[pos_of[r], target, path, op, before, after, 1]
                                             for r, target, path, op, before, after
                                             in state.persisted],
                         [[pos_of[c[1]] if c[1] >= 0 else -1, *c[2:]] for c in state.calls])

    def _continue_left(self, left: Sequence[Any], payload: str, seed: int, sink: Columns,
                       login_id: str, user_id: str | None) -> set[str]:
        """Finish on the host loop a login that left its batch; the users it persisted for.

        Deferred, its record joins the pending ones: its calls and its persisted writes wait
        with its id.
        """
        pipe = self.pipe
        res = pipe.host.resume_pass(payload, login_id, seed, left)
        rule, status = int(left[1]), int(left[2])
        pipe._steps(res, payload, rule, None if status == int(Status.DONE) else status)
        pipe.host.end_pass(res, pending=self.defer)
        if not self.defer or res.fatal is not None:
            if self.defer:
                # The engine failed and was rebuilt: the records it held first, then this one.
                self._flush(sink, pipe.sandbox.take_salvaged())
            pipe.complete(sink, payload, res, login_id=login_id, user_id=user_id, seed=seed)
            return res.state.wrote
        self._pend_driven(res.state, login_id, user_id)
        if res.block is not None:   # a rebuild follows: every deferred record came along
            self._flush(sink, res.block)
        return res.state.wrote

    def _flush(self, sink: Columns, block: LoginBlock | None) -> None:
        """Append the deferred records ``block`` (None: the engine lost them)."""
        pipe = self.pipe
        if block is not None:
            self.pending.flush(sink, block, names=pipe._names, orders=pipe._orders,
                               kinds=pipe._kinds, sources=pipe._sources,
                               majors=pipe._node_majors)
        elif len(self.pending):
            self.pending.lose(sink, names=pipe._names, orders=pipe._orders, kinds=pipe._kinds,
                              positions=pipe._active_pos, error_mapping=pipe.limits.error_mapping)

    def _flush_pending(self, sink: Columns) -> None:
        """Take the deferred records from the engine and append them."""
        if not len(self.pending):
            return
        try:
            block = self.pipe.sandbox.take_records()
        except EngineError:
            self.pipe.host.engine_failed()   # the rebuild takes them, its memory limit lifted
            block = self.pipe.sandbox.take_salvaged()
        self._flush(sink, block)

    def _drop_pending(self) -> None:
        """Forget deferred records an interrupted run left behind."""
        sandbox = self.pipe.sandbox
        sandbox.take_salvaged()
        if len(self.pending) or sandbox.deferring:
            self.pending.clear()
            with contextlib.suppress(EngineError):
                sandbox.take_records()

    def _batch_failed(self, exc: EngineError, payloads: Sequence[str], k: int, lo: int, hi: int,
                      prepared: list[str], seeds: list[int], sink: Columns,
                      login_ids: Sequence[str], user_ids: Sequence[str | None],
                      inline: InlineHost | None = None) -> int:
        """The engine failed inside a batch (a CPU, memory or stack limit): keep the logins it
        finished, record the failing one as the host loop would, rebuild, continue after it.

        Deferred, the block the engine hands over starts with the records of the logins
        pending before the batch; it is taken with the memory limit lifted (the engine is
        thrown away after it). A login the batch drove ``inline`` is never run again: the host
        answered its operations (its calls and writes happened).
        """
        pipe, deferred = self.pipe, self.defer
        if deferred:
            with contextlib.suppress(EngineError):
                pipe.sandbox.engine.lift_memory_limit()
        done = pipe.sandbox.take_batch()
        if done is None or done.left is None:
            # The engine cannot say how far it got: run the rest login by login (their
            # `global` starts empty, as after any engine failure).
            pipe.host.engine_failed()
            if deferred:
                salvaged = pipe.sandbox.take_salvaged()
                extra = 0 if salvaged is None else max(0, salvaged.n - len(self.pending))
                self._pend(inline, lo, k, k + extra, login_ids, user_ids)
                self._flush(sink, salvaged)
                k += extra
            for x in range(k, hi):
                state = inline.take(x - lo) if inline is not None else None
                if state is not None:
                    # Driven inline, its record went with the engine (as a deferred record
                    # the engine cannot hand over): a crash row, with its writes and calls.
                    self._pend_driven(state, login_ids[x], user_ids[x])
                    self._flush(sink, None)
                    continue
                pipe.run_prepared(pipe._persisted(payloads[x], user_ids[x]), sink,
                                  login_id=login_ids[x], user_id=user_ids[x], seed=seeds[x - lo])
            return hi
        if deferred:
            n = done.n - len(self.pending)
            self._pend(inline, lo, k, k + n, login_ids, user_ids)
            self._flush(sink, done)
        else:
            n = done.n
            pipe._add(sink, done, None, login_ids[k:k + n], user_ids[k:k + n], "initial")
        k += n
        # The host's side of a login the batch was driving inline: its calls and writes, and
        # the times the prelude measured ({cpu, cpuBegin, io, ioTotal}).
        state = inline.take(k - lo) if inline is not None else None
        measured = done.left[2] if len(done.left) > 2 and state is not None else None
        res = pipe.host.failed_pass(prepared[k - lo], login_ids[k], seeds[k - lo],
                                    max(0, int(done.left[1])), exc, state=state,
                                    measured=measured)
        pipe.host.engine_failed()
        pipe._add(sink, pipe._block(res), res, [login_ids[k]], [user_ids[k]], "initial")
        return k + 1
