"""File I/O for synthetic populations: parquet files, Auth0 user exports and explicit logins.

This module turns outside data into the ``users``/``logins`` frames a
:class:`~rulesim.population.Population` wraps, and back: :func:`write_population` and
:func:`read_population` store a population in one parquet file, :func:`read_export` and
:func:`export_frames` load an Auth0 user export (NDJSON or CSV) and synthesize its users'
logins, and :func:`complete` and :func:`frames_from_payloads` turn explicit, possibly partial
logins into complete payloads and frames. The public entry points stay on ``Population``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rulesim._fastjson import dumps
from rulesim.errors import PopulationError, UsageError
from rulesim.population.generate import (
    Spec,
    categorical,
    draw,
    dt,
    generate_logins,
    logins_frame,
    low_card,
    optional,
    optional_categorical,
    probs,
)
from rulesim.population.mix import (
    BLOCK_USERS,
    CITY_COUNT,
    CITY_START,
    CODES,
    FAM_COUNT,
    FAM_START,
    FAMILIES,
    MS_DAY,
    UA_FAMILY,
    UAS,
)
from rulesim.population.render import merge
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

# ---------------------------------------------------------------------------------------------
# parquet files


def write_population(path: str | Path, users: pd.DataFrame, logins: pd.DataFrame,
                   spec: dict[str, Any], overrides: tuple[list[dict[str, Any]], ...]) -> None:
    """Write a population's frames, spec and overrides (see ``Population.to_parquet``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = np.unique(logins["_u"].to_numpy())
    logins = logins.copy()
    logins["_u"] = np.searchsorted(rows, logins["_u"].to_numpy()).astype(np.int64)
    users = users.iloc[rows].reset_index(drop=True)
    tables, dtypes = [], {}
    for prefix, df in (("l:", logins), ("u:", users)):
        for name in df.columns:
            dtypes[prefix + name] = (list(map(str, df[name].cat.categories))
                                     if isinstance(df[name].dtype, pd.CategoricalDtype)
                                     else str(df[name].dtype))
        table = pa.Table.from_pandas(df, preserve_index=False)
        tables.append(table.rename_columns([prefix + c for c in table.column_names]))
    merged = pa.concat_tables(tables, promote_options="default")
    meta = {"version": 1, "spec": spec, "overrides": list(overrides),
            "n_logins": len(logins), "dtypes": dtypes}
    merged = merged.replace_schema_metadata({b"rulesim": json.dumps(meta).encode()})
    pq.write_table(merged, str(path))


