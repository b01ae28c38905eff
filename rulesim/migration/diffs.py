"""The comparison of one login across kinds (private to :mod:`rulesim.migration`): every field
where the Rules side and the Actions side disagree (:func:`diffs`), and what the detectors share
(:class:`Diff`, :class:`Pairs`, :class:`Context`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from rulesim.migration.facts import LoginFacts, Raw, failed, value
from rulesim.outcomes import LoginOutcome

__all__ = ["MISSING", "STANDARD_CLAIMS", "TOKEN_CALLS", "Context", "Diff", "Pairs", "base",
           "diffs", "same", "text"]

STANDARD_CLAIMS = frozenset({
    "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
    "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at"})
TOKEN_CALLS = ("/oauth/token",)
REJECTED = frozenset({"denied", "error"})


@dataclass
class Diff:
    """One field where the two sides of a login disagree, with the units responsible."""

    kind: str
    field: str
    before: Any
    after: Any
    r_unit: str = ""
    a_unit: str = ""
    code: str = ""
    why: str = ""


def text(value: Any) -> str | None:
    """A value as the differences frame shows it: strings as they are, the rest as JSON."""
    import json

    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def base(name: str) -> str:
    """An Action's name without the `` (action)`` suffix of a flow that has a rule so named."""
    return name[:-len(" (action)")] if name.endswith(" (action)") else name


class Pairs:
    """Rule ↔ Action names: an explicit mapping, else the same name."""

    def __init__(self, mapping: Mapping[str, str] | None) -> None:
        self.to_action = dict(mapping or {})
        self.to_rule = {v: k for k, v in self.to_action.items()}

    def action_for(self, rule: str) -> str:
        return self.to_action.get(rule, rule) if rule else ""

    def rule_for(self, action: str) -> str:
        return self.to_rule.get(base(action), base(action)) if action else ""


# --- the comparison of one login -------------------------------------------------------------

def diffs(r: LoginFacts, a: LoginFacts) -> list[Diff]:
    """Every field where the Rules side ``r`` and the Actions side ``a`` disagree."""
    out: list[Diff] = []
    # A Rule's callback(new Error(m)) and an Action's deny(m) (or throw) compare by the
    # error the application receives (contract section 8): denied and error are one class.
    rejected = {r.outcome, a.outcome} <= REJECTED
    if r.outcome != a.outcome and not rejected:
        out.append(Diff("outcome", "outcome", r.outcome, a.outcome, r.deciding, a.deciding))
    elif failed(r.outcome) and (r.app_error != a.app_error or (
            r.description != a.description and r.error_code != a.error_code)):
        # The same error code on both sides is Auth0's own message (a redirect that cannot
        # happen, a timeout): only the error the application receives is compared.
        out.append(Diff("error", "error", f"{r.app_error}: {r.description}",
                         f"{a.app_error}: {a.description}", r.deciding, a.deciding))
    if r.outcome == a.outcome == LoginOutcome.ALLOWED:
        for token in ("id_token", "access_token"):
            tr, ta = getattr(r, token), getattr(a, token)
            for claim in sorted(set(tr) | set(ta)):
                if not same(tr.get(claim, MISSING), ta.get(claim, MISSING)):
                    out.append(Diff(token, f"{token}:{claim}", tr.get(claim), ta.get(claim),
                                     r.who.get((token, claim), ""),
                                     a.who.get((token, claim), "")))
        if r.scopes != a.scopes:
            for scope in sorted(r.scopes ^ a.scopes):
                out.append(Diff("scopes", f"scope:{scope}", scope in r.scopes,
                                 scope in a.scopes, r.who.get(("scopes", ""), ""),
                                 a.who.get(("scopes", ""), "")))
        for key in sorted(set(r.saml) | set(a.saml)):
            vr, va = r.saml.get(key, MISSING), a.saml.get(key, MISSING)
            if not same(vr, va):
                out.append(Diff("saml", f"saml:{key}", None if vr is MISSING else vr,
                                None if va is MISSING else va, r.who.get(("saml", ""), ""),
                                a.who.get(("saml", ""), "")))
        if r.mfa != a.mfa:
            out.append(Diff("mfa", "mfa", r.mfa, a.mfa, r.who.get(("mfa", ""), ""),
                             a.who.get(("mfa", ""), "")))
    if (r.outcome == a.outcome != LoginOutcome.ERROR and r.redirect != a.redirect) or (
            r.outcome != a.outcome and "redirect" in (r.outcome, a.outcome)
            and r.redirect != a.redirect):
        out.append(Diff("redirect", "redirect", r.redirect or None, a.redirect or None,
                         r.who.get(("redirect", ""), ""), a.who.get(("redirect", ""), "")))
    for key in sorted(set(r.metadata) | set(a.metadata)):
        vr, va = r.metadata.get(key, MISSING), a.metadata.get(key, MISSING)
        if isinstance(vr, Raw) and isinstance(va, Raw) and vr == va:
            continue
        vr, va = value(vr), value(va)
        if not same(vr, va):
            out.append(Diff("metadata", f"metadata:{key}", None if vr is MISSING else vr,
                             None if va is MISSING else va, r.who.get(("metadata", key), ""),
                             a.who.get(("metadata", key), "")))
    # When the outcome class differs, the calls that one side never reached follow from it.
    calls = () if any(d.kind == "outcome" for d in out) else sorted(set(r.calls) | set(a.calls))
    for call in calls:
        if r.calls[call] != a.calls[call]:
            out.append(Diff("calls", f"calls:{call}", r.calls[call], a.calls[call],
                             r.who.get(("calls", call), ""), a.who.get(("calls", call), "")))
    return out


