"""Per-login differences between two simulations of one population (private to :mod:`rulesim.impact`).

Everything here is plain pandas over the frames of the column contract
(:data:`rulesim.records.COLUMNS`); nothing runs a rule. Measured CPU fields (``cpu_ms``,
``cpu_us``, and ``latency_ms``, which includes CPU time) differ between any two runs and are
never compared here: :func:`latency_table` reports them as deltas, not as changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rulesim.records import COLUMNS, LoginOutcome

__all__ = [
    "KINDS",
    "OUTCOMES",
    "Diff",
    "diff_simulations",
    "latency_table",
    "transitions_table",
]

OUTCOMES: tuple[str, ...] = tuple(o.value for o in LoginOutcome)
"""Login outcomes in the order of the transitions crosstab."""

KINDS: tuple[str, ...] = ("outcome", "deciding_rule", "error_code", "id_token", "access_token",
                          "scopes", "mfa", "redirect", "persisted_metadata")
"""Kinds of difference, in the order they are listed in ``Impact.changed["kinds"]``."""

_RESULT_COLUMNS = frozenset(name for name, _, _ in COLUMNS["logins"])
# Compared only when both sides end with the same outcome and the pipeline completed
# (allowed, or stopped at a redirect): otherwise the outcome change already says it all.
_STATE_KINDS = ("id_token", "access_token", "scopes", "mfa", "redirect")
_STATE_OUTCOMES = frozenset({"allowed", "redirect"})
_TOKENS = ("id_token", "access_token")


@dataclass
class _ClaimTally:
    gained: int = 0
    lost: int = 0
    changed: int = 0
    example: tuple[str, str | None, str | None] | None = None


@dataclass
class Diff:
    """The result of :func:`diff_simulations`.

    Attributes
    ----------
    frame
        One row per login (baseline order): ``login_id``, ``kinds``, ``<kind>_before`` /
        ``<kind>_after``, ``claims_gained`` / ``claims_lost`` / ``claims_changed`` and the
        population attributes.
    claims
        One row per (token, claim) that differs on at least one login.
    """

    frame: pd.DataFrame
    claims: pd.DataFrame
    attributes: list[str] = field(default_factory=list)


def _text(series: pd.Series) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Values as Python strings, missing as ``""``."""
    values = series.astype("object").to_numpy()
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = "" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v)
    return out


def _mfa(logins: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.object_]]:
    required = logins["mfa_required"].to_numpy(dtype=bool)
    provider = _text(logins["mfa_provider"])
    return np.where(required, np.where(provider == "", "required", provider), "none").astype(object)


