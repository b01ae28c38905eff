"""The Node side of the differential suite: installs the real npm packages and drives ``node``.

:func:`install_node_packages` runs ``npm ci`` of ``node/package-lock.json`` (exact pinned
versions, the lock file holding every transitive dependency) into a cache folder outside the
repository, once per lock file. The packages include the ``node`` package, which brings Node
18.20.4 (Auth0's last Rules runtime) for this platform; :func:`node_binary` uses it, and falls
back to the ``node`` on ``PATH`` where it could not be installed. :class:`NodeSide` keeps one
``node node/harness.js`` process for the session and runs logins in it; the HTTP requests and
Management API calls the rules make in Node come back over the pipe and are answered here, by
the same fake service table and the same fake user store rulesim uses (see :mod:`diff_mgmt`
for the Management API's REST routes).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import shutil
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from diff_mgmt import ManagementRest

from rulesim.pipeline import MANAGEMENT_LATENCY_MS
from rulesim.runtime.services import HttpRequest, Services
from rulesim.runtime.services.management import ManagementApiError, UserStore

NODE_DIR = Path(__file__).with_name("node")
HARNESS_JS = NODE_DIR / "harness.js"
RULE_UTILITIES_JS = (Path(__file__).parents[2] / "rulesim" / "runtime" / "js" / "modules"
                     / "rule_utilities.js")
CACHE_ENV = "RULESIM_DIFFERENTIAL_DIR"
READ_TIMEOUT_S = 30.0


def cache_root() -> Path:
    """Where the Node side's packages are installed (``$RULESIM_DIFFERENTIAL_DIR`` overrides)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "rulesim" / "differential"


def install_node_packages() -> Path:
    """Install the pinned npm packages (once per lock file); return the folder holding them."""
    lock = (NODE_DIR / "package-lock.json").read_bytes()
    manifest = (NODE_DIR / "package.json").read_bytes()
    key = hashlib.sha256(lock + manifest).hexdigest()[:16]
    target = cache_root() / key
    marker = target / "node_modules" / ".rulesim-complete"
    if marker.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the differential suite needs `npm` on PATH to install the Node side")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NODE_DIR / "package.json", target / "package.json")
    shutil.copyfile(NODE_DIR / "package-lock.json", target / "package-lock.json")
    # Install scripts run: the `node` package's fetches the Node 18 binary for this platform.
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=target,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"npm ci failed in {target}:\n{(proc.stderr or proc.stdout)[-2000:]}")
    marker.write_text(key)
    return target


def node_binary(modules_dir: Path) -> str:
    """The pinned Node 18 the packages brought (Auth0's last Rules runtime), else ``node``."""
    pinned = modules_dir / "node_modules" / ".bin" / "node"
    if pinned.exists():
        probe = subprocess.run([str(pinned), "--version"], capture_output=True, text=True,
                               check=False)
        if probe.returncode == 0:
            return str(pinned)
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the differential suite needs `node` on PATH")
    return node


class NodeSide:
    """One ``node`` process running :data:`HARNESS_JS`; :meth:`run` runs one login in it."""

    def __init__(self, modules_dir: Path) -> None:
        node = node_binary(modules_dir)
        self.proc = subprocess.Popen(
            [node, str(HARNESS_JS), str(modules_dir), str(RULE_UTILITIES_JS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, bufsize=1)
        # A reader thread, so a harness that stops answering fails a test instead of hanging it.
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        hello = self._read()
        self.version: str = str(hello["node"])
        self._ids = 0

    @property
    def major(self) -> int:
        """Node's major version (``20`` for ``v20.20.2``)."""
        return int(self.version.lstrip("v").split(".")[0])

    def close(self) -> None:
        """End the node process."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def _send(self, msg: Mapping[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _read(self, timeout: float = READ_TIMEOUT_S) -> dict[str, Any]:
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise RuntimeError(f"the node harness said nothing for {timeout:g} s") from None
            if not line:
                raise RuntimeError(f"the node harness exited (code {self.proc.poll()})")
            if line.startswith("{"):
                msg: dict[str, Any] = json.loads(line)
                return msg

    def run(self, login: Mapping[str, Any], services: Services, store: UserStore,
            rng_seed: int) -> NodeRun:
        """Run one login; answer its HTTP and Management API calls until it is done."""
        self._ids += 1
        run = NodeRun(services, store, login["user"], rng_seed)
        self._send({"type": "run", "id": self._ids, "probe": login})
        while True:
            msg = self._read()
            if msg["type"] == "done":
                if "error" in msg:
                    raise RuntimeError(f"the node harness failed: {msg['error']}")
                run.result = msg["result"]
                return run
            try:
                answer = run.answer(msg)
            except Exception as exc:  # reported with the result, never swallowed
                run.harness_errors.append(f"{type(exc).__name__}: {exc}")
                answer = {"err": {"code": "EHARNESS", "message": str(exc)}, "latency_ms": 0.0}
            self._send({"type": "answer", "rid": msg["rid"], **answer})


class NodeRun:
    """One login in Node: the calls it made and what it reported."""

    def __init__(self, services: Services, store: UserStore, user: Mapping[str, Any],
                 rng_seed: int) -> None:
        self.services = services
        self.store = store
        self.user = user
        self.rng = random.Random(rng_seed)
        self.rest = ManagementRest(store)
        self.requests: list[HttpRequest] = []
        self.persisted: list[tuple[str, str, str, Any]] = []
        self.result: dict[str, Any] = {}
        self.harness_errors: list[str] = []
        self._observed = False

    def answer(self, msg: Mapping[str, Any]) -> dict[str, Any]:
        """The answer to one bridge request of the harness."""
        if msg["type"] == "mgmt":
            return self._mgmt(str(msg["op"]), msg["args"])
        req = msg["req"]
        request = HttpRequest(method=str(req["method"]).upper(), url=str(req["url"]),
                              headers=dict(req["headers"]), body=req.get("body"), timeout_ms=None)
        if self.rest.handles(request.url):
            self._observe()
            status, body = self.rest.handle(request)
            self.persisted.extend(self.rest.take_changes())
            headers = {"content-type": "application/json"} if body else {}
            return {"res": {"status": status, "headers": headers, "body": body},
                    "latency_ms": MANAGEMENT_LATENCY_MS}
        self.requests.append(request)
        res = self.services.handle(request, self.rng)
        if res.error:
            return {"err": {"code": res.error, "message": res.error_message or res.error},
                    "latency_ms": res.latency_ms}
        return {"res": {"status": res.status, "headers": res.headers, "body": res.body},
                "latency_ms": res.latency_ms}

    def _observe(self) -> None:
        if not self._observed:
            self._observed = True
            self.store.observe(self.user)

    def _mgmt(self, op: str, args: Mapping[str, Any]) -> dict[str, Any]:
        self._observe()
        try:
            _, changes = self.store.call(op, args)
        except ManagementApiError as exc:
            return {"err": {"message": str(exc), "statusCode": exc.status_code},
                    "latency_ms": MANAGEMENT_LATENCY_MS}
        self.persisted.extend((ch.target, _relative(ch.path, ch.target), ch.op, ch.after)
                              for ch in changes)
        return {"res": None, "latency_ms": MANAGEMENT_LATENCY_MS}


def _relative(path: str, target: str) -> str:
    """A store change's path relative to its target, as rulesim's ``changes`` frame has it."""
    if path.startswith(target + "."):
        return path[len(target) + 1:]
    return "" if path == target else path
