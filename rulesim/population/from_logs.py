"""A population built from a tenant's own login logs (``Population.from_logs``).

:func:`log_frames` turns the login events of a log export (see :mod:`rulesim.logs`) into the
``users``/``logins`` frames a :class:`~rulesim.Population` wraps: one login per event, users
joined to a users export or generated, pseudonymized when asked, optionally resampled to ``n``
logins. :func:`render_logs` builds each login's Rules payload from those frames on demand
(the per-login context is rebuilt from the event: client, connection, IP, user agent, geoip,
logins count, authentication methods from the prompts, the date).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rulesim._fastjson import dumps
from rulesim.errors import PopulationError
from rulesim.logs import GEO, LOGIN_EVENTS, LogSummary, encoded, read_table, to_frame
from rulesim.population import log_profiles as lp
from rulesim.population.files import connection_of as _connection_of
from rulesim.population.files import read_export as _read_export
from rulesim.population.files import to_ms as _to_ms
from rulesim.population.generate import dt as _dt
from rulesim.population.mix import FAMILIES as _FAMILIES
from rulesim.providers import login_context as lcp

_CLIENT_BY_ID = {c.client_id: c for c in lcp.CLIENTS}
_CLIENT_BY_NAME = {c.name: c for c in lcp.CLIENTS}
_FIRST_FACTORS = ("pwd", "federated", "email", "sms")
_UNREAD = ("strategy_type",)
"""Event columns a log population does not use: not even parsed."""
_UNUSED = ("date", "user_id", "user_name")
"""Event columns the login table leaves out (the users come from ``user_id`` separately)."""


def _method(stage: str) -> str:
    s = stage.lower()
    if "mfa" in s or "guardian" in s or "otp" in s or "webauthn" in s:
        return "mfa"
    if "passwordless" in s:
        return "sms" if "sms" in s else "email"
    if "password" in s or s in ("prompt-authenticate", "lock-password-authenticate"):
        return "pwd"
    if s.endswith("-authenticate"):
        return "federated"
    return ""


def _methods(prompts: str) -> tuple[str, ...]:
    found: list[str] = []
    for stage in prompts.split(","):
        m = _method(stage)
        if m and m not in found:
            found.append(m)
    return tuple(found)


def _protocol(event_type: str, client_id: str, client_name: str) -> str:
    implied = LOGIN_EVENTS.get(event_type, "")
    if implied:
        return implied
    client = _CLIENT_BY_ID.get(client_id) or _CLIENT_BY_NAME.get(client_name)
    if client is not None and client.protocols[0] in ("samlp", "oauth2-resource-owner"):
        return client.protocols[0]
    return "oidc-basic-profile"


def _geo_fragment(row: tuple[Any, ...]) -> str:
    geo = {k: v for k, v in zip(GEO, row, strict=True)
           if v is not None and v == v and v != ""}  # v == v drops NaN
    return dumps(geo) if geo.get("country_code") else ""


def _truncate_ip(ip: str) -> str:
    if ":" in ip:
        groups = ip.split(":")
        return ":".join(groups[:3]) + "::" if len(groups) > 3 else ip
    head, dot, _ = ip.rpartition(".")
    return f"{head}.0" if dot else ip


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many short-lived objects that hold
    no cycles: its passes over the growing heap cost more than the work itself, and objects
    freed before the pause ends are never scanned at all."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _per_unique(frame: pd.DataFrame, func: Any) -> pd.Categorical:
    """``func(*row)`` for every row as a categorical, computed once per distinct row."""
    if frame.empty:
        return pd.Categorical([])
    keys = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    codes, uniq = pd.factorize(keys)
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    values = [func(*row) for row in frame.iloc[first].itertuples(index=False, name=None)]
    categories = list(dict.fromkeys(values))
    remap = np.array([categories.index(v) for v in values], dtype=np.int64)
    cat: pd.Categorical = pd.Categorical.from_codes(remap[codes], categories=pd.Index(categories))
    return cat


def _login_ids(n: int) -> Any:
    """``L0000000``, ``L0000001``, ... as a string array (built by pyarrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string()), 7, "0")
    return pd.array(pc.binary_join_element_wise("L", digits, ""), dtype="str")


