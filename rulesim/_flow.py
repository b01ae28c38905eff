"""What runs at post-login: a tenant's Rules, then its Actions, from whatever the caller passed.

``simulate``, ``run_login``, ``compare``, the CLI and golden files accept a
:class:`~rulesim.RuleSet`, a :class:`~rulesim.Tenant`, an :class:`~rulesim.ActionSet`, Rules or
Actions (one or a list) or a path; :func:`flow_of` turns each into one :class:`Flow`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

from rulesim.errors import UsageError
from rulesim.runtime.actions import row_names
from rulesim.sources import Action, ActionSet, Rule, RuleSet, Tenant, load_rules, load_tenant

__all__ = ["Flow", "exports_actions", "flow_of"]


@dataclasses.dataclass(frozen=True)
class Flow:
    """The Rules and the Actions of one post-login flow (either may be empty).

    Attributes
    ----------
    rules
        The Rules, run first.
    actions
        The Actions, run after the Rules; None when there are none.
    """

    rules: RuleSet
    actions: ActionSet | None = None

    @property
    def has_actions(self) -> bool:
        """Whether any Action is in the flow (bound or not)."""
        return self.actions is not None and len(self.actions) > 0

    @property
    def sha256(self) -> str:
        """The rule set's hash, or, with Actions, a hash of both sets."""
        if not self.has_actions:
            return self.rules.sha256
        assert self.actions is not None
        return hashlib.sha256(f"{self.rules.sha256}\n{self.actions.sha256}".encode()).hexdigest()

    @property
    def names(self) -> list[str]:
        """Every row name: the rules', then the Actions' (unique; see ``row_names``)."""
        rule_names = list(self.rules.names)
        if not self.has_actions:
            return rule_names
        assert self.actions is not None
        return rule_names + row_names(rule_names, list(self.actions.names))

    @property
    def configuration(self) -> dict[str, str]:
        """The Rules' configuration (the Actions' secrets are per Action: :meth:`secrets`)."""
        return dict(self.rules.configuration)

    @property
    def services_file(self) -> Path | None:
        """The fake-services file shipped beside the export, if any."""
        return self.rules.services_file or (self.actions.services_file if self.actions else None)

    def secrets(self) -> dict[str, dict[str, str]]:
        """``event.secrets`` of every Action that runs, by name."""
        if self.actions is None:
            return {}
        return {a.name: self.actions.secrets_for(a.name) for a in self.actions.active}

    def manifest(self) -> dict[str, Any]:
        """What a result manifest records about the flow: its rules and Actions."""
        out: dict[str, Any] = {
            "rules": [{"name": r.name, "order": r.order, "enabled": r.enabled, "sha256": r.sha256}
                      for r in self.rules]}
        if self.has_actions:
            assert self.actions is not None
            names = self.names[len(self.rules):]
            out["actions"] = [{"name": row, "action": a.name, "order": a.order,
                               "enabled": a in self.actions.active, "sha256": a.sha256}
                              for row, a in zip(names, self.actions, strict=True)]
        return out


def exports_actions(path: str | os.PathLike[str]) -> bool:
    """Whether an export holds post-login Actions (then :func:`~rulesim.load_tenant` reads it)."""
    p = Path(path)
    if p.is_dir():
        if (p / "actions").is_dir():
            return True
        p = p / "tenant.yaml"
    if not p.is_file() or p.suffix not in (".yaml", ".yml", ".json"):
        return False
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if p.suffix == ".json":
        return '"actions"' in text
    return any(line.startswith("actions:") for line in text.splitlines())


def flow_of(obj: Any) -> Flow:
    """The flow ``obj`` describes (see the module docstring).

    Raises
    ------
    UsageError
        Anything else.
    """
    if isinstance(obj, Flow):
        return obj
    if isinstance(obj, Tenant):
        return Flow(obj.rules, obj.actions if len(obj.actions) else None)
    if isinstance(obj, RuleSet):
        return Flow(obj)
    if isinstance(obj, ActionSet):
        return Flow(RuleSet([]), obj)
    if isinstance(obj, Rule):
        return Flow(RuleSet([obj]))
    if isinstance(obj, Action):
        return Flow(RuleSet([]), ActionSet([obj]))
    if isinstance(obj, (str, os.PathLike)):
        if exports_actions(obj):
            return flow_of(load_tenant(os.fspath(obj)))
        return Flow(load_rules(os.fspath(obj)))
    if isinstance(obj, (list, tuple)) and obj:
        if all(isinstance(r, Rule) for r in obj):
            return Flow(RuleSet(obj))
        if all(isinstance(a, Action) for a in obj):
            return Flow(RuleSet([]), ActionSet(obj))
    raise UsageError("expected rules to be a RuleSet, a Tenant, an ActionSet, a Rule or an "
                     "Action (or a list of them) or a path, got "
                     f"{type(obj).__name__}")
