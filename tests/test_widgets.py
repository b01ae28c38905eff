"""Headless widget tests: drive the views and the Explorer from code, assert on children and traits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import rulesim as rs
from rulesim.widgets import Explorer, ImpactView, LoginBrowser, SimulationView, show

ACME = Path(__file__).resolve().parents[1] / "datasets" / "tenants" / "acme"
N = 300


@pytest.fixture(scope="module")
def sim() -> rs.Simulation:
    return rs.simulate(rs.load_rules(ACME), rs.population(N, seed=7), workers=1, progress=False)


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    """An Explorer driven through a whole cycle: run, pin, disable a rule, run again."""
    ex = Explorer(ACME, size=N, seed=7, workers=1)
    ex.run()
    ex.pin()
    ex.toggle("contextual-mfa")
    ex.run()
    return ex


def test_importing_rulesim_widgets_does_not_import_ipywidgets() -> None:
    code = "import sys, rulesim, rulesim.widgets; assert 'ipywidgets' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_show_builds_four_tabs_with_the_rule_table_and_pngs(sim: rs.Simulation) -> None:
    view = show(sim)
    assert isinstance(view, SimulationView)
    assert view.widget.children == (view.header, view.tabs)
    assert [view.tabs.get_title(i) for i in range(4)] == ["Rules", "Outcomes", "Latency", "Errors"]
    assert "email-domain-allowlist" in view.rules_table.value
    assert bytes(view.outcomes_image.value).startswith(b"\x89PNG")
    assert view.latency_image.format == "png"
    denied = int((sim.logins["outcome"] == "denied").sum())
    assert f"denied {denied:,}" in view.header.value
    failed = sim.logins[sim.logins["error_code"].notna()]
    pairs = failed.groupby(["error_code", "deciding_rule"], observed=True).size()
    top = view.error_codes.iloc[0]
    assert top["logins"] == pairs.max()
    assert (top["error_code"], top["deciding_rule"]) == pairs.idxmax()
    assert str(top["error_code"]) in view.errors_table.value


def test_a_views_text_form_is_the_same_on_every_render_and_has_no_timings(sim: rs.Simulation) -> None:
    text = show(sim).text()
    assert text == show(sim).text()
    assert "µs" not in text
    assert "cpu" not in text
    bundle = show(sim)._repr_mimebundle_()
    assert bundle["text/plain"] == text
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_login_browser_filters_by_outcome_and_population_column(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim, page_size=10)
    assert len(browser.rows) == N
    assert browser.pages == N // 10
    browser.filter(outcome="denied", connection="Username-Password-Authentication")
    logins = sim.logins
    expected = logins[(logins["outcome"] == "denied")
                      & (logins["connection"] == "Username-Password-Authentication")]
    assert list(browser.rows["login_id"]) == list(expected["login_id"])
    assert browser.outcome.value == "denied"
    assert browser.column.value == "connection"
    assert f"{len(expected):,} of {N:,} logins match" in browser.status.value
    assert len(browser.login_select.options) == min(10, len(expected))


def test_login_browser_filters_by_rule_outcome_and_by_query(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim)
    browser.filter(rule="require-tos-acceptance", rule_outcome="denied")
    rr = sim.rule_runs
    hit = rr[(rr["rule"] == "require-tos-acceptance") & (rr["outcome"] == "denied")]
    assert sorted(browser.rows["login_id"]) == sorted(hit["login_id"])
    browser.filter(query="country == 'US' and mfa_required")
    logins = sim.logins
    assert len(browser.rows) == int(((logins["country"] == "US") & logins["mfa_required"]).sum())


def test_login_browser_reports_a_bad_query_instead_of_raising(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim)
    browser.query.value = "country =="
    assert "filter error" in browser.status.value
    assert len(browser.rows) == 0


def test_login_browser_pages_and_shows_the_selected_trace(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim, page_size=25)
    browser.next_button.click()
    assert browser.page == 1
    assert browser.page_rows["login_id"].iloc[0] == sim.logins["login_id"].iloc[25]
    assert browser.prev_button.disabled is False
    login_id = str(browser.page_rows["login_id"].iloc[3])
    browser.login_select.value = login_id
    assert browser.selected == login_id
    html = browser.trace_view.value
    for section in ("Rules", "Changes", "Calls", "Console", "Final tokens"):
        assert f">{section}</h4>" in html
    assert "block-password-grant" in html


def test_a_trace_shows_changes_as_a_diff_with_json_paths(sim: rs.Simulation) -> None:
    ch = sim.changes
    login_id = str(ch.loc[ch["target"] == "id_token", "login_id"].iloc[0])
    trace = LoginBrowser(sim).select(login_id)
    assert trace.login_id == login_id
    html = LoginBrowser(sim).trace_view.value
    browser = LoginBrowser(sim)
    browser.select(login_id)
    html = browser.trace_view.value
    assert "+ <b>id_token[&quot;https://acme.com/roles&quot;]</b>" in html


def test_explorer_lists_every_rule_with_a_checkbox_in_pipeline_order() -> None:
    ex = Explorer(ACME, size=N, seed=7, workers=1)
    rules = rs.load_rules(ACME)
    assert ex.rule_names == rules.names
    assert list(ex.rule_checkboxes) == rules.names
    assert ex.rule_checkboxes["force-email-verification"].value is False
    assert [row.children[1] for row in ex.rules_box.children] == list(ex.rule_checkboxes.values())
    ex.move("notify-first-login", -20)
    assert ex.rule_names[0] == "notify-first-login"
    assert ex.rules_box.children[0].children[1].description == "notify-first-login"
    assert ex.ruleset.names[0] == "notify-first-login"
    assert ex.pin_button.disabled
    with pytest.raises(rs.UsageError, match="run the Explorer first"):
        ex.pin()


def test_explorer_configuration_editor_keeps_the_last_valid_json() -> None:
    ex = Explorer(ACME, size=N, seed=7, workers=1)
    ex.set_configuration({"ALLOWED_DOMAINS": "acme.com"})
    assert ex.ruleset.configuration["ALLOWED_DOMAINS"] == "acme.com"
    ex.configuration_editor.value = "{not json"
    assert "invalid JSON" in ex.configuration_status.value
    assert ex.configuration["ALLOWED_DOMAINS"] == "acme.com"


@pytest.mark.slow
def test_explorer_run_shows_the_summary_and_the_logins(explorer: Explorer) -> None:
    assert explorer.simulation is not None
    assert len(explorer.simulation.logins) == N
    table = explorer.summary_table
    assert table is not None
    assert list(table["rule"]) == explorer.rule_names
    row = table.set_index("rule").loc["contextual-mfa"]
    assert row["runs"] == 0 and row["skipped"] == N  # disabled in the second run
    assert explorer.view is not None and explorer.browser is not None
    assert explorer.results.children[0] is explorer.view.widget
    assert explorer.results.children[1] is explorer.browser.widget
    assert explorer.progress.value == explorer.progress.max == N
    assert explorer.progress.bar_style == "success"
    assert explorer.status.value.startswith("done: ")
    assert not explorer.run_button.disabled and explorer.cancel_button.disabled


@pytest.mark.slow
def test_explorer_shows_the_impact_against_the_pinned_baseline(explorer: Explorer) -> None:
    impact = explorer.impact
    assert impact is not None and explorer.baseline is not None
    assert impact.rule_changes == ["rule `contextual-mfa` disabled"]
    assert explorer.impact_view is not None
    assert explorer.results.children[2] is explorer.impact_view.widget
    assert explorer.results.selected_index == 2
    # Disabling contextual-mfa only removes MFA (and what rule 8 saved in app_metadata).
    assert impact.moved() == 0
    mfa = impact.changed[impact.changed["kinds"].str.contains("mfa")]
    assert len(mfa) == impact.count("mfa") > 0
    assert set(mfa["mfa_before"]) == {"any"} and set(mfa["mfa_after"]) == {"none"}
    base, cand = explorer.baseline.logins, explorer.simulation.logins  # type: ignore[union-attr]
    lost = int((base["mfa_required"] & ~cand["mfa_required"]
                & base["outcome"].isin(["allowed", "redirect"])).sum())
    assert impact.count("mfa") == lost
    assert "contextual-mfa" in explorer.baseline_label.value or "baseline pinned" in (
        explorer.baseline_label.value)


@pytest.mark.slow
def test_impact_view_browses_changed_logins_before_and_after(explorer: Explorer) -> None:
    assert explorer.impact is not None
    view = ImpactView(explorer.impact, page_size=5)
    assert [view.tabs.get_title(i) for i in range(4)] == [
        "Transitions", "Segments", "Claims", "Changed logins"]
    assert "mfa" in view.kind.options
    rows = view.show_kind("mfa")
    assert len(rows) == explorer.impact.count("mfa")
    assert len(view.changed_select.options) == min(5, len(rows))
    login_id = view.changed_select.options[0][1]
    view.changed_select.value = login_id
    assert view.before is not None and view.after is not None
    assert view.before.mfa is not None and view.after.mfa is None
    assert login_id in view.before_view.value and login_id in view.after_view.value
    by = view.segment("connection")
    assert view.segment_column.value == "connection"
    assert bytes(view.segment_image.value).startswith(b"\x89PNG")
    assert int(by["changed"].sum()) == len(explorer.impact.changed)
    assert "ImpactView:" in view.text()


@pytest.mark.slow
def test_explorer_runs_in_the_background_and_can_be_cancelled() -> None:
    ex = Explorer(ACME, size=200, seed=3, workers=1)
    ex.start()
    assert ex.running and ex.run_button.disabled and not ex.cancel_button.disabled
    assert ex.wait(120)
    assert ex.simulation is not None and len(ex.simulation.logins) == 200
    first = ex.simulation
    ex.set_population(size=4_100)  # three chunks on one worker: still running when cancelled
    ex.start()
    assert ex.cancel()
    assert ex.wait(120)
    assert not ex.running
    assert ex.status.value.startswith("cancelled")
    assert ex.simulation is first
    assert ex.progress.bar_style == "warning"
