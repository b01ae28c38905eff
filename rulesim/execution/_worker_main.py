"""``rulesim.execution._worker_main IN_FD OUT_FD [CALLER_PID [IDLE_SECONDS]]``, run as
``__main__``: a worker.

A module of its own so that running it never re-imports :mod:`rulesim.execution.worker` as
``__main__`` (which the package's imports have already loaded). The local pool starts it with
:data:`rulesim.execution.local.WORKER_BOOT` (``python -m`` works too, from a directory that
holds no other ``rulesim``).
"""

from __future__ import annotations

import sys

from rulesim.execution.worker import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
