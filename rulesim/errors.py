"""Exceptions raised by rulesim, and the stable codes that describe a rule's failure.

Two kinds of failure exist and they never mix:

* **Misuse of the library** (a bad argument, an unreadable file, a rule source that does not
  parse) raises one of the exceptions below, with a message that says what was wrong and how to
  fix it.
* **A failing rule** never raises: it becomes an outcome row whose ``error_code`` is one of the
  :class:`ErrorCode` values and whose message names the rule and line.

The exception tree::

    RulesimError                    base of everything rulesim raises on purpose
    ├── UsageError (ValueError)     an argument has the wrong type or value
    │   └── MixError                a population mix has bad weights or unknown keys
    ├── RuleLoadError               a rule source, export or tenant file cannot be loaded
    │   └── ActionLoadError         a post-login Action source or Actions export cannot be loaded
    ├── ConfigurationError          a configuration (secrets) file cannot be read
    ├── ServicesError               a fake-services file or route is malformed
    ├── PopulationError             a population file or user export cannot be read
    ├── MissingExtraError (ImportError)
    │                               an optional extra (dask, notebook) is not installed
    └── SandboxError                the sandbox itself failed (not a rule): a worker could not
                                    start, or the engine misbehaved in a way rulesim cannot map
                                    to a rule outcome

Catch :class:`RulesimError` to handle anything rulesim raises; catch the leaves to react to one
cause (for example :class:`RuleLoadError` in a CI job that validates a tenant export: it also
catches :class:`ActionLoadError`, so one ``except`` covers a whole tenant).
"""

from __future__ import annotations

import enum

__all__ = [
    "ActionLoadError",
    "ConfigurationError",
    "ErrorCode",
    "MissingExtraError",
    "MixError",
    "NativeBuildError",
    "PopulationError",
    "RuleLoadError",
    "RulesimError",
    "SandboxError",
    "ServicesError",
    "UsageError",
]


def _located(prefix: str, message: str, file: str | None, line: int | None,
             column: int | None) -> str:
    """``prefix (file; line L, column C): message``, leaving out what is unknown."""
    where = []
    if file:
        where.append(str(file))
    if line is not None:
        where.append(f"line {line}" + (f", column {column}" if column is not None else ""))
    location = f" ({'; '.join(where)})" if where else ""
    return f"{prefix}{location}: {message}"


class RulesimError(Exception):
    """Base class of every exception rulesim raises on purpose."""


class UsageError(RulesimError, ValueError):
    """An argument has the wrong type or value; the message names it and the expected form."""


class MixError(UsageError):
    """A population :class:`~rulesim.Mix` has negative, empty or unknown weights."""


class RuleLoadError(RulesimError):
    """A rule source or export cannot be loaded.

    Attributes
    ----------
    file, rule, line, column
        Where the problem is, when known (``None`` otherwise).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        rule: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.file = file
        self.rule = rule
        self.line = line
        self.column = column
        prefix = f"rule `{rule}`" if rule else "rules"
        super().__init__(_located(prefix, message, file, line, column))


class ActionLoadError(RuleLoadError):
    """A post-login Action or an Actions export (deploy-cli, tenant.yaml, API dump) cannot be
    loaded: a syntax error, no ``async`` ``onExecutePostLogin`` export, a duplicate name, a bad
    export file.

    It is a :class:`RuleLoadError`, so code that validates a tenant catches both. A module body
    that throws is *not* a load error: Auth0 saves it and every login that reaches the Action
    fails, so it becomes a run-time outcome.

    Attributes
    ----------
    file, action, line, column
        Where the problem is, when known (``None`` otherwise). ``rule`` is always ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        action: str | None = None,
        line: int | None = None,
        column: int | None = None,
        rule: str | None = None,
    ) -> None:
        # `rule` is accepted so the shared file readers can raise either class; it names the
        # Action when given.
        super().__init__(message, file=file, line=line, column=column)
        self.action = action or rule
        self.rule = None
        prefix = f"action `{self.action}`" if self.action else "actions"
        self.args = (_located(prefix, message, file, line, column),)


class ConfigurationError(RulesimError):
    """A configuration (Rules settings / secrets) file or mapping cannot be used."""


class ServicesError(RulesimError):
    """A fake external-services definition is malformed (bad file, route or latency model)."""


class PopulationError(RulesimError):
    """A population file or Auth0 user export cannot be read."""


class MissingExtraError(RulesimError, ImportError):
    """An optional dependency is missing; the message names the extra that brings it."""

    def __init__(self, extra: str, package: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package `{package}`. "
            f"Install it with: pip install 'rulesim[{extra}]'"
        )
        self.extra = extra
        self.package = package


class NativeBuildError(RulesimError, ImportError):
    """``RULESIM_NATIVE=required`` is set but the compiled host functions were not built.

    The message says what to install (a C compiler, the Python and OpenSSL headers) before
    reinstalling rulesim.
    """


class SandboxError(RulesimError):
    """The sandbox itself failed in a way that cannot be charged to a rule."""


