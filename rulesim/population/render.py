"""Payload rendering for synthetic populations: the Rules ``user``/``context`` JSON of each login.

:meth:`~rulesim.population.Population.payloads` builds each login's JSON on demand from the
population's columns. Everything that repeats (clients, connections, cities, queries, risk
assessments, a user's static profile) is rendered once into a cached JSON fragment and a login
is one f-string over those fragments (:func:`render`); :func:`merge` applies overrides.
This module only reads the frames; it generates nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rulesim._fastjson import dumps
from rulesim.population.mix import CITY_OF, CLIENTS, CODES, COUNTRIES
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

_DYNAMIC_USER_KEYS = ("updated_at", "last_login", "last_ip", "logins_count")


@cache
def _client_frag(name: str) -> str:
    c = CLIENTS.get(name) or lcp.Client(name, "", {}, "", ())
    saml = lcp.saml_configuration(c)
    return (f'"tenant":"{lcp.TENANT}","clientID":{dumps(c.client_id)},"clientName":'
            f'{dumps(c.name)},"clientMetadata":{dumps(c.metadata)},'
            + (f'"samlConfiguration":{dumps(saml)},' if saml is not None else ""))


@cache
def _conn_frag(connection: str, strategy: str) -> str:
    return dumps(lcp.connection_fields(connection, strategy))[1:-1] + ","


@cache
def _query_frag(client: str, protocol: str, scope: str, prompt: str, audience: bool,
                acr: bool) -> str:
    c = CLIENTS.get(client) or lcp.Client(client, "", {}, "", ())
    q, body = lcp.query(c, protocol, scope=scope, prompt=prompt,
                        audience=lcp.AUDIENCE if audience else "",
                        acr_values=lcp.ACR_MFA if acr else "")
    return f'"query":{dumps(q)},"body":{dumps(body)},'


@cache
def _geo_frag(city: str) -> str:
    country, c = CITY_OF[city]
    return dumps(lcp.geoip(country, c))


@cache
def _risk_frag(untrusted: bool, device: str, travel: str) -> str:
    return dumps(lcp.risk_assessment("low" if untrusted else "high", device, travel))


@lru_cache(maxsize=4096)
def _roles_frag(roles: str) -> str:
    return dumps([r for r in roles.split(",") if r])


@lru_cache(maxsize=4096)
def _org_frag(domain: str) -> str:
    return f'"organization":{dumps(lcp.organization(domain))},' if domain else ""


def _iso(ms: npt.NDArray[np.int64]) -> list[str]:
    return [s + "Z" for s in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")]


def _user_static(r: dict[str, Any]) -> str:
    """The JSON of a generated user's profile without its closing brace and per-login keys."""
    uid, email, given, family = r["user_id"], r["email"], r["given_name"], r["family_name"]
    strategy, conn, bits = r["strategy"], r["connection"], int(r["_bits"])
    d: dict[str, Any] = {"user_id": uid}
    if email:
        d["email"] = email
        d["email_verified"] = bool(r["email_verified"])
    d["name"], d["given_name"], d["family_name"] = r["name"], given, family
    d["nickname"] = email.split("@")[0] if email else idp.slug(given)
    if r["username"]:
        d["username"] = r["username"]
    d["picture"] = idp.picture_for(strategy, email or uid, given, family, uid)
    if r["phone_number"]:
        d["phone_number"], d["phone_verified"] = r["phone_number"], bool(r["phone_verified"])
    d["created_at"] = idp.iso_ms(r["created_at"])
    profile: dict[str, Any] = {
        k: d[k] for k in ("email", "email_verified", "name", "given_name", "family_name")
        if k in d}
    d["identities"] = [] if bits & 1 else idp.identities_for(
        uid, conn, strategy, linked=r["linked_connection"], profile=profile,
        access_token=bool(bits & 2))
    if r["multifactor"]:
        d["multifactor"] = [r["multifactor"]]
    if r["blocked"]:
        d["blocked"] = True
    if r["last_password_reset"] != np.iinfo(np.int64).min:
        d["last_password_reset"] = idp.iso_ms(r["last_password_reset"])
    if r["has_app_metadata"]:
        app: dict[str, Any] = {"roles": [x for x in r["roles"].split(",") if x]}
        if r["plan"]:
            app["plan"] = r["plan"]
        app["tenant_id"] = r["tenant_id"]
        app["known_countries"] = r["known_countries"].split(",")
        d["app_metadata"] = app
    locale = COUNTRIES[CODES.index(r["country"])].locale if r["country"] in CODES else "en-US"
    d["user_metadata"] = {} if bits & 8 else {"locale": locale, "preferences": {
        "newsletter": bool(bits & 4), "theme": idp.THEMES[(bits >> 4) % 3]}}
    return dumps(d)[:-1]


