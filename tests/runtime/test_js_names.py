"""The property names the sandbox's own JavaScript reads (rulesim.runtime.js_names)."""

from __future__ import annotations

from rulesim.runtime.js_names import ENGINE_NAMES, sandbox_property_names


def test_the_names_cover_every_part_of_the_sandbox_and_the_engine_own_lookups() -> None:
    names = sandbox_property_names()
    assert set(ENGINE_NAMES) <= names
    # One name read only in each part: the prelude, the Actions runtime, a built-in module
    # (crypto holds the host functions) and require.
    assert {"partValue", "cacheStore", "crossesAsText", "defineLegacyGlobals"} <= names


def test_a_name_no_sandbox_source_reads_is_not_among_them() -> None:
    assert "shuffleAll" not in sandbox_property_names()
