"""Synthetic populations of Auth0 users and their logins: seeded, configurable, fast.

A :class:`Population` is a table of logins (one row per login; a user's logins are contiguous
and in time order) plus a table of users, generated from an explicit :class:`Mix` of
distributions. The full ``user``/``context`` JSON a Rule sees is built **on demand** by
:meth:`Population.payloads` from those columns, so a million logins fit in a few hundred MB.

How generation stays fast and shard-able
----------------------------------------
Users are generated in blocks of :data:`BLOCK_USERS`. Block ``b`` draws everything from numpy
generators seeded with ``(seed, b, stream)`` and from name pools Faker fills once per locale:

* ``population(n, seed=s)`` is a prefix of ``population(m, seed=s)`` for ``m > n``;
* any login range ``[a, b)`` can be rebuilt alone, generating only the blocks that cover it
  (``Population.from_spec(pop.slice(a, b).spec)``): a worker rebuilds its chunk from a small
  JSON spec instead of receiving payloads;
* per-record Faker is avoided: values come from pools and vectorised sampling.

Edge cases
----------
``Mix.edge_case_share`` of users (user-level kinds) and of logins (login-level kinds) carry one
deliberate edge case, split between :data:`EDGE_CASES` by the ``Mix.edge_cases`` weights: kind
``k`` has share ``edge_case_share * edge_cases[k] / sum(edge_cases.values())``, measured over
users for :data:`USER_EDGE_CASES` and over logins for :data:`LOGIN_EDGE_CASES`. Those logins are
tagged with the kind in ``tags``. The base mix produces some of the same properties on its
own (an unverified email from ``verification_rate``, IPv6 from ``ipv6_share``, no
``app_metadata`` from ``app_metadata_rate``); those are not tagged: use the columns.
"""

from __future__ import annotations

import base64
import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from rulesim.errors import MixError, PopulationError, UsageError
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

__all__ = [
    "BLOCK_USERS",
    "EDGE_CASES",
    "LOGIN_EDGE_CASES",
    "SCENARIOS",
    "USER_EDGE_CASES",
    "Mix",
    "Population",
    "population",
]

IntArray = npt.NDArray[np.int64]
_Patch = list[dict[str, Any]]  # [user_patch, context_patch]
BoolArray = npt.NDArray[np.bool_]

BLOCK_USERS = 256
"""Users per generation block: the unit of seeding and of shard regeneration."""

USER_EDGE_CASES: tuple[str, ...] = (
    "app_metadata_undefined", "no_email", "unverified_email", "unicode_name",
    "empty_identities", "very_old_account", "very_new_account", "logins_count_0",
    "logins_count_1",
)
"""Edge cases that belong to a user; the tag is on every login of that user."""
LOGIN_EDGE_CASES: tuple[str, ...] = ("request_undefined", "ipv6", "prompt_none")
"""Edge cases that belong to one login."""
EDGE_CASES: tuple[str, ...] = USER_EDGE_CASES + LOGIN_EDGE_CASES

SCENARIOS: dict[str, str] = {
    "first_login": "each user's very first login: loginsCount 1, account created seconds ago",
    "impossible_travel": "a login at home, then one from another continent minutes later",
    "admin_new_country": "an admin (app_metadata.roles) logs in to the Admin Console from a "
                         "country missing from app_metadata.known_countries",
    "new_device": "two logins on a known device, then one on a new device",
}
"""Named scenario generators for :meth:`Population.scenario` and what each produces."""

_MS_DAY = 86_400_000
_CONN = tuple(idp.CONNECTIONS)
_DB, _GOOGLE = 0, 1
_STRATS = tuple(s for s, _ in idp.CONNECTIONS.values())
_COUNTRIES = lcp.COUNTRIES
_CODES = tuple(c.code for c in _COUNTRIES)
_CITY_NAMES = tuple(city.name for c in _COUNTRIES for city in c.cities)
_CITY_OF = {city.name: (c, city) for c in _COUNTRIES for city in c.cities}
_CITY_COUNT = np.array([len(c.cities) for c in _COUNTRIES])
_CITY_START = np.cumsum(_CITY_COUNT) - _CITY_COUNT
_CITY_LAT = np.radians([city.latitude for c in _COUNTRIES for city in c.cities])
_CITY_LON = np.radians([city.longitude for c in _COUNTRIES for city in c.cities])
_V4 = np.array([[c.ipv4_octets[i % len(c.ipv4_octets)] for i in range(6)] for c in _COUNTRIES])
_CONTINENT = np.array([c.continent for c in _COUNTRIES])
_FAMILIES = tuple(lcp.USER_AGENTS)
_UAS = tuple(ua for f in _FAMILIES for ua in lcp.USER_AGENTS[f])
_UA_FAMILY = np.array([i for i, f in enumerate(_FAMILIES) for _ in lcp.USER_AGENTS[f]])
_FAM_COUNT = np.array([len(lcp.USER_AGENTS[f]) for f in _FAMILIES])
_FAM_START = np.cumsum(_FAM_COUNT) - _FAM_COUNT
_CLIENTS = {c.name: c for c in lcp.CLIENTS}
_CLIENT_NAMES = tuple(_CLIENTS)
_PROTOCOLS = lcp.PROTOCOLS
_COMPAT = np.array([[p in c.protocols for c in lcp.CLIENTS] for p in _PROTOCOLS], dtype=float)
_PROMPTS = ("", "login", "consent", "none")
_MFA = idp.MFA_PROVIDERS


def _w(**kw: float) -> dict[str, float]:
    return dict(kw)


