"""``python -m rulesim.runtime._worker_main IN_FD OUT_FD``: start a worker process.

A module of its own so that running it never re-imports :mod:`rulesim.runtime.worker` as
``__main__`` (which the package's imports have already loaded).
"""

from __future__ import annotations

import sys

from rulesim.runtime.worker import serve

if __name__ == "__main__":
    serve(sys.argv[1:])