class ErrorCode(str, enum.Enum):
    """Stable codes for why a rule or login did not simply succeed.

    They are data (they appear in ``error_code`` columns) and never change meaning between
    versions; new codes may be added.
    """

    UNAUTHORIZED = "unauthorized"
    """The rule called back with an ``UnauthorizedError``: the login is denied."""
    CALLBACK_ERROR = "callback_error"
    """The rule called back with an ``Error`` (or subclass other than ``UnauthorizedError``)."""
    NON_STANDARD_ERROR = "non_standard_error"
    """The rule called back with a plain string or object instead of an ``Error``."""
    RULE_EXCEPTION = "rule_exception"
    """The rule threw (synchronously or in a callback it scheduled)."""
    PROMISE_REJECTED = "promise_rejected"
    """An ``async`` rule's promise was rejected."""
    CALLBACK_NOT_CALLED = "callback_not_called"
    """The rule never called back and nothing was left to wait for: the pipeline timed out."""
    PIPELINE_TIMEOUT = "pipeline_timeout"
    """The rules took longer than the pipeline deadline (CPU plus simulated I/O)."""
    CPU_LIMIT = "cpu_limit"
    """One rule step used more CPU than :attr:`Limits.cpu_ms` (an infinite loop)."""
    MEMORY_LIMIT = "memory_limit"
    """The sandbox ran out of its memory limit (a memory bomb; also when the engine, out of
    room even for its error, throws null: see ``rulesim/runtime/_watchdog.c``)."""
    STACK_OVERFLOW = "stack_overflow"
    """Unbounded recursion hit the stack limit."""
    MODULE_NOT_ALLOWED = "module_not_allowed"
    """``require`` of a module that rulesim does not provide and the caller did not supply."""
    CLAIMS_TOO_LARGE = "claims_too_large"
    """Custom token claims exceed Auth0's 100 KB limit."""
    INVALID_RULE = "invalid_rule"
    """The rule source did not evaluate to a function inside the sandbox."""
    SERVICE_HANDLER_ERROR = "service_handler_error"
    """A Python handler of a fake external service raised."""
    PROTOTYPE_POLLUTION = "prototype_pollution"
    """A rule changed a built-in (a prototype, ``Object``, ``Math``, ...): added or replaced a
    property, enumerable or not, changed its attributes or prototype, or froze it. It is
    restored after the login, so no other login sees it. When the change could have handed the
    rule the sandbox's own objects (a getter or setter, a built-in method replaced, a function
    under a name the sandbox's code reads, a swapped prototype), the engine is rebuilt after the
    login too and ``global`` starts empty again: the sandbox's code ran while the built-in was
    changed, and a fresh engine is the only one a later login cannot reach through what a rule
    kept. The check after each login compares the prototypes of ``Object``, ``Array``,
    ``Function``, ``String``, ``Number``, ``Boolean``, ``Error``, ``Promise``, ``RegExp``,
    ``Date``, ``Map`` and ``Set``, and ``Object``, ``Array``, ``JSON``, ``Math``, ``Promise``
    and ``Reflect`` themselves; ``Object.defineProperty`` and its kin, or a freeze, aimed at any
    built-in send the login to the comparison of every built-in. Any other change to another
    built-in (``Number.isInteger = ...``, a key on ``JSON.parse``, on a module's exports or on
    ``process``) lasts, as in Node, until ``global`` is reset (every chunk, and
    :attr:`~rulesim.Limits.global_reset`), which restores them all."""
    CONSOLE_LIMIT = "console_limit"
    """Console output exceeded the per-login limit (lines past it were dropped)."""
    HOST_CALL_LIMIT = "host_call_limit"
    """The rule or Action made more host operations (HTTP requests, Management API calls)
    than :attr:`Limits.host_calls <rulesim.Limits.host_calls>` allows in one login pass: the
    calls past the limit were not made."""
    REDIRECT_NOT_ALLOWED = "redirect_not_allowed"
    """A rule set ``context.redirect`` in a flow that cannot redirect (resource owner,
    password, refresh token): Auth0 fails the login (``interaction_required``)."""
    SANDBOX_CRASH = "sandbox_crash"
    """The worker process running the login died; the login could not be evaluated."""
    ENGINE_ERROR = "engine_error"
    """The engine failed unexpectedly while running this rule."""
    UNSUPPORTED_GLOBAL = "unsupported_global"
    """The rule or Action read a global that Node has and the rulesim sandbox does not
    provide (``Intl``, ``WebAssembly``, the web streams; the list is
    :data:`rulesim.sources.node_globals.SANDBOX_LACKS`): the ``ReferenceError`` it got would not
    have happened in Auth0. The loaders warn about such code before it runs."""
    # --- post-login Actions (docs/actions.md) ---------------------------------------------
    ACTION_DENIED = "action_denied"
    """An Action called ``api.access.deny``: the login is denied (``access_denied``)."""
    SESSION_REVOKED = "session_revoked"
    """An Action called ``api.session.revoke``: the login is denied and the session ends."""
    REFRESH_TOKEN_REVOKED = "refresh_token_revoked"
    """An Action revoked the refresh token of a refresh-token exchange: the login is denied."""
    VALIDATION_ERROR = "validation_error"
    """An Action called ``api.validation.error``: the application receives its custom code."""
    ACTION_EXCEPTION = "action_exception"
    """An Action's handler threw or its promise was rejected (also an uncaught error in a
    timer or I/O callback it scheduled)."""
    INVALID_API_ARGUMENT = "invalid_api_argument"
    """An ``api`` method threw on an invalid argument and the Action did not catch it."""
    INVALID_HANDLER = "invalid_handler"
    """The Action does not export the handler as an ``async`` function ("Invalid function
    signature for the handler"), e.g. no ``onContinuePostLogin`` after a redirect."""
    MODULE_ERROR = "module_error"
    """The Action's module body threw (thrown again at every call until the module is reset)
    or did not compile in the sandbox."""
    ACTION_ABORTED = "action_aborted"
    """The Action redirected and rendered a form, or rendered twice: Auth0 aborts it."""
    MFA_LIMIT = "mfa_limit"
    """More than four MFA challenge or enrollment commands in one flow."""
