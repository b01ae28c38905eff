"""Faker provider for the Auth0 Rules ``context`` object (contract §6).

Everything a login's ``context`` is made of lives here as class data: the Acme tenant's
applications and connections, the protocols, ~30 countries with a few cities each (for
``request.geoip``; the table itself is kept in :mod:`rulesim.providers._countries`), address
blocks per country, and user-agent strings per family. Methods compose them into the
dictionaries Auth0 hands to a Rule, drawing every random choice from ``self.generator.random``
so that ``Faker.seed_instance`` reproduces them.

The module-level helpers (:func:`geoip`, :func:`query`, :func:`risk_assessment`, …) are pure
functions of their arguments. :mod:`rulesim.population` renders its payloads with the same
helpers, so a login generated in bulk and one built by this provider share one schema.

Examples
--------
>>> from faker import Faker
>>> from rulesim.providers import LoginContextProvider
>>> fake = Faker()
>>> fake.add_provider(LoginContextProvider)
>>> fake.seed_instance(1)
>>> sorted(fake.auth0_context())[:3]
['accessToken', 'authentication', 'authorization']
"""

from __future__ import annotations

import ipaddress
from typing import Any, NamedTuple

from faker.providers import BaseProvider

from rulesim.providers._countries import COUNTRIES as COUNTRIES
from rulesim.providers._countries import City, Country

__all__ = [
    "HOSTNAME",
    "TENANT",
    "City",
    "Client",
    "Country",
    "Provider",
    "authentication",
    "geoip",
    "query",
    "risk_assessment",
    "saml_configuration",
]

TENANT = "acme"
"""The tenant name every context carries (``context.tenant``)."""
HOSTNAME = "login.acme.com"
"""The custom domain logins arrive on (``context.request.hostname``)."""


class Client(NamedTuple):
    """An application of the Acme tenant, as ``context.clientID/clientName/clientMetadata``."""

    name: str
    client_id: str
    metadata: dict[str, str]
    callback: str
    protocols: tuple[str, ...]


CLIENTS: tuple[Client, ...] = (
    Client("Acme Portal", "pRtL2Xq9cV7bN4mZ8sKdW1fGhJ3yTa6E", {},
           "https://portal.acme.com/callback",
           ("oidc-basic-profile", "oidc-implicit-profile", "oauth2-refresh-token",
            "redirect-callback")),
    Client("Acme Admin Console", "aDm1nC0ns0leQ7wE9rT2yU4iO6pA8sDf", {"restricted": "true"},
           "https://admin.acme.com/callback",
           ("oidc-basic-profile", "oidc-implicit-profile", "redirect-callback")),
    Client("Acme Mobile", "m0B1LeAppZx3Cv5Bn7Mq9Wr2Ty4Ui6Op", {"platform": "ios,android"},
           "com.acme.mobile://login.acme.com/callback",
           ("oidc-basic-profile", "oauth2-refresh-token", "oauth2-resource-owner",
            "redirect-callback")),
    Client("Acme Expense (SAML)", "sAmLExp3nseHj8Kl2Zx4Cv6Bn8Mq1We3", {"sso": "saml"},
           "https://expense.acme.com/saml/acs", ("samlp",)),
    Client("Partner API", "pArTn3rAp1Gh5Jk7Lz9Xc2Vb4Nm6Qw8E", {"tier": "partner"},
           "", ("oauth2-resource-owner",)),
    Client("Acme Intranet (WS-Fed)", "wSfEdInTr4n3tPq7Rs9Tu2Vw4Xy6Za8B", {"sso": "wsfed"},
           "https://intranet.acme.com/_trust/", ("wsfed",)),
)


def saml_configuration(client: Client) -> dict[str, Any] | None:
    """``context.samlConfiguration`` for a login to ``client``: ``{}`` for SAML and WS-Fed apps.

    Auth0 hands rules an empty object for applications with the SAML2 or WS-Fed add-on, for
    rules to fill (``mappings``, ``audience``, ``lifetimeInSeconds``, …); other applications
    get none.
    """
    return {} if {"samlp", "wsfed"} & set(client.protocols) else None

