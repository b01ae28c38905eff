"""The sink of a run's rows (rulesim.records): rows appended in one pass are those appended one
login at a time."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rulesim.records import Columns

NAMES = ["r0", "r1", "r2"]


def _row(login: int, k: int, persisted: bool) -> list[Any]:
    return [k % 3, "app_metadata" if persisted else "id_token", f"p{login}.{k}", "add", None,
            str(k), persisted]


# A block of logins: how many change rows each made, and how many writes it persisted.
BLOCKS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=8)


@given(block=BLOCKS, before=st.integers(0, 2))
@settings(max_examples=200, deadline=None)
def test_persisted_writes_added_in_one_pass_follow_each_logins_own_changes(
        block: list[tuple[int, int]], before: int) -> None:
    login_ids = [f"l{j}" for j in range(len(block))]
    one_pass, by_login = Columns(), Columns()
    for sink in (one_pass, by_login):   # rows of an earlier block stay where they are
        sink.add_changes("earlier", NAMES, [_row(-1, k, False) for k in range(before)])
    start = before
    block_logins = [j for j, (own, _) in enumerate(block) for _ in range(own)]
    persisted = [(j, [_row(j, k, True) for k in range(n)]) for j, (_, n) in enumerate(block) if n]
    for sink in (one_pass, by_login):
        for j, (own, _) in enumerate(block):
            sink.add_changes(login_ids[j], NAMES, [_row(j, k, False) for k in range(own)])
    one_pass.add_persisted_changes(start, block_logins, persisted, login_ids, NAMES)
    keys: list[tuple[int, int]] = [(j, 0) for j in block_logins]
    for j, rows in persisted:
        by_login.add_changes(login_ids[j], NAMES, rows)
        keys.extend([(j, 1)] * len(rows))
    by_login.order_changes(start, keys)
    assert one_pass.data["changes"] == by_login.data["changes"]
    paths = one_pass.data["changes"]["path"][start:]
    assert paths == [p for j, (own, n) in enumerate(block)
                     for p in [f"p{j}.{k}" for k in range(own)] + [f"p{j}.{k}" for k in range(n)]]
