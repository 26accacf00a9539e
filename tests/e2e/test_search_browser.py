"""Search and the municipality finder as a merchant on a phone uses them (390×844), in both
languages, in Debian's headless Chromium: results in the page's language only, the finder
with and without JavaScript, and axe-core on every state of both pages."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from browser import axe, describe, scripts_ran, static_server
from localdev.state import State
from playwright.sync_api import Browser, Page
from sitebuild.build import build
from sitebuild.settings import BuildSettings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
SEARCH = {"fr": "fr/recherche/", "en": "en/search/"}
BRANCHES = {"fr": "fr/succursales/", "en": "en/branches/"}
# Words found in pages of both languages: a search may only answer with its own language's.
SHARED_WORDS = ["Montréal", "Mauricie", "Virage numérique bleu"]
STRINGS = {
    "fr": {"one": "1 municipalité trouvée", "none": "Aucune municipalité trouvée"},
    "en": {"one": "1 municipality found", "none": "No municipality found"},
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("search-build")
    build(BuildSettings(out_dir=out))
    with static_server(out / "site") as url:
        yield url


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def goto(page: Page, url: str) -> None:
    """The page, once its scripts have run: they start after the first paint, which can
    come after the load event `Page.goto` waits for."""
    page.goto(url)
    scripts_ran(page)


def results(page: Page) -> list[str]:
    """The paths of the listed results, once the search has answered."""
    page.wait_for_selector("#vnb-search-results li a")
    hrefs = page.eval_on_selector_all("#vnb-search-results li a", "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("word", SHARED_WORDS)
def test_a_query_finds_pages_of_the_page_language_only(
    phone: Page, base_url: str, lang: str, word: str
) -> None:
    goto(phone, base_url + SEARCH[lang])
    phone.fill("#vnb-search-q", word)
    phone.press("#vnb-search-q", "Enter")
    found = results(phone)
    assert found, word
    assert all(path.startswith(f"/{lang}/") for path in found), found
    # The address keeps the query: the back button and a shared link find it again.
    assert urlsplit(phone.url).query.startswith("q=")


def test_a_french_query_finds_the_french_page_and_leads_to_it(phone: Page, base_url: str) -> None:
    goto(phone, base_url + SEARCH["fr"] + "?q=admissibilit%C3%A9")
    assert "/fr/admissibilite/" in results(phone)
    assert phone.input_value("#vnb-search-q") == "admissibilité"
    status = phone.text_content("#vnb-search-status") or ""
    assert "résultat" in status and "«\u00a0admissibilité\u00a0»" in status
    phone.click("#vnb-search-results a[href='/fr/admissibilite/']")
    phone.wait_for_url("**/fr/admissibilite/")
    assert phone.locator("h1").text_content() == "Admissibilité"


def test_an_english_query_finds_english_pages(phone: Page, base_url: str) -> None:
    goto(phone, base_url + SEARCH["en"] + "?q=eligibility")
    found = results(phone)
    assert "/en/eligibility/" in found
    assert all(path.startswith("/en/") for path in found)


def test_an_english_word_is_not_found_on_the_french_search(phone: Page, base_url: str) -> None:
    # "coaching" is in English pages (the French ones say « accompagnement »).
    goto(phone, base_url + SEARCH["en"] + "?q=coaching")
    assert results(phone)
    goto(phone, base_url + SEARCH["fr"] + "?q=coaching")
    phone.wait_for_function(
        "document.getElementById('vnb-search-status').textContent.startsWith('Aucun')"
    )
    assert phone.locator("#vnb-search-results li").count() == 0
    # Nothing found: the main pages are offered instead.
    assert phone.is_visible(".vnb-search__pages a[href='../succursales/']")
    phone.fill("#vnb-search-q", "Mauricie")
    phone.press("#vnb-search-q", "Enter")
    assert results(phone)
    assert not phone.is_visible(".vnb-search__pages")


def test_typing_searches_without_pressing_enter(phone: Page, base_url: str) -> None:
    goto(phone, base_url + SEARCH["en"])
    phone.type("#vnb-search-q", "coaching", delay=30)
    assert results(phone)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_header_leads_to_the_search_page(phone: Page, base_url: str, lang: str) -> None:
    goto(phone, base_url + BRANCHES[lang] + "mauricie/")
    phone.click(".vnb-search-link")
    phone.wait_for_url(f"**/{SEARCH[lang]}")
    assert phone.is_visible("#vnb-search-q")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_without_javascript_the_search_page_links_the_main_pages(
    phone_without_js: Page, base_url: str, lang: str
) -> None:
    phone_without_js.goto(base_url + SEARCH[lang] + "?q=test")
    # A form that cannot search is not offered; the noscript text and links are.
    assert not phone_without_js.is_visible("#vnb-search-q")
    assert phone_without_js.is_visible("article noscript p")
    links = phone_without_js.eval_on_selector_all(
        ".vnb-search__pages a", "links => links.map(a => a.href)"
    )
    assert base_url + BRANCHES[lang] in links


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_typing_part_of_a_municipality_finds_its_region_and_branch(
    phone: Page, base_url: str, lang: str
) -> None:
    goto(phone, base_url + BRANCHES[lang])
    phone.fill("#vnb-finder-q", "Trois")
    rows = phone.locator(".vnb-finder + table tbody tr:visible")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_text_contents()
    assert cells[0] == "Trois-Rivières"
    assert cells[1] == "04 – Mauricie"
    assert phone.text_content("#vnb-finder-status") == STRINGS[lang]["one"]
    rows.first.locator("a").click()
    phone.wait_for_url(f"**/{BRANCHES[lang]}mauricie/")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("trois riv", ["Trois-Rivières"]),
        ("LEVIS", ["Lévis"]),
        ("ile", ["Les Îles-de-la-Madeleine", "Sept-Îles"]),
    ],
)
def test_the_finder_ignores_accents_case_and_hyphens(
    phone: Page, base_url: str, typed: str, expected: list[str]
) -> None:
    goto(phone, base_url + BRANCHES["fr"])
    phone.fill("#vnb-finder-q", typed)
    names = phone.locator(".vnb-finder + table tbody tr:visible td:first-child")
    assert names.all_text_contents() == expected


def test_an_unknown_municipality_points_to_the_region_table(phone: Page, base_url: str) -> None:
    goto(phone, base_url + BRANCHES["fr"])
    phone.fill("#vnb-finder-q", "Tombouctou")
    assert phone.locator(".vnb-finder + table tbody tr:visible").count() == 0
    assert STRINGS["fr"]["none"] in (phone.text_content("#vnb-finder-status") or "")
    phone.fill("#vnb-finder-q", "")
    assert phone.locator(".vnb-finder + table tbody tr:visible").count() > 90


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_without_javascript_the_list_finds_the_branch(
    phone_without_js: Page, base_url: str, lang: str
) -> None:
    page = phone_without_js
    page.goto(base_url + BRANCHES[lang])
    assert not page.is_visible("#vnb-finder-q")
    row = page.locator(".vnb-finder + table tbody tr", has_text="Trois-Rivières")
    assert row.locator("td").all_text_contents()[:2] == ["Trois-Rivières", "04 – Mauricie"]
    row.locator("a").click()
    page.wait_for_url(f"**/{BRANCHES[lang]}mauricie/")


def audit(page: Page, state: str, found: list[str]) -> None:
    violations = axe(page)
    if violations:
        found.append(f"{state}: {describe(violations)}")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_no_axe_violation_on_search_and_finder_states(
    browser: Browser, base_url: str, lang: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 844})
    found: list[str] = []
    try:
        goto(page, base_url + SEARCH[lang])
        audit(page, "search, empty", found)
        goto(page, base_url + SEARCH[lang] + "?q=Mauricie")
        results(page)
        audit(page, "search, results", found)
        page.fill("#vnb-search-q", "zzzz")
        page.press("#vnb-search-q", "Enter")
        page.wait_for_function("!document.querySelector('#vnb-search-results li')")
        audit(page, "search, no result", found)
        goto(page, base_url + BRANCHES[lang])
        page.fill("#vnb-finder-q", "Trois")
        audit(page, "finder, one row", found)
        page.fill("#vnb-finder-q", "zzzz")
        audit(page, "finder, no row", found)
    finally:
        page.close()
    assert found == [], "\n".join(found)


# What a browser without JavaScript shows: our scripts never run, <noscript> is rendered.
SHOW_NOSCRIPT = """() => document.querySelectorAll("noscript").forEach((element) => {
  const shown = document.createElement("div");
  shown.innerHTML = element.textContent;
  element.replaceWith(shown);
})"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_axe_violation_without_javascript(phone: Page, base_url: str, lang: str) -> None:
    # axe is a script itself: the page's scripts are refused instead of JavaScript.
    phone.route("**/assets/vnb-*.js", lambda route: route.abort())
    found: list[str] = []
    for path in (SEARCH[lang], BRANCHES[lang]):
        phone.goto(base_url + path)
        phone.evaluate(SHOW_NOSCRIPT)
        audit(phone, path, found)
    assert found == [], "\n".join(found)


def test_search_works_in_the_local_mode(local: State, page: Page) -> None:
    # `make dev` serves the site as CloudFront does: folders, query strings, the bundle.
    goto(page, local.url + "fr/recherche/?q=Mauricie")
    assert "/fr/succursales/mauricie/" in results(page)
