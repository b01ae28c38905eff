"""The lazy ipywidgets import and the base class of every rulesim view.

A view is a plain Python object holding a tree of stock ipywidgets in ``.widget`` (composition,
not subclassing, so importing :mod:`rulesim.widgets` never imports ipywidgets). In a notebook a
view displays as its widget; its ``text/plain`` form is a deterministic text rendering (no
timings, no model ids), which is what static viewers show and what nbval compares.
"""

from __future__ import annotations

from typing import Any

from rulesim.errors import MissingExtraError

__all__ = ["View", "block_html", "ipywidgets"]


def ipywidgets() -> Any:
    """Import and return :mod:`ipywidgets`, or raise an error that says how to install it.

    Raises
    ------
    MissingExtraError
        When ipywidgets cannot be imported.
    """
    try:
        import ipywidgets as widgets
    except ImportError:  # pragma: no cover - ipywidgets is a core dependency
        raise MissingExtraError("notebook", "ipywidgets", "rulesim.widgets") from None
    return widgets


def block_html(value: str = "") -> Any:
    """An ``HTML`` widget for a table or a trace: as wide as its container, scrolling inside.

    A plain ``HTML`` widget grows with its content and a tab or a box clips what sticks
    out; this one keeps wide content reachable with a scroll bar instead.
    """
    w = ipywidgets()
    return w.HTML(value, layout=w.Layout(width="100%", overflow="auto"))


class View:
    """Base of the rulesim views: a root widget plus a deterministic text form.

    Attributes
    ----------
    widget
        The root ``ipywidgets`` box; display it, or inspect its ``children`` in tests.
    """

    widget: Any

    def text(self) -> str:
        """The view's content as plain text (what a terminal or a static notebook shows)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        method = getattr(self.widget, "_repr_mimebundle_", None)
        if callable(method):
            bundle.update(method() or {})
        bundle["text/plain"] = self.text()
        return bundle
