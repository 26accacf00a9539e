"""Every published address keeps working: a build that drops one fails, unless a redirect
declared in `content/data/shortlinks.yml` replaces it.

The list is `published_urls.txt`, next to this file: press releases print these
addresses, so a line is never removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from content_model import LANGUAGES
from content_model import load_content as load_site_data
from content_model.models import ShortLink
from sitebuild.settings import BuildSettings
from sitetests import BuiltSite, build_copy, copy_content

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

LIST = Path(__file__).with_name("published_urls.txt")


def published() -> list[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def served_file(site_root: Path, url: str) -> Path:
    """The built file that answers a root-relative address (CloudFront adds index.html)."""
    path = url.lstrip("/")
    if path == "" or url.endswith("/") or "." not in path.rsplit("/", 1)[-1]:
        return site_root / path / "index.html"
    return site_root / path


def lost_urls(site_root: Path, shortlinks: list[ShortLink], urls: list[str]) -> list[str]:
    """Addresses neither served by a page nor replaced by a declared redirect."""
    redirected = {link.path for link in shortlinks}
    return [
        url
        for url in urls
        if not served_file(site_root, url).is_file()
        and not (
            url.rstrip("/") in redirected
            and served_file(site_root, url.rstrip("/") + "/").is_file()
        )
    ]


def test_the_list_has_no_duplicates() -> None:
    urls = published()
    assert len(urls) == len(set(urls))


def test_every_published_url_is_still_served(site: BuiltSite) -> None:
    data = load_site_data(site.settings.data_dir)
    assert lost_urls(site.root, data.shortlinks, published()) == []


def test_every_page_and_short_link_is_in_the_list(site: BuiltSite) -> None:
    """A new page or short link is added to the list, so that it is kept from then on."""
    urls = set(published())
    plan = site.result.plan
    current = {f"/{page.lang}/{page.url}" for lang in LANGUAGES for page in plan.pages[lang]}
    current |= {link.path for link in load_site_data(site.settings.data_dir).shortlinks}
    missing = sorted(current - urls)
    assert missing == [], f"add these lines to {LIST.name}: {missing}"


def drop_faq(content: Path) -> None:
    """Removes the FAQ pair and its two files from a copy of the content."""
    pages = content / "data" / "pages.yml"
    lines = pages.read_text(encoding="utf-8").splitlines()
    pages.write_text("\n".join(ln for ln in lines if "id: faq," not in ln) + "\n", encoding="utf-8")
    for lang in LANGUAGES:
        (content / lang / "faq.md").unlink()


def test_a_build_that_drops_a_page_loses_its_urls(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    drop_faq(content)
    build_copy(content, tmp_path / "out")
    data = load_site_data(BuildSettings(content_dir=content).data_dir)
    assert lost_urls(tmp_path / "out" / "site", data.shortlinks, published()) == [
        "/en/faq/",
        "/fr/faq/",
    ]


def test_a_declared_redirect_replaces_a_dropped_page(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    drop_faq(content)
    shortlinks = content / "data" / "shortlinks.yml"
    shortlinks.write_text(
        shortlinks.read_text(encoding="utf-8")
        + "- {path: /fr/faq, to: /fr/contact/}\n- {path: /en/faq, to: /en/contact/}\n",
        encoding="utf-8",
    )
    build_copy(content, tmp_path / "out")
    site_root = tmp_path / "out" / "site"
    data = load_site_data(BuildSettings(content_dir=content).data_dir)
    assert lost_urls(site_root, data.shortlinks, published()) == []
    assert "/fr/contact/" in (site_root / "fr" / "faq" / "index.html").read_text(encoding="utf-8")
