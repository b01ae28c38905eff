"""Node's wording and location of a rule's uncaught error, from QuickJS's.

Auth0 ran rules on Node (V8), so the application and the tenant's logs got V8's messages:
``Cannot read properties of undefined (reading 'roles')`` where QuickJS says ``cannot read
property 'roles' of undefined``, and ``users.map is not a function`` where QuickJS says only
``not a function``. QuickJS also reports a failed multi-line call at the line that closes it
(``});``), where V8 reports the line of the call itself. :func:`node_error` rewrites a rule
failure's message and line the way V8 would have given them, using the rule's source: a light
JavaScript tokenizer finds the calls that close on the reported line and the expression being
called, which V8 prints in its message.

Only the text QuickJS produced is rewritten; an error a rule caught and passed on keeps the
message its code saw. When the source leaves a doubt (two calls close on the line), the
message keeps QuickJS's wording and the line stays where QuickJS put it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rulesim.errors import ErrorCode
from rulesim.sources.node_globals import sandbox_lacks

if TYPE_CHECKING:
    from rulesim.runtime.rows import LoginBlock
    from rulesim.sources import Rule

__all__ = ["node_error", "reword_block", "unsupported_global"]

_READ = re.compile(r"^cannot read property '(.*)' of (undefined|null)$", re.S)
_SET = re.compile(r"^cannot set property '(.*)' of (undefined|null)$", re.S)
_NOT_DEFINED = re.compile(r"^'(.*)' is not defined$", re.S)
_READ_ONLY = re.compile(r"^'(.*)' is read-only$", re.S)
_SIMPLE = {
    "cannot convert to object": "Cannot convert undefined or null to object",
    "invalid array length": "Invalid array length",
    "cannot convert symbol to string": "Cannot convert a Symbol value to a string",
}
# Calls that a rule's own mistakes cannot make fail: not candidates for "not a function".
_TRUSTED_ROOTS = frozenset({
    "JSON", "Object", "Array", "Math", "Promise", "String", "Number", "Boolean", "Date",
    "RegExp", "Error", "TypeError", "RangeError", "Symbol", "Buffer", "console", "require",
    "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent",
    "encodeURI", "decodeURI", "setTimeout", "setInterval", "clearTimeout", "UnauthorizedError",
    "URL", "URLSearchParams",
})
_KEYWORDS = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "export", "extends", "finally", "for", "function", "if", "import", "in", "instanceof",
    "let", "new", "return", "switch", "throw", "try", "typeof", "var", "void", "while", "with",
    "yield", "await", "of",
})
# After these, a `/` starts a regular expression rather than a division.
_BEFORE_REGEX = _KEYWORDS - {"this", "super"}
_PUNCT = re.compile(r"\?\.(?!\d)|\.\.\.|=>|[{}()\[\];,<>+\-*/%&|^!~?:=.@#]")
_NAME = re.compile(r"[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*")
_NUMBER = re.compile(r"(?:0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?")


@dataclass(frozen=True)
class _Tok:
    kind: str     # name, num, str, tmpl, regex, punct
    text: str
    line: int


def _tokenize(src: str) -> list[_Tok]:
    """Tokens of ``src`` without comments and whitespace; template literals are one token each
    part, with the expressions inside ``${...}`` tokenized normally."""
    toks: list[_Tok] = []
    i, n, line = 0, len(src), 1
    braces: list[str] = []   # "{" for a block/object, "${" for a template substitution

    def template(start: int) -> int:
        # From just after ` or }, to just after the closing ` or the next ${ (pushed).
        nonlocal line
        j = start
        while j < n:
            c = src[j]
            if c == "\\":
                j += 2
                continue
            if c == "\n":
                line += 1
            if c == "`":
                toks.append(_Tok("tmpl", src[start:j], line))
                return j + 1
            if c == "$" and j + 1 < n and src[j + 1] == "{":
                toks.append(_Tok("tmpl", src[start:j], line))
                braces.append("${")
                return j + 2
            j += 1
        return n

    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("//", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += src.count("\n", i, end)
            i = end
        elif c in "'\"":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            toks.append(_Tok("str", src[i + 1:j], line))
            i = j + 1
        elif c == "`":
            i = template(i + 1)
        elif c == "}" and braces and braces[-1] == "${":
            braces.pop()
            i = template(i + 1)
        elif c == "/" and _regex_allowed(toks):
            j, in_class = i + 1, False
            while j < n and src[j] != "\n" and (src[j] != "/" or in_class):
                if src[j] == "\\":
                    j += 1
                elif src[j] == "[":
                    in_class = True
                elif src[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and (src[j].isalnum()):
                j += 1
            toks.append(_Tok("regex", src[i:j], line))
            i = j
        elif (m := _NAME.match(src, i)) is not None:
            toks.append(_Tok("name", m.group(), line))
            i = m.end()
        elif c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = _NUMBER.match(src, i)
            end = m.end() if m and m.end() > i else i + 1
            toks.append(_Tok("num", src[i:end], line))
            i = end
        elif (m := _PUNCT.match(src, i)) is not None:
            if m.group() == "{":
                braces.append("{")
            elif m.group() == "}" and braces:
                braces.pop()
            toks.append(_Tok("punct", m.group(), line))
            i = m.end()
        else:
            i += 1
    return toks


def _regex_allowed(toks: list[_Tok]) -> bool:
    if not toks:
        return True
    last = toks[-1]
    if last.kind in ("num", "str", "tmpl", "regex"):
        return False
    if last.kind == "name":
        return last.text in _BEFORE_REGEX
    return last.text not in (")", "]", "}")


@dataclass(frozen=True)
class _Call:
    callee: str       # the called expression as V8 prints it ("users.map", "foo(...).bar")
    root: str         # its first name ("users")
    line: int         # where V8 places the call: the line of the callee's last part
    opens: int        # line of "("
    closes: int       # line of ")"
    is_new: bool


def _matching_open(toks: list[_Tok], close: int, opener: str, closer: str) -> int:
    depth = 0
    for k in range(close, -1, -1):
        t = toks[k]
        if t.kind == "punct" and t.text == closer:
            depth += 1
        elif t.kind == "punct" and t.text == opener:
            depth -= 1
            if depth == 0:
                return k
    return -1


def _callee(toks: list[_Tok], paren: int) -> tuple[str, str, int, bool] | None:
    """The expression called by the ``(`` at ``paren``: (V8's text, root name, line, new?)."""
    parts: list[str] = []
    k = paren - 1
    line = toks[k].line if k >= 0 else 0
    root = ""
    while k >= 0:
        t = toks[k]
        if t.kind == "name" and (t.text not in _KEYWORDS or t.text in ("this", "super")):
            parts.insert(0, t.text)
            root = t.text
            k -= 1
        elif t.kind == "punct" and t.text == "]":
            start = _matching_open(toks, k, "[", "]")
            if start < 0:
                return None
            inner = toks[start + 1:k]
            if len(inner) == 1 and inner[0].kind == "str":
                parts.insert(0, "." + inner[0].text)
            else:
                parts.insert(0, "[" + "".join(x.text for x in inner) + "]")
            k = start - 1
            if k >= 0 and toks[k].text == "?.":
                parts[0] = "?." + parts[0].lstrip(".")
                k -= 1
            continue
        elif t.kind == "punct" and t.text == ")" and parts == []:
            return None   # (expr)(...): a called group, not a chain V8 names simply
        elif t.kind == "punct" and t.text == ")":
            start = _matching_open(toks, k, "(", ")")
            if start < 0:
                return None
            parts.insert(0, "(...)")
            k = start - 1
            continue
        else:
            break
        # after a name: continue through "." or "?."
        if k >= 0 and toks[k].kind == "punct" and toks[k].text in (".", "?."):
            parts.insert(0, toks[k].text)
            k -= 1
            continue
        break
    if not parts or not root:
        return None
    is_new = k >= 0 and toks[k].kind == "name" and toks[k].text == "new"
    return "".join(parts), root, line, is_new


@lru_cache(maxsize=256)
def _calls(source: str) -> tuple[_Call, ...]:
    toks = _tokenize(source)
    out: list[_Call] = []
    for k, t in enumerate(toks):
        if t.kind != "punct" or t.text != ")":
            continue
        start = _matching_open(toks, k, "(", ")")
        if start <= 0:
            continue
        before = toks[start - 1]
        if before.kind == "name" and before.text in _KEYWORDS and before.text not in (
                "this", "super"):
            continue   # if (…), while (…), function (…), catch (…)
        if before.kind == "punct" and before.text not in (")", "]"):
            continue   # a group, not a call
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is not None and nxt.kind == "punct" and nxt.text in ("{", "=>"):
            continue   # a function or method head
        if start >= 2 and toks[start - 2].kind == "name" and toks[start - 2].text == "function":
            continue   # function name(…)
        found = _callee(toks, start)
        if found is None:
            continue
        callee, root, line, is_new = found
        out.append(_Call(callee, root, line, t.line if start == k else toks[start].line,
                         t.line, is_new))
    return tuple(out)


def node_error(source: str, message: str | None, line: int) -> tuple[str | None, int]:
    """The message and line V8 would have reported for a rule failure QuickJS reported.

    Parameters
    ----------
    source
        The rule's source (line 1 is its first line).
    message
        The failure's message as the sandbox recorded it.
    line
        The line QuickJS reported (0 when unknown).

    Returns
    -------
    tuple
        ``(message, line)``, unchanged where the wording is not QuickJS's or the source leaves
        a doubt.
    """
    if message is None:
        return message, line
    if (m := _READ.match(message)) is not None:
        return f"Cannot read properties of {m.group(2)} (reading '{m.group(1)}')", line
    if (m := _SET.match(message)) is not None:
        return f"Cannot set properties of {m.group(2)} (setting '{m.group(1)}')", line
    if (m := _NOT_DEFINED.match(message)) is not None:
        return f"{m.group(1)} is not defined", line
    if message in _SIMPLE:
        return _SIMPLE[message], line
    if (m := _READ_ONLY.match(message)) is not None and re.search(
            r"\bconst\s+" + re.escape(m.group(1)) + r"\b", source):
        return "Assignment to constant variable.", line
    if line <= 0:
        return message, line
    closing = [c for c in _calls(source) if c.closes == line]
    if message == "not a function":
        suspects = [c for c in closing if c.root not in _TRUSTED_ROOTS] or closing
        if len(suspects) == 1:
            c = suspects[0]
            return f"{c.callee} is not {'a constructor' if c.is_new else 'a function'}", c.line
        return message, line
    # An error raised inside a call that spans lines: V8 places it at the call.
    starts = {c.line for c in closing}
    if len(starts) == 1 and not any(c.opens == line for c in _calls(source)):
        return message, starts.pop()
    return message, line


@lru_cache(maxsize=4096)
def _reworded(source: str, name: str, message: str, line: int) -> tuple[str, int] | None:
    """A recorded ``rule `name` (line N): message`` (or an Action's, ``action `name` …``: Actions
    run on Node too) in V8's terms, or None when unchanged."""
    for head in (f"rule `{name}`", f"action `{name}`"):
        prefix = f"{head} (line {line}): " if line else f"{head}: "
        if message.startswith(prefix):
            break
    else:
        return None
    raw = message[len(prefix):]
    text, where = node_error(source, raw, line)
    if (text, where) == (raw, line) or text is None:
        return None
    return f"{head} (line {where}): {text}" if where else f"{head}: {text}", where


def reword_block(block: LoginBlock, rules: Sequence[Rule],
                 majors: Sequence[int] | None = None) -> None:
    """Rewrite, in place, a block's rule failures (and the logins they decided) in V8's terms.

    ``rules`` are the pipeline's rules in position order (the block's ``rule_runs`` hold one
    row per rule and login); ``majors`` the Node major version each runs on (18 for every
    row when None). A failure that is a ``ReferenceError`` for a global of that Node version
    (which the sandbox lacks: it was not defined) becomes ``unsupported_global``
    (:func:`unsupported_global`).
    """
    runs = block.rule_runs
    codes = runs["error_code"]
    failed = [i for i, code in enumerate(codes) if code is not None]
    if not failed:
        return
    n_rules = len(rules)
    messages, lines = runs["error_message"], runs["line"]
    login_messages = block.logins.get("error_message")
    login_codes = block.logins.get("error_code")
    for i in failed:
        rule, message = rules[i % n_rules], messages[i]
        if not isinstance(message, str):
            continue
        new = _reworded(rule.source, rule.name, message, int(lines[i]))
        text = message if new is None else new[0]
        major = 18 if majors is None else majors[i % n_rules]
        lacking = unsupported_global(text, codes[i], major)
        if new is None and lacking is None:
            continue
        j = i // n_rules
        decided = login_messages is not None and j < len(login_messages) and \
            login_messages[j] == message
        if new is not None:
            messages[i], lines[i] = new
        if lacking is not None:
            messages[i] = text = lacking
            codes[i] = ErrorCode.UNSUPPORTED_GLOBAL.value
            if decided and login_codes is not None and login_codes[j] in _CODE_ERRORS:
                login_codes[j] = codes[i]
        if decided:
            login_messages[j] = text  # type: ignore[index]


# The failures of the code itself that a ReferenceError ends in: thrown, rejected, passed to
# the callback, or thrown by an Action's module body.
_CODE_ERRORS = frozenset({ErrorCode.RULE_EXCEPTION.value, ErrorCode.PROMISE_REJECTED.value,
                          ErrorCode.CALLBACK_ERROR.value, ErrorCode.ACTION_EXCEPTION.value,
                          ErrorCode.MODULE_ERROR.value})
_GLOBAL_NOT_DEFINED = re.compile(r"^((?:rule|action) `.*?`(?: \(line \d+\))?: )"
                                 r"(?:ReferenceError: )?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)"
                                 r" is not defined$", re.S)


def unsupported_global(message: str, code: str | None, major: int = 18) -> str | None:
    """The row message to record when a failure is a global of Node the sandbox lacks, else None.

    ``message`` is the recorded row message in V8's terms (``rule `x` (line 3): Intl is not
    defined``), ``code`` the row's error code, ``major`` the Node version the code runs on.
    A name that is not a global of that Node version is the code's own mistake (a typo, a
    ``ReferenceError`` Auth0 gives too) and stays as it was; so is a global the sandbox has
    (code that deleted it).

    Examples
    --------
    >>> print(unsupported_global("rule `r` (line 3): Intl is not defined", "rule_exception"))
    rule `r` (line 3): Intl is not defined (Intl is a global of Node 18 that the rulesim
    sandbox does not provide)
    >>> unsupported_global("rule `r` (line 3): Intll is not defined", "rule_exception") is None
    True
    """
    if code not in _CODE_ERRORS:
        return None
    m = _GLOBAL_NOT_DEFINED.match(message)
    if m is None or not sandbox_lacks(m.group(2), major):
        return None
    name, node = m.group(2), f"Node {22 if major >= 22 else 18}"
    if "." in name:  # a member of a global the sandbox has only in part (crypto.subtle.sign)
        return f"{message} ({name} is part of {node}'s globals; the rulesim sandbox lacks it)"
    return f"{message} ({name} is a global of {node} that the rulesim sandbox does not provide)"
