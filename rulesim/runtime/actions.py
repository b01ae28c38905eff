"""The JavaScript side of post-login Actions, as sources the sandbox evaluates.

``runtime/js/actions/`` holds four function expressions:

* ``event.js``: the v3 ``event`` projected from rulesim's canonical login;
* ``api.js``: the ``api`` object as a command recorder with Auth0's validators and limits;
* ``flow.js``: the flow state machine (commands applied at the end, deny, suspension and
  resumption, optimistic metadata, the result the application receives);
* ``node_globals.js``: the Node 18/22 globals Actions use (``fetch`` over the host-operation
  outbox, ``URL``, ``TextEncoder``, ``structuredClone``, ``AbortController``, ``process``).

:func:`actions_js` joins them into one expression whose value is ``installActions(host,
options)``; the interface it returns is documented at the top of ``flow.js`` and in
``docs/actions.md``. :data:`SETTINGS` lists the settings of the contract's section 10 with
rulesim's defaults. Nothing here runs JavaScript: the pipeline evaluates the expression inside
its sandbox.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["JS_FILES", "SETTINGS", "actions_js"]

_DIR = Path(__file__).parent / "js" / "actions"

JS_FILES: Mapping[str, str] = {
    "event": "event.js",
    "api": "api.js",
    "globals": "node_globals.js",
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
    parts = ", ".join(f"{key}: {_source(JS_FILES[key])}" for key in ("event", "api", "globals"))
    return f"{_source(JS_FILES['flow'])}({{{parts}}})"
