"""Detectors of the known differences a Rule's or an Action's source explains (contract section
9): what the code reads that the other runtime does not have (private to
:mod:`rulesim.migration`).

Each detector takes (difference, Rules-side facts, Actions-side facts, context) and returns the
code of the known difference that explains it, or "".
"""

from __future__ import annotations

import re
from functools import lru_cache

from rulesim.migration.diffs import Context, Diff
from rulesim.migration.facts import LoginFacts
from rulesim.outcomes import LoginOutcome

__all__ = ["appmeta_undef", "secrets", "shape", "shared_code", "userfields"]


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


# --- what a source reads ---------------------------------------------------------------------

_USER_FIELDS = ("last_login", "last_ip", "logins_count", "blocked")
"""``user`` fields Rules have and ``event.user`` lacks (``actions.user_extra_fields`` absent)."""
_IDP_TOKENS = re.compile(r"identities\b[^;]*?\.\s*(access_token|refresh_token|access_token_secret)\b")
_PARAMS = re.compile(r"function\s*[\w$]*\s*\(\s*([\w$]+)\s*,\s*([\w$]+)")
_GLOBAL_FUNCTION = re.compile(
    r"\bglobal\.([A-Za-z_$][\w$]*)\s*=\s*(?:global\.\1\s*\|\|\s*)?"
    r"(?:async\s+)?(?:function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)")


def _params(source: str) -> tuple[str, str]:
    """The names a rule gives its ``user`` and ``context`` parameters."""
    m = _PARAMS.search(source)
    return (m.group(1), m.group(2)) if m else ("user", "context")


@lru_cache(maxsize=256)
def _rule_user_fields(source: str) -> frozenset[str]:
    """The fields without an Actions counterpart a rule reads (``user.last_login``, …,
    ``context.connectionOptions``, an identity's IdP token)."""
    from rulesim.sources._reads import reads_members

    if not source:
        return frozenset()
    user, context = _params(source)
    out = {f for f in _USER_FIELDS if reads_members(source, user, (f,))}
    if reads_members(source, context, ("connectionOptions",)):
        out.add("connectionOptions")
    if _IDP_TOKENS.search(source):
        out.add("identities")
    return frozenset(out)


@lru_cache(maxsize=256)
def _action_user_fields(source: str) -> frozenset[str]:
    """The Rules-only fields an Action still reads on ``event.user`` (always undefined)."""
    from rulesim.sources._reads import reads_members

    if not source:
        return frozenset()
    out = {f for f in _USER_FIELDS if reads_members(source, "event.user", (f,))}
    if _IDP_TOKENS.search(source):
        out.add("identities")
    return frozenset(out)


def userfields(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-USERFIELDS: the Rule branches on a field Actions do not have (``last_login``,
    ``last_ip``, ``logins_count``, ``blocked``, IdP tokens, ``context.connectionOptions``), or
    the Action reads one on ``event.user``, where it is undefined."""
    rule, action = cx.units(d, r, a)
    code = cx.action_source(action)
    if _action_user_fields(code):
        return "DIFF-USERFIELDS"
    fields = set(_rule_user_fields(cx.rule_source(rule)))
    if "logins_count" in fields and "stats.logins_count" in code:
        fields.discard("logins_count")   # the Action reads the counterpart: not this difference
    return "DIFF-USERFIELDS" if fields and code else ""


def secrets(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-SECRETS: the Action reads ``event.secrets.X`` that its own secrets do not supply,
    where a Rule read ``configuration.X`` (one global configuration)."""
    from rulesim.sources._reads import reads_members

    _, action = cx.units(d, r, a)
    missing = tuple(cx.missing_secrets.get(action, ()))
    if not missing:
        return ""
    if any(reads_members(source, "configuration", missing) for _, source in cx.rules()):
        return "DIFF-SECRETS"
    return ""


@lru_cache(maxsize=16)
def _shared_functions(rules: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Function name → the first rule that defines it on ``global`` (do not change it)."""
    out: dict[str, str] = {}
    for name, source in rules:
        for m in _GLOBAL_FUNCTION.finditer(source):
            out.setdefault(m.group(1), name)
    return out


def shared_code(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-SHARED-CODE: the Action calls a function a rule defines on ``global`` for later
    rules, and does not define it itself (Actions share no ``global``). Names the defining
    Rule."""
    _, action = cx.units(d, r, a)
    code = cx.action_source(action)
    if not code:
        return ""
    for fn, definer in _shared_functions(tuple(cx.rules())).items():
        used = re.search(rf"(?<![\w$.])(?:global\.)?{re.escape(fn)}\s*\(|\bglobal\.{re.escape(fn)}\b",
                         code)
        own = re.search(rf"\bfunction\s+{re.escape(fn)}\b|\b(?:const|let|var)\s+{re.escape(fn)}\b|"
                        rf"\bglobal\.{re.escape(fn)}\s*=(?!=)", code)
        if used and not own:
            d.r_unit, d.a_unit = definer, d.a_unit or action
            return "DIFF-SHARED-CODE"
    return ""
