"""Load post-login Actions: deploy-cli exports, tenant.yaml, Management API dumps, ``.js`` files.

Loading never runs an Action. Each module is compiled by QuickJS (never called) and its
exports are read from a syntax tree (:mod:`rulesim.sources.syntax`). The formats are read by
:mod:`rulesim.sources.action_exports`; this module holds the model (:class:`Action`,
:class:`ActionSet`) and :func:`load_actions`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rulesim.errors import ActionLoadError, ConfigurationError
from rulesim.sources._ordered import OrderedSet
from rulesim.sources.configuration import load_secrets, secret_keys
from rulesim.sources.node_globals import node_major, unsupported_note
from rulesim.sources.syntax import ActionSourceWarning, check_action_source

__all__ = [
    "MAX_BOUND_ACTIONS",
    "MAX_CODE_BYTES",
    "MAX_SECRET_NAME",
    "MAX_SECRET_VALUE",
    "POST_LOGIN",
    "Action",
    "ActionSet",
    "ActionSourceWarning",
    "Dependency",
    "build_action_set",
    "load_actions",
]

POST_LOGIN = "post-login"
"""The trigger rulesim simulates."""
MAX_BOUND_ACTIONS = 20
"""Auth0 binds at most 20 Actions to one trigger."""
MAX_CODE_BYTES = 100_000
"""Auth0 refuses to save an Action whose code is over 100 kB (npm modules excluded)."""
MAX_SECRET_NAME = 128
"""Auth0 refuses a secret name over 128 characters."""
MAX_SECRET_VALUE = 4096
"""Auth0 refuses a secret value over 4096 characters."""


@dataclasses.dataclass(frozen=True)
class Dependency:
    """An npm package an Action declares (Auth0 pins a version when the Action is saved).

    Attributes
    ----------
    name
        Package name, ``@scope/name`` included.
    version
        The pinned version (``latest`` when the export says so).
    """

    name: str
    version: str

    @property
    def spec(self) -> str:
        """``name@version``, as ``rulesim modules install`` takes it."""
        return f"{self.name}@{self.version}"


@dataclasses.dataclass(frozen=True)
class Action:
    """One post-login Action: its module source, its place in the flow and its declarations.

    Attributes
    ----------
    name
        Unique name within the tenant (Auth0's Action name).
    code
        The CommonJS module source exporting ``onExecutePostLogin`` (and optionally
        ``onContinuePostLogin``).
    order
        Position in the post-login flow (1-based); Actions not bound come after the bound ones.
    enabled
        Bound to the post-login trigger. Unbound Actions are listed and never run.
    deployed
        Auth0 has a deployed version. Only deployed Actions can run.
    runtime
        ``node22`` (default), ``node18``, ``node18-actions``, …: metadata, plus a syntax level.
    dependencies
        Declared npm packages with their pinned versions.
    secrets
        Names of the secrets the Action declares (for a lone ``.js`` file: the ones it reads).
    supported_triggers
        ``(trigger id, version)`` pairs, e.g. ``("post-login", "v3")``.
    id
        Auth0 Action id when known, else a stable id derived from the name.
    display_name
        The binding's display name (defaults to ``name``).
    file
        Where the code was read from, if anywhere.
    handlers
        The handlers the module exports, as far as the load-time check tells
        (``onExecutePostLogin`` first).
    """

    name: str
    code: str
    order: int = 0
    enabled: bool = True
    deployed: bool = True
    runtime: str = "node22"
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[str, ...] = ()
    supported_triggers: tuple[tuple[str, str], ...] = ((POST_LOGIN, "v3"),)
    id: str = ""
    display_name: str = ""
    file: str | None = None
    handlers: tuple[str, ...] = ("onExecutePostLogin",)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", "act_" + hashlib.sha1(self.name.encode()).hexdigest()[:16])
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)

    @classmethod
    def from_code(cls, name: str, code: str, **fields: Any) -> Action:
        """Build an Action from module source, checking it as :func:`load_actions` does.

        Secrets default to the ones the code reads. Other ``fields`` are :class:`Action`
        attributes.

        Raises
        ------
        ActionLoadError
            A syntax error, no ``onExecutePostLogin`` export, or a handler that is not async.
        """
        fields.setdefault("secrets", tuple(sorted(secret_keys(code))))
        action = cls(name=name, code=code, **fields)
        return dataclasses.replace(action, handlers=check_action_source(action))

    @property
    def sha256(self) -> str:
        """Hash of the code, recorded in result manifests."""
        return hashlib.sha256(self.code.encode()).hexdigest()

    @property
    def post_login(self) -> bool:
        """Whether the Action supports the post-login trigger."""
        return any(t == POST_LOGIN for t, _ in self.supported_triggers)

    def secret_keys(self) -> set[str]:
        """The ``event.secrets.X`` keys this Action reads (found statically)."""
        return secret_keys(self.code)


class ActionSet(OrderedSet[Action]):
    """The post-login Actions of a tenant, in flow order, plus their secrets.

    Iterating yields every Action, unbound ones last; :attr:`active` is what runs. ActionSets
    are immutable: the editing methods (``replace``, ``disable``/``enable`` to unbind and bind,
    ``reorder``, ``add``, ``with_secrets``) return new ones.

    Parameters
    ----------
    actions
        The Actions (sorted by ``order``, then name).
    secrets
        Values for every Action that declares the key (a secrets file's flat pairs).
    action_secrets
        Values for one Action by name; they win over ``secrets``.
    exported_secrets
        Values written in the export itself (anything but ``_VALUE_NOT_SHOWN_``), per Action;
        the supplied values win over them.
    other_triggers
        Actions of the export that do not support post-login (listed, never run).
    """

    _noun = "Action"

    def __init__(self, actions: Iterable[Action], secrets: Mapping[str, str] | None = None, *,
                 action_secrets: Mapping[str, Mapping[str, str]] | None = None,
                 exported_secrets: Mapping[str, Mapping[str, str]] | None = None,
                 other_triggers: Sequence[Action] = ()) -> None:
        ordered = sorted(actions, key=lambda a: (a.order, a.name))
        names = [a.name for a in ordered] + [a.name for a in other_triggers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            files = sorted({a.file for a in ordered if a.name in dupes and a.file})
            raise ActionLoadError(f"duplicate Action names: {', '.join(dupes)}; names must be unique",
                                  file=", ".join(files) or None, action=dupes[0])
        self._items: tuple[Action, ...] = tuple(ordered)
        self.secrets: dict[str, str] = dict(secrets or {})
        self.action_secrets: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in (action_secrets or {}).items()}
        self.exported_secrets: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in (exported_secrets or {}).items()}
        self.other_triggers: tuple[Action, ...] = tuple(other_triggers)
        self.services_file: Path | None = None
        """A fake-services file shipped beside the export (tenant folder), used by default."""

    def __repr__(self) -> str:
        return (f"ActionSet({len(self._items)} actions, {len(self.active)} bound: "
                f"{', '.join(self.names)})")

    @property
    def active(self) -> list[Action]:
        """The Actions that run: bound, deployed and supporting post-login, in flow order."""
        return [a for a in self._items if a.enabled and a.deployed and a.post_login]

    @property
    def sha256(self) -> str:
        """Hash of the whole flow (order, bound/deployed flags, runtimes, dependencies, code)."""
        h = hashlib.sha256()
        for a in self._items:
            deps = ",".join(d.spec for d in a.dependencies)
            h.update(f"{a.name}\0{a.order}\0{a.enabled}\0{a.deployed}\0{a.runtime}\0{deps}\0"
                     f"{a.sha256}\n".encode())
        return h.hexdigest()

    @property
    def dependencies(self) -> list[str]:
        """``name@version`` of every package the active Actions declare, sorted, each once.

        This is what the module registry needs (``rulesim modules install`` takes these specs).
        """
        return sorted({d.spec for a in self.active for d in a.dependencies})

    def secrets_for(self, name: str) -> dict[str, str]:
        """``event.secrets`` of Action ``name``: its declared secrets that have a value.

        A declared secret takes its value from :attr:`action_secrets`, then :attr:`secrets`,
        then the export itself. Undeclared keys are never given, as in Auth0.
        """
        action = self[name]
        own = self.action_secrets.get(name, {})
        exported = self.exported_secrets.get(name, {})
        out: dict[str, str] = {}
        for key in action.secrets:
            for layer in (own, self.secrets, exported):
                if key in layer:
                    out[key] = layer[key]
                    break
        return out

    def missing_secrets(self) -> dict[str, list[str]]:
        """Per active Action, the secrets its code reads that have no value (sorted)."""
        out: dict[str, list[str]] = {}
        for a in self.active:
            missing = sorted(a.secret_keys() - set(self.secrets_for(a.name)))
            if missing:
                out[a.name] = missing
        return out

    # --- editing: every method returns a new ActionSet -----------------------------------
    def _with(self, actions: Iterable[Action], secrets: Mapping[str, str] | None = None,
              action_secrets: Mapping[str, Mapping[str, str]] | None = None) -> ActionSet:
        new = ActionSet(actions, self.secrets if secrets is None else secrets,
                        action_secrets=self.action_secrets if action_secrets is None else action_secrets,
                        exported_secrets=self.exported_secrets, other_triggers=self.other_triggers)
        new.services_file = self.services_file
        return new

    def replace(self, name: str, code: str) -> ActionSet:
        """A copy where Action ``name`` has new code (checked as at load time)."""
        old = self[name]
        new = Action.from_code(name, code, **{
            f.name: getattr(old, f.name) for f in dataclasses.fields(Action)
            if f.name not in ("name", "code", "handlers")})
        return self._with(new if a.name == name else a for a in self._items)

    def with_secrets(self, secrets: Mapping[str, Any] | str | Path, *, merge: bool = True) -> ActionSet:
        """A copy with secret values set: a dict or a file, as for :func:`load_actions`.

        Parameters
        ----------
        secrets
            Flat ``KEY: value`` pairs for every Action declaring ``KEY``, or
            ``{action name: {KEY: value}}`` for one Action.
        merge
            Merge into the current values (default) or replace them.
        """
        shared, per_action = load_secrets(secrets)
        if merge:
            shared = {**self.secrets, **shared}
            merged = {k: dict(v) for k, v in self.action_secrets.items()}
            for k, v in per_action.items():
                merged[k] = {**merged.get(k, {}), **v}
            per_action = merged
        return self._with(self._items, shared, per_action)


# --- loading --------------------------------------------------------------------------------

def load_actions(path: str | Path, *, secrets: Mapping[str, Any] | str | Path | None = None) -> ActionSet:
    """Load the post-login Actions of a deploy-cli export, a tenant.yaml, an API dump or a file.

    Parameters
    ----------
    path
        One of: an auth0-deploy-cli directory export (``actions/<name>.json`` whose ``code``
        names ``actions/<name>/code.js``, and ``triggers/triggers.json`` for the post-login
        order); a deploy-cli ``tenant.yaml`` (``actions:`` and ``triggers: post-login:``; list
        order is flow order); a Management API JSON dump ``{"actions": …, "bindings": …}``
        (the bodies of ``GET /api/v2/actions/actions`` and ``GET
        /api/v2/actions/triggers/post-login/bindings``; see ``docs/actions.md``); a folder of
        ``.js`` modules (bound in name order); or a single ``.js`` module.
    secrets
        Secret values (exports only say ``_VALUE_NOT_SHOWN_``): a dict, a JSON file or a dotenv
        file, flat or per Action (see :meth:`ActionSet.with_secrets`). When omitted, a
        ``secrets.json`` or ``secrets.env`` beside the export is used if present.

    Returns
    -------
    ActionSet
        Actions in flow order. Actions that do not support post-login are left out (listed in
        ``other_triggers``); secrets an Action reads that nobody supplied raise an
        :class:`ActionSourceWarning` (Auth0 gives ``undefined``).

    Raises
    ------
    ActionLoadError
        Unreadable files, bad JSON/YAML, a ``code`` path that does not exist, syntax errors
        (with file, Action, line and column), a module that does not export an ``async``
        ``onExecutePostLogin``, duplicate names, code over 100 kB, more than 20 bound Actions,
        a secret name over 128 characters.
    ConfigurationError
        A secrets file that cannot be read, or a secret value over 4096 characters.
    """
    from rulesim.sources.action_exports import read_actions

    p = Path(path)
    if not p.exists():
        raise ActionLoadError(f"no such file or folder: {p}")
    actions, exported = read_actions(p)
    if not actions:
        raise ActionLoadError(f"no Actions found in {p}", file=str(p))
    supplied = secrets if secrets is not None else default_secrets_file(p)
    actions_set = build_action_set(actions, exported, supplied)
    from rulesim.sources.rules import find_services_file

    actions_set.services_file = find_services_file(p)
    return actions_set


def default_secrets_file(path: Path) -> Path | None:
    """``secrets.json`` or ``secrets.env`` beside an export (a folder, or a file's folder)."""
    folder = path if path.is_dir() else path.parent
    for name in ("secrets.json", "secrets.env"):
        if (folder / name).is_file():
            return folder / name
    return None


def build_action_set(actions: list[Action], exported: Mapping[str, Mapping[str, str]],
                     secrets: Mapping[str, Any] | str | Path | None) -> ActionSet:
    """Check every post-login Action and build the set; warn about what deserves attention.

    Raises
    ------
    ActionLoadError
        A module that does not load (see :func:`load_actions`), duplicates, too many bindings.
    """
    post_login = [a for a in actions if a.post_login]
    others = [a for a in actions if not a.post_login]
    checked = []
    for a in post_login:
        if len(a.code.encode()) > MAX_CODE_BYTES:
            raise ActionLoadError(f"the code is {len(a.code.encode()):,} bytes; Auth0 refuses "
                                  f"Actions over {MAX_CODE_BYTES:,} bytes", file=a.file,
                                  action=a.name)
        long_names = [k for k in a.secrets if len(k) > MAX_SECRET_NAME]
        if long_names:
            raise ActionLoadError(f"secret name {long_names[0][:40]!r}… is over {MAX_SECRET_NAME} "
                                  "characters; Auth0 refuses it", file=a.file, action=a.name)
        checked.append(dataclasses.replace(a, handlers=check_action_source(a)))
    bound = [a for a in checked if a.enabled]
    if checked and not bound:
        warnings.warn("no Action is bound to the post-login trigger, so none runs (is "
                      "triggers/triggers.json or `triggers: post-login:` missing?)",
                      ActionSourceWarning, stacklevel=3)
    if len(bound) > MAX_BOUND_ACTIONS:
        raise ActionLoadError(f"{len(bound)} Actions are bound to post-login; Auth0 binds at most "
                              f"{MAX_BOUND_ACTIONS}", action=bound[MAX_BOUND_ACTIONS].name)
    for a in bound:
        if not a.deployed:
            warnings.warn(f"action `{a.name}` is bound to post-login but not deployed; it does "
                          "not run", ActionSourceWarning, stacklevel=3)
    for a in checked:
        note = unsupported_note("action", a.name, a.code, major=node_major(a.runtime))
        if note is not None:
            warnings.warn(note, ActionSourceWarning, stacklevel=3)
    shared, per_action = load_secrets(secrets)
    result = ActionSet(checked, shared, action_secrets=per_action, exported_secrets=exported,
                       other_triggers=others)
    for a in result.active:
        for key, value in result.secrets_for(a.name).items():
            if len(value) > MAX_SECRET_VALUE:
                raise ConfigurationError(f"action `{a.name}`: the value of secret {key} is "
                                         f"{len(value)} characters; Auth0 stores at most "
                                         f"{MAX_SECRET_VALUE}")
    for name, keys in result.missing_secrets().items():
        declared = set(result[name].secrets)
        undeclared = [k for k in keys if k not in declared]
        note = (f" ({', '.join(undeclared)} not declared on the Action: Auth0 gives undefined "
                "whatever the value)") if undeclared else ""
        warnings.warn(f"action `{name}` reads secrets that were not supplied (Auth0 gives "
                      f"undefined): {', '.join(keys)}{note}", ActionSourceWarning, stacklevel=3)
    return result
