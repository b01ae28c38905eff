"""The column contract: every table's columns (name, dtype, meaning), and rows built from it.

:data:`COLUMNS` is the one description of the frames a :class:`~rulesim.Simulation` exposes:
the records check frames against it, ``docs/columns.md`` is generated from it, and the rows
the runtime and the executor write by hand (a login whose engine failed, a login a dead worker
never finished) are built here from its names, so a column added to the contract cannot be
forgotten in one of them. :data:`KNOWN_CATEGORIES` gives the categories its categorical columns
start with. It sits at the bottom of the layers so that every layer can read it.

>>> from rulesim.columns import LOGIN_FIELDS, failed_login_row
>>> LOGIN_FIELDS[:3]
('outcome', 'error_code', 'error_message')
>>> row = failed_login_row(error_code="cpu_limit", error_message="rule `x` ran too long",
...                        app_error="unauthorized", flags="cpu_limit")
>>> row["outcome"], row["id_token"], list(row) == list(LOGIN_FIELDS)
('error', '{}', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rulesim.outcomes import ChangeOp, ChangeTarget, LoginOutcome, RuleOutcome

__all__ = ["COLUMNS", "CONTRACT_NAMES", "KNOWN_CATEGORIES", "LOGIN_FIELDS", "failed_login_row",
           "fields", "known_categories"]


COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "logins": [
        ("login_id", "string", "the population's login id"),
        ("user_id", "string", "Auth0 user id"),
        ("outcome", "category", "allowed, denied, error, timeout or redirect"),
        ("error_code", "category", "stable code (rulesim.errors.ErrorCode) when not allowed"),
        ("error_message", "string", "message naming the rule and line"),
        ("app_error", "category", "the error the application receives: unauthorized / "
                                  "access_denied / interaction_required, or an Action's "
                                  "api.validation.error code"),
        ("deciding_rule", "category", "the rule or Action whose outcome decided the login"),
        ("mfa_required", "bool", "context.multifactor was set, or an Action required MFA "
                                 "(multifactor.enable, a challenge or an enrollment)"),
        ("mfa_provider", "category", "context.multifactor.provider (an Action's: its provider, "
                                     "or the first factor it challenged with)"),
        ("redirect_url", "string", "context.redirect.url at the end of the pipeline, or the "
                                   "first URL an Action sent the user to (a form: "
                                   "prompt:<form id>)"),
        ("id_token", "string", "JSON: final ID-token claims (standard + filtered custom)"),
        ("access_token", "string", "JSON: final custom access-token claims"),
        ("scopes", "string", "space-separated access-token scopes"),
        ("saml", "string", "JSON: context.samlConfiguration, if set (with Actions: the "
                           "configuration they set, and their attributes under `attributes`)"),
        ("saml_attributes", "string", "JSON: the SAML attributes the application receives, when "
                                      "set: context.samlConfiguration.mappings resolved against "
                                      "the final user (profile paths), with the Actions' "
                                      "samlResponse.setAttribute values over them"),
        ("primary_user", "string", "JSON: context.primaryUser (or "
                                   "api.authentication.setPrimaryUser), if set"),
        ("dropped_claims", "string", "JSON: [[token, claim, reason]] Auth0 silently drops"),
        ("cpu_ms", "float64", "measured engine time of the whole login"),
        ("latency_ms", "float64", "cpu_ms plus simulated I/O latency until the last callback"),
        ("rules_run", "int16", "rules and Actions that started (before any suspension)"),
        ("flags", "category", "comma-separated warnings (callback_called_twice, …)"),
    ],
    "rule_runs": [
        ("login_id", "string", "login"),
        ("phase", "category", "initial, or continue (the rules' second run after a redirect, "
                              "an Action's leg after a suspension)"),
        ("rule", "category", "rule or Action name (an Action named like a rule: "
                             "'<name> (action)')"),
        ("order", "int16", "rule order (an Action's: its place in the flow)"),
        ("outcome", "category", "ok, denied, error, timeout or skipped"),
        ("error_code", "category", "stable code when not ok"),
        ("error_message", "string", "message naming the rule and line"),
        ("line", "int32", "rule source line of the error (0 when unknown, and for memory_limit: "
                          "where memory ran out moves with the allocator and the batch)"),
        ("cpu_us", "float32", "engine time spent in this rule"),
        ("io_ms", "float32", "simulated time this rule waited (I/O, timers)"),
        ("n_calls", "int16", "external and Management API calls made"),
        ("n_changes", "int16", "changes to watched parts"),
        ("flags", "category", "comma-separated warnings"),
        ("kind", "category", "rule or action"),
        ("handler", "category", "the Action's handler: onExecutePostLogin or onContinuePostLogin "
                                "(missing for rules)"),
    ],
    "changes": [
        ("login_id", "string", "login"),
        ("phase", "category", "initial or continue"),
        ("rule", "category", "rule that made the change"),
        ("target", "category", "user, app_metadata, user_metadata, id_token, access_token, "
                               "multifactor, redirect, saml, primary_user; for Actions also "
                               "access, transaction_metadata, session, refresh_token, cache, "
                               "prompt, authentication"),
        ("path", "category", "JSON path inside the target ('' for the whole target)"),
        ("op", "category", "add, replace or remove"),
        ("before", "string", "JSON value before (null for add)"),
        ("after", "string", "JSON value after (null for remove)"),
        ("persisted", "bool", "written through the Management API (an Action's metadata "
                              "command: its value was written to the user)"),
        ("command", "category", "the Action's api command (idToken.setCustomClaim, …); missing "
                                "for rules"),
        ("flags", "category", "comma-separated: after_deny, after_resolve, ignored"),
    ],
    "calls": [
        ("login_id", "string", "login"),
        ("phase", "category", "initial or continue"),
        ("rule", "category", "rule that made the call"),
        ("kind", "category", "http or management"),
        ("method", "category", "HTTP method or Management API operation"),
        ("url", "string", "request URL"),
        ("status", "Int16", "response status (missing on transport errors)"),
        ("latency_ms", "float64", "simulated latency"),
        ("route", "category", "matched fake-service route (missing: unmatched)"),
        ("error", "category", "transport error: ECONNRESET, ETIMEDOUT, ENOTFOUND, handler_error"),
        ("fire_and_forget", "bool", "the answer arrived after the rule had called back"),
    ],
    "logs": [
        ("login_id", "string", "login"),
        ("phase", "category", "initial or continue"),
        ("rule", "category", "rule that wrote the line"),
        ("level", "category", "log, info, warn, error or debug"),
        ("message", "string", "the line"),
    ],
}


def fields(table: str, *, keyed: bool = False) -> tuple[str, ...]:
    """The column names of ``table`` in contract order; without the ``login_id`` and
    ``user_id`` keys the pipeline adds unless ``keyed``."""
    names = tuple(name for name, _, _ in COLUMNS[table])
    return names if keyed else tuple(n for n in names if n not in ("login_id", "user_id"))


def _error_codes() -> list[str]:
    from rulesim.errors import ErrorCode

    return [c.value for c in ErrorCode]


_LOGIN_OUTCOMES = [o.value for o in LoginOutcome]
_RULE_OUTCOMES = [o.value for o in RuleOutcome]
_TARGETS = [t.value for t in ChangeTarget]
_OPS = [o.value for o in ChangeOp]

KNOWN_CATEGORIES: dict[tuple[str, str], list[str]] = {
    ("logins", "outcome"): _LOGIN_OUTCOMES,
    ("logins", "error_code"): _error_codes(),
    ("logins", "mfa_provider"): ["any", "guardian", "google-authenticator", "duo"],
    ("rule_runs", "outcome"): _RULE_OUTCOMES,
    ("rule_runs", "error_code"): _error_codes(),
    ("changes", "target"): _TARGETS,
    ("changes", "op"): _OPS,
    ("calls", "kind"): ["http", "management"],
    ("calls", "method"): ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    ("calls", "error"): ["ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ENOTFOUND",
                         "handler_error"],
    ("logs", "level"): ["log", "info", "warn", "error", "debug"],
    ("rule_runs", "kind"): ["rule", "action"],
    ("rule_runs", "handler"): ["onExecutePostLogin", "onContinuePostLogin"],
    **{(t, "phase"): ["initial", "continue"] for t in ("rule_runs", "changes", "calls", "logs")},
    ("logins", "app_error"): ["unauthorized", "access_denied", "interaction_required"],
}
"""The known categories of categorical contract columns, by ``(table, column)``, so that frames
from different chunks and runs (and their parquet files) share dtypes. Values outside a list (a
custom MFA provider, say) follow it in sorted order; ``rule`` and ``deciding_rule`` take the
rule set's names (:func:`known_categories`)."""


