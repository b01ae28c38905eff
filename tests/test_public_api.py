"""The public facade: `rulesim.__all__` is sorted and lists exactly the public names."""

from __future__ import annotations

import types

import rulesim


def _public_names() -> set[str]:
    # Submodules offered as namespaces (rs.widgets, rs.strategies) are public on purpose.
    namespaces = {"widgets", "strategies"}
    return {
        name for name, value in vars(rulesim).items()
        if not name.startswith("_") and name != "annotations"
        and (not isinstance(value, types.ModuleType) or name in namespaces)
    }


def test_all_is_sorted() -> None:
    assert rulesim.__all__ == sorted(rulesim.__all__)


def test_all_lists_exactly_the_public_names() -> None:
    assert set(rulesim.__all__) == _public_names()


def test_every_public_object_has_a_docstring() -> None:
    missing = [n for n in rulesim.__all__
               if not isinstance(getattr(rulesim, n), (dict, str))
               and not (getattr(rulesim, n).__doc__ or "").strip()]
    assert missing == []
