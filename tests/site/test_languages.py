"""Pairs, language switch, hreflang, canonical and sitemap alternates, read from the built HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sitetests import SITE_URL, BuiltSite, tags

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OTHER = {"fr": "en", "en": "fr"}
HREFLANG = {"fr": "fr-CA", "en": "en-CA"}


def own_url(site: BuiltSite, path: str) -> str:
    rel = path.removesuffix("index.html")
    return SITE_URL + rel


def alternates_of(site: BuiltSite, rel: str) -> dict[str, str]:
    links = tags(site.root / rel).find("link", rel="alternate")
    found = {link["hreflang"]: link["href"] for link in links if "hreflang" in link}
    assert len(found) == len([link for link in links if "hreflang" in link]), "duplicate hreflang"
    return found


def test_every_page_has_its_pair_both_ways(site: BuiltSite) -> None:
    pages = [p.relative_to(site.root).as_posix() for p in site.html_pages()]
    assert len(pages) > 20
    for rel in pages:
        lang = rel.split("/")[0]
        pair_url = alternates_of(site, rel)[HREFLANG[OTHER[lang]]]
        pair_file = site.file_for(pair_url)
        assert pair_file.is_file(), f"{rel}: pair {pair_url} not built"
        back = alternates_of(site, pair_file.relative_to(site.root).as_posix())
        assert back[HREFLANG[lang]] == own_url(site, rel), f"{rel}: pair does not point back"


def test_hreflang_set_is_complete_absolute_and_self_referencing(site: BuiltSite) -> None:
    for path in site.html_pages():
        rel = path.relative_to(site.root).as_posix()
        lang = rel.split("/")[0]
        alternates = alternates_of(site, rel)
        assert set(alternates) == {"fr-CA", "en-CA", "x-default"}, rel
        assert all(href.startswith(SITE_URL) and href.endswith("/") for href in alternates.values())
        assert alternates[HREFLANG[lang]] == own_url(site, rel)
        assert alternates["x-default"] == alternates["fr-CA"]


def test_canonical_is_the_page_own_absolute_url(site: BuiltSite) -> None:
    for path in site.html_pages():
        rel = path.relative_to(site.root).as_posix()
        canonical = tags(path).find("link", rel="canonical")
        assert [c["href"] for c in canonical] == [own_url(site, rel)], rel


def test_language_switch_lands_on_the_paired_page_at_its_canonical_address(
    site: BuiltSite,
) -> None:
    for path in site.html_pages():
        rel = path.relative_to(site.root).as_posix()
        lang = rel.split("/")[0]
        switches = [a for a in tags(path).find("a") if "vnb-switch__link" in a.get("class", "")]
        assert len(switches) == 1, rel
        href = switches[0]["href"]
        assert href.startswith(f"/{OTHER[lang]}/") and href.endswith("/"), href
        assert SITE_URL.rstrip("/") + href == alternates_of(site, rel)[HREFLANG[OTHER[lang]]]
        assert switches[0]["lang"] == OTHER[lang]
        assert site.file_for(href).is_file()


def test_known_pairs_switch_to_their_translated_slug(site: BuiltSite) -> None:
    for fr, en in [("programme/", "program/"), ("succursales/montreal/", "branches/montreal/")]:
        page = tags(site.root / "fr" / fr / "index.html")
        assert [a["href"] for a in page.find("a") if a.get("hreflang") == "en-CA"] == [f"/en/{en}"]


def _sitemap(site: BuiltSite, rel: str) -> dict[str, dict[str, str]]:
    root = ET.parse(site.root / rel).getroot()  # noqa: S314 (our own build output)
    return {
        url.findtext(f"{SITEMAP}loc", ""): {
            link.get("hreflang", ""): link.get("href", "") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemaps_list_every_page_with_the_same_alternates_as_the_page(site: BuiltSite) -> None:
    root_map = _sitemap(site, "sitemap.xml")
    pages = site.html_pages()
    assert set(root_map) == {own_url(site, p.relative_to(site.root).as_posix()) for p in pages}
    for path in pages:
        rel = path.relative_to(site.root).as_posix()
        assert root_map[own_url(site, rel)] == alternates_of(site, rel)
    for lang in ("fr", "en"):
        lang_map = _sitemap(site, f"{lang}/sitemap.xml")
        assert lang_map and all(loc.startswith(f"{SITE_URL}{lang}/") for loc in lang_map)
        assert {loc: root_map[loc] for loc in lang_map} == lang_map
