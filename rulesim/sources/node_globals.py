"""The globals Node gives a script, and finding the ones rule or Action code uses.

Auth0 ran Rules on Node 18 (its last Rules runtime) and runs Actions on Node 18 or Node 22.
rulesim's sandbox is QuickJS with Node's globals added where rules and Actions use them; some
of Node's globals it does not provide (``Intl``, ``WebAssembly``, the web streams, …). Code that
uses one of those would run in Auth0 and fails in rulesim, so rulesim says so instead of
failing silently:

* at load time, :func:`unsupported_globals` finds the names a source reads from the global
  scope that Node defines and the sandbox lacks, and the loaders warn
  (:class:`~rulesim.RuleSourceWarning`, :class:`~rulesim.ActionSourceWarning`): a
  ``typeof Intl`` test would otherwise quietly take the branch Node never takes;
* at run time, a ``ReferenceError`` naming one of them (:func:`sandbox_lacks`) ends the rule
  or Action with the error code ``unsupported_global``, not as an error of the code.

The lists are Node's own: ``Object.getOwnPropertyNames(globalThis)`` in a script run by Node
18.20.4 and by Node 22.23.3 (the differential suite checks the first against Node 18).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rulesim.sources.syntax import node_text, tree_parser, walk_nodes

__all__ = ["NODE_GLOBALS", "SANDBOX_LACKS", "GlobalUse", "node_major", "sandbox_lacks",
           "unsupported_globals", "unsupported_note"]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NODE18 = _names("""
