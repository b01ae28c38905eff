"""Argument checks whose messages name the argument and what was expected."""

from __future__ import annotations

from typing import Any

from rulesim.errors import UsageError

__all__ = ["check_int", "check_one_of", "check_positive"]


def check_positive(name: str, value: Any) -> None:
    """Raise :class:`UsageError` unless ``value`` is a positive number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise UsageError(f"expected {name} to be a positive number, got {name}={value!r}")


def check_int(name: str, value: Any, *, minimum: int = 0) -> int:
    """Return ``value`` if it is an int ≥ ``minimum``; raise :class:`UsageError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"expected {name} to be an int >= {minimum}, got {name}={value!r}")
    return value


def check_one_of(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``; raise :class:`UsageError` otherwise."""
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise UsageError(f"expected {name} to be one of {choices}, got {name}={value!r}")
    return str(value)
