"""Worker processes never outlive the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from rulesim.execution.worker import EXIT_ORPHANED

CALLER = textwrap.dedent("""
    import sys
    import rulesim as rs

    loop = rs.Rule.from_source("spin", "function (u, c, cb) { while (true) {} }", order=1)
    print("started", flush=True)
    # A long CPU budget: without the parent check the workers would spin for minutes.
    rs.simulate(rs.RuleSet([loop]), rs.population(40, seed=1), workers=2, chunk_size=10,
                progress=False,
                limits=rs.Limits(cpu_ms=600_000))
""")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after it start at the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker pids from /proc")
def test_workers_busy_with_a_looping_rule_end_within_seconds_of_a_sigkilled_caller(
        tmp_path: Path) -> None:
    script = tmp_path / "caller.py"
    script.write_text(CALLER)
    caller = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    workers: list[int] = []
    try:
        assert caller.stdout is not None
        assert caller.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _children(caller.pid)
        assert len(workers) == 2, "the caller did not start its two workers"
        time.sleep(1.0)  # both are now inside the looping rule
        caller.send_signal(signal.SIGKILL)
        caller.wait(timeout=10)
        killed_at = time.monotonic()
        while any(_alive(w) for w in workers) and time.monotonic() - killed_at < 10:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "a worker outlived its caller by 10 s"
        assert time.monotonic() - killed_at <= 5.0
    finally:
        if caller.poll() is None:
            caller.kill()
            caller.wait(timeout=10)
        if caller.stdout is not None:
            caller.stdout.close()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


def _start_worker(caller_pid: int, idle_seconds: float = 60
                  ) -> tuple[subprocess.Popen[bytes], int, int]:
    inbox_r, inbox_w = os.pipe()
    outbox_r, outbox_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rulesim.execution._worker_main", str(inbox_r), str(outbox_w),
         str(caller_pid), str(idle_seconds)], pass_fds=(inbox_r, outbox_w),
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    os.close(inbox_r)
    os.close(outbox_w)
    return proc, inbox_w, outbox_r


def test_a_worker_inside_a_looping_rule_ends_when_its_callers_end_of_the_inbox_closes() -> None:
    import rulesim as rs
    from rulesim.execution.chunks import Chunk, PopulationRef
    from rulesim.execution.jobs import PipelineJob

    loop = rs.Rule.from_source("spin", "function (u, c, cb) { while (true) {} }", order=1)
    job = PipelineJob.from_ruleset(rs.RuleSet([loop]), limits=rs.Limits(cpu_ms=600_000))
    proc, inbox_w, outbox_r = _start_worker(os.getpid())
    inbox = Connection(inbox_w, readable=False)
    try:
        inbox.send(("job", job))
        inbox.send(("population", PopulationRef.of(rs.population(5, seed=1))))
        inbox.send(("chunk", Chunk(0, 0, 5), None))
        time.sleep(2.0)  # the main thread is now inside the engine, in the loop
        assert proc.poll() is None
        inbox.close()
        closed_at = time.monotonic()
        assert proc.wait(timeout=10) == EXIT_ORPHANED
        assert time.monotonic() - closed_at < 5.0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if not inbox.closed:
            inbox.close()
        os.close(outbox_r)


def test_a_worker_whose_caller_is_already_gone_ends_by_itself() -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    proc, inbox_w, outbox_r = _start_worker(int(gone.stdout))
    try:
        # The inbox stays open here: only the parent check can end it.
        assert proc.wait(timeout=20) == EXIT_ORPHANED
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(inbox_w)
        os.close(outbox_r)


def test_a_worker_left_idle_ends_by_itself_and_a_busy_one_does_not() -> None:
    import rulesim as rs
    from rulesim.execution.chunks import Chunk, PopulationRef
    from rulesim.execution.jobs import PipelineJob

    slow = rs.Rule.from_source("slow", (
        "function (u, c, cb) { var x = 0;"
        " for (var i = 0; i < 2e7; i++) x += i; cb(null, u, c); }"), order=1)
    job = PipelineJob.from_ruleset(rs.RuleSet([slow]), limits=rs.Limits(cpu_ms=600_000))
    proc, inbox_w, outbox_r = _start_worker(os.getpid(), idle_seconds=1.5)
    inbox = Connection(inbox_w, readable=False)
    outbox = Connection(outbox_r, writable=False)
    try:
        inbox.send(("job", job))
        inbox.send(("population", PopulationRef.of(rs.population(8, seed=1))))
        sent = time.monotonic()
        inbox.send(("chunk", Chunk(0, 0, 8), None))
        assert outbox.recv()[0] == "done"
        assert time.monotonic() - sent > 1.5  # the chunk outlasted the idle time: busy is not idle
        started = time.monotonic()
        assert proc.wait(timeout=20) == 0
        assert 1.0 < time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        inbox.close()
        outbox.close()


FREEZER = textwrap.dedent("""
    import gc
    import weakref
    import rulesim as rs
    from rulesim.execution import worker
    from rulesim.execution.jobs import PipelineJob

    def job(name):
        rule = rs.Rule.from_source(name, "function (u, c, cb) { cb(null, u, c); }", order=1)
        return PipelineJob.from_ruleset(rs.RuleSet([rule]), seed=0)

    worker._tune_gc = True
    first = worker._runner(job("a"))
    frozen = gc.get_freeze_count()
    print(frozen > 0, gc.get_threshold()[0] == worker.GC_THRESHOLD,
          not any(o is first for o in gc.get_objects()))
    gone = weakref.ref(first)
    del first
    worker._runner(job("b"))   # the first runner is garbage now: it must not stay frozen
    print(gone() is None)
""")


def test_a_local_worker_keeps_what_it_built_out_of_later_collections_and_refreezes_on_a_new_job(
        ) -> None:
    out = subprocess.run([sys.executable, "-c", FREEZER], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "True True True", out
    assert out[1] == "True", out
