"""Result types: outcome vocabularies, the column contract, the columnar sink and `Simulation`.

Column contract
---------------
Every frame a :class:`Simulation` exposes follows :data:`COLUMNS` (name, dtype, meaning); a
test checks the frames against it and ``docs/columns.md`` is generated from it. Low-cardinality
text columns are pandas categoricals. JSON columns hold compact JSON text.

``logins`` — one row per login (plus the population's key attributes, joined by ``login_id``)
``rule_runs`` — one row per (login, rule), every rule of the set, disabled ones as ``skipped``;
with Actions, one row per (login, Action) too, and one more per leg after a suspension
``changes`` — one row per change a rule made to a watched part of ``user`` or ``context``, and
one per ``api`` command of an Action
``calls`` — one row per external call (fake HTTP) or Management API call
``logs`` — one row per console line
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rulesim import _arrow_series as arrow_series
from rulesim.columns import COLUMNS, known_categories
from rulesim.outcomes import ChangeOp, ChangeTarget, LoginOutcome, RuleOutcome
from rulesim.tables import concat_frames, concat_table, join_attributes, shared_categories

if TYPE_CHECKING:
    import pandas as pd

    from rulesim.runtime.rows import LoginBlock

__all__ = [
    "COLUMNS",
    "ChangeOp",
    "ChangeTarget",
    "Columns",
    "LoginOutcome",
    "PairColumns",
    "RuleOutcome",
    "StageColumns",
    "column_contract_markdown",
    "concat_frames",
    "concat_table",
    "conform",
    "frames_from_columns",
    "join_attributes",
    "shared_categories",
]


def column_contract_markdown() -> str:
    """The column contract as a Markdown table (for docs and ``rulesim columns``)."""
    out = []
    for table, cols in COLUMNS.items():
        out.append(f"### `{table}`\n\n| column | dtype | meaning |\n|---|---|---|")
        out.extend(f"| `{n}` | {d} | {m} |" for n, d, m in cols)
        out.append("")
    return "\n".join(out)


_BOOL_FIELDS = frozenset({"persisted", "fire_and_forget"})
_EXECUTE = "onExecutePostLogin"
_DEFAULTS: dict[str, tuple[tuple[str, Any], ...]] = {"changes": (("command", None), ("flags", ""))}
"""Columns a row appender leaves out, and their value (the Actions' change fields)."""
_FLOAT_FIELDS = frozenset({"latency_ms"})
_CALL_FIELDS = ("rule", "kind", "method", "url", "status", "latency_ms", "route", "error",
                "fire_and_forget")


class Columns:
    """Columnar sink the pipeline appends to.

    Rows are appended to plain lists per column (cheap in the hot path). :meth:`pack` turns
    them into typed DataFrames (Arrow-backed strings, categoricals): workers pack each chunk
    before sending it, so the caller never holds a whole run as Python objects.
    """

    def __init__(self) -> None:
        self.data: dict[str, dict[str, list[Any]]] = _empty_data()
        self.packed: list[dict[str, pd.DataFrame]] = []
        self.rule_names: list[str] | None = None
        self.complete = True
        self.coverage: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.data["logins"]["login_id"]) + sum(len(p["logins"]) for p in self.packed)

    def pack(self, rule_names: Sequence[str]) -> Columns:
        """Move the rows gathered so far into typed DataFrames (see the class docstring)."""
        self.rule_names = list(rule_names)
        if any(values for cols in self.data.values() for values in cols.values()):
            self.packed.append(frames_from_columns(self, self.rule_names))
            self.data = _empty_data()
        return self

    def add_login(self, **values: Any) -> None:
        """Append one login row."""
        cols = self.data["logins"]
        for name, value in values.items():
            cols[name].append(value)

    def add_block(self, block: LoginBlock, login_ids: Sequence[str],
                  user_ids: Sequence[str | None], names: Sequence[str], orders: Sequence[int],
                  phase: str = "initial", *, logins: bool = True,
                  kinds: Sequence[str] | None = None) -> None:
        """Append the rows of a block of logins the sandbox recorded (see
        :class:`~rulesim.runtime.rows.LoginBlock`): their ``logins`` rows (unless ``logins``
        is false: a redirected login's row is written once both passes are known), one
        ``rule_runs`` row per rule (and Action) of the set, and their changes and console
        lines. ``kinds`` says which of ``names`` are Actions (default: all rules)."""
        n = block.n
        if n == 0:
            return
        n_all = len(names)
        if logins:
            c = self.data["logins"]
            c["login_id"].extend(login_ids)
            c["user_id"].extend(user_ids)
            for name, values in block.logins.items():
                if name == "deciding_rule":
                    c[name].extend([names[p] if p >= 0 else None for p in values])
                else:
                    c[name].extend(values)
        r = self.data["rule_runs"]
        r["login_id"].extend([lid for lid in login_ids for _ in range(n_all)])
        r["phase"].extend([phase] * (n * n_all))
        r["rule"].extend(list(names) * n)
        r["order"].extend(list(orders) * n)
        for name, values in block.rule_runs.items():
            r[name].extend(values)
        row_kinds = list(kinds) if kinds is not None else ["rule"] * n_all
        r["kind"].extend(row_kinds * n)
        r["handler"].extend([None if k == "rule" else _EXECUTE for k in row_kinds] * n)
        starts = {t: len(self.data[t]["login_id"]) for t in ("changes", "logs")}
        for table, cols in (("changes", block.changes), ("logs", block.logs)):
            m = len(cols["login"])
            if not m:
                continue
            t = self.data[table]
            t["login_id"].extend([login_ids[j] for j in cols["login"]])
            t["phase"].extend([phase] * m)
            t["rule"].extend([names[p] if p >= 0 else None for p in cols["rule"]])
            for name, values in cols.items():
                if name not in ("login", "rule"):
                    t[name].extend(values)
            if table == "changes":
                t["persisted"].extend([False] * m)
                t["command"].extend([None] * m)
                t["flags"].extend([""] * m)
        if block.actions is not None:
            self._add_action_rows(block.actions, login_ids, names, orders, starts)

    def _add_action_rows(self, extra: dict[str, Any], login_ids: Sequence[str],
                         names: Sequence[str], orders: Sequence[int],
                         starts: dict[str, int]) -> None:
        """The rows only Actions have (see :class:`~rulesim.runtime.rows.LoginBlock`): rows of
        the legs after a suspension, the commands' fields of change rows, later legs' phase."""
        from rulesim.runtime.rows import RULE_OUTCOMES

        r = self.data["rule_runs"]
        for (j, p, handler, o, code, message, line, ns, io, calls, n_changes,
             flags) in extra["xr"]:
            for name, value in (("login_id", login_ids[j]), ("phase", "continue"),
                                ("rule", names[p]), ("order", orders[p]),
                                ("outcome", RULE_OUTCOMES[o]), ("error_code", code),
                                ("error_message", message), ("line", line),
                                ("cpu_us", ns / 1000), ("io_ms", io), ("n_calls", calls),
                                ("n_changes", n_changes), ("flags", flags),
                                ("kind", "action"), ("handler", handler)):
                r[name].append(value)
        ch = self.data["changes"]
        ch_persisted, ch_command, ch_flags, ch_phase = (ch["persisted"], ch["command"],
                                                        ch["flags"], ch["phase"])
        cx, base = extra["cx"], starts["changes"]
        for k, persisted, command, command_flags, continued in zip(
                cx["at"], cx["persisted"], cx["command"], cx["flags"], cx["continued"], strict=True):
            at = base + k
            ch_persisted[at] = persisted
            ch_command[at] = command
            ch_flags[at] = command_flags
            if continued:
                ch_phase[at] = "continue"
        for k in extra["lp"]:
            self.data["logs"]["phase"][starts["logs"] + k] = "continue"

    def add_rule_runs(self, login_id: str, names: Sequence[str], orders: Sequence[int],
                      outcomes: list[str], codes: list[str | None], messages: list[str | None],
                      lines: list[int], cpu_us: list[float], io_ms: list[float],
                      n_calls: list[int], n_changes: list[int], flags: list[str],
                      phase: str = "initial", kinds: Sequence[str] | None = None) -> None:
        """Append one row per rule (and Action: ``kinds``) of the set for one login."""
        c = self.data["rule_runs"]
        c["login_id"].extend([login_id] * len(names))
        c["phase"].extend([phase] * len(names))
        c["rule"].extend(names)
        c["order"].extend(orders)
        c["outcome"].extend(outcomes)
        c["error_code"].extend(codes)
        c["error_message"].extend(messages)
        c["line"].extend(lines)
        c["cpu_us"].extend(cpu_us)
        c["io_ms"].extend(io_ms)
        c["n_calls"].extend(n_calls)
        c["n_changes"].extend(n_changes)
        c["flags"].extend(flags)
        row_kinds = list(kinds) if kinds is not None else ["rule"] * len(names)
        c["kind"].extend(row_kinds)
        c["handler"].extend([None if k == "rule" else _EXECUTE for k in row_kinds])

    def add_changes(self, login_id: str, names: Sequence[str], changes: list[list[Any]],
                    phase: str = "initial") -> None:
        """Append change rows ``[rule_index, target, path, op, before, after, persisted]``."""
        self._append("changes", login_id, names, changes, phase,
                     ("rule", "target", "path", "op", "before", "after", "persisted"))

    def add_calls(self, login_id: str, names: Sequence[str], calls: list[list[Any]],
                  phase: str = "initial") -> None:
        """Append call rows ``[rule_index, kind, method, url, status, latency, route, error, ff]``."""
        self._append("calls", login_id, names, calls, phase, _CALL_FIELDS)

    def add_calls_of(self, logins_calls: Sequence[tuple[str, list[list[Any]]]],
                     names: Sequence[str], phase: str = "initial") -> None:
        """Append the call rows of several logins, ``(login_id, rows)`` each, in order: what
        :meth:`add_calls` appends login after login, in one pass."""
        self._append_of("calls", logins_calls, names, phase, _CALL_FIELDS)

    def add_logs(self, login_id: str, names: Sequence[str], logs: list[list[Any]],
                 phase: str = "initial") -> None:
        """Append console rows ``[rule_index, level, message]``."""
        self._append("logs", login_id, names, logs, phase, ("rule", "level", "message"))

    def _append(self, table: str, login_id: str, names: Sequence[str], rows: list[list[Any]],
                phase: str, fields: tuple[str, ...]) -> None:
        """Append rows of one login column by column (rows transposed once, no per-row loop)."""
        if rows:
            self._append_of(table, ((login_id, rows),), names, phase, fields)

    def _append_of(self, table: str, logins_rows: Sequence[tuple[str, list[list[Any]]]],
                   names: Sequence[str], phase: str, fields: tuple[str, ...]) -> None:
        """Append the rows of several logins, ``(login_id, rows)`` each, column by column."""
        rows = [row for _, login_rows in logins_rows for row in login_rows]
        if not rows:
            return
        c = self.data[table]
        n = len(rows)
        for login_id, login_rows in logins_rows:
            c["login_id"].extend([login_id] * len(login_rows))
        c["phase"].extend([phase] * n)
        for name, values in zip(fields, zip(*rows, strict=True), strict=True):
            if name == "rule":
                c[name].extend([names[r] if r >= 0 else None for r in values])
            elif name in _BOOL_FIELDS:
                c[name].extend([bool(x) for x in values])
            elif name in _FLOAT_FIELDS:
                c[name].extend([float(x) for x in values])
            else:
                c[name].extend(values)
        for name, default in _DEFAULTS.get(table, ()):
            if name not in fields:
                c[name].extend([default] * n)

    def order_changes(self, start: int, keys: Sequence[Any]) -> None:
        """Reorder the change rows from row ``start`` on by ``keys`` (one a row), stably."""
        self._reorder_changes(start, sorted(range(len(keys)), key=keys.__getitem__))

    def _reorder_changes(self, start: int, order: list[int]) -> None:
        """Put the change rows from row ``start`` on in ``order`` (a permutation of them)."""
        if order == list(range(len(order))):
            return
        for values in self.data["changes"].values():
            values[start:] = list(map(values[start:].__getitem__, order))

    def add_persisted_changes(self, start: int, block_logins: Sequence[int],
                              persisted: Sequence[tuple[int, list[list[Any]]]],
                              login_ids: Sequence[str], names: Sequence[str],
                              phase: str = "initial") -> None:
        """Add the persisted writes of several logins, each after the login's own change rows.

        The change rows from row ``start`` on are a block's: ``block_logins`` gives the login
        of each (an index into ``login_ids``, in order). ``persisted`` is ``(login index,
        rows)`` in login order, the rows as :meth:`add_changes` takes them. The same rows, in
        the same order, as :meth:`add_changes` for each login and :meth:`order_changes` by
        ``(login, persisted)``, in one pass.

        Examples
        --------
        >>> c = Columns()
        >>> c.add_changes("a", ["r"], [[0, "id_token", "x", "add", None, "1", False]])
        >>> c.add_changes("b", ["r"], [[0, "id_token", "y", "add", None, "2", False]])
        >>> c.add_persisted_changes(0, [0, 1], [(0, [[0, "app_metadata", "n", "add", None,
        ...                                           "1", True]])], ["a", "b"], ["r"])
        >>> list(zip(c.data["changes"]["login_id"], c.data["changes"]["path"]))
        [('a', 'x'), ('a', 'n'), ('b', 'y')]
        """
        if not persisted:
            return
        n = len(block_logins)
        self._append_of("changes", [(login_ids[j], rows) for j, rows in persisted], names,
                        phase, ("rule", "target", "path", "op", "before", "after", "persisted"))
        order: list[int] = []
        at, extra = 0, n
        for j, rows in persisted:
            upto = bisect.bisect_right(block_logins, j, at)
            order.extend(range(at, upto))
            order.extend(range(extra, extra + len(rows)))
            at, extra = upto, extra + len(rows)
        order.extend(range(at, n))
        self._reorder_changes(start, order)

    def changes_in_flow_order(self, start: int) -> None:
        """Reorder the change rows from row ``start`` on (one login's) as they took effect:
        the first pass before the continued one, and in each the Rules' rows (their own
        changes, then what they persisted through the Management API) before the Actions'
        commands, which run after every Rule. A stable sort: rows of one kind keep their
        order, and a login without Action commands is left as it is."""
        c = self.data["changes"]
        commands = c["command"][start:]
        if all(x is None for x in commands):
            return
        phases = c["phase"][start:]
        self.order_changes(start, [(ph != "initial", cmd is not None)
                                   for ph, cmd in zip(phases, commands, strict=True)])

    def add_coverage(self, counts: dict[str, list[int]]) -> None:
        """Add hit counters of instrumented rules (element-wise sums per rule)."""
        for rule, hits in counts.items():
            mine = self.coverage.get(rule)
            if mine is None:
                self.coverage[rule] = list(hits)
            else:
                # Same rule, same instrumentation: the arrays have the same length.
                self.coverage[rule] = [a + b for a, b in zip(mine, hits, strict=True)]

    def extend(self, other: Columns) -> None:
        """Append another sink's rows after this one's (chunks arrive in population order)."""
        if other.packed:
            names = other.rule_names or self.rule_names or []
            self.pack(names)
            self.packed.extend(other.packed)
        for t, cols in other.data.items():
            mine = self.data[t]
            for name, values in cols.items():
                mine[name].extend(values)
        self.complete = self.complete and other.complete
        self.add_coverage(other.coverage)

    def frames(self, rule_names: Sequence[str]) -> dict[str, pd.DataFrame]:
        """All rows as one typed DataFrame per table (see :data:`COLUMNS`).

        This consumes the packed chunks: the sink is empty afterwards.
        """
        self.pack(rule_names)
        parts, self.packed = self.packed, []
        return concat_frames(parts, rule_names)


