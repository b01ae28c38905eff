"""Fake external services: the HTTP APIs rules call, answered in Python.

A rule in the sandbox reaches no network. Each HTTP request it makes (``request``, ``axios``,
``node-fetch``, …) goes to :meth:`Services.handle`, which picks the first matching
:class:`Route`, samples a simulated latency, maybe injects a failure and returns an
:class:`HttpResult`. The sandbox advances its virtual clock by :attr:`HttpResult.latency_ms`, so a
slow API shows in login latency and can hit the pipeline timeout without anyone waiting.

Build services in Python::

    services = Services().add(
        "enrich-person", "https://enrich.acme-partners.example/v2/person*", method="GET",
        json={"company": "Initech"}, latency={"median_ms": 120, "p95_ms": 400},
    ).with_failure("enrich-person", 1.0)          # now every call answers 503

or load the YAML/JSON file that lives beside a tenant with :meth:`Services.from_file`.

All randomness comes from the ``random.Random`` passed to :meth:`Services.handle` (the sandbox
passes one seeded per login), so a seed reproduces every latency and failure.

**Shipping to worker processes**: a :class:`Services` object is immutable and is sent to workers
by pickling it whole. A route ``handler`` must therefore be picklable (a module-level function or
an instance of a module-level class, not a lambda or closure). :meth:`Services.to_dict` gives the
file form and refuses routes with handlers, since code cannot be written as data.
"""

from __future__ import annotations

import dataclasses
import http
import json as _json
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

import yaml  # type: ignore[import-untyped,unused-ignore]  # types-PyYAML is optional

from rulesim.errors import ServicesError, UsageError

__all__ = ["DEFAULT_HANG_MS", "FAILURE_KINDS", "Failure", "HttpRequest", "HttpResponse",
           "HttpResult", "Latency", "Route", "ServiceHandlerError", "Services"]

DEFAULT_HANG_MS: Final = 30_000.0
"""The longest a ``timeout`` failure hangs, and how long when nothing else bounds it."""
FAILURE_KINDS: Final = frozenset({"5xx", "reset", "timeout"})
"""The kinds of failure a route can inject."""

