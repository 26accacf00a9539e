"""Site search: one Pagefind index per language, written after the MkDocs builds.

Each language gets its own bundle, `<site>/<lang>/pagefind/`, holding only that language's
pages (the pages of the plan, read from the built HTML): a French query can only find
French pages, and Pagefind picks French stemming from `<html lang="fr">`. Only the content
column (Material's `<article>`) is indexed, so the header, menus and footer are not, and
forms and the finder's field are left out. The search page is the only page that loads
the bundle, on first use (site/assets/vnb-search.js): every other page pays nothing but
the header's link.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from .models import LANGUAGES, DataError, Language
from .pages import Page, SitePlan

SEARCH_PAGE = "search"
"""The id of the search page's pair in content/data/pages.yml."""
BUNDLE = "pagefind"
ROOT_SELECTOR = "article"
EXCLUDE_SELECTORS = ["form", ".vnb-form-host", ".vnb-finder", ".vnb-search"]
# Files of the bundle the site never loads (Pagefind's own interfaces, the index of pages
# without a language): left out of the upload.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)


@dataclass(frozen=True)
class SearchIndex:
    lang: Language
    path: Path
    pages: int
    index_bytes: int
    """Index, metadata and page fragments: what grows with the content."""
    bundle_bytes: int
    """The whole bundle folder, the script and the WebAssembly module included."""


def search_page(plan: SitePlan, lang: Language) -> Page:
    try:
        return plan.find(lang, SEARCH_PAGE)
    except KeyError:
        pages_file = plan.settings.data_dir / "pages.yml"
        raise DataError(
            pages_file, "(root)", f"the {SEARCH_PAGE!r} page pair is required"
        ) from None


def header_link(plan: SitePlan, lang: Language) -> str:
    """The search page's address from the language root (the header's `url` filter makes it
    relative to each page)."""
    return search_page(plan, lang).url


def indexed_pages(plan: SitePlan, lang: Language) -> list[Page]:
    """Every page of the language but the search page itself."""
    skip = search_page(plan, lang)
    return [page for page in plan.pages[lang] if page != skip]


async def _index_language(plan: SitePlan, lang: Language) -> SearchIndex:
    site_dir = plan.settings.site_dir / lang
    out = site_dir / BUNDLE
    if out.exists():
        shutil.rmtree(out)
    config = IndexConfig(
        root_selector=ROOT_SELECTOR,
        exclude_selectors=EXCLUDE_SELECTORS,
        output_path=str(out),
    )
    pages = indexed_pages(plan, lang)
    # One directory walk limited to the plan's pages (not the 404 page, the short links'
    # redirect pages or the search page): the Python API answers each call after a 0.1 s
    # poll, so a call per page would cost seconds. Result URLs are then relative to the
    # language root; vnb-search.js gives Pagefind that root as its base URL.
    glob = "{" + ",".join(sorted(f"{page.url}index.html" for page in pages)) + "}"
    async with PagefindIndex(config=config) as index:
        added = await index.add_directory(str(site_dir), glob=glob)
        if added["page_count"] != len(pages):
            raise DataError(
                site_dir, "(pages)", f"indexed {added['page_count']} of {len(pages)} pages"
            )
    for name in UNUSED:
        (out / name).unlink(missing_ok=True)
    entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = sorted(entry["languages"])
    if languages != [lang]:
        # A page whose <html lang> is not its folder's would sit in an index no search uses.
        raise DataError(site_dir, "<html lang>", f"the index holds {languages}, not [{lang!r}]")
    content = [f for f in out.rglob("*") if f.is_file() and f.suffix.startswith(".pf_")]
    return SearchIndex(
        lang=lang,
        path=out,
        pages=int(entry["languages"][lang]["page_count"]),
        index_bytes=sum(f.stat().st_size for f in content),
        bundle_bytes=sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
    )


async def _index_all(plan: SitePlan) -> dict[Language, SearchIndex]:
    built = await asyncio.gather(*(_index_language(plan, lang) for lang in LANGUAGES))
    return {index.lang: index for index in built}


def write_search_indexes(plan: SitePlan) -> dict[Language, SearchIndex]:
    """Indexes the built pages of each language into `<site>/<lang>/pagefind/`."""
    return asyncio.run(_index_all(plan))
