"""The strict build of the real content, its pages, its data pages and its short links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from content_model import LANGUAGES
from sitebuild.settings import REPO_ROOT
from sitetests import SITE_URL, BuiltSite, tags

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)


def test_strict_build_writes_every_planned_page_in_both_languages(site: BuiltSite) -> None:
    plan = site.result.plan
    assert len(plan.pages["fr"]) == len(plan.pages["en"]) > 10
    for lang in LANGUAGES:
        for page in plan.pages[lang]:
            assert (site.root / lang / page.url / "index.html").is_file(), page


def test_declared_slugs_are_the_translated_ones(site: BuiltSite) -> None:
    for fr, en in [
        ("programme", "program"),
        ("admissibilite", "eligibility"),
        ("succursales", "branches"),
        ("inscription", "register"),
        ("bilan-numerique", "digital-assessment"),
        ("faq", "faq"),
        ("nouvelles", "news"),
        ("confidentialite", "privacy"),
        ("accessibilite", "accessibility"),
        ("contact", "contact"),
    ]:
        assert (site.root / "fr" / fr / "index.html").is_file(), fr
        assert (site.root / "en" / en / "index.html").is_file(), en


def test_html_lang_matches_the_language_folder(site: BuiltSite) -> None:
    for path in site.html_pages():
        lang = path.relative_to(site.root).parts[0]
        assert tags(path).find("html")[0]["lang"] == lang, path


def test_placeholders_show_as_to_be_confirmed_never_raw(site: BuiltSite) -> None:
    for path in site.html_pages():
        assert "À CONFIRMER" not in path.read_text(encoding="utf-8"), path
    assert "À confirmer" in (site.root / "fr/contact/index.html").read_text(encoding="utf-8")
    assert "To be confirmed" in (site.root / "en/contact/index.html").read_text(encoding="utf-8")
    assert sum(len(uses) for uses in site.result.placeholders.values()) > 0


def test_retention_period_comes_from_program_data(site: BuiltSite) -> None:
    program = yaml.safe_load((REPO_ROOT / "content/data/program.yml").read_text("utf-8"))
    days = program["privacy"]["retention_days"]
    fr = (site.root / "fr/confidentialite/index.html").read_text(encoding="utf-8")
    en = (site.root / "en/privacy/index.html").read_text(encoding="utf-8")
    # Said in years (the `period` filter; tests/site/test_service_pages.py checks the rest).
    assert days % 365 == 0
    assert f"{days // 365}\u00a0ans" in fr
    assert f"{days // 365}\u00a0years" in en


def test_news_announcement_is_a_dated_post_at_a_permanent_url(site: BuiltSite) -> None:
    fr = site.root / "fr/nouvelles/2021-04-06-lancement-du-programme/index.html"
    en = site.root / "en/news/2021-04-06-program-launch/index.html"
    assert "6 avril 2021" in fr.read_text(encoding="utf-8")
    assert "April 6, 2021" in en.read_text(encoding="utf-8")
    index = tags(site.root / "fr/nouvelles/index.html")
    assert index.find("a", href="2021-04-06-lancement-du-programme/")


def test_region_finder_lists_all_17_regions_with_a_link_to_their_branch(site: BuiltSite) -> None:
    regions = yaml.safe_load((REPO_ROOT / "content/data/regions.yml").read_text("utf-8"))
    assert len(regions) == 17
    for lang, folder in (("fr", "succursales"), ("en", "branches")):
        page = tags(site.root / lang / folder / "index.html")
        text = (site.root / lang / folder / "index.html").read_text(encoding="utf-8")
        for region in regions:
            assert f"{region['code']} – {region[f'name_{lang}']}" in text
            assert page.find("a", href=f"{region['branch']}/"), region


def test_short_links_redirect_to_existing_pages(site: BuiltSite) -> None:
    links = yaml.safe_load((REPO_ROOT / "content/data/shortlinks.yml").read_text("utf-8"))
    paths = {link["path"] for link in links}
    assert {"/inscription", "/register", "/bilan", "/assessment"} <= paths
    for link in links:
        page = site.root / link["path"].lstrip("/") / "index.html"
        refresh = tags(page).find("meta", http_equiv="refresh")[0]["content"]
        target = re.sub(r"^0; url=", "", refresh)
        assert target == link["to"]
        assert (site.root / target.lstrip("/") / "index.html").is_file()


def test_root_page_offers_both_languages_and_defaults_to_french(site: BuiltSite) -> None:
    root = tags(site.root / "index.html")
    assert root.find("a", href="/fr/") and root.find("a", href="/en/")
    alternates = {a["hreflang"]: a["href"] for a in root.find("link", rel="alternate")}
    assert alternates == {
        "fr-CA": f"{SITE_URL}fr/",
        "en-CA": f"{SITE_URL}en/",
        "x-default": f"{SITE_URL}fr/",
    }
    assert root.find("meta", http_equiv="refresh")[0]["content"] == "0; url=/fr/"


def test_no_page_references_another_origin(site: BuiltSite) -> None:
    url_attr = re.compile(
        r"""(?:src|href|action|content|srcset)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    )
    css_url = re.compile(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""")
    offenders = []
    for path in site.root.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8")
        for url in url_attr.findall(text) + css_url.findall(text):
            if not url.startswith(SITE_URL):
                offenders.append(f"{path.relative_to(site.root)}: {url}")
    assert offenders == []


def test_a_link_to_a_heading_a_page_lacks_fails_the_strict_build(tmp_path: Path) -> None:
    """MkDocs' own anchor check (`validation.links.anchors: warn`, strict build)."""
    from sitebuild.build import BuildError
    from sitetests import build_copy, copy_content

    content = copy_content(tmp_path)
    page = content / "fr" / "faq.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n[Voir]({{ link("program", "section-absente") }})\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="section-absente"):
        build_copy(content, tmp_path / "out")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_answer_pages_shell_loads_the_sites_files_from_any_address(
    site: BuiltSite, lang: str
) -> None:
    """The forms API serves its answer pages from /api/…: every address the shell loads
    (a stylesheet, a script named for after the first paint) is from the host's root and
    is a file of the site, or the pages would come without their style or their script."""
    shell = (site.root.parent / "shell" / f"{lang}.html").read_text(encoding="utf-8")
    loaded = re.findall(r'\s(?:src|data-src|href)="([^"#{][^"]*\.(?:css|js))"', shell)
    assert any(url.endswith("/vnb-forms.js") for url in loaded), loaded
    # Nothing to preview on an answer to a post: no social tags (they said "vnb-answer",
    # the shell page's own title), no feed link; the site's description.
    head = shell[: shell.index("</head>")]
    assert not re.findall(r'<meta (?:property="og:|name="twitter:)', head)
    assert "application/atom+xml" not in head
    assert re.search(r'<meta name="description" content="[^"]{40,}">', head)
    for url in loaded:
        assert url.startswith("/"), f"{url} would be read from under /api/"
        assert (site.root / url.lstrip("/")).is_file(), url
