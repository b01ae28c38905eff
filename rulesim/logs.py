"""Read an Auth0 tenant's log export: which events are logins, and a count of every event type.

Auth0 tenants export their logs in three shapes, all read here (each optionally gzipped):

* the Management API's ``GET /api/v2/logs`` (and ``auth0 logs list --json``): a JSON array of
  events, or an object whose ``logs`` key holds that array (``include_totals=true``);
* a log stream written to files: newline-delimited JSON whose events sit under ``data``
  (``{"log_id": "...", "data": {"date": ..., "type": "s", ...}}``);
* plain newline-delimited JSON, one event per line.

:data:`LOGIN_EVENTS` says which event types become logins for
:meth:`rulesim.Population.from_logs` (successful logins, silent authentications and refresh-token
exchanges: the transactions Rules run on); every other event is counted by type, never dropped
silently: :func:`scan` returns the counts as a :class:`LogSummary`, and ``from_logs`` warns
with :class:`UnknownLogEventWarning` when a type is not one of Auth0's documented codes
(:data:`EVENT_TYPES`).

Newline-delimited files are parsed by pyarrow's JSON reader (only the fields a login needs),
which keeps a million events to a few seconds; a JSON array, or a file pyarrow refuses, is read
line by line with the standard library, which names the file and line of a malformed event.

Examples
--------
>>> from rulesim.logs import scan
>>> summary = scan("datasets/logs/acme-logs.ndjson.gz")
>>> summary.logins > 0 and summary.events == int(summary.counts["events"].sum())
True
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import warnings
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rulesim.errors import PopulationError, UsageError

__all__ = ["EVENT_COLUMNS", "EVENT_TYPES", "LOGIN_EVENTS", "LogSummary", "UnknownLogEventWarning",
           "log_files", "read_events", "scan"]

LOGIN_EVENTS: dict[str, str] = {
    "s": "",  # the protocol is inferred from the application (see Population.from_logs)
    "ssa": "",  # silent authentication (prompt=none): Rules run, the query says prompt=none
    "sertft": "oauth2-refresh-token",
}
"""Event types read as logins → the ``context.protocol`` they imply (``""``: inferred)."""

EVENT_TYPES: dict[str, str] = {
    "s": "Success Login", "ssa": "Success Silent Auth", "fsa": "Failed Silent Auth",
    "f": "Failed Login", "fp": "Failed Login (Incorrect Password)",
    "fu": "Failed Login (Invalid Email/Username)", "fc": "Failed by Connector",
    "fco": "Failed by CORS", "fcoa": "Failed cross-origin authentication",
    "fens": "Failed native social login", "sens": "Success native social login",
    "w": "Warnings During Login", "slo": "Success Logout", "flo": "Failed Logout",
    "ss": "Success Signup", "fs": "Failed Signup", "du": "Deleted User",
    "fdu": "Failed User Deletion", "sdu": "Successful User Deletion",
    "seacft": "Success Exchange (Authorization Code for Access Token)",
    "feacft": "Failed Exchange (Authorization Code for Access Token)",
    "seccft": "Success Exchange (Client Credentials for Access Token)",
    "feccft": "Failed Exchange (Client Credentials for Access Token)",
    "sepft": "Success Exchange (Password for Access Token)",
    "fepft": "Failed Exchange (Password for Access Token)",
    "sertft": "Success Exchange (Refresh Token for Access Token)",
    "fertft": "Failed Exchange (Refresh Token for Access Token)",
    "ferrt": "Failed Exchange of Rotating Refresh Token", "srrt": "Success Revocation",
    "seoobft": "Success Exchange (Password and OOB Challenge for Access Token)",
    "feoobft": "Failed Exchange (Password and OOB Challenge for Access Token)",
    "seotpft": "Success Exchange (Password and OTP Challenge for Access Token)",
    "feotpft": "Failed Exchange (Password and OTP Challenge for Access Token)",
    "sercft": "Success Exchange (Password and MFA Recovery code for Access Token)",
    "fercft": "Failed Exchange (Password and MFA Recovery code for Access Token)",
    "sepotpft": "Success Exchange (Passwordless OTP for Access Token)",
    "fepotpft": "Failed Exchange (Passwordless OTP for Access Token)",
    "sede": "Success Exchange (Device Code for Access Token)",
    "fede": "Failed Exchange (Device Code for Access Token)",
    "sd": "Success Delegation", "fd": "Failed Delegation",
    "scp": "Success Change Password", "fcp": "Failed Change Password",
    "scpr": "Success Change Password Request", "fcpr": "Failed Change Password Request",
    "sce": "Success Change Email", "fce": "Failed Change Email",
    "scu": "Success Change Username", "fcu": "Failed Change Username",
    "scpn": "Success Change Phone Number", "fcpn": "Failed Change Phone Number",
    "sv": "Success Verification Email", "fv": "Failed Verification Email",
    "svr": "Success Verification Email Request", "fvr": "Failed Verification Email Request",
    "cs": "Code Sent", "cls": "Code/Link Sent", "fn": "Failed Sending Notification",
    "mfar": "MFA Required", "gd_auth_succeed": "MFA Auth Success",
    "gd_auth_failed": "MFA Auth Failed", "gd_start_auth": "Second factor started",
    "gd_enrollment_complete": "Guardian enrollment complete",
    "gd_send_sms": "Guardian SMS sent", "gd_send_pn": "Guardian push notification sent",
    "gd_otp_rate_limit_exceed": "Too many failures", "gd_unenroll": "Guardian unenroll",
    "gd_recovery_succeed": "MFA recovery success", "gd_recovery_failed": "MFA recovery failed",
    "sapi": "Success API Operation", "fapi": "Failed API Operation",
    "mgmt_api_read": "Management API read Operation", "api_limit": "Rate Limit on the API",
    "limit_wc": "Blocked Account", "limit_mu": "Blocked IP Address",
    "limit_sul": "Too Many Calls to /userinfo", "ublkdu": "User login block released",
    "pwd_leak": "Breached password", "depnote": "Deprecation Notice",
    "con": "Connector Online", "coff": "Connector Offline",
    "fcpro": "Failed Connector Provisioning", "admin_update_launch": "Auth0 Update Launched",
    "sys_os_update_start": "Auth0 OS Update Started",
    "actions_execution_failed": "Actions Execution Failed",
}
"""Auth0's log event type codes rulesim knows → description (``gd_*`` codes all count as known)."""

