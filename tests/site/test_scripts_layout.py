"""The pages' own scripts start after the first paint (site/overrides/partials/vnb-inline.html)
and nothing moves when they run: the assessment's steps (Lighthouse's CLS was 0.022: the
first step slid down under the progress line the script inserted), the branch finder's
field, the search form. Without JavaScript the assessment still shows every question.

The built site in Debian's headless Chromium at Lighthouse's phone size and at a desktop's,
the CPU slowed four times, the layout shifts read from the browser's own `layout-shift`
entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sitetests import BuiltSite
from stylesheets import helper_module

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSESSMENT = ("fr/bilan-numerique/", "en/digital-assessment/")
# Each page with a script that starts after the first paint → what shows once it has run.
SCRIPTED = {
    **{page: "form.vnb-stepped .vnb-step-next" for page in ASSESSMENT},
    "fr/succursales/": ".vnb-finder__field:not([hidden]) input",
    "en/branches/": ".vnb-finder__field:not([hidden]) input",
    "fr/recherche/": ".vnb-search:not([hidden]) input[name=q]",
    "en/search/": ".vnb-search:not([hidden]) input[name=q]",
}
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LOADED_AFTER_PAINT = """() => [...document.querySelectorAll('script[type="vnb/after-paint"]')]
  .map((marker) => marker.dataset.src)"""
RECORD_SHIFTS = """
window.vnbShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.vnbShifts.push({value: entry.value, sources: (entry.sources || []).map(
      (s) => `${s.node && s.node.nodeName}.${s.node && s.node.className} `
        + `${s.previousRect.x},${s.previousRect.y} ${s.previousRect.width}→`
        + `${s.currentRect.x},${s.currentRect.y} ${s.currentRect.width}`)});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture(scope="module")
def served(site: BuiltSite) -> Iterator[tuple[str, Any]]:
    browser_helpers = helper_module("support", "browser")
    with browser_helpers.static_server(site.root) as base, browser_helpers.chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("address", SCRIPTED)
def test_the_scripts_run_after_the_first_paint_without_moving_anything(
    served: tuple[str, Any], address: str, screen: dict[str, Any]
) -> None:
    base, browser = served
    context = browser.new_context(**screen)
    try:
        context.add_init_script(RECORD_SHIFTS)
        page = context.new_page()
        # A slow phone: the script runs well after the first paint.
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(base + address, wait_until="load")
        assert page.evaluate(LOADED_AFTER_PAINT), "the page names no script for after the paint"
        # The page itself loads none of them: no src= script of ours before the paint.
        assert page.locator("script[src][defer], script[src][async]").count() == 0
        page.wait_for_selector(SCRIPTED[address], state="visible")
        page.wait_for_timeout(300)
        if address in ASSESSMENT:
            assert page.locator(".vnb-progress").inner_text().strip()
            visible = page.locator(".vnb-step:visible")
            assert visible.count() == 1, "the script did not show one step at a time"
        shifts = page.evaluate("window.vnbShifts")
        assert shifts == [], f"the page moved: {shifts}"
    finally:
        context.close()


@pytest.mark.parametrize("address", ASSESSMENT)
def test_without_javascript_every_question_shows(served: tuple[str, Any], address: str) -> None:
    base, browser = served
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + address, wait_until="load")
        steps = page.locator(".vnb-step")
        assert steps.count() > 2
        assert page.locator(".vnb-step:visible").count() == steps.count()
        assert page.locator(".vnb-step-last button[type=submit]").is_visible()
    finally:
        context.close()
