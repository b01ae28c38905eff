"""What the application received on each login of one simulation, for a migration comparison
(private to :mod:`rulesim.migration`).

A Rules login and an Actions login are compared on what the application and the world see
(contract section 7 and 8): the outcome class, the error the application receives, the final
ID- and access-token claims with their values, the scope set, the MFA requirement, the
redirect target and its continuation, the final stored metadata and the external calls made.
Each fact also remembers **who** produced it (the rule or Action that wrote a claim, saved a
metadata key, asked for MFA, redirected or made a call), so that a difference can name the
Rule and the Action responsible.

Everything here reads the frames of the column contract; nothing runs a rule.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import numpy as np
import pandas as pd

__all__ = ["LoginFacts", "Raw", "SideFacts", "side_facts", "value"]

_METADATA = ("app_metadata", "user_metadata")
_TOKENS = ("id_token", "access_token")
_FAILED = frozenset({"denied", "error", "timeout"})


class Raw(str):
    """A JSON text kept unparsed until a comparison needs its value (:meth:`value`)."""

    __slots__ = ()

    def value(self) -> Any:
        """The parsed value."""
        return _json(str(self))


def value(x: Any) -> Any:
    """``x`` itself, or the parsed value of a :class:`Raw` text."""
    return x.value() if isinstance(x, Raw) else x


@dataclass
class LoginFacts:
    """One login, as the application and the world saw it on one side."""

    outcome: str
    user_id: str
    app_error: str
    error_code: str
    description: str
    deciding: str
    flags: frozenset[str]
    id_token: dict[str, Any]
    access_token: dict[str, Any]
    scopes: frozenset[str]
    mfa: str
    redirect: str
    metadata: dict[str, Any] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    # who: ("id_token", claim) / ("metadata", key) / ("mfa", "") / ("redirect", "") /
    # ("calls", call) / ("scopes", "") -> the unit (rule or Action) responsible
    who: dict[tuple[str, str], str] = field(default_factory=dict)
    commands: dict[tuple[str, str], str] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
    """Metadata keys a unit changed in memory only (Rules: ``user.app_metadata.x = v``)."""
    phases: dict[tuple[str, str], str] = field(default_factory=dict)
    fire_and_forget: set[str] = field(default_factory=set)
    after_deny: set[str] = field(default_factory=set)
    after_resolve: set[str] = field(default_factory=set)
    """Actions: what ``api`` calls made after the handler settled (ignored) would have set."""
    first_pass: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Rules: the claims and MFA the first pass set, before a ``/continue`` pass ran them again
    (``("id_token", claim)``, ``("mfa", "")``)."""
    mfa_writes: int = 0
    scope_list: bool = False
    """A unit replaced the scope list wholesale (``context.accessToken.scope = [...]``)."""
    saml: dict[str, Any] = field(default_factory=dict)
    """The SAML response: ``attribute:<name>`` → the value the application receives,
    ``config:<key>`` → a configuration value."""
    saml_mapped: frozenset[str] = frozenset()
    """Attributes the Rules map to a profile path (``context.samlConfiguration.mappings``)."""
    primary_user: str = ""
    """The user the tokens were issued for, when a unit set one (``context.primaryUser``,
    ``api.authentication.setPrimaryUser``)."""
    writers: dict[tuple[str, str], list[tuple[str, Any]]] = field(default_factory=dict)
    """Every write of a claim (``("id_token", claim)``), a stored metadata key
    (``("metadata", key)``) or the MFA requirement (``("mfa", "")``), in the order the units
    made them: ``(unit, value)`` (a write of the value already stored, and an Action's
    metadata command a later one replaced, included)."""
    ran: tuple[str, ...] = ()
    """The units (rules and Actions) that started in the login, in the order they ran."""


@dataclass
class SideFacts:
    """Per-login facts of one simulation, in the order of the logins given."""

    logins: list[LoginFacts]
    kinds: dict[str, str]
    """Unit name → ``rule`` or ``action``."""


def _one(v: Any) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)


def _text(values: Any) -> list[str]:
    """Values as strings, missing as "" (categories converted once, not per row)."""
    series = pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = [_one(c) for c in series.cat.categories]
        return [cats[c] if c >= 0 else "" for c in series.cat.codes.to_numpy()]
    return [_one(v) for v in series.astype("object").to_numpy()]


def _json(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _text_value(text: str) -> str:
    """A JSON string's value ("" for none, the text itself when it is not a JSON string)."""
    v = _json(text)
    return v if isinstance(v, str) else ("" if v is None else text)


@lru_cache(maxsize=65536)
def normal_url(url: str) -> str:
    """A redirect target without Auth0's ``state`` parameter, query keys sorted."""
    if not url:
        return ""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k != "state")
    from urllib.parse import urlencode

    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _description(message: str) -> str:
    """The error description without rulesim's ``rule `x` (line n):`` / ``action `x`:`` prefix."""
    for marker in ("rule `", "action `"):
        if message.startswith(marker):
            end = message.find(": ")
            if end != -1:
                return message[end + 2:]
    return message


