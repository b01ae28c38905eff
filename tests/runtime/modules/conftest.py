"""Fixtures for the module tests; the harness itself lives in ``module_harness.py``.

It is a separate, uniquely named module so that tests can import it (``from module_harness
import ModuleHarness``) whatever other ``conftest.py`` files the suite grows.
"""

from __future__ import annotations

import pytest
from module_harness import ModuleHarness


@pytest.fixture
def harness() -> ModuleHarness:
    """A harness with only the built-in modules."""
    return ModuleHarness()
