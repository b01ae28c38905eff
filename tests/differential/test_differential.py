"""Every probe gives the same observable result in rulesim and in Node.

Each probe (``probes/*.yaml``) runs one login in rulesim's pipeline and in Node with the real
npm packages; a disagreement fails with both sides shown. A probe that declares a deliberate
difference (the virtual clock, the sandbox's refusals, …) must still differ there, so a stale
declaration fails too; every other field must agree.
"""

from __future__ import annotations

import pytest
from diff_node import NodeSide
from diff_run import Probe, load_probes, run_node, run_rulesim
from diff_view import differences, report

from rulesim.runtime import native

PROBES = load_probes()


@pytest.mark.parametrize("probe", PROBES, ids=[p.id for p in PROBES])
def test_probe_gives_the_same_result_in_rulesim_and_node(probe: Probe, node_side: NodeSide) -> None:
    if probe.needs == "intl" and native.compiled_intl() is None:
        pytest.skip("needs the ICU extension (rulesim.runtime._intl; CI builds it)")
    ours = run_rulesim(probe)
    theirs = run_node(node_side, probe)
    deliberate = probe.deliberate_fields(node_side.major)
    disagree = differences(ours, theirs, ignore=deliberate)
    assert not disagree, report(probe.id, ours, theirs, disagree)
    stale = [f for f in deliberate if f not in differences(ours, theirs)]
    assert not stale, (f"probe `{probe.id}` declares a deliberate difference in {stale} but "
                       "both sides agree there: remove the declaration\n"
                       + report(probe.id, ours, theirs, stale))
