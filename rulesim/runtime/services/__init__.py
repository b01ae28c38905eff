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

Modules: :mod:`~rulesim.runtime.services.table` (:class:`Services`),
:mod:`~rulesim.runtime.services.route` (:class:`Route`: matching and answering one endpoint),
:mod:`~rulesim.runtime.services.models` (requests, responses, latency and failure models),
:mod:`~rulesim.runtime.services.files` (the services file), and beside them the fake
Management API that ``auth0.users`` and ``api.user`` calls reach:
:mod:`~rulesim.runtime.services.management` (the user store) and
:mod:`~rulesim.runtime.services.management_access` (roles, permissions, links, tickets and
jobs). Only the names below are re-exported here.
"""

from __future__ import annotations

from rulesim.runtime.services.models import (
    DEFAULT_HANG_MS,
    FAILURE_KINDS,
    Failure,
    HttpRequest,
    HttpResponse,
    HttpResult,
    Latency,
    ServiceHandlerError,
)
from rulesim.runtime.services.route import Route
from rulesim.runtime.services.table import Services

__all__ = ["DEFAULT_HANG_MS", "FAILURE_KINDS", "Failure", "HttpRequest", "HttpResponse",
           "HttpResult", "Latency", "Route", "ServiceHandlerError", "Services"]
