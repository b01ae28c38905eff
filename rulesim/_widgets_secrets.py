"""Keep configuration secrets out of what the views show (plain strings: no ipywidgets here).

Two rules, the way Auth0's own dashboard treats rule settings:

* the Explorer's configuration editor shows every *value* masked until the user asks to see
  them (a text area cannot be a password field, so the kernel never sends the values to the
  browser at all while they are masked);
* traces (console lines, call URLs, token claims, error messages) are written by rules, and
  rules leak: any run of :data:`PIECE` or more characters of a secret-looking configuration
  value is replaced by :data:`MASK` before a view shows it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping

__all__ = ["MASK", "PIECE", "SECRET_KEY", "Redactor", "as_redactor", "secret_values"]

MASK = "••••••••"
"""What a hidden value looks like (always the same length: the mask leaks nothing)."""

PIECE = 8
"""Shortest run of a secret's characters that is masked where a rule leaked it."""

SECRET_KEY = re.compile(r"KEY|SECRET|TOKEN|PASSW|PWD|PRIVATE|CREDENTIAL|SALT|SIGNING|AUTH",
                        re.IGNORECASE)
"""Configuration keys whose values are secrets (``ENRICH_API_KEY``, ``CLIENT_SECRET``, …)."""


def secret_values(configuration: Mapping[str, str]) -> list[str]:
    """The values of the secret-looking keys of ``configuration`` (see :data:`SECRET_KEY`).

    Other values (URLs, domain lists, TTLs) are left readable in traces: they are what a
    reader needs to follow a call, and masking a domain would mask every email address.
    """
    return [str(v) for k, v in configuration.items()
            if SECRET_KEY.search(str(k)) and len(str(v)) >= PIECE]


class Redactor:
    """Replace every leaked piece of the given secrets by :data:`MASK`.

    Parameters
    ----------
    secrets
        Secret values; those shorter than :data:`PIECE` characters are ignored (masking
        them would hide ordinary words).

    Examples
    --------
    >>> Redactor(["dummy-ek-live-7f3c9a2e"])("key dummy-ek-live-7f...")
    'key ••••••••...'
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms = set()
        for secret in secrets:
            if len(secret) >= PIECE:
                forms.update({secret, html.escape(secret)})
        windows = sorted({f[i:i + PIECE] for f in forms for i in range(len(f) - PIECE + 1)})
        self._pattern = re.compile("|".join(map(re.escape, windows))) if windows else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __call__(self, text: str) -> str:
        """``text`` with each run of secret characters (``PIECE`` or more) masked."""
        if self._pattern is None or not text:
            return text
        spans: list[list[int]] = []
        pos = 0
        while True:
            found = self._pattern.search(text, pos)
            if found is None:
                break
            start, end = found.span()
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
            pos = start + 1  # windows overlap: a 16-character leak is 9 windows of 8
        out, last = [], 0
        for start, end in spans:
            out.append(text[last:start])
            out.append(MASK)
            last = end
        out.append(text[last:])
        return "".join(out)


def as_redactor(secrets: Iterable[str] | Callable[[str], str] | None) -> Callable[[str], str]:
    """A redacting function from ``secrets`` (values, a :class:`Redactor`, or None)."""
    if secrets is None:
        return Redactor()
    if callable(secrets):
        return secrets
    return Redactor(secrets)
