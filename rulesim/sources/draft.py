"""Draft post-login Actions from Rules: a source-to-source translation on a JavaScript syntax tree.

Each Rule becomes one Action (same name, same place in the flow) whose handlers are rebuilt
from the Rule's syntax tree (tree-sitter's JavaScript grammar, the parser rule coverage and
the Actions loader use), following the correspondence of the Actions contract (section 8):

==========================================  ===================================================
Rule                                        drafted Action
==========================================  ===================================================
``callback(null, user, context)``           ``return`` (or ``resolve()`` inside a callback)
``callback(new UnauthorizedError(m))``      ``api.access.deny(m)``
``callback(err)``                           ``throw err`` (or ``reject(err)``)
``context.idToken[k] = v``                  ``api.idToken.setCustomClaim(k, v)`` (access too)
``context.accessToken.scope = list``        ``removeScope``/``addScope`` per scope
``user.name = v`` (a standard claim)        ``api.idToken.setCustomClaim('name', v)``
``context.multifactor = {...}``             ``api.multifactor.enable(provider, {...})``
``context.redirect = {url}``                ``api.redirect.sendUserTo(url)``
``if (context.protocol ===                  the branch becomes ``onContinuePostLogin``
'redirect-callback') {…}``
``auth0.users.update*Metadata(id, obj)``    ``api.user.set*Metadata(k, v)`` per key
``configuration.X``                         ``event.secrets.X``
``user.*``, ``context.*`` reads             ``event.*`` (contract section 5)
``require('pkg@1.2.3')``                    ``require('pkg')`` + a declared dependency
==========================================  ===================================================

Where no safe translation exists (``context.connectionOptions``, the ``auth0`` Management
client, ``global``, reading claims back, SAML mappings, IdP tokens, Rules-only fields) the
statement is left commented out under a ``// TODO(rulesim): <why>`` line, and the site is
listed in :attr:`Draft.todos`. A Rule that calls back from inside nested functions runs
inside ``await new Promise((resolve, reject) => …)`` so that every path still ends the
handler. Never by regular expressions: every decision is made on syntax-tree nodes.

tree-sitter is in the ``coverage`` extra; :func:`draft_actions` raises
:class:`~rulesim.MissingExtraError` without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rulesim.errors import MissingExtraError
from rulesim.sources._draft_translate import DraftTodo, Translator
from rulesim.sources.actions import ActionSet
from rulesim.sources.rules import Rule, RuleSet
from rulesim.sources.syntax import tree_parser

__all__ = ["Draft", "DraftTodo", "draft_actions"]

@dataclass
class Draft:
    """Actions drafted from Rules, with the sites no safe translation covers.

    Attributes
    ----------
    actions
        The drafted Actions in flow order, with the Rules' configuration as their secrets.
    todos
        Every ``TODO(rulesim)`` site.
    rules
        The Rules they were drafted from.

    Examples
    --------
    >>> draft = rs.draft_actions(rs.load_rules("datasets/tenants/acme"))
    >>> draft.todo_actions()[:2]
    ['normalize-idp-profile', 'map-idp-groups']
    """

    actions: ActionSet
    todos: list[DraftTodo] = field(default_factory=list)
    rules: RuleSet | None = None

    def todo_actions(self) -> list[str]:
        """The Actions with at least one TODO site, in flow order."""
        names = {t.action for t in self.todos}
        return [a.name for a in self.actions if a.name in names]

    def write(self, out: str | Path) -> Path:
        """Write the drafts as a deploy-cli directory export (``actions/``, ``triggers/``,
        ``secrets.json``), loadable with :func:`~rulesim.load_tenant`.

        Returns the folder. Existing files of the same names are replaced.
        """
        root = Path(out)
        (root / "actions").mkdir(parents=True, exist_ok=True)
        (root / "triggers").mkdir(exist_ok=True)
        bindings = []
        secrets: dict[str, str] = {}
        for action in self.actions:
            folder = root / "actions" / action.name
            folder.mkdir(exist_ok=True)
            (folder / "code.js").write_text(action.code, encoding="utf-8")
            meta = {"name": action.name, "code": f"./actions/{action.name}/code.js",
                    "runtime": action.runtime, "deployed": True,
                    "dependencies": [{"name": d.name, "version": d.version}
                                     for d in action.dependencies],
                    "secrets": [{"name": s, "value": "_VALUE_NOT_SHOWN_"}
                                for s in action.secrets],
                    "supported_triggers": [{"id": "post-login", "version": "v3"}]}
            (root / "actions" / f"{action.name}.json").write_text(
                json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            if action.enabled:
                bindings.append({"action_name": action.name, "display_name": action.name})
            secrets.update(self.actions.secrets_for(action.name))
        (root / "triggers" / "triggers.json").write_text(
            json.dumps({"post-login": bindings}, indent=2) + "\n", encoding="utf-8")
        (root / "secrets.json").write_text(json.dumps(secrets, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8")
        services = self.rules.services_file if self.rules is not None else None
        if services is not None and services.is_file():
            (root / "services.yaml").write_text(services.read_text(encoding="utf-8"),
                                                encoding="utf-8")
        return root


def draft_actions(rules: RuleSet | Iterable[Rule]) -> Draft:
    """Draft one post-login Action per Rule (see the module docstring for the translation).

    Parameters
    ----------
    rules
        The Rules (a :class:`~rulesim.RuleSet`). Disabled Rules are drafted unbound.

    Returns
    -------
    Draft
        The Actions (an :class:`~rulesim.ActionSet` whose secrets are the Rules'
        configuration) and the TODO sites.

    Raises
    ------
    MissingExtraError
        tree-sitter is not installed (``pip install 'rulesim[coverage]'``).

    Examples
    --------
    >>> import tempfile
    >>> draft = draft_actions(rs.load_rules("datasets/tenants/acme"))
    >>> len(draft.todo_actions())
    7
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = draft.write(folder)
    ...     len(rs.load_actions(folder))
    17
    """
    parser = tree_parser()
    if parser is None:
        raise MissingExtraError("coverage", "tree-sitter-javascript", "Drafting Actions")
    rule_set = rules if isinstance(rules, RuleSet) else RuleSet(list(rules))
    actions, todos = [], []
    for rule in rule_set:
        translated = Translator(parser, rule).run()
        todos += translated.todos
        actions.append(translated.action(rule))
    secrets = {k: str(v) for k, v in dict(rule_set.configuration).items()}
    action_set = ActionSet(actions, secrets)
    action_set.services_file = rule_set.services_file
    return Draft(action_set, todos, rule_set)


