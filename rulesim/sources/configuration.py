"""Rules configuration and Actions secrets: values that never leave a tenant export.

Auth0 exports neither Rules settings (``configuration``) nor Action secrets (deploy-cli writes
``_VALUE_NOT_SHOWN_``), so their values come from a local file or a dict. Both use one reader:
a dict, a JSON object or a dotenv file (``KEY=value``, ``#`` comments, optional ``export``).

Secrets can also be given per Action: in a JSON file (or dict), a key whose value is an object
is an Action name, and its keys are that Action's secrets. Flat keys apply to every Action that
declares a secret of that name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rulesim.errors import ConfigurationError

__all__ = [
    "NOT_SHOWN",
    "Secrets",
    "configuration_keys",
    "load_configuration",
    "load_secrets",
    "secret_keys",
]

NOT_SHOWN = "_VALUE_NOT_SHOWN_"
"""The value deploy-cli writes for every exported secret."""

_CONFIG_READ = re.compile(
    r"\bconfiguration\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['\"])([^'\"]+)\2\s*\])")
_SECRET_READ = re.compile(
    r"\bsecrets\s*(?:\?\.|\.)\s*([A-Za-z_$][\w$]*)|\bsecrets\s*(?:\?\.)?\[\s*(['\"`])([^'\"`]+)\2\s*\]")
# const { A, B: b, C = 'x' } = event.secrets
_SECRET_DESTRUCTURE = re.compile(r"\{([^{}]*)\}\s*=\s*(?:[A-Za-z_$][\w$]*\s*\.\s*)?secrets\b")


def configuration_keys(source: str) -> set[str]:
    """The ``configuration.X`` / ``configuration['X']`` keys a Rule reads (found statically)."""
    return {m.group(1) or m.group(3) for m in _CONFIG_READ.finditer(source)}


def secret_keys(source: str) -> set[str]:
    """The ``event.secrets.X`` / ``['X']`` / destructured keys an Action reads (statically)."""
    keys = {m.group(1) or m.group(3) for m in _SECRET_READ.finditer(source)}
    for m in _SECRET_DESTRUCTURE.finditer(source):
        for part in m.group(1).split(","):
            name = part.split(":")[0].split("=")[0].strip()
            if re.fullmatch(r"[A-Za-z_$][\w$]*", name):
                keys.add(name)
    return keys


def load_configuration(source: Mapping[str, Any] | str | Path | None) -> dict[str, str]:
    """Read rule configuration (Auth0 Rules settings) from a dict, a JSON file or a dotenv file.

    Values are converted to strings, as Auth0 stores them.

    Raises
    ------
    ConfigurationError
        If the file cannot be read or parsed.
    """
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in source.items()}
    return load_configuration(_read_file(Path(source)))


def _read_file(path: Path) -> dict[str, Any]:
    """A JSON object or the ``KEY=value`` pairs of a dotenv file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read configuration file {path}: {exc.strerror}") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigurationError(
                f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{path}: expected a JSON object of key -> string")
        return data
    values: dict[str, Any] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        if "=" not in line:
            raise ConfigurationError(f"{path}, line {n}: expected KEY=value, got {raw!r}")
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


Secrets = tuple[dict[str, str], dict[str, dict[str, str]]]
"""``(shared, per_action)``: values for every Action, and values for one Action by name."""


def load_secrets(source: Mapping[str, Any] | str | Path | None) -> Secrets:
    """Read Action secrets from a dict, a JSON file or a dotenv file.

    Parameters
    ----------
    source
        Flat ``{"KEY": "value"}`` pairs apply to every Action that declares ``KEY``; an object
        value ``{"action-name": {"KEY": "value"}}`` gives one Action its own values (they win
        over the flat ones). A dotenv file holds flat pairs only.

    Returns
    -------
    Secrets
        ``(shared, per_action)``, every value a string.

    Raises
    ------
    ConfigurationError
        If the file cannot be read or parsed, or a per-Action entry is not an object of values.
    """
    if source is None:
        return {}, {}
    data = source if isinstance(source, Mapping) else _read_file(Path(source))
    shared: dict[str, Any] = {}
    per_action: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            per_action[str(key)] = load_configuration(value)
        else:
            shared[str(key)] = value
    return load_configuration(shared), per_action