@dataclass(frozen=True)
class Mix:
    """The distributions a population is drawn from. Weights need not sum to one.

    Every mapping is ``value -> non-negative weight`` (at least one positive); every rate is a
    probability in ``[0, 1]``. Invalid values raise :class:`~rulesim.errors.MixError` naming
    the field. Start from a preset and change what matters::

        Mix.preset("b2b", mfa_enrolment=0.9)

    Attributes
    ----------
    connections
        Connection name (``Username-Password-Authentication``, ``google-oauth2``, ``acme-okta``,
        ``acme-azure``) per user.
    email_domains
        ``"free"`` vs ``"corporate"`` mail for database and Google users (enterprise users
        always use Acme's domains).
    verification_rate
        Share of users whose email is verified.
    countries
        Home country (ISO code from the geoip table) per user.
    protocols
        Protocol per login; the client is then drawn from ``clients`` among those that speak it.
    clients
        Application name per login (restricted to the protocol's applications).
    user_agents
        User-agent family per device: ``chrome``, ``firefox``, ``safari``, ``edge``,
        ``mobile_safari``, ``chrome_mobile``, ``native_app``, ``legacy``, ``bot``.
    roles
        Comma-joined role set per user (``""`` for none); shown in
        ``context.authorization.roles`` and, when present, ``app_metadata.roles``.
    plans
        Plan per user, stored in ``app_metadata.plan`` (users without app_metadata have none).
    app_metadata_rate
        Share of users that have ``app_metadata`` at all.
    mfa_enrolment
        Share of users enrolled in MFA (``user.multifactor``).
    logins_per_user
        Number of logins in the population per user.
    edge_case_share, edge_cases
        Share of users/logins carrying a deliberate edge case, and the weights between kinds.
    ipv6_share
        Share of users whose home connection is IPv6.
    travel_rate, impossible_travel_share
        Share of users with a trip abroad, and share of trips that begin minutes after a login
        at home (impossible travel).
    new_device_rate
        Share of users who switch to a new device during the window.
    linked_accounts_rate, phone_rate, organization_rate, blocked_rate, untrusted_ip_rate
        Shares of users with a linked secondary identity, a phone number, an Auth0
        Organization (corporate users only), ``blocked: true``; share of logins from a
        deny-listed IP.
    start, mean_hours_between_logins
        First day of the window (UTC, ISO date) and the mean gap between a user's logins.
    """

    connections: Mapping[str, float] = field(default_factory=lambda: _w(**{
        "Username-Password-Authentication": 0.55, "google-oauth2": 0.4, "acme-okta": 0.03,
        "acme-azure": 0.02}))
    email_domains: Mapping[str, float] = field(
        default_factory=lambda: _w(free=0.9, corporate=0.1))
    verification_rate: float = 0.8
    countries: Mapping[str, float] = field(default_factory=lambda: _w(
        US=28, GB=8, DE=7, FR=6, IN=7, BR=6, CA=4, MX=3, JP=3, ES=3, IT=3, AU=3, NL=2, PL=2,
        SE=1, CH=1, IE=1, RU=2, TR=2, CN=1, KR=1, SG=1, NZ=1, ZA=1, NG=1, EG=1, AE=1, AR=1,
        ID=2))
    protocols: Mapping[str, float] = field(default_factory=lambda: _w(**{
        "oidc-basic-profile": 0.55, "oidc-implicit-profile": 0.05,
        "oauth2-refresh-token": 0.25, "oauth2-resource-owner": 0.05, "samlp": 0.02,
        "redirect-callback": 0.08}))
    clients: Mapping[str, float] = field(default_factory=lambda: _w(**{
        "Acme Portal": 0.6, "Acme Admin Console": 0.02, "Acme Mobile": 0.3,
        "Acme Expense (SAML)": 0.03, "Partner API": 0.05}))
    user_agents: Mapping[str, float] = field(default_factory=lambda: _w(
        chrome=0.35, firefox=0.05, safari=0.08, edge=0.07, mobile_safari=0.18,
        chrome_mobile=0.15, native_app=0.08, legacy=0.02, bot=0.02))
    roles: Mapping[str, float] = field(default_factory=lambda: _w(**{
        "user": 0.85, "": 0.1, "user,billing": 0.04, "admin": 0.01}))
    plans: Mapping[str, float] = field(default_factory=lambda: _w(free=0.8, pro=0.18, team=0.02))
    app_metadata_rate: float = 0.5
    mfa_enrolment: float = 0.15
    logins_per_user: Mapping[int, float] = field(default_factory=lambda: {
        1: 0.3, 2: 0.2, 3: 0.15, 5: 0.15, 8: 0.1, 15: 0.07, 30: 0.03})
    edge_case_share: float = 0.05
    edge_cases: Mapping[str, float] = field(
        default_factory=lambda: dict.fromkeys(EDGE_CASES, 1.0))
    ipv6_share: float = 0.2
    travel_rate: float = 0.05
    impossible_travel_share: float = 0.2
    new_device_rate: float = 0.1
    linked_accounts_rate: float = 0.05
    phone_rate: float = 0.3
    organization_rate: float = 0.0
    blocked_rate: float = 0.0
    untrusted_ip_rate: float = 0.01
    start: str = "2025-01-01"
    mean_hours_between_logins: float = 72.0

    _KNOWN: ClassVar[dict[str, tuple[str, ...]]] = {
        "connections": _CONN, "email_domains": ("free", "corporate"), "countries": _CODES,
        "protocols": _PROTOCOLS, "clients": _CLIENT_NAMES, "user_agents": _FAMILIES,
        "edge_cases": EDGE_CASES,
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                self._check_weights(f.name, value)
            elif f.name == "start":
                try:
                    datetime.fromisoformat(str(value))
                except ValueError:
                    raise MixError(f"expected Mix.start to be an ISO date such as "
                                   f"'2025-01-01', got start={value!r}") from None
            elif f.name == "mean_hours_between_logins":
                if not (isinstance(value, (int, float)) and 0 < value < 1e6):
                    raise MixError("expected Mix.mean_hours_between_logins to be a positive "
                                   f"number of hours, got {value!r}")
            elif not (isinstance(value, (int, float)) and not isinstance(value, bool)
                      and 0.0 <= value <= 1.0):
                raise MixError(f"expected Mix.{f.name} to be a probability in [0, 1], "
                               f"got {f.name}={value!r}")

    def _check_weights(self, name: str, weights: Mapping[Any, float]) -> None:
        known = self._KNOWN.get(name)
        for key, w in weights.items():
            if known is not None and key not in known:
                raise MixError(f"Mix.{name} has unknown key {key!r}; expected keys among "
                               f"{sorted(known)}")
            if name == "logins_per_user" and not (isinstance(key, int) and key >= 1):
                raise MixError(f"Mix.logins_per_user keys must be ints >= 1, got {key!r}")
            if (isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w)
                    or w < 0):
                raise MixError(f"Mix.{name}[{key!r}] must be a finite weight >= 0, got {w!r}")
        if name != "edge_cases" and not any(w > 0 for w in weights.values()):
            raise MixError(f"Mix.{name} needs at least one positive weight, got {dict(weights)}")

    @classmethod
    def preset(cls, name: str, **changes: Any) -> Mix:
        """Return a named preset, optionally with some fields changed.

        Parameters
        ----------
        name
            ``"b2c"`` (consumers: social and database logins, free mail, mobile-heavy),
            ``"b2b"`` (customers' employees: corporate mail, enterprise connections,
            Organizations, more MFA) or ``"workforce"`` (Acme's own staff: Okta and Azure AD,
            SAML apps, near-universal MFA).
        **changes
            Fields to override, as in :func:`dataclasses.replace`.
        """
        presets = {"b2c": {}, "b2b": _B2B, "workforce": _WORKFORCE}
        if name not in presets:
            raise MixError(f"unknown Mix preset {name!r}; expected one of {sorted(presets)}")
        try:
            return cls(**{**presets[name], **changes})
        except TypeError as exc:
            raise MixError(f"Mix.preset({name!r}): {exc}") from None

    def replace(self, **changes: Any) -> Mix:
        """Return a copy with some fields changed (validated like the constructor)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the mix as JSON-able data (``logins_per_user`` keys become strings)."""
        d = asdict(self)
        d["logins_per_user"] = {str(k): v for k, v in self.logins_per_user.items()}
        return {k: dict(v) if isinstance(v, Mapping) else v for k, v in d.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mix:
        """Build a mix from :meth:`to_dict` output (unknown fields raise :class:`MixError`)."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise MixError(f"unknown Mix fields {unknown}; expected fields among {sorted(names)}")
        d = dict(data)
        if "logins_per_user" in d:
            try:
                d["logins_per_user"] = {int(k): v for k, v in d["logins_per_user"].items()}
            except (TypeError, ValueError, AttributeError):
                raise MixError("Mix.logins_per_user keys must be ints >= 1") from None
        return cls(**d)


_B2B: dict[str, Any] = {
    "connections": {"Username-Password-Authentication": 0.35, "google-oauth2": 0.15,
                    "acme-okta": 0.3, "acme-azure": 0.2},
    "email_domains": {"free": 0.15, "corporate": 0.85},
    "verification_rate": 0.95,
    "countries": {"US": 35, "GB": 10, "DE": 10, "FR": 6, "NL": 5, "CA": 5, "IN": 6, "AU": 4,
                  "JP": 4, "SG": 3, "SE": 3, "CH": 3, "IE": 2, "ES": 2, "IT": 2},
    "protocols": {"oidc-basic-profile": 0.6, "oauth2-refresh-token": 0.15,
                  "oauth2-resource-owner": 0.05, "samlp": 0.12, "redirect-callback": 0.08},
    "clients": {"Acme Portal": 0.5, "Acme Admin Console": 0.1, "Acme Mobile": 0.15,
                "Acme Expense (SAML)": 0.15, "Partner API": 0.1},
    "user_agents": {"chrome": 0.45, "firefox": 0.06, "safari": 0.1, "edge": 0.17,
                    "mobile_safari": 0.08, "chrome_mobile": 0.05, "native_app": 0.06,
                    "legacy": 0.02, "bot": 0.01},
    "roles": {"user": 0.6, "user,billing": 0.15, "admin": 0.1, "user,developer": 0.1,
              "support": 0.05},
    "plans": {"team": 0.5, "enterprise": 0.35, "pro": 0.15},
    "app_metadata_rate": 0.95, "mfa_enrolment": 0.5, "organization_rate": 0.8,
    "logins_per_user": {1: 0.1, 3: 0.2, 5: 0.25, 10: 0.25, 20: 0.15, 40: 0.05},
    "ipv6_share": 0.15, "mean_hours_between_logins": 24.0,
}
_WORKFORCE: dict[str, Any] = {
    "connections": {"Username-Password-Authentication": 0.05, "acme-okta": 0.55,
                    "acme-azure": 0.4},
    "email_domains": {"free": 0.0, "corporate": 1.0},
    "verification_rate": 0.99,
    "countries": {"US": 50, "GB": 12, "DE": 10, "IN": 12, "PL": 6, "IE": 5, "SG": 5},
    "protocols": {"oidc-basic-profile": 0.45, "samlp": 0.3, "oauth2-refresh-token": 0.15,
                  "redirect-callback": 0.1},
    "clients": {"Acme Portal": 0.4, "Acme Admin Console": 0.15, "Acme Mobile": 0.1,
                "Acme Expense (SAML)": 0.35, "Partner API": 0.0},
    "user_agents": {"chrome": 0.5, "edge": 0.25, "safari": 0.1, "firefox": 0.05,
                    "mobile_safari": 0.05, "native_app": 0.05},
    "roles": {"user": 0.7, "user,auditor": 0.08, "admin": 0.07, "support": 0.1,
              "developer": 0.05},
    "plans": {"enterprise": 1.0}, "app_metadata_rate": 1.0, "mfa_enrolment": 0.95,
    "logins_per_user": {5: 0.2, 10: 0.3, 20: 0.3, 40: 0.2},
    "ipv6_share": 0.1, "mean_hours_between_logins": 12.0, "travel_rate": 0.08,
}


def _probs(weights: Mapping[Any, float], keys: Sequence[Any]) -> npt.NDArray[np.float64]:
    p = np.array([float(weights.get(k, 0.0)) for k in keys])
    out: npt.NDArray[np.float64] = p / p.sum()
    return out


def _draw(rng: np.random.Generator, p: npt.NDArray[np.float64], size: int) -> IntArray:
    """Categorical draws by inverse CDF (fast, and stable across numpy versions)."""
    idx = np.searchsorted(np.cumsum(p), rng.random(size) * p.sum(), side="right")
    out: IntArray = np.minimum(idx, len(p) - 1).astype(np.int64)
    return out


@lru_cache(maxsize=8)
def _name_pool(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names for ``locale``: Faker runs once per process, with a fixed seed."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(20_240_501)
    first = tuple(dict.fromkeys(fake.first_name() for _ in range(600)))
    last = tuple(dict.fromkeys(fake.last_name() for _ in range(600)))
    return first, last


class _Plan:
    """Per-block plan: what the generator knows about each user before drawing logins."""

    def __init__(self, spec: _Spec, block: int) -> None:
        mix, k = spec.mix, BLOCK_USERS
        rng = np.random.default_rng([spec.seed, block, 0])
        w = mix.edge_cases
        total = sum(w.values()) or 1.0
        p_user = [mix.edge_case_share * w.get(e, 0.0) / total for e in USER_EDGE_CASES]
        self.user_edge = _draw(rng, np.array([1.0 - sum(p_user), *p_user]), k)
        lpu = sorted(mix.logins_per_user)
        counts = np.array(lpu)[_draw(rng, _probs(mix.logins_per_user, lpu), k)]
        counts[self.user_edge >= 1 + USER_EDGE_CASES.index("logins_count_0")] = 1
        fixed = {"first_login": 1, "impossible_travel": 2, "admin_new_country": 2,
                 "new_device": 3}.get(spec.scenario or "")
        if fixed:
            counts[:] = fixed
            self.user_edge[:] = 0
        self.counts: IntArray = counts.astype(np.int64)


@dataclass(frozen=True)
class _Spec:
    n: int
    seed: int
    mix: Mix
    locale: str
    scenario: str | None = None


def _ipv4(country: IntArray, rng: np.random.Generator) -> list[str]:
    m = len(country)
    first = _V4[country, rng.integers(0, 6, m)]
    rest = rng.integers(0, 256, (m, 2)).tolist()
    last = rng.integers(1, 255, m).tolist()
    octets = zip(first.tolist(), rest, last, strict=True)
    return [f"{a}.{b}.{c}.{d}" for a, (b, c), d in octets]


def _ipv6(country: IntArray, rng: np.random.Generator) -> list[str]:
    groups = rng.integers(1, 0x10000, (len(country), 6)).tolist()
    return [f"{_COUNTRIES[c].ipv6_prefix}:{g[0]:x}:{g[1]:x}:{g[2]:x}:{g[3]:x}:{g[4]:x}:{g[5]:x}"
            for c, g in zip(country.tolist(), groups, strict=True)]


def _cat(codes: npt.ArrayLike, categories: Sequence[str]) -> pd.Categorical:
    cat: pd.Categorical = pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories)))
    return cat


def _dt(ms: npt.ArrayLike) -> pd.DatetimeIndex:
    index: pd.DatetimeIndex = pd.DatetimeIndex(np.asarray(ms, dtype="datetime64[ms]"))
    return index.tz_localize("UTC")


def _generate_users(spec: _Spec, block: int, plan: _Plan) -> dict[str, Any]:
    """Draw the users of one block (columns plus the private plan arrays for their logins)."""
    mix, k = spec.mix, BLOCK_USERS
    rng = np.random.default_rng([spec.seed, block, 1])
    first_pool, last_pool = _name_pool(spec.locale)
    ue = plan.user_edge
    kind = {e: ue == i + 1 for i, e in enumerate(USER_EDGE_CASES)}
    conn = _draw(rng, _probs(mix.connections, _CONN), k)
    country = _draw(rng, _probs(mix.countries, _CODES), k)
    city = _CITY_START[country] + (rng.random(k) * _CITY_COUNT[country]).astype(np.int64)
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
    roles = _draw(rng, _probs(mix.roles, role_keys), k)
    plan_keys = sorted(mix.plans)
    plans = _draw(rng, _probs(mix.plans, plan_keys), k)
    mfa = rng.random(k) < mix.mfa_enrolment
    mfa_kind = rng.integers(0, len(_MFA), k)
    phone = rng.random(k) < mix.phone_rate
    phone_ok = rng.random(k) < 0.7
    phone_no = rng.integers(10**8, 10**10, k).tolist()
    linked = rng.random(k) < mix.linked_accounts_rate
    blocked = rng.random(k) < mix.blocked_rate
    username = (conn == _DB) & (rng.random(k) < 0.2)
    bits = (rng.random(k) < 0.5) * 2 + (rng.random(k) < 0.4) * 4 + (rng.random(k) < 0.2) * 8
    bits += rng.integers(0, 3, k) * 16 + kind["empty_identities"]
    fam = _draw(rng, _probs(mix.user_agents, _FAMILIES), k)
    ua = _FAM_START[fam] + (rng.random(k) * _FAM_COUNT[fam]).astype(np.int64)
    fam2 = _draw(rng, _probs(mix.user_agents, _FAMILIES), k)
    ua2 = _FAM_START[fam2] + (rng.random(k) * _FAM_COUNT[fam2]).astype(np.int64)
    ua2 = np.where(ua2 == ua, (ua + 1) % len(_UAS), ua2)
    v6 = rng.random(k) < mix.ipv6_share
    start = int(pd.Timestamp(mix.start, tz="UTC").value // 1_000_000)
    t0 = start + (rng.random(k) * 30 * _MS_DAY).astype(np.int64)
    age = (1 + rng.gamma(2.0, 250.0, k)) * _MS_DAY
    prior = 1 + np.floor(rng.exponential(age / _MS_DAY / 8)).astype(np.int64)
    created = t0 - age.astype(np.int64)
    old = kind["very_old_account"]
    created[old] = 1_262_304_000_000 + (
        rng.random(int(old.sum())) * 4 * 365 * _MS_DAY).astype(np.int64)
    new = kind["very_new_account"] | kind["logins_count_1"] | kind["logins_count_0"]
    prior[new] = 0
    prior[kind["logins_count_0"]] = -1
    fresh = kind["very_new_account"]
    created[fresh] = t0[fresh] - rng.integers(5_000, 120_000, int(fresh.sum()))
    reset = (conn == _DB) & (rng.random(k) < 0.25)
    reset_ms = created + ((t0 - created) * rng.random(k)).astype(np.int64)
    org = corporate & (rng.random(k) < mix.organization_rate)
    travel = rng.random(k) < mix.travel_rate
    impossible = travel & (rng.random(k) < mix.impossible_travel_share)
    newdev = rng.random(k) < mix.new_device_rate
    known2 = rng.random(k) < 0.3
    other = (country + 1 + rng.integers(0, len(_CODES) - 1, k)) % len(_CODES)
    far = rng.integers(0, 1 << 30, k)
    trip_frac, trip_len = rng.random(k), rng.integers(1, 4, k)
    newdev_frac = rng.random(k)
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
        home_continent = _CONTINENT[country[i]]
        choices = np.flatnonzero(home_continent != _CONTINENT)
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
            ent = idp.ENTERPRISE_DOMAINS[_CONN[c]]
            domain = ent[int(dom_corp[i]) % len(ent)]
        elif kind["unicode_name"][i]:
            domain = idp.IDN_DOMAINS[idn[i]]
        elif corporate[i]:
            domain = idp.CORPORATE_DOMAINS[int(dom_corp[i]) % len(idp.CORPORATE_DOMAINS)]
        elif c == _GOOGLE:
            domain = "gmail.com"
        else:
            domain = idp.FREE_MAIL_DOMAINS[int(dom_free[i]) % len(idp.FREE_MAIL_DOMAINS)]
        local = idp.email_local_part(g, f, pattern[i], u)
        email = "" if kind["no_email"][i] else f"{local}@{domain}"
        uid = idp.user_id_for(_STRATS[c], _CONN[c], f"{spec.seed}:{u}", email or local)
        user_ids.append(uid)
        emails.append(email)
        domains.append(domain if email else "")
        names.append(f"{g} {f}")
        givens.append(g)
        families.append(f)
        phones.append(f"+{_COUNTRIES[country[i]].calling_code}{phone_no[i]}" if phone[i] else "")
        usernames.append(local.replace(".", "_")[:15] if username[i] else "")
        tenants.append(f"t_{domain.split('.')[0]}" if corporate[i] or c >= 2
                       else f"t_{(u * 2_654_435_761) % (1 << 32):08x}")
        orgs.append(domain if org[i] else "")
        known = [_CODES[country[i]]] + ([_CODES[other[i]]] if known2[i] and not travel[i]
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
        "linked_connection": np.where(linked, np.where(conn == _GOOGLE, 1, 2), 0),
        "blocked": blocked, "organization": orgs, "tenant_id": tenants,
        "known_countries": knowns,
        "last_password_reset": np.where(reset, reset_ms, np.iinfo(np.int64).min),
        "prior_logins": prior, "home_city": city, "_bits": bits.astype(np.int16),
        # private plan, not stored
        "_ua": ua, "_ua2": ua2, "_v6": v6, "_t0": t0, "_travel": travel,
        "_impossible": impossible, "_other": other, "_trip_frac": trip_frac,
        "_trip_len": trip_len, "_newdev": newdev, "_newdev_frac": newdev_frac,
    }


def _generate_logins(spec: _Spec, block: int, users: dict[str, Any], counts: IntArray,
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
    trip_city = _CITY_START[users["_other"][u]] + (
        rng.random(total) * _CITY_COUNT[users["_other"][u]]).astype(np.int64)
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
    le = _draw(rng, np.array([1.0 - sum(p), *p]), total)
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
    proto = _draw(rng, _probs(mix.protocols, _PROTOCOLS), total)
    proto[prompt_none & (proto > 1)] = 0
    weights = _COMPAT * _probs(mix.clients, _CLIENT_NAMES)
    weights = np.where(weights.sum(1, keepdims=True) > 0, weights, _COMPAT)
    cdf = np.cumsum(weights / weights.sum(1, keepdims=True), axis=1)
    client = np.minimum((rng.random(total)[:, None] > cdf[proto]).sum(1), len(_CLIENTS) - 1)
    if spec.scenario == "admin_new_country":
        proto[:], client[:] = 0, _CLIENT_NAMES.index("Acme Admin Console")
    oidc = proto <= 1
    prompt = np.where(oidc, _draw(rng, np.array([0.88, 0.09, 0.03]), total), 0)
    prompt[prompt_none] = 3
    scope = _draw(rng, np.array([0.6, 0.15, 0.2, 0.05]), total)
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
    dlat, dlon = _CITY_LAT[city] - _CITY_LAT[prev_city], _CITY_LON[city] - _CITY_LON[prev_city]
    a = (np.sin(dlat / 2) ** 2 + np.cos(_CITY_LAT[city]) * np.cos(_CITY_LAT[prev_city])
         * np.sin(dlon / 2) ** 2)
    km = 2 * 6371 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    hours = np.maximum(ts - prev_ts, 1) / 3_600_000
    impossible = (j > 0) & (km > 500) & (km / hours > 900)
    untrusted = rng.random(total) < mix.untrusted_ip_rate
    count = users["prior_logins"][u] + 1 + j
    ids = [f"L{i:07d}" for i in range(login0, login0 + total)]
    return {
        "login_id": ids, "_u": u + block * BLOCK_USERS, "timestamp": ts, "client": client,
        "protocol": proto, "country": country, "city": city, "ip": ips,
        "ip_version": np.where(v6, 6, 4), "user_agent": ua, "logins_count": count,
        "login_edge": le, "session_id": sessions[sid], "sso": sso,
        "has_request": le != 1, "prompt": prompt, "scope": scope, "audience": audience,
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


def _categorical(values: Sequence[str]) -> pd.Categorical:
    return pd.Categorical(values, categories=sorted(set(values)))


def _by_code(codes: npt.ArrayLike, table: Sequence[str]) -> pd.Categorical:
    """Categorical of ``table[code]`` with categories sorted and de-duplicated."""
    cats = sorted(set(table))
    remap = np.array([cats.index(t) for t in table])
    return _cat(remap[np.asarray(codes)], cats)


_ALL_DOMAINS = sorted({"", *idp.FREE_MAIL_DOMAINS, *idp.CORPORATE_DOMAINS, *idp.IDN_DOMAINS,
                       *(d for ds in idp.ENTERPRISE_DOMAINS.values() for d in ds)})


def _fixed(values: Sequence[str], categories: Sequence[str]) -> pd.Categorical:
    """Categorical with categories fixed by the spec (not the data), so shards agree."""
    return pd.Categorical(values, categories=sorted(set(categories)))


def _users_frame(cols: dict[str, Any], spec: _Spec) -> pd.DataFrame:
    scenario = spec.scenario
    conn = np.asarray(cols["connection"])
    roles = [*spec.mix.roles, "admin"] if scenario == "admin_new_country" else [*spec.mix.roles]
    tags = _tag_table(scenario)[:: len(LOGIN_EDGE_CASES) + 1]
    reset = np.asarray(cols["last_password_reset"])
    df: pd.DataFrame = pd.DataFrame({
        "user_id": cols["user_id"], "email": cols["email"],
        "email_domain": _fixed(cols["email_domain"], _ALL_DOMAINS),
        "connection": _cat(conn, _CONN), "strategy": _cat(conn, _STRATS),
        "country": _cat(cols["country"], _CODES), "roles": _fixed(cols["roles"], roles),
        "plan": _fixed(cols["plan"], ["", *spec.mix.plans]),
        "mfa_enrolled": np.asarray(cols["mfa_enrolled"]),
        "created_at": _dt(cols["created_at"]), "tags": _by_code(cols["user_edge"], tags),
        "name": cols["name"], "given_name": cols["given_name"],
        "family_name": cols["family_name"], "email_verified": cols["email_verified"],
        "has_app_metadata": cols["has_app_metadata"],
        "multifactor": _cat(cols["multifactor"], ["", *_MFA]),
        "phone_number": cols["phone_number"], "phone_verified": cols["phone_verified"],
        "username": cols["username"],
        "linked_connection": _cat(cols["linked_connection"], ["", *_CONN[:2]]),
        "blocked": cols["blocked"], "organization": cols["organization"],
        "tenant_id": cols["tenant_id"], "known_countries": cols["known_countries"],
        "last_password_reset": _dt(np.where(reset == np.iinfo(np.int64).min,
                                            np.datetime64("NaT"), reset.astype("datetime64[ms]"))),
        "prior_logins": cols["prior_logins"], "home_city": _cat(cols["home_city"], _CITY_NAMES),
        "_bits": cols["_bits"],
    })
    return df


def _take(users: pd.DataFrame, name: str, rows: IntArray) -> pd.Categorical:
    col = users[name]
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("category")
    return _cat(col.cat.codes.to_numpy()[rows], list(col.cat.categories))


def _logins_frame(cols: dict[str, Any], users: pd.DataFrame, scenario: str | None) -> pd.DataFrame:
    u = np.asarray(cols["_u"], dtype=np.int64)
    client = np.asarray(cols["client"], dtype=np.int64)
    edge_code = np.asarray(cols["user_edge"]) * (len(LOGIN_EDGE_CASES) + 1) + np.asarray(
        cols["login_edge"])
    df: pd.DataFrame = pd.DataFrame({
        "login_id": cols["login_id"],
        "user_id": users["user_id"].to_numpy(dtype=object)[u],
        "timestamp": _dt(cols["timestamp"]),
        "connection": _take(users, "connection", u),
        "strategy": _take(users, "strategy", u),
        "client_id": _cat(client, [c.client_id for c in lcp.CLIENTS]),
        "client_name": _cat(client, _CLIENT_NAMES),
        "protocol": _cat(cols["protocol"], _PROTOCOLS),
        "country": _cat(cols["country"], _CODES),
        "ip": np.asarray(cols["ip"], dtype=object),
        "ip_version": np.asarray(cols["ip_version"], dtype=np.int64),
        "user_agent_family": _cat(_UA_FAMILY[np.asarray(cols["user_agent"])], _FAMILIES),
        "email_domain": _take(users, "email_domain", u),
        "logins_count": np.asarray(cols["logins_count"], dtype=np.int64),
        "tags": _by_code(edge_code, _tag_table(scenario)),
        "city": _cat(cols["city"], _CITY_NAMES),
        "user_agent": _cat(cols["user_agent"], _UAS),
        "session_id": np.asarray(cols["session_id"], dtype=object),
        "sso": cols["sso"], "has_request": cols["has_request"],
        "prompt": _cat(cols["prompt"], _PROMPTS), "scope": _cat(cols["scope"], lcp.SCOPES),
        "audience": cols["audience"], "acr_values": cols["acr_values"], "mfa": cols["mfa"],
        "new_device": cols["new_device"], "impossible_travel": cols["impossible_travel"],
        "untrusted_ip": cols["untrusted_ip"], "_u": u.astype(np.int64),
        "_auth_ms": np.asarray(cols["_auth_ms"], dtype=np.int64),
    })
    return df


def _low_card(df: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    for name in names:
        df[name] = _categorical(df[name].astype(str).tolist())
    return df


def _generate(spec: _Spec, start: int = 0, stop: int | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate logins ``[start, stop)`` of ``spec``: only the blocks covering them."""
    stop = spec.n if stop is None else min(stop, spec.n)
    chosen: list[tuple[int, _Plan, int]] = []
    done, block = 0, 0
    while done < stop:
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
        logins = _generate_logins(spec, block, users, plan.counts, offset)
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
    return users_df, _logins_frame(lcols, users_df, spec.scenario)


# ---------------------------------------------------------------------------------------------
# rendering payloads from columns

_DUMP = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_DYNAMIC_USER_KEYS = ("updated_at", "last_login", "last_ip", "logins_count")


@cache
def _client_frag(name: str) -> str:
    c = _CLIENTS.get(name) or lcp.Client(name, "", {}, "", ())
    return (f'"tenant":"{lcp.TENANT}","clientID":{_DUMP(c.client_id)},"clientName":'
            f'{_DUMP(c.name)},"clientMetadata":{_DUMP(c.metadata)},')


@cache
def _conn_frag(connection: str, strategy: str) -> str:
    return _DUMP(lcp.connection_fields(connection, strategy))[1:-1] + ","


@cache
def _query_frag(client: str, protocol: str, scope: str, prompt: str, audience: bool,
                acr: bool) -> str:
    c = _CLIENTS.get(client) or lcp.Client(client, "", {}, "", ())
    q, body = lcp.query(c, protocol, scope=scope, prompt=prompt,
                        audience=lcp.AUDIENCE if audience else "",
                        acr_values=lcp.ACR_MFA if acr else "")
    return f'"query":{_DUMP(q)},"body":{_DUMP(body)},'


@cache
def _geo_frag(city: str) -> str:
    country, c = _CITY_OF[city]
    return _DUMP(lcp.geoip(country, c))


@cache
def _risk_frag(untrusted: bool, device: str, travel: str) -> str:
    return _DUMP(lcp.risk_assessment("low" if untrusted else "high", device, travel))


@lru_cache(maxsize=4096)
def _roles_frag(roles: str) -> str:
    return _DUMP([r for r in roles.split(",") if r])


@lru_cache(maxsize=4096)
def _org_frag(domain: str) -> str:
    return f'"organization":{_DUMP(lcp.organization(domain))},' if domain else ""


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
    locale = _COUNTRIES[_CODES.index(r["country"])].locale if r["country"] in _CODES else "en-US"
    d["user_metadata"] = {} if bits & 8 else {"locale": locale, "preferences": {
        "newsletter": bool(bits & 4), "theme": idp.THEMES[(bits >> 4) % 3]}}
    return _DUMP(d)[:-1]


def _column_lists(df: pd.DataFrame, rows: npt.NDArray[np.int64] | slice) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    sub = df.iloc[rows]
    for name in sub.columns:
        col = sub[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.to_numpy(dtype="datetime64[ms]").view("int64").tolist()
        else:
            out[name] = col.tolist()
    return out


def _codes(col: pd.Series) -> tuple[list[int], list[str]]:
    """Codes and category names of a (categorical or string) column, for table lookups."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(str).astype("category")
    return col.cat.codes.tolist(), [str(c) for c in col.cat.categories]


def _render(users: pd.DataFrame, logins: pd.DataFrame, start: int, stop: int) -> list[str]:
    """Build the payload JSON of logins ``[start, stop)`` (see :meth:`Population.payloads`).

    Everything that repeats (clients, connections, cities, user agents, queries, risk
    assessments, a user's static profile) is rendered once into a JSON fragment; a login is
    one f-string over those fragments and its few per-login values.
    """
    if "_payload" in logins.columns:
        return [str(p) for p in logins["_payload"].iloc[start:stop].tolist()]
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
        statics[row_u] = (static, _DUMP(r["user_id"]), _roles_frag(str(r["roles"])),
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
    clients = [(_client_frag(c), _CLIENTS[c].client_id if c in _CLIENTS else "") for c in client_n]
    uas = [_DUMP(x) for x in ua_n]
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


def _merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` into ``base`` in place; a ``None`` value deletes the key."""
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = json.loads(json.dumps(value))
    return base


# ---------------------------------------------------------------------------------------------
# the public objects


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise UsageError(f"expected {name} to be {kind}, got {name}={value!r}")
    return int(value)


def _as_mix(mix: Mix | str | Mapping[str, Any] | None) -> Mix:
    if mix is None:
        return Mix()
    if isinstance(mix, Mix):
        return mix
    if isinstance(mix, str):
        return Mix.preset(mix)
    if isinstance(mix, Mapping):
        return Mix.from_dict(mix)
    raise UsageError(f"expected mix to be a Mix, a preset name or a dict, got {mix!r}")


def _check_locale(locale: str) -> str:
    from faker.config import AVAILABLE_LOCALES

    if locale not in AVAILABLE_LOCALES:
        raise UsageError(f"expected locale to be a Faker locale such as 'en_US' or 'de_DE', "
                         f"got locale={locale!r}")
    return locale


def population(n: int, *, seed: int = 0, mix: Mix | str | None = None,
               locale: str = "en_US") -> Population:
    """Generate a synthetic population of ``n`` logins.

    Parameters
    ----------
    n
        Number of logins (``len(pop) == n``). Users are drawn until there are enough logins;
        the last user may keep only a prefix of their logins.
    seed
        The same seed gives the same population, byte for byte; any other seed a different one.
    mix
        A :class:`Mix`, or a preset name (``"b2c"``, ``"b2b"``, ``"workforce"``). Default: b2c.
    locale
        Faker locale of people's names.

    Returns
    -------
    Population

    Examples
    --------
    >>> pop = population(1_000, seed=7, mix="b2b")
    >>> len(pop)
    1000
    """
    spec = _Spec(_check_int("n", n, 1), _check_int("seed", seed, 0), _as_mix(mix),
                 _check_locale(locale))
    return Population._generated(spec)


class Population:
    """Users and their logins, with the full Rules payload of each login built on demand.

    Build one with :func:`population`, :meth:`scenario`, :meth:`from_users_export`,
    :meth:`from_logins` or :meth:`read_parquet`; the constructor is internal.

    Invariants: a user's logins are contiguous and in timestamp order, with
    ``logins_count`` increasing; ``login_id`` values are unique.
    """

    def __init__(self, users: pd.DataFrame, logins: pd.DataFrame, spec: dict[str, Any],
                 overrides: tuple[_Patch, ...] = ()) -> None:
        self._users = users
        self._logins = logins.reset_index(drop=True)
        self._spec = spec
        self._overrides = overrides
        self._public_logins: pd.DataFrame | None = None
        self._public_users: pd.DataFrame | None = None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def _generated(cls, spec: _Spec, start: int = 0, stop: int | None = None) -> Population:
        users, logins = _generate(spec, start, stop)
        base = {"kind": "generated", "n": spec.n, "seed": spec.seed, "mix": spec.mix.to_dict(),
                "locale": spec.locale}
        if spec.scenario:
            base["scenario"] = spec.scenario
        return cls(users, logins, base)

    @classmethod
    def scenario(cls, name: str, n: int, *, seed: int = 0, mix: Mix | str | None = None,
                 locale: str = "en_US") -> Population:
        """Generate ``n`` logins that act out a named scenario (see :data:`SCENARIOS`).

        Parameters
        ----------
        name
            ``"first_login"``, ``"impossible_travel"``, ``"admin_new_country"`` or
            ``"new_device"``. Every login is tagged with the name.
        n, seed, mix, locale
            As in :func:`population`; the default mix is b2c without deliberate edge cases.
        """
        if name not in SCENARIOS:
            raise UsageError(f"unknown scenario {name!r}; expected one of {sorted(SCENARIOS)}")
        the_mix = _as_mix(mix) if mix is not None else Mix(edge_case_share=0.0)
        spec = _Spec(_check_int("n", n, 1), _check_int("seed", seed, 0), the_mix,
                     _check_locale(locale), name)
        return cls._generated(spec)

    @property
    def spec(self) -> dict[str, Any]:
        """JSON-able description that :meth:`from_spec` turns back into this population."""
        return json.loads(json.dumps(self._spec))  # type: ignore[no-any-return]

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Population:
        """Rebuild a population from :attr:`spec`.

        A generated population that was sliced (``pop.slice(a, b).spec``) is rebuilt by
        generating only the blocks that cover ``[a, b)``: this is how a worker shard gets its
        logins from a few hundred bytes of JSON.
        """
        spec = dict(spec)
        ops = list(spec.pop("ops", []))
        kind = spec.get("kind")
        if kind == "generated":
            s = _Spec(int(spec["n"]), int(spec["seed"]), Mix.from_dict(spec["mix"]),
                      str(spec["locale"]), spec.get("scenario"))
            if ops and ops[0][0] == "slice":
                _, a, b = ops.pop(0)
                pop = cls._generated(s, int(a), int(b))
                pop._spec = {**pop._spec, "ops": [["slice", int(a), int(b)]]}
            else:
                pop = cls._generated(s)
        elif kind == "users_export":
            pop = cls.from_users_export(spec["path"], seed=spec["seed"],
                                        logins_per_user=spec["logins_per_user"],
                                        mix=Mix.from_dict(spec["mix"]))
        elif kind == "logins":
            pop = cls.from_logins(spec["logins"])
        else:
            raise UsageError(f"expected spec['kind'] to be 'generated', 'users_export' or "
                             f"'logins', got {kind!r}")
        for op in ops:
            if op[0] == "slice":
                pop = pop.slice(int(op[1]), int(op[2]))
            elif op[0] == "where":
                pop = pop.where(**op[1])
            elif op[0] == "overrides":
                pop = pop.with_overrides(user=op[1], context=op[2])
            else:
                raise UsageError(f"unknown operation {op[0]!r} in spec['ops']")
        return pop

    def _derive(self, logins: pd.DataFrame, op: list[Any],
                overrides: tuple[_Patch, ...] | None = None) -> Population:
        spec = {**self._spec, "ops": [*self._spec.get("ops", []), op]}
        return Population(self._users, logins, spec,
                          self._overrides if overrides is None else overrides)

    # -- views --------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of logins."""
        return len(self._logins)

    def __repr__(self) -> str:
        return (f"<Population {len(self)} logins, {len(self.users)} users, "
                f"spec kind={self._spec.get('kind')!r}>")

    @property
    def logins(self) -> pd.DataFrame:
        """One row per login, in the population's order.

        Contract columns: ``login_id`` (``"L0000042"``), ``user_id``, ``timestamp``
        (datetime64[ms, UTC]), ``connection``, ``strategy``, ``client_id``, ``client_name``,
        ``protocol``, ``country``, ``ip``, ``ip_version`` (4/6; 0 for an explicit login without
        a request), ``user_agent_family``, ``email_domain``, ``logins_count``, ``tags`` (sorted,
        comma-joined edge cases and scenario; ``""`` when none). Generated populations add
        ``city``, ``user_agent``, ``session_id``, ``sso``, ``has_request``, ``prompt``,
        ``scope``, ``audience``, ``acr_values``, ``mfa`` (a second factor in this session),
        ``new_device``, ``impossible_travel`` and ``untrusted_ip``. Low-cardinality strings are
        categoricals whose categories come from the spec, so shards agree.
        """
        if self._public_logins is None:
            keep = [c for c in self._logins.columns if not c.startswith("_")]
            self._public_logins = self._logins[keep]
        return self._public_logins

    @property
    def users(self) -> pd.DataFrame:
        """One row per user that has at least one login in this population.

        Contract columns: ``user_id``, ``email`` (``""`` when absent), ``email_domain``,
        ``connection``, ``strategy``, ``country`` (home), ``roles`` (comma-joined), ``plan``
        (``""`` without app_metadata), ``mfa_enrolled``, ``created_at`` (datetime64[ms, UTC]),
        ``tags``. Generated populations add the rest of the profile (names,
        ``email_verified``, ``has_app_metadata``, ``multifactor``, phone, ``username``,
        ``linked_connection``, ``blocked``, ``organization``, ``tenant_id``,
        ``known_countries``, ``last_password_reset``, ``prior_logins``, ``home_city``).
        """
        if self._public_users is None:
            rows = pd.unique(self._logins["_u"].to_numpy())
            keep = [c for c in self._users.columns if not c.startswith("_")]
            self._public_users = self._users.iloc[np.sort(rows)][keep].reset_index(drop=True)
        return self._public_users

    def payloads(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Return logins ``[start, stop)`` as compact JSON strings, one per login.

        Each is ``{"login_id", "user_id", "timestamp_ms", "user", "context"}``: ``user`` is the
        normalized profile (contract §5) and ``context`` the Rules context (§6) as Auth0 would
        pass them at that login. Keys Auth0 leaves undefined are absent (``app_metadata``,
        ``context.request`` for some logins, ...).
        """
        n = len(self)
        stop = n if stop is None else stop
        if not (0 <= start <= n) or not (start <= stop <= n):
            raise UsageError(f"expected 0 <= start <= stop <= {n}, got start={start}, "
                             f"stop={stop}")
        out = _render(self._users, self._logins, start, stop)
        if self._overrides:
            merged = []
            for text in out:
                d = json.loads(text)
                for user_patch, ctx_patch in self._overrides:
                    _merge(d["user"], user_patch)
                    _merge(d["context"], ctx_patch)
                merged.append(_DUMP(d))
            out = merged
        return out

    def login(self, i: int) -> dict[str, Any]:
        """Return login ``i`` as a dict (``json.loads`` of its payload)."""
        return json.loads(self.payloads(i, i + 1)[0])  # type: ignore[no-any-return]

    # -- selections ---------------------------------------------------------------------------

    def slice(self, start: int, stop: int) -> Population:
        """Return logins ``[start, stop)`` as a population (it may split a user)."""
        n = len(self)
        if not (0 <= start <= stop <= n):
            raise UsageError(f"expected 0 <= start <= stop <= {n}, got start={start}, "
                             f"stop={stop}")
        return self._derive(self._logins.iloc[start:stop], ["slice", start, stop])

    def chunk_bounds(self, size: int) -> list[tuple[int, int]]:
        """Split the logins into contiguous ``[start, stop)`` ranges of about ``size`` logins.

        A range never splits one user's logins, so a user with more than ``size`` logins gets a
        larger range. The result depends only on the population and ``size``.
        """
        size = _check_int("size", size, 1)
        u = self._logins["_u"].to_numpy()
        n = len(u)
        if n == 0:
            return []
        starts = np.flatnonzero(np.concatenate([[True], u[1:] != u[:-1]]))
        bounds, pos = [], 0
        while pos < n:
            target = pos + size
            if target >= n:
                bounds.append((pos, n))
                break
            k = int(np.searchsorted(starts, target))
            after = int(starts[k]) if k < len(starts) else n
            before = int(starts[k - 1]) if k > 0 else pos
            stop = before if before > pos and target - before <= after - target else after
            bounds.append((pos, stop))
            pos = stop
        return bounds

    def where(self, **column_equals: Any) -> Population:
        """Keep the logins whose columns equal the given values.

        A value may be a scalar or a list/tuple/set (any of). Login columns are matched first,
        then user columns (``plan``, ``mfa_enrolled``, ...), for every login of the user.

        Examples
        --------
        >>> pop.where(country="DE", protocol=["samlp", "oidc-basic-profile"])  # doctest: +SKIP
        """
        mask = np.ones(len(self), dtype=bool)
        clean: dict[str, Any] = {}
        for name, value in column_equals.items():
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            if isinstance(value, (set, frozenset)):
                values = sorted(values, key=repr)
            clean[name] = values if isinstance(value, (list, tuple, set, frozenset)) else value
            if name in self._logins.columns and not name.startswith("_"):
                col = self._logins[name]
            elif name in self._users.columns and not name.startswith("_"):
                col = self._users[name].iloc[self._logins["_u"].to_numpy()]
            else:
                cols = sorted(c for c in {*self.logins.columns, *self.users.columns})
                raise UsageError(f"where(): unknown column {name!r}; expected one of {cols}")
            mask &= np.asarray(col.isin(values))
        return self._derive(self._logins[mask], ["where", clean])

    def with_overrides(self, user: Mapping[str, Any] | None = None,
                       context: Mapping[str, Any] | None = None) -> Population:
        """Deep-merge ``user`` and ``context`` into every payload.

        Nested dicts merge key by key; other values replace; ``None`` removes the key (use it
        to make ``app_metadata`` or ``context.request`` undefined). Overrides stack on earlier
        ones. The DataFrames are not changed: they describe the generated logins.
        """
        try:
            patch: _Patch = json.loads(json.dumps([dict(user or {}), dict(context or {})]))
        except (TypeError, ValueError) as exc:
            raise UsageError(f"with_overrides(): values must be JSON data ({exc})") from None
        return self._derive(self._logins, ["overrides", *patch], (*self._overrides, patch))

    # -- files --------------------------------------------------------------------------------

    def to_parquet(self, path: str | Path) -> None:
        """Write the population to one parquet file; :meth:`read_parquet` restores it exactly.

        The file holds the login rows followed by the user rows (columns prefixed ``l:`` and
        ``u:``), and the spec and overrides as file metadata, so other tools can read it too.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = np.unique(self._logins["_u"].to_numpy())
        logins = self._logins.copy()
        logins["_u"] = np.searchsorted(rows, logins["_u"].to_numpy()).astype(np.int64)
        users = self._users.iloc[rows].reset_index(drop=True)
        tables, dtypes = [], {}
        for prefix, df in (("l:", logins), ("u:", users)):
            for name in df.columns:
                dtypes[prefix + name] = (list(map(str, df[name].cat.categories))
                                         if isinstance(df[name].dtype, pd.CategoricalDtype)
                                         else str(df[name].dtype))
            table = pa.Table.from_pandas(df, preserve_index=False)
            tables.append(table.rename_columns([prefix + c for c in table.column_names]))
        merged = pa.concat_tables(tables, promote_options="default")
        meta = {"version": 1, "spec": self._spec, "overrides": list(self._overrides),
                "n_logins": len(logins), "dtypes": dtypes}
        merged = merged.replace_schema_metadata({b"rulesim": json.dumps(meta).encode()})
        pq.write_table(merged, str(path))

    @classmethod
    def read_parquet(cls, path: str | Path) -> Population:
        """Read a file written by :meth:`to_parquet`."""
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
        return cls(parts[1], parts[0], meta["spec"], overrides)

    @classmethod
    def from_users_export(cls, path: str | Path, *, seed: int = 0,
                          logins_per_user: int | Mapping[int, float] | None = None,
                          mix: Mix | str | None = None) -> Population:
        """Load real users from an Auth0 user export and synthesize their logins.

        Parameters
        ----------
        path
            The export job's output: NDJSON (one JSON user per line; ``.json``/``.ndjson``,
            optionally ``.gz``) or CSV (a header row; dotted names such as
            ``app_metadata.plan`` become nested fields; JSON-looking cells are parsed).
        seed
            Seed for the synthesized logins.
        logins_per_user
            A fixed number of logins per user, or a distribution; default: the mix's.
        mix
            Distributions for what the export does not say (countries, devices, protocols...).

        The user JSON of each payload is the exported profile itself (minus ``logins_count``,
        ``last_login``, ``last_ip`` and ``updated_at``, which follow the synthesized logins);
        ``identities`` are synthesized from ``user_id`` when the export lacks them.
        """
        the_mix = _as_mix(mix).replace(edge_cases={e: 0.0 if e in USER_EDGE_CASES else 1.0
                                                   for e in EDGE_CASES})
        if isinstance(logins_per_user, int) and not isinstance(logins_per_user, bool):
            the_mix = the_mix.replace(logins_per_user={
                _check_int("logins_per_user", logins_per_user, 1): 1.0})
        elif isinstance(logins_per_user, Mapping):
            the_mix = the_mix.replace(logins_per_user=dict(logins_per_user))
        elif logins_per_user is not None:
            raise UsageError("expected logins_per_user to be an int or a {count: weight} dict, "
                             f"got {logins_per_user!r}")
        records = _read_export(Path(path))
        spec = _Spec(1, _check_int("seed", seed, 0), the_mix, "en_US")
        users_df, logins_df = _export_frames(spec, records)
        lpu = logins_per_user if not isinstance(logins_per_user, Mapping) else {
            str(k): v for k, v in logins_per_user.items()}
        return cls(users_df, logins_df, {
            "kind": "users_export", "path": str(path), "seed": seed, "logins_per_user": lpu,
            "mix": _as_mix(mix).to_dict()})

    @classmethod
    def from_logins(cls, logins: Sequence[Mapping[str, Any]]) -> Population:
        """Build a population from explicit logins, completing partial ones.

        Parameters
        ----------
        logins
            Dicts with ``user`` and ``context`` (partial is fine) and optionally
            ``timestamp_ms`` and ``login_id``. Each is deep-merged over a realistic generated
            login (``None`` removes a key); a ``user_id`` without ``identities`` re-derives the
            identity and the context's connection from the id's prefix.
        """
        obj: object = logins
        if isinstance(obj, (str, bytes)) or not isinstance(obj, Sequence) or not obj:
            raise UsageError("expected logins to be a non-empty list of dicts")
        defaults = population(len(logins), mix=Mix(logins_per_user={1: 1.0},
                                                   edge_case_share=0.0)).payloads()
        payloads = [_complete(i, item, json.loads(defaults[i])) for i, item in enumerate(logins)]
        ids = [p["login_id"] for p in payloads]
        if len(set(ids)) != len(ids):
            raise UsageError("from_logins(): login_id values must be unique")
        users_df, logins_df = _frames_from_payloads(payloads)
        spec = {"kind": "logins", "logins": json.loads(json.dumps(list(logins)))}
        return cls(users_df, logins_df, spec)


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


def _read_export(path: Path) -> list[dict[str, Any]]:
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


def _connection_of(user: Mapping[str, Any]) -> tuple[str, str]:
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


def _to_ms(value: Any, default: int) -> int:
    try:
        return int(pd.Timestamp(value).tz_localize(None).value // 1_000_000) if value else default
    except (ValueError, TypeError):
        return default


def _export_frames(spec: _Spec, records: list[dict[str, Any]]
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
        conn, strat = _connection_of(rec)
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
                           ("created", _to_ms(rec.get("created_at"), start - 365 * _MS_DAY))):
            lists[key].append(value)
        mfa_list.append(bool(rec.get("multifactor")))
        prior_list.append(int(rec.get("logins_count") or 0))
        static = {k2: v for k2, v in rec.items() if k2 not in _EXPORT_DYNAMIC}
        if "identities" not in static:
            static["identities"] = idp.identities_for(rec["user_id"], conn, strat)
        statics.append(_DUMP(static)[:-1])
    p_country = _probs(mix.countries, _CODES)
    login_parts: list[dict[str, Any]] = []
    offset = 0
    for block in range(math.ceil(len(records) / k)):
        sl = slice(block * k, (block + 1) * k)
        m = len(records[sl])
        rng = np.random.default_rng([spec.seed, block, 1])
        drawn = _draw(rng, p_country, m)
        country = np.array([_CODES.index(c) if c in _CODES else d
                            for c, d in zip(lists["country"][sl], drawn.tolist(), strict=True)])
        fam = _draw(rng, _probs(mix.user_agents, _FAMILIES), m)
        fam2 = _draw(rng, _probs(mix.user_agents, _FAMILIES), m)
        ua = _FAM_START[fam] + (rng.random(m) * _FAM_COUNT[fam]).astype(np.int64)
        ua2 = _FAM_START[fam2] + (rng.random(m) * _FAM_COUNT[fam2]).astype(np.int64)
        created = np.array(lists["created"][sl], dtype=np.int64)
        t0 = np.maximum(start + (rng.random(m) * 30 * _MS_DAY).astype(np.int64),
                        created + 60_000)
        travel = rng.random(m) < mix.travel_rate
        users = {
            "country": country, "mfa_enrolled": np.array(mfa_list[sl]),
            "prior_logins": np.array(prior_list[sl], dtype=np.int64),
            "home_city": _CITY_START[country] + (rng.random(m) * _CITY_COUNT[country]
                                                 ).astype(np.int64),
            "_ua": ua, "_ua2": np.where(ua2 == ua, (ua + 1) % len(_UAS), ua2),
            "_v6": rng.random(m) < mix.ipv6_share, "_t0": t0, "_travel": travel,
            "_impossible": travel & (rng.random(m) < mix.impossible_travel_share),
            "_other": (country + 1 + rng.integers(0, len(_CODES) - 1, m)) % len(_CODES),
            "_trip_frac": rng.random(m), "_trip_len": rng.integers(1, 4, m),
            "_newdev": rng.random(m) < mix.new_device_rate, "_newdev_frac": rng.random(m),
        }
        lists["country"][sl] = [_CODES[c] for c in country.tolist()]
        crng = np.random.default_rng([spec.seed, block, 0])
        lpu = sorted(mix.logins_per_user)
        counts = np.array(lpu)[_draw(crng, _probs(mix.logins_per_user, lpu), m)]
        logins = _generate_logins(spec, block, users, counts.astype(np.int64), offset)
        logins["user_edge"] = np.zeros(len(logins["login_id"]), dtype=np.int64)
        offset += int(counts.sum())
        login_parts.append(logins)
    users_df = pd.DataFrame({
        "user_id": lists["user_id"], "email": lists["email"],
        "email_domain": _categorical(lists["email_domain"]),
        "connection": _categorical(lists["connection"]),
        "strategy": _categorical(lists["strategy"]),
        "country": _categorical(lists["country"]), "roles": _categorical(lists["roles"]),
        "plan": _categorical(lists["plan"]), "mfa_enrolled": np.array(mfa_list),
        "created_at": _dt(lists["created"]), "tags": _categorical([""] * len(records)),
        "prior_logins": np.array(prior_list, dtype=np.int64),
        "organization": [""] * len(records), "_profile": statics,
    })
    lcols = {key: (np.concatenate([np.asarray(p[key], dtype=object if isinstance(p[key], list)
                                              else None) for p in login_parts]))
             for key in login_parts[0]}
    return users_df, _logins_frame(lcols, users_df, None)


def _complete(i: int, item: Mapping[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise UsageError(f"from_logins(): login {i} must be a dict, got {type(item).__name__}")
    unknown = set(item) - {"user", "context", "timestamp_ms", "login_id"}
    if unknown:
        raise UsageError(f"from_logins(): login {i} has unknown keys {sorted(unknown)}; "
                         "expected user, context, timestamp_ms, login_id")
    user = dict(item.get("user") or {})
    ctx = dict(item.get("context") or {})
    if "user_id" in user and "identities" not in user:
        conn, strat = _connection_of({"user_id": user["user_id"]})
        base["user"]["identities"] = idp.identities_for(str(user["user_id"]), conn, strat)
        base["context"].update(lcp.connection_fields(conn, strat))
    _merge(base["user"], user)
    _merge(base["context"], ctx)
    if "connection" in ctx and "connectionStrategy" not in ctx:
        conn = str(ctx["connection"])
        base["context"].update(lcp.connection_fields(
            conn, idp.CONNECTIONS.get(conn, (conn, False))[0]))
        _merge(base["context"], ctx)
    if "logins_count" in user and "stats" not in ctx:
        base["context"]["stats"] = {"loginsCount": user["logins_count"]}
    elif "stats" in ctx and "logins_count" not in user:
        base["user"]["logins_count"] = base["context"].get("stats", {}).get("loginsCount", 1)
    base["user_id"] = str(base["user"].get("user_id", base["user_id"]))
    base["timestamp_ms"] = int(item.get("timestamp_ms", base["timestamp_ms"]))
    base["login_id"] = str(item.get("login_id", f"L{i:07d}"))
    return base


def _frames_from_payloads(payloads: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    first: dict[str, int] = {}
    first_row: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    fam_of = {ua: _FAMILIES[f] for ua, f in zip(_UAS, _UA_FAMILY.tolist(), strict=True)}
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
            "tags": "", "has_request": req is not None, "_u": u, "_payload": _DUMP(p),
        })
    logins = pd.DataFrame(rows)
    logins["timestamp"] = _dt(logins["timestamp"].to_numpy(dtype=np.int64))
    logins = _low_card(logins, ["connection", "strategy", "client_id", "client_name", "protocol",
                                "country", "user_agent_family", "email_domain", "tags"])
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
            "created_at": _to_ms(user.get("created_at"), p["timestamp_ms"]), "tags": "",
        })
    users_df = pd.DataFrame(users)
    users_df["created_at"] = _dt(users_df["created_at"].to_numpy(dtype=np.int64))
    return _low_card(users_df, ["email_domain", "connection", "strategy", "country", "roles",
                                "plan", "tags"]), logins
