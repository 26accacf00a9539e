"""The assessment page does not move when its script turns the questions into steps
(Lighthouse's CLS was 0.022: the first step slid down under the progress line the script
inserted), and without JavaScript it still shows every question.

The built site in Debian's headless Chromium at Lighthouse's phone size, the layout
shifts read from the browser's own `layout-shift` entries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sitetests import BuiltSite
from stylesheets import helper_module

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ("fr/bilan-numerique/", "en/digital-assessment/")
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True}
RECORD_SHIFTS = """
window.vnbShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.vnbShifts.push({value: entry.value, sources: (entry.sources || []).map(
      (s) => `${s.node && s.node.nodeName}.${s.node && s.node.className} `
        + `${s.previousRect.y}→${s.currentRect.y}`)});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture(scope="module")
def served(site: BuiltSite) -> Iterator[tuple[str, Any]]:
    browser_helpers = helper_module("e2e", "browser")
    with browser_helpers.static_server(site.root) as base, browser_helpers.chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("address", PAGES)
def test_the_steps_appear_without_moving_anything(served: tuple[str, Any], address: str) -> None:
    base, browser = served
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(RECORD_SHIFTS)
        page = context.new_page()
        # A slow phone: the deferred script runs well after the first paint.
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(base + address, wait_until="load")
        page.wait_for_selector("form.vnb-stepped .vnb-step-nav")
        page.wait_for_timeout(300)
        assert page.locator(".vnb-progress").inner_text().strip()
        visible = page.locator(".vnb-step:visible")
        assert visible.count() == 1, "the script did not show one step at a time"
        shifts = page.evaluate("window.vnbShifts")
        assert shifts == [], f"the page moved: {shifts}"
    finally:
        context.close()


@pytest.mark.parametrize("address", PAGES)
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
