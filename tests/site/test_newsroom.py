"""The newsroom, the social previews (Open Graph, Twitter Card) and the Atom feeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from content_model import LANGUAGES
from PIL import Image
from sitetests import SITE_URL, BuiltSite, build_copy, copy_content, tags

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

ATOM = "{http://www.w3.org/2005/Atom}"
NEWSROOM = {"fr": "fr/salle-de-presse/", "en": "en/newsroom/"}


def text_of(path: Path) -> str:
    """The page's visible text, tags removed, spaces (incl. no-break) collapsed."""
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " "))


def test_newsroom_pages_pair_with_each_other(site: BuiltSite) -> None:
    for lang, url in NEWSROOM.items():
        page = tags(site.file_for(SITE_URL + url))
        other = NEWSROOM["en" if lang == "fr" else "fr"]
        hrefs = {
            a["hreflang"]: a["href"] for a in page.find("link", rel="alternate") if "hreflang" in a
        }
        assert (
            hrefs[{"fr": "fr-CA", "en": "en-CA"}["en" if lang == "fr" else "fr"]]
            == SITE_URL + other
        )


def test_newsroom_lists_every_short_link_ready_to_paste(site: BuiltSite) -> None:
    from content_model import load_content as load_site_data

    links = load_site_data(site.settings.data_dir).shortlinks
    for url in NEWSROOM.values():
        text = text_of(site.file_for(SITE_URL + url))
        for link in links:
            assert f"{SITE_URL}{link.path[1:]} " in text, link.path
        assert f"{SITE_URL}inscription?utm_source=" in text
        assert "utm_campaign" in text


def test_newsroom_media_contact_shows_placeholders(site: BuiltSite) -> None:
    assert "Courriel : À confirmer" in text_of(site.file_for(SITE_URL + NEWSROOM["fr"]))
    assert "Email: To be confirmed" in text_of(site.file_for(SITE_URL + NEWSROOM["en"]))


def test_newsroom_key_figures_come_from_program_yml(tmp_path: Path) -> None:
    # Given other figures in a copy of the data
    content = copy_content(tmp_path)
    program_file = content / "data" / "program.yml"
    program = yaml.safe_load(program_file.read_text(encoding="utf-8"))
    program["targets"]["businesses"] = 4321
    program["funding"]["quebec_contribution"] = 1234567
    program["coaching"]["branches"] = 9
    program["media_contact"]["email"] = "medias@example.ca"
    program_file.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
    # When the site is built from it
    build_copy(content, tmp_path / "out")
    # Then both newsrooms show them, and the old figures are gone
    fr = text_of(tmp_path / "out" / "site" / NEWSROOM["fr"] / "index.html")
    en = text_of(tmp_path / "out" / "site" / NEWSROOM["en"] / "index.html")
    assert "environ 4 321 en 3 ans" in fr and "environ 5 000" not in fr
    assert "1 234 567 $" in fr and "Succursales de l’ÉEQ 9 " in fr
    assert "about 4,321 over 3 years" in en and "$1,234,567" in en
    assert "ÉEQ branches 9 " in en
    assert "medias@example.ca" in fr and "medias@example.ca" in en


def test_every_page_has_open_graph_and_twitter_card_meta(site: BuiltSite) -> None:
    pages = site.html_pages()
    assert len(pages) > 20
    for path in pages:
        page = tags(path)
        meta = {
            m.get("property") or m.get("name"): m["content"]
            for m in page.find("meta")
            if "content" in m
        }
        canonical = page.find("link", rel="canonical")[0]["href"]
        lang = path.relative_to(site.root).parts[0]
        assert meta["og:url"] == canonical, path
        assert meta["og:title"] and meta["twitter:title"] == meta["og:title"], path
        assert meta["og:description"] == meta["description"] == meta["twitter:description"], path
        assert meta["og:locale"] == {"fr": "fr_CA", "en": "en_CA"}[lang], path
        assert meta["og:image"] == f"{SITE_URL}{lang}/assets/social.png" == meta["twitter:image"]
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:image:alt"], path


def test_social_image_per_language_is_small_and_the_right_size(site: BuiltSite) -> None:
    images = {lang: site.root / lang / "assets" / "social.png" for lang in LANGUAGES}
    for path in images.values():
        assert path.stat().st_size < 100_000, path
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (1200, 630)
    assert images["fr"].read_bytes() != images["en"].read_bytes()


def test_atom_feed_per_language_is_valid_and_linked(site: BuiltSite) -> None:
    for lang in LANGUAGES:
        feed_url = f"{SITE_URL}{lang}/feed.xml"
        root = ET.parse(site.root / lang / "feed.xml").getroot()  # noqa: S314 (our own file)
        assert root.tag == f"{ATOM}feed"
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == feed_url  # type: ignore[union-attr]
        entries = root.findall(f"{ATOM}entry")
        assert entries, lang
        for entry in entries:
            href = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
            assert site.file_for(href).is_file(), href
            assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}summary")
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d",
                entry.findtext(f"{ATOM}updated") or "",
            )
        for path in (site.root / lang).rglob("index.html"):
            feeds = tags(path).find("link", rel="alternate", type="application/atom+xml")
            assert [f["href"] for f in feeds] == [feed_url], path


def test_the_feed_lists_a_new_news_post_first(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    pages = content / "data" / "pages.yml"
    pages.write_text(
        pages.read_text(encoding="utf-8")
        + "- {id: news-2026-12-01-test, fr: nouvelles/2026-12-01-essai.md,"
        " en: news/2026-12-01-test.md, nav: false}\n",
        encoding="utf-8",
    )
    for lang, path, title in (
        ("fr", "nouvelles/2026-12-01-essai.md", "Essai & test"),
        ("en", "news/2026-12-01-test.md", "Test & trial"),
    ):
        (content / lang / path).write_text(
            f"---\ndescription: {title}.\ndate: 2026-12-01\n---\n# {title}\n\nTexte.\n",
            encoding="utf-8",
        )
    build_copy(content, tmp_path / "out")
    root = ET.parse(tmp_path / "out" / "site" / "en" / "feed.xml").getroot()  # noqa: S314
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles[0] == "Test & trial" and len(titles) == 2
    assert root.findtext(f"{ATOM}updated", "").startswith("2026-12-01")


def test_the_root_page_previews_in_french(site: BuiltSite) -> None:
    page = tags(site.root / "index.html")
    meta = {
        m.get("property") or m.get("name"): m["content"]
        for m in page.find("meta")
        if "content" in m
    }
    assert meta["og:url"] == SITE_URL
    assert meta["og:image"] == f"{SITE_URL}fr/assets/social.png"
    assert (site.root / "fr" / "assets" / "social.png").is_file()
