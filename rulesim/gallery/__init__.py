"""Start a Rule or a post-login Action from a template: the gallery behind ``rulesim new``.

Each template is a folder of data shipped with rulesim (``rulesim/gallery/<name>/``):
``rule.js`` (the Rule), ``action.js`` (the Action doing the same job) and ``template.yaml``
(what it does, its options, the configuration keys it reads, the contract's known differences
between the two, fake services, and golden cases written once for both kinds). The templates
are rulesim's own, written for it.

::

    import rulesim as rs

    rs.templates()                                     # the gallery
    rule = rs.new_rule("allow-email-domains", domains=["example.com"])
    action = rs.new_action("allow-email-domains", domains=["example.com"])
    rs.compare(rule, action, rs.population(1_000, seed=7))

``rulesim new rule|action TEMPLATE TENANT`` (:mod:`rulesim.gallery.scaffold`) writes one into a
tenant in deploy-cli's layout, with its golden cases.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import UsageError
from rulesim.gallery._names import check_name
from rulesim.gallery._render import fill_code, fill_data
from rulesim.sources import Action, Rule
from rulesim.sources.actions import Dependency

__all__ = [
    "KINDS",
    "ConfigKey",
    "Template",
    "TemplateOption",
    "check_name",
    "find_template",
    "new_action",
    "new_rule",
    "templates",
]

KINDS = ("rule", "action")
"""What a template can start."""
_FOLDER = Path(__file__).resolve().parent
_OPTION_TYPES = ("string", "list")
_TEMPLATE_KEYS = ("summary", "description", "options", "configuration", "differences",
                  "dependencies", "services", "compare", "golden")


@dataclasses.dataclass(frozen=True)
class TemplateOption:
    """One option of a template, written into the code as a JSON literal.

    Attributes
    ----------
    name
        The option's name (``domains``), a keyword of :func:`new_rule`.
    type
        ``string`` (a non-empty string) or ``list`` (a non-empty list of non-empty strings;
        a comma-separated string is accepted and split).
    default
        The value used when the option is not given.
    help
        One line on what it means.
    """

    name: str
    type: str
    default: Any
    help: str = ""

    def check(self, value: Any) -> Any:
        """``value`` as the template needs it, or :class:`~rulesim.UsageError` naming the option."""
        if self.type == "list":
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if (not isinstance(value, (list, tuple)) or not value
                    or not all(isinstance(v, str) and v.strip() for v in value)):
                raise UsageError(f"expected {self.name} to be a non-empty list of non-empty "
                                 f"strings (or a comma-separated string), got {self.name}={value!r}")
            return [v.strip() for v in value]
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"expected {self.name} to be a non-empty string, got "
                             f"{self.name}={value!r}")
        return value


@dataclasses.dataclass(frozen=True)
class ConfigKey:
    """A configuration key (Rules) or secret (Actions) a template reads.

    Attributes
    ----------
    key
        ``configuration.KEY`` in the Rule, ``event.secrets.KEY`` in the Action.
    placeholder
        The value written into the tenant's local configuration or secrets file (never into
        the export); replace it with the real value.
    help
        What the value is.
    """

    key: str
    placeholder: str
    help: str = ""


@dataclasses.dataclass(frozen=True)
class Template:
    """One template of the gallery: a Rule and an Action doing the same job.

    Attributes
    ----------
    name
        The template's name (``allow-email-domains``), also the default Rule/Action name.
    summary
        One line on what it does.
    description
        What it does, in a paragraph.
    options
        The options, written into the code as JSON literals.
    configuration
        The configuration keys (Rules) / secrets (Actions) it reads.
    dependencies
        npm packages the Action declares.
    differences
        Codes of the contract's known Rules→Actions differences (section 9) this pair shows.
    folder
        Where its files are.

    Examples
    --------
    >>> t = find_template("allow-email-domains")
    >>> t.rule_source(domains=["example.org"])
    'function allowEmailDomains(user, context, callback) {...'
    """

    name: str
    summary: str
    description: str
    options: tuple[TemplateOption, ...]
    configuration: tuple[ConfigKey, ...]
    dependencies: tuple[Dependency, ...]
    differences: tuple[str, ...]
    folder: Path
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Template({self.name!r}: {self.summary})"

    @property
    def kinds(self) -> tuple[str, ...]:
        """``("rule", "action")``: every template starts both."""
        return KINDS

    @property
    def placeholders(self) -> dict[str, str]:
        """``{KEY: placeholder}`` for every configuration key / secret it reads."""
        return {c.key: c.placeholder for c in self.configuration}

    def values(self, **options: Any) -> dict[str, Any]:
        """Every option's value: the given ones (checked) over the defaults.

        Raises
        ------
        UsageError
            An unknown option, or a value of the wrong type.
        """
        known = {o.name: o for o in self.options}
        unknown = sorted(set(options) - set(known))
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise UsageError(f"template `{self.name}` has no option {', '.join(unknown)}; its "
                             f"options: {expected}")
        return {name: opt.check(options.get(name, opt.default)) for name, opt in known.items()}

    def _code(self, kind: str, options: Mapping[str, Any]) -> str:
        file = self.folder / f"{kind}.js"
        return fill_code(file.read_text(encoding="utf-8"), self.values(**options), where=str(file))

    def rule_source(self, **options: Any) -> str:
        """The Rule's source with the options written in."""
        return self._code("rule", options)

    def action_code(self, **options: Any) -> str:
        """The Action's module source with the options written in."""
        return self._code("action", options)

    def services(self, **options: Any) -> dict[str, Any] | None:
        """The fake services its golden cases need (``{routes: [...]}``), if any."""
        spec = self.raw.get("services")
        if not spec:
            return None
        filled: dict[str, Any] = fill_data(spec, self.values(**options),
                                           where=str(self.folder / "template.yaml"))
        return filled

    def compare_options(self) -> dict[str, Any]:
        """Options under which a generated population reaches every branch (for pair checks)."""
        return dict((self.raw.get("compare") or {}).get("options") or {})

    def compare_failures(self) -> dict[str, float]:
        """Failure rates per fake-service route under which its fallback branch is reached."""
        return {str(k): float(v) for k, v in
                ((self.raw.get("compare") or {}).get("failures") or {}).items()}

    def golden(self, kind: str, name: str | None = None, **options: Any) -> dict[str, Any]:
        """The golden-case file for one kind, as YAML data (see :mod:`rulesim.golden`).

        The file runs only the new Rule or Action of its tenant (``only:``), with the
        configuration or secrets its cases were written for and the template's fake services.
        """
        if kind not in KINDS:
            raise UsageError(f"expected kind to be one of {', '.join(KINDS)}, got {kind!r}")
        name = name or self.name
        values = {**self.values(**options), "name": name}
        where = str(self.folder / "template.yaml")
        spec = self.raw.get("golden") or {}
        doc: dict[str, Any] = {
            "description": f"the {self.name} template as the {kind} `{name}`",
            "rules": "..",
            "only": [name],
        }
        if self.configuration:
            doc["configuration" if kind == "rule" else "secrets"] = self.placeholders
        services = self.services(**options)
        if services:
            doc["services"] = services
            doc["service_failures"] = False
        if spec.get("on_redirect"):
            doc["on_redirect"] = spec["on_redirect"]
        cases = []
        for raw in spec.get("cases") or []:
            case = {k: v for k, v in raw.items()
                    if k in ("description", "user", "context", "services", "continue")}
            expect = {**raw.get("expect", {}), **(raw.get(f"for_{kind}") or {})}
            cases.append(fill_data({**case, "expect": expect}, values, where=where))
        doc["cases"] = cases
        return doc


