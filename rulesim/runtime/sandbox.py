"""The rule sandbox: one QuickJS engine with the Auth0 prelude and a compiled rule set.

A :class:`Sandbox` owns the engine's lifecycle: it loads the prelude, compiles each rule once,
and rebuilds everything after a fatal engine failure (CPU limit, out of memory, stack
overflow). It exposes the prelude's driver functions as typed methods; the per-login loop that
uses them lives in :mod:`rulesim.pipeline`.

Untrusted code must never run in the caller's process: sandboxes are created inside worker
processes (:mod:`rulesim.runtime.worker`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rulesim.runtime import native
from rulesim.runtime.engine import Engine, EngineError, JSFunction
from rulesim.runtime.limits import Limits
from rulesim.sources import Rule

__all__ = ["LINE_BLOCK", "PRELUDE_PARAMS", "Sandbox", "SandboxOptions", "prelude_source"]

_JS_DIR = Path(__file__).with_name("js")
LINE_BLOCK = 100_000
"""The largest line block (see :attr:`Sandbox.line_block`), for rule sets with huge sources.

Rule k is compiled starting at line (k + 1) × block, so a stack line names the rule. The
block is chosen per sandbox, the smallest power of ten above every source the engine
evaluates (the prelude and modules included): padding costs parse time at every rebuild."""

_DRIVER = ("begin", "runRule", "status", "takeOutbox", "deliver", "nextTimer",
           "fireTimers", "finish", "finishBare", "floor", "adoptRule", "hostFail",
           "resetGlobal", "snapshotIntrinsics", "takeCoverage", "exportState", "beginFrom",
           "exportGlobal", "importGlobal", "setPaired")


@cache
def _js(name: str) -> str:
    return (_JS_DIR / name).read_text(encoding="utf-8")


PRELUDE_PARAMS = "CONFIG_JSON, OPTIONS_JSON, makeRequire, REGISTRY, NATIVE"
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
    """

    def __init__(self, rules: Sequence[Rule], configuration: Mapping[str, str],
                 limits: Limits, options: SandboxOptions | None = None) -> None:
        self.rules = list(rules)
        self.configuration = dict(configuration)
        self.limits = limits
        self.options = options or SandboxOptions()
        self.invalid: dict[int, str] = {}
        self.rebuilds = 0
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
            longest = max([prelude_source().count("\n") + sum(s.count("\n") for s in self._registry)]
                          + [r.source.count("\n") for r in self.rules]) + 16
            self.line_block = max(1_000, 10 ** len(str(longest)))
        opts = {
            "consoleBytes": self.limits.console_kb * 1024,
            "consoleLineBytes": self.limits.console_line_bytes,
            "lineBlock": self.line_block,
            "domain": self.options.domain,
            "managementToken": "rulesim-management-api-token",
            "legacyGlobals": self.options.legacy_globals,
        }
        registry, make_require = self._registry
        # The native host functions exist as globals only until the prelude has taken them.
        for name, fn in native.HOST_FUNCTIONS.items():
            self.engine.add_host_function(f"__rulesim_native_{name}", fn)
        natives = ", ".join(f"{n}: __rulesim_native_{n}" for n in native.HOST_FUNCTIONS)
        setup = (
            f"globalThis.__rulesim_driver = {prelude_source()}("
            f"{json.dumps(json.dumps(self.configuration))}, {json.dumps(json.dumps(opts))}, "
            f"{make_require}, {registry}, {{{natives}}});\n"
            + "".join(f"delete globalThis.__rulesim_native_{n};\n" for n in native.HOST_FUNCTIONS)
            + "".join(f"globalThis.__rulesim_{n} = __rulesim_driver.{n};\n" for n in _DRIVER)
            + "delete globalThis.__rulesim_driver;"
        )
        self.engine.eval(setup)
        self._fn: dict[str, JSFunction] = {n: self.engine.global_function(f"__rulesim_{n}")
                                           for n in _DRIVER}
        self._direct: dict[str, Any] = {}
        self.invalid = {}
        for i, rule in enumerate(self.rules):
            self._compile(i, rule)
        self.engine.call(self._fn["snapshotIntrinsics"])
        if self.paired:
            self.engine.call(self._fn["setPaired"], True)

    def set_paired(self) -> None:
        """Note each login's parsed objects, so paired runs export state fast (kept on rebuild)."""
        self.paired = True
        self.engine.call(self._fn["setPaired"], True)

    def _module_registry(self) -> tuple[str, str]:
        """JS source of the module registry and of ``makeRequire`` (or nulls when absent)."""
        require_js = _JS_DIR / "require.js"
        if not require_js.is_file() or not Path(__file__).with_name("modules.py").is_file():
            return "null", "null"
        from rulesim.runtime import modules

        registry = modules.build_registry_js(
            [r.source for r in self.rules], self.options.modules, self.options.modules_dir,
            legacy_globals=self.options.legacy_globals)
        return registry, _js("require.js")

    def _compile(self, index: int, rule: Rule) -> None:
        pad = "\n" * ((index + 1) * self.line_block - 1)
        text = f"{pad}globalThis.__rulesim_rule = (\n{rule.source}\n);"
        err = self.engine.compile_error(text)
        if err is not None:
            self.invalid[index] = f"does not compile in the sandbox: {err.splitlines()[0]}"
            return
        kind = self.engine.call(self._fn["adoptRule"], index, rule.name)
        if kind:
            self.invalid[index] = f"the source evaluates to a value of type {kind}, not a function"

    def rebuild(self) -> None:
        """Throw the engine away and build a fresh one (``global`` starts empty)."""
        self.rebuilds += 1
        self._build()

    # --- driver calls -------------------------------------------------------------------------
    def call(self, name: str, *args: Any) -> Any:
        """Call a prelude driver function under the limits (raises :class:`EngineError`)."""
        return self.engine.call(self._fn[name], *args)

    def direct(self, name: str) -> Any:
        """A driver function as a plain callable for hot loops.

        It runs under the same limits as :meth:`call` and raises :class:`EngineError` the
        same way, without the wrapper frames of :meth:`call`.
        """
        fn = self._direct.get(name)
        if fn is None:
            fn = self._direct[name] = self.engine.bind(self._fn[name])
        return fn

    def run_jobs(self) -> int:
        """Run pending promise jobs."""
        return self.engine.run_jobs()

    def take_coverage(self) -> dict[str, list[int]]:
        """Read and zero the hit counters of instrumented rules (see :mod:`rulesim.coverage`)."""
        text = self.call("takeCoverage")
        return dict(json.loads(text)) if text else {}

    def floor(self, payload: str) -> int:
        """Run the rules on one login with no recording (the benchmark floor)."""
        return int(self.engine.call(self._fn["floor"], payload))


__all__ += ["EngineError"]
