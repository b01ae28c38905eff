"""`Simulation`: the result of running a rule set over a population, as DataFrames.

(Kept apart from :mod:`rulesim.records`, which holds the column contract and the sink, so
each module stays small.) A Simulation is plain data: views only read it.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, overload

import pandas as pd

from rulesim.errors import UsageError
from rulesim.outcomes import RuleOutcome
from rulesim.records import COLUMNS, Columns, LoginOutcome, conform
from rulesim.tables import join_attributes
from rulesim.trace import LoginTrace

if TYPE_CHECKING:
    from rulesim.plots import SimulationPlots

__all__ = ["Simulation", "Summary", "TableSource"]

_TABLES = tuple(COLUMNS)
_OUTCOME_ORDER = [o.value for o in LoginOutcome]


class TableSource(Protocol):
    """Where a :class:`Simulation` reads tables it has not loaded yet (a run's stored chunks).

    Attributes
    ----------
    logins
        Rows of the ``logins`` table.
    outcomes
        Login count per outcome.
    coverage
        Hit counters of instrumented rules.
    """

    logins: int
    outcomes: dict[str, int]
    coverage: dict[str, list[int]]

    def table(self, table: str) -> pd.DataFrame:
        """One whole table."""

    def write_parquet(self, table: str, path: str | Path) -> None:
        """Write one table to a parquet file without holding it whole."""


class _Table:
    """A result table of a :class:`Simulation`: a DataFrame, read from the run's stored chunks
    the first time it is used."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Table: ...

    @overload
    def __get__(self, obj: Simulation, objtype: type | None = None) -> pd.DataFrame: ...

    def __get__(self, obj: Simulation | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._table(self.name)

    def __set__(self, obj: Simulation, frame: pd.DataFrame) -> None:
        obj._frames[self.name] = frame


class Summary:
    """The per-rule summary table, readable in a notebook and in a terminal.

    Attributes
    ----------
    table
        One row per rule (and Action: ``kind``): runs (an Action resumed after a redirect
        runs twice), allow/deny/error/timeout/skip counts and rates, p50/p95/max CPU (µs) and
        I/O wait (ms), the claims it touches and the error codes seen.
    totals
        Login outcome counts.
    """

    def __init__(self, table: pd.DataFrame, totals: pd.Series) -> None:
        self.table = table
        self.totals = totals

    def _text_table(self) -> pd.DataFrame:
        t = self.table.copy()
        for col in ("deny_rate", "error_rate"):
            t[col] = (t[col] * 100).map(lambda v: f"{v:.1f}%")
        for col in ("claims", "error_codes"):
            t[col] = t[col].map(lambda v: v if len(v) <= 48 else v[:47] + "…")
        kind = ["kind"] if "kind" in t and (t["kind"] == "action").any() else []
        out: pd.DataFrame = t[["order", *kind, "rule", "runs", "ok", "denied", "error", "timeout",
                               "skipped", "deny_rate", "error_rate", "cpu_us_p50", "cpu_us_p95",
                               "io_ms_p95", "claims", "error_codes"]]
        return out

    def __str__(self) -> str:
        with pd.option_context("display.width", 200, "display.max_columns", 30,
                               "display.max_colwidth", 40, "display.float_format", "{:.1f}".format):
            body = str(self._text_table().to_string(index=False))
        totals = "  ".join(f"{k}={int(v)}" for k, v in self.totals.items())
        return f"{body}\n\nlogins: {int(self.totals.sum())}  {totals}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        totals = ", ".join(f"<b>{k}</b> {int(v)}" for k, v in self.totals.items())
        html = self._text_table().to_html(index=False, float_format=lambda v: f"{v:.1f}")
        return f"<p>{int(self.totals.sum())} logins: {totals}</p>{html}"


class Simulation:
    """Everything that happened when a rule set ran over a population.

    Attributes
    ----------
    logins, rule_runs, changes, calls, logs
        DataFrames following the column contract :data:`rulesim.records.COLUMNS`. A
        simulation returned by :func:`~rulesim.simulate` reads each from the run's stored
        chunks (compressed, in memory or in a temporary folder) the first time it is used.
    manifest
        Seed, rule-set and per-rule hashes, population spec, configuration *keys*, versions,
        start and end times.
    complete
        False when the run was interrupted and holds only the chunks that finished.
    """

    logins = _Table()
    rule_runs = _Table()
    changes = _Table()
    calls = _Table()
    logs = _Table()

    def __init__(self, frames: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any], *,
                 population: Any = None, complete: bool = True) -> None:
        self._frames: dict[str, pd.DataFrame] = {t: frames[t] for t in _TABLES}
        self._source: TableSource | None = None
        self.manifest: dict[str, Any] = dict(manifest)
        self.population = population
        self.complete = complete
        self.coverage_counts: dict[str, list[int]] = {}
        """Hit counters of instrumented rules (``simulate(..., coverage=True)``)."""

    @classmethod
    def from_columns(cls, columns: Columns, rule_names: Sequence[str], manifest: Mapping[str, Any],
                     *, population: Any = None) -> Simulation:
        """Build from the pipeline's sink, joining the population's key attributes."""
        frames = columns.frames(rule_names)
        if population is not None and len(frames["logins"]):
            frames = {**frames, "logins": join_attributes(frames["logins"], population.logins)}
        sim = cls(frames, manifest, population=population, complete=columns.complete)
        sim.coverage_counts = dict(columns.coverage)
        return sim

    @classmethod
    def from_source(cls, source: TableSource, manifest: Mapping[str, Any], *,
                    population: Any = None, complete: bool = True) -> Simulation:
        """A simulation whose tables are read from ``source`` when first used.

        Parameters
        ----------
        source
            Where the tables are (:class:`TableSource`: a run's stored chunks).
        manifest, population, complete
            As for the constructor.

        Returns
        -------
        Simulation
            Its length, outcome counts and coverage are known without reading any table.
        """
        sim = cls.__new__(cls)
        sim._frames = {}
        sim._source = source
        sim.manifest = dict(manifest)
        sim.population = population
        sim.complete = complete
        sim.coverage_counts = dict(source.coverage)
        return sim

    def _table(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            assert self._source is not None
            frame = self._frames[name] = self._source.table(name)
            if len(self._frames) == len(_TABLES):
                self._source = None  # every table is here: let the store (and its files) go
        return frame

    def __getstate__(self) -> dict[str, Any]:
        for name in _TABLES:
            self._table(name)
        return dict(self.__dict__)

    def __len__(self) -> int:
        if "logins" not in self._frames and self._source is not None:
            return self._source.logins
        return len(self.logins)

    @property
    def plot(self) -> SimulationPlots:
        """Static matplotlib figures: ``sim.plot.outcomes()``, ``.latency()``, ``.claims()``."""
        from rulesim.plots import SimulationPlots

        return SimulationPlots(self)

    def __repr__(self) -> str:
        if "logins" not in self._frames and self._source is not None:
            known = self._source.outcomes
            counts = pd.Series(dict(sorted(known.items(), key=lambda kv: (
                -kv[1], _OUTCOME_ORDER.index(kv[0]) if kv[0] in _OUTCOME_ORDER else 99))))
        else:
            counts = self.logins["outcome"].value_counts()
        parts = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        flag = "" if self.complete else ", INCOMPLETE"
        return f"<Simulation {len(self)} logins: {parts}{flag}>"

    # ------------------------------------------------------------------------------------------
    def summary(self) -> Summary:
        """Per rule: runs, outcome counts and rates, CPU and I/O percentiles, claims, errors."""
        rr = self.rule_runs
        rules = list(rr["rule"].cat.categories)
        first = rr.drop_duplicates("rule").set_index("rule")
        orders = first["order"]
        counts = pd.crosstab(rr["rule"], rr["outcome"]).reindex(
            index=rules, columns=[o.value for o in RuleOutcome], fill_value=0)
        ran = rr[rr["outcome"] != RuleOutcome.SKIPPED.value]
        grouped = ran.groupby("rule", observed=False)
        cpu = grouped["cpu_us"].quantile([0.5, 0.95]).unstack().reindex(rules)
        io = grouped["io_ms"].quantile([0.95]).unstack().reindex(rules)
        table = pd.DataFrame({
            "order": orders.reindex(rules).to_numpy(),
            "kind": (first["kind"].astype(str).reindex(rules).fillna("rule").to_numpy()
                     if "kind" in first else ["rule"] * len(rules)),
            "rule": rules,
            "runs": (counts.sum(axis=1) - counts[RuleOutcome.SKIPPED.value]).to_numpy(),
        })
        for col in counts.columns:
            table[col] = counts[col].to_numpy()
        runs = table["runs"].where(table["runs"] > 0, 1)
        table["deny_rate"] = table[RuleOutcome.DENIED.value] / runs
        table["error_rate"] = (table[RuleOutcome.ERROR.value]
                               + table[RuleOutcome.TIMEOUT.value]) / runs
        table["cpu_us_p50"] = cpu[0.5].to_numpy() if 0.5 in cpu else 0.0
        table["cpu_us_p95"] = cpu[0.95].to_numpy() if 0.95 in cpu else 0.0
        table["cpu_us_max"] = grouped["cpu_us"].max().reindex(rules).to_numpy()
        table["io_ms_p95"] = io[0.95].to_numpy() if 0.95 in io else 0.0
        ch = self.changes
        claims = ch[ch["target"].isin(["id_token", "access_token"])]
        # Claim names as written in rules (the JSON path of a top-level claim, unquoted).
        names = claims["path"].str.replace(r'^\["(.*)"\]$', r"\1", regex=True)
        touched = names.groupby(claims["rule"], observed=True).agg(
            lambda s: ", ".join(sorted(set(s))))
        table["claims"] = [touched.get(r, "") for r in rules]
        errs = rr[rr["error_code"].notna()].groupby("rule", observed=True)["error_code"].agg(
            lambda s: ", ".join(f"{k}×{v}" for k, v in s.value_counts().items() if v))
        table["error_codes"] = [errs.get(r, "") for r in rules]
        table = table.fillna({"cpu_us_p50": 0.0, "cpu_us_p95": 0.0, "cpu_us_max": 0.0,
                              "io_ms_p95": 0.0})
        totals = self.logins["outcome"].value_counts().reindex(
            ["allowed", "denied", "error", "timeout", "redirect"], fill_value=0)
        return Summary(table, totals)

    def coverage(self) -> Any:
        """Which lines and branches of each rule ran (needs ``simulate(..., coverage=True)``).

        Returns a :class:`rulesim.coverage.Coverage` with ``table()``, ``missed_branches()``,
        ``annotate()`` and ``to_html()``.
        """
        from rulesim.coverage import Coverage

        return Coverage.from_simulation(self)

    def trace(self, login_id: str) -> LoginTrace:
        """The whole story of one login: input, each rule's outcome, changes, calls, logs, tokens."""
        rows = self.logins.index[self.logins["login_id"] == login_id]
        if len(rows) == 0:
            raise UsageError(f"no login with login_id={login_id!r} in this simulation")
        pos = int(rows[0])
        payload = None
        if self.population is not None:
            try:
                payload = json.loads(self.population.payloads(pos, pos + 1)[0])
            except (IndexError, AttributeError):
                payload = None
        return LoginTrace.from_frames(self, login_id, payload)

    # ------------------------------------------------------------------------------------------
    def to_parquet(self, path: str | Path) -> Path:
        """Write every frame as ``<table>.parquet`` plus ``manifest.json`` into a folder.

        The files are plain parquet (readable by DuckDB, Spark, pyarrow as they are).
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for table in _TABLES:
            if table not in self._frames and self._source is not None:
                # Chunk by chunk: writing a million-login run does not load it.
                self._source.write_parquet(table, out / f"{table}.parquet")
            else:
                getattr(self, table).to_parquet(out / f"{table}.parquet", index=False)
        manifest = {**self.manifest, "complete": self.complete}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        return out

    @classmethod
    def read_parquet(cls, path: str | Path) -> Simulation:
        """Read a folder written by :meth:`to_parquet`."""
        src = Path(path)
        try:
            manifest = json.loads((src / "manifest.json").read_text())
            frames = {t: pd.read_parquet(src / f"{t}.parquet") for t in _TABLES}
        except (OSError, ValueError) as exc:
            raise UsageError(f"{src} is not a simulation written by to_parquet: {exc}") from None
        names = [r["name"] for r in [*manifest.get("rules", []), *manifest.get("actions", [])]]
        frames = {t: conform(f, t, names) for t, f in frames.items()}
        return cls(frames, manifest, complete=bool(manifest.get("complete", True)))

    def export(self, path: str | Path, fmt: str = "parquet") -> Path:
        """Write results as parquet (with manifest), csv or jsonl files into a folder."""
        if fmt == "parquet":
            return self.to_parquet(path)
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for table in _TABLES:
            frame = getattr(self, table)
            if fmt == "csv":
                frame.to_csv(out / f"{table}.csv", index=False)
            elif fmt == "jsonl":
                frame.to_json(out / f"{table}.jsonl", orient="records", lines=True)
            else:
                raise UsageError(f"expected fmt to be 'parquet', 'csv' or 'jsonl', got {fmt!r}")
        (out / "manifest.json").write_text(json.dumps(self.manifest, indent=2, default=str) + "\n")
        return out


def versions() -> dict[str, str]:
    """Versions recorded in manifests."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("rulesim", "quickjs", "pandas", "pyarrow"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out
