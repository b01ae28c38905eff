"""The node-by-node translation behind :func:`rulesim.sources.draft.draft_actions`: one Rule's
syntax tree rebuilt as a post-login Action (see that module for the correspondence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rulesim.errors import ActionLoadError
from rulesim.sources._draft_tables import (
    CONTEXT_READS,
    CONTEXT_TODO,
    GEOIP,
    HELPERS,
    STANDARD_CLAIMS,
    USER_TODO,
)
from rulesim.sources.actions import Action, Dependency
from rulesim.sources.rules import Rule
from rulesim.sources.syntax import walk_nodes

__all__ = ["DraftTodo", "Translator"]


@dataclass(frozen=True)
class DraftTodo:
    """A statement the draft left commented out: where and why.

    Attributes
    ----------
    action
        The drafted Action (named like its Rule).
    line
        Line in the Rule's source.
    why
        The reason (the text of its ``TODO(rulesim):`` line).
    code
        The statement left commented out.

    Examples
    --------
    >>> [(t.action, t.line) for t in rs.draft_actions(rules).todos][:2]
    [('normalize-idp-profile', 59), ('map-idp-groups', 30)]
    """

    action: str
    line: int
    why: str
    code: str


class _NoTranslationError(Exception):
    """A construct with no safe translation: the enclosing statement becomes a TODO."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass
class _Result:
    name: str
    code: str
    todos: list[DraftTodo]
    dependencies: list[Dependency]
    rule_enabled: bool

    def action(self, rule: Rule) -> Action:
        fields: dict[str, Any] = {"order": rule.order, "enabled": rule.enabled,
                                  "dependencies": tuple(self.dependencies)}
        try:
            return Action.from_code(rule.name, self.code, **fields)
        except ActionLoadError as exc:   # pragma: no cover - a translator bug, kept visible
            commented = "\n".join(f"// {line}" for line in rule.source.splitlines())
            code = (f"// TODO(rulesim): the draft did not compile ({exc}); the Rule:\n"
                    f"{commented}\nexports.onExecutePostLogin = async (event, api) => {{}};\n")
            self.todos.append(DraftTodo(rule.name, 1, f"the draft did not compile: {exc}", ""))
            return Action.from_code(rule.name, code, **fields)


_STATEMENT_PARENTS = frozenset({"statement_block", "program", "switch_case",
                                "switch_default"})


