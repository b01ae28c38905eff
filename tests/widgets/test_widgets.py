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

ACME = Path(__file__).resolve().parents[2] / "datasets" / "tenants" / "acme"
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


# -- what the views show (issue 20: readability in JupyterLab) -----------------------------------


def _html_in(widget: object) -> str:
    """Every HTML value in a widget tree, concatenated (what the browser shows as HTML)."""
    out = []
    stack = [widget]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "HTML":
            out.append(node.value)  # type: ignore[attr-defined]
        stack.extend(getattr(node, "children", ()))
    return "\n".join(out)


def test_the_rules_tab_is_one_line_per_rule_and_does_not_repeat_the_totals(sim: rs.Simulation) -> None:
    view = show(sim)
    rules_html = view.rules_table.value
    assert "logins:" not in rules_html  # the totals are in the header above the tabs, once
    for name in rs.load_rules(ACME).names:
        assert f">{name}</td>" in rules_html
    cell = rules_html.split(">block-password-grant</td>")[0].rsplit("<td", 1)[1]
    assert "white-space:nowrap" in cell
    assert "https://acme.com/" not in rules_html.split("</p>", 1)[1]  # the namespace, once
    assert f">{N:,}</td>" in rules_html
    assert view.text().count(f"{N:,} logins") == 1


def test_login_browser_lists_each_page_once_as_a_pick_list_with_a_header(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim, page_size=10)
    shown = _html_in(browser.widget)
    page_ids = list(browser.page_rows["login_id"])
    assert not [i for i in page_ids if i in shown]  # not in a table as well
    labels = [label for label, _ in browser.login_select.options]
    assert [label.split("\u00a0")[0] for label in labels] == page_ids
    assert "decided by" in browser.table.value
    starts = {label.index(str(r.outcome)) for label, r in zip(
        labels, browser.page_rows.itertuples(index=False), strict=True)}
    assert len(starts) == 1  # the outcome column starts at the same place on every row


def test_login_browser_text_filters_apply_on_enter_not_on_every_key(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim)
    assert browser.query.continuous_update is False
    assert browser.value.continuous_update is False


def test_login_browser_clears_the_trace_when_the_filters_no_longer_match_it(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim)
    denied = str(sim.logins.loc[sim.logins["outcome"] == "denied", "login_id"].iloc[0])
    browser.filter(outcome="denied")
    browser.select(denied)
    browser.filter(outcome="denied", query="country == country")  # still matches: kept
    assert browser.selected == denied and denied in browser.trace_view.value
    assert browser.login_select.value == denied
    browser.filter(outcome="allowed")
    assert browser.selected is None and browser.trace is None
    assert denied not in browser.trace_view.value
    browser.filter(query="country == 'nowhere'")
    assert "0 of" in browser.status.value and browser.login_select.options == ()
    assert "no login matches" in browser.table.value


def test_a_denied_login_shows_no_tokens_and_an_allowed_one_shows_them(sim: rs.Simulation) -> None:
    browser = LoginBrowser(sim)
    logins = sim.logins
    denied = str(logins.loc[logins["outcome"] == "denied", "login_id"].iloc[0])
    assert browser.select(denied).id_token  # the rules did set claims before the denial
    final = browser.trace_view.value.split(">Final tokens</h4>")[1]
    assert "no ID or access token is issued" in final and "id_token" not in final
    allowed = str(logins.loc[logins["outcome"] == "allowed", "login_id"].iloc[0])
    browser.select(allowed)
    assert "&quot;id_token&quot;" in browser.trace_view.value.split(">Final tokens</h4>")[1]


def test_a_leaked_secret_is_masked_in_the_traces_of_a_browser_given_the_secrets(
        sim: rs.Simulation) -> None:
    from rulesim.widgets.secrets import MASK

    conf = rs.load_rules(ACME).configuration
    key = conf["ENRICH_API_KEY"]
    leaking = str(sim.logs.loc[sim.logs["message"].str.contains(key[:16], regex=False),
                               "login_id"].iloc[0])
    plain = LoginBrowser(sim)
    plain.select(leaking)
    assert key[:16] in plain.trace_view.value  # the rule really leaks it
    masked = LoginBrowser(sim, secrets=rs.widgets.secret_values(conf))
    masked.select(leaking)
    assert not any(key[i:i + 12] in masked.trace_view.value for i in range(len(key) - 11))
    assert MASK in masked.trace_view.value
    assert "enrich-profile: looking up" in masked.trace_view.value
    # Words a secret shares with ordinary text stay readable (-session-, -legacy-).
    for rule in ("add-session-claims", "migrate-legacy-users", "sign-downstream-claims"):
        assert f">{rule}</td>" in masked.trace_view.value


def test_the_explorer_masks_every_configuration_value_until_asked() -> None:
    from rulesim.widgets.secrets import MASK

    ex = Explorer(ACME, size=N, seed=7, workers=1)
    conf = rs.load_rules(ACME).configuration
    assert conf and not [v for v in conf.values() if v in ex.configuration_editor.value]
    assert ex.configuration_editor.value.count(MASK) == len(conf)
    ex.configuration_reveal.value = True
    assert all(v in ex.configuration_editor.value for v in conf.values())
    ex.configuration_reveal.value = False
    assert not [v for v in conf.values() if v in ex.configuration_editor.value]
    assert ex.configuration == conf  # masking never changes what runs