CONNECTION_IDS: dict[str, str] = {
    "Username-Password-Authentication": "con_1a2B3c4D5e6F7g8H",
    "google-oauth2": "con_G00gLe0AuTh2xYz1",
    "acme-okta": "con_0kTaSaMlAcMe9876",
    "acme-azure": "con_AzUrEwAaDaCmE543",
}
CONNECTION_OPTIONS: dict[str, dict[str, Any]] = {
    "Username-Password-Authentication": {},
    "google-oauth2": {},
    "acme-okta": {"tenant_domain": "acme.com", "domain_aliases": ["acme.com"]},
    "acme-azure": {"tenant_domain": "acme.onmicrosoft.com",
                   "domain_aliases": ["acme.com", "acme.co.uk"]},
}
PROTOCOLS: tuple[str, ...] = (
    "oidc-basic-profile", "oidc-implicit-profile", "oauth2-refresh-token",
    "oauth2-resource-owner", "samlp", "redirect-callback", "wsfed",
)
USER_AGENTS: dict[str, tuple[str, ...]] = {
    "chrome": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/123.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.0.0 Safari/537.36",
    ),
    "firefox": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
    ),
    "safari": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4.1 Safari/605.1.15",
    ),
    "edge": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    ),
    "mobile_safari": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    ),
    "chrome_mobile": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.6367.82 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/123.0.6312.99 Mobile Safari/537.36",
    ),
    "native_app": (
        "AcmeMobile/5.12.0 (iPhone; iOS 17.4; Scale/3.00) CFNetwork/1494.0.7 Darwin/23.4.0",
        "AcmeMobile/5.11.2 (Android 14; Pixel 8) okhttp/4.12.0",
    ),
    "legacy": (
        "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
        "Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/49.0.2623.112 Safari/537.36",
        "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; GT-I9100 Build/IML74K) AppleWebKit/"
        "534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
    ),
    "bot": (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/122.0.6261.94 Safari/537.36",
    ),
}
SCOPES: tuple[str, ...] = (
    "openid profile email", "openid", "openid profile email offline_access",
    "openid email read:reports",
)
PROMPTS: tuple[str, ...] = ("", "login", "consent", "none")
AUDIENCE = "https://api.acme.com/"
ACR_MFA = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
REDIRECT_STATE = "hKFo2SBjV0xvdWtRdWc5dVFQZW5rZmVxTlBuR0JfaVRQRU5yTqFur3VuaXZlcnNhbA"
SAML_REQUEST = (
    "fZJNT8MwDIbvSPyHKPe1H2NoitZOA4SYxEfFCgduWeq2QU1S4nSDf0/WbmIc4Grrff3Ylher"
    "z1aRLViURmc0iWJKQAtTSl1n9KW4nczpKj8/W6JQbcfXvW/0M3z0gJ6EoEY+VDLaW82NQIlc"
)


def geoip(country: Country, city: City) -> dict[str, Any]:
    """Build ``request.geoip`` for a city of a country.

    Parameters
    ----------
    country, city
        Entries of :data:`COUNTRIES` and its ``cities``.

    Returns
    -------
    dict
        ``country_code``, ``country_code3``, ``country_name``, ``city_name``, ``latitude``,
        ``longitude``, ``time_zone``, ``continent_code`` and ``subdivision_code``.
    """
    return {
        "country_code": country.code,
        "country_code3": country.code3,
        "country_name": country.name,
        "city_name": city.name,
        "latitude": city.latitude,
        "longitude": city.longitude,
        "time_zone": city.time_zone,
        "continent_code": country.continent,
        "subdivision_code": city.subdivision,
    }