class Translator:
    """Rebuilds one Rule's text node by node, rewriting what the contract maps."""

    def __init__(self, parser: Any, rule: Rule) -> None:
        self.rule = rule
        self.src = ("(" + rule.source + "\n)").encode("utf-8")
        tree = parser.parse(self.src)
        self.fn = _first(tree.root_node, ("function_expression", "function",
                                           "arrow_function"))
        self.todos: list[DraftTodo] = []
        self.helpers: set[str] = set()
        self.dependencies: list[Dependency] = []
        params = self.fn.child_by_field_name("parameters") if self.fn is not None else None
        names = [self.text(p) for p in params.named_children] if params is not None else []
        self.user, self.context, self.callback = [*names, "user", "context", "callback"][:3]
        self.direct = True
        self.async_rule = self.fn is not None and any(c.type == "async"
                                                       for c in self.fn.children)

    # --- helpers -----------------------------------------------------------------------------
    def text(self, node: Any) -> str:
        return self.src[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def line(self, node: Any) -> int:
        return int(node.start_point[0]) + 1

    def is_ident(self, node: Any, name: str) -> bool:
        return node is not None and node.type == "identifier" and self.text(node) == name

    # --- the whole Rule ----------------------------------------------------------------------
    def run(self) -> _Result:
        name = self.rule.name
        if self.fn is None:
            why = "the Rule is not one function expression"
            self.todos.append(DraftTodo(name, 1, why, self.rule.source))
            commented = "\n".join(f"// {x}" for x in self.rule.source.splitlines())
            code = (f"// TODO(rulesim): {why}\n{commented}\n"
                    "exports.onExecutePostLogin = async (event, api) => {};\n")
            return _Result(name, code, self.todos, [], self.rule.enabled)
        body = self.fn.child_by_field_name("body")
        statements = list(body.named_children) if body is not None else []
        continue_branch = None
        for st in statements:
            if st.type == "if_statement" and self._is_redirect_callback(
                    st.child_by_field_name("condition")) and \
                    st.child_by_field_name("alternative") is None:
                continue_branch = st
                break
        execute = [s for s in statements if s is not continue_branch]
        on_execute = self.handler(execute)
        parts = [f"/**\n * {name} (drafted by rulesim from the Rule of the same name).\n"
                 " * Review every TODO(rulesim) line before deploying.\n */"]
        on_continue = None
        if continue_branch is not None:
            consequence = continue_branch.child_by_field_name("consequence")
            inner = list(consequence.named_children) if consequence.type == \
                "statement_block" else [consequence]
            # The declarations before the branch are computed again on /continue.
            before = [s for s in statements[:statements.index(continue_branch)]
                      if s.type in ("lexical_declaration", "variable_declaration")]
            on_continue = self.handler(before + inner)
        elif "rulesimRedirect" in self.helpers:
            on_continue = "  // The Rule has no redirect-callback branch: nothing to resume.\n"
        for helper in sorted(self.helpers):
            parts.append(HELPERS[helper])
        parts.append(f"exports.onExecutePostLogin = async (event, api) => {{\n{on_execute}}};")
        if on_continue is not None:
            parts.append(f"exports.onContinuePostLogin = async (event, api) => {{\n"
                         f"{on_continue}}};")
        return _Result(name, "\n\n".join(parts) + "\n", self.todos, self.dependencies,
                       self.rule.enabled)

    def handler(self, statements: list[Any]) -> str:
        """The body of one handler from the Rule's statements."""
        self.direct = all(self._direct_callbacks(s) for s in statements)
        body = "".join(self.statement(s, 1 if self.direct else 2) for s in statements)
        if self.direct:
            return body
        executor = "async (resolve, reject)" if self.async_rule else "(resolve, reject)"
        return (f"  // The Rule calls back from inside callbacks: the handler waits for them.\n"
                f"  await new Promise({executor} => {{\n{body}  }});\n")

    def statement(self, node: Any, depth: int) -> str:
        return _reindent(self.emit(node), "  " * depth, int(node.start_point[1]))

    def todo(self, node: Any, why: str) -> str:
        """The statement commented out under its TODO line (at the statement's column)."""
        original = self.text(node)
        self.todos.append(DraftTodo(self.rule.name, self.line(node), why, original))
        col = " " * int(node.start_point[1])
        lines = [f"// TODO(rulesim): {why}"]
        for i, x in enumerate(original.splitlines()):
            body = x if i == 0 else (x[len(col):] if x.startswith(col) else x.lstrip())
            lines.append(f"{col}// {body}")
        names = self._declared(node)
        if names:
            lines.append(f"{col}let {', '.join(names)};   // TODO(rulesim): set above")
        return "\n".join(lines)

    def _declared(self, node: Any) -> list[str]:
        if node.type not in ("lexical_declaration", "variable_declaration"):
            return []
        out = []
        for d in node.named_children:
            target = d.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                out.append(self.text(target))
        return out

    # --- callbacks ---------------------------------------------------------------------------
    def _direct_callbacks(self, node: Any) -> bool:
        """Whether every use of ``callback`` under ``node`` is a whole statement (possibly
        ``return callback(...)``) outside any nested function."""
        for n in walk_nodes(node):
            if not self.is_ident(n, self.callback):
                continue
            call = n.parent
            if call is None or call.type != "call_expression" or \
                    call.child_by_field_name("function") != n:
                return False
            holder = call.parent
            if holder is None or holder.type not in ("expression_statement",
                                                     "return_statement"):
                return False
            p = holder.parent
            while p is not None and not _same_node(p, self.fn):
                if p.type in ("function_expression", "arrow_function", "function_declaration",
                              "method_definition", "function"):
                    return False
                p = p.parent
        return True

    def _callback_call(self, call: Any, statement: bool) -> str:
        """``callback(...)`` as an Action ends: a deny, a failure or a success."""
        args = call.child_by_field_name("arguments")
        values = list(args.named_children) if args is not None else []
        first = values[0] if values else None
        if first is None or first.type in ("null", "undefined") or (
                first.type == "identifier" and self.text(first) == "undefined"):
            return "return;" if statement and self.direct else "resolve()"
        if first.type == "new_expression" and self.is_ident(
                first.child_by_field_name("constructor"), "UnauthorizedError"):
            inner = first.child_by_field_name("arguments")
            message = ", ".join(self.emit(a) for a in inner.named_children) \
                if inner is not None else "''"
            if statement and self.direct:
                return f"return api.access.deny({message or chr(39) * 2});"
            return f"(api.access.deny({message or chr(39) * 2}), resolve())"
        err = self.emit(first)
        return f"throw {err};" if statement and self.direct else f"reject({err})"

    # --- node by node ------------------------------------------------------------------------
    def emit(self, node: Any) -> str:
        parent = node.parent
        if parent is not None and parent.type in _STATEMENT_PARENTS and node.is_named and (
                node.type.endswith("statement") or node.type.endswith("declaration")):
            try:
                return self._emit(node)
            except _NoTranslationError as stop:
                return self.todo(node, stop.why)
        return self._emit(node)

    def _emit(self, node: Any) -> str:
        override = self.rewrite(node)
        if override is not None:
            return override
        if not node.children:
            return self.text(node)
        out, pos = [], node.start_byte
        for child in node.children:
            out.append(self.src[pos:child.start_byte].decode("utf-8", "replace"))
            out.append(self.emit(child))
            pos = child.end_byte
        out.append(self.src[pos:node.end_byte].decode("utf-8", "replace"))
        return "".join(out)

    def rewrite(self, node: Any) -> str | None:
        t = node.type
        if t in ("expression_statement", "return_statement"):
            expr = node.named_children[0] if node.named_children else None
            if expr is not None and expr.type == "call_expression" and self.is_ident(
                    expr.child_by_field_name("function"), self.callback):
                if self.direct:
                    return self._callback_call(expr, statement=True)
                call = self._callback_call(expr, statement=False)
                return f"return {call};" if t == "return_statement" else f"{call};"
            return None
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            if self.is_ident(fn, self.callback):
                return self._callback_call(node, statement=False)
            if self.is_ident(fn, "require"):
                return self._require(node)
            chain = _chain(self, fn)
            if chain[:1] == ["auth0"]:
                if chain in (["auth0", "users", "updateAppMetadata"],
                             ["auth0", "users", "updateUserMetadata"]):
                    args = node.child_by_field_name("arguments").named_children
                    kind = "app" if chain[2] == "updateAppMetadata" else "user"
                    self.helpers.add("rulesimSetMetadata")
                    data = self.emit(args[1]) if len(args) > 1 else "{}"
                    return f"rulesimSetMetadata(api, '{kind}', {data})"
                raise _NoTranslationError("the auth0 Management client does not exist in Actions (DIFF-MGMT):"
                            " use a ManagementClient with client credentials from secrets")
            return None
        if t == "identifier":
            name = self.text(node)
            if name == self.callback:
                if self.direct:
                    raise _NoTranslationError("the callback is passed around as a value")
                return "((err) => (err ? reject(err) : resolve()))"
            if name == self.user:
                return "event.user"
            if name == self.context:
                raise _NoTranslationError("the whole context object has no Actions counterpart")
            if name == "configuration":
                return "event.secrets"
            if name in ("global", "globalThis"):
                raise _NoTranslationError("state or functions shared on global between Rules "
                            "(DIFF-SHARED-CODE): move them to module scope, api.cache or an "
                            "Actions Module")
            if name == "UnauthorizedError":
                raise _NoTranslationError("UnauthorizedError does not exist in Actions: use "
                            "api.access.deny(reason)")
            if name == "auth0":
                raise _NoTranslationError("the auth0 Management client does not exist in Actions (DIFF-MGMT)")
            return None
        if t == "assignment_expression":
            return self._assignment(node)
        if t == "unary_expression" and self.text(node).startswith("delete"):
            target = node.named_children[0] if node.named_children else None
            if target is not None and _chain(self, target) == [self.context, "multifactor"]:
                return "api.multifactor.enable('none')"
            if target is not None and _chain(self, target)[:2] in ([self.context, "idToken"],
                                                                   [self.context,
                                                                    "accessToken"]):
                raise _NoTranslationError("an Action cannot remove a claim an earlier Action set: do not set "
                            "it there instead")
            return None
        if t in ("member_expression", "subscript_expression"):
            return self._member(node)
        return None

    def _require(self, node: Any) -> str | None:
        args = node.child_by_field_name("arguments").named_children
        if len(args) != 1 or args[0].type != "string":
            return None
        spec = self.text(args[0])[1:-1]
        name, at, version = spec.rpartition("@") if spec.count("@") > (
            1 if spec.startswith("@") else 0) else (spec, "", "")
        if at and version:
            if not any(d.name == name for d in self.dependencies):
                self.dependencies.append(Dependency(name, version))
            return f"require('{name}')"
        return None

    def _assignment(self, node: Any) -> str | None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        chain = _chain(self, left)
        ctx, user = self.context, self.user
        if chain[:2] in ([ctx, "idToken"], [ctx, "accessToken"]) and len(chain) == 3:
            token = chain[1]
            if chain[2] == "scope" and token == "accessToken":
                self.helpers.add("rulesimSetScopes")
                return f"rulesimSetScopes(api, event, {self.emit(right)})"
            key = self._key(left)
            return f"api.{token}.setCustomClaim({key}, {self.emit(right)})"
        if chain == [ctx, "multifactor"]:
            self.helpers.add("rulesimEnableMfa")
            return f"rulesimEnableMfa(api, {self.emit(right)})"
        if chain == [ctx, "redirect"]:
            self.helpers.add("rulesimRedirect")
            return f"rulesimRedirect(api, {self.emit(right)})"
        if chain == [ctx, "primaryUser"]:
            return f"api.authentication.setPrimaryUser({self.emit(right)})"
        if len(chain) == 2 and chain[0] == user and chain[1] in STANDARD_CLAIMS:
            return f"api.idToken.setCustomClaim('{chain[1]}', {self.emit(right)})"
        if len(chain) >= 2 and chain[0] == user and chain[1] not in ("app_metadata",
                                                                     "user_metadata"):
            raise _NoTranslationError(f"a change to user.{chain[1]} is invisible to later Actions "
                        "(DIFF-VISIBILITY): pass it with api.transaction.setMetadata")
        if chain[:1] == [ctx]:
            raise _NoTranslationError(f"context.{'.'.join(chain[1:]) or '…'} cannot be set from an Action")
        return None

    def _key(self, node: Any) -> str:
        if node.type == "subscript_expression":
            return self.emit(node.child_by_field_name("index"))
        return "'" + self.text(node.child_by_field_name("property")) + "'"

    def _member(self, node: Any) -> str | None:
        chain = _chain(self, node)
        if not chain:
            return None
        ctx = self.context
        if chain[0] == ctx and node.child_by_field_name("object") is not None and \
                self.is_ident(node.child_by_field_name("object"), ctx):
            prop = chain[1] if len(chain) > 1 else ""
            if node.type == "subscript_expression":
                raise _NoTranslationError("a computed context[...] read has no event counterpart")
            if prop in CONTEXT_READS:
                return CONTEXT_READS[prop]
            if prop == "stats":
                return "{ loginsCount: event.stats.logins_count }"
            raise _NoTranslationError(CONTEXT_TODO.get(prop, f"context.{prop} has no Actions counterpart"))
        if chain[0] == self.user and len(chain) > 1 and chain[1] in USER_TODO and \
                self.is_ident(node.child_by_field_name("object"), self.user):
            raise _NoTranslationError(f"user.{chain[1]} is not in the Actions event (DIFF-USERFIELDS)")
        if chain[0] == self.user and len(chain) > 1 and chain[1] == "identities" and \
                any(p in ("access_token", "refresh_token") for p in chain):
            raise _NoTranslationError("the IdP tokens in user.identities are not in the Actions event "
                        "(DIFF-USERFIELDS)")
        if node.type == "member_expression" and chain[:2] == [ctx, "request"]:
            prop = self.text(node.child_by_field_name("property"))
            obj = self.emit(node.child_by_field_name("object"))
            sep = "?." if self.text(node).find("?.", len(self.text(
                node.child_by_field_name("object")))) != -1 else "."
            if prop == "userAgent" and len(chain) == 3:
                return f"{obj}{sep}user_agent"
            if prop in GEOIP and "geoip" in chain:
                return f"{obj}{sep}{GEOIP[prop]}"
        return None

    def _is_redirect_callback(self, cond: Any) -> bool:
        node = cond
        while node is not None and node.type == "parenthesized_expression":
            node = node.named_children[0] if node.named_children else None
        if node is None or node.type != "binary_expression":
            return False
        op = node.child_by_field_name("operator")
        if op is None or self.text(op) not in ("===", "=="):
            return False
        sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        texts = [self.text(s) for s in sides]
        return (any(_chain(self, s) == [self.context, "protocol"] for s in sides)
                and any(x.strip("'\"") == "redirect-callback" and x[:1] in "'\"" for x in texts))


def _chain(tr: Translator, node: Any) -> list[str]:
    """``context.idToken['x']`` → ``['context', 'idToken', 'x']`` (computed keys as '[]')."""
    out: list[str] = []
    while node is not None:
        if node.type == "member_expression":
            out.append(tr.text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            out.append(tr.text(index)[1:-1] if index is not None and index.type == "string"
                       else "[]")
            node = node.child_by_field_name("object")
        elif node.type == "identifier":
            out.append(tr.text(node))
            break
        else:
            return []
    return list(reversed(out))


def _same_node(a: Any, b: Any) -> bool:
    return a is not None and b is not None and (a.start_byte, a.end_byte, a.type) == (
        b.start_byte, b.end_byte, b.type)


def _first(node: Any, types: tuple[str, ...]) -> Any:
    for n in walk_nodes(node):
        if n.type in types:
            return n
    return None


def _reindent(text: str, pad: str, column: int) -> str:
    """A statement's text (first line without its indentation, later lines with the
    original's) moved to indentation ``pad``."""
    out = []
    for i, x in enumerate(text.splitlines()):
        if i == 0:
            out.append(pad + x.strip())
            continue
        strip = min(column, len(x) - len(x.lstrip()))
        out.append(pad + x[strip:] if x.strip() else "")
    return "\n".join(out) + "\n" if out else ""
