"""The Explorer's configuration editor: JSON in a text area, every value masked by default.

A text area cannot be a password field, so masking is done in the kernel: while the values
are hidden the browser only ever receives :data:`~rulesim.widgets.secrets.MASK` for each of
them. Editing works on the masked text: a value left as the mask keeps its hidden value, a
value typed over it replaces it, a key deleted is removed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from rulesim.widgets.secrets import MASK

__all__ = ["ConfigurationEditor"]


class ConfigurationEditor:
    """``configuration`` as editable JSON, values masked until ``reveal`` is ticked.

    Parameters
    ----------
    w
        The :mod:`ipywidgets` module.
    values
        The starting configuration.

    Attributes
    ----------
    textarea
        The JSON text (masked or not).
    reveal
        ``Checkbox`` "show values".
    status
        ``HTML``: how many keys, or why the last edit was not taken.
    values
        The configuration as edited (real values, never masked).
    """

    def __init__(self, w: Any, values: Mapping[str, str]) -> None:
        self.values: dict[str, str] = dict(values)
        self._rendering = False
        self.textarea = w.Textarea(layout=w.Layout(width="100%", height="220px"))
        self.reveal = w.Checkbox(value=False, description="show values", indent=False,
                                 layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.textarea.observe(self._on_text, names="value")
        self.reveal.observe(lambda _c: self.render(), names="value")
        self.render()

    @property
    def masked(self) -> bool:
        """True while the values are hidden."""
        return not self.reveal.value

    def text(self) -> str:
        """The JSON the text area shows: values masked unless revealed."""
        shown = self.values if not self.masked else dict.fromkeys(self.values, MASK)
        return json.dumps(shown, indent=1, sort_keys=True, ensure_ascii=False)

    def set(self, values: Mapping[str, str]) -> None:
        """Replace the configuration and show it."""
        self.values = dict(values)
        self.render()

    def render(self) -> None:
        """Show the current values in the text area (masked unless revealed)."""
        self._rendering = True
        try:
            self.textarea.value = self.text()
        finally:
            self._rendering = False
        hidden = " (values hidden: tick “show values” to read or edit them in clear)" if (
            self.masked and self.values) else ""
        self.status.value = f"{len(self.values)} keys{hidden}"

    def _on_text(self, change: Mapping[str, Any]) -> None:
        if self._rendering:
            return
        try:
            self.values = self.parse(change["new"])
        except ValueError as exc:
            self.status.value = (f'<span style="color:#c62828">invalid JSON, the last valid '
                                 f"configuration is kept: {html.escape(str(exc))}</span>")
            return
        self.status.value = f"{len(self.values)} keys"

    def parse(self, text: str) -> dict[str, str]:
        """The configuration ``text`` describes; a masked value stands for the current one.

        Raises
        ------
        ValueError
            When the text is not a JSON object, or a new key's value is the mask.
        """
        data = json.loads(text or "{}")
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object {\"KEY\": \"value\", ...}")
        out: dict[str, str] = {}
        for key, value in data.items():
            k = str(key)
            if value == MASK:
                if k not in self.values:
                    raise ValueError(f"{k} is new: type its value instead of {MASK}")
                out[k] = self.values[k]
            else:
                out[k] = value if isinstance(value, str) else json.dumps(value)
        return out
