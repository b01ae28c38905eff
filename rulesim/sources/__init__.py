"""Load and check a tenant's post-login code: Rules, Actions, or both.

Loading never runs Rules or Actions: the only JavaScript work here is QuickJS's compiler and a
syntax tree (:mod:`rulesim.sources.syntax`). One module per concern:

* :mod:`~rulesim.sources.rules`: :class:`Rule`, :class:`RuleSet`, :func:`load_rules`;
* :mod:`~rulesim.sources.actions`: :class:`Action`, :class:`ActionSet`, :func:`load_actions`,
  with the export formats in :mod:`~rulesim.sources.action_exports`;
* :mod:`~rulesim.sources.tenant`: :class:`Tenant`, :func:`load_tenant` (both from one export);
* :mod:`~rulesim.sources.configuration`: Rules configuration and Action secrets (files or dicts);
* :mod:`~rulesim.sources.syntax`: the syntax checks.
"""

from __future__ import annotations

from rulesim.sources.actions import Action, ActionSet, Dependency, load_actions
from rulesim.sources.configuration import load_configuration, load_secrets
from rulesim.sources.rules import SIMULATED_STAGE, Rule, RuleSet, RuleSourceWarning, load_rules
from rulesim.sources.syntax import ActionSourceWarning, check_action_source, check_rule_source
from rulesim.sources.tenant import Tenant, load_tenant

__all__ = [
    "SIMULATED_STAGE",
    "Action",
    "ActionSet",
    "ActionSourceWarning",
    "Dependency",
    "Rule",
    "RuleSet",
    "RuleSourceWarning",
    "Tenant",
    "check_action_source",
    "check_rule_source",
    "load_actions",
    "load_configuration",
    "load_rules",
    "load_secrets",
    "load_tenant",
]
