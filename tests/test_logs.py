"""Reading Auth0 log exports: three shapes, gzip, every event type counted, errors that say where."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from rulesim.errors import PopulationError, UsageError
from rulesim.logs import EVENT_TYPES, LOGIN_EVENTS, UnknownLogEventWarning, read_events, scan

DATA = Path(__file__).resolve().parent.parent / "datasets" / "logs"
LOGS = DATA / "acme-logs.ndjson.gz"


def events() -> list[dict[str, Any]]:
    with gzip.open(LOGS, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["data"] for line in fh]


def write_shapes(folder: Path, evs: list[dict[str, Any]]) -> dict[str, Path]:
    api = folder / "api.json"
    api.write_text(json.dumps(evs[::-1]), encoding="utf-8")
    plain = folder / "plain.ndjson"
    plain.write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
    stream = folder / "stream.ndjson.gz"
    with gzip.open(stream, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"log_id": e["log_id"], "data": e}) + "\n" for e in evs)
    totals = folder / "totals.json"
    totals.write_text(json.dumps({"start": 0, "limit": 100, "length": len(evs),
                                  "total": len(evs), "logs": evs}), encoding="utf-8")
    return {"api": api, "plain": plain, "stream": stream, "totals": totals}


def test_the_synthetic_export_is_marked_synthetic_and_realistic() -> None:
    assert "SYNTHETIC" in (DATA / "make_logs.py").read_text(encoding="utf-8")
    assert "synthetic" in (DATA / "README.md").read_text(encoding="utf-8").lower()
    summary = scan(LOGS)
    types = set(summary.counts["type"])
    assert {"s", "ssa", "sertft", "seacft", "f", "fp", "fu", "slo"} <= types
    assert summary.logins < summary.events


def test_every_shape_and_gzip_read_the_same_events(tmp_path: Path) -> None:
    evs = events()[:400]
    frames = {name: read_events(path)[0] for name, path in write_shapes(tmp_path, evs).items()}
    key = ["log_id", "type", "user_id", "ms", "prompts", "logins_count", "city_name", "ip"]
    base = frames["plain"][key].sort_values("log_id", ignore_index=True)
    for name, frame in frames.items():
        got = frame[key].sort_values("log_id", ignore_index=True)
        assert got.astype(str).equals(base.astype(str)), name
    assert len(base) == 400


def test_the_arrow_reader_and_the_line_reader_agree(tmp_path: Path) -> None:
    # a file mixing wrapped and plain events cannot take the pyarrow path
    evs = events()[:300]
    mixed = tmp_path / "mixed.ndjson"
    mixed.write_text("".join(json.dumps({"data": e} if i % 2 else e) + "\n"
                             for i, e in enumerate(evs)), encoding="utf-8")
    plain = tmp_path / "plain.ndjson"
    plain.write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
    a, b = read_events(mixed)[0], read_events(plain)[0]
    assert a.astype(str).equals(b.astype(str))


def test_every_event_type_is_counted_and_only_login_types_are_logins() -> None:
    evs = events()
    summary = scan(LOGS)
    by_type = dict(zip(summary.counts["type"], summary.counts["events"], strict=True))
    for code in by_type:
        assert by_type[code] == sum(1 for e in evs if e["type"] == code)
    assert summary.events == len(evs)
    assert summary.logins == sum(1 for e in evs if e["type"] in LOGIN_EVENTS)
    read_as = dict(zip(summary.counts["type"], summary.counts["read_as"], strict=True))
    assert read_as["s"] == "login"
    assert read_as["sertft"] == "oauth2-refresh-token login"
    assert read_as["fp"] == "not a login"
    assert "fp" in str(summary)


def test_unknown_event_types_are_counted_and_reported_never_dropped(tmp_path: Path) -> None:
    first = events()[0]
    evs = [*events()[:50], {**first, "type": "zz_new_code", "log_id": "x1"},
           {**first, "type": "zz_new_code", "log_id": "x2"}]
    path = tmp_path / "logs.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in evs), encoding="utf-8")
    with pytest.warns(UnknownLogEventWarning, match="zz_new_code"):
        read_events(path)
    summary = scan(path)
    assert summary.unknown == {"zz_new_code": 2}
    assert summary.events == 52
    assert "zz_new_code" not in EVENT_TYPES


@pytest.mark.parametrize("shape", ["plain", "stream", "api"])
def test_a_malformed_event_names_the_file_and_line(tmp_path: Path, shape: str) -> None:
    good = [json.dumps(e) for e in events()[:5]]
    if shape == "api":
        text = "[\n" + ",\n".join(good[:3]) + ",\n{not json},\n" + ",\n".join(good[3:]) + "\n]"
        name, line = "bad.json", 5
    else:
        lines = [json.dumps({"data": json.loads(g)}) if shape == "stream" else g for g in good]
        lines.insert(3, '{"type": "s", "date": ')
        text, name, line = "\n".join(lines) + "\n", "bad.ndjson", 4
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PopulationError, match=rf"bad\.n?d?json, line {line}: not JSON"):
        read_events(path)


def test_a_missing_file_or_an_empty_folder_is_a_population_error(tmp_path: Path) -> None:
    with pytest.raises(PopulationError, match="does not exist"):
        scan(tmp_path / "nope.ndjson")
    with pytest.raises(PopulationError, match=r"no \.json"):
        scan(tmp_path)
    with pytest.raises(UsageError, match="path"):
        scan([])


def test_a_folder_reads_every_log_file_in_it(tmp_path: Path) -> None:
    evs = events()[:100]
    for i in range(2):
        (tmp_path / f"part-{i}.ndjson").write_text(
            "".join(json.dumps(e) + "\n" for e in evs[i * 50:(i + 1) * 50]), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a log", encoding="utf-8")
    summary = scan(tmp_path)
    assert summary.events == 100
    assert len(summary.files) == 2


def test_skipped_columns_are_left_out_and_change_nothing_else(tmp_path: Path) -> None:
    from rulesim.logs import read_table

    evs = events()[:300]
    mixed = tmp_path / "mixed.ndjson"  # the line reader
    mixed.write_text("".join(json.dumps({"data": e} if i % 2 else e) + "\n"
                             for i, e in enumerate(evs)), encoding="utf-8")
    for path in (LOGS, mixed):
        full, _ = read_table(path, None)
        part, _ = read_table(path, None, ("strategy_type", "type"))  # type is always read
        assert part.column_names == [c for c in full.column_names if c != "strategy_type"]
        assert part.to_pandas().equals(full.drop_columns(["strategy_type"]).to_pandas())  # NaN = NaN