def _persisted(sim_changes: pd.DataFrame, login_ids: Sequence[str]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Per login, the writes made through the Management API as canonical JSON ("" if none)."""
    rows = sim_changes[sim_changes["persisted"].to_numpy(dtype=bool)]
    by_login: dict[str, list[list[str]]] = {}
    for login, target, path, op, after in zip(
            _text(rows["login_id"]), _text(rows["target"]), _text(rows["path"]),
            _text(rows["op"]), _text(rows["after"]), strict=True):
        by_login.setdefault(login, []).append([target, path, op, after])
    out = np.empty(len(login_ids), dtype=object)
    for i, login in enumerate(login_ids):
        writes = by_login.get(login)
        out[i] = json.dumps(sorted(writes), separators=(",", ":")) if writes else ""
    return out


def _values(sim: Any, login_ids: Sequence[str]) -> dict[str, np.ndarray[Any, np.dtype[np.object_]]]:
    logins = sim.logins
    return {
        "outcome": _text(logins["outcome"]),
        "deciding_rule": _text(logins["deciding_rule"]),
        "error_code": _text(logins["error_code"]),
        "id_token": _text(logins["id_token"]),
        "access_token": _text(logins["access_token"]),
        "scopes": _text(logins["scopes"]),
        "mfa": _mfa(logins),
        "redirect": _text(logins["redirect_url"]),
        "persisted_metadata": _persisted(sim.changes, login_ids),
    }


def _claims(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"<unparsable>": text}
    return value if isinstance(value, dict) else {"<value>": value}


def _short(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _compare_token(token: str, before: str, after: str, login: str,
                   tally: dict[tuple[str, str], _ClaimTally],
                   lists: dict[str, list[str]]) -> bool:
    """Compare one token's claims; record per-claim tallies; True if they differ."""
    a, b = _claims(before), _claims(after)
    if a == b:
        return False
    for claim in sorted(set(a) | set(b)):
        if claim in a and claim in b and a[claim] == b[claim]:
            continue
        entry = tally.setdefault((token, claim), _ClaimTally())
        if claim not in a:
            entry.gained += 1
            lists["gained"].append(f"{token}:{claim}")
        elif claim not in b:
            entry.lost += 1
            lists["lost"].append(f"{token}:{claim}")
        else:
            entry.changed += 1
            lists["changed"].append(f"{token}:{claim}")
        if entry.example is None:
            entry.example = (login, _short(a[claim]) if claim in a else None,
                             _short(b[claim]) if claim in b else None)
    return True


def _compare_scopes(before: str, after: str, login: str,
                    tally: dict[tuple[str, str], _ClaimTally], lists: dict[str, list[str]]) -> bool:
    a, b = set(before.split()), set(after.split())
    if a == b:
        return False
    for scope in sorted(a ^ b):
        entry = tally.setdefault(("scope", scope), _ClaimTally())
        if scope in b:
            entry.gained += 1
            lists["gained"].append(f"scope:{scope}")
        else:
            entry.lost += 1
            lists["lost"].append(f"scope:{scope}")
        if entry.example is None:
            entry.example = (login, before, after)
    return True


def diff_simulations(base: Any, cand: Any) -> Diff:
    """Compare two simulations of the same logins, login by login.

    ``cand.logins`` must hold the same login ids as ``base.logins`` (in any order); the
    result follows the baseline's order.
    """
    login_ids = [str(x) for x in base.logins["login_id"]]
    cand_logins = cand.logins
    if [str(x) for x in cand_logins["login_id"]] != login_ids:
        pos = pd.Index(cand_logins["login_id"].astype(str)).get_indexer(login_ids)
        cand = _Reordered(cand_logins.iloc[pos].reset_index(drop=True), cand.changes)
    before, after = _values(base, login_ids), _values(cand, login_ids)
    n = len(login_ids)
    same_outcome = before["outcome"] == after["outcome"]
    stateful = same_outcome & np.isin(before["outcome"], list(_STATE_OUTCOMES))
    flags: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}
    flags["outcome"] = ~same_outcome
    for kind in ("deciding_rule", "error_code"):
        flags[kind] = same_outcome & (before[kind] != after[kind])
    flags["persisted_metadata"] = before["persisted_metadata"] != after["persisted_metadata"]
    for kind in ("mfa", "redirect"):
        flags[kind] = stateful & (before[kind] != after[kind])
    tally: dict[tuple[str, str], _ClaimTally] = {}
    claim_lists: dict[str, list[str]] = {k: [""] * n for k in ("gained", "lost", "changed")}
    for kind in (*_TOKENS, "scopes"):
        flags[kind] = np.zeros(n, dtype=bool)
    raw_diff = np.zeros(n, dtype=bool)
    for kind in (*_TOKENS, "scopes"):
        raw_diff |= before[kind] != after[kind]
    for i in np.flatnonzero(stateful & raw_diff):
        lists: dict[str, list[str]] = {"gained": [], "lost": [], "changed": []}
        for token in _TOKENS:
            flags[token][i] = _compare_token(token, before[token][i], after[token][i],
                                             login_ids[i], tally, lists)
        flags["scopes"][i] = _compare_scopes(before["scopes"][i], after["scopes"][i],
                                             login_ids[i], tally, lists)
        for key, names in lists.items():
            claim_lists[key][i] = ",".join(names)
    kinds = np.full(n, "", dtype=object)
    for kind in KINDS:
        mark = flags[kind]
        kinds[mark] = np.where(kinds[mark] == "", kind, kinds[mark] + "," + kind)
    data: dict[str, Any] = {"login_id": pd.array(login_ids, dtype="string"),
                            "kinds": pd.array(kinds, dtype="string")}
    for kind in KINDS:
        for side, values in (("before", before[kind]), ("after", after[kind])):
            col = pd.Series(values, dtype="string")
            data[f"{kind}_{side}"] = col.mask(col == "") if kind != "outcome" else col
    for key, names in claim_lists.items():
        data[f"claims_{key}"] = pd.array(names, dtype="string")
    frame = pd.DataFrame(data)
    attributes = ["user_id", *[c for c in base.logins.columns if c not in _RESULT_COLUMNS]]
    for col in attributes:
        frame[col] = base.logins[col].to_numpy() if col != "user_id" else base.logins[col].array
    return Diff(frame=frame, claims=_claims_frame(tally), attributes=attributes)


