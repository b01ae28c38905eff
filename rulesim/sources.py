"""Load and check rule sources: folders, deploy-cli exports, tenant.yaml, Management API dumps.

Loading never runs a rule. The only JavaScript executed here is QuickJS's parser, to check
that each source is exactly one function expression and to point at syntax errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import ConfigurationError, RuleLoadError, UsageError

__all__ = [
    "Rule",
    "RuleSet",
    "RuleSourceWarning",
    "load_configuration",
    "load_rules",
]

SIMULATED_STAGE = "login_success"
_CONFIG_READ = re.compile(r"\bconfiguration\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['\"])([^'\"]+)\2\s*\])")


class RuleSourceWarning(UserWarning):
    """A rule set loaded, but something in it deserves attention (skipped stages, missing
    configuration keys)."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """One Auth0 rule: its source and its place in the pipeline.

    Attributes
    ----------
    name
        Unique name within the rule set (Auth0's rule name).
    source
        The JavaScript source: exactly one function expression ``(user, context, callback)``.
    order
        Position in the pipeline; rules run in ascending order.
    enabled
        Disabled rules are listed, kept in records as ``skipped``, and never run.
    stage
        Auth0 stage; only ``login_success`` is simulated.
    id
        Auth0 rule id when known (``rul_…``), else a stable id derived from the name.
    file
        Where the source was read from, if anywhere.
    """

    name: str
    source: str
    order: int = 0
    enabled: bool = True
    stage: str = SIMULATED_STAGE
    id: str = ""
    file: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", "rul_" + hashlib.sha1(self.name.encode()).hexdigest()[:16])

    @classmethod
    def from_source(cls, name: str, source: str, *, order: int = 0, enabled: bool = True) -> Rule:
        """Build a rule from source text, checking that it is one function expression.

        Raises
        ------
        RuleLoadError
            If the source has a syntax error or is not exactly one function.
        """
        rule = cls(name=name, source=source, order=order, enabled=enabled)
        check_rule_source(rule)
        return rule

    @property
    def sha256(self) -> str:
        """Hash of the source, recorded in result manifests."""
        return hashlib.sha256(self.source.encode()).hexdigest()

    def config_keys(self) -> set[str]:
        """The ``configuration.X`` keys this rule reads (found statically)."""
        keys = set()
        for m in _CONFIG_READ.finditer(self.source):
            keys.add(m.group(1) or m.group(3))
        return keys


class RuleSet(Sequence[Rule]):
    """An ordered set of rules plus the configuration (secrets) they read.

    Iterating yields every rule in pipeline order, disabled ones included; :attr:`active` is
    what actually runs. RuleSets are immutable: the editing methods return new ones.
    """

    def __init__(self, rules: Iterable[Rule], configuration: Mapping[str, str] | None = None,
                 *, skipped_stages: Sequence[Rule] = ()) -> None:
        ordered = sorted(rules, key=lambda r: (r.order, r.name))
        names = [r.name for r in ordered]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RuleLoadError(f"duplicate rule names: {', '.join(dupes)}; names must be unique")
        self._rules: tuple[Rule, ...] = tuple(ordered)
        self.configuration: dict[str, str] = dict(configuration or {})
        self.skipped_stages: tuple[Rule, ...] = tuple(skipped_stages)
        self.services_file: Path | None = None
        """A fake-services file shipped beside the rules (tenant folder), used by default."""

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):
            for r in self._rules:
                if r.name == index:
                    return r
            raise KeyError(f"no rule named {index!r}; rules are: {', '.join(self.names)}")
        return self._rules[index]

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __repr__(self) -> str:
        active = sum(r.enabled for r in self._rules)
        return f"RuleSet({len(self._rules)} rules, {active} enabled: {', '.join(self.names)})"

    @property
    def names(self) -> list[str]:
        """Rule names in pipeline order."""
        return [r.name for r in self._rules]

    @property
    def active(self) -> list[Rule]:
        """The enabled rules, in the order they run."""
        return [r for r in self._rules if r.enabled]

    @property
    def sha256(self) -> str:
        """Hash of the whole rule set (order, enabled flags and sources)."""
        h = hashlib.sha256()
        for r in self._rules:
            h.update(f"{r.name}\0{r.order}\0{r.enabled}\0{r.sha256}\n".encode())
        return h.hexdigest()

    def missing_configuration(self) -> set[str]:
        """Keys that enabled rules read from ``configuration`` but nobody supplied."""
        read: set[str] = set()
        for r in self.active:
            read |= r.config_keys()
        return read - set(self.configuration)

    # --- editing: every method returns a new RuleSet -------------------------------------
    def _with(self, rules: Iterable[Rule], configuration: Mapping[str, str] | None = None) -> RuleSet:
        conf = self.configuration if configuration is None else configuration
        new = RuleSet(rules, conf, skipped_stages=self.skipped_stages)
        new.services_file = self.services_file
        return new

    def replace(self, name: str, source: str) -> RuleSet:
        """A copy where rule ``name`` has a new source."""
        old = self[name]
        new = Rule.from_source(name, source, order=old.order, enabled=old.enabled)
        return self._with(new if r.name == name else r for r in self._rules)

    def disable(self, name: str) -> RuleSet:
        """A copy with rule ``name`` disabled."""
        self[name]
        return self._with(dataclasses.replace(r, enabled=False) if r.name == name else r
                          for r in self._rules)

    def enable(self, name: str) -> RuleSet:
        """A copy with rule ``name`` enabled."""
        self[name]
        return self._with(dataclasses.replace(r, enabled=True) if r.name == name else r
                          for r in self._rules)

    def reorder(self, names: Sequence[str]) -> RuleSet:
        """A copy whose rules run in the order of ``names`` (every rule named exactly once)."""
        if sorted(names) != sorted(self.names):
            raise UsageError(f"reorder needs every rule exactly once; got {list(names)}, "
                             f"rules are {self.names}")
        return self._with(dataclasses.replace(self[n], order=i + 1) for i, n in enumerate(names))

    def add(self, rule: Rule, *, order: int | None = None) -> RuleSet:
        """A copy with ``rule`` inserted (at ``order``, shifting later rules, or at the end)."""
        rules = list(self._rules)
        pos = len(rules) if order is None else max(0, min(order - 1, len(rules)))
        rules.insert(pos, rule)
        return self._with(dataclasses.replace(r, order=i + 1) for i, r in enumerate(rules))

    def with_configuration(self, configuration: Mapping[str, str], *, merge: bool = True) -> RuleSet:
        """A copy with configuration values set (merged into the current ones by default)."""
        conf = {**self.configuration, **configuration} if merge else dict(configuration)
        return self._with(self._rules, conf)


# --- checking a source ----------------------------------------------------------------------

_FUNCTION_START = re.compile(r"^(?:\s|//[^\n]*\n|/\*.*?\*/)*(?:async\s+)?function\b", re.S)
_TRAILING = re.compile(r"^(?:\s|//[^\n]*(?:\n|$)|/\*.*?\*/)*$", re.S)


def _parse_error(src: str) -> tuple[str, int] | None:
    """Compile ``src`` without running it; return (message, line) of a syntax error, or None."""
    import quickjs

    ctx = quickjs.Context()
    try:
        # Wrapped in an uncalled function: compiled, never executed.
        ctx.eval("(function(){ return (\n" + src + "\n); })")
    except quickjs.JSException as exc:
        text = str(exc)
        m = re.search(r"<input>:(\d+)", text)
        line = int(m.group(1)) - 1 if m else 0
        return text.split("\n", 1)[0], max(line, 1)
    return None


def _column(src: str, line: int, message: str) -> int | None:
    """Find the column of a syntax error by bisecting the error line (QuickJS gives lines only)."""
    lines = src.split("\n")
    if not 1 <= line <= len(lines):
        return None
    head = "\n".join(lines[: line - 1])
    text = lines[line - 1]
    lo, hi = 0, len(text)
    # The smallest prefix of the line that already shows the same error is where it is.
    while lo < hi:
        mid = (lo + hi) // 2
        prefix = (head + "\n" if head else "") + text[: mid + 1]
        err = _parse_error(prefix)
        if err is not None and err[1] == line and err[0] == message:
            hi = mid
        else:
            lo = mid + 1
    return lo + 1 if lo < len(text) else None


def check_rule_source(rule: Rule) -> None:
    """Raise :class:`RuleLoadError` unless the rule's source is exactly one function expression."""
    src = rule.source
    err = _parse_error(src)
    if err is not None:
        end = _function_end(src) if _FUNCTION_START.match(src) else None
        if end is not None and not _TRAILING.match(src[end:]):
            _refuse_trailing(rule, src, end)
        message, line = err
        column = _column(src, line, message)
        raise RuleLoadError(message, file=rule.file, rule=rule.name, line=line, column=column)
    if not _FUNCTION_START.match(src):
        first = next((i + 1 for i, t in enumerate(src.split("\n")) if t.strip()), 1)
        raise RuleLoadError(
            "the source must be exactly one function `function (user, context, callback) {…}`"
            " (named, anonymous or async); it starts with something else",
            file=rule.file, rule=rule.name, line=first)
    end = _function_end(src)
    if end is None or not _TRAILING.match(src[end:]):
        _refuse_trailing(rule, src, end if end is not None else 0)


def _refuse_trailing(rule: Rule, src: str, end: int) -> None:
    line = src.count("\n", 0, end) + 1
    raise RuleLoadError(
        "the source must be exactly one function; there is code after the function's "
        "closing brace (Auth0 evaluates the source as one expression, so even a trailing "
        "`;` breaks it)", file=rule.file, rule=rule.name, line=line)


def _function_end(src: str) -> int | None:
    """Offset just past the function's closing brace: the first `}` whose prefix compiles."""
    for i, ch in enumerate(src):
        if ch == "}" and _parse_error(src[: i + 1]) is None:
            return i + 1
    return None


# --- loading --------------------------------------------------------------------------------

def load_configuration(source: Mapping[str, Any] | str | Path | None) -> dict[str, str]:
    """Read rule configuration (Auth0 Rules settings) from a dict, a JSON file or a dotenv file.

    Values are converted to strings, as Auth0 stores them.

    Raises
    ------
    ConfigurationError
        If the file cannot be read or parsed.
    """
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in source.items()}
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read configuration file {path}: {exc.strerror}") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigurationError(
                f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{path}: expected a JSON object of key -> string")
        return load_configuration(data)
    values: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        if "=" not in line:
            raise ConfigurationError(f"{path}, line {n}: expected KEY=value, got {raw!r}")
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_rules(path: str | Path, *, configuration: Mapping[str, Any] | str | Path | None = None) -> RuleSet:
    """Load a rule set from a folder, a deploy-cli export, a tenant.yaml, an API dump or one file.

    Parameters
    ----------
    path
        One of: a folder of ``.js`` files (ordered by name); an auth0-deploy-cli directory
        export (``rules/*.js`` with ``rules/*.json`` metadata); a deploy-cli ``tenant.yaml``;
        a Management API JSON dump (``[{id, name, script, order, enabled, stage}]``); or a
        single ``.js`` file.
    configuration
        Rule settings (secrets): a dict, a JSON file or a dotenv file. When omitted, a
        ``configuration.json`` beside the rules (deploy-cli layout) or ``rulesConfigs`` in
        tenant.yaml is used if present.

    Returns
    -------
    RuleSet
        Rules in pipeline order. Rules of stages other than ``login_success`` are left out
        (listed in ``skipped_stages``) with a :class:`RuleSourceWarning`; so are
        ``configuration`` keys that rules read but nobody supplied (Auth0 gives ``undefined``).

    Raises
    ------
    RuleLoadError
        Unreadable files, bad JSON/YAML, syntax errors (with file, rule, line and column),
        sources that are not exactly one function, duplicate names.
    """
    p = Path(path)
    if not p.exists():
        raise RuleLoadError(f"no such file or folder: {p}")
    default_conf: dict[str, str] = {}
    if p.is_dir():
        if (p / "rules").is_dir():
            rules = _load_deploy_dir(p / "rules")
            if (p / "configuration.json").is_file():
                default_conf = load_configuration(p / "configuration.json")
        elif (p / "tenant.yaml").is_file():
            rules, default_conf = _load_tenant_yaml(p / "tenant.yaml")
        else:
            rules = _load_js_folder(p)
    elif p.suffix in (".yaml", ".yml"):
        rules, default_conf = _load_tenant_yaml(p)
    elif p.suffix == ".json":
        rules = _load_api_dump(p)
    elif p.suffix == ".js":
        rules = [Rule(name=p.stem, source=_read(p), order=1, file=str(p))]
    else:
        raise RuleLoadError(f"cannot tell what {p} is: expected a folder, a .js file, "
                            "a tenant.yaml or a Management API .json dump")
    conf = load_configuration(configuration) if configuration is not None else default_conf
    ruleset = _finish(rules, conf)
    folder = p if p.is_dir() else p.parent
    for name in ("services.yaml", "services.yml", "services.json"):
        if (folder / name).is_file():
            ruleset.services_file = folder / name
            break
    return ruleset


