"""The outcome vocabularies: how a login ended, how a rule ended, what a change touched.

They are defined once, here, at the bottom of the layers, so that every layer (the runtime's
row decoder, the records, impact analysis, the views) compares against the same members rather
than spelling the words out. Each member is also its word (``str`` enums), so frames hold plain
text and ``LoginOutcome.DENIED == "denied"``.

>>> from rulesim.outcomes import LoginOutcome, RuleOutcome
>>> [o.value for o in LoginOutcome]
['allowed', 'denied', 'error', 'timeout', 'redirect']
>>> RuleOutcome.SKIPPED == "skipped"
True
"""

from __future__ import annotations

import enum

__all__ = ["ChangeOp", "ChangeTarget", "LoginOutcome", "RuleOutcome"]


class LoginOutcome(str, enum.Enum):
    """What the application finally got for a login."""

    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"
    TIMEOUT = "timeout"
    REDIRECT = "redirect"


class RuleOutcome(str, enum.Enum):
    """How one rule ended within one login."""

    OK = "ok"
    DENIED = "denied"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


class ChangeTarget(str, enum.Enum):
    """The watched part of ``user``/``context`` a change touched."""

    USER = "user"
    APP_METADATA = "app_metadata"
    USER_METADATA = "user_metadata"
    ID_TOKEN = "id_token"
    ACCESS_TOKEN = "access_token"
    MULTIFACTOR = "multifactor"
    REDIRECT = "redirect"
    SAML = "saml"
    PRIMARY_USER = "primary_user"
    # Targets only Actions' commands have (docs/actions.md).
    ACCESS = "access"
    TRANSACTION_METADATA = "transaction_metadata"
    SESSION = "session"
    REFRESH_TOKEN = "refresh_token"
    CACHE = "cache"
    PROMPT = "prompt"
    AUTHENTICATION = "authentication"


class ChangeOp(str, enum.Enum):
    """Kind of change at a JSON path."""

    ADD = "add"
    REPLACE = "replace"
    REMOVE = "remove"
