"""Write a SYNTHETIC Auth0 log export and users export for the Acme tenant.

Nothing here comes from a real tenant: every user, address and event is drawn from a seeded
random generator and rulesim's provider tables. The files have the shapes Auth0 produces:

* ``acme-logs.ndjson.gz``: a log stream written to files (one ``{"log_id", "data": event}``
  per line), 30 days of traffic: successful logins (``s``) with ``details.prompts`` and
  ``details.stats.loginsCount``, silent authentications (``ssa``), refresh-token exchanges
  (``sertft``), code exchanges (``seacft``), failed logins (``f``, ``fp``, ``fu``), logouts
  (``slo``), MFA events (``gd_*``), warnings (``w``) and Management API calls (``sapi``);
* ``acme-users.ndjson``: the user-export job's NDJSON, with about one user in eight missing
  (deleted or created after the export), as happens with a real export.

The mix is deliberately unlike ``rs.population``'s default: a European workforce-and-partner
tenant, many Okta and Azure AD users, a heavy-tailed number of logins per user.

    python datasets/logs/make_logs.py                    # the committed files
    python datasets/logs/make_logs.py --users 120000 --out /tmp/big --shape api
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

HERE = Path(__file__).parent
HOST = "acme.eu.auth0.com"
START_MS = 1_740_787_200_000  # 2025-03-01T00:00:00Z
DAY = 86_400_000
CONNECTIONS = {  # name: (strategy, strategy_type, share of users)
    "Username-Password-Authentication": ("auth0", "database", 0.40),
    "google-oauth2": ("google-oauth2", "social", 0.15),
    "acme-okta": ("samlp", "enterprise", 0.30),
    "acme-azure": ("waad", "enterprise", 0.15),
}
COUNTRIES = {"DE": 30, "FR": 18, "GB": 16, "NL": 8, "ES": 6, "IT": 6, "PL": 5, "SE": 3, "CH": 3,
             "IE": 2, "US": 3}
CLIENTS = [*lcp.CLIENTS, lcp.Client("Acme Support Desk", "sUpP0rTd3skQw2Er4Ty6Ui8Op0As2Df4",
                                    {}, "https://support.acme.com/callback",
                                    ("oidc-basic-profile",))]
CLIENT_SHARE = {"Acme Portal": 0.45, "Acme Mobile": 0.25, "Acme Admin Console": 0.04,
                "Acme Expense (SAML)": 0.12, "Partner API": 0.04, "Acme Support Desk": 0.10}
UA_SHARE = {"chrome": 0.38, "edge": 0.16, "firefox": 0.09, "safari": 0.07, "mobile_safari": 0.12,
            "chrome_mobile": 0.08, "native_app": 0.07, "legacy": 0.02, "bot": 0.01}
ROLES = {"user": 0.7, "user,billing": 0.1, "support": 0.08, "admin": 0.04, "": 0.08}
OTHER_EVENTS = {"seacft": 0.16, "f": 0.012, "fp": 0.03, "fu": 0.015, "slo": 0.04, "w": 0.004,
                "gd_auth_succeed": 0.03, "gd_auth_failed": 0.004, "sapi": 0.003}


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _log_id(i: int) -> str:
    return "900" + hashlib.sha256(f"acme-synthetic-{i}".encode()).hexdigest()[:53]


def _iso(ms: int) -> str:
    return idp.iso_ms(int(ms))


def make_users(n_users: int, seed: int = 20_250_301) -> list[dict[str, Any]]:
    """Synthetic users with their export record and their login habits."""
    rng = np.random.default_rng(seed)
    given_pool = ("Anna", "Lukas", "Marie", "Jonas", "Léa", "Hugo", "Olivia", "Noah", "Sofia",
                  "Mateo", "Emma", "Liam", "Julia", "Piotr", "Elin", "Giulia", "Sean", "Nina")
    family_pool = ("Müller", "Schmidt", "Martin", "Bernard", "Smith", "Jones", "de Vries",
                   "García", "Rossi", "Nowak", "Andersson", "Meier", "Murphy", "Dubois")
    users = []
    for i in range(n_users):
        conn = _pick(rng, {k: v[2] for k, v in CONNECTIONS.items()})
        strategy, stype, _ = CONNECTIONS[conn]
        given, family = given_pool[rng.integers(len(given_pool))], family_pool[
            rng.integers(len(family_pool))]
        country = _pick(rng, COUNTRIES)
        if conn in idp.ENTERPRISE_DOMAINS:
            domain = idp.ENTERPRISE_DOMAINS[conn][int(rng.integers(len(
                idp.ENTERPRISE_DOMAINS[conn])))]
        elif conn == "google-oauth2":
            domain = "gmail.com"
        else:
            domain = str(rng.choice(["gmail.com", "gmx.de", "web.de", "orange.fr", "outlook.com",
                                     "globex.com", "initech.com", "wonka.co.uk", "oscorp.de"]))
        email = f"{idp.email_local_part(given, family, int(rng.integers(4)), i)}@{domain}"
        user_id = idp.user_id_for(strategy, conn, f"synthetic:{i}", email)
        # heavy tail: most users log in a few times a month, a few many times a day
        rate = float(np.exp(rng.normal(-0.9, 1.2)))
        prior = int(rng.geometric(1 / 40))
        created = START_MS - int(rng.uniform(5, 900) * DAY)
        roles = _pick(rng, ROLES)
        record: dict[str, Any] = {
            "user_id": user_id, "email": email,
            # Okta and Azure AD often send no email_verified: Auth0 stores false
            "email_verified": bool(rng.random() < {"Username-Password-Authentication": 0.85,
                                                   "acme-okta": 0.6, "acme-azure": 0.75}.get(
                conn, 1.0)),
            "name": f"{given} {family}", "given_name": given, "family_name": family,
            "nickname": email.split("@")[0],
            "picture": idp.picture_for(strategy, email, given, family, user_id),
            "created_at": _iso(created), "updated_at": _iso(START_MS - DAY),
            "last_login": _iso(START_MS - DAY), "logins_count": prior,
            "identities": idp.identities_for(user_id, conn, strategy),
            "user_metadata": {"locale": {"DE": "de-DE", "FR": "fr-FR"}.get(country, "en-GB")},
        }
        if rng.random() < 0.8:
            known = [country] + ([_pick(rng, COUNTRIES)] if rng.random() < 0.2 else [])
            record["app_metadata"] = {"roles": [r for r in roles.split(",") if r],
                                      "plan": _pick(rng, {"team": 0.6, "enterprise": 0.4}),
                                      "known_countries": sorted(set(known))}
        users.append({"record": record, "conn": conn, "strategy": strategy, "stype": stype,
                      "country": country, "rate": rate, "count": prior,
                      "ua": _pick(rng, UA_SHARE), "client": _pick(rng, CLIENT_SHARE),
                      "in_export": bool(rng.random() < 0.875)})
    return users


def _location(rng: np.random.Generator, code: str) -> tuple[dict[str, Any], str]:
    country = next(c for c in lcp.COUNTRIES if c.code == code)
    city = country.cities[int(rng.integers(len(country.cities)))]
    geo = lcp.geoip(country, city)
    info = {k: geo[k] for k in ("country_code", "country_code3", "country_name", "city_name",
                                "latitude", "longitude", "time_zone", "continent_code")}
    first = country.ipv4_octets[int(rng.integers(len(country.ipv4_octets)))]
    ip = f"{first}.{rng.integers(256)}.{rng.integers(256)}.{rng.integers(1, 255)}"
    return info, ip


def _prompts(strategy: str, conn: str, mfa: bool, sso: bool, t: int, uid: str) -> list[Any]:
    stages: list[dict[str, Any]] = []
    if not sso:
        name = "prompt-authenticate" if strategy == "auth0" else "federated-authenticate"
        stages.append({"name": name, "initiatedAt": t - 9000, "completedAt": t - 2000,
                       "connection": conn, "strategy": strategy, "identity": uid.split("|")[-1],
                       "stats": {"loginsCount": 0}, "elapsedTime": 7000})
    if mfa:
        stages.append({"name": "mfa", "initiatedAt": t - 1900, "completedAt": t - 400,
                       "performed_amr": ["mfa"], "elapsedTime": 1500})
    stages.append({"name": "login", "flow": "universal-login", "initiatedAt": t - 9500,
                   "completedAt": t, "user_id": uid, "timers": {"rules": 180},
                   "elapsedTime": 9500})
    return stages


def make_events(users: list[dict[str, Any]], seed: int = 7, days: int = 30) -> list[dict[str, Any]]:
    """The tenant's log events over ``days`` days, sorted by date (newest last)."""
    rng = np.random.default_rng(seed)
    by_name = {c.name: c for c in CLIENTS}
    events: list[dict[str, Any]] = []
    for user in users:
        rec = user["record"]
        n = int(rng.poisson(user["rate"] * days / 3)) + (1 if rng.random() < 0.5 else 0)
        times = np.sort(START_MS + (rng.random(n) * days * DAY).astype(np.int64))
        last_auth = -10 * DAY
        for t in times.tolist():
            client = by_name[user["client"] if rng.random() < 0.8 else _pick(rng, CLIENT_SHARE)]
            home = user["country"] if rng.random() < 0.93 else _pick(rng, COUNTRIES)
            info, ip = _location(rng, home)
            ua_family = user["ua"] if rng.random() < 0.9 else _pick(rng, UA_SHARE)
            agents = lcp.USER_AGENTS[ua_family]
            base = {"date": _iso(t), "client_id": client.client_id, "client_name": client.name,
                    "ip": ip, "user_agent": agents[int(rng.integers(len(agents)))],
                    "hostname": HOST, "user_id": rec["user_id"], "user_name": rec["email"],
                    "connection": user["conn"],
                    "connection_id": lcp.CONNECTION_IDS[user["conn"]],
                    "strategy": user["strategy"], "strategy_type": user["stype"],
                    "location_info": info, "isMobile": ua_family in (
                        "mobile_safari", "chrome_mobile", "native_app")}
            refresh = "oauth2-refresh-token" in client.protocols and rng.random() < 0.35
            if refresh:
                events.append({**base, "type": "sertft", "description": "",
                               "audience": lcp.AUDIENCE, "scope": "openid profile offline_access",
                               "details": {}})
                continue
            if rng.random() < 0.06:  # a failed attempt first
                kind = _pick(rng, {"fp": 0.7, "fu": 0.2, "f": 0.1})
                events.append({**base, "date": _iso(t - 30_000), "type": kind,
                               "description": "Wrong email or password.", "details": {
                                   "error": {"message": "Wrong email or password."}}})
            sso = t - last_auth < 8 * 3_600_000 and rng.random() < 0.7
            silent = sso and rng.random() < 0.15
            mfa = not sso and (rng.random() < 0.2 or "admin" in str(rec.get("app_metadata")))
            user["count"] += 1
            details: dict[str, Any] = {
                "initiatedAt": t - 9500, "completedAt": t, "elapsedTime": 9500,
                "session_id": hashlib.sha256(f"{rec['user_id']}{last_auth if sso else t}"
                                             .encode()).hexdigest()[:32],
                "stats": {"loginsCount": user["count"]},
                "prompts": _prompts(user["strategy"], user["conn"], mfa, sso, t, rec["user_id"])}
            events.append({**base, "type": "ssa" if silent else "s",
                           "description": "Successful silent authentication" if silent else "",
                           "details": details})
            if not sso:
                last_auth = t
            if mfa:
                events.append({**base, "date": _iso(t - 500), "type": "gd_auth_succeed",
                               "description": "Second factor authentication succeeded",
                               "details": {}})
            for kind, p in OTHER_EVENTS.items():
                if kind != "gd_auth_succeed" and rng.random() < p:
                    events.append({**base, "date": _iso(t + 1000), "type": kind,
                                   "description": "", "details": {}})
        if not times.size and rng.random() < 0.3:  # tried and failed only
            info, ip = _location(rng, user["country"])
            events.append({"date": _iso(START_MS + int(rng.random() * days * DAY)), "type": "fp",
                           "description": "Wrong email or password.", "ip": ip,
                           "user_id": rec["user_id"], "user_name": rec["email"],
                           "connection": user["conn"], "location_info": info, "details": {},
                           "hostname": HOST})
    events.sort(key=lambda e: e["date"])
    for i, e in enumerate(events):
        e["log_id"] = _log_id(i)
    return events


