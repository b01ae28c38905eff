"""Block generation for synthetic populations: seeded numpy draws into users and logins frames.

A population is generated in blocks of :data:`~rulesim.population.BLOCK_USERS` users; block
``b`` draws only from numpy generators seeded with ``(seed, b, stream)`` and from per-locale
name pools, so any login range can be rebuilt by generating just the blocks that cover it.
This module holds the generation spec (:class:`Spec`), the per-block plan, the user and login
draws, and the assembly of blocks into the ``users`` and ``logins`` DataFrames
(:func:`generate`). It renders no JSON and reads no files.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rulesim.population.mix import (
    BLOCK_USERS,
    CITY_COUNT,
    CITY_LAT,
    CITY_LON,
    CITY_NAMES,
    CITY_START,
    CLIENT_NAMES,
    CLIENTS,
    CODES,
    COMPAT,
    CONN,
    CONTINENT,
    COUNTRIES,
    DB,
    FAM_COUNT,
    FAM_START,
    FAMILIES,
    GOOGLE,
    LOGIN_EDGE_CASES,
    MFA,
    MS_DAY,
    PROMPTS,
    PROTOCOLS,
    STRATS,
    UA_FAMILY,
    UAS,
    USER_EDGE_CASES,
    V4,
    IntArray,
    Mix,
)
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp


def probs(weights: Mapping[Any, float], keys: Sequence[Any]) -> npt.NDArray[np.float64]:
    p = np.array([float(weights.get(k, 0.0)) for k in keys])
    out: npt.NDArray[np.float64] = p / p.sum()
    return out


def draw(rng: np.random.Generator, p: npt.NDArray[np.float64], size: int) -> IntArray:
    """Categorical draws by inverse CDF (fast, and stable across numpy versions)."""
    idx = np.searchsorted(np.cumsum(p), rng.random(size) * p.sum(), side="right")
    out: IntArray = np.minimum(idx, len(p) - 1).astype(np.int64)
    return out


@lru_cache(maxsize=8)
def name_pool(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names for ``locale``: Faker runs once per process, with a fixed seed."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(20_240_501)
    first = tuple(dict.fromkeys(fake.first_name() for _ in range(600)))
    last = tuple(dict.fromkeys(fake.last_name() for _ in range(600)))
    return first, last


class _Plan:
    """Per-block plan: what the generator knows about each user before drawing logins."""

    def __init__(self, spec: Spec, block: int) -> None:
        mix, k = spec.mix, BLOCK_USERS
        rng = np.random.default_rng([spec.seed, block, 0])
        w = mix.edge_cases
        total = sum(w.values()) or 1.0
        p_user = [mix.edge_case_share * w.get(e, 0.0) / total for e in USER_EDGE_CASES]
        self.user_edge = draw(rng, np.array([1.0 - sum(p_user), *p_user]), k)
        lpu = sorted(mix.logins_per_user)
        counts = np.array(lpu)[draw(rng, probs(mix.logins_per_user, lpu), k)]
        counts[self.user_edge >= 1 + USER_EDGE_CASES.index("logins_count_0")] = 1
        fixed = {"first_login": 1, "impossible_travel": 2, "admin_new_country": 2,
                 "new_device": 3}.get(spec.scenario or "")
        if fixed:
            counts[:] = fixed
            self.user_edge[:] = 0
        self.counts: IntArray = counts.astype(np.int64)


@dataclass(frozen=True)
class Spec:
    n: int
    seed: int
    mix: Mix
    locale: str
    scenario: str | None = None


def _ipv4(country: IntArray, rng: np.random.Generator) -> list[str]:
    m = len(country)
    first = V4[country, rng.integers(0, 6, m)]
    rest = rng.integers(0, 256, (m, 2)).tolist()
    last = rng.integers(1, 255, m).tolist()
    octets = zip(first.tolist(), rest, last, strict=True)
    return [f"{a}.{b}.{c}.{d}" for a, (b, c), d in octets]


def _ipv6(country: IntArray, rng: np.random.Generator) -> list[str]:
    groups = rng.integers(1, 0x10000, (len(country), 6)).tolist()
    return [f"{COUNTRIES[c].ipv6_prefix}:{g[0]:x}:{g[1]:x}:{g[2]:x}:{g[3]:x}:{g[4]:x}:{g[5]:x}"
            for c, g in zip(country.tolist(), groups, strict=True)]


@lru_cache(maxsize=256)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of ``categories`` (validated once: a chunk's frames are built
    from the same few lists again and again)."""
    return pd.CategoricalDtype(pd.Index(list(categories)))


