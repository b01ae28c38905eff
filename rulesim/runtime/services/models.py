"""The data model of a fake service call: requests, answers, latency and failure models.

This module holds what one call to a fake HTTP endpoint is made of: the request a rule makes
(:class:`HttpRequest`), what its client receives (:class:`HttpResult`), the answer a handler
may return (:class:`HttpResponse`), the latency model (:class:`Latency`, fixed or lognormal from
a median and p95) and failure injection (:class:`Failure`), plus the field checks and
converters shared by routes and the services file loader. It knows nothing about matching,
route tables or files; :mod:`rulesim.runtime.services` re-exports its public names.
"""

from __future__ import annotations

import json as _json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from rulesim.errors import ServicesError

DEFAULT_HANG_MS: Final = 30_000.0
"""The longest a ``timeout`` failure hangs, and how long when nothing else bounds it."""
FAILURE_KINDS: Final = frozenset({"5xx", "reset", "timeout"})
"""The kinds of failure a route can inject."""

_Z95: Final = 1.6448536269514722  # 95th percentile of the standard normal
_LATENCY_KEYS: Final = ("fixed_ms", "median_ms", "p95_ms")
_FAILURE_KEYS: Final = ("rate", "kind", "status")


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


class FieldError(ServicesError):
    """One field of a route, latency or failure is malformed (``field`` is its dotted path)."""

    def __init__(self, field_: str, reason: str, route: str | None = None) -> None:
        self.field, self.reason, self.route = field_, reason, route
        super().__init__((f"route `{route}`: " if route else "") + f"{field_} {reason}")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FieldError(name, f"must be a finite number, got {value!r}")
    if value < 0:
        raise FieldError(name, f"must be >= 0, got {value!r}")
    return float(value)


def checked_status(value: Any, name: str, low: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 599:
        raise FieldError(name, f"must be an HTTP status between {low} and 599, got {value!r}")
    return value


def checked_headers(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise FieldError(name, f"must be a mapping of header names to values, got {value!r}")
    out: dict[str, str] = {}
    for key, val in value.items():
        if not isinstance(key, str) or isinstance(val, bool) or not isinstance(
            val, (str, int, float)
        ):
            raise FieldError(name, f"must map header names to strings, got {key!r}: {val!r}")
        out[key.lower()] = str(val)
    return out


def json_text(value: Any) -> str:
    # Compact like JSON.stringify, keys in the mapping's own order: stable output.
    return _json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def check_keys(raw: Mapping[Any, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in allowed:
            raise FieldError(f"{prefix}{key}", f"is not a known key; use {', '.join(allowed)}")


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
            raise FieldError("p95_ms", f"must be >= median_ms ({median:g}), got {p95:g}")
        if median == 0 and p95 > 0:  # a lognormal with median 0 would only ever give 0
            raise FieldError("median_ms", "must be > 0 when p95_ms is above it")
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
            raise FieldError("rate", f"must be between 0 and 1, got {self.rate!r}")
        if not isinstance(self.kind, str) or self.kind not in FAILURE_KINDS:
            kinds = ", ".join(sorted(FAILURE_KINDS))
            raise FieldError("kind", f"must be one of {kinds}, got {self.kind!r}")
        checked_status(self.status, "status", low=400)
        object.__setattr__(self, "rate", rate)

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of this failure."""
        out: dict[str, Any] = {"rate": self.rate, "kind": self.kind}
        return out if self.status == 503 else {**out, "status": self.status}


def as_latency(value: Any) -> Latency:
    """Accept a Latency, a number of ms, or the file mapping."""
    if isinstance(value, Latency):
        return value
    if not isinstance(value, Mapping):
        return Latency.fixed(_number(value, "latency"))
    check_keys(value, _LATENCY_KEYS, "")
    if "fixed_ms" in value:
        if "median_ms" in value or "p95_ms" in value:
            raise FieldError("fixed_ms", "cannot be combined with median_ms/p95_ms")
        return Latency.fixed(_number(value["fixed_ms"], "fixed_ms"))
    if "median_ms" not in value or "p95_ms" not in value:
        raise FieldError("median_ms", "and p95_ms must be given together (or use fixed_ms)")
    return Latency(value["median_ms"], value["p95_ms"])


def as_failure(value: Any) -> Failure | None:
    """Accept None, a Failure, a rate, or the file mapping."""
    if value is None or isinstance(value, Failure):
        return value
    if not isinstance(value, Mapping):
        return Failure(value)
    check_keys(value, _FAILURE_KEYS, "")
    if "rate" not in value:
        raise FieldError("rate", "is required")
    return Failure(value["rate"], value.get("kind", "5xx"), value.get("status", 503))