def _filled(col: pd.Series) -> pd.Series:
    """A string column with ``""`` for missing values (categoricals stay categorical)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        if "" not in col.cat.categories:
            col = col.cat.add_categories([""])
        filled: pd.Series = col.fillna("")
        return filled
    out: pd.Series = col.astype(object).where(col.notna(), "")
    return out


def _category(values: Any) -> pd.Categorical:
    """A categorical of ``values`` without unused categories (a categorical column keeps its
    codes: unused categories are dropped by counting, not by sorting)."""
    if isinstance(values, pd.Categorical):
        return values
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        cats = values.cat.categories
        used = np.bincount(codes[codes >= 0], minlength=len(cats)) > 0
        remap = np.cumsum(used) - 1
        new = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        cat: pd.Categorical = pd.Categorical.from_codes(new, categories=cats[used])
        return cat
    return pd.Categorical(np.asarray(values, dtype=object))


def _take_category(col: pd.Series, rows: npt.NDArray[np.int64]) -> pd.Categorical:
    """``col[rows]`` for a categorical column, by its codes."""
    cat: pd.Categorical = pd.Categorical.from_codes(col.cat.codes.to_numpy()[rows],
                                                    categories=col.cat.categories)
    return cat


# --- users ------------------------------------------------------------------------------------


def _user_rows(ev: pd.DataFrame, first_rows: npt.NDArray[np.int64], uids: list[str],
               names: list[str], export: dict[str, dict[str, Any]], pseudonymize: bool
               ) -> list[dict[str, Any]]:
    """One dict per user (in first-login order): the contract columns and the profile dict
    (``names``: the ``user_name`` of each user's first login, ``""`` when it has none)."""
    rows = []
    sub = ev[["_ms", "logins_count", "connection", "strategy"]].iloc[first_rows]
    ms, lc = sub["_ms"].to_numpy(dtype=np.int64), sub["logins_count"].to_numpy(dtype=float)
    conns = sub["connection"].astype(object).where(sub["connection"].notna(), "").tolist()
    strats = sub["strategy"].astype(object).where(sub["strategy"].notna(), "").tolist()
    for r, uid in enumerate(uids):
        conn, strat = str(conns[r]), str(strats[r])
        record = export.get(uid)
        new_id = lp.pseudo_user_id(uid) if pseudonymize else uid
        if record is not None:
            e_conn, e_strat = _connection_of(record)
            profile = lp.export_profile(record, conn or e_conn, strat or e_strat)
            if pseudonymize:
                profile = lp.pseudonymize_profile(profile, new_id)
        else:
            if not conn or not strat:
                e_conn, e_strat = _connection_of({"user_id": uid})
                conn, strat = conn or e_conn, strat or e_strat
            name = str(names[r])
            email = name if "@" in name else ""
            email = lp.pseudo_email(email, uid) if pseudonymize and email else email
            count = float(lc[r])
            created = lp.created_before(uid, int(ms[r]), int(count) if count == count else 2)
            profile = lp.generated_profile(new_id, email, conn, strat, uid, created)
        rows.append({"profile": profile, "connection": conn, "strategy": strat,
                     "in_export": record is not None,
                     "created": None if record is not None else created})
    return rows


def _created_ms(value: Any) -> int:
    """Epoch ms of an ISO date (UTC when it names no zone); 0 when absent or unreadable."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _to_ms(value, 0)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return int(parsed.timestamp() * 1000)
    return _to_ms(value, 0)


def _user_frame(rows: list[dict[str, Any]], copies: list[tuple[int, int]],
                home: list[str]) -> pd.DataFrame:
    out: dict[str, list[Any]] = {k: [] for k in (
        "user_id", "email", "email_domain", "connection", "strategy", "country", "roles", "plan",
        "mfa_enrolled", "created_at", "tags", "in_export", "_profile")}
    user_id, email_col, domain, profiles = out["user_id"], out["email"], out["email_domain"], []
    roles_col, plan, mfa, created = out["roles"], out["plan"], out["mfa_enrolled"], out["created_at"]
    for src, copy in copies:
        row = rows[src]
        profile = row["profile"]
        if copy:
            profile = dict(profile)
            profile["user_id"] = lp.pseudo_user_id(str(row["profile"]["user_id"]), copy)
            if isinstance(profile.get("email"), str):
                profile["email"] = lp.copy_email(profile["email"], copy)
            idents = profile.get("identities")
            if isinstance(idents, list) and idents and isinstance(idents[0], dict):
                profile["identities"] = [{**idents[0], "user_id": profile["user_id"].split(
                    "|", 1)[-1]}, *idents[1:]]
        app = profile.get("app_metadata") if isinstance(profile.get("app_metadata"), dict) else {}
        roles: list[Any] = app["roles"] if isinstance(app.get("roles"), list) else []
        email = str(profile.get("email") or "")
        user_id.append(str(profile["user_id"]))
        email_col.append(email)
        domain.append(email.rsplit("@", 1)[1] if "@" in email else "")
        roles_col.append(",".join(map(str, roles)))
        plan.append(str(app.get("plan", "")))
        mfa.append(bool(profile.get("multifactor")))
        created.append(_created_ms(profile.get("created_at")) if row["created"] is None
                       else row["created"])
        profiles.append(profile)
    srcs = [src for src, _ in copies]
    out["connection"] = [rows[s]["connection"] for s in srcs]
    out["strategy"] = [rows[s]["strategy"] for s in srcs]
    out["country"] = [home[s] for s in srcs]
    out["tags"] = [""] * len(copies)
    out["in_export"] = [rows[s]["in_export"] for s in srcs]
    out["_profile"] = [dumps(p)[:-1] for p in profiles]
    columns: dict[str, Any] = dict(out)
    for name in ("email_domain", "connection", "strategy", "country", "roles", "plan", "tags"):
        columns[name] = _category(out[name])
    df: pd.DataFrame = pd.DataFrame(columns)
    df["created_at"] = _dt(df["created_at"].to_numpy(dtype=np.int64))
    return df


# --- logins -----------------------------------------------------------------------------------


def _home_countries(u: npt.NDArray[np.int64], country: pd.Categorical) -> list[str]:
    """Each user's most frequent login country (the first in alphabetical order on a tie)."""
    k = max(len(country.categories), 1)
    order = np.argsort(np.asarray(country.categories, dtype=object).astype(str), kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(len(order))
    keys, counts = np.unique(u * k + rank[country.codes], return_counts=True)
    users, cells = keys // k, keys % k
    best = np.lexsort((cells, -counts, users))
    first = best[np.concatenate([[True], users[best][1:] != users[best][:-1]])]
    names = np.asarray(country.categories, dtype=object)[order]
    return [str(x) for x in names[cells[first]]]


def _resample(starts: npt.NDArray[np.int64], counts: npt.NDArray[np.int64],
              stratum: npt.NDArray[np.int64], n: int | None, seed: int
              ) -> tuple[list[tuple[int, int]], npt.NDArray[np.int64]]:
    """Users to keep as ``(user, copy)`` and the event rows of their logins, in order.

    Whole users are drawn, so each keeps their logins (their count and their mix). Every user
    is taken ``n // total`` times; the remaining logins come from a systematic sample of the
    users sorted by ``stratum`` (the client × connection × country × device cell of their first
    login) and login count, with a seeded random start: each user has the same chance, and
    every stratum gets its share. The last user drawn may keep only a prefix of their logins.
    """
    users = len(counts)
    total = int(counts.sum())
    if n is None or n == total:
        return [(u, 0) for u in range(users)], np.arange(total, dtype=np.int64)
    rng = np.random.default_rng([seed, 1])
    full, rest = divmod(n, total)
    chosen = [(u, k) for k in range(full) for u in range(users)]
    if rest:
        order = np.lexsort((rng.permutation(users), counts, stratum))
        step = total / rest
        picks = np.unique(np.floor(rng.random() * step + np.arange(0, users, step)).astype(
            np.int64))
        picked = order[picks[picks < users]]
        others = np.setdiff1d(order, picked, assume_unique=True)
        queue = np.concatenate([np.sort(picked), rng.permutation(others)])
        upto = int(np.searchsorted(np.cumsum(counts[queue]), rest))
        chosen += [(int(u), full) for u in queue[:upto + 1]]
    parts = [np.arange(starts[u], starts[u] + counts[u]) for u, _ in chosen]
    rows = np.concatenate(parts)[:n].astype(np.int64)
    return chosen, rows


def _sequence_flags(u: npt.NDArray[np.int64], ts: npt.NDArray[np.int64], ua: npt.NDArray[Any],
                    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
                    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """New device (a user agent the user had not used in the window) and impossible travel
    (over 500 km at over 900 km/h since the previous login), per login."""
    same = np.concatenate([[False], u[1:] == u[:-1]])
    seen = pd.DataFrame({"u": u, "ua": ua}).duplicated().to_numpy()
    first = ~np.concatenate([[False], u[1:] == u[:-1]])
    new_device = ~seen & ~first
    la, lo = np.radians(lat), np.radians(lon)
    pla, plo = np.concatenate([[np.nan], la[:-1]]), np.concatenate([[np.nan], lo[:-1]])
    a = np.sin((la - pla) / 2) ** 2 + np.cos(la) * np.cos(pla) * np.sin((lo - plo) / 2) ** 2
    km = 2 * 6371 * np.arcsin(np.sqrt(np.clip(np.nan_to_num(a), 0, 1)))
    hours = np.maximum(ts - np.concatenate([[0], ts[:-1]]), 1) / 3_600_000
    travel = same & (km > 500) & (km / hours > 900)
    return new_device, travel


def log_frames(path: str | Path | Sequence[str | Path], users: str | Path | None, n: int | None,
                seed: int, pseudonymize: bool) -> tuple[pd.DataFrame, pd.DataFrame, LogSummary]:
    import pyarrow as pa
    import pyarrow.compute as pc

    table, summary = read_table(path, None, _UNREAD)
    table, all_ms = encoded(table)  # categories in order of first appearance over every event
    keep = np.flatnonzero(pc.is_in(table.column("type"), pa.array(list(LOGIN_EVENTS))).to_numpy(
        zero_copy_only=False))
    if not len(keep):
        raise PopulationError(f"no login events ({', '.join(LOGIN_EVENTS)}) in the log export; "
                              f"it holds:\n{summary.counts.to_string(index=False)}")
    login_uids = table.column("user_id").take(pa.array(keep))
    ms = all_ms[keep]
    for missing, what in ((login_uids.is_null().to_numpy(zero_copy_only=False),
                           "user_id; a login needs its user"),
                          (pd.isna(ms), "date; a login needs its time")):
        if missing.any():
            bad = table.column("log_id")[int(keep[np.flatnonzero(missing)[0]])].as_py()
            raise PopulationError(f"login event {bad!r} has no {what}")
    ms = ms.astype(np.int64)
    codes, uids_index = pd.factorize(pd.Series(login_uids, dtype="str"))
    first_ms = pd.Series(ms).groupby(codes).transform("min").to_numpy()
    order = np.lexsort((np.arange(len(keep)), ms, codes, first_ms))
    rows_in_order = keep[order]  # the login events, in user order
    ev = to_frame(table.drop_columns(list(_UNUSED)).take(pa.array(rows_in_order)), ms[order])
    ev["_ms"] = ms[order]
    codes = codes[order]
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])).astype(np.int64)
    counts = np.diff(np.append(starts, len(ev))).astype(np.int64)
    uids = [str(x) for x in uids_index.take(codes[starts]).tolist()]
    u = np.repeat(np.arange(len(starts)), counts)
    # logins counts: refresh tokens and silent auth carry none; they repeat the last one
    lc = pd.Series(ev["logins_count"].to_numpy()).groupby(u).ffill().fillna(1).to_numpy()
    lc = pd.Series(np.maximum(lc, 1).astype(np.int64)).groupby(u).cummax().to_numpy()
    ev["logins_count"] = lc
    home = _home_countries(u, _category(_filled(ev["country_code"])))
    first = ev.iloc[starts]
    agents = _category(_filled(first["user_agent"]))
    family = np.array([lp.user_agent_family(a) for a in agents.categories] or [""])[agents.codes]
    stratum = pd.util.hash_pandas_object(pd.DataFrame({
        "c": first["client_name"].to_numpy(), "n": first["connection"].to_numpy(),
        "k": first["country_code"].to_numpy(), "f": family}), index=False).to_numpy()
    chosen, take = _resample(starts, counts, pd.factorize(stratum)[0], n, seed)
    names = pc.fill_null(table.column("user_name").take(pa.array(rows_in_order[starts])), "")
    with _gc_paused():  # a dict per user and per exported record, all dropped before it ends
        export: dict[str, dict[str, Any]] = {}
        if users is not None:
            export = {str(r["user_id"]): r for r in _read_export(Path(users))}
        rows = _user_rows(ev, starts, uids, names.to_pylist(), export, pseudonymize)
        users_df = _user_frame(rows, chosen, home)
        del rows, export
    new_u = np.repeat(np.arange(len(chosen)), [counts[s] for s, _ in chosen])[:len(take)]
    if len(take) != len(ev) or (take != np.arange(len(ev))).any():
        ev = ev.iloc[take].reset_index(drop=True)
    return users_df, _login_frame(ev, new_u, users_df, pseudonymize), summary


