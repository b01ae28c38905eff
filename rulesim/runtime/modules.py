"""The modules a rule can ``require``: built-in implementations, caller fakes, real npm packages.

Inside the sandbox, ``require`` (``runtime/js/require.js``) resolves a spec in this order:

1. modules the caller supplies (``modules={"mongodb@3.1.4": "<JS source or path>"}``);
2. rulesim's built-in implementations (``runtime/js/modules/*.js``): ``request``, ``axios``,
   ``node-fetch``, ``slack-notify``, ``auth0``, ``@auth0/rule-utilities``, ``jsonwebtoken``,
   ``uuid``, ``xtend`` and the Node core modules rules use;
3. real pure-JS npm packages (:data:`REAL_PACKAGES`) installed in the modules folder and run as
   their real code by a CommonJS loader.

Anything else fails inside the rule with the ``module_not_allowed`` error code, as Auth0's
allow-list does.

This module builds the ``registry`` JavaScript expression that ``makeRequire`` consumes
(:func:`build_registry_js`), and installs npm packages into the modules folder
(:func:`install`; the ``rulesim modules install`` command of the CLI calls it).

The modules folder
------------------
``npm install --prefix DIR`` puts packages in ``DIR/node_modules``. ``DIR`` is
``$RULESIM_MODULES_DIR`` when set, else ``$XDG_CACHE_HOME/rulesim/modules`` (by default
``~/.cache/rulesim/modules``): a per-user cache, never inside a project, so ``node_modules`` is
never committed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rulesim.errors import RulesimError, UsageError

__all__ = [
    "BUILTIN_MODULES",
    "LEGACY_GLOBALS",
    "MODULES_DIR_ENV",
    "MODULE_SPEC_PATTERN",
    "REAL_PACKAGES",
    "build_registry_js",
    "default_modules_dir",
    "install",
    "install_command",
    "parse_module_spec",
    "require_js",
    "scan_requires",
]

MODULES_DIR_ENV = "RULESIM_MODULES_DIR"
"""Environment variable that overrides :func:`default_modules_dir`."""

BUILTIN_MODULES: Mapping[str, str] = {
    "@auth0/rule-utilities": "rule_utilities.js",
    "auth0": "auth0.js",
    "axios": "axios.js",
    "buffer": "buffer.js",
    "crypto": "crypto.js",
    "events": "events.js",
    "internal/errors": "internal_errors.js",
    "internal/globals": "node_globals.js",
    "internal/inspect": "inspect.js",
    "internal/intl": "intl.js",
    "internal/webcrypto": "webcrypto.js",
    "jsonwebtoken": "jsonwebtoken.js",
    "node-fetch": "node_fetch.js",
    "process": "process.js",
    "querystring": "querystring.js",
    "request": "request.js",
    "request-promise": "request_promise.js",
    "request-promise-native": "request_promise.js",
    "slack-notify": "slack_notify.js",
    "url": "url.js",
    "util": "util.js",
    "uuid": "uuid.js",
    "uuid/v4": "uuid_v4.js",
    "xtend": "xtend.js",
}
"""Module names rulesim implements itself, mapped to their file in ``runtime/js/modules``.

The ``internal/...`` ones serve the other built-ins and the sandbox (Node's error helpers, the
Node globals); rules cannot require them, as in Node."""

REAL_PACKAGES: Mapping[str, str] = {
    "async": "3.2.4",
    "ipaddr.js": "2.1.0",
    "lodash": "4.17.21",
    "moment": "2.29.4",
    "moment-timezone": "0.5.43",
    "q": "1.5.1",
    "xmldom": "0.6.0",
    "xpath": "0.0.32",
}
"""Pure-JS npm packages rulesim runs as real code, with a known-good version of each.

``require.js`` receives this table with the registry (:func:`module_tables`): it names the
version to install when a rule requires one that is missing.
"""

LEGACY_GLOBALS: Mapping[str, str] = {
    "_": "lodash",
    "async": "async",
    "crypto": "crypto",
    "jwt": "jsonwebtoken",
    "q": "q",
    "querystring": "querystring",
    "request": "request",
    "uuid": "uuid",
    "xmldom": "xmldom",
    "xpath": "xpath",
    "xtend": "xtend",
}
"""The bare globals the legacy (Node <= 12) runtimes defined, and the module each one is.

