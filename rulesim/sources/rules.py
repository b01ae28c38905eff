"""Load Auth0 Rules: folders, deploy-cli exports, tenant.yaml, Management API dumps.

Loading never runs a rule. The only JavaScript executed here is QuickJS's parser
(:mod:`rulesim.sources.syntax`), to check that each source is exactly one function expression
and to point at syntax errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rulesim.errors import RuleLoadError
from rulesim.sources._files import load_json, load_yaml, read_text
from rulesim.sources._ordered import OrderedSet
from rulesim.sources.configuration import configuration_keys, load_configuration
from rulesim.sources.node_globals import unsupported_note
from rulesim.sources.syntax import check_rule_source

__all__ = [
    "SIMULATED_STAGE",
    "Rule",
    "RuleSet",
    "RuleSourceWarning",
    "build_rule_set",
    "find_services_file",
    "load_rules",
    "rules_from_api_dump",
    "rules_from_deploy_dir",
    "rules_from_tenant_yaml",
]

SIMULATED_STAGE = "login_success"


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
        return configuration_keys(self.source)


class RuleSet(OrderedSet[Rule]):
    """An ordered set of rules plus the configuration (secrets) they read.

    Iterating yields every rule in pipeline order, disabled ones included; :attr:`active` is
    what actually runs. RuleSets are immutable: the editing methods (``replace``, ``disable``,
    ``enable``, ``reorder``, ``add``, ``with_configuration``) return new ones.
    """

    _noun = "rule"

    def __init__(self, rules: Iterable[Rule], configuration: Mapping[str, str] | None = None,
                 *, skipped_stages: Sequence[Rule] = ()) -> None:
        ordered = sorted(rules, key=lambda r: (r.order, r.name))
        names = [r.name for r in ordered]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RuleLoadError(f"duplicate rule names: {', '.join(dupes)}; names must be unique")
        self._items: tuple[Rule, ...] = tuple(ordered)
        self.configuration: dict[str, str] = dict(configuration or {})
        self.skipped_stages: tuple[Rule, ...] = tuple(skipped_stages)
        self.services_file: Path | None = None
        """A fake-services file shipped beside the rules (tenant folder), used by default."""

    def __repr__(self) -> str:
        active = sum(r.enabled for r in self._items)
        return f"RuleSet({len(self._items)} rules, {active} enabled: {', '.join(self.names)})"

    @property
    def active(self) -> list[Rule]:
        """The enabled rules, in the order they run."""
        return [r for r in self._items if r.enabled]

    @property
    def sha256(self) -> str:
        """Hash of the whole rule set (order, enabled flags and sources)."""
        h = hashlib.sha256()
        for r in self._items:
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
        return self._with(new if r.name == name else r for r in self._items)

    def with_configuration(self, configuration: Mapping[str, str], *, merge: bool = True) -> RuleSet:
        """A copy with configuration values set (merged into the current ones by default)."""
        conf = {**self.configuration, **configuration} if merge else dict(configuration)
        return self._with(self._items, conf)


# --- loading --------------------------------------------------------------------------------

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
            rules = rules_from_deploy_dir(p / "rules")
            if (p / "configuration.json").is_file():
                default_conf = load_configuration(p / "configuration.json")
        elif (p / "tenant.yaml").is_file():
            rules, default_conf = rules_from_tenant_yaml(load_yaml(p / "tenant.yaml"), p / "tenant.yaml")
        else:
            rules = _load_js_folder(p)
    elif p.suffix in (".yaml", ".yml"):
        rules, default_conf = rules_from_tenant_yaml(load_yaml(p), p)
    elif p.suffix == ".json":
        rules = rules_from_api_dump(load_json(p), p)
    elif p.suffix == ".js":
        rules = [Rule(name=p.stem, source=read_text(p), order=1, file=str(p))]
    else:
        raise RuleLoadError(f"cannot tell what {p} is: expected a folder, a .js file, "
                            "a tenant.yaml or a Management API .json dump")
    conf = load_configuration(configuration) if configuration is not None else default_conf
    ruleset = build_rule_set(rules, conf)
    ruleset.services_file = find_services_file(p)
    return ruleset


def find_services_file(path: Path) -> Path | None:
    """The fake-services file shipped beside an export (``services.yaml|yml|json``), if any."""
    folder = path if path.is_dir() else path.parent
    for name in ("services.yaml", "services.yml", "services.json"):
        if (folder / name).is_file():
            return folder / name
    return None


def build_rule_set(rules: list[Rule], conf: dict[str, str]) -> RuleSet:
    """Check every simulated rule and build the set; warn about other stages and missing keys.

    Raises
    ------
    RuleLoadError
        A rule that does not compile or is not exactly one function; duplicate names.
    """
    simulated = [r for r in rules if r.stage == SIMULATED_STAGE]
    skipped = [r for r in rules if r.stage != SIMULATED_STAGE]
    for r in skipped:
        warnings.warn(f"rule `{r.name}` is for stage {r.stage!r}; only {SIMULATED_STAGE!r} is "
                      "simulated, so it is skipped", RuleSourceWarning, stacklevel=3)
    for r in simulated:
        check_rule_source(r)
        note = unsupported_note("rule", r.name, r.source)
        if note is not None:
            warnings.warn(note, RuleSourceWarning, stacklevel=3)
    ruleset = RuleSet(simulated, conf, skipped_stages=skipped)
    missing = ruleset.missing_configuration()
    if missing:
        warnings.warn(
            "rules read configuration keys that were not supplied (Auth0 gives undefined): "
            + ", ".join(sorted(missing)), RuleSourceWarning, stacklevel=3)
    return ruleset


def _load_js_folder(folder: Path) -> list[Rule]:
    files = sorted(folder.glob("*.js"))
    if not files:
        raise RuleLoadError(f"no .js rule files in {folder}")
    return [Rule(name=f.stem, source=read_text(f), order=i + 1, file=str(f)) for i, f in enumerate(files)]


def rules_from_deploy_dir(rules_dir: Path, *, allow_empty: bool = False) -> list[Rule]:
    """The rules of a deploy-cli ``rules/`` folder (``<name>.js`` with ``<name>.json``)."""
    rules = []
    for i, js in enumerate(sorted(rules_dir.glob("*.js"))):
        meta: dict[str, Any] = {}
        meta_file = js.with_suffix(".json")
        if meta_file.is_file():
            meta = load_json(meta_file)
            if not isinstance(meta, dict):
                raise RuleLoadError("expected a JSON object with name, order, enabled, stage",
                                    file=str(meta_file))
        rules.append(_rule_from_meta(meta, read_text(js), str(js), default_name=js.stem,
                                     default_order=i + 1))
    if not rules and not allow_empty:
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


def rules_from_api_dump(data: Any, path: Path) -> list[Rule]:
    """The rules of a Management API dump: ``[{name, script, …}]`` or ``{"rules": [...]}``."""
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


def rules_from_tenant_yaml(data: Any, path: Path) -> tuple[list[Rule], dict[str, str]]:
    """The rules and ``rulesConfigs`` of a parsed deploy-cli ``tenant.yaml`` (both may be empty)."""
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
        rules.append(_rule_from_meta(item, read_text(script), str(script),
                                     default_name=script.stem, default_order=i + 1))
    conf: dict[str, str] = {}
    for entry in data.get("rulesConfigs") or []:
        if isinstance(entry, dict) and "key" in entry:
            conf[str(entry["key"])] = str(entry.get("value", ""))
    return rules, conf