def read_population(path: str | Path
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any],
                             tuple[list[dict[str, Any]], ...]]:
    """Read ``(users, logins, spec, overrides)`` from a file :func:`write_population` wrote."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(str(path))
        meta = json.loads((table.schema.metadata or {})[b"rulesim"])
    except (OSError, KeyError, ValueError) as exc:
        raise PopulationError(f"{path}: not a rulesim population parquet file ({exc})"
                              ) from None
    n, dtypes = int(meta["n_logins"]), meta["dtypes"]
    parts = []
    for prefix, part in (("l:", table.slice(0, n)), ("u:", table.slice(n))):
        names = [c for c in part.column_names if c.startswith(prefix)]
        df = part.select(names).to_pandas()
        for name in names:
            want = dtypes[name]
            if isinstance(want, list):
                df[name] = pd.Categorical(df[name].astype(object), categories=want)
            elif want == "object":
                df[name] = df[name].astype(object).where(df[name].notna(), None)
            elif str(df[name].dtype) != want:
                df[name] = df[name].astype(want)
        parts.append(df.rename(columns=lambda c: c[2:]))
    overrides = tuple(meta["overrides"])
    return parts[1], parts[0], meta["spec"], overrides


# ---------------------------------------------------------------------------------------------
# user exports and explicit logins

_EXPORT_DYNAMIC = ("logins_count", "last_login", "last_ip", "updated_at")


def _parse_cell(text: str) -> Any:
    t = text.strip()
    if t[:1] in "[{" or t in ("true", "false", "null"):
        try:
            return json.loads(t)
        except ValueError:
            return text
    if t.lstrip("-").isdigit() and len(t) < 16:
        return int(t)
    return text


def read_export(path: Path) -> list[dict[str, Any]]:
    import gzip

    opener: Any = gzip.open if path.suffix == ".gz" else open
    stem = path.with_suffix("") if path.suffix == ".gz" else path
    records: list[dict[str, Any]] = []
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            if stem.suffix.lower() == ".csv":
                for row in csv.DictReader(fh):
                    rec: dict[str, Any] = {}
                    for key, cell in row.items():
                        if key is None or cell in (None, ""):
                            continue
                        *parents, leaf = key.strip().split(".")
                        node = rec
                        for p in parents:
                            node = node.setdefault(p, {})
                        node[leaf] = _parse_cell(cell)
                    records.append(rec)
            else:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            records.append(json.loads(line))
                        except ValueError as exc:
                            raise PopulationError(f"{path}, line {lineno}: not JSON ({exc})"
                                                  ) from None
    except OSError as exc:
        raise PopulationError(f"cannot read user export {path}: {exc}") from None
    for i, rec in enumerate(records, 1):
        if not isinstance(rec, dict) or not isinstance(rec.get("user_id"), str):
            raise PopulationError(f"{path}, record {i}: every user needs a string user_id")
    if not records:
        raise PopulationError(f"{path}: the user export is empty")
    return records


def connection_of(user: Mapping[str, Any]) -> tuple[str, str]:
    idents = user.get("identities")
    if isinstance(idents, list) and idents and isinstance(idents[0], dict):
        conn = str(idents[0].get("connection", ""))
        strat = str(idents[0].get("provider", ""))
        if conn:
            return conn, strat or idp.CONNECTIONS.get(conn, (conn, False))[0]
    parts = str(user.get("user_id", "")).split("|")
    prefix = parts[0]
    if prefix == "samlp" and len(parts) > 2:
        return parts[1], "samlp"
    for name, (strategy, _) in idp.CONNECTIONS.items():
        if strategy == prefix:
            return name, strategy
    return prefix, prefix


def to_ms(value: Any, default: int) -> int:
    try:
        return int(pd.Timestamp(value).tz_localize(None).value // 1_000_000) if value else default
    except (ValueError, TypeError):
        return default


def export_frames(spec: Spec, records: list[dict[str, Any]]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    mix, k = spec.mix, BLOCK_USERS
    start = int(pd.Timestamp(mix.start, tz="UTC").value // 1_000_000)
    statics: list[str] = []
    lists: dict[str, list[Any]] = {key: [] for key in (
        "user_id", "email", "email_domain", "connection", "strategy", "country", "roles", "plan",
        "created")}
    mfa_list: list[bool] = []
    prior_list: list[int] = []
    for rec in records:
        conn, strat = connection_of(rec)
        app: dict[str, Any] = rec["app_metadata"] if isinstance(
            rec.get("app_metadata"), dict) else {}
        meta: dict[str, Any] = rec["user_metadata"] if isinstance(
            rec.get("user_metadata"), dict) else {}
        email = str(rec.get("email") or "")
        home = str(meta.get("country") or app.get("country") or "").upper()
        roles: list[Any] = app["roles"] if isinstance(app.get("roles"), list) else []
        for key, value in (("user_id", rec["user_id"]), ("email", email),
                           ("email_domain", email.split("@")[-1] if "@" in email else ""),
                           ("connection", conn), ("strategy", strat), ("country", home),
                           ("roles", ",".join(map(str, roles))),
                           ("plan", str(app.get("plan", ""))),
                           ("created", to_ms(rec.get("created_at"), start - 365 * MS_DAY))):
            lists[key].append(value)
        mfa_list.append(bool(rec.get("multifactor")))
        prior_list.append(int(rec.get("logins_count") or 0))
        static = {k2: v for k2, v in rec.items() if k2 not in _EXPORT_DYNAMIC}
        if "identities" not in static:
            static["identities"] = idp.identities_for(rec["user_id"], conn, strat)
        statics.append(dumps(static)[:-1])
    p_country = probs(mix.countries, CODES)
    login_parts: list[dict[str, Any]] = []
    offset = 0
    for block in range(math.ceil(len(records) / k)):
        sl = slice(block * k, (block + 1) * k)
        m = len(records[sl])
        rng = np.random.default_rng([spec.seed, block, 1])
        drawn = draw(rng, p_country, m)
        country = np.array([CODES.index(c) if c in CODES else d
                            for c, d in zip(lists["country"][sl], drawn.tolist(), strict=True)])
        fam = draw(rng, probs(mix.user_agents, FAMILIES), m)
        fam2 = draw(rng, probs(mix.user_agents, FAMILIES), m)
        ua = FAM_START[fam] + (rng.random(m) * FAM_COUNT[fam]).astype(np.int64)
        ua2 = FAM_START[fam2] + (rng.random(m) * FAM_COUNT[fam2]).astype(np.int64)
        created = np.array(lists["created"][sl], dtype=np.int64)
        t0 = np.maximum(start + (rng.random(m) * 30 * MS_DAY).astype(np.int64),
                        created + 60_000)
        travel = rng.random(m) < mix.travel_rate
        users = {
            "country": country, "mfa_enrolled": np.array(mfa_list[sl]),
            "prior_logins": np.array(prior_list[sl], dtype=np.int64),
            "home_city": CITY_START[country] + (rng.random(m) * CITY_COUNT[country]
                                                 ).astype(np.int64),
            "_ua": ua, "_ua2": np.where(ua2 == ua, (ua + 1) % len(UAS), ua2),
            "_v6": rng.random(m) < mix.ipv6_share, "_t0": t0, "_travel": travel,
            "_impossible": travel & (rng.random(m) < mix.impossible_travel_share),
            "_other": (country + 1 + rng.integers(0, len(CODES) - 1, m)) % len(CODES),
            "_trip_frac": rng.random(m), "_trip_len": rng.integers(1, 4, m),
            "_newdev": rng.random(m) < mix.new_device_rate, "_newdev_frac": rng.random(m),
        }
        lists["country"][sl] = [CODES[c] for c in country.tolist()]
        crng = np.random.default_rng([spec.seed, block, 0])
        lpu = sorted(mix.logins_per_user)
        counts = np.array(lpu)[draw(crng, probs(mix.logins_per_user, lpu), m)]
        logins = generate_logins(spec, block, users, counts.astype(np.int64), offset)
        logins["user_edge"] = np.zeros(len(logins["login_id"]), dtype=np.int64)
        offset += int(counts.sum())
        login_parts.append(logins)
    users_df = pd.DataFrame({
        "user_id": lists["user_id"], "email": optional(lists["email"]),
        "email_domain": optional_categorical(lists["email_domain"]),
        "connection": categorical(lists["connection"]),
        "strategy": categorical(lists["strategy"]),
        "country": categorical(lists["country"]), "roles": categorical(lists["roles"]),
        "plan": optional_categorical(lists["plan"]), "mfa_enrolled": np.array(mfa_list),
        "created_at": dt(lists["created"]), "tags": categorical([""] * len(records)),
        "prior_logins": np.array(prior_list, dtype=np.int64),
        "organization": optional([""] * len(records)), "_profile": statics,
    })
    lcols = {key: (np.concatenate([np.asarray(p[key], dtype=object if isinstance(p[key], list)
                                              else None) for p in login_parts]))
             for key in login_parts[0]}
    return users_df, logins_frame(lcols, users_df, None)


def complete(i: int, item: Mapping[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise UsageError(f"from_logins(): login {i} must be a dict, got {type(item).__name__}")
    unknown = set(item) - {"user", "context", "timestamp_ms", "login_id"}
    if unknown:
        raise UsageError(f"from_logins(): login {i} has unknown keys {sorted(unknown)}; "
                         "expected user, context, timestamp_ms, login_id")
    user = dict(item.get("user") or {})
    ctx = dict(item.get("context") or {})
    if "user_id" in user and "identities" not in user:
        conn, strat = connection_of({"user_id": user["user_id"]})
        base["user"]["identities"] = idp.identities_for(str(user["user_id"]), conn, strat)
        base["context"].update(lcp.connection_fields(conn, strat))
    merge(base["user"], user)
    merge(base["context"], ctx)
    if "connection" in ctx and "connectionStrategy" not in ctx:
        conn = str(ctx["connection"])
        base["context"].update(lcp.connection_fields(
            conn, idp.CONNECTIONS.get(conn, (conn, False))[0]))
        merge(base["context"], ctx)
    if "logins_count" in user and "stats" not in ctx:
        base["context"]["stats"] = {"loginsCount": user["logins_count"]}
    elif "stats" in ctx and "logins_count" not in user:
        base["user"]["logins_count"] = base["context"].get("stats", {}).get("loginsCount", 1)
    base["user_id"] = str(base["user"].get("user_id", base["user_id"]))
    base["timestamp_ms"] = int(item.get("timestamp_ms", base["timestamp_ms"]))
    base["login_id"] = str(item.get("login_id", f"L{i:07d}"))
    return base


def frames_from_payloads(payloads: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    first: dict[str, int] = {}
    first_row: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    fam_of = {ua: FAMILIES[f] for ua, f in zip(UAS, UA_FAMILY.tolist(), strict=True)}
    for p in payloads:
        user, ctx = p["user"], p["context"]
        req = ctx.get("request") if isinstance(ctx.get("request"), dict) else None
        ip = str((req or {}).get("ip", ""))
        email = str(user.get("email") or "")
        u = first.setdefault(p["user_id"], len(first))
        first_row.setdefault(p["user_id"], len(rows))
        rows.append({
            "login_id": p["login_id"], "user_id": p["user_id"],
            "timestamp": p["timestamp_ms"], "connection": str(ctx.get("connection", "")),
            "strategy": str(ctx.get("connectionStrategy", "")),
            "client_id": str(ctx.get("clientID", "")),
            "client_name": str(ctx.get("clientName", "")),
            "protocol": str(ctx.get("protocol", "")),
            "country": str(((req or {}).get("geoip") or {}).get("country_code", "")),
            "ip": ip, "ip_version": 6 if ":" in ip else 4 if ip else 0,
            "user_agent_family": fam_of.get(str((req or {}).get("userAgent", "")), "other"),
            "email_domain": email.split("@")[-1] if "@" in email else "",
            "logins_count": int((ctx.get("stats") or {}).get("loginsCount", 0)),
            "tags": "", "has_request": req is not None, "_u": u, "_payload": dumps(p),
        })
    logins = pd.DataFrame(rows)
    logins["timestamp"] = dt(logins["timestamp"].to_numpy(dtype=np.int64))
    logins = low_card(logins, ["connection", "strategy", "client_id", "client_name", "protocol",
                                "country", "user_agent_family", "tags"])
    logins["email_domain"] = optional_categorical(logins["email_domain"].tolist())
    users = []
    for uid, i in first_row.items():
        p = payloads[i]
        user, ctx = p["user"], p["context"]
        app = user.get("app_metadata") if isinstance(user.get("app_metadata"), dict) else {}
        roles = (ctx.get("authorization") or {}).get("roles") or app.get("roles") or []
        email = str(user.get("email") or "")
        users.append({
            "user_id": uid, "email": email,
            "email_domain": email.split("@")[-1] if "@" in email else "",
            "connection": str(ctx.get("connection", "")),
            "strategy": str(ctx.get("connectionStrategy", "")),
            "country": rows[i]["country"],
            "roles": ",".join(map(str, roles)), "plan": str(app.get("plan", "")),
            "mfa_enrolled": bool(user.get("multifactor")),
            "created_at": to_ms(user.get("created_at"), p["timestamp_ms"]), "tags": "",
        })
    users_df = pd.DataFrame(users)
    users_df["created_at"] = dt(users_df["created_at"].to_numpy(dtype=np.int64))
    users_df = low_card(users_df, ["connection", "strategy", "country", "roles", "tags"])
    users_df["email"] = optional(users_df["email"].tolist())
    for name in ("email_domain", "plan"):
        users_df[name] = optional_categorical(users_df[name].tolist())
    return users_df, logins
