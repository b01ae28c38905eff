"""Label each per-login difference between Rules and Actions: a regression, or one of the known
differences of the Actions contract (section 9) (private to :mod:`rulesim.migration`).

:func:`label_differences` walks the logins of two simulations of one population, compares
what the application and the world saw (:mod:`rulesim.migration.facts`) field by field, and
gives each mismatch a label: ``known-difference:DIFF-…`` when one of the detectors
(:data:`_DETECTORS`, from :mod:`~rulesim.migration.detect_flow`,
:mod:`~rulesim.migration.detect_order`, :mod:`~rulesim.migration.detect_state` and
:mod:`~rulesim.migration.detect_code`) explains it,
else ``regression``. Every row names the Rule and the Action responsible and says
in one sentence why it got its label.

A detector only fires when one side is the Rules and the other the Actions that replace them
(:func:`orientation`); between two rule sets every difference is a regression. The detectors
are deliberately narrow: a difference none of them explains is a regression, so a bug in a
migration is never hidden behind a known difference.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import pandas as pd

from rulesim.migration.detect_code import appmeta_undef, secrets, shape, shared_code, userfields
from rulesim.migration.detect_flow import (
    deny_as_redirect,
    deny_continues,
    errcode,
    rerun,
    scopes,
    session_token,
)
from rulesim.migration.detect_order import order
from rulesim.migration.detect_state import (
    fire_and_forget,
    meta_timing,
    mfa,
    mgmt,
    primary_user,
    saml_mapping,
    stdclaim,
    visibility,
)
from rulesim.migration.diffs import Context, Diff, Pairs, base, diffs, text
from rulesim.migration.facts import LoginFacts, SideFacts, failed

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
    "DIFF-SAML-MAPPING": "Rules map SAML attributes to profile paths resolved as the assertion "
                         "is issued; Actions set literal values (and often drop the metadata "
                         "mappings)",
    "DIFF-SESSIONTOKEN": "rule-utilities session tokens carry iss https://{host}/ and last 3 "
                         "days; encodeToken's carry iss {host}, last 900 s, and validateToken "
                         "requires a state claim",
    "DIFF-PRIMARY-USER": "setPrimaryUser may be called once, discards the user metadata its "
                         "Action sets and changes the tokens' sub as context.primaryUser did",
    "DIFF-USERFIELDS": "the Rule reads a field Actions do not have (last_login, last_ip, "
                       "logins_count, blocked, IdP tokens, context.connectionOptions); on "
                       "event.user it is undefined",
    "DIFF-SECRETS": "the Rules share one configuration; the Action's own secrets do not supply "
                    "a key it reads, so event.secrets gives undefined",
    "DIFF-SHARED-CODE": "a rule defines a function on global for later rules; Actions share no "
                        "global, so the Action calling it fails or behaves differently",
    "DIFF-ORDER": "in a mixed tenant every Rule runs before every Action, so an Action now "
                  "writes after a Rule that came after its own Rule, and an "
                  "api.rules.wasExecuted guard skips the Action's work on purpose when the "
                  "Rule it asks about ran (or lets it run beside its own Rule when the id "
                  "differs)",
}
"""The known differences rulesim detects (contract section 9), with a one-line reason."""

REGRESSION_KINDS: tuple[str, ...] = ("outcome", "error", "id_token", "access_token", "scopes",
                                     "mfa", "saml", "redirect", "metadata", "calls")
"""What a difference can be about (the ``kind`` column of the differences frames)."""

COLUMNS: tuple[str, ...] = ("login_id", "kind", "field", "before", "after", "label", "code",
                            "rule", "action", "why")
"""Columns of ``Impact.differences`` / ``regressions`` / ``known_differences``."""


def orientation(before: SideFacts, after: SideFacts) -> str | None:
    """``"forward"`` (Rules → Actions), ``"reverse"`` (Actions → Rules) or None (same kind).

    The side whose flow has more Actions is the Actions side.
    """
    count = [sum(1 for k in s.kinds.values() if k == "action") for s in (before, after)]
    if count[0] == count[1]:
        return None
    return "forward" if count[1] > count[0] else "reverse"


_DETECTORS: tuple[Callable[[Diff, LoginFacts, LoginFacts, Context], str], ...] = (
    rerun, errcode, appmeta_undef, shape, deny_as_redirect, deny_continues, session_token,
    primary_user,
    order,
    visibility,
    meta_timing, stdclaim, scopes, mfa, saml_mapping, fire_and_forget, mgmt,
    # Last: the detectors that read sources explain what no observed mechanism above does.
    shared_code, secrets, userfields)
"""The detectors, in the order they are asked (the first code given wins)."""


# --- the frame -------------------------------------------------------------------------------

def _why(code: str, d: Diff, rule: str, action: str, inherited: bool = False) -> str:
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
                      sources: Mapping[str, str] | None = None,
                      missing_secrets: Mapping[str, Collection[str]] | None = None,
                      rule_ids: Mapping[str, str] | None = None,
                      strict: bool = False) -> pd.DataFrame:
    """One row per difference per login, labelled (see :data:`COLUMNS`).

    Parameters
    ----------
    before, after
        The facts of the two sides, in the order of ``login_ids``.
    mapping
        Rule name → Action name where they differ (default: the same name).
    sources
        Every rule's source by name, every Action's code under ``"<name> (action)"`` (for the
        detectors that read them).
    missing_secrets
        Action name → the ``event.secrets`` keys its code reads that get no value.
    rule_ids
        Rule name → its id (what ``api.rules.wasExecuted`` asks for).
    strict
        Label known differences as regressions (the ``code`` column still names them).
    """
    direction = orientation(before, after)
    pairs = Pairs(mapping)
    r_side, a_side = (after, before) if direction == "reverse" else (before, after)
    cx = Context(dict(sources or {}), pairs, dict(missing_secrets or {}), dict(rule_ids or {}),
                 r_side.kinds, a_side.kinds)
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
        for d in diffs(r, a):
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
                    code = siblings.get((claim, text(d.before) or "", text(d.after) or ""), "")
                if d.kind == "id_token":
                    siblings[(claim, text(d.before) or "", text(d.after) or "")] = code
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
            rule = base(d.r_unit) if d.r_unit else pairs.rule_for(d.a_unit)
            action = d.a_unit or pairs.action_for(d.r_unit)
            if direction is None:
                rule, action = base(d.r_unit), base(d.a_unit)
            label = "regression" if strict or not code else f"known-difference:{code}"
            vb, va = (d.before, d.after) if direction != "reverse" else (d.after, d.before)
            rows.append((login, d.kind, d.field, text(vb), text(va), label, code or None,
                         rule or None, base(action) if action else None,
                         _why(code, d, rule, action, inherited)))
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in COLUMNS:
        frame[col] = frame[col].astype("string")
    return frame