def _login_frame(ev: pd.DataFrame, u: npt.NDArray[np.int64], users: pd.DataFrame,
                 pseudonymize: bool) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(ev)
    ts = ev["_ms"].to_numpy(dtype=np.int64)
    ips = ev["ip"].astype("str").fillna("")
    v6 = ips.str.contains(":", regex=False).to_numpy()
    if pseudonymize:  # drop the last octet (IPv4) or keep the /48 (IPv6)
        ips = ips.str.replace(r"^(\d+\.\d+\.\d+)\.\d+$", r"\1.0", regex=True)
        if v6.any():
            ips = ips.copy()
            ips[v6] = ips[v6].str.replace(r"^([0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f]*):.*:.*$",
                                          r"\1::", regex=True)
    ua_cat = _category(_filled(ev["user_agent"]))
    families = [*_FAMILIES, "other"]
    fam_code = np.array([families.index(lp.user_agent_family(x)) for x in ua_cat.categories]
                        or [0])
    fam = pd.Categorical.from_codes(fam_code[ua_cat.codes], categories=pd.Index(families))
    prompts = _category(_filled(ev["prompts"]))
    geo = _per_unique(ev[list(GEO)], lambda *row: _geo_fragment(row))
    methods_of = [_methods(p) for p in prompts.categories]
    first_factor = np.array([any(m in _FIRST_FACTORS for m in ms) for ms in methods_of] or [False])
    refresh, silent = (ev["type"] == "sertft").to_numpy(), (ev["type"] == "ssa").to_numpy()
    sso = (~first_factor[prompts.codes] & ~refresh) | silent
    # a session authenticated at the user's last login that showed a first factor
    auth = pd.Series(np.where(sso, np.nan, ts.astype(float))).groupby(u).ffill()
    auth_ms = auth.fillna(pd.Series(ts)).to_numpy().astype(np.int64)
    new_device, travel = _sequence_flags(u, ts, ua_cat.codes, ev["latitude"].to_numpy(float),
                                         ev["longitude"].to_numpy(float))
    cid, cname = _filled(ev["client_id"]), _filled(ev["client_name"])
    proto = _per_unique(pd.DataFrame({"t": ev["type"], "i": cid, "c": cname}), _protocol)
    conn, strat = ev["connection"], ev["strategy"]
    if conn.isna().any() or strat.isna().any():  # take the user's where the event has none
        conn = conn.astype(object).where(conn.notna(), users["connection"].astype(object).to_numpy()[u])
        strat = strat.astype(object).where(strat.notna(), users["strategy"].astype(object).to_numpy()[u])
    sid = pa.array(ev["session_id"].astype("str").fillna(""), type=pa.string())
    missing = pc.equal(sid, "").to_numpy(zero_copy_only=False)
    if missing.any():  # refresh tokens carry no session: one per session authentication
        made = pa.array([f"{x:032x}"[-32:] for x in (auth_ms[missing] * 7919 + u[missing])])
        sid = pc.replace_with_mask(sid, pa.array(missing), made)
    df: pd.DataFrame = pd.DataFrame({
        "login_id": _login_ids(n),
        "user_id": users["user_id"].astype("str").array.take(u),
        "timestamp": _dt(ts),
        "connection": _category(conn), "strategy": _category(strat),
        "client_id": _category(cid), "client_name": _category(cname),
        "protocol": proto,
        "country": _category(_filled(ev["country_code"])),
        "ip": ips.array,
        "ip_version": np.where(v6, 6, np.where((ips == "").to_numpy(), 0, 4)),
        "user_agent_family": fam,
        "email_domain": _take_category(users["email_domain"], u),
        "logins_count": ev["logins_count"].to_numpy(dtype=np.int64),
        "tags": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=pd.Index([""])),
        "city": _category(_filled(ev["city_name"])),
        "user_agent": ua_cat, "event_type": _category(ev["type"]),
        "log_id": ev["log_id"].astype("str").fillna("").array,
        "session_id": pd.array(sid, dtype="str"), "sso": sso,
        "has_request": np.ones(n, dtype=bool),
        "scope": _category(_filled(ev["scope"])),
        "audience": _category(_filled(ev["audience"])),
        "hostname": _category(_filled(ev["hostname"])),
        "new_device": new_device, "impossible_travel": travel,
        "_u": u.astype(np.int64), "_auth_ms": auth_ms, "_geo": geo, "_prompts": prompts,
        "_conn_id": _category(_filled(ev["connection_id"])),
    })
    return df


