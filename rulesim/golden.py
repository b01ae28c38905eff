"""Golden-case files (``*.rulesim.yaml``): rules, inputs and expected outcomes, as data.

A file names the rules, their configuration and fake services, and lists cases. Each case
gives a partial ``user`` and ``context`` (completed exactly as :func:`rulesim.run_login`
completes them) and what must happen::

    rules: ../rules                      # a path relative to this file, or a list of
                                         #   {name, source, order?, enabled?}
    configuration: {TOS_VERSION: "2024-06-01"}   # merged over the rules' own (or a file path)
    services: ../services.yaml           # path or inline {routes: [...]}; default: the tenant's
    service_failures: false              # turn off every route's random failures
    seed: 0
    cases:
      - description: the password grant is refused for the portal
        context: {protocol: oauth2-password, clientName: Acme Portal}
        services: {enrich-person: {failure: 1.0}}   # optional per-case route overrides
        expect:
          outcome: denied                # allowed | denied | error | timeout | redirect
          error_code: unauthorized
          reason: password sign-in is not enabled     # text the error message contains
          rule: block-password-grant     # the deciding rule
          claims:
            id_token: {present: {"https://acme.com/admin": true}, absent: [..]}  # null: any value
            access_token: {present: [..names..]}
          scopes: [openid]               # scopes the access token must have
          mfa: true                      # or false, or a provider name
          redirect: https://acme.com/tos*   # true/false, or a URL (``*`` = prefix)
          persisted_metadata: {app_metadata: {login_count: 1}}   # or false: nothing persisted
          saml: {lifetimeInSeconds: 28800}   # keys context.samlConfiguration must have
          calls: ["POST https://hooks.slack.com/*"]   # calls made ("METHOD URL", * = prefix)

Every case runs as an independent login (its own ``global`` and user store); the cases of a
file run in one simulation. A malformed file raises :class:`GoldenFileError` naming the file
and line.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from rulesim.errors import RulesimError, UsageError
from rulesim.trace import LoginTrace

__all__ = ["CaseResult", "GoldenCase", "GoldenFile", "GoldenFileError", "GoldenReport",
           "find_files", "load", "run_files"]

SUFFIX = ".rulesim.yaml"
_OUTCOMES = ("allowed", "denied", "error", "timeout", "redirect")
_TOP = ("description", "rules", "configuration", "services", "service_failures", "seed", "cases")
_CASE = ("description", "user", "context", "timestamp_ms", "services", "expect", "skip")
_EXPECT = ("outcome", "error_code", "reason", "rule", "claims", "scopes", "mfa", "redirect",
           "persisted_metadata", "saml", "calls")


class GoldenFileError(UsageError):
    """A golden-case file cannot be read or has a bad field; the message starts ``file:line:``.

    Attributes
    ----------
    file, line
        Where the problem is.
    """

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file = str(file)
        self.line = line
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


# --- YAML with line numbers ---------------------------------------------------------------------


class _Map(dict[Any, Any]):
    line: int = 0
    lines: dict[Any, int]


class _Seq(list[Any]):
    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterable[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, value_node in node.value:
        data.lines[loader.construct_object(key_node)] = value_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterable[_Seq]:
    data = _Seq()
    data.line = node.start_mark.line + 1
    data.lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _line(obj: Any, key: Any = None) -> int | None:
    if key is not None and isinstance(obj, _Map):
        return obj.lines.get(key, obj.line)
    if key is not None and isinstance(obj, _Seq) and isinstance(key, int):
        return obj.lines[key]
    return getattr(obj, "line", None)


def _plain(obj: Any) -> Any:
    """Drop the line-number wrappers (deep)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


# --- the model ------------------------------------------------------------------------------------