def _load(folder: Path) -> Template:
    file = folder / "template.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(data) - set(_TEMPLATE_KEYS))
    if unknown:
        raise UsageError(f"{file}: unknown keys {', '.join(unknown)}")
    options = []
    for name, spec in (data.get("options") or {}).items():
        if spec.get("type") not in _OPTION_TYPES:
            raise UsageError(f"{file}: option {name} needs a type among {_OPTION_TYPES}")
        options.append(TemplateOption(str(name), spec["type"], spec.get("default"),
                                      str(spec.get("help", ""))))
    return Template(
        name=folder.name, summary=str(data.get("summary", "")).strip(),
        description=str(data.get("description", "")).strip(), options=tuple(options),
        configuration=tuple(ConfigKey(str(c["key"]), str(c["placeholder"]), str(c.get("help", "")))
                            for c in data.get("configuration") or []),
        dependencies=tuple(Dependency(str(d["name"]), str(d["version"]))
                           for d in data.get("dependencies") or []),
        differences=tuple(str(d) for d in data.get("differences") or []),
        folder=folder, raw=data)


@functools.lru_cache(maxsize=1)
def _gallery() -> dict[str, Template]:
    folders = sorted(p.parent for p in _FOLDER.glob("*/template.yaml"))
    return {f.name: _load(f) for f in folders}


