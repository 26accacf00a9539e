"""axe-core (WCAG 2.1 A/AA) on every page type of the site, in both languages, in Debian's
headless Chromium; and the `/` language choice and the switch, as a visitor sees them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import assert_no_axe_violation, static_server
from playwright.sync_api import Browser
from sitebuild.build import build
from sitebuild.settings import BuildSettings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# One page of each type, French and English addresses.
PAGE_TYPES = {
    "home": ("fr/", "en/"),
    "program": ("fr/programme/", "en/program/"),
    "eligibility": ("fr/admissibilite/", "en/eligibility/"),
    "branch directory and finder": ("fr/succursales/", "en/branches/"),
    "branch": ("fr/succursales/montreal/", "en/branches/montreal/"),
    "registration": ("fr/inscription/", "en/register/"),
    "assessment": ("fr/bilan-numerique/", "en/digital-assessment/"),
    "faq": ("fr/faq/", "en/faq/"),
    "news index": ("fr/nouvelles/", "en/news/"),
    "news post": (
        "fr/nouvelles/2021-04-06-lancement-du-programme/",
        "en/news/2021-04-06-program-launch/",
    ),
    "newsroom": ("fr/salle-de-presse/", "en/newsroom/"),
    "privacy": ("fr/confidentialite/", "en/privacy/"),
    "accessibility": ("fr/accessibilite/", "en/accessibility/"),
    "contact": ("fr/contact/", "en/contact/"),
    "search": ("fr/recherche/", "en/search/"),
    "not found": ("fr/404.html", "en/404.html"),
}
CASES = [
    pytest.param(path, id=f"{kind}-{lang}")
    for kind, paths in PAGE_TYPES.items()
    for lang, path in zip(("fr", "en"), paths, strict=True)
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("axe-build")
    build(BuildSettings(out_dir=out))
    with static_server(out / "site") as url:
        yield url


@pytest.mark.parametrize("path", CASES)
@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_no_axe_violation(browser: Browser, base_url: str, path: str, width: int) -> None:
    assert_no_axe_violation(browser, base_url + path, width)


def test_root_sends_visitors_without_javascript_to_french(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-CA")
    page = context.new_page()
    try:
        page.goto(base_url)
        page.wait_for_url("**/fr/")
        assert page.url == base_url + "fr/"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "expected"), [("fr-CA", "/fr/"), ("en-CA", "/en/"), ("de-DE", "/fr/")]
)
def test_root_sends_visitors_to_their_language(
    browser: Browser, base_url: str, locale: str, expected: str
) -> None:
    context = browser.new_context(locale=locale)
    page = context.new_page()
    try:
        page.goto(base_url)
        page.wait_for_url(f"**{expected}")
        assert page.url == base_url + expected.lstrip("/")
    finally:
        context.close()


def test_switch_lands_on_the_paired_page(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(base_url + "fr/succursales/mauricie/")
        page.click(".vnb-switch__link")
        assert page.url == base_url + "en/branches/mauricie/"
        assert page.locator("html").get_attribute("lang") == "en"
        page.click(".vnb-switch__link")
        assert page.url == base_url + "fr/succursales/mauricie/"
    finally:
        page.close()
