"""Running complete logins exactly as given, each independent, in one simulation."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rulesim.errors import UsageError
from rulesim.trace import LoginTrace

__all__ = ["exact_population", "run", "run_logins"]


def _patch(target: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """A patch that turns ``base`` into ``target`` under from_logins' deep merge (None deletes)."""
    out: dict[str, Any] = {}
    for key, value in target.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _patch(value, base[key])
        else:
            out[key] = value
    for key in base:
        if key not in target:
            out[key] = None
    return out


def exact_population(logins: Sequence[Mapping[str, Any]]) -> Any:
    """A :class:`~rulesim.Population` holding exactly these complete logins.

    ``Population.from_logins`` completes partial logins from generated defaults; a complete
    login (as :func:`rulesim.strategies.logins` draws them) must not gain default keys, so each
    is sent as a patch that also deletes every default key it lacks.

    Raises
    ------
    UsageError
        If a login holds ``null`` values (a patch cannot express them) or duplicate login ids.
    """
    from rulesim.population import Population

    ids = [str(login.get("login_id") or f"X{i:07d}") for i, login in enumerate(logins)]
    defaults = [json.loads(p) for p in Population.from_logins([{"login_id": i} for i in ids]).payloads()]
    items = []
    for login, login_id, base in zip(logins, ids, defaults, strict=True):
        item: dict[str, Any] = {"login_id": login_id,
                                "user": _patch(login.get("user") or {}, base["user"]),
                                "context": _patch(login.get("context") or {}, base["context"])}
        if "timestamp_ms" in login:
            item["timestamp_ms"] = int(login["timestamp_ms"])
        items.append(item)
    pop = Population.from_logins(items)
    for k, (login, text) in enumerate(zip(logins, pop.payloads(), strict=True)):
        got = json.loads(text)
        if got["user"] != login.get("user", got["user"]) or \
                got["context"] != login.get("context", got["context"]):
            raise UsageError(f"login {k} cannot be reproduced exactly (null values are not "
                             "supported in exact logins; remove the key instead)")
    return pop


def _spacer(login: Mapping[str, Any], k: int) -> dict[str, Any]:
    """A copy of ``login`` under another user id: run between two logins of one user so that
    they fall in different chunks (a chunk's ``global`` and user store are its own)."""
    user = dict(login.get("user") or {})
    user["user_id"] = f"auth0|rulesimspacer{k:011d}"
    return {**login, "user": user}


def run_logins(rules: Any, logins: Sequence[Mapping[str, Any]], **options: Any) -> list[LoginTrace]:
    """Run complete logins, exactly as given, in one simulation; each is independent (its own
    chunk: ``global`` and the fake user store start empty).

    Parameters
    ----------
    rules
        Anything :func:`rulesim.simulate` accepts.
    logins
        Complete logins (``{"user", "context", "timestamp_ms"}``), for example drawn by
        :func:`rulesim.strategies.logins`.
    **options
        ``configuration``, ``services``, ``seed``, ``limits``, ``modules``, ``workers`` and
        ``on_simulation`` (called with each :class:`~rulesim.Simulation`).

    Returns
    -------
    list of LoginTrace
        In the order of ``logins``.
    """
    from rulesim import run as run_module

    if not logins:
        return []
    on_simulation = options.pop("on_simulation", None)
    options.setdefault("workers", 1)
    batch: list[dict[str, Any]] = []
    previous = None
    for i, login in enumerate(logins):
        uid = (login.get("user") or {}).get("user_id")
        if uid is not None and uid == previous:
            batch.append({**_spacer(login, i), "login_id": f"S{i:07d}"})
        batch.append({**login, "login_id": f"T{i:07d}"})
        previous = uid
    sim = run_module.simulate(rules, exact_population(batch), progress=False, chunk_size=1,
                              **options)
    if on_simulation is not None:
        on_simulation(sim)
    return [sim.trace(f"T{i:07d}") for i in range(len(logins))]


def run(rules: Any, login: Mapping[str, Any], **options: Any) -> LoginTrace:
    """Run one complete login exactly as given (for example one drawn by
    ``@given(rulesim.strategies.logins())``) and return its trace; options as :func:`run_logins`.
    """
    return run_logins(rules, [login], **options)[0]
