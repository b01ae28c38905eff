"""Faker provider for the Auth0 normalized user profile (contract §5).

Class data lists the tenant's connections, free-mail and corporate email domains, IDN domains
and Unicode names for edge cases, roles, plans and MFA providers. The methods compose a
profile the way Auth0 stores one: a ``user_id`` shaped by the connection, ``identities[]``
(with ``profileData`` on linked secondary accounts), an email built from the name and the
domain, ``app_metadata`` that is often **absent**, ``user_metadata``, MFA enrolment, phone
fields, and ``last_password_reset`` for database users only.

The module-level helpers (:func:`user_id_for`, :func:`email_local_part`, :func:`picture_for`,
:func:`identities_for`) are deterministic; :mod:`rulesim.population` uses them to render the
same shapes in bulk.

Examples
--------
>>> from faker import Faker
>>> from rulesim.providers import IdentityProvider
>>> fake = Faker()
>>> fake.add_provider(IdentityProvider)
>>> fake.seed_instance(3)
>>> user = fake.auth0_user(connection="google-oauth2")
>>> user["user_id"].startswith("google-oauth2|"), user["identities"][0]["isSocial"]
(True, True)
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from faker.providers import BaseProvider

__all__ = [
    "CONNECTIONS",
    "CORPORATE_DOMAINS",
    "FREE_MAIL_DOMAINS",
    "Provider",
    "email_local_part",
    "identities_for",
    "iso_ms",
    "picture_for",
    "slug",
    "user_id_for",
]

CONNECTIONS: dict[str, tuple[str, bool]] = {
    "Username-Password-Authentication": ("auth0", False),
    "google-oauth2": ("google-oauth2", True),
    "acme-okta": ("samlp", False),
    "acme-azure": ("waad", False),
}
"""Connection name → (strategy, isSocial)."""

FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com",
    "proton.me", "gmx.de", "web.de", "yandex.ru", "mail.ru", "qq.com", "orange.fr",
    "libero.it", "yahoo.co.jp", "naver.com",
)
CORPORATE_DOMAINS: tuple[str, ...] = (
    "globex.com", "initech.com", "umbrella-corp.com", "hooli.com", "wayne-enterprises.com",
    "stark-industries.com", "soylent.co", "tyrell.io", "cyberdyne.systems", "wonka.co.uk",
    "oscorp.de", "vandelay.net",
)
ENTERPRISE_DOMAINS: dict[str, tuple[str, ...]] = {
    "acme-okta": ("acme.com",),
    "acme-azure": ("acme.com", "acme.co.uk"),
}
IDN_DOMAINS: tuple[str, ...] = (
    "bücher.de", "müller-bau.at", "exämple.com", "例え.jp", "пример.рф", "correo-españa.es",
)
UNICODE_NAMES: tuple[tuple[str, str], ...] = (
    ("José", "Muñoz"), ("Zoë", "Ångström"), ("Łukasz", "Żółć"), ("Søren", "Kierkegård"),
    ("Дмитрий", "Иванов"), ("伟", "李"), ("さくら", "山田"), ("Hương", "Nguyễn"),
    ("Çağrı", "Öztürk"), ("Siobhán", "Ó Briain"), ("محمد", "الأحمد"), ("Ῥόδη", "Παππᾶς"),
)
ROLES: tuple[str, ...] = ("user", "admin", "billing", "support", "auditor", "developer")
PLANS: tuple[str, ...] = ("free", "pro", "team", "enterprise")
MFA_PROVIDERS: tuple[str, ...] = ("guardian", "google-authenticator", "sms", "webauthn-roaming")
GROUPS: tuple[str, ...] = ("Engineering", "Finance", "Sales", "Support", "IT-Admins", "HR")
THEMES: tuple[str, ...] = ("light", "dark", "system")

_PICTURE_BASE = "https://s.gravatar.com/avatar/"
_AVATAR_CDN = "https%3A%2F%2Fcdn.auth0.com%2Favatars%2F"


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """Fold a name to the lowercase ASCII letters an email address would use.

    Names with no Latin letters (``"李"``) keep their Unicode letters, lowercased.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_part = "".join(c for c in folded.lower() if c.isalnum())
    return ascii_part or "".join(c for c in text.lower() if c.isalnum())


