"""Login records as the sandbox returns them, decoded in one place into typed, columnar rows.

The prelude writes the records of one or more logins as a *block* (see
``js/prelude/75-records.js`` for the layout): a batch of synchronous logins, or the one login
whose :meth:`~rulesim.runtime.sandbox.Sandbox.finish` the host called. :func:`decode_block`
turns it into a :class:`LoginBlock`, whose lists are the columns of the ``logins``,
``rule_runs``, ``changes`` and ``logs`` tables for those logins (rule positions instead of
names, no login ids yet: the pipeline knows those). :func:`engine_failure_block` builds the
block of a login whose engine failed, when the sandbox can no longer say anything.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

from rulesim import columns
from rulesim._fastjson import loads
from rulesim.outcomes import LoginOutcome, RuleOutcome

__all__ = ["CHANGE_FIELDS", "COMMAND_FIELDS", "LOGIN_FIELDS", "LOGIN_OUTCOMES", "LOG_FIELDS", "RULE_OUTCOMES",
           "RULE_RUN_FIELDS", "LoginBlock", "decode_block", "engine_failure_block"]

LOGIN_OUTCOMES = tuple(o.value for o in LoginOutcome)
"""Login outcomes by the index the prelude writes (the order of :class:`LoginOutcome`)."""
RULE_OUTCOMES = tuple(o.value for o in RuleOutcome)
"""Rule outcomes by the index the prelude writes (the order of :class:`RuleOutcome`)."""

LOGIN_FIELDS = columns.LOGIN_FIELDS
"""The ``logins`` columns a block carries (all but ``login_id`` and ``user_id``): the
contract's (:data:`rulesim.columns.COLUMNS`)."""


@dataclasses.dataclass
class LoginBlock:
    """The records of ``n`` consecutive logins (one pass each), column by column.

    ``logins`` maps each of :data:`LOGIN_FIELDS` to a list of ``n`` values, except
    ``deciding_rule``, which holds rule *positions* (-1: none) until the pipeline names them.
    ``rule_runs`` holds ``n × n_rules`` values per column, login after login, rule positions
    in pipeline order. ``changes`` and ``logs`` are columns too; their ``login`` (0-based in
    the block) and ``rule`` (a position, -1: none) say whose rows they are. ``left`` describes a login
    that left a batch (see ``js/prelude/80-batch.js``), or the login and rule an engine failure
    interrupted (:meth:`Sandbox.take_batch`). ``rebuild`` says the engine must be rebuilt
    before it runs anything else (the last login hit the memory limit, or changed a built-in in
    a way that cannot be undone).

    ``actions`` holds what only logins whose Actions ran have (``js/prelude/85-actions.js``),
    or None: ``xr``, rows of the legs after a suspension ``[j, position, handler, outcome,
    code, message, line, cpu ns, io ms, calls, changes, flags]``; ``cx``, the fields of the
    change rows that are Actions' commands, as columns (:data:`COMMAND_FIELDS`: the row's
    index in ``changes``, persisted, continued, command, flags); ``lp``, the console rows
    written after a suspension; ``mw``, the metadata writes ``[j, user_id, [{leg,
    app_metadata, user_metadata}]]`` the host applies to its user store.
    """

    n: int
    logins: dict[str, list[Any]]
    rule_runs: dict[str, list[Any]]
    changes: dict[str, list[Any]]
    logs: dict[str, list[Any]]
    left: list[Any] | None = None
    rebuild: bool = False
    actions: dict[str, Any] | None = None

    def login(self, j: int) -> dict[str, Any]:
        """Login ``j``'s fields as a dict (to merge the two passes of a redirected login)."""
        return {name: values[j] for name, values in self.logins.items()}


def _mfa_provider(text: str) -> str:
    """The provider of an MFA object the prelude could not read exactly, as str() prints it."""
    try:
        return str(json.loads(text).get("provider") or "any")
    except (ValueError, AttributeError):
        return "any"


