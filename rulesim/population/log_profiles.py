"""Users of a log population: pseudonyms, profiles from a users export, generated profiles.

:meth:`~rulesim.Population.from_logs` joins each login event to the tenant's users export on
``user_id``. This module builds the ``user`` JSON of each user from the export record, or, for a
user the export lacks, a generated profile consistent with the events (connection, email from
``user_name``, a creation date before the first login); it also replaces personal data with
stable pseudonyms and classifies user agents into the families a generated population uses.

Pseudonyms are keyed hashes of the original values: the same email or id always gets the same
pseudonym (in logs and export alike, and in every worker), the email **domain** is kept (rules
branch on it), ``user_id`` keeps its connection prefix and the shape of its tail. This is
pseudonymization for sharing notebooks and results, not anonymization: metadata the export
carries (``app_metadata``, ``user_metadata``) is kept as it is.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rulesim.population.generate import name_pool as _name_pool
from rulesim.providers import identity as idp

_KEY = b"rulesim-log-pseudonyms-v1"
_DYNAMIC = ("logins_count", "last_login", "last_ip", "updated_at")
_HEX = frozenset("0123456789abcdef")


_KEYED: dict[int, Any] = {}


def _digest(text: str, size: int = 16) -> bytes:
    base = _KEYED.get(size)
    if base is None:  # keying a hasher costs more than copying a keyed one
        base = _KEYED[size] = hashlib.blake2b(digest_size=size, key=_KEY)
    h = base.copy()
    h.update(text.encode())
    return h.digest()


_URLSAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _shape_like(tail: str, salt: str) -> str:
    """A pseudonym of ``tail`` with its length and character classes (hex stays hex, digits
    stay digits, URL-safe base64 stays URL-safe base64)."""
    size = max(len(tail), 1)
    stream = _digest(f"{salt}:{tail}", 64)
    while len(stream) < size:
        stream += _digest(f"{salt}#{len(stream)}:{tail}", 64)
    if tail.isdigit():
        return str(int.from_bytes(stream, "big") % 10**len(tail)).zfill(len(tail))
    chars = set(tail)
    if chars <= _HEX:
        return stream.hex()[:len(tail)]
    if chars <= _URLSAFE:
        return base64.urlsafe_b64encode(stream).decode()[:len(tail)]
    out = []
    for ch, b in zip(tail, stream, strict=False):
        if ch.isdigit():
            out.append(chr(48 + b % 10))
        elif "a" <= ch <= "z":
            out.append(chr(97 + b % 26))
        elif "A" <= ch <= "Z":
            out.append(chr(65 + b % 26))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def names_for(key: str) -> tuple[str, str]:
    """A (given, family) name pair chosen by a hash of ``key`` from Faker's en_US pools."""
    first, last = _name_pool("en_US")
    h = int.from_bytes(_digest("name:" + key, 8), "big")
    return first[h % len(first)], last[(h >> 20) % len(last)]


def pseudo_email(email: str, owner: str, names: tuple[str, str] | None = None) -> str:
    """A pseudonym of ``email`` at the same domain, built from ``owner``'s pseudonymous name
    (``names``, when the caller has them already)."""
    if names is None:
        return _pseudo_email(email, owner)
    return _make_pseudo_email(email, owner, names)


@lru_cache(maxsize=1 << 12)
def _pseudo_email(email: str, owner: str) -> str:
    """:func:`pseudo_email`, remembered: a user's email is often its id's tail too."""
    return _make_pseudo_email(email, owner, None)


