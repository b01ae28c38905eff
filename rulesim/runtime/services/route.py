"""One fake endpoint: how a :class:`Route` matches a request and answers it.

A route compiles its URL glob or ``re:`` pattern, method, header and body matchers and static
answer once, at construction, so that :meth:`Route._matches` and :meth:`Route._respond` do no
parsing per call. Answering samples the route's latency, maybe injects its failure, and runs
its handler when there is one. :mod:`rulesim.runtime.services` re-exports :class:`Route`.
"""

from __future__ import annotations

import http
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from rulesim.errors import ServicesError
from rulesim.runtime.services.models import (
    DEFAULT_HANG_MS,
    Failure,
    FieldError,
    HttpRequest,
    HttpResponse,
    HttpResult,
    Latency,
    ServiceHandlerError,
    checked_headers,
    checked_status,
    json_text,
)

_METHODS: Final = frozenset({"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def _compile_url(pattern: Any) -> tuple[bool, str, re.Pattern[str] | None]:
    """Return (regex on the full URL?, literal prefix, regex or None for an exact URL)."""
    if not isinstance(pattern, str) or not pattern:
        raise FieldError("url", f"must be a non-empty string, got {pattern!r}")
    if pattern.startswith("re:"):
        try:
            return True, "", re.compile(pattern[3:])
        except re.error as exc:
            raise FieldError("url", f"is not a valid regular expression: {exc}") from None
    if any(c.isspace() for c in pattern):
        raise FieldError("url", f"glob must not contain whitespace, got {pattern!r}")
    if "?" in pattern or "#" in pattern:
        # Silently never matching would be worse: tell the author why.
        raise FieldError("url", f"glob {pattern!r} contains '?' or '#', but globs are matched "
                          "against the URL without query and fragment: drop that part or use "
                          "a 're:' pattern")
    if not pattern.startswith(("http://", "https://", "*")):
        raise FieldError("url", "glob must be an absolute http(s) URL such as "
                          f"'https://api.example.com/v1/*', got {pattern!r}")
    parts = pattern.split("*")
    regex = re.compile(".*".join(map(re.escape, parts)), re.DOTALL) if len(parts) > 1 else None
    return False, parts[0], regex


def strip_query(url: str) -> str:
    cut = url.find("?")
    hash_at = url.find("#", 0, cut if cut >= 0 else len(url))
    cut = hash_at if hash_at >= 0 else cut
    return url if cut < 0 else url[:cut]


def host_of(url: str) -> str:
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
            raise FieldError("name", f"must be a non-empty string, got {self.name!r}")
        try:
            self._derive()
        except FieldError as exc:
            raise FieldError(exc.field, exc.reason, route=self.name) from None

    def _derive(self) -> None:
        put = object.__setattr__
        full, prefix, regex = _compile_url(self.url)
        method = self.method.upper() if isinstance(self.method, str) else None
        if method not in _METHODS:
            raise FieldError("method", f"must be an HTTP method or '*', got {self.method!r}")
        checked_status(self.status, "status")
        headers = checked_headers(self.headers, "headers")
        if self.body is not None and not isinstance(self.body, str):
            raise FieldError("body", f"must be a string, got {type(self.body).__name__}")
        if self.json is not None and self.body is not None:
            raise FieldError("body", "cannot be given together with json: choose one")
        if self.handler is not None and not callable(self.handler):
            raise FieldError("handler", f"must be callable, got {self.handler!r}")
        if self.handler is not None and (self.json is not None or self.body is not None):
            raise FieldError("handler", "cannot be given together with json or body")
        text = self.body or ""
        if self.json is not None:
            try:
                text = json_text(self.json)
            except (TypeError, ValueError) as exc:
                raise FieldError("json", f"is not JSON-serialisable: {exc}") from None
            headers.setdefault("content-type", "application/json")
        if not isinstance(self.latency, Latency):
            raise FieldError("latency", f"must be a Latency, got {self.latency!r}")
        if self.failure is not None and not isinstance(self.failure, Failure):
            raise FieldError("failure", f"must be a Failure or None, got {self.failure!r}")
        needs = checked_headers(self.match_headers, "match.headers")
        if self.body_contains is not None and not isinstance(self.body_contains, str):
            raise FieldError("match.body_contains", f"must be a string, got "
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
            headers.update(checked_headers(extra, "headers"))
        if isinstance(value, str) or value is None:
            return status, headers, value or ""
        if isinstance(value, (Mapping, list)):
            text = json_text(dict(value) if isinstance(value, Mapping) else value)
            headers.setdefault("content-type", "application/json")
            return status, headers, text
        raise TypeError(f"handler returned {type(value).__name__}; expected a mapping, list, "
                        "str, None, a (status, [headers,] payload) tuple or an HttpResponse")

    def _error(self, request: HttpRequest, code: str, latency: float) -> HttpResult:
        message = "read ECONNRESET" if code == "ECONNRESET" else f"connect {code} "
        if code != "ECONNRESET":
            message += host_of(request.url)
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