def _column_lists(df: pd.DataFrame, rows: npt.NDArray[np.int64] | slice) -> dict[str, list[Any]]:
    """Rows ``rows`` of every column of ``df`` as Python lists (a missing profile field: ``""``).

    Column by column, from the arrays (no frame of the rows is built): a categorical column
    reads its categories through the codes.
    """
    if isinstance(rows, slice):
        rows = np.arange(len(df))[rows]
    out: dict[str, list[Any]] = {}
    for label, dtype in df.dtypes.items():
        col, name = df[label], str(label)
        if isinstance(dtype, pd.DatetimeTZDtype):
            out[name] = col.to_numpy(dtype="datetime64[ms]").view("int64")[rows].tolist()
            continue
        text = not name.startswith("_")
        if text and isinstance(dtype, pd.CategoricalDtype):
            # A missing profile field (<NA>, code -1) renders as absent: "" (read last).
            cats = [*dtype.categories.tolist(), ""]
            out[name] = [cats[c] for c in col.array.codes[rows].tolist()]
            continue
        taken = col.to_numpy()[rows] if isinstance(dtype, np.dtype) else col.array.take(rows)
        values = taken.tolist()
        if text and (isinstance(dtype, pd.StringDtype)
                     or (isinstance(dtype, np.dtype) and dtype.kind == "O")):
            missing = np.asarray(pd.isna(taken))
            if missing.any():
                values = ["" if m else v for v, m in zip(values, missing.tolist(), strict=True)]
        out[name] = values
    return out


