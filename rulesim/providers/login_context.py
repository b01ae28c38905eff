"""Faker provider for the Auth0 Rules ``context`` object (contract §6).

Everything a login's ``context`` is made of lives here as class data: the Acme tenant's
applications and connections, the protocols, ~30 countries with a few cities each (for
``request.geoip``), address blocks per country, and user-agent strings per family. Methods
compose them into the dictionaries Auth0 hands to a Rule, drawing every random choice from
``self.generator.random`` so that ``Faker.seed_instance`` reproduces them.

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
]

TENANT = "acme"
"""The tenant name every context carries (``context.tenant``)."""
HOSTNAME = "login.acme.com"
"""The custom domain logins arrive on (``context.request.hostname``)."""


class City(NamedTuple):
    """A city in the geoip table: name, ISO 3166-2 subdivision suffix, position, time zone."""

    name: str
    subdivision: str
    latitude: float
    longitude: float
    time_zone: str


class Country(NamedTuple):
    """A country in the geoip table.

    ``ipv4_octets`` are first octets of public blocks used for addresses "in" the country;
    ``ipv6_prefix`` is the first two groups of an IPv6 /32; ``bbox`` is
    ``(lat_min, lat_max, lon_min, lon_max)``, a rough bounding box used to check realism.
    """

    code: str
    code3: str
    name: str
    continent: str
    calling_code: str
    locale: str
    ipv4_octets: tuple[int, ...]
    ipv6_prefix: str
    bbox: tuple[float, float, float, float]
    cities: tuple[City, ...]


class Client(NamedTuple):
    """An application of the Acme tenant, as ``context.clientID/clientName/clientMetadata``."""

    name: str
    client_id: str
    metadata: dict[str, str]
    callback: str
    protocols: tuple[str, ...]


C, Ci = Country, City

COUNTRIES: tuple[Country, ...] = (
    C("US", "USA", "United States", "NA", "1", "en-US", (3, 23, 98), "2600:1f18",
      (24.0, 50.0, -125.0, -66.0),
      (Ci("New York", "NY", 40.71, -74.01, "America/New_York"),
       Ci("San Francisco", "CA", 37.77, -122.42, "America/Los_Angeles"),
       Ci("Chicago", "IL", 41.88, -87.63, "America/Chicago"),
       Ci("Austin", "TX", 30.27, -97.74, "America/Chicago"))),
    C("CA", "CAN", "Canada", "NA", "1", "en-CA", (99, 142), "2607:f2c0",
      (42.0, 70.0, -141.0, -52.0),
      (Ci("Toronto", "ON", 43.65, -79.38, "America/Toronto"),
       Ci("Vancouver", "BC", 49.28, -123.12, "America/Vancouver"),
       Ci("Montreal", "QC", 45.50, -73.57, "America/Toronto"))),
    C("MX", "MEX", "Mexico", "NA", "52", "es-MX", (187, 189), "2806:1000",
      (14.0, 33.0, -118.0, -86.0),
      (Ci("Mexico City", "CMX", 19.43, -99.13, "America/Mexico_City"),
       Ci("Guadalajara", "JAL", 20.67, -103.35, "America/Mexico_City"),
       Ci("Monterrey", "NLE", 25.69, -100.32, "America/Monterrey"))),
    C("BR", "BRA", "Brazil", "SA", "55", "pt-BR", (177, 179), "2804:14c",
      (-34.0, 6.0, -74.0, -34.0),
      (Ci("São Paulo", "SP", -23.55, -46.63, "America/Sao_Paulo"),
       Ci("Rio de Janeiro", "RJ", -22.91, -43.17, "America/Sao_Paulo"),
       Ci("Brasília", "DF", -15.79, -47.88, "America/Sao_Paulo"))),
    C("AR", "ARG", "Argentina", "SA", "54", "es-AR", (181, 186), "2800:810",
      (-55.0, -21.0, -74.0, -53.0),
      (Ci("Buenos Aires", "C", -34.60, -58.38, "America/Argentina/Buenos_Aires"),
       Ci("Córdoba", "X", -31.42, -64.18, "America/Argentina/Cordoba"))),
    C("GB", "GBR", "United Kingdom", "EU", "44", "en-GB", (51, 81), "2a00:23c5",
      (49.0, 61.0, -9.0, 2.0),
      (Ci("London", "ENG", 51.51, -0.13, "Europe/London"),
       Ci("Manchester", "ENG", 53.48, -2.24, "Europe/London"),
       Ci("Edinburgh", "SCT", 55.95, -3.19, "Europe/London"))),
    C("IE", "IRL", "Ireland", "EU", "353", "en-IE", (37, 87), "2a02:8084",
      (51.0, 55.5, -10.5, -6.0),
      (Ci("Dublin", "D", 53.35, -6.26, "Europe/Dublin"),
       Ci("Cork", "CO", 51.90, -8.47, "Europe/Dublin"))),
    C("FR", "FRA", "France", "EU", "33", "fr-FR", (90, 92), "2a01:cb00",
      (41.0, 51.5, -5.5, 10.0),
      (Ci("Paris", "IDF", 48.86, 2.35, "Europe/Paris"),
       Ci("Lyon", "ARA", 45.76, 4.84, "Europe/Paris"),
       Ci("Marseille", "PAC", 43.30, 5.37, "Europe/Paris"))),
    C("DE", "DEU", "Germany", "EU", "49", "de-DE", (46, 84), "2003:e6",
      (47.0, 55.1, 5.8, 15.1),
      (Ci("Berlin", "BE", 52.52, 13.40, "Europe/Berlin"),
       Ci("Munich", "BY", 48.14, 11.58, "Europe/Berlin"),
       Ci("Hamburg", "HH", 53.55, 9.99, "Europe/Berlin"),
       Ci("Frankfurt am Main", "HE", 50.11, 8.68, "Europe/Berlin"))),
    C("NL", "NLD", "Netherlands", "EU", "31", "nl-NL", (145, 77), "2a02:a440",
      (50.7, 53.6, 3.3, 7.3),
      (Ci("Amsterdam", "NH", 52.37, 4.90, "Europe/Amsterdam"),
       Ci("Rotterdam", "ZH", 51.92, 4.48, "Europe/Amsterdam"))),
    C("ES", "ESP", "Spain", "EU", "34", "es-ES", (83, 88), "2a0c:5a80",
      (36.0, 44.0, -9.5, 4.4),
      (Ci("Madrid", "MD", 40.42, -3.70, "Europe/Madrid"),
       Ci("Barcelona", "CT", 41.39, 2.17, "Europe/Madrid"))),
    C("IT", "ITA", "Italy", "EU", "39", "it-IT", (79, 93), "2a01:e11",
      (36.6, 47.1, 6.6, 18.6),
      (Ci("Rome", "62", 41.90, 12.50, "Europe/Rome"),
       Ci("Milan", "25", 45.46, 9.19, "Europe/Rome"))),
    C("SE", "SWE", "Sweden", "EU", "46", "sv-SE", (78, 155), "2001:9b1",
      (55.0, 69.1, 11.0, 24.2),
      (Ci("Stockholm", "AB", 59.33, 18.07, "Europe/Stockholm"),
       Ci("Gothenburg", "O", 57.71, 11.97, "Europe/Stockholm"))),
    C("PL", "POL", "Poland", "EU", "48", "pl-PL", (31, 89), "2a02:a311",
      (49.0, 55.0, 14.0, 24.2),
      (Ci("Warsaw", "14", 52.23, 21.01, "Europe/Warsaw"),
       Ci("Kraków", "12", 50.06, 19.94, "Europe/Warsaw"))),
    C("CH", "CHE", "Switzerland", "EU", "41", "de-CH", (85, 178), "2a02:1210",
      (45.8, 47.9, 5.9, 10.5),
      (Ci("Zürich", "ZH", 47.38, 8.54, "Europe/Zurich"),
       Ci("Geneva", "GE", 46.20, 6.14, "Europe/Zurich"))),
    C("RU", "RUS", "Russia", "EU", "7", "ru-RU", (5, 95), "2a00:1fa0",
      (41.0, 82.0, 19.0, 180.0),
      (Ci("Moscow", "MOW", 55.76, 37.62, "Europe/Moscow"),
       Ci("Saint Petersburg", "SPE", 59.93, 30.34, "Europe/Moscow"),
       Ci("Novosibirsk", "NVS", 55.01, 82.93, "Asia/Novosibirsk"))),
    C("TR", "TUR", "Turkey", "AS", "90", "tr-TR", (176, 212), "2a02:e0",
      (35.8, 42.2, 25.6, 44.9),
      (Ci("Istanbul", "34", 41.01, 28.98, "Europe/Istanbul"),
       Ci("Ankara", "06", 39.93, 32.86, "Europe/Istanbul"))),
    C("IN", "IND", "India", "AS", "91", "en-IN", (49, 117), "2401:4900",
      (6.5, 35.7, 68.0, 97.4),
      (Ci("Mumbai", "MH", 19.08, 72.88, "Asia/Kolkata"),
       Ci("Bengaluru", "KA", 12.97, 77.59, "Asia/Kolkata"),
       Ci("Delhi", "DL", 28.70, 77.10, "Asia/Kolkata"))),
    C("CN", "CHN", "China", "AS", "86", "zh-CN", (36, 111), "240e:3b0",
      (18.0, 53.6, 73.5, 135.0),
      (Ci("Shanghai", "SH", 31.23, 121.47, "Asia/Shanghai"),
       Ci("Beijing", "BJ", 39.90, 116.41, "Asia/Shanghai"),
       Ci("Shenzhen", "GD", 22.54, 114.06, "Asia/Shanghai"))),
    C("JP", "JPN", "Japan", "AS", "81", "ja-JP", (126, 133), "2400:4050",
      (24.0, 45.6, 122.9, 146.0),
      (Ci("Tokyo", "13", 35.68, 139.69, "Asia/Tokyo"),
       Ci("Osaka", "27", 34.69, 135.50, "Asia/Tokyo"))),
    C("KR", "KOR", "South Korea", "AS", "82", "ko-KR", (112, 121), "2001:2d8",
      (33.0, 38.7, 124.5, 131.0),
      (Ci("Seoul", "11", 37.57, 126.98, "Asia/Seoul"),
       Ci("Busan", "26", 35.18, 129.08, "Asia/Seoul"))),
    C("SG", "SGP", "Singapore", "AS", "65", "en-SG", (118, 203), "2406:3003",
      (1.15, 1.48, 103.6, 104.1),
      (Ci("Singapore", "01", 1.35, 103.82, "Asia/Singapore"),
       Ci("Jurong West", "03", 1.34, 103.71, "Asia/Singapore"))),
    C("AU", "AUS", "Australia", "OC", "61", "en-AU", (1, 101), "2001:8003",
      (-44.0, -10.0, 112.0, 154.0),
      (Ci("Sydney", "NSW", -33.87, 151.21, "Australia/Sydney"),
       Ci("Melbourne", "VIC", -37.81, 144.96, "Australia/Melbourne"),
       Ci("Perth", "WA", -31.95, 115.86, "Australia/Perth"))),
    C("NZ", "NZL", "New Zealand", "OC", "64", "en-NZ", (122, 202), "2404:4408",
      (-47.5, -34.0, 166.0, 179.0),
      (Ci("Auckland", "AUK", -36.85, 174.76, "Pacific/Auckland"),
       Ci("Wellington", "WGN", -41.29, 174.78, "Pacific/Auckland"))),
    C("ZA", "ZAF", "South Africa", "AF", "27", "en-ZA", (41, 105), "2c0f:f4c0",
      (-35.0, -22.0, 16.4, 33.0),
      (Ci("Johannesburg", "GP", -26.20, 28.05, "Africa/Johannesburg"),
       Ci("Cape Town", "WC", -33.92, 18.42, "Africa/Johannesburg"))),
    C("NG", "NGA", "Nigeria", "AF", "234", "en-NG", (102, 197), "2c0f:f5c0",
      (4.0, 14.0, 2.6, 14.7),
      (Ci("Lagos", "LA", 6.52, 3.38, "Africa/Lagos"),
       Ci("Abuja", "FC", 9.08, 7.40, "Africa/Lagos"))),
    C("EG", "EGY", "Egypt", "AF", "20", "ar-EG", (156, 196), "2c0f:fc89",
      (22.0, 31.7, 24.7, 36.9),
      (Ci("Cairo", "C", 30.04, 31.24, "Africa/Cairo"),
       Ci("Alexandria", "ALX", 31.20, 29.92, "Africa/Cairo"))),
    C("AE", "ARE", "United Arab Emirates", "AS", "971", "ar-AE", (94, 213), "2001:8f8",
      (22.6, 26.1, 51.5, 56.4),
      (Ci("Dubai", "DU", 25.20, 55.27, "Asia/Dubai"),
       Ci("Abu Dhabi", "AZ", 24.45, 54.38, "Asia/Dubai"))),
    C("ID", "IDN", "Indonesia", "AS", "62", "id-ID", (114, 180), "2001:448a",
      (-11.0, 6.0, 95.0, 141.0),
      (Ci("Jakarta", "JK", -6.21, 106.85, "Asia/Jakarta"),
       Ci("Surabaya", "JI", -7.25, 112.75, "Asia/Jakarta"))),
)
del C, Ci

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
)

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
    "oauth2-resource-owner", "samlp", "redirect-callback",
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
        return ctx