def _cat(codes: npt.ArrayLike, categories: Sequence[str]) -> pd.Categorical:
    cat: pd.Categorical = pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64), dtype=_dtype(tuple(categories)))
    return cat


def dt(ms: npt.ArrayLike) -> pd.DatetimeIndex:
    index: pd.DatetimeIndex = pd.DatetimeIndex(np.asarray(ms, dtype="datetime64[ms]"))
    return index.tz_localize("UTC")


def _generate_users(spec: Spec, block: int, plan: _Plan) -> dict[str, Any]:
    """Draw the users of one block (columns plus the private plan arrays for their logins)."""
    mix, k = spec.mix, BLOCK_USERS
    rng = np.random.default_rng([spec.seed, block, 1])
    first_pool, last_pool = name_pool(spec.locale)
    ue = plan.user_edge
    kind = {e: ue == i + 1 for i, e in enumerate(USER_EDGE_CASES)}
    conn = draw(rng, probs(mix.connections, CONN), k)
    country = draw(rng, probs(mix.countries, CODES), k)
    city = CITY_START[country] + (rng.random(k) * CITY_COUNT[country]).astype(np.int64)
    corporate = (rng.random(k) < mix.email_domains.get("corporate", 0.0)
                 / max(sum(mix.email_domains.values()), 1e-12))
    dom_free, dom_corp = rng.integers(0, 1 << 30, k), rng.integers(0, 1 << 30, k)
    given = rng.integers(0, len(first_pool), k).tolist()
    family = rng.integers(0, len(last_pool), k).tolist()
    pattern = rng.integers(0, 4, k).tolist()
    uni = rng.integers(0, len(idp.UNICODE_NAMES), k).tolist()
    idn = rng.integers(0, len(idp.IDN_DOMAINS), k).tolist()
    verified = (rng.random(k) < mix.verification_rate) & ~kind["unverified_email"]
    has_app = (rng.random(k) < mix.app_metadata_rate) & ~kind["app_metadata_undefined"]
    role_keys = sorted(mix.roles)
    roles = draw(rng, probs(mix.roles, role_keys), k)
    plan_keys = sorted(mix.plans)
    plans = draw(rng, probs(mix.plans, plan_keys), k)
    mfa = rng.random(k) < mix.mfa_enrolment
    mfa_kind = rng.integers(0, len(MFA), k)
    phone = rng.random(k) < mix.phone_rate
    phone_ok = rng.random(k) < 0.7
    phone_no = rng.integers(10**8, 10**10, k).tolist()
    linked = rng.random(k) < mix.linked_accounts_rate
    blocked = rng.random(k) < mix.blocked_rate
    username = (conn == DB) & (rng.random(k) < 0.2)
    bits = (rng.random(k) < 0.5) * 2 + (rng.random(k) < 0.4) * 4 + (rng.random(k) < 0.2) * 8
    bits += rng.integers(0, 3, k) * 16 + kind["empty_identities"]
    fam = draw(rng, probs(mix.user_agents, FAMILIES), k)
    ua = FAM_START[fam] + (rng.random(k) * FAM_COUNT[fam]).astype(np.int64)
    fam2 = draw(rng, probs(mix.user_agents, FAMILIES), k)
    ua2 = FAM_START[fam2] + (rng.random(k) * FAM_COUNT[fam2]).astype(np.int64)
    ua2 = np.where(ua2 == ua, (ua + 1) % len(UAS), ua2)
    v6 = rng.random(k) < mix.ipv6_share
    start = int(pd.Timestamp(mix.start, tz="UTC").value // 1_000_000)
    t0 = start + (rng.random(k) * 30 * MS_DAY).astype(np.int64)
    age = (1 + rng.gamma(2.0, 250.0, k)) * MS_DAY
    prior = 1 + np.floor(rng.exponential(age / MS_DAY / 8)).astype(np.int64)
    created = t0 - age.astype(np.int64)
    old = kind["very_old_account"]
    created[old] = 1_262_304_000_000 + (
        rng.random(int(old.sum())) * 4 * 365 * MS_DAY).astype(np.int64)
    new = kind["very_new_account"] | kind["logins_count_1"] | kind["logins_count_0"]
    prior[new] = 0
    prior[kind["logins_count_0"]] = -1
    fresh = kind["very_new_account"]
    created[fresh] = t0[fresh] - rng.integers(5_000, 120_000, int(fresh.sum()))
    reset = (conn == DB) & (rng.random(k) < 0.25)
    reset_ms = created + ((t0 - created) * rng.random(k)).astype(np.int64)
    org = corporate & (rng.random(k) < mix.organization_rate)
    travel = rng.random(k) < mix.travel_rate
    impossible = travel & (rng.random(k) < mix.impossible_travel_share)
    newdev = rng.random(k) < mix.new_device_rate
    known2 = rng.random(k) < 0.3
    other = (country + 1 + rng.integers(0, len(CODES) - 1, k)) % len(CODES)
    far = rng.integers(0, 1 << 30, k)
    trip_frac, trip_len = rng.random(k), rng.integers(1, 4, k)
    newdev_frac = rng.random(k)
    # Users who sign up in the window: the first login is their first ever (no edge case).
    signup = (rng.random(k) < mix.signup_rate) & (ue == 0)
    prior[signup] = 0
    created[signup] = t0[signup] - rng.integers(5_000, 300_000, int(signup.sum()))
    reset &= ~signup
    scenario = spec.scenario
    if scenario == "first_login":
        prior[:] = 0
        created = t0 - rng.integers(5_000, 120_000, k)
    elif scenario in ("impossible_travel", "admin_new_country"):
        travel[:], trip_frac[:], trip_len[:] = True, 0.0, 1
        impossible[:] = scenario == "impossible_travel"
        if scenario == "admin_new_country":
            role_keys, roles[:] = ["admin"], 0
            has_app[:], known2[:] = True, False
    elif scenario == "new_device":
        newdev[:], newdev_frac[:] = True, 0.99
    # a trip goes to another country; impossible trips go to another continent
    for i in np.flatnonzero(impossible).tolist():
        home_continent = CONTINENT[country[i]]
        choices = np.flatnonzero(home_continent != CONTINENT)
        other[i] = choices[far[i] % len(choices)]

    base = block * BLOCK_USERS
    user_ids, emails, domains, names, givens, families, phones = [], [], [], [], [], [], []
    usernames, tenants, orgs, knowns = [], [], [], []
    for i in range(k):
        u = base + i
        c = int(conn[i])
        if kind["unicode_name"][i]:
            g, f = idp.UNICODE_NAMES[uni[i]]
        else:
            g, f = first_pool[given[i]], last_pool[family[i]]
        if c >= 2:
            ent = idp.ENTERPRISE_DOMAINS[CONN[c]]
            domain = ent[int(dom_corp[i]) % len(ent)]
        elif kind["unicode_name"][i]:
            domain = idp.IDN_DOMAINS[idn[i]]
        elif corporate[i]:
            domain = idp.CORPORATE_DOMAINS[int(dom_corp[i]) % len(idp.CORPORATE_DOMAINS)]
        elif c == GOOGLE:
            domain = "gmail.com"
        else:
            domain = idp.FREE_MAIL_DOMAINS[int(dom_free[i]) % len(idp.FREE_MAIL_DOMAINS)]
        local = idp.email_local_part(g, f, pattern[i], u)
        email = "" if kind["no_email"][i] else f"{local}@{domain}"
        uid = idp.user_id_for(STRATS[c], CONN[c], f"{spec.seed}:{u}", email or local)
        user_ids.append(uid)
        emails.append(email)
        domains.append(domain if email else "")
        names.append(f"{g} {f}")
        givens.append(g)
        families.append(f)
        phones.append(f"+{COUNTRIES[country[i]].calling_code}{phone_no[i]}" if phone[i] else "")
        usernames.append(local.replace(".", "_")[:15] if username[i] else "")
        tenants.append(f"t_{domain.split('.')[0]}" if corporate[i] or c >= 2
                       else f"t_{(u * 2_654_435_761) % (1 << 32):08x}")
        orgs.append(domain if org[i] else "")
        known = [CODES[country[i]]] + ([CODES[other[i]]] if known2[i] and not travel[i]
                                        else [])
        knowns.append(",".join(known))
    role_col = np.array(role_keys, dtype=object)[roles]
    return {
        "user_id": user_ids, "email": emails, "email_domain": domains,
        "connection": conn, "country": country,
        "roles": role_col.tolist(),
        "plan": [plan_keys[p] if h else ""
                 for p, h in zip(plans.tolist(), has_app.tolist(), strict=True)],
        "mfa_enrolled": mfa, "created_at": created,
        "user_edge": ue, "name": names, "given_name": givens, "family_name": families,
        "email_verified": verified & np.array([bool(e) for e in emails]),
        "has_app_metadata": has_app,
        "multifactor": np.where(mfa, mfa_kind + 1, 0), "phone_number": phones,
        "phone_verified": phone & phone_ok, "username": usernames,
        "linked_connection": np.where(linked, np.where(conn == GOOGLE, 1, 2), 0),
        "blocked": blocked, "organization": orgs, "tenant_id": tenants,
        "known_countries": knowns,
        "last_password_reset": np.where(reset, reset_ms, np.iinfo(np.int64).min),
        "prior_logins": prior, "home_city": city, "_bits": bits.astype(np.int16),
        # private plan, not stored
        "_ua": ua, "_ua2": ua2, "_v6": v6, "_t0": t0, "_travel": travel,
        "_impossible": impossible, "_other": other, "_trip_frac": trip_frac,
        "_trip_len": trip_len, "_newdev": newdev, "_newdev_frac": newdev_frac,
    }


def generate_logins(spec: Spec, block: int, users: dict[str, Any], counts: IntArray,
                     login0: int) -> dict[str, Any]:
    """Draw the logins of one block's users (``users`` from :func:`_generate_users`)."""
    mix = spec.mix
    rng = np.random.default_rng([spec.seed, block, 2])
    total = int(counts.sum())
    u = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    j = np.arange(total) - starts[u]
    gaps = rng.exponential(mix.mean_hours_between_logins * 3_600_000, total)
    gaps[j == 0] = 0
    n = counts[u]
    trip_start = 1 + np.floor(users["_trip_frac"][u] * (n - 1)).astype(np.int64)
    in_trip = users["_travel"][u] & (n >= 2) & (j >= trip_start) & (
        j < trip_start + users["_trip_len"][u])
    first_abroad = in_trip & (j == trip_start)
    hop = first_abroad & users["_impossible"][u]
    gaps[hop] = rng.uniform(5, 60, int(hop.sum())) * 60_000
    if spec.scenario == "admin_new_country":
        gaps[first_abroad] = rng.uniform(6, 72, int(first_abroad.sum())) * 3_600_000
    csum = np.cumsum(gaps)
    ts = users["_t0"][u] + (csum - csum[starts[u]]).astype(np.int64)
    home_city = users["home_city"][u]
    trip_city = CITY_START[users["_other"][u]] + (
        rng.random(total) * CITY_COUNT[users["_other"][u]]).astype(np.int64)
    city = np.where(in_trip, trip_city, home_city)
    country = np.where(in_trip, users["_other"][u], users["country"][u])
    # devices: a user may switch to a second device once
    switch = 1 + np.floor(users["_newdev_frac"][u] * (n - 1)).astype(np.int64)
    on_new = users["_newdev"][u] & (n >= 2) & (j >= switch)
    ua = np.where(on_new, users["_ua2"][u], users["_ua"][u])
    new_device = on_new & (j == switch)
    # login-level edge cases
    w = mix.edge_cases
    wsum = sum(w.values()) or 1.0
    p = [mix.edge_case_share * w.get(e, 0.0) / wsum for e in LOGIN_EDGE_CASES]
    le = draw(rng, np.array([1.0 - sum(p), *p]), total)
    if spec.scenario:
        le[:] = 0
    prompt_none, force_v6 = le == 3, le == 2
    # addresses: home address unless abroad, on a new network, or forced IPv6
    v6 = users["_v6"][u] | force_v6
    fresh = in_trip | ((rng.random(total) < 0.15) & (j > 0)) | force_v6
    home4, home6 = _ipv4(users["country"], rng), _ipv6(users["country"], rng)
    home = [b if s else a for a, b, s in zip(home4, home6, users["_v6"].tolist(), strict=True)]
    ips = np.array(home, dtype=object)[u]
    f4, f6 = np.flatnonzero(fresh & ~v6), np.flatnonzero(fresh & v6)
    ips[f4] = _ipv4(country[f4], rng)
    ips[f6] = _ipv6(country[f6], rng)
    # protocol, then an application that speaks it
    proto = draw(rng, probs(mix.protocols, PROTOCOLS), total)
    proto[prompt_none & (proto > 1)] = 0
    weights = COMPAT * probs(mix.clients, CLIENT_NAMES)
    weights = np.where(weights.sum(1, keepdims=True) > 0, weights, COMPAT)
    cdf = np.cumsum(weights / weights.sum(1, keepdims=True), axis=1)
    client = np.minimum((rng.random(total)[:, None] > cdf[proto]).sum(1), len(CLIENTS) - 1)
    if spec.scenario == "admin_new_country":
        proto[:], client[:] = 0, CLIENT_NAMES.index("Acme Admin Console")
    oidc = proto <= 1
    prompt = np.where(oidc, draw(rng, np.array([0.88, 0.09, 0.03]), total), 0)
    prompt[prompt_none] = 3
    # Silent authentication (prompt=none) renews an existing session: a later OIDC login.
    silent = oidc & (j > 0) & (rng.random(total) < mix.silent_auth_rate) & (not spec.scenario)
    prompt[silent] = 3
    prompt_none = prompt_none | silent
    scope = draw(rng, np.array([0.6, 0.15, 0.2, 0.05]), total)
    audience = rng.random(total) < 0.3
    acr = oidc & (rng.random(total) < 0.03)
    # sessions: a login within 12 hours on the same device rides the SSO session
    prev_ts = np.concatenate([[0], ts[:-1]])
    prev_ua = np.concatenate([[-1], ua[:-1]])
    sso = ((j > 0) & (ts - prev_ts < 12 * 3_600_000) & (ua == prev_ua)
           & (proto != 3)) | (prompt_none & (j > 0))
    new_session = ~sso
    sid = np.cumsum(new_session) - 1
    n_sessions = int(new_session.sum())
    raw = base64.urlsafe_b64encode(rng.bytes(24 * n_sessions)).decode()
    sessions = np.array([raw[32 * i:32 * i + 32] for i in range(n_sessions)], dtype=object)
    auth_ms = ts[np.flatnonzero(new_session)][sid]
    mfa = users["mfa_enrolled"][u] & (rng.random(total) < 0.9)
    mfa = np.where(sso, mfa[np.flatnonzero(new_session)][sid], mfa)
    # risk: distance per hour between consecutive logins of a user
    prev_city = np.concatenate([[0], city[:-1]])
    dlat, dlon = CITY_LAT[city] - CITY_LAT[prev_city], CITY_LON[city] - CITY_LON[prev_city]
    a = (np.sin(dlat / 2) ** 2 + np.cos(CITY_LAT[city]) * np.cos(CITY_LAT[prev_city])
         * np.sin(dlon / 2) ** 2)
    km = 2 * 6371 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    hours = np.maximum(ts - prev_ts, 1) / 3_600_000
    impossible = (j > 0) & (km > 500) & (km / hours > 900)
    untrusted = rng.random(total) < mix.untrusted_ip_rate
    # Flows Auth0 runs without the user's HTTP request: no context.request.
    no_request = (le == 1) | ((rng.random(total) < mix.no_request_rate) & (le == 0) & ~silent
                              & (not spec.scenario))
    count = users["prior_logins"][u] + 1 + j
    ids = [f"L{i:07d}" for i in range(login0, login0 + total)]
    return {
        "login_id": ids, "_u": u + block * BLOCK_USERS, "timestamp": ts, "client": client,
        "protocol": proto, "country": country, "city": city, "ip": ips,
        "ip_version": np.where(v6, 6, 4), "user_agent": ua, "logins_count": count,
        "login_edge": le, "session_id": sessions[sid], "sso": sso,
        "has_request": ~no_request, "prompt": prompt, "scope": scope, "audience": audience,
        "acr_values": acr, "mfa": mfa, "new_device": new_device,
        "impossible_travel": impossible, "untrusted_ip": untrusted, "_auth_ms": auth_ms,
    }


# ---------------------------------------------------------------------------------------------
# assembling blocks into DataFrames


def _tag_table(scenario: str | None) -> list[str]:
    """Tag string for code ``user_edge * 4 + login_edge`` (sorted, comma-joined)."""
    out = []
    for ue in range(len(USER_EDGE_CASES) + 1):
        for le in range(len(LOGIN_EDGE_CASES) + 1):
            tags = [USER_EDGE_CASES[ue - 1]] if ue else []
            tags += [LOGIN_EDGE_CASES[le - 1]] if le else []
            tags += [scenario] if scenario else []
            out.append(",".join(sorted(tags)))
    return out


def categorical(values: Sequence[str]) -> pd.Categorical:
    return pd.Categorical(values, categories=sorted(set(values)))


def optional_categorical(values: Sequence[str]) -> pd.Categorical:
    """Categorical of a field a user may not have: ``""`` becomes missing."""
    return pd.Categorical([v if v else None for v in values],
                          categories=sorted(set(values) - {""}))


def _by_code(codes: npt.ArrayLike, table: Sequence[str]) -> pd.Categorical:
    """Categorical of ``table[code]`` with categories sorted and de-duplicated."""
    cats = sorted(set(table))
    remap = np.array([cats.index(t) for t in table])
    return _cat(remap[np.asarray(codes)], cats)


_ALL_DOMAINS = sorted({*idp.FREE_MAIL_DOMAINS, *idp.CORPORATE_DOMAINS, *idp.IDN_DOMAINS,
                       *(d for ds in idp.ENTERPRISE_DOMAINS.values() for d in ds)})


def optional(values: Sequence[str]) -> pd.Series:
    """Text that a user may not have (email, phone, …): ``""`` becomes missing (``<NA>``)."""
    return pd.Series([v if v else None for v in values], dtype="string")


def _fixed(values: Sequence[str], categories: Sequence[str]) -> pd.Categorical:
    """Categorical with categories fixed by the spec (not the data), so shards agree.

    A value outside ``categories`` (``""`` for "none") is missing.
    """
    known = set(categories)
    return pd.Categorical([v if v in known else None for v in values], categories=sorted(known))


def _users_frame(cols: dict[str, Any], spec: Spec) -> pd.DataFrame:
    scenario = spec.scenario
    conn = np.asarray(cols["connection"])
    roles = [*spec.mix.roles, "admin"] if scenario == "admin_new_country" else [*spec.mix.roles]
    tags = _tag_table(scenario)[:: len(LOGIN_EDGE_CASES) + 1]
    reset = np.asarray(cols["last_password_reset"])
    # A profile field the user does not have is missing (<NA>), not an empty string.
    df: pd.DataFrame = pd.DataFrame({
        "user_id": cols["user_id"], "email": optional(cols["email"]),
        "email_domain": _fixed(cols["email_domain"], _ALL_DOMAINS),
        "connection": _cat(conn, CONN), "strategy": _cat(conn, STRATS),
        "country": _cat(cols["country"], CODES), "roles": _fixed(cols["roles"], roles),
        "plan": _fixed(cols["plan"], [*spec.mix.plans]),
        "mfa_enrolled": np.asarray(cols["mfa_enrolled"]),
        "created_at": dt(cols["created_at"]), "tags": _by_code(cols["user_edge"], tags),
        "name": cols["name"], "given_name": cols["given_name"],
        "family_name": cols["family_name"], "email_verified": cols["email_verified"],
        "has_app_metadata": cols["has_app_metadata"],
        "multifactor": _cat(np.asarray(cols["multifactor"]) - 1, MFA),
        "phone_number": optional(cols["phone_number"]), "phone_verified": cols["phone_verified"],
        "username": optional(cols["username"]),
        "linked_connection": _cat(np.asarray(cols["linked_connection"]) - 1, CONN[:2]),
        "blocked": cols["blocked"], "organization": optional(cols["organization"]),
        "tenant_id": cols["tenant_id"], "known_countries": cols["known_countries"],
        "last_password_reset": dt(np.where(reset == np.iinfo(np.int64).min,
                                            np.datetime64("NaT"), reset.astype("datetime64[ms]"))),
        "prior_logins": cols["prior_logins"], "home_city": _cat(cols["home_city"], CITY_NAMES),
        "_bits": cols["_bits"],
    })
    return df


def _take(users: pd.DataFrame, name: str, rows: IntArray) -> pd.Categorical:
    col = users[name]
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("category")
    return _cat(col.cat.codes.to_numpy()[rows], list(col.cat.categories))


def logins_frame(cols: dict[str, Any], users: pd.DataFrame, scenario: str | None) -> pd.DataFrame:
    u = np.asarray(cols["_u"], dtype=np.int64)
    client = np.asarray(cols["client"], dtype=np.int64)
    edge_code = np.asarray(cols["user_edge"]) * (len(LOGIN_EDGE_CASES) + 1) + np.asarray(
        cols["login_edge"])
    df: pd.DataFrame = pd.DataFrame({
        "login_id": cols["login_id"],
        "user_id": users["user_id"].to_numpy(dtype=object)[u],
        "timestamp": dt(cols["timestamp"]),
        "connection": _take(users, "connection", u),
        "strategy": _take(users, "strategy", u),
        "client_id": _cat(client, [c.client_id for c in lcp.CLIENTS]),
        "client_name": _cat(client, CLIENT_NAMES),
        "protocol": _cat(cols["protocol"], PROTOCOLS),
        "country": _cat(cols["country"], CODES),
        "ip": np.asarray(cols["ip"], dtype=object),
        "ip_version": np.asarray(cols["ip_version"], dtype=np.int64),
        "user_agent_family": _cat(UA_FAMILY[np.asarray(cols["user_agent"])], FAMILIES),
        "email_domain": _take(users, "email_domain", u),
        "logins_count": np.asarray(cols["logins_count"], dtype=np.int64),
        "tags": _by_code(edge_code, _tag_table(scenario)),
        "city": _cat(cols["city"], CITY_NAMES),
        "user_agent": _cat(cols["user_agent"], UAS),
        "session_id": np.asarray(cols["session_id"], dtype=object),
        "sso": cols["sso"], "has_request": cols["has_request"],
        "prompt": _cat(cols["prompt"], PROMPTS), "scope": _cat(cols["scope"], lcp.SCOPES),
        "audience": cols["audience"], "acr_values": cols["acr_values"], "mfa": cols["mfa"],
        "new_device": cols["new_device"], "impossible_travel": cols["impossible_travel"],
        "untrusted_ip": cols["untrusted_ip"], "_u": u.astype(np.int64),
        "_auth_ms": np.asarray(cols["_auth_ms"], dtype=np.int64),
    })
    return df


def low_card(df: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    for name in names:
        df[name] = categorical(df[name].astype(str).tolist())
    return df


def layout_of(spec: Spec) -> tuple[IntArray, IntArray]:
    """Logins per block, and the index of each user's first login, without drawing logins.

    Only the per-block plans are drawn (a few microseconds per block), so a population's
    length, chunk bounds and block offsets are known before (or without) generating it.
    """
    sizes: list[int] = []
    starts: list[IntArray] = []
    done, block = 0, 0
    while done < spec.n:
        counts = _Plan(spec, block).counts
        starts.append(done + np.cumsum(counts) - counts)
        sizes.append(int(counts.sum()))
        done += sizes[-1]
        block += 1
    first: IntArray = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    return np.asarray(sizes, dtype=np.int64), first[first < spec.n]


def generate(spec: Spec, start: int = 0, stop: int | None = None,
              sizes: IntArray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate logins ``[start, stop)`` of ``spec``: only the blocks covering them.

    ``sizes`` (logins per block, from :func:`layout_of`) saves drawing the plans of the blocks
    before ``start``.
    """
    stop = spec.n if stop is None else min(stop, spec.n)
    chosen: list[tuple[int, _Plan, int]] = []
    if sizes is not None:
        offsets = np.cumsum(sizes) - sizes
        for block in np.flatnonzero((offsets < stop) & (offsets + sizes > start)).tolist():
            chosen.append((block, _Plan(spec, block), int(offsets[block])))
    done, block = 0, 0
    while sizes is None and done < stop:
        plan = _Plan(spec, block)
        size = int(plan.counts.sum())
        if done + size > start:
            chosen.append((block, plan, done))
        done += size
        block += 1
    user_parts: list[dict[str, Any]] = []
    login_parts: list[dict[str, Any]] = []
    first_block = chosen[0][0] if chosen else 0
    for block, plan, offset in chosen:
        users = _generate_users(spec, block, plan)
        logins = generate_logins(spec, block, users, plan.counts, offset)
        lo, hi = max(start - offset, 0), min(stop - offset, int(plan.counts.sum()))
        logins = {k: np.asarray(v, dtype=object if isinstance(v, list) else None)[lo:hi]
                  for k, v in logins.items()}
        logins["_u"] = logins["_u"] - first_block * BLOCK_USERS
        logins["user_edge"] = plan.user_edge[logins["_u"] - (block - first_block) * BLOCK_USERS]
        user_parts.append(users)
        login_parts.append(logins)

    def cat(parts: list[dict[str, Any]], key: str) -> Any:
        vals = [p[key] for p in parts]
        if vals and isinstance(vals[0], list):
            return [x for v in vals for x in v]
        return np.concatenate(vals) if vals else np.array([], dtype=np.int64)

    keys = [k for k in (user_parts[0] if user_parts else {}) if not k.startswith("_")]
    ucols = {k: cat(user_parts, k) for k in [*keys, "_bits"]}
    users_df = _users_frame(ucols, spec)
    lcols = {k: cat(login_parts, k) for k in (login_parts[0] if login_parts else {})}
    return users_df, logins_frame(lcols, users_df, spec.scenario)

