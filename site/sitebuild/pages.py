"""The site's pages in both languages: which exist, how they pair, where they live.

Pairs come from `content/data/pages.yml` (written by staff) and from the branch data
(one generated page per branch). Every other fact about a page — its URL in each
language, its alternates, its language switch — is derived from the pair here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content_model import LANGUAGES, Content, DataError, Language
from content_model.models import Branch, url_of

from .settings import BuildSettings

HREFLANG: dict[Language, str] = {"fr": "fr-CA", "en": "en-CA"}
DEFAULT_LANGUAGE: Language = "fr"


def other(lang: Language) -> Language:
    return "en" if lang == "fr" else "fr"


@dataclass(frozen=True)
class Page:
    id: str
    lang: Language
    path: str
    """Markdown path inside the language's docs folder, e.g. `succursales/montreal.md`."""
    nav: bool
    source: Path | None = None
    """Staff-written Markdown; None for a page generated from a template."""
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def url(self) -> str:
        """Path from the language root, e.g. `programme/`."""
        return url_of(self.path)


@dataclass(frozen=True)
class SitePlan:
    settings: BuildSettings
    pages: dict[Language, list[Page]]

    def find(self, lang: Language, page_id: str) -> Page:
        for page in self.pages[lang]:
            if page.id == page_id:
                return page
        raise KeyError(f"no page {page_id!r} in {lang}")

    def pair(self, page: Page) -> Page:
        return self.find(other(page.lang), page.id)

    def absolute_url(self, page: Page) -> str:
        return f"{self.settings.site_url}{page.lang}/{page.url}"

    def site_path(self, page: Page) -> str:
        """Path from the host root: what a link on the site points at."""
        return f"{self.settings.base_path}{page.lang}/{page.url}"

    def alternates(self, page: Page) -> list[dict[str, str]]:
        """hreflang alternates of a page, itself included, and x-default (French)."""
        by_lang = {page.lang: page, other(page.lang): self.pair(page)}
        links = [
            {"hreflang": HREFLANG[lang], "href": self.absolute_url(by_lang[lang])}
            for lang in LANGUAGES
        ]
        links.append(
            {"hreflang": "x-default", "href": self.absolute_url(by_lang[DEFAULT_LANGUAGE])}
        )
        return links

    def all_site_paths(self) -> set[str]:
        return {self.site_path(p) for lang in LANGUAGES for p in self.pages[lang]}


def _branch_pages(data: Content, directory: dict[Language, str]) -> dict[Language, list[Page]]:
    def page(lang: Language, branch: Branch) -> Page:
        return Page(
            id=f"branch-{branch.id}",
            lang=lang,
            path=f"{directory[lang]}{branch.id}.md",
            nav=False,
            template="pages/branch.md.j2",
            context={"branch": branch, "served": data.regions_served_by(branch.id)},
        )

    return {lang: [page(lang, b) for b in data.branches] for lang in LANGUAGES}


def plan_site(data: Content, settings: BuildSettings) -> SitePlan:
    """Every page of both languages; fails on a page without its translation."""
    pages_file = settings.data_dir / "pages.yml"
    pages: dict[Language, list[Page]] = {lang: [] for lang in LANGUAGES}
    for i, pair in enumerate(data.pages):
        for lang in LANGUAGES:
            path: str = getattr(pair, lang)
            source = settings.content_dir / lang / path
            if not source.is_file():
                raise DataError(pages_file, f"[{i}].{lang}", f"{source} does not exist")
            pages[lang].append(Page(pair.id, lang, path, pair.nav, source=source))

    for lang in LANGUAGES:
        declared = {p.path for p in pages[lang]}
        root = settings.content_dir / lang
        for md in sorted(root.rglob("*.md")):
            rel = md.relative_to(root).as_posix()
            if rel not in declared:
                raise DataError(
                    md, "(page)", f"no translation: declare the pair in {pages_file.name}"
                )

    try:
        branches_pair = next(p for p in data.pages if p.id == "branches")
    except StopIteration:
        raise DataError(pages_file, "(root)", "the 'branches' page pair is required") from None
    directory: dict[Language, str] = {
        lang: posixpath.dirname(getattr(branches_pair, lang)) + "/" for lang in LANGUAGES
    }
    for lang, generated in _branch_pages(data, directory).items():
        taken = {p.path for p in pages[lang]}
        for page in generated:
            if page.path in taken:
                raise DataError(settings.data_dir / "branches.yml", page.id, "page path taken")
        pages[lang].extend(generated)

    plan = SitePlan(settings=settings, pages=pages)
    shortlinks_file = settings.data_dir / "shortlinks.yml"
    targets = {f"/{p.lang}/{p.url}" for lang in LANGUAGES for p in pages[lang]}
    for i, link in enumerate(data.shortlinks):
        if link.to not in targets:
            raise DataError(shortlinks_file, f"[{i}].to", f"no page at {link.to}")
        if link.path + "/" in targets:
            # Its redirect page would overwrite the page itself.
            raise DataError(shortlinks_file, f"[{i}].path", f"a page exists at {link.path}/")
    return plan