class _Reordered:
    """A stand-in simulation whose logins were put in the baseline's order."""

    def __init__(self, logins: pd.DataFrame, changes: pd.DataFrame) -> None:
        self.logins = logins
        self.changes = changes


def _claims_frame(tally: dict[tuple[str, str], _ClaimTally]) -> pd.DataFrame:
    rows = []
    for (token, claim), t in tally.items():
        login, before, after = t.example or ("", None, None)
        rows.append({"token": token, "claim": claim, "gained": t.gained, "lost": t.lost,
                     "changed": t.changed, "logins": t.gained + t.lost + t.changed,
                     "example_login_id": login, "example_before": before,
                     "example_after": after})
    columns = ["token", "claim", "gained", "lost", "changed", "logins", "example_login_id",
               "example_before", "example_after"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("gained", "lost", "changed", "logins"):
        frame[col] = frame[col].astype("int64")
    for col in ("token", "claim", "example_login_id", "example_before", "example_after"):
        frame[col] = frame[col].astype("string")
    ordered: pd.DataFrame = frame.sort_values(["logins", "token", "claim"],
                                              ascending=[False, True, True], kind="stable")
    result: pd.DataFrame = ordered.reset_index(drop=True)
    return result


def transitions_table(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Baseline outcome (rows) × candidate outcome (columns), counts then shares."""
    rows = pd.Categorical(before.astype("object"), categories=list(OUTCOMES))
    cols = pd.Categorical(after.astype("object"), categories=list(OUTCOMES))
    counts = pd.crosstab(rows, cols, dropna=False).reindex(
        index=list(OUTCOMES), columns=list(OUTCOMES), fill_value=0).astype("int64")
    counts.index = pd.Index(list(OUTCOMES), name="baseline")
    counts.columns = pd.Index(list(OUTCOMES), name="candidate")
    total = max(int(counts.to_numpy().sum()), 1)
    table: pd.DataFrame = pd.concat({"count": counts, "share": counts / total}, axis=1)
    table.columns = table.columns.set_names(["measure", "candidate"])
    return table


_QUANTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


def _quantiles(values: pd.Series) -> dict[str, float]:
    if len(values) == 0:
        return {name: float("nan") for name, _ in _QUANTILES}
    q = values.quantile([p for _, p in _QUANTILES])
    return {name: float(q.loc[p]) for name, p in _QUANTILES}


def latency_table(base: Any, cand: Any) -> pd.DataFrame:
    """p50/p95/p99 before, after and delta: overall (``latency_ms``) and per rule (``io_ms``).

    The overall row uses ``logins.latency_ms`` (measured CPU time plus simulated I/O, so its
    delta carries a little CPU noise); the per-rule rows use ``rule_runs.io_ms`` over the runs
    where the rule started (simulated I/O only: exact and reproducible). ``cpu_us`` is shown
    as a median delta per rule for information only.
    """
    rows: list[dict[str, Any]] = []

    def add(level: str, name: str, basis: str, a: pd.Series, b: pd.Series,
            cpu: tuple[pd.Series, pd.Series] | None) -> None:
        qa, qb = _quantiles(a), _quantiles(b)
        row: dict[str, Any] = {"level": level, "name": name, "basis": basis,
                               "runs_before": len(a), "runs_after": len(b)}
        for q, _ in _QUANTILES:
            row[f"{q}_before"], row[f"{q}_after"] = qa[q], qb[q]
            row[f"{q}_delta"] = qb[q] - qa[q]
        if cpu is not None:
            ca, cb = (float(s.median()) if len(s) else float("nan") for s in cpu)
            row["cpu_us_p50_delta"] = cb - ca
        else:
            row["cpu_us_p50_delta"] = float("nan")
        rows.append(row)

    add("login", "all logins", "latency_ms", base.logins["latency_ms"], cand.logins["latency_ms"],
        None)
    ran_a = base.rule_runs[base.rule_runs["outcome"] != "skipped"]
    ran_b = cand.rule_runs[cand.rule_runs["outcome"] != "skipped"]
    names = list(dict.fromkeys([*map(str, base.rule_runs["rule"].cat.categories),
                                *map(str, cand.rule_runs["rule"].cat.categories)]))
    for name in names:
        a = ran_a[ran_a["rule"].astype("object") == name]
        b = ran_b[ran_b["rule"].astype("object") == name]
        add("rule", name, "io_ms", a["io_ms"], b["io_ms"], (a["cpu_us"], b["cpu_us"]))
    frame: pd.DataFrame = pd.DataFrame(rows)
    return frame
