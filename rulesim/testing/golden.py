"""Golden-case files (``*.rulesim.yaml``): rules, inputs and expected outcomes, as data.

A file names the rules, their configuration and fake services, and lists cases. Each case
gives a partial ``user`` and ``context`` (completed exactly as :func:`rulesim.run_login`
completes them) and what must happen::

    rules: ../rules                      # a path relative to this file (an export with
                                         #   post-login Actions runs Rules then Actions), or
                                         #   a list of {name, source, order?, enabled?}
    only: [add-roles]                    # keep only these Rules/Actions of `rules` (optional)
    configuration: {TOS_VERSION: "2024-06-01"}   # merged over the rules' own (or a file path)
    secrets: {TOS_VERSION: "2024-06-01"} # Action secrets over the export's (or a file path)
    on_redirect: stop                    # or continue: a case's `continue` is posted back
    services: ../services.yaml           # path or inline {routes: [...]}; default: the tenant's
    service_failures: false              # turn off every route's random failures
    seed: 0
    cases:
      - description: the password grant is refused for the portal
        context: {protocol: oauth2-password, clientName: Acme Portal}
        services: {enrich-person: {failure: 1.0}}   # optional per-case route overrides
        continue: {accepted: "true"}     # with on_redirect: continue, what /continue receives
        expect:
          outcome: denied                # allowed | denied | error | timeout | redirect
          error_code: unauthorized
          reason: password sign-in is not enabled     # text the error message contains
          app_error: access_denied       # what the application receives
          rule: block-password-grant     # the deciding rule (or Action)
          claims:
            id_token: {present: {"https://acme.com/admin": true}, absent: [..]}  # null: any value
            access_token: {present: [..names..]}
          scopes: [openid]               # scopes the access token must have
          mfa: true                      # or false, or a provider name
          redirect: https://acme.com/tos*   # true/false, or a URL (``*`` = prefix)
          persisted_metadata: {app_metadata: {login_count: 1}}   # or false: nothing persisted
          saml: {lifetimeInSeconds: 28800}   # keys context.samlConfiguration must have
          calls: ["POST https://hooks.slack.com/*"]   # calls made ("METHOD URL", * = prefix)
          commands:                      # api commands an Action issued (name, or a mapping
            - api.multifactor.enable     #   of command and the change row's fields:
            - {command: api.user.setAppMetadata, path: login_count, after: 2, action: count-logins}

Every case runs as an independent login (its own ``global`` and user store); the cases of a
file run in one simulation. A malformed file raises :class:`GoldenFileError` naming the file
and line. The structure is declared once, in the JSON Schema ``golden.schema.json`` shipped
beside this module (:func:`rulesim.testing.golden_schema.schema`); point a YAML language
server at it for completion and checks in an editor.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rulesim.errors import RulesimError, UsageError
from rulesim.testing.golden_check import check
from rulesim.testing.golden_schema import check_document
from rulesim.testing.golden_yaml import GoldenFileError, Map, Seq, line_of, plain, read
from rulesim.trace import LoginTrace

__all__ = ["CaseResult", "GoldenCase", "GoldenFile", "GoldenFileError", "GoldenReport",
           "find_files", "load", "run_files"]

SUFFIX = ".rulesim.yaml"
# --- the model ------------------------------------------------------------------------------------


@dataclasses.dataclass
class GoldenCase:
    """One case: a partial login and its expectations.

    Attributes
    ----------
    description, user, context, timestamp_ms, services, expect, skip, answer
        As written in the file (``services``: per-case route overrides; ``answer``: the
        case's ``continue``, what the redirect target posts back).
    file, line, index
        Where the case is written.
    """

    description: str
    user: dict[str, Any]
    context: dict[str, Any]
    expect: dict[str, Any]
    file: str
    line: int
    index: int
    timestamp_ms: int | None = None
    services: dict[str, Any] = dataclasses.field(default_factory=dict)
    skip: str | None = None
    answer: dict[str, Any] | None = None

    @property
    def login(self) -> dict[str, Any]:
        """The partial login, as :meth:`rulesim.Population.from_logins` takes it."""
        out: dict[str, Any] = {"user": self.user, "context": self.context}
        if self.timestamp_ms is not None:
            out["timestamp_ms"] = self.timestamp_ms
        return out


@dataclasses.dataclass
class CaseResult:
    """What one case did: its trace and the expectations it missed (empty: passed)."""

    case: GoldenCase
    trace: LoginTrace | None
    failures: list[str]

    @property
    def passed(self) -> bool:
        """True when every expectation held (a skipped case passes)."""
        return not self.failures

    def message(self) -> str:
        """The failures, then the trace: what a pytest failure or the CLI shows."""
        head = "\n".join(f"  - {f}" for f in self.failures)
        where = f"{self.case.file}:{self.case.line}"
        reproduce = (f"  rs.run_login(rules, user={json.dumps(self.case.user)}, "
                     f"context={json.dumps(self.case.context)})")
        return (f"case {self.case.description!r} ({where}) failed:\n{head}\n\n"
                f"reproduce:\n{reproduce}\n\n{self.trace}")


class GoldenReport:
    """Results of one or more golden files, readable in a terminal.

    Attributes
    ----------
    results
        One :class:`CaseResult` per case, in file order.
    """

    def __init__(self, results: Sequence[CaseResult]) -> None:
        self.results = list(results)

    @property
    def failed(self) -> list[CaseResult]:
        """Cases that missed an expectation."""
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        """True when every case passed."""
        return not self.failed

    def __str__(self) -> str:
        lines: list[str] = []
        current = None
        for r in self.results:
            if r.case.file != current:
                current = r.case.file
                lines.append(current)
            mark = "·" if r.case.skip else ("✓" if r.passed else "✗")
            lines.append(f"  {mark} {r.case.description}" + (f"  (skipped: {r.case.skip})"
                                                              if r.case.skip else ""))
        for r in self.failed:
            lines.append("")
            lines.append(r.message())
        n, bad = len(self.results), len(self.failed)
        lines.append("")
        lines.append(f"{n} cases: {n - bad} passed, {bad} failed")
        return "\n".join(lines)


class ContinueAnswers:
    """The ``continue_handler`` of a file's run: each case's ``continue`` body, by the login id
    :func:`rulesim.testing.run_logins` gives it (``T<case position>``)."""

    def __init__(self, answers: Mapping[int, Mapping[str, Any]]) -> None:
        self.answers = {k: dict(v) for k, v in answers.items()}

    def __call__(self, login: Mapping[str, Any], url: str) -> dict[str, Any]:
        """The body the redirect target posts back for this login."""
        login_id = str(login.get("login_id", ""))
        index = int(login_id[1:]) if login_id[:1] == "T" and login_id[1:].isdigit() else -1
        return dict(self.answers.get(index, {}))


class GoldenFile:
    """A loaded ``*.rulesim.yaml`` file: rules, configuration, services and cases.

    Build with :func:`load`. :meth:`run` runs every case and returns a :class:`GoldenReport`.
    """

    def __init__(self, path: Path, rules: Any, configuration: dict[str, Any] | str | None,
                 services: Any, cases: list[GoldenCase], seed: int, *,
                 secrets: dict[str, Any] | str | None = None, on_redirect: str = "stop") -> None:
        self.path = path
        self.rules = rules
        self.configuration = configuration
        self.services = services
        self.cases = cases
        self.seed = seed
        self.secrets = secrets
        self.on_redirect = on_redirect

    def _services_for(self, overrides: Mapping[str, Any], case: GoldenCase) -> Any:
        services = self.services
        for route, change in overrides.items():
            try:
                if "failure" in change:
                    failure = change["failure"]
                    spec = failure if isinstance(failure, Mapping) else {"rate": failure}
                    services = services.with_failure(route, float(spec.get("rate", 1.0)),
                                                      str(spec.get("kind", "5xx")),
                                                      status=int(spec.get("status", 503)))
                if "latency_ms" in change:
                    services = services.with_latency(route, fixed_ms=float(change["latency_ms"]))
            except (RulesimError, TypeError, ValueError, AttributeError) as exc:
                raise GoldenFileError(case.file, case.line, f"services override of route "
                                      f"`{route}`: {exc}") from None
        return services

    def run(self, *, coverage: bool = False,
            on_simulation: Callable[[Any], None] | None = None) -> GoldenReport:
        """Run every case (one simulation per distinct set of service overrides).

        Parameters
        ----------
        coverage
            Run instrumented rules (see :mod:`rulesim.coverage`); each simulation is passed to
            ``on_simulation``, which can add it to a :class:`~rulesim.coverage.CoverageCollector`.
        on_simulation
            Called with every :class:`~rulesim.Simulation` run.
        """
        from rulesim.population import Population
        from rulesim.testing import run_logins

        rules = self.rules
        if coverage:
            from rulesim._flow import flow_of
            from rulesim.coverage import instrument_flow

            rules = instrument_flow(flow_of(rules))
        active = [c for c in self.cases if not c.skip]
        groups: dict[str, list[GoldenCase]] = {}
        for case in active:
            groups.setdefault(json.dumps(case.services, sort_keys=True), []).append(case)
        traces: dict[int, LoginTrace | None] = {}
        for cases in groups.values():
            logins = [Population.from_logins([c.login]).login(0) for c in cases]
            answers = ContinueAnswers({i: c.answer or {} for i, c in enumerate(cases)})
            got = run_logins(rules, logins, configuration=self.configuration,
                             services=self._services_for(cases[0].services, cases[0]),
                             seed=self.seed, on_simulation=on_simulation, secrets=self.secrets,
                             on_redirect=self.on_redirect, continue_handler=answers)
            for c, ran in zip(cases, got, strict=True):
                traces[c.index] = ran
        results = []
        for case in self.cases:
            trace = traces.get(case.index)
            results.append(CaseResult(case, trace, check(case.expect, trace) if trace else []))
        return GoldenReport(results)


# --- loading --------------------------------------------------------------------------------


def _load_rules(file: Path, doc: Map) -> Any:
    from rulesim.sources import Rule, RuleSet, load_rules

    spec = doc.get("rules")
    line = line_of(doc, "rules")
    try:
        if isinstance(spec, str):
            from rulesim._flow import exports_actions
            from rulesim.sources import load_tenant

            path = file.parent / spec
            return load_tenant(path) if exports_actions(path) else load_rules(path)
        if isinstance(spec, list) and spec:
            rules = []
            for i, item in enumerate(spec):
                if not isinstance(item, dict) or not {"name", "source"} <= set(item):
                    raise GoldenFileError(file, line_of(spec, i), "each inline rule needs `name` "
                                          "and `source`")
                rules.append(Rule.from_source(str(item["name"]), str(item["source"]),
                                              order=int(item.get("order", i + 1)),
                                              enabled=bool(item.get("enabled", True))))
            return RuleSet(rules)
    except GoldenFileError:
        raise
    except RulesimError as exc:
        raise GoldenFileError(file, line, f"cannot load the rules: {exc}") from None
    raise GoldenFileError(file, line, "`rules` must be a path (relative to this file) or a "
                          "non-empty list of {name, source}")


def _keep_only(file: Path, doc: Map, rules: Any) -> Any:
    """``rules`` reduced to the Rules and Actions the file's ``only:`` names (all without it)."""
    if "only" not in doc:
        return rules
    from rulesim._flow import flow_of
    from rulesim.sources import ActionSet, RuleSet, Tenant

    only = plain(doc["only"])
    only = [only] if isinstance(only, str) else only
    flow = flow_of(rules)
    actions = flow.actions if flow.actions is not None else ActionSet([])
    present = {*flow.rules.names, *actions.names}
    missing = [n for n in only if n not in present]
    if missing:
        raise GoldenFileError(file, line_of(doc, "only"), f"`only` names {', '.join(missing)}, "
                              f"which `rules` does not have (it has: {', '.join(sorted(present))})")
    kept_rules = RuleSet([r for r in flow.rules if r.name in only], flow.rules.configuration)
    kept_rules.services_file = flow.rules.services_file
    kept_actions = ActionSet([a for a in actions if a.name in only], actions.secrets,
                             action_secrets=actions.action_secrets,
                             exported_secrets=actions.exported_secrets)
    kept_actions.services_file = actions.services_file
    return Tenant(kept_rules, kept_actions, services_file=flow.services_file)


def _load_services(file: Path, doc: Map, rules: Any) -> Any:
    from rulesim.runtime.services import Services

    spec = doc.get("services")
    try:
        if spec is None:
            default = getattr(rules, "services_file", None)
            services = Services.from_file(default) if default else Services()
        elif isinstance(spec, str):
            services = Services.from_file(file.parent / spec)
        else:
            services = Services.from_dict(plain(spec))
        if doc.get("service_failures", True) is False:
            for route in services.routes:
                if getattr(route, "failure", None) is not None:
                    services = services.with_failure(route.name, 0.0)
    except RulesimError as exc:
        raise GoldenFileError(file, line_of(doc, "services") or doc.line,
                              f"cannot load the services: {exc}") from None
    return services


def _case(file: Path, cases: Seq, i: int) -> GoldenCase:
    raw = cases[i]
    return GoldenCase(description=raw["description"], user=plain(raw.get("user") or {}),
                      context=plain(raw.get("context") or {}), expect=plain(raw["expect"]),
                      file=str(file), line=line_of(cases, i) or 0, index=i,
                      timestamp_ms=raw.get("timestamp_ms"),
                      services=plain(raw.get("services") or {}),
                      skip=str(raw["skip"]) if raw.get("skip") else None,
                      answer=plain(raw["continue"]) if "continue" in raw else None)


def _values(file: Path, doc: Map, key: str) -> Any:
    """A file's ``configuration`` or ``secrets``: a path (relative to the file) or a mapping."""
    value: Any = doc.get(key)
    if isinstance(value, str):
        return str(file.parent / value)
    if value is not None:
        return plain(value)
    return None


def load(path: str | Path) -> GoldenFile:
    """Load and check a golden-case file.

    Raises
    ------
    GoldenFileError
        Naming the file and line of the first problem (bad YAML, unknown key, wrong type,
        rules or services that cannot be loaded).
    """
    file = Path(path)
    doc = read(file)
    if not isinstance(doc, Map):
        raise GoldenFileError(file, 1, "a golden file is a mapping with `rules` and `cases`")
    check_document(file, doc)
    configuration = _values(file, doc, "configuration")
    secrets = _values(file, doc, "secrets")
    cases = doc["cases"]
    parsed = [_case(file, cases, i) for i in range(len(cases))]
    rules = _keep_only(file, doc, _load_rules(file, doc))
    return GoldenFile(file, rules, configuration, _load_services(file, doc, rules), parsed,
                      int(doc.get("seed", 0)), secrets=secrets,
                      on_redirect=str(doc.get("on_redirect", "stop")))


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """The golden files named by ``paths`` (files, or folders searched recursively), sorted."""
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{SUFFIX}")))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return found


def run_files(paths: Iterable[str | Path], *, coverage: bool = False,
              on_simulation: Callable[[Any], None] | None = None) -> GoldenReport:
    """Load and run every golden file under ``paths``; one combined report."""
    results: list[CaseResult] = []
    for file in find_files(paths):
        results.extend(load(file).run(coverage=coverage, on_simulation=on_simulation).results)
    return GoldenReport(results)