_METHODS: Final = frozenset({"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_Z95: Final = 1.6448536269514722  # 95th percentile of the standard normal
_ROUTE_KEYS: Final = ("name", "method", "url", "status", "headers", "json", "body", "latency",
                      "failure", "match")
_LATENCY_KEYS: Final = ("fixed_ms", "median_ms", "p95_ms")
_FAILURE_KEYS: Final = ("rate", "kind", "status")
_MATCH_KEYS: Final = ("headers", "body_contains")
_Steps = tuple[str | int, ...]


class ServiceHandlerError(ServicesError):
    """A route's Python handler raised, or returned something that is not an answer.

    The sandbox turns it into an error row (``service_handler_error``) for the login that made
    the call; the run goes on.

    Attributes
    ----------
    route : str
        Name of the route whose handler failed.
    original : BaseException
        What the handler raised (also chained as ``__cause__``).
    """

    def __init__(self, route: str, original: BaseException) -> None:
        self.route = route
        self.original = original
        super().__init__(f"handler of route `{route}` failed: {type(original).__name__}: "
                         f"{original}")


class _FieldError(ServicesError):
    """One field of a route, latency or failure is malformed (``field`` is its dotted path)."""

    def __init__(self, field_: str, reason: str, route: str | None = None) -> None:
        self.field, self.reason, self.route = field_, reason, route
        super().__init__((f"route `{route}`: " if route else "") + f"{field_} {reason}")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _FieldError(name, f"must be a finite number, got {value!r}")
    if value < 0:
        raise _FieldError(name, f"must be >= 0, got {value!r}")
    return float(value)


def _status(value: Any, name: str, low: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 599:
        raise _FieldError(name, f"must be an HTTP status between {low} and 599, got {value!r}")
    return value


def _headers(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _FieldError(name, f"must be a mapping of header names to values, got {value!r}")
    out: dict[str, str] = {}
    for key, val in value.items():
        if not isinstance(key, str) or isinstance(val, bool) or not isinstance(
            val, (str, int, float)
        ):
            raise _FieldError(name, f"must map header names to strings, got {key!r}: {val!r}")
        out[key.lower()] = str(val)
    return out


def _dumps(value: Any) -> str:
    # Compact like JSON.stringify, keys in the mapping's own order: stable output.
    return _json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _keys(raw: Mapping[Any, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in allowed:
            raise _FieldError(f"{prefix}{key}", f"is not a known key; use {', '.join(allowed)}")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request a rule made, as the sandbox hands it to :meth:`Services.handle`.

    Parameters
    ----------
    method : str
        HTTP method, any case.
    url : str
        Absolute URL, query string included.
    headers : Mapping[str, str]
        Request headers; route matchers compare names case-insensitively.
    body : str or None
        Request body as text (JSON and form bodies already encoded).
    timeout_ms : float or None
        The client's timeout; ``None`` or ``<= 0`` means none (like axios' ``timeout: 0``).
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: str | None
    timeout_ms: float | None = None


@dataclass(frozen=True, slots=True)
class HttpResult:
    """What the rule's HTTP client receives, and how long it took in simulated time.

    Attributes
    ----------
    status : int or None
        HTTP status; ``None`` when the request failed at the transport level (see ``error``).
    headers : dict[str, str]
        Response headers, names in lower case as Node reports them.
    body : str
        Response body (JSON answers serialised compactly and deterministically).
    latency_ms : float
        Simulated time until the answer or error; the sandbox advances its virtual clock by it.
    route : str or None
        Name of the matched route; ``None`` when no route matched.
    error, error_message : str or None
        ``None``, or a Node error code (``ECONNRESET``, ``ETIMEDOUT``, or ``ENOTFOUND`` for an
        unmatched request) and a Node-style message.
    """

    status: int | None
    headers: dict[str, str]
    body: str
    latency_ms: float
    route: str | None
    error: str | None
    error_message: str | None


@dataclass(frozen=True)
class HttpResponse:
    """An answer a route handler may return when it needs to set the status or headers.

    Give ``json`` (any JSON value but ``None``; sent with ``content-type: application/json``) or
    ``body`` (text). For a literal JSON ``null`` answer use ``body="null"``.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    body: str | None = None


@dataclass(frozen=True)
class Latency:
    """Simulated response time of a route: fixed, or lognormal from its median and p95.

    Real API latency is roughly lognormal: most calls near the median, a long right tail.
    ``Latency(120, 400)`` has median 120 ms and 95th percentile 400 ms; ``Latency.fixed(50)``
    always takes 50 ms; ``Latency()`` takes no time.

    Parameters
    ----------
    median_ms : float
        The median (or the fixed value), ``>= 0``.
    p95_ms : float or None
        The 95th percentile, ``>= median_ms``; ``None`` or the median itself means fixed.
    """

    median_ms: float = 0.0
    p95_ms: float | None = None
    _sigma: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self) -> None:
        median = _number(self.median_ms, "median_ms")
        p95 = median if self.p95_ms is None else _number(self.p95_ms, "p95_ms")
        if p95 < median:
            raise _FieldError("p95_ms", f"must be >= median_ms ({median:g}), got {p95:g}")
        if median == 0 and p95 > 0:  # a lognormal with median 0 would only ever give 0
            raise _FieldError("median_ms", "must be > 0 when p95_ms is above it")
        object.__setattr__(self, "median_ms", median)
        object.__setattr__(self, "p95_ms", p95)
        sigma = math.log(p95 / median) / _Z95 if p95 > median else 0.0
        object.__setattr__(self, "_sigma", sigma)

    @classmethod
    def fixed(cls, ms: float) -> Latency:
        """Return a latency of exactly ``ms`` milliseconds."""
        return cls(ms)

    @classmethod
    def from_percentiles(cls, median_ms: float, p95_ms: float) -> Latency:
        """Return a lognormal latency with this median and 95th percentile."""
        return cls(median_ms, p95_ms)

    @property
    def is_fixed(self) -> bool:
        """Whether every sample is the same value."""
        return self._sigma == 0.0

    def sample(self, rng: random.Random) -> float:
        """Draw one latency in milliseconds from ``rng`` (a fixed latency draws nothing)."""
        if self._sigma == 0.0:
            return self.median_ms
        return self.median_ms * math.exp(self._sigma * rng.gauss(0.0, 1.0))

    def to_dict(self) -> dict[str, float]:
        """Return the file form: ``{"fixed_ms": …}`` or ``{"median_ms": …, "p95_ms": …}``."""
        if self.is_fixed:
            return {"fixed_ms": self.median_ms}
        return {"median_ms": self.median_ms, "p95_ms": float(self.p95_ms or 0.0)}


@dataclass(frozen=True)
class Failure:
    """Failure injection for a route: a share of its calls fails in one way.

    Parameters
    ----------
    rate : float
        Probability in ``[0, 1]`` that a call fails.
    kind : str
        ``"5xx"`` (the service answers ``status``), ``"reset"`` (``ECONNRESET`` after the
        sampled latency) or ``"timeout"`` (no answer: ``ETIMEDOUT``, see
        :meth:`Services.handle` for when).
    status : int
        Status of ``"5xx"`` failures, 400-599 (so 429 throttling can be modelled too).
    """

    rate: float
    kind: str = "5xx"
    status: int = 503

    def __post_init__(self) -> None:
        rate = _number(self.rate, "rate")
        if rate > 1:
            raise _FieldError("rate", f"must be between 0 and 1, got {self.rate!r}")
        if not isinstance(self.kind, str) or self.kind not in FAILURE_KINDS:
            kinds = ", ".join(sorted(FAILURE_KINDS))
            raise _FieldError("kind", f"must be one of {kinds}, got {self.kind!r}")
        _status(self.status, "status", low=400)
        object.__setattr__(self, "rate", rate)

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of this failure."""
        out: dict[str, Any] = {"rate": self.rate, "kind": self.kind}
        return out if self.status == 503 else {**out, "status": self.status}


def _latency(value: Any) -> Latency:
    """Accept a Latency, a number of ms, or the file mapping."""
    if isinstance(value, Latency):
        return value
    if not isinstance(value, Mapping):
        return Latency.fixed(_number(value, "latency"))
    _keys(value, _LATENCY_KEYS, "")
    if "fixed_ms" in value:
        if "median_ms" in value or "p95_ms" in value:
            raise _FieldError("fixed_ms", "cannot be combined with median_ms/p95_ms")
        return Latency.fixed(_number(value["fixed_ms"], "fixed_ms"))
    if "median_ms" not in value or "p95_ms" not in value:
        raise _FieldError("median_ms", "and p95_ms must be given together (or use fixed_ms)")
    return Latency(value["median_ms"], value["p95_ms"])


def _failure(value: Any) -> Failure | None:
    """Accept None, a Failure, a rate, or the file mapping."""
    if value is None or isinstance(value, Failure):
        return value
    if not isinstance(value, Mapping):
        return Failure(value)
    _keys(value, _FAILURE_KEYS, "")
    if "rate" not in value:
        raise _FieldError("rate", "is required")
    return Failure(value["rate"], value.get("kind", "5xx"), value.get("status", 503))


def _compile_url(pattern: Any) -> tuple[bool, str, re.Pattern[str] | None]:
    """Return (regex on the full URL?, literal prefix, regex or None for an exact URL)."""
    if not isinstance(pattern, str) or not pattern:
        raise _FieldError("url", f"must be a non-empty string, got {pattern!r}")
    if pattern.startswith("re:"):
        try:
            return True, "", re.compile(pattern[3:])
        except re.error as exc:
            raise _FieldError("url", f"is not a valid regular expression: {exc}") from None
    if any(c.isspace() for c in pattern):
        raise _FieldError("url", f"glob must not contain whitespace, got {pattern!r}")
    if "?" in pattern or "#" in pattern:
        # Silently never matching would be worse: tell the author why.
        raise _FieldError("url", f"glob {pattern!r} contains '?' or '#', but globs are matched "
                          "against the URL without query and fragment: drop that part or use "
                          "a 're:' pattern")
    if not pattern.startswith(("http://", "https://", "*")):
        raise _FieldError("url", "glob must be an absolute http(s) URL such as "
                          f"'https://api.example.com/v1/*', got {pattern!r}")
    parts = pattern.split("*")
    regex = re.compile(".*".join(map(re.escape, parts)), re.DOTALL) if len(parts) > 1 else None
    return False, parts[0], regex


def _strip_query(url: str) -> str:
    cut = url.find("?")
    hash_at = url.find("#", 0, cut if cut >= 0 else len(url))
    cut = hash_at if hash_at >= 0 else cut
    return url if cut < 0 else url[:cut]


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


@dataclass(frozen=True)
class Route:
    """One fake endpoint: what it matches and how it answers.

    Parameters
    ----------
    name : str
        Unique name, recorded with every call the route answers.
    url : str
        A glob matched against the whole URL without query string and fragment (``*`` matches
        any run of characters, ``/`` included; the rest is literal and case-sensitive), or
        ``"re:<regex>"``, searched (``re.search``) in the full URL, query included.
    method : str
        An HTTP method, or ``"*"`` for any.
    status, headers, json, body
        The static answer: ``json`` (sent compactly, with ``content-type: application/json``)
        or ``body`` text; with neither the body is empty. Header names are lower-cased.
    handler : callable, optional
        ``fn(HttpRequest)`` computing the answer instead. It may return a mapping or list (JSON,
        with ``status``), a ``str`` (text), ``None`` (204), ``(status, payload)`` or
        ``(status, headers, payload)``, or an :class:`HttpResponse`; ``headers`` are defaults
        under its own. It runs only when an answer is delivered (not on injected failures or
        client timeouts). It must be picklable to run in worker processes.
    latency : Latency
        Response-time model; default none.
    failure : Failure, optional
        Failure injection.
    match_headers : Mapping[str, str]
        Headers the request must carry with exactly these values (names case-insensitive).
    body_contains : str, optional
        Text the request body must contain.

    Raises
    ------
    ServicesError
        When a field is malformed; the message names the route and the field.
    """

    name: str
    url: str
    method: str = "*"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    body: str | None = None
    handler: Callable[[HttpRequest], Any] | None = None
    latency: Latency = field(default_factory=Latency)
    failure: Failure | None = None
    match_headers: Mapping[str, str] = field(default_factory=dict)
    body_contains: str | None = None
    # Derived in __post_init__ so that handle() does no parsing.
    _full: bool = field(init=False, repr=False, compare=False, default=False)
    _prefix: str = field(init=False, repr=False, compare=False, default="")
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)
    _method: str = field(init=False, repr=False, compare=False, default="*")
    _answer: dict[str, str] = field(init=False, repr=False, compare=False, default_factory=dict)
    _needs: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False, default=())
    _text: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise _FieldError("name", f"must be a non-empty string, got {self.name!r}")
        try:
            self._derive()
        except _FieldError as exc:
            raise _FieldError(exc.field, exc.reason, route=self.name) from None

    def _derive(self) -> None:
        put = object.__setattr__
        full, prefix, regex = _compile_url(self.url)
        method = self.method.upper() if isinstance(self.method, str) else None
        if method not in _METHODS:
            raise _FieldError("method", f"must be an HTTP method or '*', got {self.method!r}")
        _status(self.status, "status")
        headers = _headers(self.headers, "headers")
        if self.body is not None and not isinstance(self.body, str):
            raise _FieldError("body", f"must be a string, got {type(self.body).__name__}")
        if self.json is not None and self.body is not None:
            raise _FieldError("body", "cannot be given together with json: choose one")
        if self.handler is not None and not callable(self.handler):
            raise _FieldError("handler", f"must be callable, got {self.handler!r}")
        if self.handler is not None and (self.json is not None or self.body is not None):
            raise _FieldError("handler", "cannot be given together with json or body")
        text = self.body or ""
        if self.json is not None:
            try:
                text = _dumps(self.json)
            except (TypeError, ValueError) as exc:
                raise _FieldError("json", f"is not JSON-serialisable: {exc}") from None
            headers.setdefault("content-type", "application/json")
        if not isinstance(self.latency, Latency):
            raise _FieldError("latency", f"must be a Latency, got {self.latency!r}")
        if self.failure is not None and not isinstance(self.failure, Failure):
            raise _FieldError("failure", f"must be a Failure or None, got {self.failure!r}")
        needs = _headers(self.match_headers, "match.headers")
        if self.body_contains is not None and not isinstance(self.body_contains, str):
            raise _FieldError("match.body_contains", f"must be a string, got "
                              f"{self.body_contains!r}")
        for name, value in (("_full", full), ("_prefix", prefix), ("_regex", regex),
                            ("_method", method), ("_answer", headers),
                            ("_needs", tuple(needs.items())), ("_text", text)):
            put(self, name, value)

    def _matches(self, method: str, url: str, base: str, request: HttpRequest) -> bool:
        if self._method != "*" and self._method != method:
            return False
        regex = self._regex
        if self._full:
            if regex is None or regex.search(url) is None:
                return False
        elif not base.startswith(self._prefix) or (
            base != self._prefix if regex is None else regex.fullmatch(base) is None
        ):
            return False
        for name, want in self._needs:
            headers = request.headers
            got = headers.get(name)
            if got is None:
                got = next((v for k, v in headers.items() if k.lower() == name), None)
            if got is None or str(got) != want:
                return False
        contains = self.body_contains
        return contains is None or (request.body is not None and contains in request.body)

    def _respond(self, request: HttpRequest, rng: random.Random) -> HttpResult:
        latency = self.latency.sample(rng)
        failure = self.failure
        kind = None
        if failure is not None and failure.rate > 0.0 and rng.random() < failure.rate:
            kind = failure.kind
        timeout = request.timeout_ms
        if timeout is not None and timeout <= 0:
            timeout = None
        if kind == "timeout":
            # No answer ever comes, so the client's own timeout ends the hang; without one the
            # route's latency (if any) does; DEFAULT_HANG_MS bounds everything.
            wait = float(timeout) if timeout is not None else latency if latency > 0 else (
                DEFAULT_HANG_MS)
            return self._error(request, "ETIMEDOUT", min(wait, DEFAULT_HANG_MS))
        if timeout is not None and latency > timeout:
            return self._error(request, "ETIMEDOUT", float(timeout))
        if kind == "reset":
            return self._error(request, "ECONNRESET", latency)
        if kind == "5xx" and failure is not None:
            phrase = _phrase(failure.status)
            return HttpResult(failure.status, {"content-type": "text/plain; charset=utf-8"},
                              phrase, latency, self.name, None, None)
        if self.handler is None:
            return HttpResult(self.status, dict(self._answer), self._text, latency, self.name,
                              None, None)
        try:
            status, headers, text = self._render(self.handler(request))
        except Exception as exc:
            raise ServiceHandlerError(self.name, exc) from exc
        return HttpResult(status, headers, text, latency, self.name, None, None)

    def _render(self, value: Any) -> tuple[int, dict[str, str], str]:
        status: Any = self.status
        extra: Any = None
        if isinstance(value, HttpResponse):
            status, extra = value.status, value.headers
            value = value.json if value.json is not None else (value.body or "")
        elif isinstance(value, tuple):
            if len(value) not in (2, 3):
                raise TypeError("a handler tuple must be (status, payload) or "
                                f"(status, headers, payload), got {len(value)} items")
            status, extra, value = value if len(value) == 3 else (value[0], None, value[1])
        elif value is None:
            status, value = 204, ""
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise TypeError(f"handler returned an invalid status {status!r}")
        headers = dict(self._answer)
        if extra is not None:
            headers.update(_headers(extra, "headers"))
        if isinstance(value, str) or value is None:
            return status, headers, value or ""
        if isinstance(value, (Mapping, list)):
            text = _dumps(dict(value) if isinstance(value, Mapping) else value)
            headers.setdefault("content-type", "application/json")
            return status, headers, text
        raise TypeError(f"handler returned {type(value).__name__}; expected a mapping, list, "
                        "str, None, a (status, [headers,] payload) tuple or an HttpResponse")

    def _error(self, request: HttpRequest, code: str, latency: float) -> HttpResult:
        message = "read ECONNRESET" if code == "ECONNRESET" else f"connect {code} "
        if code != "ECONNRESET":
            message += _host(request.url)
        return HttpResult(None, {}, "", latency, self.name, code, message)

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of this route, defaults left out.

        Raises
        ------
        ServicesError
            If the route has a handler: code cannot be written as data (pickle instead).
        """
        if self.handler is not None:
            raise ServicesError(f"route `{self.name}` has a Python handler, which cannot be "
                                "written as data; pickle the Services object instead (with a "
                                "module-level handler function)")
        match = {k: v for k, v in (("headers", dict(self.match_headers)),
                                   ("body_contains", self.body_contains)) if v}
        items: list[tuple[str, Any, Any]] = [
            ("name", self.name, None), ("method", self._method, "*"), ("url", self.url, None),
            ("status", self.status, 200), ("headers", dict(self.headers), {}),
            ("json", self.json, None), ("body", self.body, None),
            ("latency", self.latency.to_dict(), {"fixed_ms": 0.0}),
            ("failure", self.failure.to_dict() if self.failure else None, None),
            ("match", match, {}),
        ]
        return {key: value for key, value, default in items if value != default}


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class Services:
    """An immutable table of fake HTTP endpoints, tried in order.

    The builder methods (:meth:`add`, :meth:`with_failure`, :meth:`with_latency`) return a
    **new** object and leave this one untouched, so one base table can be varied per
    experiment and shared between simulations safely.

    Parameters
    ----------
    routes : iterable of Route
        Routes in matching order: the first that matches answers.
    name : str, optional
        A label for reports.

    Raises
    ------
    ServicesError
        When two routes share a name.
    """

    def __init__(self, routes: Iterable[Route] = (), *, name: str | None = None) -> None:
        table = tuple(routes)
        by_name: dict[str, Route] = {}
        for route in table:
            if not isinstance(route, Route):
                raise UsageError(f"expected routes to hold Route objects, got {route!r}")
            if route.name in by_name:
                raise ServicesError(f"duplicate route name `{route.name}`")
            by_name[route.name] = route
        self._routes, self._by_name, self._name = table, by_name, name

    @property
    def routes(self) -> tuple[Route, ...]:
        """The routes, in matching order."""
        return self._routes

    @property
    def name(self) -> str | None:
        """The label given at construction or in the file."""
        return self._name

    def route(self, name: str) -> Route:
        """Return the route called ``name``; raise :class:`UsageError` if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(f"`{n}`" for n in self._by_name) or "none"
            raise UsageError(f"no route named `{name}`; the routes are: {known}") from None

    def __len__(self) -> int:
        return len(self._routes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Services):
            return NotImplemented
        return self._routes == other._routes and self._name == other._name

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Services(name={self._name!r}, routes=[{', '.join(self._by_name)}])"

    def add(self, route: Route | str, url: str | None = None, /, **options: Any) -> Services:
        """Return a new Services with one more route, tried after the existing ones.

        Pass a :class:`Route`, or a name and url plus :class:`Route` keywords, where
        ``latency`` may also be a number of ms or a file-style mapping and ``failure`` a rate
        or a mapping.
        """
        if isinstance(route, Route):
            if url is not None or options:
                raise UsageError("pass either a Route, or a name, url and options")
            return Services((*self._routes, route), name=self._name)
        if url is None:
            raise UsageError(f"expected a url for route `{route}`")
        try:
            if "latency" in options:
                options["latency"] = _latency(options["latency"])
            if "failure" in options:
                options["failure"] = _failure(options["failure"])
            new = Route(route, url, **options)
        except _FieldError as exc:
            raise _FieldError(exc.field, exc.reason, route=route) from None
        except TypeError as exc:
            raise UsageError(f"route `{route}`: {exc}") from None
        return Services((*self._routes, new), name=self._name)

    def _replace(self, route_name: str, key: str, value: Mapping[str, Any]) -> Services:
        old = self.route(route_name)
        try:
            if key == "latency":
                new = dataclasses.replace(old, latency=_latency(value))
            else:
                new = dataclasses.replace(old, failure=_failure(value))
        except _FieldError as exc:
            raise _FieldError(exc.field, exc.reason, route=route_name) from None
        return Services((new if r is old else r for r in self._routes), name=self._name)

    def with_failure(
        self, route_name: str, rate: float, kind: str = "5xx", *, status: int = 503
    ) -> Services:
        """Return a copy where ``route_name`` fails at ``rate`` in the way ``kind`` says.

        ``services.with_failure("enrich-person", 1.0)`` makes the enrichment API answer 503 to
        every call; ``rate=0`` turns injection off.
        """
        return self._replace(route_name, "failure", {"rate": rate, "kind": kind,
                                                     "status": status})

    def with_latency(
        self,
        route_name: str,
        *,
        fixed_ms: float | None = None,
        median_ms: float | None = None,
        p95_ms: float | None = None,
    ) -> Services:
        """Return a copy where ``route_name`` has a fixed, or a median/p95, latency."""
        given = {k: v for k, v in (("fixed_ms", fixed_ms), ("median_ms", median_ms),
                                   ("p95_ms", p95_ms)) if v is not None}
        if set(given) not in ({"fixed_ms"}, {"median_ms", "p95_ms"}):
            raise UsageError("expected either fixed_ms, or median_ms and p95_ms together, got "
                             f"fixed_ms={fixed_ms!r}, median_ms={median_ms!r}, p95_ms={p95_ms!r}")
        return self._replace(route_name, "latency", given)

    def handle(self, request: HttpRequest, rng: random.Random) -> HttpResult:
        """Answer one request with the first matching route.

        Randomness (the latency sample, then the failure draw) comes only from ``rng``:

        * no route matches: ``error="ENOTFOUND"``, ``route=None``, latency 0;
        * a ``timeout`` failure (the service never answers): ``ETIMEDOUT`` after the request's
          ``timeout_ms``, or without one after the sampled route latency, or with neither
          (latency 0) after ``DEFAULT_HANG_MS``; never later than ``DEFAULT_HANG_MS``. A client
          timeout always ends a hang, so a slow-median route does not make timeouts look fast;
        * a request ``timeout_ms`` shorter than the sampled latency: ``ETIMEDOUT`` at
          ``timeout_ms``;
        * a ``reset`` failure: ``ECONNRESET`` after the latency; a ``5xx`` failure: its status;
        * otherwise the route's static answer, or its handler's.

        Raises
        ------
        ServiceHandlerError
            When the route's handler raises or returns something that is not an answer.
        """
        url = request.url
        base = _strip_query(url)
        method = request.method.upper()
        for route in self._routes:
            if route._matches(method, url, base, request):
                return route._respond(request, rng)
        return HttpResult(None, {}, "", 0.0, None, "ENOTFOUND",
                          f"getaddrinfo ENOTFOUND {_host(url)}")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-able file form, ``{"routes": [...]}`` (see :meth:`from_dict`).

        Raises
        ------
        ServicesError
            If a route has a handler (pickle the object to ship it to workers instead).
        """
        routes = [route.to_dict() for route in self._routes]
        return {"routes": routes} if self._name is None else {"name": self._name,
                                                              "routes": routes}

    @classmethod
    def from_dict(cls, data: Any) -> Services:
        """Build services from the file form (what a services YAML/JSON file holds).

        Raises
        ------
        ServicesError
            Naming the route (``route `name``` or ``route routes[i]``) and the bad field.
        """
        return _parse(data, _Source(None, None))

    @classmethod
    def from_file(cls, path: str | Path) -> Services:
        """Load services from a JSON (``.json``) or YAML (any other suffix) file.

        Raises
        ------
        ServicesError
            Naming the file, the route and, for YAML, the line of the problem.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ServicesError(f"{path}: cannot read the services file: {exc}") from None
        if path.suffix.lower() == ".json":
            return _parse(_load_json(text, str(path)), _Source(str(path), None))
        data, root = _load_yaml(text, str(path))
        return _parse(data, _Source(str(path), root))


class _Source:
    """Where parsed data came from, to point error messages at the file and line."""

    def __init__(self, file: str | None, root: Any) -> None:
        self.file, self.root = file, root

    def line(self, steps: _Steps) -> int | None:
        node = self.root
        if node is None:
            return None
        for step in steps:  # walk as deep as the path exists in the YAML node tree
            nxt = None
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if k.value == str(step)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                nxt = node.value[step] if 0 <= step < len(node.value) else None
            if nxt is None:
                break
            node = nxt
        return int(node.start_mark.line) + 1

    def fail(self, message: str, steps: _Steps, route: str | None = None) -> NoReturn:
        where = (self.file or "services") + (f": route {route}" if route else "")
        line = self.line(steps)
        raise ServicesError(where + (f" (line {line})" if line else "") + f": {message}")


def _load_json(text: str, file: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise ServicesError(f"{file}: duplicate key `{key}`")
            out[key] = value
        return out

    try:
        return _json.loads(text, object_pairs_hook=pairs)
    except _json.JSONDecodeError as exc:
        raise ServicesError(f"{file} (line {exc.lineno}, column {exc.colno}): invalid JSON: "
                            f"{exc.msg}") from None


def _load_yaml(text: str, file: str) -> tuple[Any, Any]:
    """Parse YAML keeping the node tree (for line numbers) and refusing duplicate keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:  # aliases may share nodes
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                keys: set[str] = set()
                for key, value in node.value:
                    if key.tag != "tag:yaml.org,2002:merge" and isinstance(key.value, str):
                        if key.value in keys:
                            raise ServicesError(f"{file} (line {key.start_mark.line + 1}): "
                                                f"duplicate key `{key.value}`")
                        keys.add(key.value)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return loader.construct_document(root), root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise ServicesError(f"{file}{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ServicesError(f"{file}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _parse(data: Any, src: _Source) -> Services:
    if not isinstance(data, Mapping):
        src.fail(f"expected a mapping with a `routes` list, got {type(data).__name__}", ())
    for key in data:
        if key not in ("name", "routes"):
            src.fail(f"unknown top-level key `{key}`; expected `routes` and optional `name`",
                     (key,))
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        src.fail(f"`name` must be a string, got {name!r}", ("name",))
    raw_routes = data.get("routes")
    if not isinstance(raw_routes, list):
        src.fail(f"`routes` must be a list of routes, got {raw_routes!r}", ("routes",))
    routes: list[Route] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(raw_routes):
        route = _parse_route(raw, index, src)
        if route.name in first:
            line = src.line(("routes", first[route.name]))
            at = f"routes[{first[route.name]}]" + (f", line {line}" if line else "")
            src.fail(f"duplicate route name (first defined at {at})",
                     ("routes", index, "name"), f"`{route.name}`")
        first[route.name] = index
        routes.append(route)
    return Services(routes, name=name)


def _parse_route(raw: Any, index: int, src: _Source) -> Route:
    at: _Steps = ("routes", index)
    label = f"routes[{index}]"
    if not isinstance(raw, Mapping):
        src.fail(f"a route must be a mapping, got {type(raw).__name__}", at, label)
    if isinstance(raw.get("name"), str) and raw["name"]:
        label = f"`{raw['name']}`"
    sub = ""  # the sub-mapping being read, to prefix its errors' field names
    try:
        _keys(raw, _ROUTE_KEYS, "")
        if "url" not in raw:
            raise _FieldError("url", "is required")
        options = {k: raw[k] for k in ("method", "status", "headers", "json", "body") if k in raw}
        for key, convert, example in (("latency", _latency, "{fixed_ms: 50}"),
                                      ("failure", _failure, "{rate: 0.01, kind: 5xx}"),
                                      ("match", dict, "{headers: {x-api-key: k}}")):
            if key in raw:
                if not isinstance(raw[key], Mapping):
                    raise _FieldError(key, f"must be a mapping such as {example}")
                sub = f"{key}."
                options[key] = convert(raw[key])
        sub = ""
        match = options.pop("match", {})
        _keys(match, _MATCH_KEYS, "match.")
        options.update({f"match_{k}" if k == "headers" else k: v for k, v in match.items()})
        name: Any = raw.get("name")  # Route checks it
        return Route(name, raw["url"], **options)
    except _FieldError as exc:
        path = sub + exc.field
        src.fail(f"{path} {exc.reason}", (*at, *path.split(".")), label)