# --- payloads ---------------------------------------------------------------------------------


def _client(client_id: str, name: str) -> lcp.Client:
    known = _CLIENT_BY_ID.get(client_id) or _CLIENT_BY_NAME.get(name)
    if (known is not None and known.client_id == client_id) or (known is not None and not client_id):
        return known
    return lcp.Client(name, client_id, dict(known.metadata) if known else {}, "", ())


def _conn_part(conn: str, strat: str, conn_id: str) -> str:
    fields = lcp.connection_fields(conn, strat)
    if conn_id:
        fields["connectionID"] = conn_id
    return dumps(fields)[1:-1]


def _methods_part(prompts: str, strategy: str, auth_ms: int) -> str:
    names = list(_methods(prompts))
    if not any(m in _FIRST_FACTORS for m in names):
        names.insert(0, "pwd" if strategy == "auth0" else "federated")
    return ",".join(f'{{"name":"{m}","timestamp":{auth_ms}}}' for m in names)


def render_logs(users: pd.DataFrame, logins: pd.DataFrame, start: int, stop: int) -> list[str]:
    """Payload JSON of logins ``[start, stop)`` of a log population (see ``Population.payloads``)."""
    lg = logins.iloc[start:stop]
    u_idx = lg["_u"].to_numpy()
    statics: dict[int, tuple[str, str]] = {}
    for row in np.unique(u_idx).tolist():
        role_list = [r for r in str(users["roles"].iat[row]).split(",") if r]
        statics[row] = (str(users["_profile"].iat[row]), dumps(role_list))
    cache: dict[Any, Any] = {}

    def part(key: Any, make: Any) -> Any:
        got = cache.get(key)
        if got is None:
            got = cache[key] = make()
        return got

    ts = lg["timestamp"].to_numpy(dtype="datetime64[ms]").view("int64")
    iso = [s + "Z" for s in np.datetime_as_string(ts.astype("datetime64[ms]"), unit="ms")]
    out = []
    for (lid, uid, u, t, when, ip, count, cid, cname, conn, strat, conn_id, proto, ua, scope,
         aud, host, etype, sid, sso, newdev, travel, geo, prompts, auth_ms) in zip(
            lg["login_id"], lg["user_id"], u_idx.tolist(), ts.tolist(), iso, lg["ip"],
            lg["logins_count"].tolist(), lg["client_id"], lg["client_name"], lg["connection"],
            lg["strategy"], lg["_conn_id"], lg["protocol"], lg["user_agent"], lg["scope"],
            lg["audience"], lg["hostname"], lg["event_type"], lg["session_id"], lg["sso"],
            lg["new_device"], lg["impossible_travel"], lg["_geo"], lg["_prompts"],
            lg["_auth_ms"].tolist(), strict=True):
        static, roles = statics[u]
        client = part(("c", cid, cname), lambda c=cid, n=cname: _client(c, n))
        head = part(("h", cid, cname, host), lambda cl=client, h=host: (
            f'"tenant":{dumps(h.split(".")[0] if h.endswith(".auth0.com") else lcp.TENANT)},'
            f'"clientID":{dumps(cl.client_id)},"clientName":{dumps(cl.name)},'
            f'"clientMetadata":{dumps(cl.metadata)},'))
        cpart = part(("n", conn, strat, conn_id), lambda a=conn, b=strat, c=conn_id:
                     _conn_part(a, b, c))
        query = part(("q", cid, cname, proto, scope, aud, etype), lambda cl=client, p=proto, s=scope,
                     a=aud, e=etype: ",".join(
                         f'"{k}":{dumps(v)}' for k, v in zip(("query", "body"), lcp.query(
                             cl, p, scope=s or lcp.SCOPES[0], audience=a,
                             prompt="none" if e == "ssa" else ""), strict=True)))
        geo_part = f',"geoip":{geo}' if geo else ""
        first = count <= 1
        risk = part(("r", first, newdev, travel), lambda f=first, d=newdev, tr=travel: dumps(
            lcp.risk_assessment("high", "neutral" if f else "low" if d else "high",
                                "neutral" if f else "low" if tr else "high")))
        sso_part = (f'{{"with_auth0":true,"with_dbconn":{"true" if strat == "auth0" else "false"}'
                    f',"current_clients":[{dumps(cid)}]}}' if sso else
                    '{"with_auth0":false,"with_dbconn":false,"current_clients":[]}')
        out.append(
            f'{{"login_id":"{lid}","user_id":{dumps(uid)},"timestamp_ms":{t},"user":{static},'
            f'"updated_at":"{when}","last_login":"{when}","last_ip":{dumps(ip)},'
            f'"logins_count":{count}}},"context":{{{head}{cpart},"protocol":"{proto}",'
            f'"stats":{{"loginsCount":{count}}},"sso":{sso_part},"sessionID":{dumps(sid)},'
            f'"request":{{"userAgent":{dumps(ua)},"ip":{dumps(ip)},"hostname":'
            f'{dumps(host or lcp.HOSTNAME)},{query}{geo_part}}},'
            f'"authentication":{{"methods":[{_methods_part(prompts, strat, auth_ms)}]}},'
            f'"riskAssessment":{risk},"authorization":{{"roles":{roles}}},'
            f'"idToken":{{}},"accessToken":{{}}}}}}')
    return out
