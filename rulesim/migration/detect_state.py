"""Detectors of the known differences in what a login leaves behind (contract section 9):
stored metadata, token claims, MFA, external calls (private to :mod:`rulesim.migration`).

Each detector takes (difference, Rules-side facts, Actions-side facts, context) and returns the
code of the known difference that explains it, or "".
"""

from __future__ import annotations

from rulesim.migration.diffs import STANDARD_CLAIMS, TOKEN_CALLS, Context, Diff, same
from rulesim.migration.facts import LoginFacts, failed, value
from rulesim.outcomes import LoginOutcome

__all__ = ["fire_and_forget", "meta_timing", "mfa", "mgmt", "primary_user", "saml_mapping",
           "stdclaim", "visibility"]


def visibility(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind == "metadata":
        key = d.field.partition(":")[2]
        if d.before is None and key in r.memory and same(value(r.memory[key]), d.after):
            # A Rule changed it in memory only; the Action saves it.
            d.r_unit = d.r_unit or r.who.get(("memory", key), "")
            return "DIFF-VISIBILITY"
        changer = r.who.get(("memory", key), "")
        if d.after is None and changer and changer != d.r_unit and \
                same(value(r.memory.get(key)), d.before):
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


def meta_timing(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind != "metadata":
        return ""
    if failed(r.outcome) or failed(a.outcome) or r.outcome == LoginOutcome.REDIRECT or \
            a.outcome == LoginOutcome.REDIRECT:
        return "DIFF-META-TIMING"
    return ""


def stdclaim(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind != "id_token":
        return ""
    claim = d.field.partition(":")[2]
    if claim in STANDARD_CLAIMS and (not a.commands.get(("id_token", claim))
                                      or claim not in r.id_token):
        # Not overridden by the Action; or set by it although the scopes did not ask for the
        # profile (a Rule's change to `user` shows only in the claims the scopes grant).
        return "DIFF-STDCLAIM"
    return ""


def mfa(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind == "mfa" and (r.mfa_writes > 1 or "challenge" in a.flags):
        return "DIFF-MFA"
    return ""


def fire_and_forget(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind == "calls" and d.field.partition(":")[2] in r.fire_and_forget and \
            int(d.after or 0) < int(d.before or 0):
        return "DIFF-FIRE-AND-FORGET"
    if d.kind == "metadata" and d.field.partition(":")[2] in a.after_resolve:
        return "DIFF-FIRE-AND-FORGET"
    return ""


def mgmt(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    if d.kind == "calls" and int(d.after or 0) > int(d.before or 0) and \
            any(part in d.field for part in TOKEN_CALLS):
        return "DIFF-MGMT"
    return ""


def _reads_context(source: str) -> bool:
    """Whether a rule reads ``context.idToken`` / ``accessToken`` / ``multifactor`` (values
    that earlier rules may have set in memory), outside an assignment to them."""
    from rulesim.sources._reads import reads_members

    return reads_members(source, "context", ("idToken", "accessToken", "multifactor"))


_ONCE = "primary user can only be altered once"


def primary_user(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-PRIMARY-USER: ``setPrimaryUser`` discards the user metadata its Action sets, may be
    called once per transaction, and changes the tokens' ``sub`` as ``context.primaryUser``
    did."""
    if d.kind in ("id_token", "access_token") and d.field.partition(":")[2] == "sub":
        return "DIFF-PRIMARY-USER" if r.primary_user or a.primary_user else ""
    if d.kind in ("outcome", "error") and failed(a.outcome) and _ONCE in a.description:
        return "DIFF-PRIMARY-USER"
    if d.kind != "metadata" or not a.primary_user or d.after is not None:
        return ""
    key = d.field.partition(":")[2]
    setter = a.who.get(("primary_user", ""), "")
    if key.startswith("user_metadata.") and setter and a.who.get(("memory", key)) == setter:
        # The Action asked for the write, and set the primary user: its write was dropped.
        d.a_unit = d.a_unit or setter
        return "DIFF-PRIMARY-USER"
    return ""


def saml_mapping(d: Diff, r: LoginFacts, a: LoginFacts, cx: Context) -> str:
    """DIFF-SAML-MAPPING: a SAML attribute the Rules map to a profile path (resolved as the
    assertion is issued) that the Action sets to another literal value, or not at all."""
    if d.kind == "saml" and d.field.startswith("saml:attribute:") and \
            d.field[len("saml:attribute:"):] in r.saml_mapped:
        return "DIFF-SAML-MAPPING"
    return ""