_STRINGS = ("date", "type", "client_id", "client_name", "connection", "connection_id",
            "strategy", "strategy_type", "ip", "user_agent", "user_id", "user_name",
            "hostname", "audience", "scope", "log_id")
GEO = ("country_code", "country_code3", "country_name", "city_name", "latitude", "longitude",
        "time_zone", "continent_code", "subdivision_code")
EVENT_COLUMNS = (*_STRINGS, "session_id", "logins_count", "prompts", *GEO)
"""Columns of the event table :func:`read_events` returns (``prompts``: stage names,
comma-joined), besides ``ms``, the date in epoch milliseconds."""


class UnknownLogEventWarning(UserWarning):
    """A log export holds event types that are not Auth0 codes rulesim knows; they are counted
    (see :func:`scan`) and are not logins."""


@dataclasses.dataclass(frozen=True)
class LogSummary:
    """What a log export holds, by event type.

    Attributes
    ----------
    files
        The files read.
    counts
        One row per event type: ``type``, ``description`` (``""`` when unknown), ``events``,
        and ``read_as`` (``"login"``, ``"oauth2-refresh-token login"``, ``"not a login"`` or
        ``"unknown type"``), most frequent first.
    """

    files: tuple[str, ...]
    counts: pd.DataFrame

    @property
    def events(self) -> int:
        """Events read, of every type."""
        return int(self.counts["events"].sum())

    @property
    def logins(self) -> int:
        """Events that become logins."""
        return int(self.counts.loc[self.counts["type"].isin(list(LOGIN_EVENTS)), "events"].sum())

    @property
    def unknown(self) -> dict[str, int]:
        """Event types Auth0 does not document (or rulesim does not know) → count."""
        rows = self.counts[self.counts["read_as"] == "unknown type"]
        return dict(zip(rows["type"], rows["events"].astype(int), strict=True))

    def __str__(self) -> str:
        head = (f"{self.events:,} events in {len(self.files)} file(s): {self.logins:,} logins, "
                f"{self.events - self.logins:,} other events")
        return head + "\n" + self.counts.to_string(index=False)


