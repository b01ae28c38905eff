"""Write a Rule or an Action started from a template into a tenant, in deploy-cli's layout.

What :func:`write_rule` writes into ``tenant/``::

    rules/<name>.js                 the Rule
    rules/<name>.json               {name, order (after the tenant's last rule), enabled, stage}
    configuration.json              placeholder values for the keys it reads (keys already
                                    there keep their value); this file is local, never exported
    tests/<name>.rulesim.yaml       golden cases that pass for the template as written

What :func:`write_action` writes::

    actions/<name>/code.js          the Action
    actions/<name>.json             {name, code, runtime node22, deployed, dependencies,
                                    secrets (value _VALUE_NOT_SHOWN_, as deploy-cli exports),
                                    supported_triggers post-login v3}
    triggers/triggers.json          the post-login binding, last in the flow (other triggers
                                    and bindings kept)
    secrets.json                    {"<name>": {KEY: placeholder}} for its secrets (or
                                    ``secrets.env``, flat, when the tenant keeps its secrets
                                    there); values already there are kept
    tests/<name>.rulesim.yaml       golden cases

Nothing is written when any check fails (an existing Rule/Action without ``force``, a bad
name or option, a tenant that is not a deploy-cli directory), and every file is read back by
the loaders of :mod:`rulesim.sources` in the tests.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import UsageError
from rulesim.gallery import Template, find_template, new_action, new_rule
from rulesim.sources.actions import MAX_BOUND_ACTIONS, POST_LOGIN
from rulesim.sources.configuration import NOT_SHOWN, load_configuration

__all__ = ["Scaffold", "write", "write_action", "write_rule"]

_GOLDEN_HEADER = """\
# Golden cases for the {kind} `{name}`, started from rulesim's `{template}` template.
# They pass for the template as written; edit them with the code (`rulesim test {path}`).
# `only` runs this {kind} alone; `{values}` holds the values the cases were written for.
"""


@dataclasses.dataclass(frozen=True)
class Scaffold:
    """What :func:`write_rule` / :func:`write_action` wrote.

    Attributes
    ----------
    kind
        ``rule`` or ``action``.
    name
        The Rule's or Action's name.
    template
        The template's name.
    written
        Files created or replaced, in the order written.
    golden
        The golden-case file.
    placeholders
        Configuration keys / secrets given a placeholder value (keys that already had a value
        are not listed).
    """

    kind: str
    name: str
    template: str
    written: tuple[Path, ...]
    golden: Path
    placeholders: tuple[str, ...]


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path} to add to it: {exc}") from None


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _tenant(tenant_dir: str | Path) -> Path:
    root = Path(tenant_dir)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file; `rulesim new` writes into a tenant folder "
                         "(deploy-cli's directory layout)")
    if (root / "tenant.yaml").is_file():
        raise UsageError(f"{root} holds a tenant.yaml; `rulesim new` writes deploy-cli's "
                         "directory layout (rules/, actions/, triggers/): use another folder")
    return root


def _golden(t: Template, kind: str, name: str, root: Path, options: Mapping[str, Any]) -> str:
    doc = t.golden(kind, name, **options)
    path = root / "tests" / f"{name}.rulesim.yaml"
    values = "configuration" if kind == "rule" else "secrets"
    header = _GOLDEN_HEADER.format(kind=kind, name=name, template=t.name, values=values,
                                   path=path.as_posix())
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _refuse(existing: list[Path], kind: str, name: str, force: bool) -> None:
    if existing and not force:
        files = ", ".join(str(p) for p in existing)
        raise UsageError(f"{kind} `{name}` already exists ({files}); pass --force "
                         "(force=True) to overwrite it")


def _write_all(files: Mapping[Path, str]) -> tuple[Path, ...]:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tuple(files)


def _merge_values(path: Path, values: Mapping[str, str], per_action: str | None) -> tuple[str, list[str]]:
    """The text of ``path`` with ``values`` added where no value exists, and the keys added."""
    if path.suffix == ".env":
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        have = load_configuration(path) if path.is_file() else {}
        added = [k for k in values if k not in have]
        lines = [f"{k}={json.dumps(values[k])}" for k in added]
        if lines and text and not text.endswith("\n"):
            text += "\n"
        return text + "".join(line + "\n" for line in lines), added
    data = _read_json(path, {})
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold a JSON object to add {', '.join(values)} to it")
    added = []
    if per_action is None:
        for key, value in values.items():
            if key not in data:
                data[key] = value
                added.append(key)
        return _dump(data), added
    own = data.get(per_action)
    if own is not None and not isinstance(own, dict):
        raise UsageError(f"{path}: `{per_action}` must be an object of secrets")
    own = dict(own or {})
    for key, value in values.items():
        if key not in own and not isinstance(data.get(key), (str, int, float, bool)):
            own[key] = value
            added.append(key)
    if own:
        data[per_action] = own
    return _dump(data), added


def write_rule(template: str | Template, tenant_dir: str | Path, *, name: str | None = None,
               force: bool = False, **options: Any) -> Scaffold:
    """Write a Rule started from ``template`` into a deploy-cli tenant folder.

    Parameters
    ----------
    template
        A template of :func:`rulesim.templates` (or its name).
    tenant_dir
        The tenant's deploy-cli folder (created if it does not exist).
    name
        The Rule's name (default: the template's).
    force
        Replace a Rule of that name (its files and golden file); its order is kept.
    **options
        The template's options.

    Returns
    -------
    Scaffold

    Raises
    ------
    UsageError
        The Rule exists and ``force`` is false; a bad name, template or option; a tenant
        kept as ``tenant.yaml``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tenant:
    ...     done = write_rule("allow-email-domains", tenant, domains=["example.com"])
    >>> done.kind, done.name, done.golden.name
    ('rule', 'allow-email-domains', 'allow-email-domains.rulesim.yaml')
    """
    t = find_template(template)
    rule = new_rule(t, name=name, **options)
    root = _tenant(tenant_dir)
    rules_dir = root / "rules"
    js, meta = rules_dir / f"{rule.name}.js", rules_dir / f"{rule.name}.json"
    golden = root / "tests" / f"{rule.name}.rulesim.yaml"
    orders, existing = [], [p for p in (js, meta, golden) if p.exists()]
    keep_order = None
    for other in sorted(rules_dir.glob("*.json")) if rules_dir.is_dir() else []:
        data = _read_json(other, {})
        order = data.get("order") if isinstance(data, dict) else None
        if isinstance(order, int) and not isinstance(order, bool):
            orders.append(order)
        if isinstance(data, dict) and data.get("name") == rule.name and other != meta:
            raise UsageError(f"rule `{rule.name}` is already defined by {other}; remove it or "
                             "choose another --name")
        if other == meta and isinstance(order, int) and not isinstance(order, bool):
            keep_order = order
    _refuse(existing, "rule", rule.name, force)
    order = keep_order if keep_order is not None else max(orders, default=0) + 1
    files = {
        js: rule.source if rule.source.endswith("\n") else rule.source + "\n",
        meta: _dump({"name": rule.name, "order": order, "enabled": True,
                     "stage": "login_success"}),
    }
    added: list[str] = []
    if t.configuration:
        conf = root / "configuration.json"
        files[conf], added = _merge_values(conf, t.placeholders, None)
    files[golden] = _golden(t, "rule", rule.name, root, options)
    return Scaffold("rule", rule.name, t.name, _write_all(files), golden, tuple(added))


def write_action(template: str | Template, tenant_dir: str | Path, *, name: str | None = None,
                 force: bool = False, **options: Any) -> Scaffold:
    """Write a post-login Action started from ``template`` into a deploy-cli tenant folder.

    The Action is bound to post-login after the Actions already bound (a replaced one keeps
    its place). Parameters, return value and errors are those of :func:`write_rule`; also
    refused: a 21st bound Action (Auth0 binds at most 20).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tenant:
    ...     done = write_action("enrich-profile", tenant, url="https://hr.example.com/p")
    >>> done.kind, done.placeholders
    ('action', ('PROFILE_API_KEY',))
    """
    t = find_template(template)
    action = new_action(t, name=name, **options)
    root = _tenant(tenant_dir)
    meta = root / "actions" / f"{action.name}.json"
    code = root / "actions" / action.name / "code.js"
    golden = root / "tests" / f"{action.name}.rulesim.yaml"
    triggers_file = root / "triggers" / "triggers.json"
    triggers = _read_json(triggers_file, {})
    if not isinstance(triggers, dict) or not isinstance(triggers.get(POST_LOGIN, []), list):
        raise UsageError(f"{triggers_file} must be a JSON object of trigger -> [bindings]")
    bindings = list(triggers.get(POST_LOGIN, []))
    bound = any(isinstance(b, dict) and b.get("action_name") == action.name for b in bindings)
    existing = [p for p in (meta, code, golden) if p.exists()]
    if bound:
        existing.append(triggers_file)
    _refuse(existing, "action", action.name, force)
    if not bound:
        if len(bindings) >= MAX_BOUND_ACTIONS:
            raise UsageError(f"{triggers_file} already binds {len(bindings)} Actions to "
                             f"post-login; Auth0 binds at most {MAX_BOUND_ACTIONS}")
        bindings.append({"action_name": action.name, "display_name": action.name})
    triggers = {**triggers, POST_LOGIN: bindings}
    files = {
        code: action.code if action.code.endswith("\n") else action.code + "\n",
        meta: _dump({
            "name": action.name,
            "code": f"./actions/{action.name}/code.js",
            "runtime": action.runtime,
            "status": "built",
            "deployed": True,
            "dependencies": [{"name": d.name, "version": d.version} for d in action.dependencies],
            "secrets": [{"name": s, "value": NOT_SHOWN} for s in action.secrets],
            "supported_triggers": [{"id": POST_LOGIN, "version": "v3"}],
        }),
        triggers_file: _dump(triggers),
    }
    added: list[str] = []
    if t.configuration:
        env, js = root / "secrets.env", root / "secrets.json"
        if env.is_file() and not js.is_file():
            files[env], added = _merge_values(env, t.placeholders, None)
        else:
            files[js], added = _merge_values(js, t.placeholders, action.name)
    files[golden] = _golden(t, "action", action.name, root, options)
    return Scaffold("action", action.name, t.name, _write_all(files), golden, tuple(added))


def write(kind: str, template: str | Template, tenant_dir: str | Path, *, name: str | None = None,
          force: bool = False, **options: Any) -> Scaffold:
    """:func:`write_rule` or :func:`write_action`, by ``kind`` (``rule`` or ``action``)."""
    if kind == "rule":
        return write_rule(template, tenant_dir, name=name, force=force, **options)
    if kind == "action":
        return write_action(template, tenant_dir, name=name, force=force, **options)
    raise UsageError(f"expected kind to be rule or action, got {kind!r}")
