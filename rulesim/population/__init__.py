"""Synthetic populations of Auth0 users and their logins: seeded, configurable, fast.

A :class:`Population` is a table of logins (one row per login; a user's logins are contiguous
and in time order) plus a table of users, generated from an explicit :class:`Mix` of
distributions. The full ``user``/``context`` JSON a Rule sees is built **on demand** by
:meth:`Population.payloads` from those columns, so a million logins fit in a few hundred MB.

How generation stays fast and shard-able
----------------------------------------
Users are generated in blocks of :data:`BLOCK_USERS`. Block ``b`` draws everything from numpy
generators seeded with ``(seed, b, stream)`` and from name pools Faker fills once per locale:

* ``population(n, seed=s)`` is a prefix of ``population(m, seed=s)`` for ``m > n``;
* any login range ``[a, b)`` can be rebuilt alone, generating only the blocks that cover it
  (``Population.from_spec(pop.slice(a, b).spec)``): a worker rebuilds its chunk from a small
  JSON spec instead of receiving payloads;
* per-record Faker is avoided: values come from pools and vectorised sampling.

Edge cases
----------
``Mix.edge_case_share`` of users (user-level kinds) and of logins (login-level kinds) carry one
deliberate edge case, split between :data:`EDGE_CASES` by the ``Mix.edge_cases`` weights: kind
``k`` has share ``edge_case_share * edge_cases[k] / sum(edge_cases.values())``, measured over
users for :data:`USER_EDGE_CASES` and over logins for :data:`LOGIN_EDGE_CASES`. Those logins are
tagged with the kind in ``tags``. The base mix produces some of the same properties on its
own (an unverified email from ``verification_rate``, IPv6 from ``ipv6_share``, no
``app_metadata`` from ``app_metadata_rate``); those are not tagged: use the columns.

Modules
-------
:mod:`~rulesim.population.mix` holds the vocabulary (:class:`Mix`, its presets, the tables drawn
from), :mod:`~rulesim.population.generate` the seeded block generation,
:mod:`~rulesim.population.render` each login's JSON, :mod:`~rulesim.population.files` parquet
files, user exports and explicit logins, :mod:`~rulesim.population.checks` the argument checks
and :mod:`~rulesim.population.core` the :class:`Population` table itself. Only the names below
are public; the modules are internal and may change.
"""

from __future__ import annotations

from rulesim.population.checks import SCENARIOS
from rulesim.population.core import Population, population
from rulesim.population.mix import (
    BLOCK_USERS,
    EDGE_CASES,
    LOGIN_EDGE_CASES,
    USER_EDGE_CASES,
    Mix,
)
from rulesim.population.mix import (
    BoolArray as BoolArray,  # type aliases, kept importable from here
)
from rulesim.population.mix import (
    IntArray as IntArray,
)

__all__ = [
    "BLOCK_USERS",
    "EDGE_CASES",
    "LOGIN_EDGE_CASES",
    "SCENARIOS",
    "USER_EDGE_CASES",
    "Mix",
    "Population",
    "population",
]