@dataclasses.dataclass
class GoldenCase:
    """One case: a partial login and its expectations.

    Attributes
    ----------
    description, user, context, timestamp_ms, services, expect, skip
        As written in the file (``services``: per-case route overrides).
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


class GoldenFile:
    """A loaded ``*.rulesim.yaml`` file: rules, configuration, services and cases.

    Build with :func:`load`. :meth:`run` runs every case and returns a :class:`GoldenReport`.
    """

    def __init__(self, path: Path, rules: Any, configuration: dict[str, Any] | str | None,
                 services: Any, cases: list[GoldenCase], seed: int) -> None:
        self.path = path
        self.rules = rules
        self.configuration = configuration
        self.services = services
        self.cases = cases
        self.seed = seed

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
            from rulesim.coverage import instrument_rules

            rules = instrument_rules(rules)
        active = [c for c in self.cases if not c.skip]
        groups: dict[str, list[GoldenCase]] = {}
        for case in active:
            groups.setdefault(json.dumps(case.services, sort_keys=True), []).append(case)
        traces: dict[int, LoginTrace | None] = {}
        for cases in groups.values():
            logins = [Population.from_logins([c.login]).login(0) for c in cases]
            got = run_logins(rules, logins, configuration=self.configuration,
                             services=self._services_for(cases[0].services, cases[0]),
                             seed=self.seed, on_simulation=on_simulation)
            for c, ran in zip(cases, got, strict=True):
                traces[c.index] = ran
        results = []
        for case in self.cases:
            trace = traces.get(case.index)
            results.append(CaseResult(case, trace, check(case.expect, trace) if trace else []))
        return GoldenReport(results)


# --- checking expectations --------------------------------------------------------------------


def check(expect: Mapping[str, Any], trace: LoginTrace) -> list[str]:
    """Every expectation of ``expect`` the trace misses, as messages naming the rule."""
    from rulesim import testing as t

    checks: list[Callable[[], None]] = []
    outcome = expect.get("outcome")
    if outcome is not None:
        checks.append(lambda: _outcome(trace, str(outcome)))
    if expect.get("error_code") is not None and trace.error_code != expect["error_code"]:
        checks.append(lambda: _fail(trace, f"expected error code {expect['error_code']!r}, got "
                                           f"{trace.error_code!r} (deciding rule: "
                                           f"`{trace.deciding_rule}`)"))
    if expect.get("reason") is not None and str(expect["reason"]) not in str(trace.error_message):
        checks.append(lambda: _fail(trace, f"expected the error message to contain "
                                           f"{expect['reason']!r}, got {trace.error_message!r} "
                                           f"(deciding rule: `{trace.deciding_rule}`)"))
    if expect.get("rule") is not None and trace.deciding_rule != expect["rule"]:
        checks.append(lambda: _fail(trace, f"expected rule `{expect['rule']}` to decide the login, "
                                           f"but it was `{trace.deciding_rule}` "
                                           f"({trace.outcome})"))
    for token, spec in (expect.get("claims") or {}).items():
        present = spec.get("present") or {}
        items = ([(n, t._ANY if v is None else v) for n, v in present.items()]
                 if isinstance(present, Mapping) else [(n, t._ANY) for n in present])
        for name, value in items:
            checks.append(functools.partial(t.assert_claim, trace, token, name, value))
        for name in spec.get("absent") or []:
            checks.append(functools.partial(t.assert_no_claim, trace, token, name))
    for scope in expect.get("scopes") or []:
        if scope not in trace.scopes:
            checks.append(functools.partial(_fail, trace, f"expected scope {scope!r}, the access "
                                                          f"token has {trace.scopes}"))
    if "mfa" in expect:
        mfa = expect["mfa"]
        checks.append(lambda: t.assert_mfa(trace, mfa if isinstance(mfa, str) else None,
                                           required=bool(mfa)))
    if "redirect" in expect:
        checks.append(lambda: _redirect(trace, expect["redirect"]))
    if "persisted_metadata" in expect:
        checks.append(lambda: _persisted(trace, expect["persisted_metadata"]))
    if "saml" in expect:
        checks.append(lambda: _saml(trace, expect["saml"]))
    for pattern in expect.get("calls") or []:
        checks.append(functools.partial(_call, trace, str(pattern)))
    failures = []
    for run_check in checks:
        try:
            run_check()
        except t.RuleAssertionError as exc:
            failures.append(str(exc.args[0]).split("\n\n")[0])
    return failures


def _fail(trace: LoginTrace, message: str) -> None:
    from rulesim.testing import RuleAssertionError

    raise RuleAssertionError(message, trace)


def _outcome(trace: LoginTrace, outcome: str) -> None:
    from rulesim import testing as t

    if outcome == "allowed":
        t.assert_allowed(trace)
    elif outcome == "denied":
        t.assert_denied(trace)
    elif trace.outcome != outcome:
        _fail(trace, f"expected outcome {outcome}, got {trace.outcome} (deciding rule: "
                     f"`{trace.deciding_rule}`: {trace.error_message})")


def _saml(trace: LoginTrace, want: Mapping[str, Any]) -> None:
    from rulesim import testing as t

    raw = getattr(trace, "saml", None) or getattr(trace, "_row", {}).get("saml")
    got = json.loads(raw) if isinstance(raw, str) else (raw or {})
    for key, value in want.items():
        if got.get(key) != value:
            by = t.writers(trace, "saml")
            _fail(trace, f"expected samlConfiguration.{key} = {value!r}, got {got.get(key)!r} "
                         f"(set by {t._blame(by) or 'no rule'})")


def _call(trace: LoginTrace, pattern: str) -> None:
    method, _, url = pattern.partition(" ")
    for call in trace.calls.itertuples():
        same = str(call.url).startswith(url[:-1]) if url.endswith("*") else str(call.url) == url
        if str(call.method).upper() == method.upper() and same:
            return
    made = ", ".join(f"{c.method} {c.url} ({c.rule})" for c in trace.calls.itertuples()) or "none"
    _fail(trace, f"expected a call {pattern}; calls made: {made}")


def _redirect(trace: LoginTrace, want: Any) -> None:
    from rulesim import testing as t

    if want is False:
        if trace.redirect:
            by = t.writers(trace, "redirect")
            _fail(trace, f"expected no redirect, but {t._blame(by) or 'a rule'} redirected to "
                         f"{trace.redirect}")
        return
    t.assert_redirect(trace, None if want is True else str(want))


def persisted(trace: LoginTrace) -> dict[str, dict[str, Any]]:
    """Metadata persisted through the Management API during the login: target → key → value."""
    out: dict[str, dict[str, Any]] = {}
    rows = trace.changes[trace.changes["persisted"].astype(bool)]
    for row in rows.itertuples():
        # Paths are relative to the target (``login_count`` under ``app_metadata``).
        target, path = str(row.target), str(row.path or "")
        key = path.split(".")[0].split("[")[0] if path else ""
        value = json.loads(row.after) if isinstance(row.after, str) else None
        out.setdefault(target, {})[key] = value if "." not in path else _nested(
            out.get(target, {}).get(key), path.split(".")[1:], value)
    return out


def _nested(current: Any, rest: Sequence[str], value: Any) -> Any:
    node = current if isinstance(current, dict) else {}
    if not rest:
        return value
    node[rest[0]] = _nested(node.get(rest[0]), rest[1:], value)
    return node


def _persisted(trace: LoginTrace, want: Any) -> None:
    from rulesim import testing as t

    got = persisted(trace)
    if want is False or want == {}:
        if got:
            by = t.writers(trace, next(iter(got)))
            _fail(trace, f"expected nothing persisted, but {t._blame(by) or 'a rule'} persisted "
                         f"{json.dumps(got, sort_keys=True)}")
        return
    for target, values in want.items():
        for key, value in values.items():
            have = got.get(target, {})
            if key not in have or have[key] != value:
                by = t.writers(trace, target, key)
                _fail(trace, f"expected {target}.{key} = {value!r} to be persisted, but "
                             + (f"{t._blame(by)} persisted {have[key]!r}" if key in have else
                                f"no rule persisted it (persisted: "
                                f"{json.dumps(got, sort_keys=True)})"))


# --- loading --------------------------------------------------------------------------------


def _expect_type(file: Path, obj: Any, key: str, value: Any, types: tuple[type, ...],
                 what: str) -> None:
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise GoldenFileError(file, _line(obj, key), f"`{key}` must be {what}, got {value!r}")


def _unknown(file: Path, obj: _Map, allowed: Sequence[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            raise GoldenFileError(file, _line(obj, key), f"unknown key `{key}` in {where}; "
                                  f"expected one of: {', '.join(allowed)}")


def _load_rules(file: Path, doc: _Map) -> Any:
    from rulesim.sources import Rule, RuleSet, load_rules

    spec = doc.get("rules")
    line = _line(doc, "rules")
    try:
        if isinstance(spec, str):
            return load_rules(file.parent / spec)
        if isinstance(spec, list) and spec:
            rules = []
            for i, item in enumerate(spec):
                if not isinstance(item, dict) or not {"name", "source"} <= set(item):
                    raise GoldenFileError(file, _line(spec, i), "each inline rule needs `name` "
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


def _load_services(file: Path, doc: _Map, rules: Any) -> Any:
    from rulesim.runtime.services import Services

    spec = doc.get("services")
    try:
        if spec is None:
            default = getattr(rules, "services_file", None)
            services = Services.from_file(default) if default else Services()
        elif isinstance(spec, str):
            services = Services.from_file(file.parent / spec)
        else:
            services = Services.from_dict(_plain(spec))
        if doc.get("service_failures", True) is False:
            for route in services.routes:
                if getattr(route, "failure", None) is not None:
                    services = services.with_failure(route.name, 0.0)
    except RulesimError as exc:
        raise GoldenFileError(file, _line(doc, "services") or doc.line,
                              f"cannot load the services: {exc}") from None
    return services


def _load_case(file: Path, cases: _Seq, i: int) -> GoldenCase:
    raw = cases[i]
    line = _line(cases, i) or 0
    if not isinstance(raw, _Map):
        raise GoldenFileError(file, line, f"case {i + 1} must be a mapping")
    _unknown(file, raw, _CASE, f"case {i + 1}")
    if not isinstance(raw.get("description"), str) or not raw["description"].strip():
        raise GoldenFileError(file, line, f"case {i + 1} needs a `description`")
    for key in ("user", "context", "services"):
        if key in raw:
            _expect_type(file, raw, key, raw[key], (dict,), "a mapping")
    expect = raw.get("expect")
    if not isinstance(expect, _Map) or not expect:
        raise GoldenFileError(file, _line(raw, "expect") or line,
                              f"case {raw['description']!r} needs an `expect` mapping")
    _check_expect(file, expect)
    if "timestamp_ms" in raw:
        _expect_type(file, raw, "timestamp_ms", raw["timestamp_ms"], (int,), "an int (ms)")
    return GoldenCase(description=raw["description"], user=_plain(raw.get("user") or {}),
                      context=_plain(raw.get("context") or {}), expect=_plain(expect),
                      file=str(file), line=line, index=i, timestamp_ms=raw.get("timestamp_ms"),
                      services=_plain(raw.get("services") or {}),
                      skip=str(raw["skip"]) if raw.get("skip") else None)


def _check_expect(file: Path, expect: _Map) -> None:
    _unknown(file, expect, _EXPECT, "expect")
    if "outcome" in expect and expect["outcome"] not in _OUTCOMES:
        raise GoldenFileError(file, _line(expect, "outcome"), f"`outcome` must be one of "
                              f"{', '.join(_OUTCOMES)}, got {expect['outcome']!r}")
    for key in ("error_code", "reason", "rule"):
        if key in expect:
            _expect_type(file, expect, key, expect[key], (str,), "a string")
    claims = expect.get("claims")
    if claims is not None:
        _expect_type(file, expect, "claims", claims, (dict,), "a mapping of token → "
                     "{present, absent}")
        for token, spec in claims.items():
            if token not in ("id_token", "access_token"):
                raise GoldenFileError(file, _line(claims, token), f"claims token must be "
                                      f"id_token or access_token, got {token!r}")
            _expect_type(file, claims, token, spec, (dict,), "a mapping with present/absent")
            _unknown(file, spec, ("present", "absent"), f"claims.{token}")
            if "present" in spec:
                _expect_type(file, spec, "present", spec["present"], (dict, list),
                             "a mapping of claim → value or a list of claims")
            if "absent" in spec:
                _expect_type(file, spec, "absent", spec["absent"], (list,), "a list of claims")
    if "scopes" in expect:
        _expect_type(file, expect, "scopes", expect["scopes"], (list,), "a list of scopes")
    if "mfa" in expect:
        _expect_type(file, expect, "mfa", expect["mfa"], (bool, str), "true, false or a provider")
    if "redirect" in expect:
        _expect_type(file, expect, "redirect", expect["redirect"], (bool, str),
                     "true, false or a URL")
    if "saml" in expect:
        _expect_type(file, expect, "saml", expect["saml"], (dict,), "a mapping")
    if "calls" in expect:
        _expect_type(file, expect, "calls", expect["calls"], (list,), 'a list of "METHOD URL"')
    if "persisted_metadata" in expect:
        pm = expect["persisted_metadata"]
        if pm is not False:
            _expect_type(file, expect, "persisted_metadata", pm, (dict,),
                         "false or a mapping {app_metadata: {...}, user_metadata: {...}}")
            for target, values in pm.items():
                if target not in ("app_metadata", "user_metadata"):
                    raise GoldenFileError(file, _line(pm, target), "persisted_metadata keys are "
                                          f"app_metadata and user_metadata, got {target!r}")
                _expect_type(file, pm, target, values, (dict,), "a mapping of key → value")


def load(path: str | Path) -> GoldenFile:
    """Load and check a golden-case file.

    Raises
    ------
    GoldenFileError
        Naming the file and line of the first problem (bad YAML, unknown key, wrong type,
        rules or services that cannot be loaded).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenFileError(file, None, f"cannot read the file: {exc}") from None
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GoldenFileError(file, mark.line + 1 if mark else None,
                              f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, _Map):
        raise GoldenFileError(file, 1, "a golden file is a mapping with `rules` and `cases`")
    _unknown(file, doc, _TOP, "the file")
    if "rules" not in doc:
        raise GoldenFileError(file, doc.line, "missing `rules`")
    cases = doc.get("cases")
    if not isinstance(cases, _Seq) or not cases:
        raise GoldenFileError(file, _line(doc, "cases") or doc.line,
                              "`cases` must be a non-empty list")
    seed = doc.get("seed", 0)
    _expect_type(file, doc, "seed", seed, (int,), "an int")
    if "service_failures" in doc:
        _expect_type(file, doc, "service_failures", doc["service_failures"], (bool,),
                     "true or false")
    configuration: Any = doc.get("configuration")
    if isinstance(configuration, str):
        configuration = str(file.parent / configuration)
    elif configuration is not None:
        _expect_type(file, doc, "configuration", configuration, (dict,), "a mapping or a path")
        configuration = _plain(configuration)
    parsed = [_load_case(file, cases, i) for i in range(len(cases))]
    rules = _load_rules(file, doc)
    return GoldenFile(file, rules, configuration, _load_services(file, doc, rules), parsed,
                      int(seed))


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
