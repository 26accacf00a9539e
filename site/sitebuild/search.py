"""Site search: one Pagefind index per language, written after the MkDocs builds.

Each language gets its own bundle, `<site>/<lang>/pagefind/`, holding only that language's
pages (the pages of the plan, read from the built HTML): a French query can only find
French pages, and Pagefind picks French stemming from `<html lang="fr">`. Only the content
column (Material's `<article>`) is indexed, so the header, menus and footer are not, and
forms and the finder's field are left out. The search page is the only page that loads
the bundle, on first use (site/assets/vnb-search.js): every other page pays nothing but
the header's link.

Pagefind's own binary (the pinned `pagefind[bin]`) runs once per language, both in
parallel. Its Python API answers each call after a 0.1 s poll, and its asyncio.run() cannot
start inside a running event loop (a build called from a Playwright test has one).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from content_model import LANGUAGES, DataError, Language
from pagefind.service import get_executable

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


def _fail(message: str) -> NoReturn:
    # build.py imports this module: its BuildError (what `python -m sitebuild` reports
    # without a traceback) is imported when needed.
    from .build import BuildError

    raise BuildError(message)


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


def _command(plan: SitePlan, lang: Language) -> list[str]:
    """Pagefind's command line for one language: a walk of that language's folder limited to
    the plan's pages (not the 404 page, short links' redirect pages or the search page).
    Result URLs are relative to the language root; vnb-search.js gives that root to Pagefind
    as its base URL."""
    executable = get_executable()
    if executable is None:
        _fail("the pagefind binary is missing: install pagefind[bin]")
    site_dir = plan.settings.site_dir / lang
    files = sorted(f"{page.url}index.html" for page in indexed_pages(plan, lang))
    glob = "{" + ",".join(files) + "}"
    command = [str(executable), "--site", str(site_dir), "--root-selector", ROOT_SELECTOR]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return [*command, "--glob", glob, "--output-path", str(site_dir / BUNDLE), "--quiet"]


def _bundle(plan: SitePlan, lang: Language) -> SearchIndex:
    """Checks what Pagefind wrote for a language and leaves out the files never loaded."""
    site_dir = plan.settings.site_dir / lang
    out = site_dir / BUNDLE
    for name in UNUSED:
        (out / name).unlink(missing_ok=True)
    entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = sorted(entry["languages"])
    if languages != [lang]:
        # A page whose <html lang> is not its folder's would sit in an index no search uses.
        _fail(f"{site_dir}: the search index holds {languages}, not [{lang!r}]")
    pages = int(entry["languages"][lang]["page_count"])
    expected = len(indexed_pages(plan, lang))
    if pages != expected:
        _fail(f"{site_dir}: {pages} of {expected} pages in the search index")
    content = [f for f in out.rglob("*") if f.is_file() and f.suffix.startswith(".pf_")]
    return SearchIndex(
        lang=lang,
        path=out,
        pages=pages,
        index_bytes=sum(f.stat().st_size for f in content),
        bundle_bytes=sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
    )


def write_search_index(plan: SitePlan, lang: Language) -> SearchIndex:
    """Indexes the built pages of one language into `<site>/<lang>/pagefind/`."""
    shutil.rmtree(plan.settings.site_dir / lang / BUNDLE, ignore_errors=True)
    proc = subprocess.run(  # noqa: S603 (the pinned binary, our own paths)
        _command(plan, lang), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        _fail(f"Pagefind failed:\n--- {lang} ---\n{proc.stdout}{proc.stderr}")
    return _bundle(plan, lang)


class SearchIndexing:
    """Pagefind on each language, both in parallel, running while the build does other work
    (the stylesheet's purge reads the same pages): `start`, then `wait`."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self._procs: dict[Language, subprocess.Popen[str]] = {}

    def start(self) -> SearchIndexing:
        for lang in LANGUAGES:
            shutil.rmtree(self.plan.settings.site_dir / lang / BUNDLE, ignore_errors=True)
            self._procs[lang] = subprocess.Popen(  # noqa: S603 (the pinned binary, our own paths)
                _command(self.plan, lang),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        return self

    def wait(self) -> dict[Language, SearchIndex]:
        """Raises BuildError with Pagefind's output if it failed."""
        failures = []
        for lang, proc in self._procs.items():
            output, _ = proc.communicate()
            if proc.returncode != 0:
                failures.append(f"--- {lang} ---\n{output}")
        if failures:
            _fail("Pagefind failed:\n" + "\n".join(failures))
        return {lang: _bundle(self.plan, lang) for lang in LANGUAGES}


def write_search_indexes(plan: SitePlan) -> dict[Language, SearchIndex]:
    """Indexes the built pages of each language into `<site>/<lang>/pagefind/` (the two
    languages in parallel); raises BuildError with Pagefind's output if it fails."""
    return SearchIndexing(plan).start().wait()
