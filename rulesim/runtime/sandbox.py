"""The rule sandbox: one QuickJS engine with the Auth0 prelude and a compiled rule set.

A :class:`Sandbox` owns the engine's lifecycle: it loads the prelude, compiles each rule once,
and rebuilds everything after a fatal engine failure (CPU limit, out of memory, stack
overflow). It exposes the prelude's driver functions as typed methods; the per-login loop that
uses them lives in :mod:`rulesim.runtime.host`.

Untrusted code must never run in the caller's process: sandboxes are created inside worker
processes (:mod:`rulesim.runtime.worker`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rulesim._fastjson import loads
from rulesim.errors import ErrorCode
from rulesim.runtime import native, watchdog
from rulesim.runtime.actions import MAX_LEGS, ActionsSetup, actions_js
from rulesim.runtime.engine import Engine, EngineError, JSFunction
from rulesim.runtime.inline import INLINE_FUNCTIONS, InlinePort
from rulesim.runtime.inline import PROTOCOL as INLINE_PROTOCOL
from rulesim.runtime.js_names import sandbox_property_names
from rulesim.runtime.limits import Limits
from rulesim.runtime.rows import LoginBlock, decode_block
from rulesim.sources import Rule

__all__ = ["LINE_BLOCK", "NO_REDIRECT_PROTOCOLS", "PRELUDE_PARAMS", "RecordLayout", "Sandbox",
           "SandboxOptions", "Status", "prelude_source"]

_JS_DIR = Path(__file__).with_name("js")
LINE_BLOCK = 100_000
"""The largest line block (see :attr:`Sandbox.line_block`), for rule sets with huge sources.