def known_categories(table: str, name: str, rule_names: Sequence[str]) -> list[str]:
    """The categories column ``name`` of ``table`` starts with (``[]``: none known).

    >>> known_categories("logs", "level", [])
    ['log', 'info', 'warn', 'error', 'debug']
    >>> known_categories("rule_runs", "rule", ["a", "b", "a"])
    ['a', 'b']
    """
    if name in ("rule", "deciding_rule"):
        return list(dict.fromkeys(rule_names))
    return KNOWN_CATEGORIES.get((table, name), [])


CONTRACT_NAMES: dict[str, frozenset[str]] = {t: frozenset(c[0] for c in cols)
                                             for t, cols in COLUMNS.items()}
"""Each table's contract column names (a ``logins`` frame has the population's columns too)."""


LOGIN_FIELDS = fields("logins")
"""The ``logins`` columns a login's record carries (all but ``login_id`` and ``user_id``)."""

_NOTHING_RECORDED: dict[str, Any] = {
    "mfa_required": False, "mfa_provider": None, "redirect_url": None, "id_token": "{}",
    "access_token": "{}", "scopes": "", "saml": None, "saml_attributes": None,
    "primary_user": None,
    "dropped_claims": "[]", "cpu_ms": 0.0, "latency_ms": 0.0, "rules_run": 0, "flags": "",
}


def failed_login_row(*, error_code: str, error_message: str, app_error: str,
                     deciding_rule: Any = None, **measured: Any) -> dict[str, Any]:
    """The ``logins`` row of a login that ended in an error before it could record anything
    (its engine failed, or its worker died): every column of :data:`LOGIN_FIELDS`, in order.

    ``measured`` sets what is known of the login anyway (``cpu_ms``, ``latency_ms``,
    ``rules_run``, ``flags``).

    Raises
    ------
    KeyError
        For a name that is not a ``logins`` column.
    """
    unknown = set(measured) - set(LOGIN_FIELDS)
    if unknown:
        raise KeyError(f"not logins columns: {', '.join(sorted(unknown))}")
    row = {**_NOTHING_RECORDED, **measured, "outcome": LoginOutcome.ERROR.value,
           "error_code": error_code, "error_message": error_message, "app_error": app_error,
           "deciding_rule": deciding_rule}
    return {name: row[name] for name in LOGIN_FIELDS}
