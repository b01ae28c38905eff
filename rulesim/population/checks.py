"""The argument checks of population constructors, and the named scenarios they accept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from rulesim.errors import UsageError
from rulesim.population.mix import Mix

SCENARIOS: dict[str, str] = {
    "first_login": "each user's very first login: loginsCount 1, account created seconds ago",
    "impossible_travel": "a login at home, then one from another continent minutes later",
    "admin_new_country": "an admin (app_metadata.roles) logs in to the Admin Console from a "
                         "country missing from app_metadata.known_countries",
    "new_device": "two logins on a known device, then one on a new device",
}
"""Named scenario generators for :meth:`Population.scenario` and what each produces."""


def check_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or a :class:`~rulesim.errors.UsageError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise UsageError(f"expected {name} to be {kind}, got {name}={value!r}")
    return int(value)


def as_mix(mix: Mix | str | Mapping[str, Any] | None) -> Mix:
    """The :class:`Mix` that ``mix`` names: a Mix, a preset name, a dict, or ``None`` (b2c)."""
    if mix is None:
        return Mix()
    if isinstance(mix, Mix):
        return mix
    if isinstance(mix, str):
        return Mix.preset(mix)
    if isinstance(mix, Mapping):
        return Mix.from_dict(mix)
    raise UsageError(f"expected mix to be a Mix, a preset name or a dict, got {mix!r}")


def check_locale(locale: str) -> str:
    """``locale`` if Faker knows it, else a :class:`~rulesim.errors.UsageError`."""
    from faker.config import AVAILABLE_LOCALES

    if locale not in AVAILABLE_LOCALES:
        raise UsageError(f"expected locale to be a Faker locale such as 'en_US' or 'de_DE', "
                         f"got locale={locale!r}")
    return locale
