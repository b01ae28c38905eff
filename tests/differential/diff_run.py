"""Probes, and running one probe on both sides: rulesim's pipeline and Node.

A probe (``probes/*.yaml``) is one login through one or more rules: the rule sources, the
``user`` and ``context`` changes over a realistic default login, ``configuration``, the fake
services (the ``routes`` of a services file), users already in the Management API store,
caller-supplied module fakes, and ``deliberate``: the fields where rulesim differs from Node on
purpose, each with its reason. Both sides get the same login, the same seed, the same service
table and the same user store, and report a :class:`~diff_view.View`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from diff_node import NodeRun, NodeSide
from diff_view import View, console_line, http_entry, tokens

from rulesim.pipeline import Pipeline, login_seed
from rulesim.records import Columns, frames_from_columns
from rulesim.runtime.sandbox import SandboxOptions
from rulesim.runtime.services import HttpRequest, HttpResult, Services
from rulesim.runtime.services.management import UserStore
from rulesim.sources import Rule

PROBES_DIR = Path(__file__).with_name("probes")
DOMAIN = "acme.eu.auth0.com"
MANAGEMENT_TOKEN = "rulesim-management-api-token"
TIMESTAMP_MS = 1_700_000_000_000   # a whole second: a Management API call's 35 ms stays inside it
SEED = 7

DEFAULT_USER: dict[str, Any] = {
    "user_id": "auth0|65f0c0ffee0000000000beef", "email": "ada@example.com",
    "email_verified": True, "name": "Ada Lovelace", "given_name": "Ada",
    "family_name": "Lovelace", "nickname": "ada", "picture": "https://s.gravatar.com/avatar/ada.png",
    "created_at": "2023-01-05T09:00:00.000Z", "updated_at": "2023-11-14T22:13:20.000Z",
    "last_login": "2023-11-14T22:13:20.000Z", "last_ip": "203.0.113.7", "logins_count": 12,
    "identities": [{"connection": "Username-Password-Authentication", "provider": "auth0",
                    "user_id": "65f0c0ffee0000000000beef", "isSocial": False}],
    "app_metadata": {"roles": ["editor"], "plan": "pro"},
    "user_metadata": {"locale": "en-GB", "theme": "dark"},
}
DEFAULT_CONTEXT: dict[str, Any] = {
    "tenant": "acme", "clientID": "k3Ghl2YpQ3oZy7m0xN1v", "clientName": "Acme Portal",
    "clientMetadata": {"tier": "gold"}, "connectionID": "con_4BvR7o8nK2pQ",
    "connection": "Username-Password-Authentication", "connectionStrategy": "auth0",
    "protocol": "oidc-basic-profile", "stats": {"loginsCount": 12},
    "sso": {"with_auth0": False, "with_dbconn": False, "current_clients": []},
    "sessionID": "m0CkSe55i0nIdqV7xO2y", "authorization": {"roles": ["editor"]},
    "authentication": {"methods": [{"name": "pwd", "timestamp": 1_700_000_000_000}]},
    "request": {
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/119.0 Safari/537.36",
        "ip": "203.0.113.7", "hostname": DOMAIN,
        "query": {"scope": "openid profile email", "response_type": "code",
                  "client_id": "k3Ghl2YpQ3oZy7m0xN1v",
                  "redirect_uri": "https://portal.acme.example/callback"},
        "geoip": {"country_code": "GB", "country_code3": "GBR", "country_name": "United Kingdom",
                  "city_name": "London", "latitude": 51.5, "longitude": -0.12,
                  "time_zone": "Europe/London", "continent_code": "EU"},
    },
}


@dataclass
class Probe:
    """One login to run on both sides (see the module docstring)."""

    name: str
    module: str
    rules: list[tuple[str, str]]
    user: dict[str, Any]
    context: dict[str, Any]
    configuration: dict[str, str] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)
    store_users: list[dict[str, Any]] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)
    deliberate: dict[str, Any] = field(default_factory=dict)
    needs: str = ""   # "intl": the probe runs only where the ICU extension is built

    def deliberate_fields(self, node_major: int) -> set[str]:
        """The fields that differ on purpose when Node is version ``node_major``.

        A declaration maps a field (or several, comma-separated, for one cause) to a reason
        (always), or to ``{reason, node_from: N}``: from Node N on (a wording V8 changed after
        Node 18, the Auth0 runtime rulesim follows).
        """
        out = set()
        for names, why in self.deliberate.items():
            if isinstance(why, Mapping) and node_major < int(why.get("node_from", 0)):
                continue
            out.update(n.strip() for n in names.split(","))
        return out

    @property
    def id(self) -> str:
        """The pytest id: ``module/name``."""
        return f"{self.module}/{self.name}"


def _merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` into a copy of ``base``; a ``null`` value removes the key."""
    out = json.loads(json.dumps(base))
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = json.loads(json.dumps(value))
    return out