def templates() -> list[Template]:
    """The gallery: every template, by name (``empty`` is the blank one).

    Examples
    --------
    >>> [t.name for t in templates()][:3]
    ['allow-email-domains', 'consent-redirect', 'deny-by-country']
    """
    return list(_gallery().values())


def find_template(name: str | Template) -> Template:
    """The template called ``name``.

    Raises
    ------
    UsageError
        No such template (the message lists them).
    """
    if isinstance(name, Template):
        return name
    found = _gallery().get(name)
    if found is None:
        raise UsageError(f"no template called {name!r}; the gallery has: "
                         f"{', '.join(_gallery())} (see `rulesim new --list`)")
    return found


def new_rule(template: str | Template, *, name: str | None = None, order: int = 1,
             enabled: bool = True, **options: Any) -> Rule:
    """A :class:`~rulesim.Rule` started from a template, ready to run or compare.

    Parameters
    ----------
    template
        A template of :func:`templates` (or its name).
    name
        The Rule's name (default: the template's); a name Auth0 would refuse is an error.
    order, enabled
        The Rule's place in a pipeline.
    **options
        The template's options (:attr:`Template.options`), e.g. ``domains=["example.com"]``.

    Returns
    -------
    Rule
        Checked as :func:`~rulesim.load_rules` checks a rule. Its configuration keys are in
        :attr:`Template.placeholders`.

    Raises
    ------
    UsageError
        An unknown template or option, a bad option value, a name Auth0 would refuse.

    Examples
    --------
    >>> rule = new_rule("allow-email-domains", domains=["example.com"])
    >>> rule.name
    'allow-email-domains'
    """
    t = find_template(template)
    name = name or t.name
    check_name("rule", name)
    return Rule.from_source(name, t.rule_source(**options), order=order, enabled=enabled)


def new_action(template: str | Template, *, name: str | None = None, **options: Any) -> Action:
    """An :class:`~rulesim.Action` started from a template, ready to run or compare.

    Parameters
    ----------
    template
        A template of :func:`templates` (or its name).
    name
        The Action's name (default: the template's); a name deploy-cli could not write is an
        error.
    **options
        The template's options, as for :func:`new_rule`.

    Returns
    -------
    Action
        Bound to post-login, ``node22``, declaring the template's dependencies and secrets
        (values: :attr:`Template.placeholders`, passed as ``secrets=`` to run it).

    Raises
    ------
    UsageError
        An unknown template or option, a bad option value, a bad name.

    Examples
    --------
    >>> action = new_action("deny-by-country", countries=["KP"])
    >>> action.handlers
    ('onExecutePostLogin',)
    """
    t = find_template(template)
    name = name or t.name
    check_name("action", name)
    return Action.from_code(name, t.action_code(**options), order=1, dependencies=t.dependencies,
                            secrets=tuple(c.key for c in t.configuration))
