"""The JavaScript side of post-login Actions, as sources the sandbox evaluates.

``runtime/js/actions/`` holds nine function expressions:

* ``event.js``: the v3 ``event`` projected from rulesim's canonical login;
* ``copies.js``: each Action's copy of it (lazy copies: an Action pays for what it reads);
* ``api.js``: the ``api`` object as a command recorder with Auth0's validators and limits
  (``api_session.js``: its ``session`` and ``refreshToken`` namespaces);
* ``flow.js``: the flow state machine (commands applied at the end, deny, suspension and
  resumption, optimistic metadata, the result the application receives);
* ``changes.js``: the flow's ``api`` commands as rows of the ``changes`` table;
* ``cache.js``: ``api.cache`` with Auth0's limits and result codes;
* ``result.js``: what the application receives when a flow ends (``finishFlow``);
* ``node_globals.js``: the Node 18/22 globals Actions use (``fetch`` over the host-operation
  outbox, ``URL``, ``TextEncoder``, ``structuredClone``, ``AbortController``, ``process``).

:func:`actions_js` joins them into one expression whose value is ``installActions(host,
options)``; the interface it returns is documented at the top of ``flow.js`` and in
``docs/actions.md``. :data:`SETTINGS` lists the settings of the contract's section 10 with
rulesim's defaults. Nothing here runs JavaScript: the pipeline evaluates the expression inside
its sandbox.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rulesim.sources.node_globals import node_major

if TYPE_CHECKING:
    from rulesim.sources import Action

__all__ = ["JS_FILES", "MAX_LEGS", "SETTINGS", "ActionsSetup", "actions_js", "node_major", "row_names"]

_DIR = Path(__file__).parent / "js" / "actions"

JS_FILES: Mapping[str, str] = {
    "event": "event.js",
    "copies": "copies.js",
    "api": "api.js",
    "session_api": "api_session.js",
    "globals": "node_globals.js",
    "changes": "changes.js",
    "cache": "cache.js",
    "result": "result.js",
    "flow": "flow.js",
}
"""The parts of the Actions runtime, by the name ``flow.js`` receives them under."""

SETTINGS: Mapping[str, Any] = {
    "on_error_commands": "discard",
    "after_deny_commands": "record",
    "after_resolve_commands": "ignore",
    "metadata_merge": "per-key",
    "cache_mode": "per-execution",
    "module_scope": "per-worker",
    "mfa_none": "cancel",
    "validation_error_code": "error",
    "redirect_claims_persist": True,
    "user_extra_fields": "absent",
    "override_profile_claims": "allow",
    "saml_total_bytes": 10240,
    "scope_limit": 1000,
    "timeout_ms": 20000,
    "mixed_budget": "separate",
    "claim_limit_bytes": 100 * 1024,
    "enterprise": False,
    "early_access": False,
    "domain": "tenant.auth0.com",
}
"""The Actions settings with rulesim's defaults (``DEFAULTS`` in ``flow.js``; a test keeps
them equal). ``docs/actions.md`` explains each one and the alternatives."""


MAX_LEGS = 5
"""Most legs of one Actions flow (a leg ends at a redirect, a form or an MFA challenge). A flow
still suspended after its fifth leg ends as a pending redirect, flagged ``leg_limit``."""


def row_names(rule_names: Sequence[str], action_names: Sequence[str]) -> list[str]:
    """The names rows give each Action: its own, or ``<name> (action)`` when a Rule of the same
    tenant has that name (rows name a rule or an Action uniquely).

    Examples
    --------
    >>> row_names(["count-logins"], ["ip-blocklist", "count-logins"])
    ['ip-blocklist', 'count-logins (action)']
    """
    taken = set(rule_names)
    return [f"{n} (action)" if n in taken else n for n in action_names]


@dataclasses.dataclass(frozen=True)
class ActionsSetup:
    """The post-login Actions a sandbox runs after its Rules (picklable).

    Attributes
    ----------
    actions
        The Actions that run (bound, deployed), in flow order.
    secrets
        Each Action's ``event.secrets``, in the same order.
    settings
        Actions settings (see :data:`SETTINGS`) that differ from the defaults.
    rule_ids
        The ids of the active Rules, in pipeline order: ``api.rules.wasExecuted`` answers from
        the ones that ran in the same login.
    names
        The names the rows give the Actions (see :func:`row_names`).
    """

    actions: tuple[Action, ...]
    secrets: tuple[Mapping[str, str], ...]
    settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    rule_ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.names:
            object.__setattr__(self, "names", tuple(a.name for a in self.actions))
        unknown = sorted(set(self.settings) - set(SETTINGS))
        if unknown:
            from rulesim.errors import UsageError

            raise UsageError(f"unknown Actions settings {', '.join(unknown)}; the settings are: "
                             f"{', '.join(SETTINGS)}")

    def options(self, *, n_rules: int, domain: str, claims_bytes: int,
                timeout_ms: float) -> dict[str, Any]:
        """What the sandbox's prelude reads (``OPTIONS.actions``; see ``js/prelude/85-actions.js``)."""
        settings = {"domain": domain, "claim_limit_bytes": claims_bytes,
                    "timeout_ms": timeout_ms, **self.settings}
        return {
            "nRules": n_rules, "names": list(self.names), "legs": MAX_LEGS,
            "flow": [{"name": a.name, "id": a.id, "secrets": dict(s)}
                     for a, s in zip(self.actions, self.secrets, strict=True)],
            "ruleIds": list(self.rule_ids),
            "settings": settings,
            "perCall": settings.get("module_scope", SETTINGS["module_scope"]) == "per-call",
            "node22": any(node_major(a.runtime) >= 22 for a in self.actions),
        }


@functools.cache
def _source(name: str) -> str:
    return (_DIR / name).read_text(encoding="utf-8").strip()


def actions_js() -> str:
    """Return one JavaScript expression whose value is ``installActions(host, options)``.

    Examples
    --------
    >>> src = actions_js()
    >>> src.startswith("(function makeInstallActions")
    True
    """
    parts = ", ".join(f"{key}: {_source(JS_FILES[key])}"
                      for key in ("event", "copies", "api", "session_api", "globals", "changes", "cache",
                                  "result"))
    return f"{_source(JS_FILES['flow'])}({{{parts}}})"