def email_local_part(given: str, family: str, pattern: int, number: int) -> str:
    """Build an email local part from a name; ``number`` keeps it unique.

    Parameters
    ----------
    given, family
        The person's names.
    pattern
        0: ``given.family{n}``, 1: ``gfamily{n}``, 2: ``given_family{n}``, 3: ``given{n}``.
    number
        A number unique per user; appended so two users never share an address.
    """
    g, f = slug(given), slug(family)
    if pattern == 0:
        return f"{g}.{f}{number}"
    if pattern == 1:
        return f"{g[:1]}{f}{number}"
    if pattern == 2:
        return f"{g}_{f}{number}"
    return f"{g}{number}"


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=size).digest()


def user_id_for(strategy: str, connection: str, key: str, email: str = "") -> str:
    """Build the ``user_id`` Auth0 assigns for a connection strategy.

    ``auth0|<24 hex>``, ``google-oauth2|<21 digits>``, ``samlp|<connection>|<email>``,
    ``waad|<43 url-safe chars>``; other strategies get ``<strategy>|<hex>``. The random-looking
    part is a hash of ``key`` (unique per user), so the id is stable and unique.
    """
    if strategy == "auth0":
        return "auth0|" + _digest(key, 12).hex()
    if strategy == "google-oauth2":
        return "google-oauth2|1" + str(int.from_bytes(_digest(key, 9), "big") % 10**20).zfill(20)
    if strategy == "samlp":
        return f"samlp|{connection}|{email or key}"
    if strategy == "waad":
        import base64

        return "waad|" + base64.urlsafe_b64encode(_digest(key, 32)).decode()[:43]
    return f"{strategy}|{_digest(key, 10).hex()}"


def picture_for(strategy: str, email: str, given: str, family: str, user_id: str) -> str:
    """Build ``picture``: a Google avatar for Google users, else a Gravatar with initials."""
    if strategy == "google-oauth2":
        return f"https://lh3.googleusercontent.com/a/{_digest(user_id, 18).hex()}=s96-c"
    initials = (slug(given)[:1] + slug(family)[:1]) or "u"
    md5 = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    return f"{_PICTURE_BASE}{md5}?s=480&r=pg&d={_AVATAR_CDN}{initials}.png"


def identities_for(
    user_id: str, connection: str, strategy: str, *, linked: str = "",
    profile: dict[str, Any] | None = None, access_token: bool = False,
) -> list[dict[str, Any]]:
    """Build ``identities[]``: the primary identity, plus a linked one when ``linked`` is set.

    Parameters
    ----------
    user_id, connection, strategy
        The primary account.
    linked
        A connection name whose account is linked to this user ("" for none); the secondary
        identity carries ``profileData`` as Auth0 does.
    profile
        ``profileData`` of the linked account.
    access_token
        Add an IdP ``access_token`` to a social primary identity.
    """
    is_social = CONNECTIONS.get(connection, (strategy, False))[1]
    primary: dict[str, Any] = {
        "provider": strategy,
        "user_id": user_id.split("|", 1)[-1],
        "connection": connection,
        "isSocial": is_social,
    }
    if access_token and is_social:
        primary["access_token"] = "ya29." + _digest(user_id + "#at", 24).hex()
    identities = [primary]
    if linked:
        l_strategy, l_social = CONNECTIONS[linked]
        l_id = user_id_for(l_strategy, linked, user_id + "#linked")
        identities.append({
            "profileData": profile or {},
            "provider": l_strategy,
            "user_id": l_id.split("|", 1)[-1],
            "connection": linked,
            "isSocial": l_social,
        })
    return identities