def query(
    client: Client,
    protocol: str,
    *,
    scope: str = SCOPES[0],
    prompt: str = "",
    audience: str = "",
    acr_values: str = "",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build ``request.query`` and ``request.body`` for a protocol.

    Interactive OIDC flows carry their parameters in the query; token-endpoint flows
    (refresh token, resource owner) in the body; SAML carries a ``SAMLRequest``.

    Parameters
    ----------
    client
        The application that started the login.
    protocol
        One of :data:`PROTOCOLS`.
    scope, prompt, audience, acr_values
        Query parameters; an empty string leaves the parameter out.

    Returns
    -------
    tuple of dict
        ``(query, body)``.
    """
    if protocol == "samlp":
        return {"SAMLRequest": SAML_REQUEST, "RelayState": "/"}, {}
    if protocol == "wsfed":
        return {"wa": "wsignin1.0", "wtrealm": f"urn:auth0:{TENANT}:{client.client_id}",
                "wctx": "rm=0&id=passive&ru=%2f"}, {}
    if protocol == "redirect-callback":
        return {"state": REDIRECT_STATE}, {}
    if protocol in ("oauth2-refresh-token", "oauth2-resource-owner"):
        grant = "refresh_token" if protocol == "oauth2-refresh-token" else "password"
        body: dict[str, Any] = {"grant_type": grant, "client_id": client.client_id}
        if grant == "password":
            body["scope"] = scope
        if audience:
            body["audience"] = audience
        return {}, body
    q: dict[str, Any] = {
        "client_id": client.client_id,
        "response_type": "code" if protocol == "oidc-basic-profile" else "id_token token",
        "redirect_uri": client.callback,
        "scope": scope,
    }
    if audience:
        q["audience"] = audience
    if prompt:
        q["prompt"] = prompt
    if acr_values:
        q["acr_values"] = acr_values
    return q, {}


def authentication(strategy: str, timestamp_ms: int, *, mfa: bool) -> dict[str, Any]:
    """Build ``context.authentication``: ``pwd`` or ``federated``, plus ``mfa`` when done.

    Parameters
    ----------
    strategy
        The connection strategy; ``auth0`` means a password login.
    timestamp_ms
        When the session authenticated, in milliseconds since the epoch.
    mfa
        Whether a second factor was completed in this session.
    """
    methods: list[dict[str, Any]] = [
        {"name": "pwd" if strategy == "auth0" else "federated", "timestamp": timestamp_ms}
    ]
    if mfa:
        methods.append({"name": "mfa", "timestamp": timestamp_ms})
    return {"methods": methods}


_UNTRUSTED = {"high": "not_found_on_deny_list", "low": "found_on_deny_list"}
_DEVICE = {"high": "match", "low": "no_match", "neutral": "initial_login"}
_TRAVEL = {"high": "minimal_travel_from_last_login", "low": "impossible_travel_from_last_login",
           "neutral": "initial_login"}


def risk_assessment(untrusted_ip: str, new_device: str, impossible_travel: str) -> dict[str, Any]:
    """Build ``context.riskAssessment`` from the three assessors' confidences.

    A confidence says how sure Auth0 is that the login is legitimate: ``high`` is good,
    ``low`` is suspicious, ``neutral`` means there was nothing to compare with (first login).
    The overall confidence is ``low`` if any assessor is ``low``, else ``medium`` if any is
    ``neutral``, else ``high``.

    Parameters
    ----------
    untrusted_ip
        ``high`` or ``low``.
    new_device, impossible_travel
        ``high``, ``low`` or ``neutral``.
    """
    levels = (untrusted_ip, new_device, impossible_travel)
    overall = "low" if "low" in levels else "medium" if "neutral" in levels else "high"
    device: dict[str, Any] = {"confidence": new_device, "code": _DEVICE[new_device]}
    if new_device != "neutral":
        known = "known" if new_device == "high" else "unknown"
        device["details"] = {"device": known, "useragent": known}
    return {
        "confidence": overall,
        "version": "1",
        "assessments": {
            "UntrustedIP": {"confidence": untrusted_ip, "code": _UNTRUSTED[untrusted_ip]},
            "NewDevice": device,
            "ImpossibleTravel": {"confidence": impossible_travel,
                                 "code": _TRAVEL[impossible_travel]},
        },
    }


def connection_fields(connection: str, strategy: str) -> dict[str, Any]:
    """Build the connection part of a context: id, name, strategy, options, metadata."""
    return {
        "connection": connection,
        "connectionID": CONNECTION_IDS.get(connection, "con_" + connection[:16]),
        "connectionStrategy": strategy,
        "connectionOptions": CONNECTION_OPTIONS.get(connection, {}),
        "connectionMetadata": {},
    }


def organization(domain: str) -> dict[str, Any]:
    """Build ``context.organization`` for a corporate email domain (stable id per domain)."""
    label = domain.split(".")[0]
    digest = sum((i + 1) * ord(c) for i, c in enumerate(domain))
    return {
        "id": f"org_{label[:6]}{digest:010d}",
        "name": label,
        "display_name": label.replace("-", " ").title(),
        "metadata": {"domain": domain},
    }


class Provider(BaseProvider):
    """Faker provider of Auth0 login contexts.

    Add it with ``fake.add_provider(Provider)``; every method is prefixed ``auth0_`` so it
    never shadows another provider's formatter.
    """

    tenant = TENANT
    hostname = HOSTNAME
    countries = COUNTRIES
    clients = CLIENTS
    protocols = PROTOCOLS
    user_agents = USER_AGENTS
    scopes = SCOPES

    def _pick(self, seq: Any) -> Any:
        return seq[int(self.generator.random.random() * len(seq))]

    def auth0_country(self, code: str | None = None) -> Country:
        """Return a country of the geoip table, by ISO code or at random."""
        if code is None:
            return self._pick(self.countries)  # type: ignore[no-any-return]
        for country in self.countries:
            if country.code == code:
                return country
        raise ValueError(f"expected code to be one of the table's countries, got code={code!r}")

    def auth0_geoip(self, country: str | None = None) -> dict[str, Any]:
        """Return a ``request.geoip`` for a random city of ``country`` (or of any country)."""
        c = self.auth0_country(country)
        return geoip(c, self._pick(c.cities))

    def auth0_ip(self, country: str | None = None, version: int = 4) -> str:
        """Return a public IPv4 or IPv6 address from the blocks of ``country``."""
        c = self.auth0_country(country)
        rnd = self.generator.random
        if version == 6:
            groups = ":".join(f"{rnd.randrange(1, 0x10000):x}" for _ in range(6))
            return str(ipaddress.IPv6Address(f"{c.ipv6_prefix}:{groups}"))
        first = self._pick(c.ipv4_octets)
        return f"{first}.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"

    def auth0_user_agent(self, family: str | None = None) -> str:
        """Return a user-agent string of ``family`` (see :data:`USER_AGENTS`) or any family."""
        fam = family if family is not None else self._pick(sorted(self.user_agents))
        return self._pick(self.user_agents[fam])  # type: ignore[no-any-return]

    def auth0_client(self, name: str | None = None) -> Client:
        """Return one of the tenant's applications, by name or at random."""
        if name is None:
            return self._pick(self.clients)  # type: ignore[no-any-return]
        return next(c for c in self.clients if c.name == name)

    def auth0_protocol(self, client: Client | None = None) -> str:
        """Return a protocol the client supports (any protocol without a client)."""
        return self._pick(client.protocols if client else self.protocols)  # type: ignore[no-any-return]

    def auth0_session_id(self) -> str:
        """Return a session id: 32 URL-safe characters."""
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        rnd = self.generator.random
        return "".join(alphabet[rnd.randrange(64)] for _ in range(32))

    def auth0_request(
        self,
        *,
        client: Client | None = None,
        protocol: str | None = None,
        country: str | None = None,
        ip_version: int = 4,
        user_agent_family: str | None = None,
        prompt: str = "",
    ) -> dict[str, Any]:
        """Return ``context.request``: ip, userAgent, hostname, query, body and geoip."""
        cl = client or self.auth0_client()
        proto = protocol or self.auth0_protocol(cl)
        c = self.auth0_country(country)
        rnd = self.generator.random
        q, body = query(
            cl, proto, scope=self._pick(self.scopes), prompt=prompt,
            audience=AUDIENCE if rnd.random() < 0.3 else "",
            acr_values=ACR_MFA if rnd.random() < 0.05 else "",
        )
        return {
            "userAgent": self.auth0_user_agent(user_agent_family),
            "ip": self.auth0_ip(c.code, ip_version),
            "hostname": self.hostname,
            "query": q,
            "body": body,
            "geoip": geoip(c, self._pick(c.cities)),
        }

    def auth0_risk_assessment(self, *, first_login: bool = False) -> dict[str, Any]:
        """Return ``context.riskAssessment``; mostly confident, sometimes a new device."""
        rnd = self.generator.random
        if first_login:
            return risk_assessment("high", "neutral", "neutral")
        return risk_assessment(
            "low" if rnd.random() < 0.02 else "high",
            "low" if rnd.random() < 0.1 else "high",
            "low" if rnd.random() < 0.01 else "high",
        )

    def auth0_context(
        self,
        user: dict[str, Any] | None = None,
        *,
        client: str | None = None,
        protocol: str | None = None,
        country: str | None = None,
        ip_version: int = 4,
        logins_count: int | None = None,
        timestamp_ms: int = 1_735_689_600_000,
    ) -> dict[str, Any]:
        """Return a complete Rules ``context`` (contract §6) for ``user``.

        Parameters
        ----------
        user
            A normalized profile; its first identity sets the connection and its
            ``logins_count`` the stats. Without it a database connection is used.
        client, protocol, country, ip_version
            Pin parts of the login; random (consistent with each other) otherwise.
        logins_count
            ``context.stats.loginsCount``; defaults to the user's count or 1.
        timestamp_ms
            The authentication time.
        """
        identities = (user or {}).get("identities") or [
            {"connection": "Username-Password-Authentication", "provider": "auth0"}]
        conn, strategy = identities[0]["connection"], identities[0]["provider"]
        cl = self.auth0_client(client)
        proto = protocol or self.auth0_protocol(cl)
        count = logins_count if logins_count is not None else int(
            (user or {}).get("logins_count", 1))
        roles = ((user or {}).get("app_metadata") or {}).get("roles", [])
        rnd = self.generator.random
        ctx: dict[str, Any] = {
            "tenant": self.tenant,
            "clientID": cl.client_id,
            "clientName": cl.name,
            "clientMetadata": dict(cl.metadata),
            **connection_fields(conn, strategy),
            "protocol": proto,
            "stats": {"loginsCount": count},
            "sso": {"with_auth0": False, "with_dbconn": False, "current_clients": []},
            "sessionID": self.auth0_session_id(),
            "request": self.auth0_request(client=cl, protocol=proto, country=country,
                                          ip_version=ip_version),
            "authentication": authentication(strategy, timestamp_ms, mfa=rnd.random() < 0.2),
            "riskAssessment": self.auth0_risk_assessment(first_login=count <= 1),
            "authorization": {"roles": list(roles)},
            "idToken": {},
            "accessToken": {},
        }
        saml = saml_configuration(cl)
        if saml is not None:
            ctx["samlConfiguration"] = saml
        return ctx