With ``legacy_globals=True`` the sandbox defines each global whose module it can load (see
:func:`module_tables`); the real packages among them are shipped without a ``require``.
"""

MODULE_SPEC_PATTERN = r"((?:@[^/@\s]+/)?[^/@\s]+)(?:@([^/\s]+))?(?:/(.+))?"
"""A module spec, ``name[@version][/subpath]`` with an optional ``@scope/``: groups name,
version and subpath. Unanchored, and written so that Python's ``re`` and JavaScript's
``RegExp`` read it alike; both sides anchor it and strip a ``node:`` prefix first
(:func:`parse_module_spec` is the Python side).
"""

# The legacy globals that are real packages (shipped when legacy globals are on).
_LEGACY_REAL_PACKAGES = tuple(dict.fromkeys(
    name for name in LEGACY_GLOBALS.values() if name in REAL_PACKAGES))

_JS_DIR = Path(__file__).parent / "js"

# name[@version][/subpath], with an optional @scope/ and an optional node: prefix.
_SPEC_RE = re.compile(rf"^(?:node:)?{MODULE_SPEC_PATTERN}$")
# require('x') / require("x") / require(`x`) with a literal argument.
_REQUIRE_RE = re.compile(r"""require\s*\(\s*(['"`])([^'"`\s]+)\1\s*\)""")
# require('./dir/' + name): a dynamic require under a literal folder (moment's locales, which
# it loads through an alias: `aliasedRequire('./locale/' + name)`).
_DYNAMIC_REQUIRE_RE = re.compile(r"""[Rr]equire\s*\(\s*(['"])(\.{1,2}/[^'"]*)\1\s*\+""")
# A plain registry spec for `npm install`: no URLs, paths, git refs or shell syntax.
_INSTALL_SPEC_RE = re.compile(r"^(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*(?:@[\w.^~<>=|* -]+)?$", re.I)

_NODE_CORE = frozenset(
    (
        "assert", "buffer", "child_process", "crypto", "dns", "events", "fs", "http", "https",
        "net", "os", "path", "process", "punycode", "querystring", "stream", "string_decoder",
        "timers", "tls", "tty", "url", "util", "vm", "zlib",
    )
)  # fmt: skip
# Folders of a package that code never loads.
_SKIP_DIRS = frozenset(
    {"test", "tests", "__tests__", "docs", "doc", "example", "examples", ".github"}
)
_DYNAMIC_DIR_CAP = 4 * 1024 * 1024  # bytes included for one dynamically-required folder


def parse_module_spec(spec: str) -> tuple[str, str | None]:
    """Split a ``require`` spec into its package name and pinned version.

    Mirrors ``parseSpec`` in ``require.js``: ``name``, ``name@1.2.3``, ``@scope/name@1.2.3``,
    ``name/sub/path`` and ``node:crypto`` are understood; a subpath is dropped.

    Parameters
    ----------
    spec
        The string a rule passes to ``require``.

    Returns
    -------
    tuple
        ``(name, version)``; ``version`` is ``None`` when the spec does not pin one.

    Raises
    ------
    UsageError
        If ``spec`` is not a string or is not a module spec (relative paths included: a rule
        has no folder to be relative to).

    Examples
    --------
    >>> parse_module_spec("@auth0/rule-utilities@0.2.0")
    ('@auth0/rule-utilities', '0.2.0')
    >>> parse_module_spec("lodash")
    ('lodash', None)
    """
    if not isinstance(spec, str):
        raise UsageError(f"expected spec to be a str, got spec={spec!r}")
    match = _SPEC_RE.match(spec)
    if match is None or spec.startswith((".", "/")):
        raise UsageError(
            f"expected spec to be a module name such as 'lodash@4.17.21' or "
            f"'@scope/name@1.2.3', got spec={spec!r}"
        )
    return match.group(1), match.group(2)


def install_command(spec: str) -> str:
    """Return the command that installs ``spec`` (``rulesim modules install lodash@4.17.21``).

    A spec without a version gets the known-good default of :data:`REAL_PACKAGES`.
    """
    name, version = parse_module_spec(spec)
    version = version or REAL_PACKAGES.get(name)
    return (
        f"rulesim modules install {name}@{version}"
        if version
        else f"rulesim modules install {name}"
    )


def default_modules_dir() -> Path:
    """Return the folder real npm packages are installed into and loaded from.

    ``$RULESIM_MODULES_DIR`` when set; otherwise ``$XDG_CACHE_HOME/rulesim/modules``, by
    default ``~/.cache/rulesim/modules``. Packages live in its ``node_modules`` subfolder.
    """
    env = os.environ.get(MODULES_DIR_ENV)
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "rulesim" / "modules"


def install(specs: Sequence[str], *, modules_dir: Path | None = None) -> None:
    """Install npm packages into the modules folder with the system ``npm``.

    Runs ``npm install --prefix DIR --no-audit --no-fund SPEC...``. This is what the
    ``rulesim modules install lodash@4.17.21`` command calls.

    Parameters
    ----------
    specs
        Registry specs such as ``"lodash@4.17.21"`` or ``"moment-timezone"`` (a bare name of
        :data:`REAL_PACKAGES` gets its known-good version).
    modules_dir
        Where to install; :func:`default_modules_dir` when ``None``.

    Raises
    ------
    UsageError
        If ``specs`` is empty or a spec is not a plain registry spec (URLs, paths and git
        references are refused: rulesim only loads registry packages).
    RulesimError
        If ``npm`` is not on ``PATH`` or ``npm install`` fails; the message has npm's output.
    """
    if isinstance(specs, str) or not specs:
        raise UsageError(
            f"expected specs to be a non-empty list of module specs, got specs={specs!r}"
        )
    resolved: list[str] = []
    for spec in specs:
        if not isinstance(spec, str) or not _INSTALL_SPEC_RE.match(spec):
            raise UsageError(
                "expected each spec to be an npm registry spec such as 'lodash@4.17.21', "
                f"got {spec!r}"
            )
        name, version = parse_module_spec(spec)
        default = REAL_PACKAGES.get(name)
        resolved.append(spec if version or default is None else f"{name}@{default}")
    npm = shutil.which("npm")
    if npm is None:
        raise RulesimError(
            "`npm` was not found on PATH; rulesim uses it to fetch pure-JS packages. Install "
            "Node.js with npm (for example `apt-get install npm`) and run the command again."
        )
    target = Path(modules_dir) if modules_dir is not None else default_modules_dir()
    target.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", *resolved]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise RulesimError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{tail}")


def scan_requires(sources: Iterable[str]) -> list[str]:
    """Return the module specs that ``sources`` pass literally to ``require``, first seen first."""
    seen: dict[str, None] = {}
    for source in sources:
        for match in _REQUIRE_RE.finditer(source):
            seen.setdefault(match.group(2), None)
    return list(seen)


@functools.cache
def require_js() -> str:
    """Return the source of ``makeRequire``: one JS function expression.

    Evaluate it, then call it as ``makeRequire(host, registry, options)`` (see
    ``runtime/js/require.js`` for ``options``).
    """
    return (_JS_DIR / "require.js").read_text(encoding="utf-8")


@functools.cache
def _builtin_source(filename: str) -> str:
    return (_JS_DIR / "modules" / filename).read_text(encoding="utf-8").strip()


def module_tables() -> dict[str, Any]:
    """The tables ``require.js`` reads, as JSON data: kept here, handed over with the registry.

    Returns
    -------
    dict
        ``realPackages`` (:data:`REAL_PACKAGES`), ``legacyGlobals`` (:data:`LEGACY_GLOBALS`)
        and ``specPattern`` (:data:`MODULE_SPEC_PATTERN`).

    Examples
    --------
    >>> module_tables()["legacyGlobals"]["_"]
    'lodash'
    """
    return {"realPackages": dict(REAL_PACKAGES), "legacyGlobals": dict(LEGACY_GLOBALS),
            "specPattern": MODULE_SPEC_PATTERN}


def build_registry_js(
    rule_sources: Sequence[str],
    supplied: Mapping[str, str | os.PathLike[str]] | None = None,
    modules_dir: Path | None = None,
    *,
    legacy_globals: bool = False,
) -> str:
    """Build the JS expression of the ``registry`` object that ``makeRequire`` takes.

    The result evaluates, inside the sandbox, to ``{builtins, supplied, packages, tables}``:

    * ``builtins``: every module of :data:`BUILTIN_MODULES`, as factory functions
      ``function (module, exports, require, host)``;
    * ``supplied``: the caller's fakes as source text, keyed by spec (``"mongodb@3.1.4"`` or
      ``"mongodb"``), compiled by ``require.js`` when a rule first requires them;
    * ``packages``: the real npm packages the rules require literally (``require('lodash')``,
      ``require("moment-timezone@0.5.43")``) that are installed in ``modules_dir``, with the
      packages they depend on: ``{name: {main, version, files: {path: source}}}``. Only the
      files reachable from ``main`` (and any subpath a rule requires) are shipped;
    * ``tables``: :func:`module_tables`, the tables ``require.js`` shares with Python.

    Parameters
    ----------
    rule_sources
        The JavaScript sources of the rules, scanned for literal ``require`` calls.
    supplied
        Fakes by spec. A value is either the JS source of a factory function expression
        ``(function (module, exports, require, host) {...})``, the body of a CommonJS module
        (``module.exports = ...``, which may begin with function declarations), or a path to a
        ``.js`` file holding either. A source that is exactly one function expression is the
        factory; anything else is a module body.
    modules_dir
        The modules folder (the ``--prefix`` of :func:`install`); :func:`default_modules_dir`
        when ``None``.
    legacy_globals
        Also ship the installed real packages that legacy runtimes exposed as bare globals
        (``_``, ``async``, ``q``, ``xmldom``, ``xpath``), which rules use without ``require``.

    Returns
    -------
    str
        One JavaScript expression.

    Raises
    ------
    UsageError
        If a supplied key is not a module spec, or a supplied path does not exist.
    """
    folder = Path(modules_dir) if modules_dir is not None else default_modules_dir()
    builtins = ",\n".join(
        f"{json.dumps(name)}: {_builtin_source(filename)}"
        for name, filename in BUILTIN_MODULES.items()
    )
    fakes = ",\n".join(
        f"{json.dumps(spec)}: {_supplied_source(spec, value)}"
        for spec, value in (supplied or {}).items()
    )
    wanted: list[str] = []
    for spec in scan_requires(rule_sources):
        try:
            name, _version = parse_module_spec(spec)
        except UsageError:
            continue  # not a module spec: require() reports it at run time
        if supplied and any(_spec_name(key) == name for key in supplied):
            continue
        if name in BUILTIN_MODULES or spec in BUILTIN_MODULES:
            continue
        wanted.append(spec)
    if legacy_globals:
        wanted.extend(_LEGACY_REAL_PACKAGES)
    packages = _collect_packages(wanted, folder / "node_modules")
    return (
        "({builtins: {\n"
        + builtins
        + "\n},\nsupplied: {\n"
        + fakes
        + "\n},\npackages: "
        + json.dumps(packages, sort_keys=True)
        + ",\ntables: "
        + json.dumps(module_tables())
        + "})"
    )


def _spec_name(spec: str) -> str | None:
    try:
        return parse_module_spec(spec)[0]
    except UsageError:
        return None


def _supplied_source(spec: str, value: str | os.PathLike[str]) -> str:
    """The JS string literal of a fake's source; ``require.js`` compiles it when first required.

    Compiling in the sandbox, at the first ``require``, lets a fake that does not compile fail
    the rule that requires it, with a message naming the module, instead of the whole run.
    """
    if _spec_name(spec) is None:
        raise UsageError(
            f"expected the keys of modules to be module specs such as 'mongodb@3.1.4', got {spec!r}"
        )
    if isinstance(value, os.PathLike) or (
        isinstance(value, str) and "\n" not in value and value.strip().endswith((".js", ".cjs"))
    ):
        path = Path(value).expanduser()
        if not path.is_file():
            raise UsageError(f"modules[{spec!r}] names a file that does not exist: {str(path)!r}")
        return json.dumps(path.read_text(encoding="utf-8"))
    if not isinstance(value, str):
        raise UsageError(
            f"expected modules[{spec!r}] to be JS source or a path, got {type(value).__name__}"
        )
    return json.dumps(value)


# --- real npm packages ---------------------------------------------------------------------


def _collect_packages(specs: Iterable[str], node_modules: Path) -> dict[str, Any]:
    """Ship each wanted package (and its dependencies) that is installed in ``node_modules``."""
    packages: dict[str, Any] = {}
    subpaths: dict[str, set[str]] = {}
    queue: list[tuple[str, Path]] = []
    for spec in specs:
        match = _SPEC_RE.match(spec)
        if match is None:
            continue
        name, subpath = match.group(1), match.group(3)
        subpaths.setdefault(name, set())
        if subpath:
            subpaths[name].add(subpath)
        queue.append((name, node_modules / name))
    seen: set[str] = set()
    while queue:
        name, pkg_dir = queue.pop(0)
        if name in seen or not (pkg_dir / "package.json").is_file():
            continue
        seen.add(name)
        stat = (pkg_dir / "package.json").stat()
        collected = _collect_package(
            str(pkg_dir.resolve()), stat.st_mtime_ns, tuple(sorted(subpaths.get(name, ())))
        )
        packages[name] = {
            "main": collected.main,
            "version": collected.version,
            "files": dict(collected.files),
        }
        for dep in collected.dependencies:
            if dep in _NODE_CORE or dep in seen:
                continue
            nested = pkg_dir / "node_modules" / dep
            queue.append((dep, nested if nested.is_dir() else node_modules / dep))
    return packages


class _Package:
    """The shippable part of one installed package."""

    def __init__(
        self, main: str, version: str, files: dict[str, str], dependencies: list[str]
    ) -> None:
        self.main = main
        self.version = version
        self.files = files
        self.dependencies = dependencies


@functools.lru_cache(maxsize=64)
def _collect_package(pkg_dir: str, mtime_ns: int, subpaths: tuple[str, ...]) -> _Package:
    """Read the files reachable from a package's ``main`` (cached by folder and mtime)."""
    del mtime_ns  # part of the cache key only: a reinstall invalidates the entry
    root = Path(pkg_dir)
    meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
    main = str(meta.get("main") or "index.js")
    files: dict[str, str] = {"package.json": (root / "package.json").read_text(encoding="utf-8")}
    bare: list[str] = list((meta.get("dependencies") or {}).keys())
    entry = _resolve_on_disk(root, os.path.normpath(main)) or _resolve_on_disk(root, "index")
    pending = [entry] if entry else []
    pending += [p for p in (_resolve_on_disk(root, sub) for sub in subpaths) if p]
    while pending:
        rel = pending.pop()
        if rel in files:
            continue
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        files[rel] = text
        if not rel.endswith((".js", ".cjs")):
            continue
        here = Path(rel).parent
        for match in _REQUIRE_RE.finditer(text):
            target = match.group(2)
            if target.startswith((".", "/")):
                found = _resolve_on_disk(root, os.path.normpath(str(here / target)))
                if found:
                    pending.append(found)
            else:
                name = _spec_name(target)
                if name and name not in bare:
                    bare.append(name)
        for match in _DYNAMIC_REQUIRE_RE.finditer(text):
            pending.extend(_folder_files(root, os.path.normpath(str(here / match.group(2)))))
    return _Package(main, str(meta.get("version") or ""), files, bare)


def _resolve_on_disk(root: Path, rel: str) -> str | None:
    """Node's file resolution inside one package: exact, .js, .json, folder main, index."""
    rel = rel.replace(os.sep, "/").lstrip("/")
    if rel.startswith("../") or rel == "..":
        return None
    base = root / rel
    for candidate in (base, Path(f"{base}.js"), Path(f"{base}.json")):
        if candidate.is_file():
            return candidate.relative_to(root).as_posix()
    if base.is_dir():
        pkg = base / "package.json"
        if pkg.is_file():
            try:
                sub_main = json.loads(pkg.read_text(encoding="utf-8")).get("main")
            except ValueError:
                sub_main = None
            if sub_main:
                found = _resolve_on_disk(root, os.path.normpath(str(Path(rel) / str(sub_main))))
                if found:
                    return found
        for index in ("index.js", "index.json"):
            if (base / index).is_file():
                return (base / index).relative_to(root).as_posix()
    return None


def _folder_files(root: Path, rel_dir: str) -> list[str]:
    """The .js/.json files of one folder, for a dynamic ``require('./dir/' + name)``."""
    folder = root / rel_dir.replace(os.sep, "/")
    if not folder.is_dir() or any(part in _SKIP_DIRS for part in Path(rel_dir).parts):
        return []
    out: list[str] = []
    total = 0
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in (".js", ".json"):
            total += path.stat().st_size
            if total > _DYNAMIC_DIR_CAP:
                break
            out.append(path.relative_to(root).as_posix())
    return out