CLOCK_SLACK_MS = 20_000


def same(x: Any, y: Any) -> bool:
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
        return abs((tx - ty).total_seconds()) * 1000 <= CLOCK_SLACK_MS
    return False


class Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = Missing()


_ACTION = " (action)"


@dataclass
class Context:
    """What the detectors know beside the two logins: the sources, the Rule ↔ Action pairs,
    the secrets each Action misses, the rules' ids and which units are rules on each side.

    Attributes
    ----------
    sources
        Every rule's source by name, every Action's code under ``"<name> (action)"``.
    pairs
        Rule ↔ Action names.
    missing_secrets
        Action name → the ``event.secrets`` keys its code reads that get no value.
    rule_ids
        Rule name → its id (what ``api.rules.wasExecuted`` asks for).
    r_kinds, a_kinds
        Unit (row) name → ``rule`` or ``action``, on the Rules side and on the Actions side.
    """

    sources: Mapping[str, str]
    pairs: Pairs
    missing_secrets: Mapping[str, Collection[str]] = field(default_factory=dict)
    rule_ids: Mapping[str, str] = field(default_factory=dict)
    r_kinds: Mapping[str, str] = field(default_factory=dict)
    a_kinds: Mapping[str, str] = field(default_factory=dict)

    def rule_source(self, name: str) -> str:
        """The source of rule ``name`` ("" for an Action's row name or an unknown rule)."""
        return "" if not name or name.endswith(_ACTION) else self.sources.get(name, "")

    def action_source(self, name: str) -> str:
        """The code of Action ``name`` (its row name or its own name; "" when unknown)."""
        return self.sources.get(base(name) + _ACTION, "") if name else ""

    def rules(self) -> list[tuple[str, str]]:
        """Every rule as ``(name, source)``."""
        return [(k, v) for k, v in self.sources.items() if not k.endswith(_ACTION)]

    def units(self, d: Diff, r: LoginFacts, a: LoginFacts) -> tuple[str, str]:
        """The Rule and the Action a difference is about: the units that produced it, else
        the pair of the one that did, else the units that decided each side's login."""
        rule = base(d.r_unit) if d.r_unit and not d.r_unit.endswith(_ACTION) else \
            self.pairs.rule_for(d.a_unit)
        action = d.a_unit or self.pairs.action_for(d.r_unit)
        if not rule and not action:
            rule = r.deciding if not r.deciding.endswith(_ACTION) else ""
            action = a.deciding or self.pairs.action_for(rule)
            rule = rule or self.pairs.rule_for(action)
        return rule, base(action)
