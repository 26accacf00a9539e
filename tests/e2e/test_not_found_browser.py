"""The 404 page as a merchant on a phone meets it, in Debian's headless Chromium: the local
mode answers a missing address with the distribution's one bilingual page (status 404);
vnb-404.js puts the address's language first and suggests the nearest page; axe finds
nothing; it fits a 360 px screen; without JavaScript both languages stay, French first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from browser import axe, describe
from localdev.standin import REPOSITORY
from localdev.state import State
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
HREFLANG = {"fr": "fr-CA", "en": "en-CA"}


def _title(lang: str) -> str:
    strings = yaml.safe_load((REPOSITORY / f"content/data/i18n/{lang}.yml").read_text("utf-8"))
    title: str = strings["site"]["notfound"]["title"]
    return title


TITLES = {lang: _title(lang) for lang in HREFLANG}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("address", "first", "suggested", "pair"),
    [
        ("fr/programe/", "fr", "/fr/programme/", "/en/program/"),
        ("inscriptions", "fr", "/fr/inscription/", "/en/register/"),
        ("en/registr/", "en", "/en/register/", "/fr/inscription/"),
        ("en/nope", "en", None, None),
        ("fr/subventions/", "fr", None, None),
    ],
)
def test_the_404_page_speaks_the_address_s_language_and_suggests_the_nearest_page(
    local: State, phone: Page, address: str, first: str, suggested: str | None, pair: str | None
) -> None:
    response = phone.goto(local.url + address)
    assert response is not None and response.status == 404
    second = "en" if first == "fr" else "fr"
    sections = phone.locator("main > section")
    expect(sections).to_have_count(2)
    assert sections.nth(0).get_attribute("lang") == HREFLANG[first]
    assert phone.evaluate("document.documentElement.lang") == HREFLANG[first]
    expect(sections.nth(0).locator("h1")).to_have_text(TITLES[first])
    expect(sections.nth(1).locator("h1")).to_have_text(TITLES[second])
    assert phone.title().startswith(TITLES[first])
    expect(sections.nth(0).locator(".vnb404-asked code")).to_contain_text(address.rstrip("/"))
    if suggested is None:
        expect(phone.locator(".vnb404-suggestion").first).to_be_hidden()
    else:
        link = sections.nth(0).locator(".vnb404-suggestion a")
        expect(link).to_be_visible()
        assert link.get_attribute("href") == suggested
        assert link.bounding_box()["y"] < PHONE["height"]  # type: ignore[index]
        assert sections.nth(1).locator(".vnb404-suggestion a").get_attribute("href") == pair
    violations = axe(phone)
    assert violations == [], describe(violations)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_suggestion_leads_to_the_page(local: State, phone: Page) -> None:
    phone.goto(local.url + "fr/programe/")
    with phone.expect_navigation():
        phone.locator("#fr .vnb404-suggestion a").click()
    assert phone.url == local.url + "fr/programme/"
    assert phone.locator("h1").first.inner_text() != TITLES["fr"]


def test_the_suggestion_comes_first_with_the_keyboard(local: State, phone: Page) -> None:
    phone.goto(local.url + "fr/programe/")
    focused = []
    for _ in range(6):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.getAttribute('href')"))
    # The program's name, the two language jumps, then the suggestion.
    assert focused[3] == "/fr/programme/", focused


@pytest.mark.parametrize("address", ["fr/programe/", "en/a-long-address-nobody-published/"])
def test_the_page_fits_a_360px_phone(local: State, browser: Browser, address: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(local.url + address)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for selector in ("main > section:first-child button", "main > section:first-child input"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["x"] + box["width"] <= 360 and box["height"] >= 44
    finally:
        context.close()


def test_without_javascript_both_languages_stay_french_first(
    local: State, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        response = page.goto(local.url + "en/nope/")
        assert response is not None and response.status == 404
        sections = page.locator("main > section")
        assert [sections.nth(i).get_attribute("lang") for i in range(2)] == ["fr-CA", "en-CA"]
        expect(page.locator("#en h1")).to_have_text(TITLES["en"])
        expect(page.locator(".vnb404-suggestion").first).to_be_hidden()
        assert page.locator('#en a[href="/en/register/"]').count() == 1
    finally:
        context.close()


def test_each_language_searches_its_own_search_page(local: State, phone: Page) -> None:
    phone.goto(local.url + "en/nope/")
    phone.locator("#en input[name=q]").fill("branch montreal")
    with phone.expect_navigation():
        phone.locator("#en input[name=q]").press("Enter")
    assert phone.url == local.url + "en/search/?q=branch+montreal"
