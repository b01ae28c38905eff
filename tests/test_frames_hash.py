"""The acme tenant's result frames are pinned by hash: refactors of the engine room must not
change a single value (timings aside), whatever the number of workers.

If a change *means* to alter results (a fidelity fix, a new column), regenerate the hash with
``python tests/test_frames_hash.py`` and say why in the commit message.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

import rulesim as rs
from tests.frames import comparable

ACME = Path(__file__).resolve().parents[1] / "datasets" / "tenants" / "acme"
HASH_FILE = Path(__file__).with_name("golden_hashes") / "acme_20000_seed7.txt"
TABLES = ("logins", "rule_runs", "changes", "calls", "logs")


def frames_digest(sim: rs.Simulation) -> dict[str, str]:
    """sha256 of each frame's CSV form, measured timings left out."""
    out = {}
    for table in TABLES:
        text = comparable(getattr(sim, table)).to_csv(index=False)
        out[table] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _expected() -> dict[str, str]:
    return dict(line.split() for line in HASH_FILE.read_text().splitlines() if line.strip())


def _run(workers: int) -> dict[str, str]:
    os.environ.setdefault("TZ", "UTC")
    sim = rs.simulate(rs.load_rules(ACME), rs.population(20_000, seed=7), workers=workers,
                      progress=False)
    return frames_digest(sim)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_the_acme_frames_for_20000_logins_match_their_pinned_hash(workers: int) -> None:
    assert _run(workers) == _expected()


if __name__ == "__main__":
    digests = _run(2)
    HASH_FILE.parent.mkdir(exist_ok=True)
    HASH_FILE.write_text("".join(f"{t} {d}\n" for t, d in digests.items()))
    sys.stdout.write(HASH_FILE.read_text())