def call_key(method: str, url: str) -> str:
    """An external call as compared: method and URL (``state`` dropped)."""
    return f"{method} {normal_url(url) or url}"


def side_facts(sim: Any, login_ids: list[str]) -> SideFacts:
    """The facts of every login of ``sim``, in the order of ``login_ids``."""
    logins = sim.logins
    ids = [str(x) for x in logins["login_id"]]
    if ids != login_ids:
        pos = pd.Index(ids).get_indexer(login_ids)
        logins = logins.iloc[pos].reset_index(drop=True)
    cols = {c: _text(logins[c]) for c in ("outcome", "app_error", "error_code",
                                           "error_message", "deciding_rule", "flags",
                                           "id_token", "access_token", "scopes",
                                           "mfa_provider", "redirect_url", "user_id",
                                           "primary_user")}
    required = logins["mfa_required"].to_numpy(dtype=bool)
    out: list[LoginFacts] = []
    index: dict[str, LoginFacts] = {}
    for i, login in enumerate(login_ids):
        provider = cols["mfa_provider"][i] or "required"
        facts = LoginFacts(
            outcome=cols["outcome"][i], user_id=cols["user_id"][i], app_error=cols["app_error"][i],
            error_code=cols["error_code"][i],
            description=_description(cols["error_message"][i]),
            deciding=cols["deciding_rule"][i],
            flags=frozenset(f for f in cols["flags"][i].split(",") if f),
            id_token=_json(cols["id_token"][i]) or {},
            access_token=_json(cols["access_token"][i]) or {},
            scopes=frozenset(cols["scopes"][i].split()),
            mfa=provider if required[i] else "none",
            redirect=normal_url(cols["redirect_url"][i]),
            primary_user=_text_value(cols["primary_user"][i]))
        out.append(facts)
        index[login] = facts
    if "saml_attributes" in logins.columns:
        _add_saml(out, _text(logins["saml"]), _text(logins["saml_attributes"]))
    _add_changes(sim.changes, index)
    _add_calls(sim.calls, index)
    runs = sim.rule_runs
    _add_runs(runs, index)
    kinds = {}
    if "kind" in runs.columns:
        pairs = runs[["rule", "kind"]].astype("object").drop_duplicates()
        kinds = {str(r): str(k) for r, k in zip(pairs["rule"], pairs["kind"], strict=True)}
    else:
        kinds = {str(r): "rule" for r in runs["rule"].astype("object").unique()}
    return SideFacts(out, kinds)


def _add_saml(out: list[LoginFacts], configs: list[str], attributes: list[str]) -> None:
    """The SAML facts of each login: its attributes as the application receives them, its
    configuration (without the Rules' ``mappings``), the attributes the Rules map."""
    for facts, config_text, attr_text in zip(out, configs, attributes, strict=True):
        if not config_text and not attr_text:
            continue
        config = _json(config_text) if config_text else {}
        if not isinstance(config, dict):
            config = {}
        mappings = config.get("mappings")
        if isinstance(mappings, dict):
            facts.saml_mapped = frozenset(str(k) for k in mappings)
        for k, v in config.items():
            if k not in ("mappings", "attributes"):
                facts.saml[f"config:{k}"] = v
        attrs = _json(attr_text) if attr_text else {}
        for k, v in (attrs.items() if isinstance(attrs, dict) else ()):
            facts.saml[f"attribute:{k}"] = v


@lru_cache(maxsize=4096)
def _claim_name(path: str) -> str:
    value = _json(path)
    if isinstance(value, list) and value:
        return str(value[0])
    return path