def load_probes(directory: Path = PROBES_DIR) -> list[Probe]:
    """Every probe of every ``*.yaml`` file in ``directory``, in file order."""
    probes: list[Probe] = []
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        module = str(doc.get("module", path.stem))
        for item in doc["probes"]:
            sources = item.get("rules") or [item["rule"]]
            probes.append(Probe(
                name=str(item["name"]), module=module,
                rules=[(f"{item['name']}-{i + 1}" if len(sources) > 1 else str(item["name"]), s)
                       for i, s in enumerate(sources)],
                user=_merge(DEFAULT_USER, item.get("user") or {}),
                context=_merge(DEFAULT_CONTEXT, item.get("context") or {}),
                configuration=dict(item.get("configuration") or {}),
                services=list(item.get("services") or []),
                store_users=list(item.get("store_users") or []),
                modules=dict(item.get("modules") or {}),
                deliberate=dict(item.get("deliberate") or {}),
                needs=str(item.get("needs") or ""),
            ))
    return probes


class _RecordingServices(Services):
    """Services that also keep every request they answered (rulesim side)."""

    def __init__(self, base: Services) -> None:
        super().__init__(base.routes, name=base.name)
        self.requests: list[HttpRequest] = []

    def handle(self, request: HttpRequest, rng: random.Random) -> HttpResult:
        self.requests.append(request)
        return super().handle(request, rng)


def _services(probe: Probe) -> Services:
    return Services.from_dict({"routes": probe.services}) if probe.services else Services()


def _store(probe: Probe) -> UserStore:
    return UserStore(json.loads(json.dumps(probe.store_users)))


def login_payload(probe: Probe) -> dict[str, Any]:
    """The login both sides run."""
    return {"login_id": "L0", "user_id": probe.user.get("user_id"), "timestamp_ms": TIMESTAMP_MS,
            "user": probe.user, "context": probe.context}


def _reconstruct(initial: Any, changes: pd.DataFrame, target: str) -> Any:
    """A watched part's final value: its initial value with the rules' changes applied."""
    value = json.loads(json.dumps(initial))
    for row in changes[(changes["target"] == target) & (~changes["persisted"])].itertuples():
        path = str(row.path) if isinstance(row.path, str) else ""
        after = None if row.op == "remove" else json.loads(str(row.after))
        if path == "":
            value = after
            continue
        if not isinstance(value, dict):
            value = {}
        keys = path.split(".")
        holder = value
        for key in keys[:-1]:
            holder = holder.setdefault(key, {})
        if row.op == "remove":
            holder.pop(keys[-1], None)
        else:
            holder[keys[-1]] = after
    return value


def _cell(value: Any) -> Any:
    """A frame cell as plain data (a missing value is None)."""
    if value is None or (not isinstance(value, (list, dict, str)) and bool(pd.isna(value))):
        return None
    return value