CHANGE_FIELDS = ("login", "rule", "target", "path", "op", "before", "after")
COMMAND_FIELDS = ("at", "persisted", "continued", "command", "flags")
LOG_FIELDS = ("login", "rule", "level", "message")
RULE_RUN_FIELDS = ("outcome", "error_code", "error_message", "line", "cpu_us", "io_ms", "n_calls",
                   "n_changes", "flags")


def _changes(segment: str, counts: Sequence[int]) -> dict[str, list[Any]]:
    """The change rows of a block: 6 fields a row (the login comes from ``counts``, its rows
    per login)."""
    if not segment:
        return {name: [] for name in CHANGE_FIELDS}
    flat = segment.split("\x02")   # every field of the block in one pass
    return {"login": list(chain.from_iterable(map(repeat, range(len(counts)), counts))),
            "rule": list(map(int, flat[0::6])), "target": flat[1::6], "path": flat[2::6],
            "op": flat[3::6], "before": [b or None for b in flat[4::6]],
            "after": [a or None for a in flat[5::6]]}


def _commands(segment: str) -> dict[str, list[Any]]:
    """The fields only the change rows of Actions' commands have, 5 a row (``at``: the row's
    index among the block's change rows; persisted and continued as ``0``/``1``)."""
    if not segment:
        return {name: [] for name in COMMAND_FIELDS}
    flat = segment.split("\x02")
    return {"at": list(map(int, flat[0::5])), "persisted": [p == "1" for p in flat[1::5]],
            "continued": [c == "1" for c in flat[2::5]], "command": flat[3::5],
            "flags": flat[4::5]}


_DROPPED: dict[tuple[tuple[Any, ...], ...], str] = {}


def _dropped_json(dropped: list[list[Any]]) -> str:
    """``json.dumps`` of a login's dropped claims, memoised (the same claims drop at most logins)."""
    key = tuple(map(tuple, dropped))
    text = _DROPPED.get(key)
    if text is None:
        if len(_DROPPED) >= 4096:
            _DROPPED.clear()
        text = _DROPPED[key] = json.dumps(dropped)
    return text


def _rows(rows: list[list[Any]], fields: Sequence[str]) -> dict[str, list[Any]]:
    if not rows:
        return {name: [] for name in fields}
    return {name: list(col) for name, col in zip(fields, zip(*rows, strict=True), strict=True)}


# The columns of a block of no login. Empty tuples, shared: a block of no login has no rows to
# append to (LoginBlock's users read its columns and append them elsewhere).
_NO_LOGINS: dict[str, Any] = dict.fromkeys(LOGIN_FIELDS, ())
_NO_RULE_RUNS: dict[str, Any] = dict.fromkeys(RULE_RUN_FIELDS, ())
_NO_CHANGES: dict[str, Any] = dict.fromkeys(CHANGE_FIELDS, ())
_NO_LOGS: dict[str, Any] = dict.fromkeys(LOG_FIELDS, ())


