"""The identity provider: Auth0 normalized profiles, the Faker way."""

from __future__ import annotations

import re

import pytest
from faker import Faker

from rulesim.providers import IdentityProvider
from rulesim.providers import identity as idp


@pytest.fixture
def fake() -> Faker:
    f = Faker()
    f.add_provider(IdentityProvider)
    f.seed_instance(1234)
    return f


def test_the_provider_plugs_into_faker_and_reproduces_with_a_seed() -> None:
    def draw() -> list[dict[str, object]]:
        f = Faker()
        f.add_provider(IdentityProvider)
        f.seed_instance(99)
        return [f.auth0_user() for _ in range(20)]

    assert draw() == draw()


def test_data_lives_in_class_attributes() -> None:
    assert "gmail.com" in IdentityProvider.free_mail_domains
    assert IdentityProvider.connections["acme-azure"] == ("waad", False)
    assert set(IdentityProvider.plans) >= {"free", "enterprise"}


@pytest.mark.parametrize(("connection", "pattern"), [
    ("Username-Password-Authentication", r"^auth0\|[0-9a-f]{24}$"),
    ("google-oauth2", r"^google-oauth2\|1\d{20}$"),
    ("acme-okta", r"^samlp\|acme-okta\|.+@acme\.com$"),
    ("acme-azure", r"^waad\|[A-Za-z0-9_-]{43}$"),
])
def test_user_ids_take_the_shape_of_the_connection(fake: Faker, connection: str,
                                                  pattern: str) -> None:
    for _ in range(10):
        user = fake.auth0_user(connection=connection)
        assert re.match(pattern, user["user_id"]), user["user_id"]
        assert user["identities"][0]["connection"] == connection


def test_the_email_is_made_of_the_name_and_a_domain_fit_for_the_connection(fake: Faker) -> None:
    for _ in range(50):
        user = fake.auth0_user()
        local, domain = user["email"].split("@")
        assert idp.slug(user["family_name"]) in local or local.startswith(
            idp.slug(user["given_name"]))
        if user["identities"][0]["connection"] in idp.ENTERPRISE_DOMAINS:
            assert domain in ("acme.com", "acme.co.uk")
        assert user["nickname"] == local


def test_social_identities_are_marked_social(fake: Faker) -> None:
    assert fake.auth0_user(connection="google-oauth2")["identities"][0]["isSocial"] is True
    assert fake.auth0_user(connection="acme-okta")["identities"][0]["isSocial"] is False


def test_a_linked_identity_carries_profile_data() -> None:
    ids = idp.identities_for("auth0|abc", "Username-Password-Authentication", "auth0",
                             linked="google-oauth2", profile={"email": "a@b.c"})
    assert len(ids) == 2
    assert ids[1]["profileData"] == {"email": "a@b.c"}
    assert ids[1]["isSocial"] is True


def test_password_resets_only_exist_for_database_users(fake: Faker) -> None:
    seen = False
    for _ in range(200):
        user = fake.auth0_user()
        if "last_password_reset" in user:
            seen = True
            assert user["identities"][0]["provider"] == "auth0"
            assert user["created_at"] <= user["last_password_reset"] <= user["last_login"]
    assert seen


def test_app_metadata_is_sometimes_absent_and_otherwise_complete(fake: Faker) -> None:
    users = [fake.auth0_user() for _ in range(200)]
    with_app = [u for u in users if "app_metadata" in u]
    assert 0 < len(with_app) < len(users)
    for u in with_app:
        assert set(u["app_metadata"]) == {"roles", "plan", "tenant_id", "known_countries"}


def test_created_at_precedes_the_last_login(fake: Faker) -> None:
    for _ in range(50):
        user = fake.auth0_user()
        assert user["created_at"] < user["last_login"]


def test_slug_folds_accents_and_keeps_non_latin_letters() -> None:
    assert idp.slug("Zoë Ångström") == "zoeangstrom"
    assert idp.slug("O'Brien-Smith") == "obriensmith"
    assert idp.slug("李") == "李"


def test_dates_are_formatted_like_auth0() -> None:
    assert idp.iso_ms(1_735_689_600_123) == "2025-01-01T00:00:00.123Z"
