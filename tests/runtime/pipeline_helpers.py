"""Run rules in-process through the pipeline, for fast tests of runtime semantics.

Tests are trusted code, so they may drive the sandbox in the test process; the product never
does (``simulate`` and ``run_login`` use worker processes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rulesim.pipeline import Pipeline
from rulesim.records import Columns, frames_from_columns
from rulesim.runtime.limits import Limits
from rulesim.sources import Rule
from tests.frames import comparable

BASE_USER = {"user_id": "auth0|alice", "email": "alice@acme.com", "email_verified": True,
             "name": "Alice Doe", "nickname": "alice", "picture": "https://x/p.png"}
BASE_CONTEXT = {"clientID": "cid", "clientName": "Acme Portal", "connection": "db",
                "protocol": "oidc-basic-profile",
                "request": {"ip": "1.2.3.4", "query": {"scope": "openid profile email"}}}


@dataclass
class Result:
    """One login's frames."""

    login: dict[str, Any]
    rule_runs: pd.DataFrame
    changes: pd.DataFrame
    calls: pd.DataFrame
    logs: pd.DataFrame

    @property
    def outcome(self) -> str:
        return str(self.login["outcome"])

    @property
    def code(self) -> Any:
        return self.login["error_code"]

    @property
    def id_token(self) -> dict[str, Any]:
        return dict(json.loads(self.login["id_token"]))

    @property
    def access_token(self) -> dict[str, Any]:
        return dict(json.loads(self.login["access_token"]))

    def run(self, rule: str) -> dict[str, Any]:
        row = self.rule_runs[self.rule_runs["rule"] == rule].iloc[0]
        return {str(k): v for k, v in row.to_dict().items()}


def rules_from(sources: Sequence[str | Rule]) -> list[Rule]:
    out = []
    for i, s in enumerate(sources):
        out.append(s if isinstance(s, Rule) else Rule.from_source(f"rule{i + 1}", s, order=i + 1))
    return out


class Harness:
    """A pipeline plus helpers to run logins and read their frames."""

    def __init__(self, sources: Sequence[str | Rule], configuration: Mapping[str, str] | None = None,
                 *, limits: Limits | None = None, services: Any = None, seed: int = 0,
                 options: Any = None, on_redirect: str = "stop",
                 continue_handler: Any = None) -> None:
        self.rules = rules_from(sources)
        kwargs: dict[str, Any] = {
            "limits": limits, "services": services, "seed": seed, "options": options,
            "on_redirect": on_redirect, "continue_handler": continue_handler}
        # The product path: logins batched inside JavaScript (a batch of one here) ...
        self.pipeline = Pipeline(self.rules, configuration or {}, **kwargs)
        # ... checked against the host loop driving every rule, on every login.
        self.reference = Pipeline(self.rules, configuration or {}, batch_size=1, **kwargs)
        self.count = 0

    def login(self, user: Mapping[str, Any] | None = None,
              context: Mapping[str, Any] | None = None, *, timestamp_ms: int = 1_700_000_000_000,
              raw_user: bool = False, raw_context: bool = False) -> Result:
        u = dict(user or {}) if raw_user else {**BASE_USER, **(user or {})}
        c = dict(context or {}) if raw_context else {**BASE_CONTEXT, **(context or {})}
        login_id = f"L{self.count}"
        payload = json.dumps({"login_id": login_id, "user_id": u.get("user_id"),
                              "timestamp_ms": timestamp_ms, "user": u, "context": c})
        sink, reference = Columns(), Columns()
        self.pipeline.run_many([payload], self.count, sink, login_ids=[login_id],
                               user_ids=[u.get("user_id")])
        self.reference.run(payload, self.count, reference, login_id=login_id,
                           user_id=u.get("user_id"))
        self.count += 1
        names = [r.name for r in self.rules]
        f = frames_from_columns(sink, names)
        expected = frames_from_columns(reference, names)
        for table in ("logins", "rule_runs", "changes", "calls", "logs"):
            pd.testing.assert_frame_equal(comparable(f[table]), comparable(expected[table]),
                                          obj=f"{table} (batched vs host loop)")
        return Result({str(k): v for k, v in f["logins"].iloc[0].to_dict().items()},
                      f["rule_runs"], f["changes"], f["calls"], f["logs"])


def run_once(sources: Sequence[str | Rule], user: Mapping[str, Any] | None = None,
             context: Mapping[str, Any] | None = None, **kwargs: Any) -> Result:
    """Run one login through fresh rules."""
    return Harness(sources, **kwargs).login(user, context)
