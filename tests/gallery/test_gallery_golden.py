"""Every template's golden cases pass for the Rule and for the Action, and cover both branches.

Each template is written into a fresh tenant (as ``rulesim new`` does), and the golden file
written beside it is run from disk, so this also checks what the scaffold writes.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import rulesim as rs
from rulesim.gallery.scaffold import write
from rulesim.golden import load

TEMPLATES = rs.templates()
PARAMS = [pytest.param(t, kind, id=f"{t.name}-{kind}") for t in TEMPLATES for kind in ("rule", "action")]


@pytest.mark.parametrize(("t", "kind"), PARAMS)
def test_the_golden_cases_written_for_a_template_pass(tmp_path: Path, t: rs.Template,
                                                       kind: str) -> None:
    done = write(kind, t, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = load(done.golden).run()
    assert report.ok, str(report)
    assert all(r.trace is not None for r in report.results)


@pytest.mark.parametrize(("t", "kind"), [p for p in PARAMS if p.values[0].name != "empty"])
def test_the_cases_hold_an_allowed_login_and_a_denied_or_changed_one(t: rs.Template,
                                                                    kind: str) -> None:
    new = rs.new_rule if kind == "rule" else rs.new_action
    logins = [{"user": c.get("user", {}), "context": c.get("context", {})}
              for c in t.golden(kind)["cases"]]
    pop = rs.Population.from_logins(logins)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        impact = rs.compare(new("empty"), new(t), pop, workers=1, configuration=t.placeholders,
                            secrets=t.placeholders, services=_services(t))
    changed = len(impact.changed)
    assert 0 < changed < len(logins), f"{changed} of {len(logins)} cases differ from `empty`"


def _services(t: rs.Template) -> rs.Services:
    spec = t.services()
    return rs.Services.from_dict(spec) if spec else rs.Services()