def _finish(rules: list[Rule], conf: dict[str, str]) -> RuleSet:
    simulated = [r for r in rules if r.stage == SIMULATED_STAGE]
    skipped = [r for r in rules if r.stage != SIMULATED_STAGE]
    for r in skipped:
        warnings.warn(f"rule `{r.name}` is for stage {r.stage!r}; only {SIMULATED_STAGE!r} is "
                      "simulated, so it is skipped", RuleSourceWarning, stacklevel=3)
    for r in simulated:
        check_rule_source(r)
    ruleset = RuleSet(simulated, conf, skipped_stages=skipped)
    missing = ruleset.missing_configuration()
    if missing:
        warnings.warn(
            "rules read configuration keys that were not supplied (Auth0 gives undefined): "
            + ", ".join(sorted(missing)), RuleSourceWarning, stacklevel=3)
    return ruleset


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleLoadError(f"cannot read {path}: {exc}", file=str(path)) from None


def _load_json(path: Path) -> Any:
    try:
        return json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise RuleLoadError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno,
                            column=exc.colno) from None


def _load_js_folder(folder: Path) -> list[Rule]:
    files = sorted(folder.glob("*.js"))
    if not files:
        raise RuleLoadError(f"no .js rule files in {folder}")
    return [Rule(name=f.stem, source=_read(f), order=i + 1, file=str(f)) for i, f in enumerate(files)]


