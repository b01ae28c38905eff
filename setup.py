"""Build rulesim's four C extensions; everything else is in pyproject.toml.

* ``rulesim.runtime._hostc``: the compiled host functions (hashes, HMAC, pbkdf2, the clock),
  on OpenSSL. Without it (no C compiler, or no Python or OpenSSL headers) rulesim uses the
  same functions written in Python (rulesim/runtime/native.py), with the same answers.
* ``rulesim.runtime._watchdog``: the CPU watchdog's budget, interrupt handler and ``tick()``,
  run inside the engine without the GIL. Without it (no C compiler or Python headers) the
  watchdog is Python's (rulesim/runtime/watchdog.py), about 2% slower.
* ``rulesim.runtime._intl``: Node's locale-sensitive built-ins (localeCompare,
  toLocaleString, ...) on ICU. Without it (no ICU headers: ``apt-get install libicu-dev``)
  those methods keep QuickJS's own formats, which differ from Node's.
* ``rulesim.runtime._tracker``: the Rules view's change tracker, JSON serialiser and reader,
  and quick test of the built-ins (30-tracking.js). Without it (no C compiler or Python
  headers) the change rows come from tracking proxies: about 40% slower, and blind to a
  write that does not go through them (to an object two parts share, or in new objects a
  rule hands its callback); and logins are read by the engine's JSON.parse.

All are optional: a build that fails skips the extension, and rulesim still installs.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "rulesim.runtime._hostc",
            sources=["rulesim/runtime/_hostc.c"],
            depends=["rulesim/runtime/_quickjs_abi.h"],
            libraries=["crypto"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
        Extension(
            "rulesim.runtime._watchdog",
            sources=["rulesim/runtime/_watchdog.c"],
            depends=["rulesim/runtime/_quickjs_abi.h", "rulesim/runtime/_quickjs_internals.h"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
        Extension(
            "rulesim.runtime._intl",
            sources=["rulesim/runtime/_intl.c"],
            depends=["rulesim/runtime/_quickjs_abi.h"],
            libraries=["icui18n", "icuuc"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
        Extension(
            "rulesim.runtime._tracker",
            sources=["rulesim/runtime/_tracker.c"],
            depends=["rulesim/runtime/_quickjs_abi.h", "rulesim/runtime/_quickjs_internals.h",
                     "rulesim/runtime/_tracker_snapshot.h", "rulesim/runtime/_tracker_json.h",
                     "rulesim/runtime/_tracker_parse.h", "rulesim/runtime/_tracker_parse_units.h",
                     "rulesim/runtime/_tracker_intrinsics.h", "rulesim/runtime/_tracker_tokens.h",
                     "rulesim/runtime/_tracker_record.h"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
    ]
)
