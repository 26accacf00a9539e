"""The site grows without every page growing: the menu a page carries stays bounded.

Issue 13: every page embedded the whole menu, so each page and the build grew with the
page count (500 extra pages per language: 145 KB per page). With the menu made of sections
(`sitebuild.pages.nav_tree`) and Material's `navigation.prune`, a page lists the top
entries and the sections open on its way. The timed figures are the benchmark's
(`tests/benchmarks/bench_site.py --extra-pages 250 500`); this proves the structure with
the real strict build of the real content plus synthetic pages.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from sitebuild.compact import compact_html
from sitebuild.pages import Page, nav_tree
from sitetests import Tags, build_copy, copy_content
from synthetic import TOP, add_synthetic_pages

EXTRA = 30
SECTION_SIZE = 10  # the top section, then 3 sections of 10 pages (index included)


def _menu_links(html: str, page_url: str) -> list[str]:
    """The addresses the page's menu (Material's primary navigation) links to, from the
    language root, resolved from the page's own address."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    end = html.index('<div class="md-sidebar md-sidebar--secondary"', start)
    links = []
    for _, attrs in Tags(html[start:end]).tags:
        href = attrs.get("href")
        if href is None or href.startswith(("#", "/", "http")):
            continue
        resolved = posixpath.normpath(posixpath.join(page_url, href))
        links.append("" if resolved == "." else resolved.strip("/") + "/")
    return links


def _pages(site_lang: Path) -> dict[str, str]:
    """The built pages of a language by address from its root (`essai/section-01/`)."""
    found = {}
    for path in sorted(site_lang.rglob("index.html")):
        if "pagefind" in path.parts:
            continue
        url = path.parent.relative_to(site_lang).as_posix()
        found["" if url == "." else url + "/"] = path.read_text(encoding="utf-8")
    return found


@pytest.mark.slow
def test_no_page_lists_every_page_of_a_grown_site(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    added = add_synthetic_pages(content, EXTRA, SECTION_SIZE)
    build_copy(content, tmp_path / "out")
    root = tmp_path / "out" / "site"

    for lang in ("fr", "en"):
        synthetic = set(added.urls[lang])
        assert len(synthetic) == EXTRA
        top = f"{TOP[lang]}/"
        sections = {url for url in synthetic if url.count("/") == 2}
        assert len(sections) == 3
        pages = _pages(root / lang)
        assert synthetic < set(pages)
        for url, html in pages.items():
            menu = set(_menu_links(html, url))
            listed = menu & synthetic
            # Never every page: the top section, its sections (one link each while
            # closed), and the pages of the section the page is in.
            assert len(listed) <= 1 + len(sections) + SECTION_SIZE - 1, (url, sorted(listed))
            if url in synthetic:
                # The sidebar is still the site's menu: the way to every section, and every
                # page of the page's own section.
                own = "/".join(url.split("/")[:2]) + "/" if url != top else None
                expected = {top} | sections
                expected |= {u for u in synthetic if own and u.startswith(own)}
                assert expected <= menu, (url, sorted(expected - menu))
                assert {"", "contact/"} <= menu  # the top entries: home, contact
            else:
                # A page of the real site: its menu and the one new entry.
                assert listed == {top}, (url, sorted(listed))
            # Nor does the whole page (menu and text) link to every synthetic page.
            hrefs = {
                posixpath.normpath(posixpath.join(url or ".", attrs["href"])).strip("./") + "/"
                for _, attrs in Tags(html).tags
                if attrs.get("href") and not attrs["href"].startswith(("#", "/", "http", "mailto"))
            }
            assert len(hrefs & synthetic) < EXTRA, url


def _page(path: str, nav: bool = True) -> Page:
    return Page(id=path, lang="fr", path=path, nav=nav)


def test_a_folder_of_menu_pages_is_a_section_named_by_its_index() -> None:
    pages = [
        _page("index.md"),
        _page("programme.md"),
        _page("succursales/index.md"),
        _page("succursales/montreal.md", nav=False),
        _page("guides/index.md"),
        _page("guides/vendre/index.md"),
        _page("guides/vendre/boutique.md"),
        _page("guides/outils.md"),
        _page("faq.md"),
        _page("hors-menu.md", nav=False),
    ]
    titles = {p.path: f"T:{p.path}" for p in pages}
    assert nav_tree(pages, titles) == [
        "index.md",
        "programme.md",
        "succursales/index.md",  # only its index in the menu: one entry, as before
        {
            "T:guides/index.md": [
                "guides/index.md",
                {
                    "T:guides/vendre/index.md": [
                        "guides/vendre/index.md",
                        "guides/vendre/boutique.md",
                    ]
                },
                "guides/outils.md",
            ]
        },
        "faq.md",
    ]


def test_the_real_menu_is_flat_as_before() -> None:
    """The real site's folders (news, branches) have only their index in the menu."""
    pages = [_page(p) for p in ("index.md", "a.md", "nouvelles/index.md")]
    pages.append(_page("nouvelles/2021-lancement.md", nav=False))
    assert nav_tree(pages, {}) == ["index.md", "a.md", "nouvelles/index.md"]


def test_compacting_keeps_what_shows_and_drops_the_indentation() -> None:
    html = (
        "<ul>\n    <li>\n      <a href='x'>Un\u00a0:</a>\n    </li>\n\n  </ul>\n"
        "<pre><code>a\n    b\n</code></pre>\n  <p>texte <code>x\n  y</code></p>\n"
        "<script>\n  var a = 1;\n</script>\n  <textarea>\n  z\n</textarea>\n"
        "<p>\n\u00a0suite</p>"
    )
    assert compact_html(html) == (
        "<ul>\n<li>\n<a href='x'>Un\u00a0:</a>\n</li>\n</ul>\n"
        "<pre><code>a\n    b\n</code></pre>\n<p>texte <code>x\n  y</code></p>\n"
        "<script>\n  var a = 1;\n</script>\n<textarea>\n  z\n</textarea>\n"
        "<p>\n\u00a0suite</p>"
    )


def test_compacted_html_shows_the_same_text() -> None:
    """The text a page shows, white space collapsed as a browser does, is unchanged."""
    html = (
        "<div>\n   <p>Un  texte\n      sur deux lignes</p>\n"
        "  <span>a</span>\n  <span>b</span>\n</div>"
    )

    def shown(text: str) -> str:
        return re.sub(r"[ \t\r\n\f]+", " ", re.sub(r"<[^>]+>", "", text)).strip()

    assert shown(compact_html(html)) == shown(html)