def _load_deploy_dir(rules_dir: Path) -> list[Rule]:
    rules = []
    for i, js in enumerate(sorted(rules_dir.glob("*.js"))):
        meta: dict[str, Any] = {}
        meta_file = js.with_suffix(".json")
        if meta_file.is_file():
            meta = _load_json(meta_file)
            if not isinstance(meta, dict):
                raise RuleLoadError("expected a JSON object with name, order, enabled, stage",
                                    file=str(meta_file))
        rules.append(_rule_from_meta(meta, _read(js), str(js), default_name=js.stem,
                                     default_order=i + 1))
    if not rules:
        raise RuleLoadError(f"no .js rule files in {rules_dir}")
    return rules


def _rule_from_meta(meta: Mapping[str, Any], source: str, file: str, *, default_name: str,
                    default_order: int) -> Rule:
    name = meta.get("name", default_name)
    order = meta.get("order", default_order)
    enabled = meta.get("enabled", True)
    stage = meta.get("stage", SIMULATED_STAGE)
    if not isinstance(name, str) or not name:
        raise RuleLoadError(f"`name` must be a non-empty string, got {name!r}", file=file)
    if isinstance(order, bool) or not isinstance(order, int):
        raise RuleLoadError(f"`order` must be an integer, got {order!r}", file=file, rule=name)
    if not isinstance(enabled, bool):
        raise RuleLoadError(f"`enabled` must be true or false, got {enabled!r}", file=file, rule=name)
    return Rule(name=name, source=source, order=order, enabled=enabled, stage=str(stage),
                id=str(meta.get("id", "")), file=file)


