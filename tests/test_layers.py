"""No module of rulesim imports a module of a layer above its own.

The order follows ``architecture.md`` (parse → runtime → pipeline → records → impact → views),
with the modules that document leaves open placed as follows, lowest first:

* ``base``: the exception tree, argument checks and the JSON codec, importable by every module.
* ``inputs``: what a run reads, none of which runs a rule: rule sources (parse), the Faker
  providers and the populations they generate (the ``population`` package) or read from
  logs (``logs``, ``_log*``).
* ``runtime``: the sandbox, by package prefix, so new runtime modules are covered as they come.
* ``pipeline``: the login policy, the paired and staged pipelines, what runs at post-login (``_flow``: a
  tenant's Rules and Actions from whatever the caller passed), and ``records``: the columnar sink a
  pipeline appends to and the column contract (architecture.md draws "record" inside the
  pipeline box; the "records" of the layer order are the results below).
* ``execution``: chunks, worker processes, the Dask backend, checkpoints and the stored
  chunks of a run.
* ``results``: ``simulate``/``run_login`` (``run``) and what they return: ``Simulation``, its
  ``trace``, its figures (``plots``: pure functions of results behind ``sim.plot`` and
  ``impact.plot``, no interaction) and rule ``coverage`` (instrumentation and its report).
* ``impact``: ``compare`` and its private diff and report modules; the migration proof
  (``migration``: labelled Rules → Actions differences, the stage-by-stage plan, its report).
* ``testing``: assertions, golden files, Hypothesis strategies and the search that mines
  rules for literals, for users' own tests.
* ``views``: widgets, the command line, the pytest plugin and the ``rulesim`` facade itself.

Imports under ``if TYPE_CHECKING:`` are ignored (they do not run). A new module fails
``test_every_module_has_a_layer`` until it is given one here. The packages (``population``,
``runtime/services``, ``coverage``, ``widgets``, ``execution``, ``sources``, ``providers``,
``cli``) are placed by pattern, so their new modules are covered as they come; and no module
may import, at module level, a module that imports it back (directly or around a loop).
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rulesim"

# Lowest layer first. Patterns are fnmatch patterns over dotted module names.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("rulesim.errors", "rulesim._validation", "rulesim._types", "rulesim.outcomes",
              "rulesim.columns", "rulesim._fastjson")),
    ("inputs", ("rulesim.sources", "rulesim.sources.*", "rulesim.providers",
                "rulesim.providers.*", "rulesim.population", "rulesim.population.*", "rulesim.logs",
                "rulesim.gallery", "rulesim.gallery.*")),
    ("runtime", ("rulesim.runtime", "rulesim.runtime.*")),
    ("pipeline", ("rulesim.pipeline", "rulesim.batches", "rulesim.paired", "rulesim.staged",
                  "rulesim.records", "rulesim.tables",
                  "rulesim._arrow_series",
                  "rulesim._flow", "rulesim.options")),
    ("execution", ("rulesim.execution", "rulesim.execution.*")),
    ("results", ("rulesim.run", "rulesim.simulation", "rulesim.trace", "rulesim.plots",
                 "rulesim.coverage", "rulesim.coverage.*")),
    ("impact", ("rulesim.impact", "rulesim.impact.*", "rulesim.migration",
                "rulesim.migration.*")),
    ("testing", ("rulesim.testing", "rulesim.testing.*", "rulesim.golden",
                 "rulesim.strategies", "rulesim.literals")),
    ("views", ("rulesim", "rulesim.__main__", "rulesim.widgets", "rulesim.widgets.*",
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


# --- the house layout: packages and module-level cycles --------------------------------------


def module_level_imports(source: str, package: str) -> list[tuple[int, str]]:
    """Like :func:`imports_in`, but only the imports that run when the module is imported
    (function bodies excluded; class bodies and top-level ``if``/``try`` blocks included)."""
    tree = ast.parse(source)

    def strip(node: ast.AST) -> None:
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                kept = [ast.Pass() if isinstance(v, (ast.FunctionDef, ast.AsyncFunctionDef))
                        else v for v in value]
                setattr(node, field, kept)
                for v in kept:
                    if isinstance(v, ast.AST):
                        strip(v)
            elif isinstance(value, ast.AST):
                strip(value)

    strip(tree)
    return imports_in(ast.unparse(tree), package)


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (each a cycle of imports)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


# None: the last one (testing.py and _search.py importing each other) went away when the two
# became modules of the testing package.
KNOWN_CYCLES: list[list[str]] = []


def test_no_module_imports_itself_back_at_module_level() -> None:
    graph = {}
    for module, path in MODULES.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = {target for _, target in module_level_imports(path.read_text(), package)
                         if target != module}
    assert import_cycles(graph) == KNOWN_CYCLES


def test_a_cycle_through_two_modules_is_found() -> None:
    assert import_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_the_packages_of_the_house_layout_sit_in_their_layers() -> None:
    expected = {"rulesim.population.core": "inputs", "rulesim.population.mix": "inputs",
                "rulesim.runtime.services.table": "runtime",
                "rulesim.runtime.services.management": "runtime",
                "rulesim.coverage.instrumentation": "results", "rulesim.coverage.report": "results",
                "rulesim.widgets.explorer": "views", "rulesim.widgets.secrets": "views"}
    assert {m: layer_of(m) for m in expected} == {m: [layer] for m, layer in expected.items()}
    assert set(expected) <= set(MODULES)