Rule k is compiled starting at line (k + 1) × block, so a stack line names the rule. The
block is chosen per sandbox, the smallest power of ten above every source the engine
evaluates (the prelude and modules included): padding costs parse time at every rebuild."""

_DRIVER = ("begin", "runRule", "status", "takeOutbox", "deliver", "nextTimer",
           "fireTimers", "finish", "finishPending", "takeRecords", "finishBare", "floor",
           "adoptRule", "hostFail",
           "resetGlobal", "snapshotIntrinsics", "takeCoverage", "exportState", "beginFrom",
           "exportGlobal", "importGlobal", "worldMoved", "setPaired", "markInvalid", "runBatch",
           "resumeBatch", "replaceBatchLogin", "takeBatch", "floorBatch",
           # post-login Actions (js/prelude/85-actions.js)
           "adoptModule", "beginActions", "actionsState", "resumeActions",
           "trackerInUse")

NO_REDIRECT_PROTOCOLS = frozenset({"oauth2-resource-owner", "oauth2-password",
                                   "oauth2-refresh-token"})
"""Flows that cannot redirect (rules contract §6): a redirect there fails the login."""


class Status(enum.IntFlag):
    """What a driver call says about the rule it ran (handed to the prelude as ``STATUS``)."""

    DONE = 0
    """The rule called back."""
    PENDING = 1
    """The rule is waiting (timers or promises)."""
    FAILED = 2
    """The rule failed."""
    PENDING_IO = 3
    """The rule is waiting and host operations are queued in the outbox."""
    JOBS_LEFT = 4
    """Added to DONE or FAILED: promise jobs may be queued; run them before the next rule."""
    CHAINED = 256
    """The unit of an Action step's DONE that says how many of the next steps of its leg are
    done too (``status // CHAINED``): they ran chained in promise jobs and the host has
    nothing to drive in them (``85-actions.js``, ``Host.run_rules``)."""


@dataclasses.dataclass(frozen=True)
class RecordLayout:
    """How the records of a login are laid out: every rule of the set, and policy bits.

    Attributes
    ----------
    names
        Every rule of the set in pipeline order, disabled ones too (their rows say
        ``skipped``).
    positions
        Position in ``names`` of each rule the sandbox compiles.
    continue_redirects
        A login that ends on a redirect continues on ``/continue`` (so it leaves a batch).
    action_positions
        Position in ``names`` of each Action the sandbox runs.
    rule_rows
        How many of ``names`` are rules (the Actions' names follow them).
    """

    names: tuple[str, ...]
    positions: tuple[int, ...]
    continue_redirects: bool = False
    action_positions: tuple[int, ...] = ()
    rule_rows: int = 0


@cache
def _js(name: str) -> str:
    return (_JS_DIR / name).read_text(encoding="utf-8")


PRELUDE_PARAMS = "CONFIG_JSON, OPTIONS_JSON, makeRequire, REGISTRY, NATIVE, INSTALL_ACTIONS"
"""The parameters of the prelude's installer function (see :func:`prelude_source`)."""


@cache
def prelude_source() -> str:
    """The Auth0 prelude: one installer function expression made of the parts in ``js/prelude/``.

    The parts (``00-core.js`` … ``99-driver.js``, joined in name order) share one closure: each
    holds one concern (clock and console, host operations, globals, change tracking, rule
    outcomes, pollution checks, the login driver, tokens and records, batches, state export)
    and the last returns the driver object Python calls.
    """
    parts = sorted((_JS_DIR / "prelude").glob("*.js"))
    body = "".join(p.read_text(encoding="utf-8") for p in parts)
    return f"(function installRulesimPrelude({PRELUDE_PARAMS}) {{\n{body}}})"


class SandboxOptions:
    """Settings of the emulated Auth0 environment (not limits).

    Parameters
    ----------
    domain
        The tenant domain rules see in ``auth0.domain``.
    legacy_globals
        Node ≤ 12 mode: modules are also predefined as bare globals (``_``, ``request``, …).
    modules
        Caller-supplied module fakes, ``{"name@version": "<JS source or path>"}``.
    modules_dir
        Folder of real npm packages (``rulesim modules install``).
    """

    def __init__(self, *, domain: str = "acme.eu.auth0.com", legacy_globals: bool = False,
                 modules: Mapping[str, str] | None = None,
                 modules_dir: str | os.PathLike[str] | None = None) -> None:
        self.domain = domain
        self.legacy_globals = legacy_globals
        self.modules = dict(modules or {})
        self.modules_dir = Path(modules_dir) if modules_dir is not None else None


class Sandbox:
    """A QuickJS engine loaded with the Auth0 prelude and the enabled rules.

    Parameters
    ----------
    rules
        The rules to compile, in pipeline order (normally ``RuleSet.active``).
    configuration
        The ``configuration`` object rules read (frozen inside the sandbox).
    limits
        CPU, memory and stack limits, console and claim caps.
    options
        Environment settings (tenant domain, legacy globals, module fakes).
    layout
        The rows a login record has (default: one per compiled rule).
    actions
        Post-login Actions that run after the rules (see :mod:`rulesim.runtime.actions`).
    """

    def __init__(self, rules: Sequence[Rule], configuration: Mapping[str, str],
                 limits: Limits, options: SandboxOptions | None = None, *,
                 layout: RecordLayout | None = None,
                 actions: ActionsSetup | None = None) -> None:
        self.rules = list(rules)
        self.actions = actions if actions is not None and actions.actions else None
        n_act = len(self.actions.actions) if self.actions is not None else 0
        self.step_names = [r.name for r in self.rules] + (
            list(self.actions.names) * MAX_LEGS if self.actions is not None else [])
        """The name of every step the host drives: the rules, then each Action once per leg
        (step ``len(rules) + leg × n_actions + j`` runs Action ``j`` in that leg)."""
        self.step_labels = [f"rule `{n}`" for n in self.step_names[:len(self.rules)]] + [
            f"action `{n}`" for n in self.step_names[len(self.rules):]]
        """``rule `name``` or ``action `name```, per step, for messages."""
        self.n_actions = n_act
        self.layout = layout or RecordLayout(tuple(r.name for r in self.rules),
                                             tuple(range(len(self.rules))))
        self.configuration = dict(configuration)
        self.limits = limits
        self.options = options or SandboxOptions()
        self.invalid: dict[int, str] = {}
        self.rebuilds = 0
        self.salvaged: LoginBlock | None = None
        """The deferred records the engine held when it was last rebuilt (see :meth:`rebuild`);
        the pipeline takes them (:meth:`take_salvaged`)."""
        self._deferring = False
        self.port = InlinePort()
        """Where the host functions of an inline batch send their operations
        (:mod:`rulesim.runtime.inline`)."""
        self.inline_ready = False
        self.paired = False
        self._registry: tuple[str, str] | None = None
        self.line_block = LINE_BLOCK
        """Rule k starts at line (k + 1) × ``line_block`` of the engine's sources."""
        self._build()

    # --- lifecycle --------------------------------------------------------------------------
    def _build(self) -> None:
        self.engine = Engine(self.limits)
        if self._registry is None:
            # The same on every rebuild: built once.
            self._registry = self._module_registry()
            longest = max([prelude_source().count("\n") + sum(s.count("\n") for s in self._registry)
                           + (actions_js().count("\n") if self.actions is not None else 0)]
                          + [r.source.count("\n") for r in self.rules]
                          + [a.code.count("\n") for a in self._action_list()]) + 16
            self.line_block = max(1_000, 10 ** len(str(longest)))
        opts = {
            "consoleBytes": self.limits.console_kb * 1024,
            "consoleLineBytes": self.limits.console_line_bytes,
            "hostCalls": self.limits.host_calls,
            "lineBlock": self.line_block,
            "domain": self.options.domain,
            "hashAlgorithms": list(native.ALGORITHMS),
            "managementToken": "rulesim-management-api-token",
            "legacyGlobals": self.options.legacy_globals,
            "codes": {c.name: c.value for c in ErrorCode},
            "status": {name: int(st) for name, st in Status.__members__.items()},
            "claimLimit": self.limits.claims_kb * 1024,
            "claimsKb": self.limits.claims_kb,
            "errorMapping": self.limits.error_mapping,
            "noRedirectProtocols": sorted(NO_REDIRECT_PROTOCOLS),
            "ruleNames": list(self.layout.names),
            "activePos": list(self.layout.positions),
            "continueRedirects": self.layout.continue_redirects,
            # What a polluting login could have handed a rule (50-pollution.js, js_names.py).
            "sandboxNames": " ".join(sorted(sandbox_property_names())),
        }
        if self.actions is not None:
            opts["actions"] = self.actions.options(
                n_rules=len(self.rules), domain=self.options.domain,
                claims_bytes=self.limits.claims_kb * 1024,
                timeout_ms=self.limits.pipeline_timeout_ms)
            # Every step maps to its row: rules, then each Action once per leg.
            opts["activePos"] = list(self.layout.positions) + list(
                self.layout.action_positions) * MAX_LEGS
            opts["ruleRows"] = self.layout.rule_rows
        registry, make_require = self._registry
        # The native host functions exist as globals only until the prelude has taken them.
        in_c = [self.engine.add_host_function(f"__rulesim_native_{name}", fn, compiled=name)
                for name, fn in native.HOST_FUNCTIONS.items()]
        # crypto's digest objects in C, with the compiled crypto functions (no twins).
        hostc = native.compiled()
        digest_names = native.DIGEST_FUNCTIONS if hostc is not None and all(in_c) else ()
        for name in digest_names:
            self.engine.add_compiled_function(f"__rulesim_native_{name}", hostc, name)
        c_watchdog = watchdog.compiled_watchdog()   # tick's twin reads the C budget
        if c_watchdog is not None:
            self.engine.add_compiled_function("__rulesim_native_tick", c_watchdog, "tick")
        else:
            self.engine.add_host_function("__rulesim_native_tick", watchdog.tick)
        # The allocations the runtime refused: a null thrown after one is the memory limit.
        oom_names = ["oomCount"] if c_watchdog is not None and self.engine.counts_refusals else []
        for name in oom_names:
            self.engine.add_compiled_function(f"__rulesim_native_{name}", c_watchdog, name)
        # Node's locale-sensitive built-ins on ICU, when that extension is built (no twins).
        intl = native.compiled_intl()
        intl_names = native.INTL_FUNCTIONS if intl is not None else ()
        for name in intl_names:
            self.engine.add_compiled_function(f"__rulesim_native_{name}", intl, name)
        # The change tracker in C (30-tracking.js): its snapshot lives in an ArrayBuffer of
        # trackerBytes the prelude makes.
        tracker = native.compiled_tracker()
        tracker_names = native.TRACKER_FUNCTIONS if tracker is not None else ()
        for name in tracker_names:
            self.engine.add_compiled_function(f"__rulesim_native_{name}", tracker, name)
        # The host loop inside a batch (82-host-loop.js): the host's answers through the port,
        # the promise jobs in C.
        inline_names = list(INLINE_FUNCTIONS) if c_watchdog is not None else []
        if inline_names:
            self.engine.add_compiled_function("__rulesim_native_runJobs", c_watchdog, "runJobs")
            port = self.port
            for name, fn in (("hostOp", port.op), ("hostFlag", port.flag),
                             ("hostLogin", port.login)):
                self.engine.add_host_function(f"__rulesim_native_{name}", fn)
        self.inline_ready = bool(inline_names)
        """Whether batches can run inline (:meth:`run_batch`): the C watchdog runs their jobs."""
        opts["inline"] = INLINE_PROTOCOL
        opts["deadlineMs"] = self.limits.pipeline_timeout_ms
        opts["deadlineText"] = f"{self.limits.pipeline_timeout_ms:g}"
        opts["trackerBytes"] = tracker.state_size() if tracker is not None else 0
        opts["intrinsicsBytes"] = tracker.intrinsics_size() if tracker is not None else 0
        host_names = [*native.HOST_FUNCTIONS, *digest_names, "tick", *oom_names, *intl_names,
                      *tracker_names, *inline_names]
        # Compiled, the crypto functions take any string as 'utf8' text (10-host.js).
        natives = ", ".join([f"{n}: __rulesim_native_{n}" for n in host_names]
                            + [f"anyText: {'true' if all(in_c) else 'false'}"])
        install_actions = actions_js() if self.actions is not None else "null"
        setup = (
            f"globalThis.__rulesim_driver = {prelude_source()}("
            f"{json.dumps(json.dumps(self.configuration))}, {json.dumps(json.dumps(opts))}, "
            f"{make_require}, {registry}, {{{natives}}}, {install_actions});\n"
            + "".join(f"delete globalThis.__rulesim_native_{n};\n" for n in host_names)
            + "".join(f"globalThis.__rulesim_{n} = __rulesim_driver.{n};\n" for n in _DRIVER)
            + "delete globalThis.__rulesim_driver;"
        )
        self.engine.eval(setup)
        self._fn: dict[str, JSFunction] = {n: self.engine.global_function(f"__rulesim_{n}")
                                           for n in _DRIVER}
        self.run_rule: Callable[[int], int] = self.engine.bind(self._fn["runRule"])
        """Run active rule ``i`` of the login begun; its :class:`Status` (the hot call)."""
        self.invalid = {}
        for i, rule in enumerate(self.rules):
            self._compile(i, rule)
            if i in self.invalid:
                self._call("markInvalid", i, self.invalid_message(i))
        for j, action in enumerate(self._action_list()):
            self._compile_module(j, action.code)
        self._call("snapshotIntrinsics")
        self.change_tracker = "c" if self._call("trackerInUse") else "proxies"
        """Who records the rules' changes: ``"c"``, the change tracker in C, or ``"proxies"``."""
        if tracker is not None and self.change_tracker == "proxies":
            native.tracker_refused()
        if self.paired:
            self.engine.call(self._fn["setPaired"], True)

    def set_paired(self) -> None:
        """Note each login's parsed objects, so paired runs export state fast (kept on rebuild)."""
        self.paired = True
        self._call("setPaired", True)

    def _module_registry(self) -> tuple[str, str]:
        """JS source of the module registry and of ``makeRequire`` (or nulls when absent)."""
        require_js = _JS_DIR / "require.js"
        if not require_js.is_file() or not Path(__file__).with_name("modules.py").is_file():
            return "null", "null"
        from rulesim.runtime import modules

        registry = modules.build_registry_js(
            [r.source for r in self.rules] + [a.code for a in self._action_list()],
            self.options.modules, self.options.modules_dir,
            legacy_globals=self.options.legacy_globals)
        return registry, _js("require.js")

    def _compile(self, index: int, rule: Rule) -> None:
        pad = "\n" * ((index + 1) * self.line_block - 1)
        text = f"{pad}globalThis.__rulesim_rule = (\n{rule.source}\n);"
        err = self.engine.compile_error(text)
        if err is not None:
            self.invalid[index] = f"does not compile in the sandbox: {err.splitlines()[0]}"
            return
        kind = self._call("adoptRule", index, rule.name)
        if kind:
            self.invalid[index] = f"the source evaluates to a value of type {kind}, not a function"

    def _action_list(self) -> tuple[Any, ...]:
        return self.actions.actions if self.actions is not None else ()

    def _compile_module(self, j: int, code: str) -> None:
        """Compile Action ``j``'s CommonJS module, starting at line block ``len(rules) + j + 1``
        (its body runs at the first login that reaches it; see ``85-actions.js``)."""
        pad = "\n" * ((len(self.rules) + j + 1) * self.line_block - 1)
        text = (f"{pad}globalThis.__rulesim_module = (function (exports, require, module, "
                f"__filename, __dirname, global) {{\n{code}\n}});")
        err = self.engine.compile_error(text)
        problem = "" if err is None else f"does not compile in the sandbox: {err.splitlines()[0]}"
        self._call("adoptModule", j, problem)

    def begin_actions(self, payload: str) -> bool:
        """Start the Actions of the running login from its canonical payload (the stored
        profile, with what the rules persisted). False when they do not run: a rule failed or
        left a redirect pending."""
        return int(self._call("beginActions", payload)) == 0

    def actions_state(self) -> dict[str, Any]:
        """The Actions flow of the running login while it is suspended: ``{state, kind, url,
        promptId}``; ``{}`` when it is not (the host then stops)."""
        text = self._call("actionsState")
        return dict(json.loads(text)) if text else {}

    def resume_actions(self, request_json: str) -> int:
        """Resume a suspended flow with the continuation (``{query, body, method}``,
        ``{factor}`` or ``{fields}``); the index of the Action that runs next."""
        return int(self._call("resumeActions", request_json))

    def rebuild(self) -> None:
        """Throw the engine away and build a fresh one (``global`` starts empty).

        Deferred records the engine still holds (:meth:`finish_pending`) are taken first, with
        its memory limit lifted for that one call (the engine is thrown away after it), and
        kept in :attr:`salvaged`, so that an engine failure does not take the records of the
        logins before it along.
        """
        salvaged = None
        if self._deferring:
            with contextlib.suppress(EngineError):
                self.engine.lift_memory_limit()
                salvaged = self.take_records()
        self._deferring = False
        if salvaged is not None:
            self.salvaged = salvaged
        self.rebuilds += 1
        self._build()

    @property
    def deferring(self) -> bool:
        """Whether the engine may hold deferred records (:meth:`take_records` hands them over)."""
        return self._deferring

    def take_salvaged(self) -> LoginBlock | None:
        """The records :meth:`rebuild` saved from the engine it threw away (once), or None."""
        block, self.salvaged = self.salvaged, None
        return block

    def invalid_message(self, i: int) -> str:
        """What makes compiled rule ``i`` unusable, as its error message says it."""
        return f"rule `{self.rules[i].name}` {self.invalid[i]}"

    # --- driver calls (each under the limits; each raises EngineError) ----------------------
    def _call(self, name: str, *args: Any) -> Any:
        return self.engine.call(self._fn[name], *args)

    def begin(self, payload: str, seed: int, *, bare: bool = False) -> float:
        """Start a login from its JSON payload; return its virtual clock (ms).

        ``bare`` records nothing (the benchmark baseline); end it with :meth:`finish_bare`.
        """
        return float(self._call("begin", payload, seed, bare))

    def status(self, i: int) -> int:
        """The :class:`Status` of active rule ``i`` of the running login."""
        return int(self._call("status", i))

    def take_outbox(self) -> list[list[Any]]:
        """The host operations queued since the last call: ``[id, kind, rule, payload]``."""
        text = self._call("takeOutbox")
        return list(loads(text)) if text else []

    def deliver(self, op_id: int, error_json: str, response_json: str, at_ms: float) -> None:
        """Answer host operation ``op_id`` at virtual time ``at_ms`` (JSON texts or '')."""
        self._call("deliver", op_id, error_json, response_json, at_ms)

    def next_timer(self) -> float:
        """Virtual time of the earliest timer, or -1 when none is set."""
        return float(self._call("nextTimer"))

    def fire_timers(self, at_ms: float) -> None:
        """Move the clock to ``at_ms`` and run every timer due by then."""
        self._call("fireTimers", at_ms)

    def host_fail(self, i: int, code: ErrorCode, message: str) -> None:
        """Fail active rule ``i`` for a reason only the host knows (a timeout, a raising
        service handler, a rule that did not compile)."""
        self._call("hostFail", i, code.value, message)

    def finish(self, host_json: str) -> LoginBlock:
        """End the running login and return its record.

        ``host_json`` is what the host measured (``{cpuBegin, cpu, io, calls, ioTotal,
        timedOut}``); see ``js/prelude/75-records.js``.
        """
        return decode_block(self._call("finish", host_json))

    def finish_pending(self, host_json: str) -> LoginBlock | None:
        """End the running login as :meth:`finish` does, keeping its record with the deferred
        records (see :meth:`run_batch`); None, or every deferred record when the engine must be
        rebuilt after the login (the memory limit, or a built-in it cannot restore: the block
        says ``rebuild``)."""
        self._deferring = True
        text = self._call("finishPending", host_json)
        if not text:
            return None
        self._deferring = False
        return decode_block(text)

    def take_records(self) -> LoginBlock | None:
        """The deferred records gathered so far, in login order (None: none)."""
        text = self._call("takeRecords")
        self._deferring = False
        return decode_block(text) if text else None

    def finish_bare(self) -> int:
        """End a bare login: 1 when it was allowed, 0 otherwise."""
        return int(self._call("finishBare"))

    def run_batch(self, logins_json: str, seeds_json: str, *, defer: bool = False,
                  inline: bool = False) -> LoginBlock:
        """Run a batch of logins (a JSON array of payloads, and their seeds) while no rule
        needs the host; the block of those done, with ``left`` set when one left the batch.

        With ``defer``, the records of the logins done stay in the engine with the deferred
        records (:meth:`finish_pending`, :meth:`take_records`): the block returned is empty,
        with ``left`` set when a login left, unless the engine must be rebuilt after the last
        login (then it holds every deferred record and says ``rebuild``).

        With ``inline`` too, no login leaves: one that needs the host is driven inside the
        batch, and :attr:`port`'s :class:`~rulesim.runtime.inline.InlineHost` answers its
        operations. The prelude holds to it only where it can (:attr:`inline_ready`, deferred
        records, rules without Actions whose redirects stop); elsewhere logins leave.
        """
        self._deferring = self._deferring or defer
        block = decode_block(self._call("runBatch", logins_json, seeds_json, defer, inline))
        if defer and block.rebuild:
            self._deferring = False
        return block

    def resume_batch(self, start: int) -> LoginBlock:
        """Continue the batch from its login ``start`` (after the host finished one that left)."""
        block = decode_block(self._call("resumeBatch", start))
        if block.rebuild:
            self._deferring = False
        return block

    def replace_batch_login(self, j: int, payload: str) -> None:
        """Give login ``j`` of the batch a new payload before it runs."""
        self._call("replaceBatchLogin", j, payload)

    def take_batch(self) -> LoginBlock | None:
        """After an engine failure inside a batch: the logins it finished, and in ``left``
        the login and rule that were running (None when the engine cannot answer)."""
        try:
            text = self._call("takeBatch")
        except EngineError:
            return None
        self._deferring = False
        return decode_block(text) if text else None

    def reset_global(self) -> None:
        """Empty ``global`` (a new chunk, or the reset policy of :class:`Limits`)."""
        self._call("resetGlobal")

    def export_state(self) -> str:
        """The running login's state between two rules as exact JSON ('' when it cannot be
        copied exactly; see :mod:`rulesim.paired`)."""
        return str(self._call("exportState"))

    def begin_from(self, state: str) -> None:
        """Start a login from another sandbox's :meth:`export_state`."""
        self._call("beginFrom", state)

    def export_global(self) -> str:
        """``global`` as exact JSON, or '' when it cannot be copied exactly."""
        return str(self._call("exportGlobal"))

    def import_global(self, state: str) -> None:
        """Replace ``global`` with another sandbox's :meth:`export_global`."""
        self._call("importGlobal", state)

    def world_moved(self) -> str:
        """What changed since set-up in the built-ins or the global object (``global`` aside).

        Returns
        -------
        str
            The changed properties, comma-separated (``'Number.isInteger, globalThis.hits'``),
            or ``''``. Nothing is restored (:meth:`reset_global` does that); a paired run asks
            at the end of a chunk whether the candidate could share the baseline's rules.
        """
        return str(self._call("worldMoved"))

    def run_jobs(self) -> int:
        """Run pending promise jobs."""
        return self.engine.run_jobs()

    def take_coverage(self) -> dict[str, list[int]]:
        """Read and zero the hit counters of instrumented rules (see :mod:`rulesim.coverage`)."""
        text = self._call("takeCoverage")
        return dict(json.loads(text)) if text else {}

    def floor(self, payload: str) -> int:
        """Run the rules on one login with no recording (the benchmark floor)."""
        return int(self._call("floor", payload))

    def floor_batch(self, payloads: Sequence[str]) -> int:
        """The floor over many logins in one engine call (a JSON array of their payloads)."""
        return int(self._call("floorBatch", "[" + ",".join(payloads) + "]"))


__all__ += ["EngineError"]