def _known(code: str) -> bool:
    return code in EVENT_TYPES or code.startswith("gd_")


def _summary(files: Sequence[str], counts: dict[str, int]) -> LogSummary:
    rows = []
    for code, n in counts.items():
        read_as = ("login" if LOGIN_EVENTS.get(code) == "" else f"{LOGIN_EVENTS[code]} login"
                   if code in LOGIN_EVENTS else "not a login" if _known(code) else "unknown type")
        rows.append({"type": code, "description": EVENT_TYPES.get(code, ""), "events": int(n),
                     "read_as": read_as})
    frame = pd.DataFrame(rows, columns=["type", "description", "events", "read_as"])
    frame = frame.sort_values(["events", "type"], ascending=[False, True], ignore_index=True)
    return LogSummary(tuple(files), frame)


def log_files(path: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files a path names: itself, every ``*.json*``/``*.ndjson*``/``*.jsonl*`` file of a
    folder (sorted), or each path of a list."""
    if isinstance(path, (str, Path)):
        p = Path(path)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and any(
                s in f.name for s in (".json", ".ndjson", ".jsonl")))
            if not found:
                raise PopulationError(f"{p}: no .json, .ndjson or .jsonl log files in this folder")
            return found
        if not p.exists():
            raise PopulationError(f"log export {p} does not exist")
        return [p]
    if not isinstance(path, Sequence) or not path:
        raise UsageError(f"expected path to be a log file, a folder or a list of files, got {path!r}")
    return [f for item in path for f in log_files(item)]


# --- reading --------------------------------------------------------------------------------


def _open_text(path: Path) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _first_char(path: Path) -> str:
    with _open_text(path) as fh:
        while True:
            chunk = fh.read(4096)
            if not chunk:
                return ""
            stripped = chunk.lstrip()
            if stripped:
                return str(stripped[0])


def _arrow_schema(wrapped: bool, skip: Collection[str] = ()) -> Any:
    import pyarrow as pa

    geo = pa.struct([(g, pa.float64() if g in ("latitude", "longitude") else pa.string())
                     for g in GEO])
    details = pa.struct([("session_id", pa.string()),
                         ("stats", pa.struct([("loginsCount", pa.float64())])),
                         ("prompts", pa.list_(pa.struct([("name", pa.string())])))])
    fields = [(s, pa.string()) for s in _STRINGS if s not in skip] + [("location_info", geo),
                                                                       ("details", details)]
    return pa.schema([("data", pa.struct(fields))] if wrapped else fields)


def _is_wrapped(path: Path) -> bool:
    """Whether the first event of a newline-delimited file sits under ``data`` (a log stream)."""
    with _open_text(path) as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError:
                    return False
                return isinstance(first, dict) and isinstance(first.get("data"), dict)
    return False


def _read_arrow(path: Path, skip: Collection[str] = ()) -> dict[str, Any]:
    """Columns of a newline-delimited file, parsed by pyarrow (raises on anything unexpected,
    including a file that mixes wrapped and plain events); string columns in ``skip`` are not
    parsed (each costs about a twentieth of the parse)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    wrapped = _is_wrapped(path)
    opts = pj.ParseOptions(explicit_schema=_arrow_schema(wrapped, skip),
                           unexpected_field_behavior="ignore", newlines_in_values=False)
    with pa.input_stream(str(path), compression="gzip" if path.suffix == ".gz" else None) as fh:
        # the system allocator: arrow's default pool hands each parsed block's memory back to
        # the system and faults it in again for the next (a tenth of the reading time)
        table = pj.read_json(fh, parse_options=opts,
                             read_options=pj.ReadOptions(use_threads=False, block_size=1 << 24),
                             memory_pool=pa.system_memory_pool())
    if wrapped and table.column("data").null_count:
        raise ValueError("some events are not under data")
    for _ in range(4 if wrapped else 3):
        table = table.flatten()
    prefix = "data." if wrapped else ""
    cols: dict[str, Any] = {s: table.column(prefix + s) for s in _STRINGS if s not in skip}
    for g in GEO:
        cols[g] = table.column(f"{prefix}location_info.{g}")
    cols["session_id"] = table.column(prefix + "details.session_id")
    cols["logins_count"] = table.column(prefix + "details.stats.loginsCount")
    prompts = table.column(prefix + "details.prompts").combine_chunks()
    offsets = pc.subtract(prompts.offsets, prompts.offsets[0])
    names = pc.struct_field(pc.list_flatten(prompts), "name")
    names_list = pa.ListArray.from_arrays(offsets, names, mask=pc.is_null(prompts))
    cols["prompts"] = pc.fill_null(pc.binary_join(names_list, ","), "")
    if cols["type"].null_count:
        raise ValueError("some events have no type: let the line reader say which")
    return cols


def _event_rows(path: Path) -> Iterable[tuple[int, Any]]:
    """``(line or index, event)`` for every event of a file, read by the standard library."""
    if _first_char(path) == "[":
        with _open_text(path) as fh:
            try:
                doc = json.load(fh)
            except ValueError as exc:
                line = getattr(exc, "lineno", "?")
                raise PopulationError(f"{path}, line {line}: not JSON ({exc})") from None
        yield from enumerate(doc, 1)
        return
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise PopulationError(f"{path}, line {lineno}: not JSON ({exc})") from None
            if lineno == 1 and isinstance(item, dict) and isinstance(item.get("logs"), list):
                yield from enumerate(item["logs"], 1)  # GET /api/v2/logs?include_totals=true
                continue
            yield lineno, item


def _number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read_python(path: Path) -> dict[str, Any]:
    """Columns of any supported file, read event by event (exact line numbers in errors)."""
    cols: dict[str, list[Any]] = {c: [] for c in EVENT_COLUMNS}
    for where, item in _event_rows(path):
        event = item.get("data") if isinstance(item, dict) and isinstance(
            item.get("data"), dict) else item
        if not isinstance(event, dict):
            raise PopulationError(f"{path}, line {where}: expected a log event (a JSON object), "
                                  f"got {type(event).__name__}")
        if not isinstance(event.get("type"), str):
            raise PopulationError(f"{path}, line {where}: the event has no type; expected Auth0 "
                                  "log events (Management API, log stream or NDJSON)")
        for s in _STRINGS:
            cols[s].append(_text(event.get(s)))
        loc = _obj(event.get("location_info"))
        for g in GEO:
            v = loc.get(g)
            cols[g].append(_number(v) if g in ("latitude", "longitude") else _text(v))
        det = _obj(event.get("details"))
        stats = _obj(det.get("stats"))
        cols["session_id"].append(_text(det.get("session_id")))
        cols["logins_count"].append(_number(stats.get("loginsCount")))
        prompts: list[Any] = det["prompts"] if isinstance(det.get("prompts"), list) else []
        cols["prompts"].append(",".join(str(p.get("name", "")) for p in prompts
                                        if isinstance(p, dict)))
    return cols


_HIGH_CARDINALITY = frozenset({"date", "ip", "user_id", "user_name", "log_id", "session_id",
                               "latitude", "longitude", "logins_count"})


def _to_table(cols: dict[str, Any], skip: Collection[str] = ()) -> Any:
    import pyarrow as pa

    arrays = {}
    for name in EVENT_COLUMNS:
        if name in skip:
            continue
        col = cols[name]
        if isinstance(col, list):
            kind = pa.float64() if name in ("latitude", "longitude", "logins_count") else pa.string()
            col = pa.array(col, type=kind)
        arrays[name] = col
    return pa.table(arrays)


def encoded(table: Any) -> tuple[Any, np.ndarray[Any, Any]]:
    """The event table with repetitive strings dictionary-encoded (categories in order of first
    appearance over every event), and the date in epoch milliseconds (int64)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {name: table.column(name) if name in _HIGH_CARDINALITY
              else table.column(name).dictionary_encode() for name in table.column_names}
    try:
        ms = pc.cast(pc.cast(arrays["date"], pa.timestamp("ms", "UTC")), pa.int64()).to_numpy(
            zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        try:
            parsed = pd.to_datetime(table.column("date").to_pandas(), utc=True, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise PopulationError(f"an event's date is not ISO 8601 ({exc})") from None
        ms = parsed.to_numpy(dtype="datetime64[ms]").view(np.int64)
    return pa.table(arrays), ms


def to_frame(table: Any, ms: np.ndarray[Any, Any]) -> pd.DataFrame:
    """An encoded event table (see :func:`encoded`) as a frame, the date also as ``ms``."""
    frame: pd.DataFrame = table.to_pandas()
    frame["ms"] = ms
    return frame


def read_table(path: str | Path | Sequence[str | Path], types: Iterable[str] | None,
               skip: Collection[str] = ()) -> tuple[Any, LogSummary]:
    """The events of a log export as an arrow table of :data:`EVENT_COLUMNS` (only the events
    of ``types``, when given; without the string columns of ``skip``, which the caller does
    not need: ``"type"`` is always read), and the summary of every event."""
    import pyarrow as pa
    import pyarrow.compute as pc

    files = log_files(path)
    skip = frozenset(skip).intersection(_STRINGS) - {"type"}
    tables = []
    for f in files:
        cols: dict[str, Any] | None = None
        try:
            if _first_char(f) == "{":
                cols = _read_arrow(f, skip)
        except OSError as exc:
            raise PopulationError(f"cannot read log export {f}: {exc}") from None
        except Exception:
            cols = None
        tables.append(_to_table(cols if cols is not None else _read_python(f), skip))
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    if table.column("type").null_count:
        raise PopulationError("the log export has events without a type; expected Auth0 log "
                              "events (Management API, log stream or NDJSON)")
    counts = {str(row["values"]): int(row["counts"])
              for row in pc.value_counts(table.column("type")).to_pylist()}
    summary = _summary([str(f) for f in files], counts)
    _SUMMARIES[_key(files)] = summary
    while len(_SUMMARIES) > 8:
        _SUMMARIES.pop(next(iter(_SUMMARIES)))
    if summary.unknown:
        warnings.warn(UnknownLogEventWarning(
            f"{sum(summary.unknown.values()):,} events of unknown types were not read as "
            f"logins: {summary.unknown}"), stacklevel=4)
    if types is not None:
        table = table.filter(pc.is_in(table.column("type"), pa.array(list(types), pa.string())))
    return table, summary


def read_events(path: str | Path | Sequence[str | Path], types: Iterable[str] | None = None
                ) -> tuple[pd.DataFrame, LogSummary]:
    """Read the events of a log export: the table of :data:`EVENT_COLUMNS` (only the events of
    ``types``, when given) and the summary of every event.

    Raises
    ------
    PopulationError
        When a file cannot be read, or an event is malformed (naming the file and line).
    """
    table, summary = read_table(path, types)
    return to_frame(*encoded(table)), summary


def scan(path: str | Path | Sequence[str | Path]) -> LogSummary:
    """Count the events of a log export by type, and say which become logins.

    Parameters
    ----------
    path
        A file (JSON array, log-stream NDJSON or plain NDJSON, optionally ``.gz``), a folder
        of such files, or a list of them.

    Returns
    -------
    LogSummary
        Cached: scanning files that :meth:`rulesim.Population.from_logs` has just read (and
        that have not changed since) does not read them again.

    Examples
    --------
    >>> counts = scan("datasets/logs/acme-logs.ndjson.gz").counts
    >>> print(counts[["type", "events", "read_as"]].head(2).to_string(index=False))
      type  events                    read_as
         s    5834                      login
    sertft    1695 oauth2-refresh-token login
    """
    files = log_files(path)
    known = _SUMMARIES.get(_key(files))
    if known is not None:  # read moments ago (by Population.from_logs): files unchanged
        return known
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownLogEventWarning)
        return read_events(files, types=())[1]


_SUMMARIES: dict[tuple[tuple[str, int, int], ...], LogSummary] = {}


def _key(files: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    stats = [(str(f.resolve()), f.stat()) for f in files]
    return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)
