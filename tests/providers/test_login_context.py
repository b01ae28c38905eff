"""The login-context provider: Rules contexts, the Faker way."""

from __future__ import annotations

import ipaddress

import pytest
from faker import Faker

from rulesim.providers import IdentityProvider, LoginContextProvider
from rulesim.providers import login_context as lcp


@pytest.fixture
def fake() -> Faker:
    f = Faker()
    f.add_provider(IdentityProvider)
    f.add_provider(LoginContextProvider)
    f.seed_instance(42)
    return f


def test_a_context_has_every_part_of_the_contract(fake: Faker) -> None:
    ctx = fake.auth0_context(fake.auth0_user())
    for key in ("tenant", "clientID", "clientName", "clientMetadata", "connection",
                "connectionID", "connectionStrategy", "connectionOptions", "protocol", "stats",
                "sso", "sessionID", "request", "authentication", "riskAssessment",
                "authorization"):
        assert key in ctx
    assert ctx["tenant"] == "acme"
    assert set(ctx["request"]) == {"userAgent", "ip", "hostname", "query", "body", "geoip"}


def test_the_context_follows_the_users_connection_and_count(fake: Faker) -> None:
    user = fake.auth0_user(connection="acme-azure")
    ctx = fake.auth0_context(user)
    assert (ctx["connection"], ctx["connectionStrategy"]) == ("acme-azure", "waad")
    assert ctx["connectionOptions"]["tenant_domain"] == "acme.onmicrosoft.com"
    assert ctx["stats"]["loginsCount"] == user["logins_count"]


def test_the_provider_reproduces_with_a_seed() -> None:
    def draw() -> list[dict[str, object]]:
        f = Faker()
        f.add_provider(LoginContextProvider)
        f.seed_instance(7)
        return [f.auth0_context() for _ in range(20)]

    assert draw() == draw()


@pytest.mark.parametrize("version", [4, 6])
def test_addresses_are_valid_public_ones_of_the_requested_version(fake: Faker,
                                                                  version: int) -> None:
    for country in lcp.COUNTRIES:
        addr = ipaddress.ip_address(fake.auth0_ip(country.code, version))
        assert addr.version == version
        assert addr.is_global


def test_geoip_is_consistent_with_its_country(fake: Faker) -> None:
    for country in lcp.COUNTRIES:
        geo = fake.auth0_geoip(country.code)
        assert (geo["country_code"], geo["country_code3"], geo["country_name"],
                geo["continent_code"]) == (country.code, country.code3, country.name,
                                           country.continent)
        lat_min, lat_max, lon_min, lon_max = country.bbox
        assert lat_min <= geo["latitude"] <= lat_max
        assert lon_min <= geo["longitude"] <= lon_max
        assert geo["time_zone"].count("/") >= 1


def test_the_table_has_about_thirty_countries_with_a_few_cities_each() -> None:
    assert 25 <= len(lcp.COUNTRIES) <= 35
    assert all(len(c.cities) >= 2 for c in lcp.COUNTRIES)
    assert len({c.name for country in lcp.COUNTRIES for c in country.cities}) == sum(
        len(c.cities) for c in lcp.COUNTRIES)


def test_clients_are_the_acme_applications_with_stable_ids() -> None:
    names = [c.name for c in lcp.CLIENTS]
    assert names == ["Acme Portal", "Acme Admin Console", "Acme Mobile", "Acme Expense (SAML)",
                     "Partner API", "Acme Intranet (WS-Fed)"]
    assert all(len(c.client_id) == 32 for c in lcp.CLIENTS)
    assert lcp.CLIENTS[1].metadata == {"restricted": "true"}
    assert lcp.CLIENTS[3].protocols == ("samlp",)


def test_queries_depend_on_the_protocol() -> None:
    portal = lcp.CLIENTS[0]
    q, body = lcp.query(portal, "oidc-basic-profile", prompt="none", audience=lcp.AUDIENCE)
    assert q["response_type"] == "code"
    assert q["prompt"] == "none"
    assert body == {}
    assert q["audience"] == "https://api.acme.com/"
    q, body = lcp.query(portal, "oauth2-refresh-token")
    assert q == {}
    assert body["grant_type"] == "refresh_token"
    q, _ = lcp.query(lcp.CLIENTS[3], "samlp")
    assert "SAMLRequest" in q


def test_user_agents_cover_desktop_mobile_legacy_and_bots(fake: Faker) -> None:
    assert {"chrome", "mobile_safari", "legacy", "bot"} <= set(lcp.USER_AGENTS)
    assert "Trident" in " ".join(lcp.USER_AGENTS["legacy"])
    assert fake.auth0_user_agent("bot") in lcp.USER_AGENTS["bot"]


def test_the_overall_risk_is_the_weakest_assessment() -> None:
    assert lcp.risk_assessment("high", "high", "high")["confidence"] == "high"
    assert lcp.risk_assessment("high", "neutral", "neutral")["confidence"] == "medium"
    risky = lcp.risk_assessment("high", "high", "low")
    assert risky["confidence"] == "low"
    assert risky["assessments"]["ImpossibleTravel"]["code"] == "impossible_travel_from_last_login"


def test_authentication_lists_password_or_federated_then_mfa() -> None:
    methods = lcp.authentication("auth0", 5, mfa=True)["methods"]
    assert [m["name"] for m in methods] == ["pwd", "mfa"]
    assert lcp.authentication("samlp", 5, mfa=False)["methods"][0]["name"] == "federated"


def test_an_unknown_country_is_refused(fake: Faker) -> None:
    with pytest.raises(ValueError, match="ZZ"):
        fake.auth0_geoip("ZZ")


def test_saml_and_wsfed_applications_get_an_empty_saml_configuration() -> None:
    fake = Faker()
    fake.add_provider(lcp.Provider)
    fake.seed_instance(3)
    assert fake.auth0_context(client="Acme Expense (SAML)")["samlConfiguration"] == {}
    wsfed = fake.auth0_context(client="Acme Intranet (WS-Fed)")
    assert (wsfed["protocol"], wsfed["samlConfiguration"]) == ("wsfed", {})
    assert wsfed["request"]["query"]["wa"] == "wsignin1.0"
    assert "samlConfiguration" not in fake.auth0_context(client="Acme Portal")
