"""The notebooks' widgets in a real JupyterLab, driven in a real (headless) Chromium.

nbval executes the notebooks in a kernel and compares text; only a browser shows that the
widgets render and respond where users see them. Each test opens a notebook, runs all its
cells from the Run menu and drives a view with clicks, like a user. Screenshots go to
``out/screenshots/`` (kept by CI): look at them, a widget that renders but reads badly is a bug.

Needs the ``browser`` extra (Playwright, JupyterLab) and a Chromium from the system's packages
(``apt-get install chromium``); Playwright never downloads a browser here. Without them the
tests skip, saying what to install, unless ``RULESIM_BROWSER_TESTS=required`` (CI): then a
missing piece is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rulesim as rs
from rulesim.widgets import secret_values
from rulesim.widgets.secrets import PIECE
from tests.jupyterlab import INSTALL_HINT, ROOT, JupyterLab, chromium_path, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = ROOT / "out" / "screenshots"
REQUIRED = os.environ.get("RULESIM_BROWSER_TESTS", "").lower() == "required"
WAIT_MS = 180_000  # simulations share two cores with everything else: wait on conditions, long
RULE = "require-tos-acceptance"


def _expect(target: Any) -> Any:
    """Playwright's ``expect`` with this module's generous timeout."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    return expect(target)


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"RULESIM_BROWSER_TESTS=required, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium_executable() -> str:
    """The Chromium to drive, once JupyterLab and Playwright are known to be installed."""
    for module in ("jupyterlab", "playwright"):
        try:
            __import__(module)
        except ImportError:
            _missing(f"{module} is not installed: pip install -e '.[browser]'")
    path = chromium_path()
    if path is None:
        _missing(f"no Chromium found: {INSTALL_HINT}")
    assert path is not None
    return path


@pytest.fixture(scope="module")
def lab(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    with JupyterLab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = chromium_executable
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh tab, 1400 px wide (a notebook cell about 960 px), tall enough for a whole view."""
    tab = chromium.new_page(viewport={"width": 1400, "height": 3600})
    tab.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.console_errors = errors
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SHOTS / f"last-{request.node.name}.png")  # the state at the end
    tab.close()


def _shot(element: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    element.scroll_into_view_if_needed()
    element.screenshot(path=path)
    return path


def _button(scope: Any, text: str) -> Any:
    """The button that reads ``text`` (by its text: an icon's glyph joins its accessible name)."""
    return scope.locator("button").filter(has_text=re.compile(f"^\\s*{re.escape(text)}\\s*$"))


def _output_with(page: Any, button: str) -> Any:
    """The cell output holding a widget that has a button reading ``button``."""
    return page.locator(".jp-OutputArea-output").filter(has=_button(page, button))


def _dropdown(scope: Any, label: str) -> Any:
    return scope.locator(".widget-dropdown").filter(
        has=scope.page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))).locator("select")


def _counts(text: str) -> dict[str, int]:
    """``"2,000 logins: allowed 540, denied 210"`` → ``{"logins": 2000, "allowed": 540, …}``."""
    total, _, rest = text.partition(" logins: ")
    out = {"logins": int(total.replace(",", ""))}
    for part in rest.split(", "):
        name, _, value = part.strip().partition(" ")
        out[name] = int(value.replace(",", ""))
    return out


def _rule_row(scope: Any, rule: str) -> dict[str, str]:
    """The visible per-rule table's row of ``rule``, as ``{column: text}``."""
    table = scope.locator("table:visible").filter(has=scope.page.locator("th", has_text="skipped"))
    header = [t.strip() for t in table.locator("th").all_inner_texts()]
    row = table.locator("tr").filter(
        has=scope.page.locator("td", has_text=re.compile(f"^{re.escape(rule)}$")))
    return dict(zip(header, (c.strip() for c in row.locator("td").all_inner_texts()), strict=True))


def _summary_header(explorer: Any) -> Any:
    return explorer.locator(".widget-html-content:visible").filter(
        has_text=re.compile(r"^[\d,]+ logins: ")).first


def _run_and_wait(explorer: Any) -> None:
    """Press Run; wait for the run to end."""
    status = explorer.locator(".widget-html-content").filter(
        has_text=re.compile(r"^(ready|running|done|cancelled|run failed)")).first
    _button(explorer, "Run").click()
    # The bar and the seconds move while the run is in flight (an estimate from the
    # notebook's own run), not only when it ends.
    _expect(status).to_have_text(re.compile(r"estimated from the last run"))
    _shot(explorer, "02-explorer-running")
    _expect(status).to_have_text(re.compile(r"^(done|run failed)"))
    assert status.inner_text().startswith("done"), status.inner_text()


def _assert_no_secret_on_the_page(page: Any) -> None:
    conf = rs.load_rules(ROOT / "datasets" / "tenants" / "acme").configuration
    content = page.content()
    n = PIECE  # shorter runs of a secret are ordinary words as often as leaks
    shown = [v for v in secret_values(conf) for i in range(len(v) - n + 1) if v[i:i + n] in content]
    assert not shown, f"secret values visible on the page: {sorted(set(shown))}"


