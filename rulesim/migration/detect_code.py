"""Detectors of the known differences a Rule's or an Action's source explains (contract section
9): what the code reads that the other runtime does not have (private to
:mod:`rulesim.migration`).

Each detector takes (difference, Rules-side facts, Actions-side facts, context) and returns the
code of the known difference that explains it, or "".
"""

from __future__ import annotations

from rulesim.migration.diffs import Context, Diff
from rulesim.migration.facts import LoginFacts
from rulesim.outcomes import LoginOutcome

__all__ = ["appmeta_undef", "shape"]


def appmeta_undef(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind != "outcome" or r.outcome != LoginOutcome.ERROR or a.outcome != LoginOutcome.ALLOWED:
        return ""
    text = r.description
    if "undefined" not in text or ("TypeError" not in text and "Cannot" not in text):
        return ""
    source = cx.rule_source(r.deciding)
    return "DIFF-APPMETA-UNDEF" if "app_metadata" in source else ""


def shape(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind != "outcome" or r.outcome != LoginOutcome.ERROR or a.outcome != LoginOutcome.ALLOWED:
        return ""
    if "undefined" in r.description and "context.request" in cx.rule_source(r.deciding):
        return "DIFF-SHAPE"
    return ""
