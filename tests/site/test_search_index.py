"""The search indexes the build writes (sitebuild.search): one Pagefind bundle per language
holding that language's pages only, and no page but the search page loading any of it."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from content_model import LANGUAGES, DataError
from sitebuild.search import indexed_pages, search_page
from sitetests import SITE_URL, BuiltSite, build_copy, copy_content, tags

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

SEARCH_PAGES = {"fr": "/fr/recherche/", "en": "/en/search/"}


def fragments(bundle: Path) -> list[dict[str, object]]:
    """Pagefind's page records: gzip, a short signature, then JSON."""
    records = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[data.index(b"{") :]))
    return records


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_index_of_its_own_pages(site: BuiltSite, lang: str) -> None:
    bundle = site.root / lang / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # One language per bundle: Pagefind loads this language's stemmer (wasm.fr / wasm.en).
    assert list(entry["languages"]) == [lang]
    assert (bundle / f"wasm.{lang}.pagefind").is_file()
    plan = site.result.plan
    expected = {page.url for page in indexed_pages(plan, lang)}
    assert len(expected) == len(plan.pages[lang]) - 1 > 10
    urls = [str(record["url"]).lstrip("/") for record in fragments(bundle)]
    assert sorted(urls) == sorted(expected)
    assert entry["languages"][lang]["page_count"] == len(expected)
    assert search_page(plan, lang).url not in urls


def test_the_french_index_has_french_text_and_no_english_page(site: BuiltSite) -> None:
    fr = " ".join(str(r["content"]) for r in fragments(site.root / "fr" / "pagefind"))
    en = " ".join(str(r["content"]) for r in fragments(site.root / "en" / "pagefind"))
    assert "Trouver ma succursale" in fr and "Trouver ma succursale" not in en
    assert "Find my branch" in en and "Find my branch" not in fr


def test_only_the_content_is_indexed_not_header_menu_footer_or_forms(site: BuiltSite) -> None:
    records = {str(r["url"]): r for r in fragments(site.root / "fr" / "pagefind")}
    for url, record in records.items():
        content = str(record["content"])
        # The page's own heading comes first: no skip link, header or menu before it…
        assert content.startswith(f"{record['meta']['title']}."), url  # type: ignore[index]
        assert "Aller au contenu" not in content, url
        # …and no finder field (its label is on the branches page only).
        assert "Nom de votre municipalité" not in content, url
    # The footer's note is on every page, but in the FAQ's content nowhere.
    assert "Programme mené par" in (site.root / "fr/faq/index.html").read_text("utf-8")
    assert "Programme mené par" not in str(records["/faq/"]["content"])
    # The registration form's labels stay out (the form is excluded).
    assert "Nom légal de l’entreprise" in (site.root / "fr/inscription/index.html").read_text(
        "utf-8"
    )
    assert "Nom légal de l’entreprise" not in str(records["/inscription/"]["content"])


def test_the_municipality_list_is_searchable(site: BuiltSite) -> None:
    branches = next(
        r for r in fragments(site.root / "fr" / "pagefind") if r["url"] == "/succursales/"
    )
    assert "Trois-Rivières" in str(branches["content"])


def _loaded_files(root: Path, page: Path) -> list[str]:
    """Every script, stylesheet, preload and module a page asks for, as site paths."""
    found = tags(page)
    base = "/" + page.parent.relative_to(root).as_posix() + "/"
    scripts = found.find("script")
    urls = [a["src"] for a in scripts if a.get("src")]
    # and the scripts it names for after the first paint (partials/vnb-inline.html loads them)
    urls += [a["data-src"] for a in scripts if a.get("type") == "vnb/after-paint"]
    urls += [a["href"] for name, a in found.tags if name == "link" and a.get("rel") != "alternate"]
    return [urljoin(base, url) for url in urls]


def test_no_page_but_the_search_page_loads_search_code(site: BuiltSite) -> None:
    pages = site.html_pages() + sorted(site.root.glob("*/404.html"))
    assert len(pages) > 30
    for path in pages:
        relative = "/" + path.relative_to(site.root).as_posix().removesuffix("index.html")
        loaded = _loaded_files(site.root, path)
        text = path.read_text(encoding="utf-8")
        if relative in SEARCH_PAGES.values():
            assert any(url.endswith("/assets/vnb-search.js") for url in loaded), relative
            continue
        assert not [u for u in loaded if "pagefind" in u or "vnb-search.js" in u], relative
        assert "pagefind" not in text, relative


def test_every_page_links_to_its_language_search_page_in_its_header(site: BuiltSite) -> None:
    pages = site.html_pages() + sorted(site.root.glob("*/404.html"))
    for path in pages:
        lang = path.relative_to(site.root).parts[0]
        text = path.read_text(encoding="utf-8")
        header = re.search(r"<header.*?</header>", text, re.S)
        assert header, path
        link = re.search(r'<a href="([^"]+)" class="[^"]*vnb-search-link', header.group(0))
        assert link, path
        # A 404 page is served at any address: MkDocs gives it root-relative links.
        folder = path.parent.relative_to(site.root).as_posix()
        target = urljoin(f"{SITE_URL}{folder}/", link.group(1))
        assert target == SITE_URL.rstrip("/") + SEARCH_PAGES[lang], path


def test_the_search_page_is_required(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    pages = content / "data" / "pages.yml"
    pages.write_text(
        "\n".join(
            line for line in pages.read_text("utf-8").splitlines() if "id: search" not in line
        ),
        encoding="utf-8",
    )
    (content / "fr" / "recherche.md").unlink()
    (content / "en" / "search.md").unlink()
    with pytest.raises(
        DataError, match=r"pages\.yml: \(root\): the 'search' page pair is required"
    ):
        build_copy(content, tmp_path / "out")
