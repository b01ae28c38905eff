"""Each plot returns a matplotlib Figure with the expected axes, titles and labels (Agg, no GUI)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure

from rulesim.impact import compare
from rulesim.plots import ImpactPlots, SimulationPlots
from rulesim.records import Columns
from rulesim.simulation import Simulation

RULES = ("deny-contractors", "add-roles", "call-api")
ROLES = '["https://example.com/roles"]'


def _simulation(outcomes: Sequence[str], *, roles_claim: bool = True) -> Simulation:
    """A small hand-built simulation: login i ends with outcomes[i]; deniers are rule 1."""
    sink = Columns()
    for i, outcome in enumerate(outcomes):
        login_id = f"L{i:07d}"
        denied = outcome == "denied"
        sink.add_login(
            login_id=login_id, user_id=f"auth0|{i}", outcome=outcome,
            error_code="unauthorized" if denied else None,
            error_message="rule `deny-contractors` (line 3): contractor" if denied else None,
            app_error="unauthorized" if denied else None,
            deciding_rule="deny-contractors" if denied else None, mfa_required=i % 3 == 0,
            mfa_provider="any" if i % 3 == 0 else None, redirect_url=None,
            id_token=json.dumps({"sub": f"auth0|{i}"}), access_token="{}", scopes="openid",
            saml=None, primary_user=None, dropped_claims="[]", cpu_ms=1.0 + i,
            latency_ms=10.0 + 7 * i, rules_run=1 if denied else 3, flags="")
        rule_outcomes = ["denied", "skipped", "skipped"] if denied else ["ok", "ok", "ok"]
        sink.add_rule_runs(login_id, RULES, [1, 2, 3], rule_outcomes,
                           ["unauthorized" if denied else None, None, None],
                           [None] * 3, [0] * 3, [50.0, 80.0 + i, 120.0], [0.0, 0.0, 40.0 + i],
                           [0, 0, 1], [0, 2, 0], [""] * 3)
        if not denied and roles_claim:
            sink.add_changes(login_id, RULES, [
                [1, "id_token", ROLES, "add", None, '["user"]', False],
                [1, "access_token", ROLES, "add", None, '["user"]', False]])
    manifest = {"seed": 7, "chunk_size": 2000, "rules": [
        {"name": n, "order": k, "enabled": True, "sha256": n} for k, n in enumerate(RULES, 1)]}
    return Simulation.from_columns(sink, RULES, manifest)


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return _simulation(["allowed", "denied", "allowed", "error", "allowed", "denied"])


def _titles(fig: Figure) -> list[str]:
    return [ax.get_title() for ax in fig.axes]


def test_outcomes_draws_one_bar_per_rule_and_the_login_totals(sim: Simulation) -> None:
    fig = SimulationPlots(sim).outcomes()
    assert isinstance(fig, Figure)
    assert _titles(fig) == ["Outcome by rule", "Login outcomes"]
    by_rule, totals = fig.axes
    assert [t.get_text() for t in by_rule.get_yticklabels()] == list(RULES)
    assert by_rule.get_xlabel() == "logins"
    legend = by_rule.get_legend()
    assert legend is not None
    assert {t.get_text() for t in legend.get_texts()} == {"ok", "denied", "skipped"}
    assert [t.get_text() for t in totals.get_xticklabels()] == [
        "allowed", "denied", "error", "timeout", "redirect"]
    heights = [p.get_height() for p in totals.patches]
    assert heights == [3, 2, 1, 0, 0]


def test_latency_shows_percentiles_per_rule_that_ran_on_a_log_scale(sim: Simulation) -> None:
    fig = SimulationPlots(sim).latency()
    (ax,) = fig.axes
    assert ax.get_title() == "Latency percentiles by rule"
    assert ax.get_xscale() == "log"
    assert "milliseconds" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["(whole login)", *RULES]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["p50", "p95", "p99"]


def test_latency_distribution_is_a_histogram_of_login_latency(sim: Simulation) -> None:
    fig = SimulationPlots(sim).latency_distribution()
    (ax,) = fig.axes
    assert ax.get_title() == "Login latency distribution"
    assert ax.get_ylabel() == "logins"
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(len(sim.logins))


def test_claims_lists_each_rule_token_and_claim_with_its_login_count(sim: Simulation) -> None:
    fig = SimulationPlots(sim).claims()
    (ax,) = fig.axes
    assert ax.get_title() == "Claims by rule"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["add-roles · access https://example.com/roles",
                      "add-roles · id https://example.com/roles"]
    assert [p.get_width() for p in ax.patches] == [4, 4]  # every login not denied


def test_claims_says_so_when_no_rule_set_a_claim() -> None:
    fig = SimulationPlots(_simulation(["allowed"], roles_claim=False)).claims()
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.texts] == ["no rule set a token claim"]


def test_impact_segments_draws_the_change_rate_of_each_segment(sim: Simulation) -> None:
    candidate = _simulation(["allowed", "allowed", "allowed", "error", "denied", "denied"])
    plots = ImpactPlots(compare(sim, candidate))
    fig = plots.segments("outcome_before")
    (ax,) = fig.axes
    assert ax.get_title() == "Impact by outcome_before"
    assert ax.get_xlabel() == "logins changed (% of segment)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert set(labels) == {"allowed", "denied", "error"}
    widths = dict(zip(labels, (p.get_width() for p in ax.patches), strict=True))
    assert widths["denied"] == pytest.approx(50.0)  # L1 denied → allowed, L5 stays denied
    assert widths["allowed"] == pytest.approx(100 / 3)  # L4 allowed → denied
    assert widths["error"] == 0


def test_impact_transitions_and_claims_figures_have_their_axes(sim: Simulation) -> None:
    candidate = _simulation(["allowed", "allowed", "allowed", "error", "denied", "denied"])
    plots = ImpactPlots(compare(sim, candidate))
    (ax,) = plots.transitions().axes
    assert ax.get_title() == "Outcome transitions"
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("baseline outcome", "candidate outcome")
    assert {t.get_text() for t in ax.texts} >= {"1"}
    (ax,) = plots.claims().axes
    assert ax.get_title() == "Claim gains and losses"


def test_figures_render_to_png_without_a_display(sim: Simulation) -> None:
    for fig in (SimulationPlots(sim).outcomes(), SimulationPlots(sim).claims()):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        assert buf.getvalue().startswith(b"\x89PNG")


def _legend_clear_of_bars(fig: Figure, ax_index: int = 0) -> None:
    """The legend of ``fig.axes[ax_index]`` overlaps no bar and lies inside the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[ax_index]
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for p in ax.patches
            if p.get_width() > 0 and p.get_height() > 0]
    assert bars
    covered = [b for b in bars if box.overlaps(b)]
    assert not covered, f"the legend {box} covers {len(covered)} bar(s), e.g. {covered[0]}"
    whole = fig.bbox
    assert whole.x0 <= box.x0 and box.x1 <= whole.x1 and whole.y0 <= box.y0 and box.y1 <= whole.y1


def test_no_legend_covers_a_bar_even_when_one_rule_denies_most_logins() -> None:
    # The first rule denies 9 logins of 10: its bar spans the whole axes, where an inside
    # legend (lower right, best) would sit on top of it.
    sim = _simulation(["denied"] * 9 + ["allowed"])
    _legend_clear_of_bars(SimulationPlots(sim).outcomes())
    _legend_clear_of_bars(SimulationPlots(sim).latency())
    _legend_clear_of_bars(SimulationPlots(_simulation(["allowed"] * 5)).claims())