def write(out: Path, n_users: int, shape: str = "stream", *, compress: bool = True
          ) -> tuple[Path, Path]:
    """Write the log export (``shape``: ``stream``, ``api`` or ``ndjson``; NDJSON gzipped unless
    ``compress`` is false) and the users export."""
    out.mkdir(parents=True, exist_ok=True)
    users = make_users(n_users)
    events = make_events(users)
    if shape == "api":
        logs = out / "acme-logs.json"
        logs.write_text(json.dumps(events[::-1], ensure_ascii=False), encoding="utf-8")
    else:
        logs = out / ("acme-logs.ndjson.gz" if compress else "acme-logs.ndjson")
        opener: Any = gzip.open if compress else open
        with opener(logs, "wt", encoding="utf-8") as fh:
            for e in events:
                item = {"log_id": e["log_id"], "data": e} if shape == "stream" else e
                fh.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    export = out / "acme-users.ndjson"
    with open(export, "w", encoding="utf-8") as fh:
        for u in users:
            if u["in_export"]:
                fh.write(json.dumps(u["record"], ensure_ascii=False, separators=(",", ":")) + "\n")
    return logs, export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=800)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--shape", choices=["stream", "api", "ndjson"], default="stream")
    args = parser.parse_args()
    logs, export = write(args.out, args.users, args.shape)
    print(f"wrote {logs} and {export}")  # noqa: T201


if __name__ == "__main__":
    main()