def _column(table: str, name: str, dtype: str, values: list[Any],
            rule_names: Sequence[str]) -> Any:
    """Column ``name`` of ``table`` as the typed array :data:`COLUMNS` gives it."""
    import numpy as np
    import pandas as pd

    if dtype == "category":
        return arrow_series.categorical(values, known_categories(table, name, rule_names))
    if dtype == "string":
        strings = arrow_series.strings(values)
        return strings if strings is not values else pd.array(values, dtype="string")
    if dtype == "bool":
        return np.asarray(values, dtype=bool)
    if dtype == "Int16":
        return pd.array(values, dtype="Int16")
    return np.asarray(values, dtype=dtype)


def conform(frame: pd.DataFrame, table: str, rule_names: Sequence[str]) -> pd.DataFrame:
    """Give a frame read back from a file the dtypes of the column contract."""
    out: pd.DataFrame = frame.copy()
    for name, dtype, _ in COLUMNS[table]:
        if name in out.columns and (dtype == "category" or str(out[name].dtype) != dtype):
            values = [None if v is None or v != v else v for v in out[name].tolist()]
            out[name] = _column(table, name, dtype, values, rule_names)
    return out


def _empty_data() -> dict[str, dict[str, list[Any]]]:
    return {t: {c[0]: [] for c in cols} for t, cols in COLUMNS.items()}


