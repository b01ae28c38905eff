"""What a RuleSet and an ActionSet share: an immutable, named, ordered list with editing methods.

Both run their members in ``order`` (then name), can switch one off or on, reorder and insert;
every edit returns a new set built by the subclass's ``_with``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

from rulesim.errors import UsageError

__all__ = ["Member", "OrderedSet"]


class Member(Protocol):
    """A rule or an Action: a frozen dataclass with a name, an order and an enabled flag."""

    @property
    def name(self) -> str: ...

    @property
    def order(self) -> int: ...

    @property
    def enabled(self) -> bool: ...


T = TypeVar("T", bound=Member)
S = TypeVar("S", bound="OrderedSet[Any]")


class OrderedSet(Sequence[T], Generic[T]):
    """An immutable list of members sorted by ``(order, name)``, with name lookup and edits.

    Subclasses set ``_items`` in ``__init__``, name their members in ``_noun`` (for messages)
    and build edited copies in :meth:`_with`.
    """

    _items: tuple[T, ...]
    _noun = "member"

    def _with(self: S, items: Iterable[T]) -> S:
        raise NotImplementedError

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):
            for item in self._items:
                if item.name == index:
                    return item
            raise KeyError(f"no {self._noun} named {index!r}; {self._noun}s are: {', '.join(self.names)}")
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    @property
    def names(self) -> list[str]:
        """Names in running order (disabled ones at their place)."""
        return [item.name for item in self._items]

    def _set_enabled(self: S, name: str, enabled: bool) -> S:
        self[name]
        return self._with(dataclasses.replace(item, enabled=enabled)
                          if item.name == name else item for item in self._items)

    def disable(self: S, name: str) -> S:
        """A copy with ``name`` switched off (it keeps its place)."""
        return self._set_enabled(name, False)

    def enable(self: S, name: str) -> S:
        """A copy with ``name`` switched on at its place."""
        return self._set_enabled(name, True)

    def reorder(self: S, names: Sequence[str]) -> S:
        """A copy that runs in the order of ``names`` (every member named exactly once)."""
        if sorted(names) != sorted(self.names):
            raise UsageError(f"reorder needs every {self._noun} exactly once; got {list(names)}, "
                             f"{self._noun}s are {self.names}")
        return self._with(dataclasses.replace(self[n], order=i + 1) for i, n in enumerate(names))

    def add(self: S, item: T, *, order: int | None = None) -> S:
        """A copy with ``item`` inserted (at ``order``, shifting later ones, or at the end)."""
        items = list(self._items)
        pos = len(items) if order is None else max(0, min(order - 1, len(items)))
        items.insert(pos, item)
        return self._with(dataclasses.replace(x, order=i + 1)
                          for i, x in enumerate(items))
