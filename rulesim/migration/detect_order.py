"""Detector of DIFF-ORDER (contract sections 2 and 9): in a mixed tenant every enabled Rule runs
before every bound Action, whatever place the Action's Rule had in the pipeline; and an Action
that asks ``api.rules.wasExecuted(ruleId)`` steps aside on purpose when that Rule ran (private
to :mod:`rulesim.migration`).

The detector reads what each login did: who wrote each claim, stored metadata key and MFA
requirement, in order (:attr:`~rulesim.migration.facts.LoginFacts.writers`), and which units
started (:attr:`~rulesim.migration.facts.LoginFacts.ran`). The only thing it reads in a source
is the rule id an Action asks ``api.rules.wasExecuted`` about; the answer the Action got is
rebuilt from the rules that started in the login.

It takes (difference, Rules-side facts, Actions-side facts, context) and returns
``"DIFF-ORDER"`` or "".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rulesim.migration.diffs import Context, Diff, base, same
from rulesim.migration.facts import LoginFacts, value

__all__ = ["asked_rule_ids", "order"]

CODE = "DIFF-ORDER"
_WAS_EXECUTED = re.compile(r"\brules\s*\.\s*wasExecuted\s*\(\s*(?:(['\"`])([^'\"`$]*)\1"
                           r"|([A-Za-z_$][\w$]*))\s*\)")


@lru_cache(maxsize=256)
def asked_rule_ids(code: str) -> frozenset[str] | None:
    """The rule ids an Action's code asks ``api.rules.wasExecuted`` about.

    Parameters
    ----------
    code
        The Action's code.

    Returns
    -------
    frozenset of str or None
        The ids, given as string literals or as constants declared with one; None when the
        code does not ask, or asks about an id it computes (the answer cannot be rebuilt).
    """
    ids: set[str] = set()
    for m in _WAS_EXECUTED.finditer(code):
        if m.group(1):
            ids.add(m.group(2))
            continue
        name = re.escape(m.group(3))
        decl = re.search(rf"\b(?:const|let|var)\s+{name}\s*=\s*(['\"`])([^'\"`$]*)\1", code)
        if decl is None:
            return None
        ids.add(decl.group(2))
    return frozenset(ids) or None


def _pair(unit: str, kinds: Any, cx: Context) -> str:
    """The Rule a unit stands for: itself when it is a rule, else the Rule its Action replaces."""
    return cx.pairs.rule_for(unit) if kinds.get(unit) == "action" else base(unit)


def _key(d: Diff) -> tuple[str, str] | None:
    if d.kind in ("id_token", "access_token", "metadata"):
        return d.kind, d.field.partition(":")[2]
    return ("mfa", "") if d.kind == "mfa" else None


def _flipped(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> bool:
    """Mixed mode flipped the order of two writers of the value: on one side an Action wrote
    last, after a Rule that ran first only because Rules run before Actions; on the other side
    that Rule (or its Action) wrote last, after the Action's Rule (or the Action) had written
    the value the Action now leaves."""
    key = _key(d)
    if key is None:
        return False
    sides = ((a, r, cx.a_kinds, cx.r_kinds), (r, a, cx.r_kinds, cx.a_kinds))
    for s, o, s_kinds, o_kinds in sides:
        ws, wo = s.writers.get(key), o.writers.get(key)
        if not ws or not wo or len(ws) < 2 or len(wo) < 2:
            continue
        last, written = ws[-1]
        if s_kinds.get(last) != "action":
            continue
        mine, theirs = _pair(last, s_kinds, cx), _pair(wo[-1][0], o_kinds, cx)
        if mine == theirs:
            continue
        if not any(s_kinds.get(u) == "rule" and base(u) == theirs for u, _ in ws[:-1]):
            continue
        # The Action wrote what its Rule (or itself) wrote on the other side: only the order
        # differs, not the value (an Action that writes something else is a regression).
        if any(_pair(u, o_kinds, cx) == mine and same(value(v), value(written))
               for u, v in wo[:-1]):
            d.r_unit, d.a_unit = theirs, last
            return True
    return False


def _guarded(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> bool:
    """An Action asked ``api.rules.wasExecuted`` and stepped aside because the Rule ran (its
    Rule's work is missing), or did not although its own Rule ran (the id asked about is not
    that Rule's: the work is done twice)."""
    ids = {v: k for k, v in cx.rule_ids.items()}
    sides = ((a, r, cx.a_kinds, cx.r_kinds, d.a_unit, d.r_unit),
             (r, a, cx.r_kinds, cx.a_kinds, d.r_unit, d.a_unit))
    for s, _o, s_kinds, o_kinds, s_unit, o_unit in sides:
        rules = [u for u in s.ran if s_kinds.get(u) == "rule"]
        if not rules:
            continue
        started = {cx.rule_ids.get(base(u), "") for u in rules}
        for x in s.ran:
            if s_kinds.get(x) != "action":
                continue
            asked = asked_rule_ids(cx.action_source(x))
            if asked is None:
                continue
            mine = _pair(x, s_kinds, cx)
            answered = sorted(asked & started)
            if answered:
                if s_unit != x and o_unit and _pair(o_unit, o_kinds, cx) == mine:
                    d.r_unit, d.a_unit = ids.get(answered[0], answered[0]), x
                    return True
            elif mine in {base(u) for u in rules} and s_unit and \
                    _pair(s_unit, s_kinds, cx) == mine:
                d.r_unit, d.a_unit = mine, x
                return True
    return False


def order(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-ORDER: a side is a mixed tenant, and what differs follows from its Rules running
    before its Actions: the last writer of a claim, metadata key or MFA requirement flipped
    (names the Rule that wrote last in the Rules' order and the Action that wrote last in the
    mixed flow), or an ``api.rules.wasExecuted`` guard skipped an Action's work, or let it run
    beside its own Rule (names the Action and the Rule it asks about)."""
    if d.kind not in ("outcome", "error") and _flipped(d, r, a, cx):
        return CODE
    return CODE if _guarded(d, r, a, cx) else ""
