"""The site's pages in both languages: which exist, how they pair, where they live.

Pairs come from `content/data/pages.yml` (written by staff) and from the branch data
(one generated page per branch). Every other fact about a page — its URL in each
language, its alternates, its language switch — is derived from the pair here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cached_property
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

    @cached_property
    def _by_id(self) -> dict[tuple[Language, str], Page]:
        # The first page of an id wins, as the former scan did (ids are unique in pages.yml).
        found: dict[tuple[Language, str], Page] = {}
        for lang, pages in self.pages.items():
            for page in pages:
                found.setdefault((lang, page.id), page)
        return found

    def find(self, lang: Language, page_id: str) -> Page:
        """A page by its id: a dictionary, since every page asks for its pair, its alternates
        and its links (a scan made the build quadratic in the number of pages)."""
        try:
            return self._by_id[(lang, page_id)]
        except KeyError:
            raise KeyError(f"no page {page_id!r} in {lang}") from None

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


NavEntry = str | dict[str, list["NavEntry"]]


def nav_tree(pages: list[Page], titles: dict[str, str]) -> list[NavEntry]:
    """The menu of a language, in MkDocs' `nav` form, from the pages in it (`nav: true`).

    A folder whose `index.md` is in the menu, and which holds other pages of the menu, is a
    section: titled like its index page (`titles`, by Markdown path), the index first (with
    Material's `navigation.indexes` the section's title links to it), then its pages and
    sub-sections in pages.yml order, at the place of its index. Any other page is an entry of
    its nearest section (or of the top). With `navigation.prune`, a page's HTML then lists
    the top entries and the open sections on its way only, not every page of the site.

    A folder with only its index in the menu (the news, the branches) stays one entry.
    """
    in_menu = [page.path for page in pages if page.nav]
    folders = {posixpath.dirname(path) for path in in_menu if path.endswith("/index.md")}

    def section_of(path: str) -> str:
        """The folder of the section a page belongs to ("" for the top)."""
        folder = posixpath.dirname(path)
        if path.endswith("/index.md"):
            folder = posixpath.dirname(folder)  # an index belongs to its parent's section
        while folder and folder not in folders:
            folder = posixpath.dirname(folder)
        return folder

    members: dict[str, list[str]] = {}
    for path in in_menu:
        members.setdefault(section_of(path), []).append(path)

    def entries(folder: str) -> list[NavEntry]:
        result: list[NavEntry] = []
        for path in members.get(folder, []):
            sub = posixpath.dirname(path)
            if path.endswith("/index.md") and members.get(sub):
                result.append({titles[path]: [path, *entries(sub)]})
            else:
                result.append(path)
        return result

    return entries("")


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
