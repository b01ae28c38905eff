"""Fixtures of the differential suite: the pinned npm packages and one Node process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from diff_node import NodeSide, install_node_packages


@pytest.fixture(scope="session")
def node_side() -> Iterator[NodeSide]:
    """A ``node`` process running the harness with the real npm packages (installed once)."""
    side = NodeSide(install_node_packages())
    yield side
    side.close()