def test_the_audit_notebook_explorer_switches_a_rule_off_runs_and_shows_the_impact(
        lab: JupyterLab, page: Any) -> None:
    open_and_run_all(page, lab, "02-audit-a-tenant.ipynb")

    # -- LoginBrowser: pick a login, read its trace; a filter that excludes it clears it -----
    browser = _output_with(page, "next ▶").first
    _expect(browser.get_by_text(re.compile(r"^[\d,]+ of 4,000 logins match$"))).to_be_visible()
    browser.locator("select[multiple], select[size]").last.select_option(index=0)
    trace = browser.locator(".widget-html-content").filter(has_text="Final tokens")
    _expect(trace).to_contain_text("no ID or access token is issued")  # a denied login
    _shot(browser, "01-login-browser-trace")
    _dropdown(browser, "outcome").select_option(label="allowed")
    _expect(browser.get_by_text("select a login to see its trace")).to_be_visible()
    query = browser.locator(".widget-text").filter(has=page.locator("label", has_text="query"))
    query.locator("input").fill("country == 'DE'")
    query.locator("input").press("Enter")
    _expect(browser.get_by_text(re.compile(r"^0 of 4,000 logins match$"))).to_be_visible()

    # -- Explorer: the notebook ran it once; switch a rule off and run again -------------------
    explorer = _output_with(page, "Pin as baseline")
    _expect(explorer).to_have_count(1)
    config = explorer.locator("textarea")
    assert "••••••••" in config.input_value()
    first = _summary_header(explorer).inner_text()
    assert _rule_row(explorer, RULE)["runs"] != "0"
    _shot(explorer, "02-explorer-after-the-notebook-run")

    explorer.get_by_role("checkbox", name=RULE).uncheck()
    _run_and_wait(explorer)
    _expect(_summary_header(explorer)).not_to_have_text(first)
    second = _summary_header(explorer).inner_text()
    before, after = _counts(first), _counts(second)
    assert after["logins"] == before["logins"] == 2_000
    assert after != before and after.get("denied", 0) < before.get("denied", 0)
    row = _rule_row(explorer, RULE)
    assert (row["runs"], row["skipped"]) == ("0", "2,000")
    _shot(explorer, "03-explorer-rule-switched-off")

    # -- Pin, switch the rule back on, run: the Impact tab shows what it changes ---------------
    _button(explorer, "Pin as baseline").click()
    _expect(explorer.get_by_text(re.compile(r"^baseline pinned: "))).to_be_visible()
    explorer.get_by_role("checkbox", name=RULE).check()
    _run_and_wait(explorer)
    headline = explorer.get_by_text(re.compile(r"^[\d,]+ of 2,000 logins .* change outcome$"))
    _expect(headline).to_be_visible()
    changed = int(headline.inner_text().split(" of ")[0].replace(",", ""))
    assert changed > 0
    _expect(explorer.get_by_text(f"rule `{RULE}` enabled")).to_be_visible()
    _shot(explorer, "04-explorer-impact")
    explorer.get_by_role("tab", name="Changed logins").click()
    explorer.locator("select[size]:visible").last.select_option(index=0)
    comparison = explorer.locator(".widget-html-content:visible").filter(has_text="Final tokens")
    _expect(comparison).to_contain_text("candidate")
    _shot(explorer, "05-explorer-impact-changed-login")

    # -- The summary's other tabs render their figures ----------------------------------------
    explorer.get_by_role("tab", name="Summary").click()
    explorer.get_by_role("tab", name="Outcomes").click()
    _expect(explorer.locator("img:visible").first).to_be_visible()
    _shot(explorer, "06-explorer-summary-outcomes")

    _assert_no_secret_on_the_page(page)
    assert page.console_errors == []


def test_the_impact_notebook_view_changes_segment_and_login_on_request(
        lab: JupyterLab, page: Any) -> None:
    open_and_run_all(page, lab, "03-impact-of-a-rule-change.ipynb")
    view = _output_with(page, "next ▶").filter(has=page.get_by_role("tab", name="Changed logins"))
    _expect(view).to_have_count(1)
    comparison = view.locator(".widget-html-content:visible").filter(has_text="Final tokens")
    _expect(comparison).to_contain_text("denied")  # the notebook's example, newly denied
    first = comparison.inner_text()
    _shot(view, "11-impact-view-example")

    options = view.locator("select[size]:visible").last
    assert options.locator("option").count() >= 2
    options.select_option(index=1)
    _expect(comparison).not_to_have_text(first)
    _shot(view, "12-impact-view-another-login")

    view.get_by_role("tab", name="Segments").click()
    _dropdown(view, "segment").select_option(label="client_name")
    segments = view.locator("table:visible").filter(has=page.locator("th", has_text="client_name"))
    _expect(segments).to_have_count(1)
    _shot(view, "13-impact-view-segments")

    _assert_no_secret_on_the_page(page)
    assert page.console_errors == []
