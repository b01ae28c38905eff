"""Label each per-login difference between Rules and Actions: a regression, or one of the known
differences of the Actions contract (section 9) (private to :mod:`rulesim.migration`).

:func:`label_differences` walks the logins of two simulations of one population, compares
what the application and the world saw (:mod:`rulesim.migration.facts`) field by field, and
gives each mismatch a label: ``known-difference:DIFF-…`` when one of the detectors below
explains it, else ``regression``. Every row names the Rule and the Action responsible and says
in one sentence why it got its label.

A detector only fires when one side is the Rules and the other the Actions that replace them
(:func:`orientation`); between two rule sets every difference is a regression. The detectors
are deliberately narrow: a difference none of them explains is a regression, so a bug in a
migration is never hidden behind a known difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rulesim.migration.facts import LoginFacts, Raw, SideFacts, failed, value
from rulesim.outcomes import LoginOutcome

__all__ = ["COLUMNS", "DIFF_CODES", "REGRESSION_KINDS", "label_differences"]

DIFF_CODES: dict[str, str] = {
    "DIFF-ERRCODE": "Rules' UnauthorizedError (and errors) reach the application as "
                    "`unauthorized`; an Action can only say `access_denied`",
    "DIFF-DENY-CONTINUES": "code after api.access.deny keeps running: its calls and metadata "
                           "writes still happen",
    "DIFF-DENY-AS-REDIRECT": "one side denies at once, the other redirects to a page and "
                             "denies on /continue",
    "DIFF-META-TIMING": "Rules save metadata at each update call; Actions write once at the "
                        "end (kept on a deny, dropped on a failure)",
    "DIFF-VISIBILITY": "a change Rules kept in memory (user.app_metadata, context.idToken) is "
                       "saved or unreadable in Actions",
    "DIFF-STDCLAIM": "Rules issue standard claims from the mutated user; Actions from the "
                     "stored profile unless set with setCustomClaim",
    "DIFF-APPMETA-UNDEF": "the Rule crashed on user.app_metadata === undefined; Actions always "
                          "see {} (fixed by the migration)",
    "DIFF-SHAPE": "the Rule crashed on an undefined context.request; event.request is always "
                  "present in Actions (fixed by the migration)",
    "DIFF-REDIRECT-RERUN": "Rules run the whole pipeline again on /continue (protocol "
                           "redirect-callback); Actions resume in one place",
    "DIFF-SCOPES": "Rules replace the scope list wholesale; Actions edit one scope at a time",
    "DIFF-MFA": "Rules' context.multifactor can be overwritten or deleted by later rules; in "
                "Actions the last enable wins and a challenge overrides it",
    "DIFF-FIRE-AND-FORGET": "a request a Rule left running after its callback is cut off or "
                            "awaited in Actions",
    "DIFF-MGMT": "Actions have no auth0 object: Management calls need a client-credentials "
                 "token call",
}
"""The known differences rulesim detects (contract section 9), with a one-line reason."""

REGRESSION_KINDS: tuple[str, ...] = ("outcome", "error", "id_token", "access_token", "scopes",
                                     "mfa", "redirect", "metadata", "calls")
"""What a difference can be about (the ``kind`` column of the differences frames)."""

COLUMNS: tuple[str, ...] = ("login_id", "kind", "field", "before", "after", "label", "code",
                            "rule", "action", "why")
"""Columns of ``Impact.differences`` / ``regressions`` / ``known_differences``."""

_STANDARD_CLAIMS = frozenset({
    "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
    "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at"})
_TOKEN_CALLS = ("/oauth/token",)
_REJECTED = frozenset({"denied", "error"})


@dataclass
class _Diff:
    kind: str
    field: str
    before: Any
    after: Any
    r_unit: str = ""
    a_unit: str = ""
    code: str = ""
    why: str = ""


def _text(value: Any) -> str | None:
    import json

    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def orientation(before: SideFacts, after: SideFacts) -> str | None:
    """``"forward"`` (Rules → Actions), ``"reverse"`` (Actions → Rules) or None (same kind).

    The side whose flow has more Actions is the Actions side.
    """
    count = [sum(1 for k in s.kinds.values() if k == "action") for s in (before, after)]
    if count[0] == count[1]:
        return None
    return "forward" if count[1] > count[0] else "reverse"


def _base(name: str) -> str:
    return name[:-len(" (action)")] if name.endswith(" (action)") else name


class _Pairs:
    """Rule ↔ Action names: an explicit mapping, else the same name."""

    def __init__(self, mapping: Mapping[str, str] | None) -> None:
        self.to_action = dict(mapping or {})
        self.to_rule = {v: k for k, v in self.to_action.items()}

    def action_for(self, rule: str) -> str:
        return self.to_action.get(rule, rule) if rule else ""

    def rule_for(self, action: str) -> str:
        return self.to_rule.get(_base(action), _base(action)) if action else ""


# --- the comparison of one login -------------------------------------------------------------

def _diffs(r: LoginFacts, a: LoginFacts) -> list[_Diff]:
    """Every field where the Rules side ``r`` and the Actions side ``a`` disagree."""
    out: list[_Diff] = []
    # A Rule's callback(new Error(m)) and an Action's deny(m) (or throw) compare by the
    # error the application receives (contract section 8): denied and error are one class.
    rejected = {r.outcome, a.outcome} <= _REJECTED
    if r.outcome != a.outcome and not rejected:
        out.append(_Diff("outcome", "outcome", r.outcome, a.outcome, r.deciding, a.deciding))
    elif failed(r.outcome) and (r.app_error != a.app_error or (
            r.description != a.description and r.error_code != a.error_code)):
        # The same error code on both sides is Auth0's own message (a redirect that cannot
        # happen, a timeout): only the error the application receives is compared.
        out.append(_Diff("error", "error", f"{r.app_error}: {r.description}",
                         f"{a.app_error}: {a.description}", r.deciding, a.deciding))
    if r.outcome == a.outcome == LoginOutcome.ALLOWED:
        for token in ("id_token", "access_token"):
            tr, ta = getattr(r, token), getattr(a, token)
            for claim in sorted(set(tr) | set(ta)):
                if not _same(tr.get(claim, _MISSING), ta.get(claim, _MISSING)):
                    out.append(_Diff(token, f"{token}:{claim}", tr.get(claim), ta.get(claim),
                                     r.who.get((token, claim), ""),
                                     a.who.get((token, claim), "")))
        if r.scopes != a.scopes:
            for scope in sorted(r.scopes ^ a.scopes):
                out.append(_Diff("scopes", f"scope:{scope}", scope in r.scopes,
                                 scope in a.scopes, r.who.get(("scopes", ""), ""),
                                 a.who.get(("scopes", ""), "")))
        if r.mfa != a.mfa:
            out.append(_Diff("mfa", "mfa", r.mfa, a.mfa, r.who.get(("mfa", ""), ""),
                             a.who.get(("mfa", ""), "")))
    if (r.outcome == a.outcome != LoginOutcome.ERROR and r.redirect != a.redirect) or (
            r.outcome != a.outcome and "redirect" in (r.outcome, a.outcome)
            and r.redirect != a.redirect):
        out.append(_Diff("redirect", "redirect", r.redirect or None, a.redirect or None,
                         r.who.get(("redirect", ""), ""), a.who.get(("redirect", ""), "")))
    for key in sorted(set(r.metadata) | set(a.metadata)):
        vr, va = r.metadata.get(key, _MISSING), a.metadata.get(key, _MISSING)
        if isinstance(vr, Raw) and isinstance(va, Raw) and vr == va:
            continue
        vr, va = value(vr), value(va)
        if not _same(vr, va):
            out.append(_Diff("metadata", f"metadata:{key}", None if vr is _MISSING else vr,
                             None if va is _MISSING else va, r.who.get(("metadata", key), ""),
                             a.who.get(("metadata", key), "")))
    # When the outcome class differs, the calls that one side never reached follow from it.
    calls = () if any(d.kind == "outcome" for d in out) else sorted(set(r.calls) | set(a.calls))
    for call in calls:
        if r.calls[call] != a.calls[call]:
            out.append(_Diff("calls", f"calls:{call}", r.calls[call], a.calls[call],
                             r.who.get(("calls", call), ""), a.who.get(("calls", call), "")))
    return out


_CLOCK_SLACK_MS = 20_000


def _same(x: Any, y: Any) -> bool:
    """Equal values, where two ISO-8601 timestamps within one flow budget (20 s) count as one
    moment: the two flows reach the same line after different amounts of simulated work."""
    if x == y:
        return True
    if isinstance(x, str) and isinstance(y, str) and len(x) == len(y) and len(x) >= 20 \
            and x[4:5] == "-" and x[10:11] == "T":
        from datetime import datetime

        try:
            tx = datetime.fromisoformat(x.replace("Z", "+00:00"))
            ty = datetime.fromisoformat(y.replace("Z", "+00:00"))
        except ValueError:
            return False
        return abs((tx - ty).total_seconds()) * 1000 <= _CLOCK_SLACK_MS
    return False


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


# --- the detectors ---------------------------------------------------------------------------
# Each takes (difference, rules-side facts, actions-side facts, context) and returns the code
# of the known difference that explains it, or "".

@dataclass
class _Context:
    rule_source: Callable[[str], str]
    pairs: _Pairs


def _rerun(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if "rules_protocol" in a.flags:
        return "DIFF-REDIRECT-RERUN"
    if "continued" in r.flags and d.kind in ("id_token", "access_token", "mfa"):
        # The Rules' tokens come from the /continue pass, where every rule ran again (with
        # the profile the first pass saved and fresh service answers); the first pass agreed.
        key = (d.kind, d.field.partition(":")[2]) if d.kind != "mfa" else ("mfa", "")
        first = value(r.first_pass.get(key, "none" if d.kind == "mfa" else None))
        if _same(first, d.after):
            return "DIFF-REDIRECT-RERUN"
    if "continued" in r.flags and d.kind in ("metadata", "calls"):
        what = ("metadata", d.field.partition(":")[2]) if d.kind == "metadata" else \
            ("calls", d.field.partition(":")[2])
        redirecting = r.who.get(("redirect", ""), "")
        unit = r.who.get(what, "")
        if r.phases.get(what) == "continue" and unit != redirecting:
            return "DIFF-REDIRECT-RERUN"
        if d.kind == "calls" and int(d.before or 0) > int(d.after or 0) and \
                unit != redirecting and r.phases.get(what) == "continue":
            return "DIFF-REDIRECT-RERUN"
    return ""


def _errcode(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind not in ("outcome", "error"):
        return ""
    if not (failed(r.outcome) and failed(a.outcome)) or r.outcome == LoginOutcome.TIMEOUT or \
            a.outcome == LoginOutcome.TIMEOUT:
        return ""
    if r.description != a.description or r.app_error == a.app_error:
        return ""
    if a.app_error == "access_denied" and r.app_error in ("unauthorized", "access_denied", ""):
        return "DIFF-ERRCODE"
    return ""


def _appmeta_undef(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind != "outcome" or r.outcome != LoginOutcome.ERROR or a.outcome != LoginOutcome.ALLOWED:
        return ""
    text = r.description
    if "undefined" not in text or ("TypeError" not in text and "Cannot" not in text):
        return ""
    source = cx.rule_source(r.deciding)
    return "DIFF-APPMETA-UNDEF" if "app_metadata" in source else ""


def _shape(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind != "outcome" or r.outcome != LoginOutcome.ERROR or a.outcome != LoginOutcome.ALLOWED:
        return ""
    if "undefined" in r.description and "context.request" in cx.rule_source(r.deciding):
        return "DIFF-SHAPE"
    return ""


def _deny_as_redirect(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    pair = {r.outcome, a.outcome}
    if d.kind in ("outcome", "redirect") and pair == {"denied", "redirect"}:
        denier = r.deciding if r.outcome == LoginOutcome.DENIED else a.deciding
        redirector = a.who.get(("redirect", ""), "") if a.outcome == LoginOutcome.REDIRECT else \
            r.who.get(("redirect", ""), "")
        if denier and redirector and _base(denier) in (cx.pairs.rule_for(redirector),
                                                       _base(redirector)):
            return "DIFF-DENY-AS-REDIRECT"
        return ""
    if d.kind == "redirect" and r.outcome == a.outcome == LoginOutcome.DENIED:
        return "DIFF-DENY-AS-REDIRECT"
    return ""


def _deny_continues(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if a.outcome != LoginOutcome.DENIED or d.kind not in ("metadata", "calls"):
        return ""
    unit = d.a_unit
    if unit and unit in a.after_deny:
        return "DIFF-DENY-CONTINUES"
    if d.kind == "calls" and unit and unit == a.deciding and \
            int(d.after or 0) > int(d.before or 0):
        return "DIFF-DENY-CONTINUES"
    return ""


def _meta_timing(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind != "metadata":
        return ""
    if failed(r.outcome) or failed(a.outcome) or r.outcome == LoginOutcome.REDIRECT or \
            a.outcome == LoginOutcome.REDIRECT:
        return "DIFF-META-TIMING"
    return ""


def _visibility(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind == "metadata":
        key = d.field.partition(":")[2]
        if d.before is None and key in r.memory and _same(value(r.memory[key]), d.after):
            # A Rule changed it in memory only; the Action saves it.
            d.r_unit = d.r_unit or r.who.get(("memory", key), "")
            return "DIFF-VISIBILITY"
        changer = r.who.get(("memory", key), "")
        if d.after is None and changer and changer != d.r_unit and \
                _same(value(r.memory.get(key)), d.before):
            # A later Rule saved what an earlier one changed in memory; its Action cannot see
            # that change (nor the Action of the earlier Rule, which did not save it).
            d.r_unit = changer
            return "DIFF-VISIBILITY"
        return ""
    if d.kind in ("id_token", "access_token", "mfa", "scopes"):
        source = cx.rule_source(d.r_unit or cx.pairs.rule_for(d.a_unit))
        if source and _reads_context(source):
            return "DIFF-VISIBILITY"
    return ""


def _stdclaim(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind != "id_token":
        return ""
    claim = d.field.partition(":")[2]
    if claim in _STANDARD_CLAIMS and (not a.commands.get(("id_token", claim))
                                      or claim not in r.id_token):
        # Not overridden by the Action; or set by it although the scopes did not ask for the
        # profile (a Rule's change to `user` shows only in the claims the scopes grant).
        return "DIFF-STDCLAIM"
    return ""


def _scopes(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    # The Rule set a scope list (or a `scope` claim) Auth0 took; the Action's per-scope edit
    # or `scope` claim threw (whitespace in a scope, the reserved claim name).
    if d.kind == "outcome" and r.outcome == LoginOutcome.ALLOWED and a.outcome == LoginOutcome.ERROR and \
            "scope" in a.description.lower():
        return "DIFF-SCOPES"
    return ""


def _mfa(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind == "mfa" and (r.mfa_writes > 1 or "challenge" in a.flags):
        return "DIFF-MFA"
    return ""


def _fire_and_forget(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind == "calls" and d.field.partition(":")[2] in r.fire_and_forget and \
            int(d.after or 0) < int(d.before or 0):
        return "DIFF-FIRE-AND-FORGET"
    if d.kind == "metadata" and d.field.partition(":")[2] in a.after_resolve:
        return "DIFF-FIRE-AND-FORGET"
    return ""


def _mgmt(d: _Diff, r: LoginFacts, a: LoginFacts, cx: _Context) -> str:
    if d.kind == "calls" and int(d.after or 0) > int(d.before or 0) and \
            any(part in d.field for part in _TOKEN_CALLS):
        return "DIFF-MGMT"
    return ""


_DETECTORS: tuple[Callable[[_Diff, LoginFacts, LoginFacts, _Context], str], ...] = (
    _rerun, _errcode, _appmeta_undef, _shape, _deny_as_redirect, _deny_continues, _visibility,
    _meta_timing, _stdclaim, _scopes, _mfa, _fire_and_forget, _mgmt)


def _reads_context(source: str) -> bool:
    """Whether a rule reads ``context.idToken`` / ``accessToken`` / ``multifactor`` (values
    that earlier rules may have set in memory), outside an assignment to them."""
    from rulesim.sources._reads import reads_members

    return reads_members(source, "context", ("idToken", "accessToken", "multifactor"))


# --- the frame -------------------------------------------------------------------------------

def _why(code: str, d: _Diff, rule: str, action: str, inherited: bool = False) -> str:
    if code:
        return f"{DIFF_CODES[code]}" + (" (the stored value already differed after an "
                                         "earlier login of the user)." if inherited else ".")
    who = " and ".join(x for x in (f"rule `{rule}`" if rule else "",
                                    f"Action `{action}`" if action else "") if x)
    return (f"{who or 'the flow'} give{'s' if ' and ' not in who else ''} a different "
            f"{d.kind.replace('_', ' ')} and no known difference of the Actions contract "
            "explains it.")


def label_differences(before: SideFacts, after: SideFacts, login_ids: list[str], *,
                      mapping: Mapping[str, str] | None = None,
                      rule_source: Callable[[str], str] | None = None,
                      strict: bool = False) -> pd.DataFrame:
    """One row per difference per login, labelled (see :data:`COLUMNS`).

    Parameters
    ----------
    before, after
        The facts of the two sides, in the order of ``login_ids``.
    mapping
        Rule name → Action name where they differ (default: the same name).
    rule_source
        Source of a rule by name (for the detectors that read it); "" when unknown.
    strict
        Label known differences as regressions (the ``code`` column still names them).
    """
    direction = orientation(before, after)
    pairs = _Pairs(mapping)
    cx = _Context(rule_source or (lambda _: ""), pairs)
    rows: list[tuple[Any, ...]] = []
    # (user, metadata key) -> the code of the last difference on it: a stored value that
    # already differed makes later logins of the user differ for the same reason.
    carried: dict[tuple[str, str], str] = {}
    # user -> the known difference that made their stored profile differ (a later login of
    # the user starts from different metadata: what it then does differently follows from it).
    diverged: dict[str, str] = {}
    for i, login in enumerate(login_ids):
        b, c = before.logins[i], after.logins[i]
        if direction == "reverse":
            r, a = c, b
        else:
            r, a = b, c
        siblings: dict[tuple[str, str, str], str] = {}
        for d in _diffs(r, a):
            code = ""
            inherited = False
            if direction is not None:
                for detect in _DETECTORS:
                    code = detect(d, r, a, cx)
                    if code:
                        break
                claim = d.field.partition(":")[2]
                if not code and d.kind == "access_token":
                    # One array object can hold both tokens' claim (the Rules' change rows
                    # then name the ID token only): the ID token's label holds for both.
                    code = siblings.get((claim, _text(d.before) or "", _text(d.after) or ""), "")
                if d.kind == "id_token":
                    siblings[(claim, _text(d.before) or "", _text(d.after) or "")] = code
                if not code and d.kind == "metadata" and (r.user_id, d.field) in carried:
                    code = carried[(r.user_id, d.field)]
                    inherited = bool(code)
                if not code and r.user_id in diverged and d.kind not in ("outcome", "error") \
                        and not failed(a.outcome) and not failed(r.outcome):
                    code, inherited = diverged[r.user_id], True
            if d.kind == "metadata" and r.user_id:
                carried[(r.user_id, d.field)] = code
                if code:
                    diverged[r.user_id] = code
            rule = _base(d.r_unit) if d.r_unit else pairs.rule_for(d.a_unit)
            action = d.a_unit or pairs.action_for(d.r_unit)
            if direction is None:
                rule, action = _base(d.r_unit), _base(d.a_unit)
            label = "regression" if strict or not code else f"known-difference:{code}"
            vb, va = (d.before, d.after) if direction != "reverse" else (d.after, d.before)
            rows.append((login, d.kind, d.field, _text(vb), _text(va), label, code or None,
                         rule or None, _base(action) if action else None,
                         _why(code, d, rule, action, inherited)))
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in COLUMNS:
        frame[col] = frame[col].astype("string")
    return frame