def iso_ms(ms: int) -> str:
    """Format epoch milliseconds the way Auth0 writes dates: ``2024-05-01T12:00:00.000Z``."""
    dt = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Provider(BaseProvider):
    """Faker provider of Auth0 normalized user profiles.

    Add it with ``fake.add_provider(Provider)``. Methods are prefixed ``auth0_``.
    """

    connections = CONNECTIONS
    free_mail_domains = FREE_MAIL_DOMAINS
    corporate_domains = CORPORATE_DOMAINS
    enterprise_domains = ENTERPRISE_DOMAINS
    idn_domains = IDN_DOMAINS
    unicode_names = UNICODE_NAMES
    roles = ROLES
    plans = PLANS
    mfa_providers = MFA_PROVIDERS

    def _pick(self, seq: Any) -> Any:
        return seq[int(self.generator.random.random() * len(seq))]

    def auth0_connection_name(self) -> str:
        """Return one of the tenant's connection names."""
        return self._pick(sorted(self.connections))  # type: ignore[no-any-return]

    def auth0_email_domain(self, connection: str, *, corporate: bool = False) -> str:
        """Return an email domain that fits the connection (enterprise ones use Acme's)."""
        if connection in self.enterprise_domains:
            return self._pick(self.enterprise_domains[connection])  # type: ignore[no-any-return]
        if corporate:
            return self._pick(self.corporate_domains)  # type: ignore[no-any-return]
        if connection == "google-oauth2":
            return "gmail.com"
        return self._pick(self.free_mail_domains)  # type: ignore[no-any-return]

    def auth0_user_id(self, connection: str = "Username-Password-Authentication",
                      email: str = "") -> str:
        """Return a ``user_id`` in the shape the connection's strategy produces."""
        strategy = self.connections.get(connection, (connection, False))[0]
        key = f"{self.generator.random.getrandbits(64):016x}"
        return user_id_for(strategy, connection, key, email)

    def auth0_app_metadata(self, country: str = "US") -> dict[str, Any] | None:
        """Return ``app_metadata`` (roles, plan, tenant_id, known_countries) or ``None``.

        ``None`` (about four times in ten) stands for the key being absent, which is
        Auth0's default.
        """
        rnd = self.generator.random
        if rnd.random() < 0.4:
            return None
        roles = [r for r in self.roles if rnd.random() < (0.7 if r == "user" else 0.08)]
        return {
            "roles": roles,
            "plan": self._pick(self.plans),
            "tenant_id": f"t_{rnd.getrandbits(32):08x}",
            "known_countries": [country],
        }

    def auth0_user_metadata(self, locale: str = "en-US") -> dict[str, Any]:
        """Return ``user_metadata``: a locale and preferences, sometimes empty."""
        rnd = self.generator.random
        if rnd.random() < 0.2:
            return {}
        return {"locale": locale, "preferences": {
            "newsletter": rnd.random() < 0.4, "theme": self._pick(THEMES)}}

    def auth0_user(
        self,
        connection: str | None = None,
        *,
        corporate: bool = False,
        country: str = "US",
        calling_code: str = "1",
        now_ms: int = 1_735_689_600_000,
    ) -> dict[str, Any]:
        """Return a complete normalized profile (contract §5).

        Parameters
        ----------
        connection
            One of :data:`CONNECTIONS`; random when omitted.
        corporate
            Use a corporate email domain rather than free mail.
        country, calling_code
            Home country (for metadata) and its phone calling code.
        now_ms
            The time of the current login; ``created_at`` and resets fall before it.
        """
        rnd = self.generator.random
        conn = connection or self.auth0_connection_name()
        strategy, _ = self.connections.get(conn, (conn, False))
        given, family = self.generator.first_name(), self.generator.last_name()
        domain = self.auth0_email_domain(conn, corporate=corporate)
        local = email_local_part(given, family, rnd.randrange(4), rnd.randrange(1, 10_000))
        email = f"{local}@{domain}"
        user_id = self.auth0_user_id(conn, email)
        created = now_ms - rnd.randrange(86_400_000, 1_500 * 86_400_000)
        count = rnd.randrange(1, 200)
        user: dict[str, Any] = {
            "user_id": user_id,
            "email": email,
            "email_verified": rnd.random() < 0.85,
            "name": f"{given} {family}",
            "given_name": given,
            "family_name": family,
            "nickname": local,
            "picture": picture_for(strategy, email, given, family, user_id),
            "created_at": iso_ms(created),
            "updated_at": iso_ms(now_ms),
            "last_login": iso_ms(now_ms),
            "logins_count": count,
            "identities": identities_for(user_id, conn, strategy,
                                         access_token=rnd.random() < 0.5),
            "user_metadata": self.auth0_user_metadata(),
        }
        if rnd.random() < 0.3:
            user["phone_number"] = f"+{calling_code}{rnd.randrange(10**8, 10**10)}"
            user["phone_verified"] = rnd.random() < 0.7
        if rnd.random() < 0.25:
            user["multifactor"] = [self._pick(self.mfa_providers)]
        if strategy == "auth0" and rnd.random() < 0.25:
            user["last_password_reset"] = iso_ms(rnd.randrange(created, now_ms))
        app_metadata = self.auth0_app_metadata(country)
        if app_metadata is not None:
            user["app_metadata"] = app_metadata
        return user
