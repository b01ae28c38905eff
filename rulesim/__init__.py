"""rulesim: run Auth0 Rules offline, over synthetic populations, and see what they really do.

The public API (everything else is private and may change)::

    import rulesim as rs

    rules = rs.load_rules("datasets/tenants/acme")   # folder, deploy-cli export, tenant.yaml, API dump
    actions = rs.load_actions("datasets/tenants/acme-actions")  # post-login Actions, flow order
    tenant = rs.load_tenant("datasets/tenants/acme-mixed")      # both: tenant.rules, tenant.actions
    pop = rs.population(10_000, seed=7)               # synthetic users and logins (Faker)
    sim = rs.simulate(rules, pop)                     # sandboxed QuickJS pipeline, worker processes
    sim.summary()                                     # per-rule table
    sim.trace(sim.logins.login_id[0])                 # one login's whole story
    rs.run_login(rules, user={...}, context={...})    # one login, like "Try this rule"
    rs.templates()                                    # the gallery behind `rulesim new`
    rs.new_rule("allow-email-domains", domains=["example.com"])     # a Rule from a template
    rs.new_action("allow-email-domains", domains=["example.com"])   # the same job as an Action
"""

from __future__ import annotations

from rulesim import widgets
from rulesim.coverage import Coverage, instrument_rules
from rulesim.errors import (
    ActionLoadError,
    ConfigurationError,
    ErrorCode,
    MissingExtraError,
    MixError,
    PopulationError,
    RuleLoadError,
    RulesimError,
    SandboxError,
    ServicesError,
    UsageError,
)
from rulesim.gallery import Template, new_action, new_rule, templates
from rulesim.impact import Impact, compare
from rulesim.population import Mix, Population, population
from rulesim.records import COLUMNS, ChangeOp, ChangeTarget, LoginOutcome, RuleOutcome
from rulesim.run import run_login, simulate
from rulesim.runtime.limits import Limits
from rulesim.runtime.services import Route, Services
from rulesim.simulation import Simulation, Summary
from rulesim.sources import (
    Action,
    ActionSet,
    ActionSourceWarning,
    Rule,
    RuleSet,
    RuleSourceWarning,
    Tenant,
    load_actions,
    load_configuration,
    load_rules,
    load_tenant,
)
from rulesim.testing import Counterexample, search
from rulesim.testing.golden import GoldenFileError
from rulesim.trace import LoginTrace

__version__ = "0.1.0"

# Plain sorted() order (tests/test_public_api.py), which puts `Action…` before `COLUMNS`;
# ruff's isort-style order would put the constant first.
__all__ = [  # noqa: RUF022
    "Action",
    "ActionLoadError",
    "ActionSet",
    "ActionSourceWarning",
    "COLUMNS",
    "ChangeOp",
    "ChangeTarget",
    "ConfigurationError",
    "Counterexample",
    "Coverage",
    "ErrorCode",
    "GoldenFileError",
    "Impact",
    "Limits",
    "LoginOutcome",
    "LoginTrace",
    "MissingExtraError",
    "Mix",
    "MixError",
    "Population",
    "PopulationError",
    "Route",
    "Rule",
    "RuleLoadError",
    "RuleOutcome",
    "RuleSet",
    "RuleSourceWarning",
    "RulesimError",
    "SandboxError",
    "Services",
    "ServicesError",
    "Simulation",
    "Summary",
    "Template",
    "Tenant",
    "UsageError",
    "compare",
    "instrument_rules",
    "load_actions",
    "load_configuration",
    "load_rules",
    "load_tenant",
    "new_action",
    "new_rule",
    "population",
    "run_login",
    "search",
    "simulate",
    "strategies",
    "templates",
    "widgets",
]


def __getattr__(name: str) -> object:
    """Load ``rulesim.strategies`` on first use: it needs hypothesis (the ``test`` extra)."""
    if name == "strategies":
        import importlib

        module = importlib.import_module("rulesim.strategies")
        globals()["strategies"] = module
        return module
    raise AttributeError(f"module 'rulesim' has no attribute {name!r}")
