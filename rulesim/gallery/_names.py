"""Names Auth0 would refuse for a Rule or an Action, refused before anything is written.

Rules: the Management API documents the pattern of a rule name (``POST /api/v2/rules``):
letters, digits, spaces and hyphens, starting and ending with a letter or a digit. It documents
no length limit; rulesim refuses names over 255 characters, the longest file name deploy-cli
can write (``rules/<name>.js``).

Actions: the Management API documents no pattern for an Action name. deploy-cli writes the
name into file and folder names (``actions/<name>.json``, ``actions/<name>/code.js``), so
rulesim refuses what cannot be a file name there: an empty name, surrounding spaces, path
separators and the characters Windows forbids (``< > : " / \\ | ? *``), control characters,
``.`` and ``..``, and names over 255 characters.
"""

from __future__ import annotations

import re

from rulesim.errors import UsageError

__all__ = ["MAX_NAME", "RULE_NAME", "check_name"]

RULE_NAME = re.compile(r"[a-zA-Z0-9](?:[ \-a-zA-Z0-9]*[a-zA-Z0-9])?")
"""The rule-name pattern of Auth0's Management API."""
MAX_NAME = 255
"""The longest name rulesim writes (a file name's limit)."""
_BAD_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def check_name(kind: str, name: str) -> None:
    """Raise :class:`~rulesim.UsageError` naming ``name`` if Auth0 (or deploy-cli) would refuse it.

    Parameters
    ----------
    kind
        ``"rule"`` or ``"action"``.
    name
        The Rule's or Action's name.

    Examples
    --------
    >>> check_name("rule", "allow-email-domains")
    >>> check_name("rule", "allow_email")
    Traceback (most recent call last):
    ...
    rulesim.errors.UsageError: rule name 'allow_email' would be refused by Auth0: use letters, digits, ...
    """
    if not isinstance(name, str):
        raise UsageError(f"expected the {kind} name to be a string, got {name!r}")
    if len(name) > MAX_NAME:
        raise UsageError(f"{kind} name {name[:40]!r}… is {len(name)} characters long; rulesim "
                         f"writes at most {MAX_NAME} (a file name's limit)")
    if kind == "rule":
        if not RULE_NAME.fullmatch(name):
            raise UsageError(f"rule name {name!r} would be refused by Auth0: use letters, digits, "
                             "spaces and hyphens, starting and ending with a letter or a digit "
                             "(e.g. 'allow-email-domains')")
        return
    if not name.strip() or name != name.strip() or name in (".", ".."):
        raise UsageError(f"action name {name!r} cannot be used: it must be non-empty, without "
                         "surrounding spaces, and not '.' or '..'")
    bad = _BAD_FILE_CHARS.search(name)
    if bad:
        raise UsageError(f"action name {name!r} cannot be written in deploy-cli's layout: it "
                         f"holds {bad.group()!r} (no < > : \" / \\ | ? * or control characters)")