def _add_changes(changes: pd.DataFrame, index: dict[str, LoginFacts]) -> None:
    if not len(changes):
        return
    has_command = "command" in changes.columns
    cols = {c: _text(changes[c]) for c in ("login_id", "phase", "rule", "target", "path", "op",
                                           "before", "after")}
    commands = _text(changes["command"]) if has_command else [""] * len(changes)
    flags = _text(changes["flags"]) if "flags" in changes.columns else [""] * len(changes)
    persisted = changes["persisted"].to_numpy(dtype=bool)
    for i, login in enumerate(cols["login_id"]):
        facts = index.get(login)
        if facts is None:
            continue
        target, unit, path = cols["target"][i], cols["rule"][i], cols["path"][i]
        row_flags = flags[i].split(",") if flags[i] else ()
        if "after_deny" in row_flags:
            facts.after_deny.add(unit)
        if "after_resolve" in row_flags:
            facts.after_resolve.add(f"{target}.{path}" if path else target)
        if target in _TOKENS:
            claim = _claim_name(path)
            if claim == "scope" and target == "access_token":
                facts.scope_list = True
                facts.who[("scopes", "")] = unit
                continue
            facts.who[(target, claim)] = unit
            facts.writers.setdefault((target, claim), []).append(
                (unit, None if cols["op"][i] == "remove" else Raw(cols["after"][i])))
            if cols["phase"][i] == "initial":
                facts.first_pass[(target, claim)] = (None if cols["op"][i] == "remove"
                                                     else Raw(cols["after"][i]))
            if commands[i]:
                facts.commands[(target, claim)] = commands[i]
        elif target == "multifactor":
            facts.who[("mfa", "")] = unit
            facts.mfa_writes += 1
            after = _json(cols["after"][i])
            provider = after.get("provider", "required") if isinstance(after, dict) else "none"
            if path in ("", "provider"):
                # The whole requirement, or (a rule changing one field) its provider.
                facts.writers.setdefault(("mfa", ""), []).append(
                    (unit, provider if not path else str(after)))
            if cols["phase"][i] == "initial":
                facts.first_pass[("mfa", "")] = provider
        elif target == "redirect":
            facts.who.setdefault(("redirect", ""), unit)
        elif target == "saml":
            facts.who[("saml", "")] = unit
        elif target == "primary_user":
            facts.who[("primary_user", "")] = unit
        elif target == "access" and commands[i]:
            facts.who.setdefault(("deny", ""), unit)
        elif target in _METADATA and not path:
            # The whole object at once (``user.app_metadata = {...}``): one entry per key.
            whole = _json(cols["after"][i])
            for k, v in (whole.items() if isinstance(whole, dict) else ()):
                key = f"{target}.{k}"
                if persisted[i]:
                    facts.metadata[key] = v
                    facts.who[("metadata", key)] = unit
                    facts.writers.setdefault(("metadata", key), []).append((unit, v))
                    facts.phases[("metadata", key)] = cols["phase"][i]
                else:
                    facts.memory[key] = v
                    facts.who.setdefault(("memory", key), unit)
        elif target in _METADATA:
            key = f"{target}.{path}"
            if persisted[i] or commands[i]:
                # An Action's command a later one replaced in the merged write is a write too.
                facts.writers.setdefault(("metadata", key), []).append(
                    (unit, None if cols["op"][i] == "remove" else Raw(cols["after"][i])))
            if persisted[i]:
                if cols["op"][i] == "remove":
                    facts.metadata[key] = None
                elif cols["before"][i] != cols["after"][i] or cols["op"][i] != "replace":
                    facts.metadata[key] = Raw(cols["after"][i])
                else:
                    continue   # the value already stored: no change, nobody to blame
                facts.who[("metadata", key)] = unit
                facts.phases[("metadata", key)] = cols["phase"][i]
            else:
                facts.memory[key] = Raw(cols["after"][i])
                facts.who.setdefault(("memory", key), unit)


def _add_runs(runs: pd.DataFrame, index: dict[str, LoginFacts]) -> None:
    """The units that started in each login (``api.rules.wasExecuted`` answers from them)."""
    if not len(runs):
        return
    started = runs[runs["outcome"].astype("object") != "skipped"]
    ran: dict[str, list[str]] = {}
    for login, unit in zip(_text(started["login_id"]), _text(started["rule"]), strict=True):
        units = ran.setdefault(login, [])
        if unit not in units:
            units.append(unit)
    for login, units in ran.items():
        facts = index.get(login)
        if facts is not None:
            facts.ran = tuple(units)


def _add_calls(calls: pd.DataFrame, index: dict[str, LoginFacts]) -> None:
    if not len(calls):
        return
    http = calls[calls["kind"].astype("object") == "http"]
    cols = {c: _text(http[c]) for c in ("login_id", "phase", "rule", "method", "url")}
    fire = http["fire_and_forget"].to_numpy(dtype=bool)
    for i, login in enumerate(cols["login_id"]):
        facts = index.get(login)
        if facts is None:
            continue
        key = call_key(cols["method"][i], cols["url"][i])
        facts.calls[key] += 1
        facts.who.setdefault(("calls", key), cols["rule"][i])
        if cols["phase"][i] == "continue":
            facts.phases[("calls", key)] = "continue"
        if fire[i]:
            facts.fire_and_forget.add(key)


def failed(outcome: str) -> bool:
    """Whether an outcome ended the login without tokens."""
    return outcome in _FAILED
