"""The vocabulary of synthetic populations: the :class:`Mix` of distributions and its presets.

This module holds what every other part of population building agrees on: the public
constants (:data:`BLOCK_USERS` and the edge-case names), the lookup tables derived once from
the identity and login-context providers (connections, countries and cities, user agents,
clients, protocols), and :class:`Mix` with the ``b2b`` and ``workforce`` presets. It imports no
other population module; :mod:`rulesim.population` re-exports its public names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from rulesim.errors import MixError
from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

IntArray = npt.NDArray[np.int64]
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

MS_DAY = 86_400_000
CONN = tuple(idp.CONNECTIONS)
DB, GOOGLE = 0, 1
STRATS = tuple(s for s, _ in idp.CONNECTIONS.values())
COUNTRIES = lcp.COUNTRIES
CODES = tuple(c.code for c in COUNTRIES)
CITY_NAMES = tuple(city.name for c in COUNTRIES for city in c.cities)
CITY_OF = {city.name: (c, city) for c in COUNTRIES for city in c.cities}
CITY_COUNT = np.array([len(c.cities) for c in COUNTRIES])
CITY_START = np.cumsum(CITY_COUNT) - CITY_COUNT
CITY_LAT = np.radians([city.latitude for c in COUNTRIES for city in c.cities])
CITY_LON = np.radians([city.longitude for c in COUNTRIES for city in c.cities])
V4 = np.array([[c.ipv4_octets[i % len(c.ipv4_octets)] for i in range(6)] for c in COUNTRIES])
CONTINENT = np.array([c.continent for c in COUNTRIES])
FAMILIES = tuple(lcp.USER_AGENTS)
UAS = tuple(ua for f in FAMILIES for ua in lcp.USER_AGENTS[f])
UA_FAMILY = np.array([i for i, f in enumerate(FAMILIES) for _ in lcp.USER_AGENTS[f]])
FAM_COUNT = np.array([len(lcp.USER_AGENTS[f]) for f in FAMILIES])
FAM_START = np.cumsum(FAM_COUNT) - FAM_COUNT
CLIENTS = {c.name: c for c in lcp.CLIENTS}
CLIENT_NAMES = tuple(CLIENTS)
PROTOCOLS = lcp.PROTOCOLS
COMPAT = np.array([[p in c.protocols for c in lcp.CLIENTS] for p in PROTOCOLS], dtype=float)
PROMPTS = ("", "login", "consent", "none")
MFA = idp.MFA_PROVIDERS


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
        SAML (``samlp``) and WS-Fed (``wsfed``) logins go to the SAML and WS-Fed applications,
        whose logins carry ``context.samlConfiguration = {}`` as Auth0 hands it to rules.
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
    signup_rate
        Share of users who sign up during the window: their first login is their first ever
        (``context.stats.loginsCount`` 1, an account created seconds before). The default,
        6%, is a consumer tenant's month of growth.
    silent_auth_rate
        Share of a user's later interactive OIDC logins that are silent authentications of an
        existing session (``prompt=none``, as SPAs renew tokens); default 8%.
    no_request_rate
        Share of logins whose ``context`` has no ``request`` (Auth0 runs some flows without
        the user's HTTP request); default 0.3%.
    start, mean_hours_between_logins
        First day of the window (UTC, ISO date) and the mean gap between a user's logins.

    Besides these rates, ``edge_case_share`` adds the same cases as tagged edge cases
    (``logins_count_1``, ``prompt_none``, ``request_undefined``, …).
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
        "redirect-callback": 0.08, "wsfed": 0.005}))
    clients: Mapping[str, float] = field(default_factory=lambda: _w(**{
        "Acme Portal": 0.6, "Acme Admin Console": 0.02, "Acme Mobile": 0.3,
        "Acme Expense (SAML)": 0.03, "Partner API": 0.05, "Acme Intranet (WS-Fed)": 0.005}))
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
    signup_rate: float = 0.06
    silent_auth_rate: float = 0.08
    no_request_rate: float = 0.003
    start: str = "2025-01-01"
    mean_hours_between_logins: float = 72.0

    _KNOWN: ClassVar[dict[str, tuple[str, ...]]] = {
        "connections": CONN, "email_domains": ("free", "corporate"), "countries": CODES,
        "protocols": PROTOCOLS, "clients": CLIENT_NAMES, "user_agents": FAMILIES,
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
                  "oauth2-resource-owner": 0.05, "samlp": 0.12, "redirect-callback": 0.08,
                  "wsfed": 0.02},
    "clients": {"Acme Portal": 0.5, "Acme Admin Console": 0.1, "Acme Mobile": 0.15,
                "Acme Expense (SAML)": 0.15, "Partner API": 0.1, "Acme Intranet (WS-Fed)": 0.02},
    "user_agents": {"chrome": 0.45, "firefox": 0.06, "safari": 0.1, "edge": 0.17,
                    "mobile_safari": 0.08, "chrome_mobile": 0.05, "native_app": 0.06,
                    "legacy": 0.02, "bot": 0.01},
    "roles": {"user": 0.6, "user,billing": 0.15, "admin": 0.1, "user,developer": 0.1,
              "support": 0.05},
    "plans": {"team": 0.5, "enterprise": 0.35, "pro": 0.15},
    "app_metadata_rate": 0.95, "mfa_enrolment": 0.5, "organization_rate": 0.8,
    "logins_per_user": {1: 0.1, 3: 0.2, 5: 0.25, 10: 0.25, 20: 0.15, 40: 0.05},
    "ipv6_share": 0.15, "mean_hours_between_logins": 24.0, "signup_rate": 0.03,
}
_WORKFORCE: dict[str, Any] = {
    "connections": {"Username-Password-Authentication": 0.05, "acme-okta": 0.55,
                    "acme-azure": 0.4},
    "email_domains": {"free": 0.0, "corporate": 1.0},
    "verification_rate": 0.99,
    "countries": {"US": 50, "GB": 12, "DE": 10, "IN": 12, "PL": 6, "IE": 5, "SG": 5},
    "protocols": {"oidc-basic-profile": 0.45, "samlp": 0.3, "oauth2-refresh-token": 0.15,
                  "redirect-callback": 0.1, "wsfed": 0.08},
    "clients": {"Acme Portal": 0.4, "Acme Admin Console": 0.15, "Acme Mobile": 0.1,
                "Acme Expense (SAML)": 0.35, "Partner API": 0.0, "Acme Intranet (WS-Fed)": 0.1},
    "user_agents": {"chrome": 0.5, "edge": 0.25, "safari": 0.1, "firefox": 0.05,
                    "mobile_safari": 0.05, "native_app": 0.05},
    "roles": {"user": 0.7, "user,auditor": 0.08, "admin": 0.07, "support": 0.1,
              "developer": 0.05},
    "plans": {"enterprise": 1.0}, "app_metadata_rate": 1.0, "mfa_enrolment": 0.95,
    "logins_per_user": {5: 0.2, 10: 0.3, 20: 0.3, 40: 0.2},
    "ipv6_share": 0.1, "mean_hours_between_logins": 12.0, "travel_rate": 0.08,
    "signup_rate": 0.01,
}

