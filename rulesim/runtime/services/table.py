"""The :class:`Services` table: fake HTTP endpoints tried in order, answered in Python.

See :mod:`rulesim.runtime.services` for how rules reach it and how it ships to workers.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rulesim.errors import ServicesError, UsageError
from rulesim.runtime.services.files import Source, load_json, load_yaml, parse_services
from rulesim.runtime.services.models import (
    FieldError,
    HttpRequest,
    HttpResult,
    as_failure,
    as_latency,
)
from rulesim.runtime.services.route import Route, host_of, strip_query

__all__ = ["Services"]


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
                options["latency"] = as_latency(options["latency"])
            if "failure" in options:
                options["failure"] = as_failure(options["failure"])
            new = Route(route, url, **options)
        except FieldError as exc:
            raise FieldError(exc.field, exc.reason, route=route) from None
        except TypeError as exc:
            raise UsageError(f"route `{route}`: {exc}") from None
        return Services((*self._routes, new), name=self._name)

    def _replace(self, route_name: str, key: str, value: Mapping[str, Any]) -> Services:
        old = self.route(route_name)
        try:
            if key == "latency":
                new = dataclasses.replace(old, latency=as_latency(value))
            else:
                new = dataclasses.replace(old, failure=as_failure(value))
        except FieldError as exc:
            raise FieldError(exc.field, exc.reason, route=route_name) from None
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
        base = strip_query(url)
        method = request.method.upper()
        for route in self._routes:
            if route._matches(method, url, base, request):
                return route._respond(request, rng)
        return HttpResult(None, {}, "", 0.0, None, "ENOTFOUND",
                          f"getaddrinfo ENOTFOUND {host_of(url)}")

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
        name, routes = parse_services(data, Source(None, None))
        return Services(routes, name=name)

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
            name, routes = parse_services(load_json(text, str(path)), Source(str(path), None))
        else:
            data, root = load_yaml(text, str(path))
            name, routes = parse_services(data, Source(str(path), root))
        return Services(routes, name=name)