def decode_block(text: str) -> LoginBlock:
    """Decode a block written by the prelude (``finish``, ``finishPending``, ``runBatch``,
    ``takeBatch``, ``takeRecords``).

    An empty text is a batch whose records were deferred (``runBatch``'s ``defer``): no
    login in the block, none left.
    """
    if not text or text[0] == "\x03":   # no login finished: only `left`, if any
        return LoginBlock(0, dict(_NO_LOGINS), dict(_NO_RULE_RUNS), dict(_NO_CHANGES),
                          dict(_NO_LOGS), loads(text[1:]) if text else None)
    main, changes, commands, *tokens = text.split("\x01")
    (n, lo, ec, em, ae, dr, mp, mj, ru, sc, dc, lf, rr, cpu, io,
     ro, rn, rc, ri, rk, nc, rx, lg, left, rebuild, *rest) = loads(main)
    required = [p is not None for p in mp]
    for j, mfa_json in mj:
        mp[j] = _mfa_provider(mfa_json)
        required[j] = True
    logins: dict[str, list[Any]] = {
        "outcome": [LOGIN_OUTCOMES[o] for o in lo], "error_code": ec, "error_message": em,
        "app_error": ae, "deciding_rule": dr, "mfa_required": required, "mfa_provider": mp,
        "redirect_url": ru, "id_token": tokens[0::5], "access_token": tokens[1::5],
        "scopes": sc, "saml": [t or None for t in tokens[2::5]],
        "saml_attributes": [t or None for t in tokens[4::5]],
        "primary_user": [t or None for t in tokens[3::5]],
        "dropped_claims": ["[]" if d is None else _dropped_json(d) for d in dc],
        "cpu_ms": [ns / 1e6 for ns in cpu],
        "latency_ms": [i + ns / 1e6 for i, ns in zip(io, cpu, strict=True)],
        "rules_run": rr, "flags": lf,
    }
    total = len(ro)
    codes: list[str | None] = [None] * total
    messages: list[str | None] = [None] * total
    lines = [0] * total
    flags = [""] * total
    for flat, code, message, line, rule_flags in rx:
        codes[flat] = code
        messages[flat] = message
        lines[flat] = line
        flags[flat] = rule_flags
    rule_runs: dict[str, list[Any]] = {
        "outcome": list(map(RULE_OUTCOMES.__getitem__, ro)), "error_code": codes,
        "error_message": messages, "line": lines, "cpu_us": [ns / 1000 for ns in rc], "io_ms": ri,
        "n_calls": rk, "n_changes": rn, "flags": flags,
    }
    actions = rest[0] if rest else None
    if actions is not None:
        actions["cx"] = _commands(commands)
    return LoginBlock(n, logins, rule_runs, _changes(changes, nc), _rows(lg, LOG_FIELDS), left,
                      rebuild, actions)


def engine_failure_block(n_rules: int, positions: Sequence[int], failed: int, code: str,
                         message: str, *, cpu_us: Sequence[float], io_ms: Sequence[float],
                         calls: Sequence[int], cpu_begin_us: float, io_total_ms: float,
                         error_mapping: str) -> LoginBlock:
    """The block of a login whose engine failed in active rule ``failed`` (a fatal error).

    The sandbox is gone with everything it held for this login (changes, console lines,
    tokens): the rules before ``failed`` are ``ok``, ``failed`` is an error with ``code``, the
    rest are skipped. ``positions`` maps active rules to their positions among ``n_rules``.
    """
    outcomes = [RuleOutcome.SKIPPED.value] * n_rules
    codes: list[str | None] = [None] * n_rules
    messages: list[str | None] = [None] * n_rules
    cpu = [0.0] * n_rules
    io = [0.0] * n_rules
    n_calls = [0] * n_rules
    for k, pos in enumerate(positions):
        cpu[pos], io[pos], n_calls[pos] = cpu_us[k], io_ms[k], calls[k]
        if k < failed:
            outcomes[pos] = RuleOutcome.OK.value
    pos = positions[failed]
    outcomes[pos], codes[pos], messages[pos] = RuleOutcome.ERROR.value, code, message
    cpu_ms = (sum(cpu_us) + cpu_begin_us) / 1000.0
    row = columns.failed_login_row(
        error_code=code, error_message=message, app_error=error_mapping, deciding_rule=pos,
        cpu_ms=cpu_ms, latency_ms=io_total_ms + cpu_ms,
        rules_run=sum(1 for o in outcomes if o != RuleOutcome.SKIPPED))
    logins: dict[str, list[Any]] = {name: [value] for name, value in row.items()}
    rule_runs: dict[str, list[Any]] = {
        "outcome": outcomes, "error_code": codes, "error_message": messages,
        "line": [0] * n_rules, "cpu_us": cpu, "io_ms": io, "n_calls": n_calls,
        "n_changes": [0] * n_rules, "flags": [""] * n_rules,
    }
    return LoginBlock(1, logins, rule_runs, _changes("", ()), _rows([], LOG_FIELDS))