def _codes(col: pd.Series) -> tuple[list[int], list[str]]:
    """Codes and category names of a (categorical or string) column, for table lookups."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(str).astype("category")
    return col.cat.codes.tolist(), [str(c) for c in col.cat.categories]


def render(users: pd.DataFrame, logins: pd.DataFrame, start: int, stop: int) -> list[str]:
    """Build the payload JSON of logins ``[start, stop)`` (see :meth:`Population.payloads`).

    Everything that repeats (clients, connections, cities, user agents, queries, risk
    assessments, a user's static profile) is rendered once into a JSON fragment; a login is
    one f-string over those fragments and its few per-login values.
    """
    if "_payload" in logins.columns:
        return [str(p) for p in logins["_payload"].iloc[start:stop].tolist()]
    if "_prompts" in logins.columns:  # a population read from login logs
        from rulesim.population.from_logs import render_logs

        return render_logs(users, logins, start, stop)
    lg = logins.iloc[start:stop]
    u_idx = lg["_u"].to_numpy()
    uniq = np.unique(u_idx)
    ucols = _column_lists(users, uniq)
    names = list(ucols)
    statics: dict[int, tuple[str, str, str, str]] = {}
    for row_u, values in zip(uniq.tolist(), zip(*ucols.values(), strict=True), strict=True):
        r = dict(zip(names, values, strict=True))
        prof = r.get("_profile")
        static = prof if isinstance(prof, str) else _user_static(r)
        statics[row_u] = (static, dumps(r["user_id"]), _roles_frag(str(r["roles"])),
                          _org_frag(str(r.get("organization") or "")))
    ts = lg["timestamp"].to_numpy(dtype="datetime64[ms]").view("int64")
    client_c, client_n = _codes(lg["client_name"])
    conn_c, conn_n = _codes(lg["connection"])
    strat_c, strat_n = _codes(lg["strategy"])
    proto_c, proto_n = _codes(lg["protocol"])
    ua_c, ua_n = _codes(lg["user_agent"])
    city_c, city_n = _codes(lg["city"])
    scope_c, scope_n = _codes(lg["scope"])
    prompt_c, prompt_n = _codes(lg["prompt"])
    clients = [(_client_frag(c), CLIENTS[c].client_id if c in CLIENTS else "") for c in client_n]
    uas = [dumps(x) for x in ua_n]
    geos = [_geo_frag(x) for x in city_n]
    conn_frags: dict[tuple[int, int], str] = {}
    queries: dict[tuple[int, int, int, int, bool, bool], str] = {}
    sso_no = '{"with_auth0":false,"with_dbconn":false,"current_clients":[]}'
    out: list[str] = []
    rows = zip(
        lg["login_id"].tolist(), u_idx.tolist(), ts.tolist(), _iso(ts), lg["ip"].tolist(),
        lg["logins_count"].tolist(), client_c, conn_c, strat_c, proto_c,
        lg["session_id"].tolist(), lg["sso"].tolist(), lg["has_request"].tolist(), ua_c,
        city_c, scope_c, prompt_c, lg["audience"].tolist(), lg["acr_values"].tolist(),
        lg["mfa"].tolist(), lg["_auth_ms"].tolist(), lg["untrusted_ip"].tolist(),
        lg["new_device"].tolist(), lg["impossible_travel"].tolist(), strict=True,
    )
    for (lid, u, t, when, ip, count, cl, cn, st, pr, sid, sso, has_req, ua, city, sc, pm, aud,
         acr, mfa, auth_ms, untrusted, newdev, travel) in rows:
        static, uid, roles, org = statics[u]
        first = count <= 1
        risk = _risk_frag(untrusted, "neutral" if first else "low" if newdev else "high",
                          "neutral" if first else "low" if travel else "high")
        client_frag, cid = clients[cl]
        strat = strat_n[st]
        conn_frag = conn_frags.get((cn, st))
        if conn_frag is None:
            conn_frag = conn_frags[(cn, st)] = _conn_frag(conn_n[cn], strat)
        sso_frag = (f'{{"with_auth0":true,"with_dbconn":{"true" if strat == "auth0" else "false"}'
                    f',"current_clients":["{cid}"]}}' if sso else sso_no)
        if has_req:
            key = (cl, pr, sc, pm, aud, acr)
            q = queries.get(key)
            if q is None:
                q = queries[key] = _query_frag(client_n[cl], proto_n[pr], scope_n[sc],
                                               prompt_n[pm], aud, acr)
            request = (f'"request":{{"userAgent":{uas[ua]},"ip":"{ip}","hostname":'
                       f'"{lcp.HOSTNAME}",{q}"geoip":{geos[city]}}},')
        else:
            request = ""
        method = "pwd" if strat == "auth0" else "federated"
        mfa_part = f',{{"name":"mfa","timestamp":{auth_ms}}}' if mfa else ""
        out.append(
            f'{{"login_id":"{lid}","user_id":{uid},"timestamp_ms":{t},"user":{static},'
            f'"updated_at":"{when}","last_login":"{when}","last_ip":"{ip}",'
            f'"logins_count":{count}}},"context":{{{client_frag}{conn_frag}'
            f'"protocol":"{proto_n[pr]}","stats":{{"loginsCount":{count}}},'
            f'"sso":{sso_frag},"sessionID":"{sid}",{request}'
            f'"authentication":{{"methods":[{{"name":"{method}","timestamp":{auth_ms}}}'
            f'{mfa_part}]}},"riskAssessment":{risk},"authorization":{{"roles":{roles}}},'
            f'{org}"idToken":{{}},"accessToken":{{}}}}}}'
        )
    return out


def merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` into ``base`` in place; a ``None`` value deletes the key."""
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = json.loads(json.dumps(value))
    return base