def run_rulesim(probe: Probe) -> View:
    """Run the probe through rulesim's pipeline (in-process: probes are trusted code)."""
    rules = [Rule.from_source(name, source, order=i + 1)
             for i, (name, source) in enumerate(probe.rules)]
    services = _RecordingServices(_services(probe))
    pipeline = Pipeline(rules, probe.configuration, services=services, seed=SEED,
                        options=SandboxOptions(domain=DOMAIN, modules=probe.modules))
    pipeline.host._store = _store(probe)   # users already in the Management API
    sink = Columns()
    payload = login_payload(probe)
    pipeline.run(json.dumps(payload), 0, sink, login_id="L0", user_id=payload["user_id"])
    frames = frames_from_columns(sink, [r.name for r in rules])
    login = {str(k): _cell(v) for k, v in frames["logins"].iloc[0].to_dict().items()}
    runs = frames["rule_runs"]
    changes = frames["changes"]
    failed = login["deciding_rule"]
    line = 0
    description = login["error_message"]
    if failed is not None:
        row = runs[runs["rule"] == failed].iloc[0]
        line = int(row["line"])
        prefix = f"rule `{failed}`" + (f" (line {line})" if line else "") + ": "
        if isinstance(description, str) and description.startswith(prefix):
            description = description[len(prefix):]
    issued = login["outcome"] in ("allowed", "redirect")   # failed logins issue no tokens
    persisted = [[r.target, r.path if isinstance(r.path, str) else "", r.op,
                  None if _cell(r.after) is None else json.loads(str(r.after))]
                 for r in changes[changes["persisted"]].itertuples()]
    return View(
        outcome=str(login["outcome"]), error_code=login["error_code"],
        app_error=login["app_error"], description=description, error_line=line,
        failed_rule=failed, id_token=json.loads(login["id_token"]) if issued else {},
        access_token=json.loads(login["access_token"]) if issued else {},
        scopes=str(login["scopes"] or "").split() if issued else [],
        mfa=_reconstruct(probe.context.get("multifactor"), changes, "multifactor"),
        redirect=login["redirect_url"],
        saml=None if login["saml"] is None else json.loads(str(login["saml"])),
        persisted=persisted,
        console=[[str(r.rule), str(r.level), console_line(str(r.message))]
                 for r in frames["logs"].itertuples()],
        http=[http_entry(r.method, r.url, r.headers, r.body) for r in services.requests],
    )


def run_node(node: NodeSide, probe: Probe) -> View:
    """Run the probe in Node with the real npm packages."""
    payload = login_payload(probe)
    seed = login_seed(SEED, 0)
    run: NodeRun = node.run(
        {**payload, "rules": [{"name": n, "source": s} for n, s in probe.rules],
         "configuration": probe.configuration, "seed": seed, "domain": DOMAIN,
         "management_token": MANAGEMENT_TOKEN, "modules": probe.modules},
        _services(probe), _store(probe), seed)
    if run.harness_errors:
        raise AssertionError(f"probe `{probe.id}`: the harness could not answer the Node side: "
                             + "; ".join(run.harness_errors))
    result = run.result
    names = [n for n, _ in probe.rules]
    outcome, code, message, line, failed = "allowed", None, None, 0, None
    for i, r in enumerate(result["runs"]):
        if r["outcome"] in ("denied", "error", "timeout"):
            outcome, code, message, line, failed = (r["outcome"], r["code"], r["message"],
                                                    int(r["line"] or 0), names[i])
            break
    user, context = result["user"], result["context"]
    idt, at, scopes = tokens(user, context) if outcome in ("allowed",) else ({}, {}, [])
    redirect = context.get("redirect") if isinstance(context.get("redirect"), dict) else None
    redirect_url = str(redirect["url"]) if redirect and redirect.get("url") else None
    if outcome == "allowed" and redirect_url:
        outcome = "redirect"
        idt, at, scopes = tokens(user, context)
    app_error = {"denied": "unauthorized", "error": "access_denied",
                 "timeout": "access_denied"}.get(outcome)
    return View(
        outcome=outcome, error_code=code, app_error=app_error, description=message,
        error_line=line, failed_rule=failed, id_token=idt, access_token=at, scopes=scopes,
        mfa=context.get("multifactor"), redirect=redirect_url,
        saml=context.get("samlConfiguration"), persisted=run.persisted,
        console=[[names[r], lv, console_line(m)] for r, lv, m in result["logs"]],
        http=[http_entry(r.method, r.url, r.headers, r.body) for r in run.requests],
    )
