"""The service pages as a phone shows them, in Debian's headless Chromium.

- with JavaScript, the consent error sits above its checkbox, full width, as the page
  without JavaScript shows it (it once squeezed into a column beside the box);
- the home, registration and FAQ pages of every phase have no axe violation, and their
  call to action is a button-sized target.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import yaml
from browser import axe, describe, static_server
from localdev.state import State
from playwright.sync_api import Browser, Page, expect
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = REPO_ROOT / "content" / "data"
PHASE = yaml.safe_load((DATA / "program.yml").read_text(encoding="utf-8"))["phase"]
PHONE = {"width": 390, "height": 844}
REGISTRATION = {"fr": "fr/inscription/", "en": "en/register/"}


@pytest.mark.skipif(PHASE == "closed", reason="no form while the program is closed")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_consent_error_sits_above_its_checkbox_with_javascript(
    local: State, page: Page, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(local.url + REGISTRATION[lang])
    page.fill("#reg-legal_name", "Boutique Éole inc.")

    # The server renders the error page (the script only focuses its summary).
    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    error = page.locator("#reg-consent-error")
    expect(error).to_be_visible()
    box = page.locator("#reg-consent").bounding_box()
    message = error.bounding_box()
    field = page.locator("#reg-consent").locator(
        "xpath=ancestor::div[contains(@class,'vnb-field')]"
    )
    row = field.bounding_box()
    assert box and message and row
    assert message["y"] + message["height"] <= box["y"], "the error is not above the checkbox"
    # As wide as the field's content (its error bar and padding aside), not a column.
    assert message["width"] >= row["width"] - 40, (message, row)
    expect(page.locator("#reg-consent")).to_have_attribute("aria-invalid", "true")


@pytest.fixture(scope="module")
def phase_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The real content built in each phase, each served on its own loopback port."""
    roots = {}
    for phase in ("waitlist", "open", "closed"):
        tmp = tmp_path_factory.mktemp(f"axe-{phase}")
        content = tmp / "content"
        shutil.copytree(REPO_ROOT / "content", content)
        program = content / "data" / "program.yml"
        text = program.read_text(encoding="utf-8")
        program.write_text(text.replace(f"phase: {PHASE}", f"phase: {phase}", 1), "utf-8")
        build(BuildSettings(content_dir=content, out_dir=tmp / "out"))
        roots[phase] = tmp / "out" / "site"
    with (
        static_server(roots["waitlist"]) as waitlist,
        static_server(roots["open"]) as open_,
        static_server(roots["closed"]) as closed,
    ):
        yield {"waitlist": waitlist, "open": open_, "closed": closed}


@pytest.mark.parametrize("phase", ["waitlist", "open", "closed"])
@pytest.mark.parametrize(
    "path", ["fr/", "en/", "fr/inscription/", "en/register/", "fr/faq/", "en/faq/"]
)
def test_phase_pages_on_a_phone_have_no_axe_violation(
    browser: Browser, phase_urls: dict[str, str], phase: str, path: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(phase_urls[phase] + path)
        violations = axe(page)
        cta = page.locator(".vnb-cta__button")
        if path in ("fr/", "en/"):
            target = cta.bounding_box()
            assert target and target["height"] >= 44 and target["width"] >= 300, target
    finally:
        page.close()
    assert violations == [], describe(violations)
