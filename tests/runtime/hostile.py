"""What the hostile-code suites share (tests/runtime/test_hostile_rules.py and its Actions twin).

Each suite writes one rule or Action that misbehaves for a few marked emails, and checks that
those logins end as error or timeout rows with stable codes while ordinary logins in the same
run (worker processes, as in production) are unaffected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rulesim as rs

ORDINARY = 40
# JavaScript statements that set `polluted` when anything the hostile suites change on a
# built-in is still visible (a replaced built-in that throws counts too).
POLLUTION_TEST = (
    "  var polluted = true;\n"
    "  try {\n"
    "    polluted = ({}).isAdmin === true || ' x '.trim() !== 'x' || Math.random() === 0"
    " || [].isAdmin === true || Math.isAdmin === true || Object.isFrozen(Array.prototype)"
    " || Reflect.ownKeys({a: 1}).length !== 1"
    " || Object.getOwnPropertyDescriptor({a: 1}, 'a').value !== 1;\n"
    "  } catch (e) { /* a replaced built-in threw: polluted */ }\n")
LIMITS = rs.Limits(cpu_ms=300, memory_mb=64, host_calls=50)


def population(hostile: Mapping[str, Any]) -> rs.Population:
    """Ordinary logins with the hostile emails' logins spread among them."""
    logins = []
    for i in range(ORDINARY):
        logins.append({"user": {"email": f"user{i}@acme.com"}})
        if i < len(hostile):
            logins.append({"user": {"email": list(hostile)[i]}})
    return rs.Population.from_logins(logins)


def emails(sim: rs.Simulation) -> list[str]:
    """The email of each login of a simulation, in order."""
    pop = sim.population
    return [pop.login(i)["user"].get("email") for i in range(len(pop))]


def hostile_row(sim: rs.Simulation, email: str) -> Any:
    """The login row of a hostile email."""
    return sim.logins.iloc[emails(sim).index(email)]


def ordinary_rows(sim: rs.Simulation, hostile: Mapping[str, Any]) -> Any:
    """The ordinary logins' rows, checked for count, outcome and the pollution claim."""
    normal = sim.logins[[e not in hostile for e in emails(sim)]]
    assert len(normal) == ORDINARY
    assert set(normal["outcome"]) == {"allowed"}
    claims = normal["id_token"].map(lambda s: '"clean"' in s)
    assert claims.all(), "prototype pollution leaked into another login"
    assert len(sim.logins) == ORDINARY + len(hostile)
    return normal
