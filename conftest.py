"""Fixtures the whole test run shares.

The names the package's docstring examples share (``pytest --doctest-modules`` over rulesim/):
an example that needs a tenant or a population uses these instead of loading its own: acme's
Rules (``rules``), acme migrated to Actions (``actions``) and a small seeded population
(``pop``), all loaded once per test session. And ``node_binary``, for the tests that compare
rulesim with Node.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest


@pytest.fixture(scope="session")
def _doctest_tenants() -> dict[str, Any]:
    import rulesim as rs

    return {"rs": rs, "rules": rs.load_rules("datasets/tenants/acme"),
            "actions": rs.load_tenant("datasets/tenants/acme-actions"),
            "pop": rs.population(200, seed=7)}


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]) -> None:
    if request.node.__class__.__name__ == "DoctestItem":
        doctest_namespace.update(request.getfixturevalue("_doctest_tenants"))


@pytest.fixture(scope="session")
def node_binary() -> str:
    """The ``node`` executable, for a test that compares rulesim with Node: such a test fails
    in CI without it (``.ci/run`` installs it) and is skipped elsewhere."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI")
        pytest.skip("node is not installed")
    return node
