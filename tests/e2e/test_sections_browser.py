"""A grown site's menu of sections, in Debian's headless Chromium: still the site's menu,
axe-clean, on a phone and on a desktop (the real site has no section yet: synthetic pages
in a copy of the content make some, as tests/site/test_build_scale.py does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import assert_no_axe_violation, static_server
from playwright.sync_api import Browser
from sitetests import build_copy, copy_content
from synthetic import add_synthetic_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "top section": ("fr/essai/", "en/trial/"),
    "section": ("fr/essai/section-02/", "en/trial/section-02/"),
    "page in a section": ("fr/essai/section-02/page-0013/", "en/trial/section-02/page-0013/"),
}
CASES = [
    pytest.param(path, id=f"{kind}-{lang}")
    for kind, paths in PAGES.items()
    for lang, path in zip(("fr", "en"), paths, strict=True)
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("sections")
    content = copy_content(tmp)
    add_synthetic_pages(content, 30, section_size=10)
    out = tmp / "out"
    build_copy(content, out)
    with static_server(Path(out) / "site") as url:
        yield url


@pytest.mark.parametrize("path", CASES)
@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_no_axe_violation(browser: Browser, base_url: str, path: str, width: int) -> None:
    assert_no_axe_violation(browser, base_url + path, width)


def test_the_desktop_sidebar_leads_from_section_to_section(browser: Browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(base_url + "fr/essai/section-01/page-0003/")
        menu = page.locator("nav.md-nav--primary")
        # The open section shows its pages; another section is one link.
        assert menu.get_by_role("link", name="Page d’essai 5", exact=True).is_visible()
        other = menu.get_by_role("link", name="Section d’essai 2", exact=True)
        assert other.is_visible()
        other.click()
        page.wait_for_url("**/fr/essai/section-02/")
        assert menu.get_by_role("link", name="Page d’essai 13", exact=True).is_visible()
        assert menu.get_by_role("link", name="Page d’essai 5", exact=True).count() == 0
        # The real pages stay one click away.
        assert menu.locator('a[href$="/contact/"]').is_visible()
    finally:
        page.close()