def _load_api_dump(path: Path) -> list[Rule]:
    data = _load_json(path)
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
    if not isinstance(data, list):
        raise RuleLoadError("expected a JSON array of rules [{name, script, order, enabled, stage}]",
                            file=str(path))
    rules = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("script"), str):
            raise RuleLoadError(f"rule #{i + 1} needs a string `script` field", file=str(path))
        rules.append(_rule_from_meta(item, item["script"], str(path),
                                     default_name=f"rule-{i + 1}", default_order=i + 1))
    return rules


def _load_tenant_yaml(path: Path) -> tuple[list[Rule], dict[str, str]]:
    try:
        data = yaml.safe_load(_read(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleLoadError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                            line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise RuleLoadError("expected a YAML mapping with a `rules:` list", file=str(path))
    items = data.get("rules") or []
    if not isinstance(items, list):
        raise RuleLoadError("`rules:` must be a list", file=str(path))
    rules = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "script" not in item:
            raise RuleLoadError(f"rules entry #{i + 1} needs `name` and `script`", file=str(path))
        script = path.parent / str(item["script"])
        rules.append(_rule_from_meta(item, _read(script), str(script),
                                     default_name=script.stem, default_order=i + 1))
    conf: dict[str, str] = {}
    for entry in data.get("rulesConfigs") or []:
        if isinstance(entry, dict) and "key" in entry:
            conf[str(entry["key"])] = str(entry.get("value", ""))
    return rules, conf
