"""The property names the sandbox's own JavaScript reads, for the check after a polluting login.

A rule that changes a built-in changes what the sandbox's own code does until the check after
the login restores it: a getter on ``Object.prototype`` runs with the login's state as
``this``, a function put under a name the sandbox calls (``toJSON``, ``push``) receives its
internal objects. A rule could keep those in ``global`` and, in a later login, rewrite records
or write claims no change row shows, so such a login is followed by a fresh engine. A key the
sandbox never reads (a polyfill's ``Array.prototype.unique``, ``Object.prototype.isAdmin``)
cannot hand it anything, and the cheaper restore is enough: this module names the keys it
reads, from the sources of the prelude, the Actions runtime, ``require`` and the built-in
modules (which hold the host functions), plus the names the engine itself looks up.

Examples
--------
>>> names = sandbox_property_names()
>>> "toJSON" in names and "push" in names and "partValue" in names
True
>>> "unique" in names
False
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["ENGINE_NAMES", "sandbox_property_names"]

_JS_DIR = Path(__file__).with_name("js")

ENGINE_NAMES = (
    "toJSON", "then", "constructor", "valueOf", "toString", "toLocaleString", "length",
    "prototype", "caller", "callee", "arguments", "name", "message", "stack", "cause", "code",
    "lastIndex", "exec", "flags", "global", "sticky", "unicode", "source", "index", "input",
    "groups", "get", "set", "value", "writable", "enumerable", "configurable", "__proto__",
    "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "next", "done", "return", "throw",
    "raw", "join", "size",
)
"""Names the engine looks up on objects of its own accord (JSON, promises, coercion,
descriptors, regular expressions, iterators), whichever source mentions them."""

_NAME = r"[A-Za-z_$][A-Za-z0-9_$]*"
_READS = (re.compile(r"\.\s*(" + _NAME + ")"), re.compile(r"(" + _NAME + r")\s*:"),
          re.compile(r"['\"](" + _NAME + r")['\"]"))


@functools.cache
def sandbox_property_names() -> frozenset[str]:
    """Every property name the sandbox's JavaScript may read, as a set.

    A name found in the sources as ``.name``, ``name:`` or a quoted ``'name'``, plus
    :data:`ENGINE_NAMES`. Over-inclusive on purpose (comments count): a name wrongly counted
    only costs a rebuild of the engine after a polluting login.
    """
    names: set[str] = set(ENGINE_NAMES)
    for path in sorted(_JS_DIR.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for pattern in _READS:
            names.update(pattern.findall(text))
    return frozenset(names)