def test_editing_the_masked_configuration_keeps_hidden_values_and_takes_typed_ones() -> None:
    import json

    ex = Explorer(ACME, size=N, seed=7, workers=1)
    conf = rs.load_rules(ACME).configuration
    edited = json.loads(ex.configuration_editor.value)
    edited["TOS_VERSION"] = "2026-01-01"
    del edited["SLACK_HOOK_URL"]
    ex.configuration_editor.value = json.dumps(edited)
    expected = {k: v for k, v in conf.items() if k != "SLACK_HOOK_URL"}
    assert ex.configuration == {**expected, "TOS_VERSION": "2026-01-01"}
    edited["NEW_KEY"] = edited["ENRICH_API_KEY"]  # the mask cannot stand for a new value
    ex.configuration_editor.value = json.dumps(edited)
    assert "NEW_KEY is new" in ex.configuration_status.value
    assert "NEW_KEY" not in ex.configuration
    ex.set_configuration({"ALLOWED_DOMAINS": "acme.com"})
    assert "acme.com" not in ex.configuration_editor.value


def test_explorer_rule_rows_line_up_and_the_ignored_population_controls_are_disabled() -> None:
    pop = rs.population(50, seed=1)
    ex = Explorer(ACME, pop, workers=1)
    numbers = [row.children[0] for row in ex.rules_box.children]
    assert {n.layout.width for n in numbers} == {"2.2em"}
    assert [int(n.value.split(">")[1].split("<")[0]) for n in numbers] == list(range(1, 18))
    assert ex.mix.value == "given population"
    assert ex.size.disabled and ex.seed.disabled
    ex.set_population(mix="b2b")
    assert not ex.size.disabled and not ex.seed.disabled


def test_the_progress_estimate_moves_between_chunk_reports_but_never_claims_the_end() -> None:
    from rulesim.widgets.run import estimate_progress

    # Before any run there is no speed to estimate from: only reported chunks count.
    assert estimate_progress(2_000, phase=1, phases=1, done=0, ran=3.0,
                             seconds_per_login=None) == (0, None)
    value, left = estimate_progress(2_000, phase=1, phases=1, done=0, ran=1.0,
                                    seconds_per_login=0.002)
    assert (value, left) == (500, 3.0)
    value, left = estimate_progress(2_000, phase=1, phases=1, done=0, ran=60.0,
                                    seconds_per_login=0.002)
    assert value == 1_900 and left == 0  # slower than last time: wait at 95%
    value, _ = estimate_progress(2_000, phase=2, phases=2, done=0, ran=0.0,
                                 seconds_per_login=0.002)
    assert value == 2_000  # the first simulation of two is done
    assert estimate_progress(4_000, phase=1, phases=1, done=2_000, ran=0.1,
                             seconds_per_login=0.002)[0] == 2_000  # a report beats a guess


@pytest.mark.slow
def test_the_explorer_masks_leaked_secrets_in_the_traces_it_shows(explorer: Explorer) -> None:
    from rulesim.widgets.secrets import MASK

    assert explorer.browser is not None and explorer.simulation is not None
    key = explorer.configuration["ENRICH_API_KEY"]
    logs = explorer.simulation.logs
    leaking = str(logs.loc[logs["rule"] == "enrich-profile", "login_id"].iloc[0])
    explorer.browser.select(leaking)
    assert key[:8] not in explorer.browser.trace_view.value
    assert MASK in explorer.browser.trace_view.value
    assert explorer.status.value.startswith("done: ")
    assert "allowed" not in explorer.status.value  # the counts are in the Summary tab


@pytest.mark.slow
def test_impact_view_shows_both_rule_lists_in_one_table_row_by_row(explorer: Explorer) -> None:
    assert explorer.impact is not None
    view = ImpactView(explorer.impact)
    login_id = str(view.show_kind("mfa")["login_id"].iloc[0])
    view.select(login_id)
    rules = view.compare_view.value.split(">Rules</h4>")[1].split(">Changes</h4>")[0]
    assert rules.count("<table") == 1
    for name in explorer.rule_names:
        row = rules.split(f">{name}</td>")[1].split("</tr>")[0]
        assert row.count("<span style=\"background:") == 2, name  # baseline and candidate
    mfa_row = rules.split(">contextual-mfa</td>")[0].rsplit("<tr", 1)[1]
    assert "background:var(--jp-warn-color3" in mfa_row  # it differs: highlighted
    assert view.full_traces.selected_index is None
    assert login_id in view.before_view.value and login_id in view.after_view.value


def test_the_redactor_masks_any_long_enough_run_of_a_secret_and_nothing_else() -> None:
    from rulesim.widgets.secrets import MASK, Redactor, secret_values

    redact = Redactor(["s3cr3t-&-value-42-long", "pin-42", "short"])
    assert redact("key s3cr3t-&-value... ok") == f"key {MASK}... ok"  # a 15-character prefix
    assert redact("tail: &-value-42-long!") == f"tail: {MASK}!"
    assert redact("s3cr3t-&amp;-value-42-long") == MASK  # as an HTML view writes it
    assert redact("s3cr3t-&-va and -value-") == "s3cr3t-&-va and -value-"  # 11: kept
    assert redact("s3cr3t-&-valu") == MASK  # 12: masked
    assert redact("your pin-42, not pin-4") == f"your {MASK}, not pin-4"  # short: whole only
    assert redact("short") == "short"  # under 6 characters: an ordinary word
    assert not Redactor(["short"]) and Redactor([])("anything") == "anything"
    assert secret_values({"API_KEY": "k" * 20, "TOS_VERSION": "2024-06-01-long-value",
                          "client_secret": "abcdef", "PIN_TOKEN": "1234"}) == ["k" * 20, "abcdef"]