def frames_from_columns(columns: Columns, rule_names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Build the typed DataFrames of every table from a sink, following :data:`COLUMNS`."""
    import pandas as pd

    frames = {}
    for table, cols in COLUMNS.items():
        data = columns.data[table]
        arrays = {n: _column(table, n, d, data[n], rule_names) for n, d, _ in cols}
        if len({len(a) for a in arrays.values()}) > 1:
            # A column given for fewer rows (a hand-filled sink) is missing below them: Series
            # aligned on their index, as pandas does.
            frames[table] = pd.DataFrame({n: pd.Series(a) for n, a in arrays.items()})
            continue
        # The arrays are new: the frame takes them as they are (copy=False), not a copy, and
        # arrays, not Series, have no index for pandas to align.
        frames[table] = pd.DataFrame(arrays, copy=False)
    return frames


__doc__ = (__doc__ or "") + "\n" + column_contract_markdown()


class PairColumns:
    """The records of a paired run (:mod:`rulesim.paired`): one sink per side.

    It supports what the executors do with a :class:`Columns` (``len``, ``extend``,
    ``pack``), so paired runs use the same process pool, crash recovery and Dask path.

    Attributes
    ----------
    a, b
        The baseline's and the candidate's records.
    shared
        Logins that continued from the shared prefix (the rest ran both sides in full).
    """

    def __init__(self, a: Columns | None = None, b: Columns | None = None) -> None:
        self.a = a if a is not None else Columns()
        self.b = b if b is not None else Columns()
        self.shared = 0

    def __len__(self) -> int:
        return len(self.a)

    @property
    def complete(self) -> bool:
        """False when either side was interrupted (setting it sets both sides)."""
        return self.a.complete and self.b.complete

    @complete.setter
    def complete(self, value: bool) -> None:
        self.a.complete = self.b.complete = value

    def pack(self, rule_names: tuple[Sequence[str], Sequence[str]]) -> PairColumns:
        """Pack both sides (``rule_names``: the baseline's and the candidate's names)."""
        self.a.pack(rule_names[0])
        self.b.pack(rule_names[1])
        return self

    def extend(self, other: PairColumns) -> None:
        """Append another paired sink's rows, side by side."""
        self.a.extend(other.a)
        self.b.extend(other.b)
        self.shared += other.shared


class StageColumns:
    """The records of a staged run (:mod:`rulesim.staged`): one sink per stage.

    Like :class:`PairColumns` it supports what the executors do with a :class:`Columns`
    (``len``, ``extend``, ``pack``).

    Attributes
    ----------
    sides
        One :class:`Columns` per stage, stage 0 first.
    shared
        Stage runs that continued from the rules shared with stage 0 (the rest ran in full).
    """

    def __init__(self, n: int, sides: Sequence[Columns] | None = None) -> None:
        self.sides = list(sides) if sides is not None else [Columns() for _ in range(n)]
        self.shared = 0

    def __len__(self) -> int:
        return len(self.sides[0])

    @property
    def complete(self) -> bool:
        """False when any stage was interrupted (setting it sets every stage)."""
        return all(side.complete for side in self.sides)

    @complete.setter
    def complete(self, value: bool) -> None:
        for side in self.sides:
            side.complete = value

    def pack(self, rule_names: Sequence[Sequence[str]]) -> StageColumns:
        """Pack every stage (``rule_names``: each stage's names)."""
        for side, names in zip(self.sides, rule_names, strict=True):
            side.pack(names)
        return self

    def extend(self, other: StageColumns) -> None:
        """Append another staged sink's rows, stage by stage."""
        for side, more in zip(self.sides, other.sides, strict=True):
            side.extend(more)
        self.shared += other.shared
