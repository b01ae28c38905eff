"""The native host functions: the only host code a rule's JavaScript can cause to run directly.

A small fixed table. Each function takes and returns strings and numbers only, never raises
(a Python exception would surface in JavaScript as an engine error that rule code could
catch and confuse), and takes no path, command, URL or object: it computes, and that is all.
The sandbox registers them as globals, the prelude takes them into its closure and the
globals are deleted before any rule is compiled, so rule code reaches them only through the
modules that wrap them (``crypto``, and through it ``jsonwebtoken``).

The binding carries strings as C strings, so a NUL character cannot cross in either
direction (the string is cut there). Bytes therefore cross in the ``'bytes'`` encoding: one
character per byte, whose code point is the byte plus one (1-256). Text given as ``'utf8'``
crosses as the JavaScript string itself, when it has no NUL and no lone surrogate, and is
encoded here. Results come back as ``'hex'``, ``'base64'`` or ``'base64url'`` text. The hash
and HMAC calls take the algorithm (or the key) and both encodings as one number
(:func:`code_of`, :func:`hmac_key`): a number crosses far faster than a string. A failure
(an unknown algorithm, a character out of range, a bad encoding) returns the empty string,
which no successful call returns, and the JavaScript side raises the error Node would.

Each function here has a compiled twin in C (``rulesim/runtime/_hostc.c``, see
:func:`compiled`) that answers alike and is installed instead when it was built: it runs in
the engine's own thread, never enters the Python interpreter, and takes any string as
``'utf8'`` text (a NUL is a byte, a lone surrogate becomes U+FFFD as in Node), so the
``crypto`` module skips its text check. ``tick`` (:mod:`rulesim.runtime.watchdog`) stays
Python. With the compiled twins, ``crypto``'s Hash and Hmac objects are the extension's own
digest objects (:data:`DIGEST_FUNCTIONS`), whose methods hash each part in C as it comes.

Examples
--------
>>> digest(code_of("sha256", "utf8", "hex"), "abc")[:16]
'ba7816bf8f01cfea'
>>> digest(code_of("sha1", "bytes", "base64"), "".join(chr(b + 1) for b in b"abc"))
'qZk+NkcGgWq6PiVxeFDCbJzQ2J0='
>>> key = hmac_key("sha256", "utf8", "key")
>>> hmac_keyed(key, "The quick brown fox jumps over the lazy dog")[:16]
'f7bc83f430538424'
>>> digest(8 * len(ALGORITHMS), "abc")   # no such algorithm
''
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
import time
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

from rulesim.errors import NativeBuildError

__all__ = [
    "ALGORITHMS",
    "DIGEST_FUNCTIONS",
    "HOST_FUNCTIONS",
    "INTL_FUNCTIONS",
    "MAX_KEY_HANDLES",
    "MAX_PBKDF2_WORK",
    "TRACKER_FUNCTIONS",
    "NativeFallbackWarning",
    "clock_us",
    "code_of",
    "compiled",
    "compiled_intl",
    "compiled_tracker",
    "digest",
    "extension",
    "hmac_digest",
    "hmac_key",
    "hmac_keyed",
    "locale_note",
    "pbkdf2",
    "tracker_refused",
]

ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
"""The hash algorithms of ``crypto.createHash`` / ``createHmac`` (Node's common names)."""

MAX_PBKDF2_WORK = 20_000_000
"""Most HMAC computations (iterations × output blocks) one ``pbkdf2`` call may do.

Native code cannot be interrupted by the CPU watchdog until it returns, so a call that
would run for many seconds is refused instead; real rules use well under a million."""

_ALGS = frozenset(ALGORITHMS)
_CONSTRUCTORS = {name: getattr(hashlib, name) for name in ALGORITHMS}
_UNSHIFT = {b + 1: b for b in range(256)}
_OUTPUTS = ("hex", "base64", "base64url")
_BY_INDEX = tuple(_CONSTRUCTORS[name] for name in ALGORITHMS)


def _bytes(encoding: Any, data: Any) -> bytes:
    if type(data) is not str:
        raise ValueError("bad input")
    if encoding == "utf8":
        return data.encode("utf-8")
    if encoding == "bytes":
        # Code points 1-256 map to bytes 0-255; anything else fails the latin-1 encoding.
        if "\x00" in data:
            raise ValueError("bad input")
        return data.translate(_UNSHIFT).encode("latin-1")
    raise ValueError("bad input encoding")


def _out(raw: bytes, encoding: Any) -> str:
    if encoding == "hex":
        return raw.hex()
    if encoding == "base64":
        return base64.b64encode(raw).decode("ascii")
    if encoding == "base64url":
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    raise ValueError("bad output encoding")


def code_of(algorithm: str, encoding: str, output: str) -> int:
    """The number that names ``algorithm``, ``encoding`` and ``output`` in :func:`digest`.

    8 × the algorithm's index in :data:`ALGORITHMS`, plus 4 for data in the ``'bytes'``
    encoding (0 for ``'utf8'`` text), plus the output: 0 hex, 1 base64, 2 base64url. Numbers
    cross into a host call far faster than strings do; the ``crypto`` module computes the same
    sum. An HMAC's code is the same sum over its key handle (:func:`hmac_key`) instead.

    >>> code_of("sha256", "bytes", "base64")
    29
    """
    return 8 * ALGORITHMS.index(algorithm) + 4 * (encoding == "bytes") + _OUTPUTS.index(output)


def digest(code: int = -1, data: object = None, *_: object) -> str:
    """Hash ``data`` and return the digest as ``code`` says (:func:`code_of`), or ``''``.

    Parameters
    ----------
    code
        The algorithm, how ``data`` carries its bytes (``'utf8'`` text, or ``'bytes'``: one
        character a byte, shifted by one) and the output encoding, in one number.
    data
        The message.

    Any further arguments are ignored; a bad code or message answers ``''`` (nothing raises).
    """
    try:
        if code < 0 or type(data) is not str:
            return ""
        h = _BY_INDEX[code >> 3](data.encode("utf-8") if not code & 4 else _bytes("bytes", data))
        out = code & 3
        return h.hexdigest() if out == 0 else _out(h.digest(), _OUTPUTS[out])
    except Exception:
        return ""


def _pads(algorithm: str, key: bytes) -> tuple[Any, Any]:
    """The HMAC inner and outer hash states of ``key`` (RFC 2104); :func:`hmac_key` keeps them
    per key, :func:`hmac_digest` computes them for its one call."""
    new = _CONSTRUCTORS[algorithm]
    block = new().block_size
    if len(key) > block:
        key = new(key).digest()
    key = key.ljust(block, b"\x00")
    return (new(bytes(b ^ 0x36 for b in key)), new(bytes(b ^ 0x5C for b in key)))


def _sign(pads: tuple[Any, Any], message: bytes, output: int) -> str:
    """The HMAC of ``message`` from a key's ``pads``, in output code ``output`` (0 is hex)."""
    inner = pads[0].copy()
    inner.update(message)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return str(outer.hexdigest()) if output == 0 else _out(outer.digest(), _OUTPUTS[output])


def hmac_digest(algorithm: str, key_encoding: str, key: str, encoding: str, data: str,
                output: str) -> str:
    """HMAC of ``data`` under ``key``, in ``output`` encoding, or ``''`` on bad input.

    The call for a key without a handle (:func:`hmac_key` answered ``-1``: the table is
    full), so the key's padded hash states are computed for this call alone. Encodings are
    named as in :func:`code_of`; ``key`` is carried like ``data``.
    """
    try:
        if algorithm not in _ALGS:
            return ""
        return _sign(_pads(algorithm, _bytes(key_encoding, key)), _bytes(encoding, data),
                     _OUTPUTS.index(output))
    except Exception:
        return ""


def pbkdf2(algorithm: str, password_encoding: str, password: str, salt_encoding: str,
           salt: str, iterations: object, keylen: object) -> str:
    """PBKDF2-HMAC derived key as hex, or ``''`` on bad input or too much work.

    ``iterations`` and ``keylen`` arrive as JavaScript numbers (floats; typed ``object``
    because the engine hands over whatever the caller passed); they must be whole and
    positive, and the work is capped at :data:`MAX_PBKDF2_WORK`.
    """
    try:
        if algorithm not in _ALGS:
            return ""
        if not (isinstance(iterations, int | float) and isinstance(keylen, int | float)):
            return ""
        n, length = int(iterations), int(keylen)
        if n != iterations or length != keylen or n < 1 or length < 1:
            return ""
        block = hashlib.new(algorithm).digest_size
        if n * -(-length // block) > MAX_PBKDF2_WORK:
            return ""
        raw = hashlib.pbkdf2_hmac(algorithm, _bytes(password_encoding, password),
                                  _bytes(salt_encoding, salt), n, length)
        return raw.hex()
    except Exception:
        return ""


_KEY_HANDLES: dict[tuple[str, str, str], int] = {}
_KEYED: list[tuple[Any, Any]] = []
MAX_KEY_HANDLES = 4096
"""Most distinct HMAC keys given a handle in one process (beyond: :func:`hmac_digest`)."""


def hmac_key(algorithm: str, key_encoding: str, key: str) -> int:
    """A handle for HMACs under ``key`` (:func:`hmac_keyed`), or ``-1`` (bad input, full table).

    The key's padded hash states are computed once; the handle, a multiple of 8, stays valid
    for the life of the process, so an HMAC sends only a number and the message.

    >>> h = hmac_key("sha256", "utf8", "key")
    >>> hmac_keyed(h, "The quick brown fox jumps over the lazy dog")[:16]
    'f7bc83f430538424'
    >>> hmac_key("sha256", "utf8", "key") == h
    True
    """
    try:
        ident = (algorithm, key_encoding, key)
        handle = _KEY_HANDLES.get(ident)
        if handle is not None:
            return handle
        if algorithm not in _ALGS or len(_KEYED) >= MAX_KEY_HANDLES:
            return -1
        _KEYED.append(_pads(algorithm, _bytes(key_encoding, key)))
        handle = _KEY_HANDLES[ident] = (len(_KEYED) - 1) * 8
        return handle
    except Exception:
        return -1


def hmac_keyed(code: int = -1, data: object = None, *_: object) -> str:
    """HMAC of ``data`` under the key of handle ``code & ~7``, or ``''`` on bad input.

    ``code`` is the handle plus 4 for ``data`` in the ``'bytes'`` encoding and the output
    code, as in :func:`code_of`. Any further arguments are ignored; nothing raises.
    """
    try:
        if code < 0 or type(data) is not str:
            return ""
        return _sign(_KEYED[code >> 3],
                     data.encode("utf-8") if not code & 4 else _bytes("bytes", data), code & 3)
    except Exception:
        return ""


_thread_ns = time.thread_time_ns


def clock_us() -> float:
    """CPU time of the calling thread in microseconds, as a float (never truncated).

    The binding silently truncates Python integers of 2³¹ and above, so this is a float:
    exact to the nanosecond for more than a hundred days of CPU time.
    """
    return _thread_ns() / 1000.0


def _total(fn: Callable[..., Any], fallback: str | float) -> Callable[..., Any]:
    """``fn`` that answers ``fallback`` instead of raising, whatever it is called with."""

    def total(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception:
            return fallback

    total.__name__ = fn.__name__
    total.__doc__ = fn.__doc__
    return total


HOST_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "digest": digest,
    "hmacKey": _total(hmac_key, -1),
    "hmac": hmac_keyed,
    "hmacUnkeyed": _total(hmac_digest, ""),
    "pbkdf2": _total(pbkdf2, ""),
    "clockUs": _total(clock_us, 0.0),
}
"""The whole table, by the name the prelude knows each function by. Each is total: a call
with the wrong number of arguments answers the failure value too (the two hot calls take
any arguments themselves; the others through a wrapper)."""


DIGEST_FUNCTIONS = ("digestNew", "digestMethod")
"""The compiled host functions' own digest objects (``rulesim/runtime/_hostc.c``): the
``crypto`` module's Hash and Hmac objects as engine objects with C state, and their methods.
They have no Python twins: with the Python host functions, ``crypto`` keeps its objects in
JavaScript and hashes the whole message at ``digest()``."""

INTL_FUNCTIONS = ("collate", "formatNumber", "formatDate", "changeCase", "resolveLocale")
"""The locale functions of the ICU extension (:func:`compiled_intl`), by the name the prelude
knows each by. They have no Python twins: without the extension, ``localeCompare`` and the
``toLocale…String`` methods keep QuickJS's own answers."""

_loaded: dict[str, ModuleType | None] = {}   # extension module -> the module, or None (absent)
_PACKAGES = {"rulesim.runtime._hostc": "OpenSSL headers (apt-get install gcc python3-dev "
                                       "libssl-dev)",
             "rulesim.runtime._intl": "ICU headers (apt-get install gcc python3-dev "
                                      "libicu-dev)",
             "rulesim.runtime._watchdog": "headers (apt-get install gcc python3-dev)",
             "rulesim.runtime._tracker": "headers (apt-get install gcc python3-dev)"}


def extension(name: str) -> ModuleType | None:
    """The C extension ``name`` (``rulesim.runtime._hostc``, ``_intl``, ``_watchdog``,
    ``_tracker``) as
    ``RULESIM_NATIVE`` allows it (see :func:`compiled`), or None."""
    choice = os.environ.get("RULESIM_NATIVE", "")
    if choice == "python":
        return None
    if name not in _loaded:
        try:
            _loaded[name] = importlib.import_module(name)
        except ImportError:
            _loaded[name] = None
    module = _loaded[name]
    if module is None and choice == "required":
        raise NativeBuildError(
            f"RULESIM_NATIVE=required, but rulesim's C extension {name} is not built: install "
            f"gcc and the Python and {_PACKAGES[name]} and reinstall rulesim")
    return module


def compiled() -> ModuleType | None:
    """The compiled twins of :data:`HOST_FUNCTIONS` (``rulesim.runtime._hostc``), or None.

    The C extension is built when rulesim is installed, if the machine can build it (a C
    compiler, the Python and OpenSSL headers); without it every host function runs as the
    Python above, with the same answers. The C functions run inside the engine's thread
    without the Python interpreter: a hash or HMAC costs a fraction of a microsecond instead
    of a crossing into Python. The environment variable ``RULESIM_NATIVE`` chooses:
    ``python`` always uses the Python functions; ``required`` raises
    :class:`~rulesim.errors.NativeBuildError` when the extension is missing (CI sets it);
    anything else uses the extension when it is there.

    >>> compiled() is None or "digest" in compiled().names()
    True
    """
    module = extension("rulesim.runtime._hostc")
    if module is not None:
        module.set_max_pbkdf2_work(MAX_PBKDF2_WORK)
    return module


def compiled_intl() -> ModuleType | None:
    """The ICU extension (``rulesim.runtime._intl``, :data:`INTL_FUNCTIONS`), or None.

    Built when rulesim is installed on a machine with the ICU headers; it gives rules Node's
    ``localeCompare``, ``toLocaleString``, ``toLocaleDateString``, ``toLocaleTimeString``,
    ``toLocaleUpperCase`` and ``toLocaleLowerCase`` (``modules/intl.js``). ``RULESIM_NATIVE``
    chooses as for :func:`compiled`.

    >>> compiled_intl() is None or "collate" in compiled_intl().names()
    True
    """
    return extension("rulesim.runtime._intl")


TRACKER_FUNCTIONS = ("trackCheck", "trackBegin", "trackCollect", "trackEnd", "json", "joinNumbers",
                     "parseJson", "intrinsicsSnap", "intrinsicsSame", "tokens", "recordPlain")
"""The functions of the change tracker in C (:func:`compiled_tracker`), by the name the
prelude knows each by: the parts' snapshots, the JSON serialiser of the prelude's plain data
(and the records' columns of numbers), the JSON reader of the texts the host hands it
(logins, batches), the pollution check's quick test of the built-ins, the JSON of a
login's tokens and the per-rule columns of a plain login's record."""


def compiled_tracker() -> ModuleType | None:
    """The change tracker in C (``rulesim.runtime._tracker``, :data:`TRACKER_FUNCTIONS`), or None.

    With it the rules get the login's raw objects, and the parts a login records changes of
    (``user.app_metadata``, ``context.idToken``, …) are compared with a snapshot after each
    rule; without it (or with ``RULESIM_TRACKER=proxies``) they go through tracking proxies:
    recording is about 40% slower, and a write that does not go through a proxy (to an
    object two parts share, or in new objects a rule hands its callback) is not seen.
    ``RULESIM_NATIVE`` chooses as for :func:`compiled`. The prelude checks the engine's object
    layout on samples before it uses the tracker, and keeps the proxies if the check fails.

    >>> compiled_tracker() is None or "trackCollect" in compiled_tracker().names()
    True
    """
    if os.environ.get("RULESIM_TRACKER", "") == "proxies":
        return None
    return extension("rulesim.runtime._tracker")


class NativeFallbackWarning(RuntimeWarning):
    """A C extension rulesim built cannot be used here, and a slower Python or JS path runs.

    Raised instead (as :class:`~rulesim.errors.NativeBuildError`) when ``RULESIM_NATIVE`` is
    ``required``.
    """


_tracker_warned = False


def tracker_refused() -> None:
    """Say that the change tracker in C refused this engine (its layout check failed).

    The sandbox then records changes through the tracking proxies, which are slower and miss
    some writes (see :func:`compiled_tracker`): the results can differ from a machine where the
    tracker runs. ``RULESIM_NATIVE=required`` makes this an error; otherwise a
    :class:`NativeFallbackWarning` is issued once per process.

    >>> saved = os.environ.get("RULESIM_NATIVE")
    >>> os.environ["RULESIM_NATIVE"] = "required"
    >>> try:
    ...     tracker_refused()
    ... except NativeBuildError as exc:
    ...     print(str(exc)[:58])
    ... finally:
    ...     if saved is None:
    ...         del os.environ["RULESIM_NATIVE"]
    ...     else:
    ...         os.environ["RULESIM_NATIVE"] = saved
    RULESIM_NATIVE=required, but rulesim's change tracker in C
    """
    global _tracker_warned
    message = ("rulesim's change tracker in C refused this QuickJS build (its check of the "
               "engine's object layout failed: the quickjs package is not the version "
               "rulesim/runtime/_tracker.c was written for); changes are recorded through the "
               "tracking proxies, about 40% slower and blind to writes to an object two parts "
               "share. Install the quickjs version rulesim pins and reinstall rulesim")
    if os.environ.get("RULESIM_NATIVE", "") == "required":
        raise NativeBuildError(f"RULESIM_NATIVE=required, but {message}")
    if not _tracker_warned:
        _tracker_warned = True
        warnings.warn(message, NativeFallbackWarning, stacklevel=3)


_LOCALE_CALL = re.compile(
    r"\.\s*(localeCompare|toLocale(?:Date|Time)?String|toLocale(?:Upper|Lower)Case)\s*\(")


def locale_note(kind: str, name: str, source: str) -> str | None:
    """The warning for code that calls a locale-sensitive method without the ICU extension.

    None when the extension is built (or ``source`` calls none of ``localeCompare``,
    ``toLocaleString``, ``toLocaleDateString``, ``toLocaleTimeString``,
    ``toLocaleUpperCase``, ``toLocaleLowerCase``): without it those methods answer with
    QuickJS's own formats and compare code units, where Node's answers come from ICU.

    >>> compiled_intl() is not None or locale_note("rule", "r", "a.localeCompare(b)") is not None
    True
    >>> locale_note("rule", "r", "function (u, c, cb) { cb(null, u, c); }") is None
    True
    """
    found = _LOCALE_CALL.search(source)
    if found is None or compiled_intl() is not None:
        return None
    line = source.count("\n", 0, found.start()) + 1
    return (f"{kind} `{name}` calls {found.group(1)} (line {line}), and rulesim's ICU extension "
            "is not built: it answers with QuickJS's own formats and code-unit order, not "
            "Node's; install the ICU headers (apt-get install libicu-dev) and reinstall rulesim")