AbortController AbortSignal AggregateError Array ArrayBuffer Atomics BigInt BigInt64Array
BigUint64Array Blob Boolean BroadcastChannel Buffer ByteLengthQueuingStrategy
CompressionStream CountQueuingStrategy DOMException DataView Date DecompressionStream Error
EvalError Event EventTarget FinalizationRegistry Float32Array Float64Array FormData Function
Headers Infinity Int16Array Int32Array Int8Array Intl JSON Map Math MessageChannel
MessageEvent MessagePort NaN Number Object Performance Promise Proxy RangeError
ReadableByteStreamController ReadableStream ReadableStreamBYOBReader ReadableStreamBYOBRequest
ReadableStreamDefaultController ReadableStreamDefaultReader ReferenceError Reflect RegExp
Request Response Set SharedArrayBuffer String Symbol SyntaxError TextDecoder TextDecoderStream
TextEncoder TextEncoderStream TransformStream TransformStreamDefaultController TypeError
URIError URL URLSearchParams Uint16Array Uint32Array Uint8Array Uint8ClampedArray WeakMap
WeakRef WeakSet WebAssembly WritableStream WritableStreamDefaultController
WritableStreamDefaultWriter atob btoa clearImmediate clearInterval clearTimeout console
decodeURI decodeURIComponent encodeURI encodeURIComponent escape eval fetch global globalThis
isFinite isNaN parseFloat parseInt performance process queueMicrotask setImmediate setInterval
setTimeout structuredClone undefined unescape
""")

_NODE22_ADDS = _names("""
Crypto CryptoKey CustomEvent File Iterator Navigator PerformanceEntry PerformanceMark
PerformanceMeasure PerformanceObserver PerformanceObserverEntryList PerformanceResourceTiming
SubtleCrypto WebSocket crypto navigator
""")

NODE_GLOBALS: dict[int, frozenset[str]] = {18: _NODE18, 22: _NODE18 | _NODE22_ADDS}
"""The names of ``globalThis`` in a script Node runs, by Node major version."""

# What the sandbox does not define, by kind of code and Node version. Rules (Node 18) get
# Node's script globals through modules/node_globals.js; Actions get fetch and its classes
# and AbortController too (actions/node_globals.js). tests/sources/test_node_global_lists.py
# checks both ways in a sandbox: every name here is undefined there, every other name of
# NODE_GLOBALS is defined.
_LACKS_EVERYWHERE = _names("""
Blob BroadcastChannel ByteLengthQueuingStrategy CompressionStream CountQueuingStrategy
DOMException DecompressionStream Event EventTarget Intl MessageChannel MessageEvent
MessagePort Performance ReadableByteStreamController ReadableStream ReadableStreamBYOBReader
ReadableStreamBYOBRequest ReadableStreamDefaultController ReadableStreamDefaultReader
TextDecoderStream TextEncoderStream TransformStream TransformStreamDefaultController
WebAssembly WritableStream WritableStreamDefaultController WritableStreamDefaultWriter
""")
_FETCH = _names("""
fetch Headers Request Response FormData AbortController AbortSignal
""")

_SUBTLE_LACKS = frozenset(f"crypto.subtle.{m}" for m in (
    "encrypt", "decrypt", "sign", "verify", "generateKey", "deriveKey", "deriveBits", "importKey",
    "exportKey", "wrapKey", "unwrapKey"))

SANDBOX_LACKS: dict[tuple[str, int], frozenset[str]] = {
    ("rule", 18): _LACKS_EVERYWHERE | _FETCH,
    ("action", 18): _LACKS_EVERYWHERE,
    # (Node 22's Web Crypto: `crypto` and `Crypto` are there; of `crypto.subtle`, digest.)
    ("action", 22): _LACKS_EVERYWHERE | (_NODE22_ADDS - {"crypto", "Crypto"}) | _SUBTLE_LACKS,
}
"""The globals of Node that a rule (Node 18) or an Action (Node 18 or 22) does not find in the
sandbox, and the members of a global it provides only in part (``crypto.subtle.sign``). (A
tenant with both shares one engine: its Rules also see what the Actions get.)"""


def node_major(runtime: str) -> int:
    """The Node major version of an Action's ``runtime`` (0 when it names none).

    Examples
    --------
    >>> node_major("node22"), node_major("node18-actions"), node_major("python")
    (22, 18, 0)
    """
    m = re.match(r"node(\d+)", runtime)
    return int(m.group(1)) if m else 0


def sandbox_lacks(name: str, major: int = 18) -> bool:
    """Whether ``name`` is a global of Node ``major`` that code of that version may not find in
    the sandbox (for Node 18, a rule's list, which holds an Action's).

    Examples
    --------
    >>> sandbox_lacks("Intl"), sandbox_lacks("URL"), sandbox_lacks("crypto", 22)
    (True, False, False)
    >>> sandbox_lacks("crypto.subtle.sign", 22), sandbox_lacks("crypto.subtle.digest", 22)
    (True, False)
    """
    lacks = SANDBOX_LACKS[("action", 22)] if major >= 22 else SANDBOX_LACKS[("rule", 18)]
    # A member of a member the sandbox lacks is lacking too (`crypto.subtle.sign.call`).
    parts = name.split(".")
    return any(".".join(parts[:n]) in lacks for n in range(len(parts), 0, -1))


@dataclass(frozen=True)
class GlobalUse:
    """A global of Node that code reads and the sandbox lacks.

    Attributes
    ----------
    name
        The global (``Intl``).
    line
        The first line (1-based, in the source) that reads it.
    """

    name: str
    line: int


def unsupported_globals(source: str, *, kind: str = "rule", major: int = 18) -> list[GlobalUse]:
    """The globals of Node that ``source`` reads and the sandbox does not define, first use first.

    A name counts when the code reads it as a variable (``new Intl.NumberFormat()``,
    ``typeof WebAssembly``) and does not declare it itself anywhere in the source (a
    ``const fetch = require('node-fetch')`` is the code's own); so does a member of such a
    global that the sandbox lacks (``crypto.subtle.sign`` on Node 22). Property names
    (``x.Event``) and object keys do not count. The answer needs tree-sitter (the ``coverage`` extra);
    without it the list is empty.

    Parameters
    ----------
    source
        A rule's function expression or an Action's module source.
    kind
        ``"rule"`` or ``"action"``.
    major
        The Node major version the code runs on (18 for Rules).

    Examples
    --------
    >>> src = "function (u, c, cb) { cb(null, u, new Intl.Locale('en').baseName); }"
    >>> [(g.name, g.line) for g in unsupported_globals(src)]
    [('Intl', 1)]
    """
    lacks = SANDBOX_LACKS.get((kind, 22 if major >= 22 else 18))
    if lacks is None:
        raise ValueError(f"kind must be 'rule' or 'action' and major 18 or 22, not {kind!r}, "
                         f"{major!r}")
    return [g for g in _free_reads(source) if g.name in lacks]


@lru_cache(maxsize=512)
def _free_reads(source: str) -> tuple[GlobalUse, ...]:
    parser = tree_parser()
    if parser is None:
        return ()
    root = parser.parse(source.encode("utf-8")).root_node
    declared = set(_declared_names(root))
    first: dict[str, int] = {}
    for node in walk_nodes(root):
        if node.type not in ("identifier", "shorthand_property_identifier"):
            continue
        name = node_text(node)
        if name in declared or not _is_read(node):
            continue
        line = node.start_point[0] + 1
        first.setdefault(name, line)
        # ... and the members read through it, two deep (crypto.subtle.sign)
        path, below = name, node
        for _ in range(2):
            parent = below.parent
            if parent is None or parent.type != "member_expression" or \
                    parent.child_by_field_name("object") != below:
                break
            member = parent.child_by_field_name("property")
            if member is None:
                break
            path = f"{path}.{node_text(member)}"
            first.setdefault(path, line)
            below = parent
    return tuple(GlobalUse(n, line) for n, line in sorted(first.items(), key=lambda x: x[1]))


_BINDING_PARENTS = {
    # parent type -> the field whose identifier it declares
    "variable_declarator": "name",
    "function_declaration": "name",
    "function_expression": "name",
    "function": "name",
    "generator_function_declaration": "name",
    "class_declaration": "name",
    "class": "name",
    "catch_clause": "parameter",
    "import_specifier": "alias",
    "namespace_import": None,
    "import_clause": None,
}


def _declared_names(root: object) -> Iterator[str]:
    """Every name the source declares anywhere (variables, functions, classes, parameters,
    destructured bindings, catch parameters, imports): scope is ignored, which only ever
    hides a global use, never invents one."""
    for node in walk_nodes(root):
        t = node.type
        if t in ("formal_parameters", "array_pattern", "object_pattern"):
            for child in walk_nodes(node):
                if child.type in ("identifier", "shorthand_property_identifier_pattern"):
                    yield node_text(child)
        elif t == "arrow_function":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                yield node_text(param)
        elif t in _BINDING_PARENTS:
            field = _BINDING_PARENTS[t]
            target = node.child_by_field_name(field) if field else None
            if target is None and field is None:
                target = next((c for c in node.named_children if c.type == "identifier"), None)
            if target is not None and target.type == "identifier":
                yield node_text(target)
        elif t == "assignment_expression":
            # `fetch = require('node-fetch')` makes the name the code's own global
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                yield node_text(left)


def _is_read(node: object) -> bool:
    """Whether an identifier node reads a variable (not a statement label)."""
    parent = node.parent  # type: ignore[attr-defined]
    return parent is None or parent.type not in ("labeled_statement", "break_statement",
                                                  "continue_statement")


def unsupported_note(kind: str, name: str, source: str, *, major: int = 18) -> str | None:
    """The load-time warning for a rule or Action that reads globals the sandbox lacks, or None.

    Examples
    --------
    >>> print(unsupported_note("rule", "fmt", "function (u, c, cb) { new Intl.Locale('en'); }"))
    rule `fmt` reads Intl (line 1), a global of Node 18 that the rulesim sandbox does not
    provide: a login that reaches it ends with error code unsupported_global, and a `typeof`
    test of it answers 'undefined' where Auth0's would not
    """
    uses = unsupported_globals(source, kind=kind, major=major)
    if not uses:
        return None
    listed = ", ".join(f"{u.name} (line {u.line})" for u in uses)
    plural = "s" if len(uses) > 1 else ""
    return (f"{kind} `{name}` reads {listed}, {'globals' if plural else 'a global'} of Node "
            f"{22 if major >= 22 else 18} that the rulesim sandbox does not provide: a login "
            f"that reaches {'them' if plural else 'it'} ends with error code unsupported_global, "
            f"and a `typeof` test of {'them' if plural else 'it'} answers 'undefined' where "
            "Auth0's would not")

