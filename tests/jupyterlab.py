"""Drive a real JupyterLab in a real Chromium: the helpers behind ``tests/test_browser.py``.

``JupyterLab`` starts ``jupyter lab`` on a free localhost port with a random token, over a
scratch copy of ``notebooks/`` (so autosave never touches the committed notebooks), with its
own settings, workspaces and runtime folders (so a developer's JupyterLab state never leaks
in), and stops its whole process group on exit, failure or not. ``chromium_path`` finds the
browser Playwright is pointed at: the Debian ``chromium`` package, never a downloaded one.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or point "
                "RULESIM_CHROMIUM at a Chromium/Chrome executable")


def chromium_path() -> str | None:
    """The Chromium executable for Playwright: ``$RULESIM_CHROMIUM`` or one on ``PATH``."""
    given = os.environ.get("RULESIM_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when the test process dies.

    The server runs in a session of its own (so that stopping it reaches its whole group);
    this makes sure it does not outlive a test run that is killed before it can clean up.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_SETTINGS = {
    # The news and update checks open a toast over the notebook on first start.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # No autosave (the copy is scratch anyway); start the notebook's kernel without asking.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
        {"autosave": False, "autoStartDefaultKernel": True},
    # Every cell stays in the page (no virtual scrolling), so a test can wait on all of them.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class JupyterLab:
    """``jupyter lab`` over a scratch copy of the notebooks, for one test session.

    Parameters
    ----------
    workdir
        An empty folder for the copy (``notebooks/``, with ``datasets/`` beside it as the
        notebooks expect) and for JupyterLab's settings and logs.
    timeout
        Seconds to wait for the server to answer.

    Attributes
    ----------
    url, token
        The server's address and its random token (``url`` has no token in it).
    log
        The server's stdout and stderr.
    """

    def __init__(self, workdir: Path, *, timeout: float = 120.0) -> None:
        self.workdir = workdir
        self.timeout = timeout
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "jupyter-lab.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def notebook_url(self, name: str) -> str:
        """The address that opens ``notebooks/<name>`` in JupyterLab, token included."""
        return f"{self.url}/lab/tree/notebooks/{name}?token={self.token}&reset"

    def __enter__(self) -> JupyterLab:
        (self.workdir / "notebooks").mkdir()
        for nb in (ROOT / "notebooks").glob("*.ipynb"):
            shutil.copy(nb, self.workdir / "notebooks" / nb.name)
        (self.workdir / "datasets").symlink_to(ROOT / "datasets")
        settings = self.workdir / "lab-settings"
        for name, values in _SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
               "JUPYTER_CONFIG_DIR": str(self.workdir / "config"),
               "JUPYTERLAB_SETTINGS_DIR": str(settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "workspaces")}
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.workdir}", "--allow-root",
                   # window.jupyterapp: run JupyterLab's own commands, as its menus do.
                   "--LabApp.expose_app_in_browser=True"]
        with self.log.open("wb") as out:
            self._proc = subprocess.Popen(command, cwd=self.workdir, env=env, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True, preexec_fn=_die_with_parent)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self._proc.returncode}:\n"
                                   f"{self.log.read_text(errors='replace')[-4000:]}")
            try:
                self._api("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"jupyter lab did not answer within {self.timeout:.0f} s:\n"
                           f"{self.log.read_text(errors='replace')[-4000:]}")

    def _api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def _shutdown_kernels(self) -> None:
        """Ask the server to stop its kernels (they run in sessions of their own)."""
        try:
            kernels = self._api("/api/kernels")
            for kernel in kernels if isinstance(kernels, list) else []:
                self._api(f"/api/kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass  # the server is going down anyway; SIGTERM below stops what is left

    def stop(self) -> None:
        """Stop the server, its kernels and anything else in its process group."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        self._shutdown_kernels()
        for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # Kernels and simulation workers share the group: make sure none outlives the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# The notebook in the main area has a kernel, connected and idle.
_KERNEL_READY = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = widget && widget.sessionContext && widget.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def open_and_run_all(page: Any, lab: JupyterLab, name: str, *, timeout_ms: float = 240_000) -> None:
    """Open ``notebooks/<name>`` in ``page``, run all its cells from the Run menu, and wait
    until every code cell has run (each prompt shows its execution count) and the kernel is idle.

    Raises
    ------
    AssertionError
        When a cell raised (its output shows a traceback).
    """
    page.goto(lab.notebook_url(name))
    page.wait_for_function(_KERNEL_READY, timeout=timeout_ms)
    # The saved notebook shows the counts of its last run: clear them (Edit > Clear Outputs of
    # All Cells), so that a count appearing below means this run; then Run > Run All Cells.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                 .every(p => !/\\d/.test(p.textContent))""", timeout=timeout_ms)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=idle]');
            return prompts.length > 0 && idle !== null
                && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=timeout_ms)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          ).filter(has_text="Traceback")
    assert errors.count() == 0, errors.first.inner_text()
