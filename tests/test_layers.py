"""No module of rulesim imports a module of a layer above its own.

The order follows ``architecture.md`` (parse → runtime → pipeline → records → impact → views),
with the modules that document leaves open placed as follows, lowest first:

* ``base``: the exception tree and argument checks, importable by every module.
* ``inputs``: what a run reads, none of which runs a rule: rule sources (parse), the Faker
  providers and the populations they generate or read from logs (``_pop*``, ``_log*``).
* ``runtime``: the sandbox, by package prefix, so new runtime modules are covered as they come.
* ``pipeline``: the login policy, the paired pipeline, what runs at post-login (``_flow``: a
  tenant's Rules and Actions from whatever the caller passed), and ``records``: the columnar sink a
  pipeline appends to and the column contract (architecture.md draws "record" inside the
  pipeline box; the "records" of the layer order are the results below).
* ``execution``: chunks, worker processes, the Dask backend, checkpoints and the stored
  chunks of a run.
* ``results``: ``simulate``/``run_login`` (``run``) and what they return: ``Simulation``, its
  ``trace``, its figures (``plots``: pure functions of results behind ``sim.plot`` and
  ``impact.plot``, no interaction) and rule ``coverage`` (instrumentation and its report).
* ``impact``: ``compare`` and its private diff and report modules.
* ``testing``: assertions, golden files, Hypothesis strategies and the search that mines
  rules for literals, for users' own tests.
* ``views``: widgets, the command line, the pytest plugin and the ``rulesim`` facade itself.

Imports under ``if TYPE_CHECKING:`` are ignored (they do not run). A new module fails
``test_every_module_has_a_layer`` until it is given one here.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rulesim"

# Lowest layer first. Patterns are fnmatch patterns over dotted module names.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("rulesim.errors", "rulesim._validation", "rulesim._types")),
    ("inputs", ("rulesim.sources", "rulesim.sources.*", "rulesim.providers",
                "rulesim.providers.*", "rulesim.population", "rulesim._pop*", "rulesim.logs",
                "rulesim._log*", "rulesim.gallery", "rulesim.gallery.*")),
    ("runtime", ("rulesim.runtime", "rulesim.runtime.*")),
    ("pipeline", ("rulesim.pipeline", "rulesim.paired", "rulesim.records", "rulesim._flow")),
    ("execution", ("rulesim.execution", "rulesim.execution.*")),
    ("results", ("rulesim.run", "rulesim.simulation", "rulesim.trace", "rulesim.plots",
                 "rulesim.coverage", "rulesim._coverage_actions")),
    ("impact", ("rulesim.impact", "rulesim._impact*")),
    ("testing", ("rulesim.testing", "rulesim.testing.*", "rulesim.golden",
                 "rulesim.strategies", "rulesim.literals")),
    ("views", ("rulesim", "rulesim.__main__", "rulesim.widgets", "rulesim._widgets*",
               "rulesim.cli", "rulesim.cli.*", "rulesim.pytest_plugin")),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> list[str]:
    """The layers whose patterns match ``module`` (exactly one, for a well-placed module)."""
    return [name for name, patterns in LAYERS
            if any(fnmatchcase(module, pattern) for pattern in patterns)]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _target(name: str) -> str:
    """The rulesim module an import of ``name`` loads (the longest existing prefix)."""
    parts = name.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """``(line, imported rulesim module)`` for every import ``source`` runs, at any depth.

    ``package`` is the package the source belongs to (to resolve relative imports).
    """
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if sub in MODULES else base))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return [(line, _target(name)) for line, name in found
            if name == "rulesim" or name.startswith("rulesim.")]


def imports_of(module: str) -> list[tuple[int, str]]:
    """The rulesim imports of one module of the package (see :func:`imports_in`)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return imports_in(path.read_text(), package)


def upward(module: str, imports: list[tuple[int, str]]) -> list[str]:
    """The imports of ``module`` that point to a higher layer, described."""
    (own,) = layer_of(module)
    out = []
    for line, target in imports:
        (theirs,) = layer_of(target)
        if RANK[theirs] > RANK[own]:
            out.append(f"{module}:{line} ({own}) imports {target} ({theirs})")
    return out


def test_every_module_has_a_layer() -> None:
    misplaced = {m: layer_of(m) for m in MODULES if len(layer_of(m)) != 1}
    assert misplaced == {}, "give each module exactly one layer in LAYERS"


def test_no_module_imports_a_layer_above_its_own() -> None:
    found = [line for module in MODULES for line in upward(module, imports_of(module))]
    assert found == []


SAMPLE = """
from __future__ import annotations
from typing import TYPE_CHECKING
from rulesim.records import Columns
from . import paired
if TYPE_CHECKING:
    from rulesim.impact import Impact
else:
    import rulesim.errors

def later():
    from rulesim.execution import worker
    import rulesim
"""


def test_the_walk_finds_function_level_and_relative_imports_but_not_type_checking_ones() -> None:
    assert imports_in(SAMPLE, "rulesim") == [
        (4, "rulesim.records"), (5, "rulesim.paired"), (9, "rulesim.errors"),
        (12, "rulesim.execution.worker"), (13, "rulesim")]


def test_an_import_of_a_higher_layer_is_reported_and_a_lower_one_is_not() -> None:
    found = upward("rulesim.pipeline", imports_in(SAMPLE, "rulesim"))
    assert found == ["rulesim.pipeline:12 (pipeline) imports rulesim.execution.worker (execution)",
                     "rulesim.pipeline:13 (pipeline) imports rulesim (views)"]


def test_new_runtime_modules_belong_to_the_runtime_layer() -> None:
    assert layer_of("rulesim.runtime.host_loop") == ["runtime"]
    assert layer_of("rulesim.execution.anything") == ["execution"]
