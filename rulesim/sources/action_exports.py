"""Read post-login Actions out of the export formats Auth0 tenants are kept in.

Each reader returns ``(actions, exported_secrets)``: the Actions, bound ones numbered in flow
order and unbound ones after them in name order, and per Action the secret values written in
the export (deploy-cli writes ``_VALUE_NOT_SHOWN_``, which is no value).

Formats
-------
deploy-cli directory
    ``actions/<name>.json`` (``name``, ``code``, ``runtime``, ``dependencies``, ``secrets``,
    ``supported_triggers``, ``deployed``), the code in the file ``code`` names (by convention
    ``actions/<name>/code.js``; deploy-cli writes the path relative to where it ran, so it is
    looked up from the export folder, its parent and as a tail of the path), and
    ``triggers/triggers.json`` (``{"post-login": [{"action_name", "display_name"}]}``).
deploy-cli ``tenant.yaml``
    ``actions:`` with the same fields (``code`` relative to the YAML file) and ``triggers:
    post-login:``.
Management API dump
    A JSON object ``{"actions": A, "bindings": B}`` where ``A`` is the body of ``GET
    /api/v2/actions/actions?triggerId=post-login`` (``{"actions": [...], "total", …}``) or its
    ``actions`` list, and ``B`` the body of ``GET /api/v2/actions/triggers/post-login/bindings``
    (``{"bindings": [...]}``) or its list. An Action's ``deployed_version`` (what runs) wins
    over its draft fields. A binding names its Action by ``action.id``/``action.name`` (GET
    form) or ``ref: {type: action_id|action_name, value}`` (PATCH form). A ``rules`` key may
    sit beside them (:func:`rulesim.load_tenant` reads both).
``.js``
    One module, or a folder of them: bound in name order, node22, no declared dependencies,
    secrets = the ones the code reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rulesim.errors import ActionLoadError
from rulesim.sources._files import load_json, load_yaml, read_text
from rulesim.sources.actions import POST_LOGIN, Action, Dependency
from rulesim.sources.configuration import NOT_SHOWN, secret_keys

__all__ = [
    "Exported",
    "actions_from_api_dump",
    "actions_from_deploy_dir",
    "actions_from_js",
    "actions_from_tenant_yaml",
    "read_actions",
]

Exported = tuple[list[Action], dict[str, dict[str, str]]]
"""``(actions, exported secret values per Action)``."""

_E = ActionLoadError


def read_actions(p: Path) -> Exported:
    """Read whichever format ``p`` is (see the module docstring)."""
    if p.is_dir():
        if (p / "actions").is_dir():
            return actions_from_deploy_dir(p)
        if (p / "tenant.yaml").is_file():
            return actions_from_tenant_yaml(load_yaml(p / "tenant.yaml", _E), p / "tenant.yaml")
        files = sorted(p.glob("*.js"))
        if not files:
            raise ActionLoadError(f"no Actions in {p}: expected actions/ (deploy-cli), a "
                                  "tenant.yaml or .js modules", file=str(p))
        return actions_from_js(files)
    if p.suffix in (".yaml", ".yml"):
        return actions_from_tenant_yaml(load_yaml(p, _E), p)
    if p.suffix == ".json":
        return actions_from_api_dump(load_json(p, _E), p)
    if p.suffix in (".js", ".cjs"):
        return actions_from_js([p])
    raise ActionLoadError(f"cannot tell what {p} is: expected a folder, a .js file, a "
                          "tenant.yaml or a Management API .json dump")


def actions_from_js(files: Sequence[Path]) -> Exported:
    """Each file one bound Action named after it, in the order given."""
    out = []
    for i, f in enumerate(files):
        code = read_text(f, _E)
        out.append(Action(name=f.stem, code=code, order=i + 1, file=str(f),
                          secrets=tuple(sorted(secret_keys(code)))))
    return out, {}


# --- fields shared by the formats -------------------------------------------------------------

def _list(value: Any, what: str, file: str, action: str | None) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ActionLoadError(f"`{what}` must be a list, got {value!r}", file=file, action=action)
    return value


def _dependencies(value: Any, file: str, action: str) -> tuple[Dependency, ...]:
    deps = []
    for d in _list(value, "dependencies", file, action):
        if not isinstance(d, Mapping) or not isinstance(d.get("name"), str) or not d["name"]:
            raise ActionLoadError(f"each dependency needs a `name` and a `version`, got {d!r}",
                                  file=file, action=action)
        deps.append(Dependency(d["name"], str(d.get("version") or "latest")))
    return tuple(deps)


def _secrets(value: Any, file: str, action: str) -> tuple[tuple[str, ...], dict[str, str]]:
    names, values = [], {}
    for s in _list(value, "secrets", file, action):
        if not isinstance(s, Mapping) or not isinstance(s.get("name"), str) or not s["name"]:
            raise ActionLoadError(f"each secret needs a `name`, got {s!r}", file=file, action=action)
        names.append(s["name"])
        v = s.get("value")
        if v is not None and v != NOT_SHOWN:
            values[s["name"]] = str(v)
    return tuple(names), values


def _triggers(value: Any, file: str, action: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ((POST_LOGIN, "v3"),)
    out = []
    for t in _list(value, "supported_triggers", file, action):
        if not isinstance(t, Mapping) or not isinstance(t.get("id"), str):
            raise ActionLoadError(f"each supported trigger needs an `id`, got {t!r}", file=file,
                                  action=action)
        out.append((t["id"], str(t.get("version", ""))))
    return tuple(out)


def _action(meta: Mapping[str, Any], code: str, *, file: str, code_file: str,
            exported: dict[str, dict[str, str]]) -> Action:
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise ActionLoadError(f"`name` must be a non-empty string, got {name!r}", file=file)
    deployed = meta.get("deployed", True)
    if not isinstance(deployed, bool):
        raise ActionLoadError(f"`deployed` must be true or false, got {deployed!r}", file=file,
                              action=name)
    runtime = meta.get("runtime") or "node22"
    names, values = _secrets(meta.get("secrets"), file, name)
    if values:
        exported[name] = values
    return Action(name=name, code=code, deployed=deployed, runtime=str(runtime),
                  dependencies=_dependencies(meta.get("dependencies"), file, name),
                  secrets=names, supported_triggers=_triggers(meta.get("supported_triggers"), file, name),
                  id=str(meta.get("id") or ""), file=code_file)


def _bind(actions: list[Action], bindings: Sequence[tuple[str, str]], file: str) -> list[Action]:
    """Number bound Actions in binding order; unbound ones follow in name order."""
    by_key: dict[str, Action] = {}
    for a in actions:
        by_key.setdefault(a.name, a)
        by_key.setdefault(a.id, a)
    bound: list[Action] = []
    for key, display in bindings:
        found = by_key.get(key)
        if found is None:
            raise ActionLoadError(f"the post-login trigger binds `{key}`, which is not among the "
                                  f"exported Actions ({', '.join(sorted(x.name for x in actions))})",
                                  file=file, action=key)
        a = found
        if any(b.name == a.name for b in bound):
            raise ActionLoadError("the post-login trigger binds this Action twice", file=file,
                                  action=a.name)
        bound.append(dataclasses.replace(a, order=len(bound) + 1, enabled=True,
                                         display_name=display or a.name))
    names = {b.name for b in bound}
    rest = sorted((a for a in actions if a.name not in names), key=lambda a: a.name)
    return bound + [dataclasses.replace(a, order=len(bound) + i + 1, enabled=False)
                    for i, a in enumerate(rest)]


def _post_login_bindings(value: Any, file: str) -> list[tuple[str, str]]:
    out = []
    for b in _list(value, "triggers.post-login", file, None):
        if not isinstance(b, Mapping) or not isinstance(b.get("action_name"), str):
            raise ActionLoadError(f"each post-login binding needs an `action_name`, got {b!r}",
                                  file=file)
        out.append((b["action_name"], str(b.get("display_name") or "")))
    return out


# --- deploy-cli directory -----------------------------------------------------------------

def _code_path(root: Path, meta_file: Path, code: str, name: str) -> Path:
    rel = Path(code)
    candidates = [root / rel, root.parent / rel, meta_file.parent / rel]
    parts = [x for x in rel.parts if x not in (".", "")]
    candidates += [root / Path(*parts[i:]) for i in range(1, len(parts))]
    candidates.append(root / "actions" / name / "code.js")
    for c in candidates:
        if c.is_file():
            return c
    raise ActionLoadError(f"`code` names {code!r}, which is not in the export", file=str(meta_file),
                          action=name)


def actions_from_deploy_dir(root: Path) -> Exported:
    """The Actions of a deploy-cli directory export rooted at ``root``."""
    exported: dict[str, dict[str, str]] = {}
    actions = []
    for meta_file in sorted((root / "actions").glob("*.json")):
        meta = load_json(meta_file, _E)
        if not isinstance(meta, dict):
            raise ActionLoadError("expected a JSON object with name, code, runtime, …",
                                  file=str(meta_file))
        meta.setdefault("name", meta_file.stem)
        code_ref = meta.get("code")
        if not isinstance(code_ref, str) or not code_ref:
            raise ActionLoadError("`code` must name the Action's code file", file=str(meta_file),
                                  action=str(meta["name"]))
        code_file = _code_path(root, meta_file, code_ref, str(meta["name"]))
        actions.append(_action(meta, read_text(code_file, _E), file=str(meta_file),
                               code_file=str(code_file), exported=exported))
    triggers = root / "triggers" / "triggers.json"
    if triggers.is_file():
        data = load_json(triggers, _E)
        if not isinstance(data, dict):
            raise ActionLoadError("expected a JSON object {trigger: [bindings]}", file=str(triggers))
        bindings = _post_login_bindings(data.get(POST_LOGIN), str(triggers))
    else:
        bindings = []
    return _bind(actions, bindings, str(triggers)), exported


# --- tenant.yaml ----------------------------------------------------------------------------

def actions_from_tenant_yaml(data: Any, path: Path) -> Exported:
    """The Actions of a parsed deploy-cli ``tenant.yaml`` (none when it has no ``actions:``)."""
    if not isinstance(data, dict):
        raise ActionLoadError("expected a YAML mapping with an `actions:` list", file=str(path))
    exported: dict[str, dict[str, str]] = {}
    actions = []
    for i, item in enumerate(_list(data.get("actions"), "actions", str(path), None)):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise ActionLoadError(f"actions entry #{i + 1} needs `name` and `code`", file=str(path))
        code_file = path.parent / item["code"]
        actions.append(_action(item, read_text(code_file, _E), file=str(path),
                               code_file=str(code_file), exported=exported))
    triggers = data.get("triggers") or {}
    if not isinstance(triggers, dict):
        raise ActionLoadError("`triggers:` must be a mapping of trigger -> bindings", file=str(path))
    return _bind(actions, _post_login_bindings(triggers.get(POST_LOGIN), str(path)), str(path)), exported


# --- Management API dump ------------------------------------------------------------------

def _unwrap(value: Any, key: str) -> Any:
    return value[key] if isinstance(value, dict) and key in value else value


def actions_from_api_dump(data: Any, path: Path) -> Exported:
    """The Actions of a Management API dump ``{"actions": …, "bindings": …}``."""
    file = str(path)
    if not isinstance(data, dict) or "actions" not in data:
        raise ActionLoadError('expected a JSON object {"actions": <GET /api/v2/actions/actions>, '
                              '"bindings": <GET /api/v2/actions/triggers/post-login/bindings>}',
                              file=file)
    exported: dict[str, dict[str, str]] = {}
    actions = []
    for i, item in enumerate(_list(_unwrap(data["actions"], "actions"), "actions", file, None)):
        if not isinstance(item, dict):
            raise ActionLoadError(f"action #{i + 1} must be an object", file=file)
        version = item.get("deployed_version")
        meta = dict(item)
        if isinstance(version, dict):
            for k in ("code", "runtime", "dependencies", "secrets"):
                if k in version:
                    meta[k] = version[k]
            meta["deployed"] = True
        elif "deployed_version" in item:
            meta["deployed"] = False
        if not isinstance(meta.get("code"), str):
            raise ActionLoadError(f"action #{i + 1} needs a string `code`", file=file,
                                  action=str(meta.get("name") or "") or None)
        actions.append(_action(meta, meta["code"], file=file, code_file=file, exported=exported))
    bindings = []
    for b in _list(_unwrap(data.get("bindings"), "bindings"), "bindings", file, None):
        if not isinstance(b, dict) or b.get("trigger_id", POST_LOGIN) != POST_LOGIN:
            continue
        target: dict[str, Any] = b["action"] if isinstance(b.get("action"), dict) else {}
        ref: dict[str, Any] = b["ref"] if isinstance(b.get("ref"), dict) else {}
        key = target.get("id") or target.get("name") or ref.get("value")
        if not isinstance(key, str):
            raise ActionLoadError(f"binding {b.get('id') or b!r} names no Action", file=file)
        bindings.append((key, str(b.get("display_name") or "")))
    return _bind(actions, bindings, file), exported

