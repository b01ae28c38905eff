"""Keep configuration secrets out of what the views show (plain strings: no ipywidgets here).

Two rules, the way Auth0's own dashboard treats rule settings:

* the Explorer's configuration editor shows every *value* masked until the user asks to see
  them (a text area cannot be a password field, so the kernel never sends the values to the
  browser at all while they are masked);
* traces (console lines, call URLs, token claims, error messages) are written by rules, and
  rules leak: any run of :data:`PIECE` or more characters of a secret-looking configuration
  value (or a short secret, whole) is replaced by :data:`MASK` before a view shows it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping

__all__ = ["MASK", "PIECE", "SECRET_KEY", "WHOLE", "Redactor", "as_redactor", "secret_values"]

MASK = "••••••••"
"""What a hidden value looks like (always the same length: the mask leaks nothing)."""

PIECE = 12
"""Shortest run of a secret's characters that is masked where a rule leaked it.

Shorter runs are ordinary words as often as leaks: the acme tenant's session secret shares
``-session-`` with the rule ``add-session-claims``, its legacy key ``-legacy-`` with
``migrate-legacy-users``. A rule that logs a key's first 12 or more characters is caught."""

WHOLE = 6
"""Secrets this long or longer are masked wherever they appear whole (shorter ones would
mask ordinary words)."""

SECRET_KEY = re.compile(r"KEY|SECRET|TOKEN|PASSW|PWD|PRIVATE|CREDENTIAL|SALT|SIGNING|AUTH",
                        re.IGNORECASE)
"""Configuration keys whose values are secrets (``ENRICH_API_KEY``, ``CLIENT_SECRET``, …)."""


def secret_values(configuration: Mapping[str, str]) -> list[str]:
    """The values of the secret-looking keys of ``configuration`` (see :data:`SECRET_KEY`).

    Other values (URLs, domain lists, TTLs) are left readable in traces: they are what a
    reader needs to follow a call, and masking a domain would mask every email address.
    """
    return [str(v) for k, v in configuration.items()
            if SECRET_KEY.search(str(k)) and len(str(v)) >= WHOLE]


class Redactor:
    """Replace every leaked piece of the given secrets by :data:`MASK`.

    Parameters
    ----------
    secrets
        Secret values. Those of :data:`PIECE` characters or more are masked wherever any
        :data:`PIECE` of their characters appear in a row; shorter ones (at least
        :data:`WHOLE`) only where they appear whole.

    Examples
    --------
    >>> Redactor(["dummy-ek-live-7f3c9a2e"])("key dummy-ek-live-7f...")
    'key ••••••••...'
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms = set()
        for secret in secrets:
            if len(secret) >= WHOLE:
                forms.update({secret, html.escape(secret)})
        windows = {f[i:i + PIECE] for f in forms if len(f) >= PIECE
                   for i in range(len(f) - PIECE + 1)}
        windows.update(f for f in forms if len(f) < PIECE)
        # Longest first: a whole short secret wins over nothing, a window over its own prefix.
        ordered = sorted(windows, key=lambda t: (-len(t), t))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

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
