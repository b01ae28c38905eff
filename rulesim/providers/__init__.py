"""Faker providers for Auth0 users and login contexts.

Two providers, one per concern, written the Faker way (data as class attributes, every random
choice from ``self.generator.random``) so they work on their own::

    from faker import Faker
    from rulesim.providers import IdentityProvider, LoginContextProvider

    fake = Faker()
    fake.add_provider(IdentityProvider)
    fake.add_provider(LoginContextProvider)
    fake.seed_instance(7)
    user = fake.auth0_user()
    context = fake.auth0_context(user)

:mod:`rulesim.population` builds large populations from the same tables, vectorised.
"""

from __future__ import annotations

from rulesim.providers.identity import Provider as IdentityProvider
from rulesim.providers.login_context import Provider as LoginContextProvider

__all__ = ["IdentityProvider", "LoginContextProvider"]