def _make_pseudo_email(email: str, owner: str, names: tuple[str, str] | None) -> str:
    if "@" not in email:
        return _shape_like(email, "email")
    domain = email.rsplit("@", 1)[1]
    given, family = names or names_for(owner)
    number = int.from_bytes(_digest("email:" + email.lower(), 4), "big") % 10_000
    return f"{idp.email_local_part(given, family, number % 4, number)}@{domain}"


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as Auth0 writes dates (``2024-05-01T12:00:00.000Z``), quickly."""
    day, rest = divmod(ms, 86_400_000)
    seconds, millis = divmod(rest, 1000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_iso_day(day)}T{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


@lru_cache(maxsize=1 << 12)
def _iso_day(day: int) -> str:
    """``YYYY-MM-DD`` of a day since the epoch (UTC)."""
    t = time.gmtime(day * 86_400)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


def pseudo_user_id(user_id: str, copy: int = 0) -> str:
    """A pseudonym of ``user_id``: same connection prefix, same shape of tail.

    ``copy`` > 0 gives the id of a resampled copy of the user (the original when 0 and not
    pseudonymizing is handled by the caller).
    """
    parts = user_id.split("|")
    salt = f"id{copy}"
    if len(parts) >= 3:  # samlp|connection|email-or-id
        tail = "|".join(parts[2:])
        owner = user_id if copy == 0 else f"{user_id}#{copy}"  # the profile's email, for copy 0
        new = pseudo_email(tail, owner) if "@" in tail else _shape_like(tail, salt)
        return f"{parts[0]}|{parts[1]}|{new}"
    if len(parts) == 2:
        return f"{parts[0]}|{_shape_like(parts[1], salt)}"
    return _shape_like(user_id, salt)


def copy_email(email: str, copy: int) -> str:
    """The email of resampled copy ``copy`` of a user: a distinct local part, same domain."""
    if not email or copy == 0:
        return email
    local, _, domain = email.rpartition("@")
    return f"{local}.{copy}@{domain}" if local else f"{email}.{copy}"


_FAMILY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in (
        ("bot", r"bot\b|crawler|spider|curl/|python-requests|headless|wget|go-http-client"),
        ("legacy", r"trident|msie|windows nt 5|android [1-4]\.|chrome/[1-5]\d\.|\bie \d"),
        ("edge", r"\bedg(e|a|ios)?/|^edge "),
        ("mobile_safari", r"(iphone|ipad).*version/[\d.]+ mobile|^mobile safari "),
        ("chrome_mobile", r"android.*chrome/[\d.]+ mobile|crios/|^chrome mobile "),
        ("firefox", r"firefox/|fxios/|^firefox "),
        ("chrome", r"chrome/|^chrome "),
        ("safari", r"version/[\d.]+ safari|^safari "),
        ("native_app", r"^(?!mozilla/)[\w.-]+/[\d.]+ \(|okhttp|cfnetwork|dalvik"),
    ))


def user_agent_family(user_agent: str) -> str:
    """The family of a user agent, raw (``Mozilla/5.0 ...``) or as the Management API shows it
    (``Chrome 120.0.0 / Mac OS X 10.15.7``); ``"other"`` when none fits."""
    for name, pattern in _FAMILY_RULES:
        if pattern.search(user_agent):
            return name
    return "other"


def _pseudo_names(d: dict[str, Any], names: tuple[str, str]) -> None:
    given, family = names
    for key, value in (("given_name", given), ("family_name", family),
                       ("name", f"{given} {family}"), ("nickname", idp.slug(given))):
        if key in d:
            d[key] = value


def pseudonymize_profile(record: Mapping[str, Any], user_id: str) -> dict[str, Any]:
    """A copy of an exported profile with emails, names, ids, phone and picture pseudonymized.

    ``user_id`` is the (already pseudonymized) id to give the user; names come from the
    original id, so the same user always gets the same name.
    """
    owner = str(record.get("user_id", ""))
    names = names_for(owner)
    d = dict(record)
    d["user_id"] = user_id
    if isinstance(d.get("email"), str):
        d["email"] = pseudo_email(d["email"], owner)  # names: names_for(owner), remembered
    _pseudo_names(d, names)
    if isinstance(d.get("username"), str):
        d["username"] = _shape_like(d["username"], "username")
    if isinstance(d.get("phone_number"), str):
        d["phone_number"] = _shape_like(d["phone_number"], "phone")
    if "picture" in d:
        given, family = names
        d["picture"] = idp.picture_for("", str(d.get("email", "")), given, family, user_id)
    idents = d.get("identities")
    if isinstance(idents, list):
        new = []
        for i, ident in enumerate(idents):
            if not isinstance(ident, dict):
                continue
            ident = dict(ident)
            if i == 0:
                ident["user_id"] = user_id.split("|", 1)[-1]
            elif isinstance(ident.get("user_id"), str):
                ident["user_id"] = _shape_like(ident["user_id"], "linked")
            data = ident.get("profileData")
            if isinstance(data, dict):
                data = dict(data)
                if isinstance(data.get("email"), str):
                    data["email"] = pseudo_email(data["email"], owner, names)
                _pseudo_names(data, names)
                ident["profileData"] = data
            ident.pop("access_token", None)
            new.append(ident)
        d["identities"] = new
    return d


def export_profile(record: Mapping[str, Any], connection: str, strategy: str) -> dict[str, Any]:
    """An exported user as the ``user`` object: without the per-login keys, with identities."""
    d = dict(record)
    for key in _DYNAMIC:
        d.pop(key, None)
    if not isinstance(d.get("identities"), list):
        d["identities"] = idp.identities_for(str(d["user_id"]), connection, strategy)
    return d


def generated_profile(user_id: str, email: str, connection: str, strategy: str,
                      name_key: str, created_ms: int) -> dict[str, Any]:
    """A profile for a user the export lacks, consistent with their login events (names
    chosen by ``name_key``)."""
    given, family = names_for(name_key)
    d: dict[str, Any] = {"user_id": user_id}
    if email:
        d["email"] = email
        d["email_verified"] = True
    d.update({"name": f"{given} {family}", "given_name": given, "family_name": family,
              "nickname": email.split("@")[0] if email else idp.slug(given),
              "picture": idp.picture_for(strategy, email or user_id, given, family, user_id),
              "created_at": iso_ms(created_ms),
              "identities": idp.identities_for(user_id, connection, strategy),
              "user_metadata": {}})
    return d


def created_before(user_id: str, first_ms: int, first_count: int) -> int:
    """A creation time for a generated user: minutes before a first-ever login, else days
    before the first login seen (more days for a higher logins count)."""
    h = int.from_bytes(_digest("created:" + user_id, 4), "big")
    if first_count <= 1:
        return first_ms - 60_000 - h % 3_600_000
    return first_ms - 86_400_000 * (1 + min(first_count, 2_000) // 2) - h % 86_400_000
