"""Coverage of post-login Actions: the instrumenter of :mod:`rulesim.coverage` over a module.

A Rule is one function expression; an Action is a CommonJS module, so its top-level statements
are counted too and the counters are set up at the start of its first line (after a ``'use
strict'`` prologue), inside the module's own scope: no line moves, so error lines stay right.
Each instrumented Action is registered like an instrumented rule: its probes are reported under
its row name, with its code as the source (:class:`~rulesim.coverage.RuleCoverage`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from rulesim.coverage import instrumentation as cov
from rulesim.errors import UsageError
from rulesim.sources import Action, ActionSet, Rule

__all__ = ["instrument_actions", "instrument_module"]


def instrument_module(code: str, *, key: str) -> tuple[str, tuple[cov.Probe, ...]]:
    """Rewrite an Action module so that it counts its statements, functions and branch arms.

    Returns
    -------
    instrumented_code, probes
        Every original line at the same line number; probes indexed by counter.

    Raises
    ------
    UsageError
        If the module does not parse.
    """
    prefix = b"\n"                                     # row r of the buffer is line r
    buf = prefix + code.encode()
    root = cov.parser().parse(buf).root_node
    if root.has_error:
        raise UsageError(f"cannot instrument action {key!r}: its code does not parse")
    inst = cov.Instrumenter(buf, len(prefix))
    statements = list(root.named_children)
    inst._statements(statements, 0)
    for child in root.children:
        inst.walk(child, 1)
    n = len(inst.probes)
    setup = (f"var {cov.COUNTERS}=(function(){{var R=globalThis.{cov.GLOBAL_NAME};if(!R){{R={{}};"
             f"Object.defineProperty(globalThis,'{cov.GLOBAL_NAME}',{{value:R,configurable:true}});}}"
             f"var c=R[{cov.js_string(key)}]=[];for(var i=0;i<{n};i++)c.push(0);return c;}})();"
             f"function {cov.TRUTHY}(v,k){{if(v){cov.COUNTERS}[k]++;else {cov.COUNTERS}[k+1]++;return v;}}"
             f"function {cov.NULLISH}(v,k){{if(v===null||v===undefined){cov.COUNTERS}[k]++;"
             f"else {cov.COUNTERS}[k+1]++;return v;}}")
    at = len(prefix)
    for stmt in statements:                            # after a 'use strict' prologue
        if stmt.type != "comment" and not cov.is_directive(stmt):
            break
        if cov.is_directive(stmt):
            at = stmt.end_byte
    inst.insert(at, 1, -1, setup)
    return cov.splice(code, inst.inserts), tuple(inst.probes)


def instrument_actions(actions: ActionSet, names: Sequence[str] | None = None) -> ActionSet:
    """A copy of an Action set whose Actions that run count what they run.

    ``names`` are the Actions' row names (default: their own names); counters are keyed by
    them. Instrumenting an instrumented set is a no-op.
    """
    row = dict(zip(actions.names, names or actions.names, strict=True))
    active = {a.name for a in actions.active}
    out: list[Action] = []
    for action in actions:
        if action.name not in active or _registered(action.code):
            out.append(action)
            continue
        code, probes = instrument_module(action.code, key=row[action.name])
        new = dataclasses.replace(action, code=code)
        original = Rule(name=row[action.name], source=action.code, order=action.order)
        cov.REGISTRY[_sha(code)] = (original, probes)
        out.append(new)
    return actions._with(out)


def _sha(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _registered(code: str) -> bool:
    return _sha(code) in cov.REGISTRY
