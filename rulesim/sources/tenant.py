"""A tenant's whole post-login flow from one export: its Rules, then its Actions.

Auth0 runs the enabled Rules first, then the Actions bound to post-login. A tenant halfway
through the migration keeps both in one export: :func:`load_tenant` reads both, and either may
be empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rulesim.errors import ActionLoadError, RuleLoadError
from rulesim.sources._files import load_json, load_yaml
from rulesim.sources.action_exports import (
    Exported,
    actions_from_api_dump,
    actions_from_deploy_dir,
    actions_from_tenant_yaml,
)
from rulesim.sources.actions import ActionSet, build_action_set, default_secrets_file
from rulesim.sources.configuration import load_configuration
from rulesim.sources.rules import (
    Rule,
    RuleSet,
    build_rule_set,
    find_services_file,
    rules_from_api_dump,
    rules_from_deploy_dir,
    rules_from_tenant_yaml,
)

__all__ = ["Tenant", "load_tenant"]


@dataclasses.dataclass(frozen=True)
class Tenant:
    """The post-login flow of one tenant export: Rules run first, then Actions.

    Attributes
    ----------
    rules
        The Rules (maybe empty).
    actions
        The post-login Actions (maybe empty).
    path
        The export it was read from.
    services_file
        A fake-services file shipped beside the export, if any.
    """

    rules: RuleSet
    actions: ActionSet
    path: Path | None = None
    services_file: Path | None = None

    def __repr__(self) -> str:
        return (f"Tenant({len(self.rules.active)} enabled rules, {len(self.actions.active)} "
                f"bound actions)")

    @property
    def sha256(self) -> str:
        """Hash of the whole flow: the rule set's hash, then the Action set's."""
        import hashlib

        return hashlib.sha256(f"{self.rules.sha256}\n{self.actions.sha256}".encode()).hexdigest()


def load_tenant(path: str | Path, *,
                configuration: Mapping[str, Any] | str | Path | None = None,
                secrets: Mapping[str, Any] | str | Path | None = None) -> Tenant:
    """Load a tenant's Rules and post-login Actions from one export.

    Parameters
    ----------
    path
        A deploy-cli directory export (``rules/`` and/or ``actions/`` with
        ``triggers/triggers.json``), a deploy-cli ``tenant.yaml`` (``rules:`` and/or
        ``actions:`` + ``triggers:``), or a Management API JSON dump ``{"rules": [...],
        "actions": …, "bindings": …}``.
    configuration
        Rules settings, as for :func:`~rulesim.load_rules` (default: ``configuration.json``
        beside the export, or ``rulesConfigs``).
    secrets
        Action secrets, as for :func:`~rulesim.load_actions` (default: ``secrets.json`` or
        ``secrets.env`` beside the export).

    Returns
    -------
    Tenant
        Both sets; either may be empty, not both.

    Raises
    ------
    RuleLoadError
        A Rule that does not load; :class:`~rulesim.ActionLoadError` (a subclass) for an Action.
    """
    p = Path(path)
    if not p.exists():
        raise RuleLoadError(f"no such file or folder: {p}")
    rules: list[Rule] = []
    default_conf: dict[str, str] = {}
    exported: Exported = ([], {})
    if p.is_dir() and (p / "tenant.yaml").is_file() and not (p / "rules").is_dir() \
            and not (p / "actions").is_dir():
        p = p / "tenant.yaml"
    if p.is_dir():
        if (p / "rules").is_dir():
            rules = rules_from_deploy_dir(p / "rules", allow_empty=True)
        if (p / "configuration.json").is_file():
            default_conf = load_configuration(p / "configuration.json")
        if (p / "actions").is_dir():
            exported = actions_from_deploy_dir(p)
    elif p.suffix in (".yaml", ".yml"):
        data = load_yaml(p)
        rules, default_conf = rules_from_tenant_yaml(data, p)
        exported = actions_from_tenant_yaml(data, p)
    elif p.suffix == ".json":
        data = load_json(p)
        if isinstance(data, dict) and "rules" in data:
            rules = rules_from_api_dump(data, p)
        if isinstance(data, dict) and "actions" in data:
            exported = actions_from_api_dump(data, p)
        elif not isinstance(data, dict):
            rules = rules_from_api_dump(data, p)
    else:
        raise RuleLoadError(f"cannot tell what {p} is: expected a folder, a tenant.yaml or a "
                            "Management API .json dump")
    actions, exported_secrets = exported
    if not rules and not actions:
        raise ActionLoadError(f"no Rules and no Actions found in {p}", file=str(p))
    conf = load_configuration(configuration) if configuration is not None else default_conf
    rule_set = build_rule_set(rules, conf)
    supplied = secrets if secrets is not None else default_secrets_file(p)
    action_set = build_action_set(actions, exported_secrets, supplied)
    services = find_services_file(p)
    rule_set.services_file = action_set.services_file = services
    return Tenant(rules=rule_set, actions=action_set, path=p, services_file=services)

