"""The site's one 404 page, `/404.html`.

CloudFront answers every missing address with one page (its custom error responses cannot
choose by path), and so does the local mode: the page is in both languages, French first,
with each language's search form and useful links, and works without JavaScript. Its
script (`site/assets/vnb-404.js`) puts the address's language first and suggests the
published page nearest to the mistyped address, from the list of pages and short links
this module writes into the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from content_model import LANGUAGES, Content, Language

from .pages import HREFLANG, SitePlan
from .render import ASSETS_DIR, make_environment

PAGE = "404.html"
# Each language's search page: from pages.yml once it declares a `search` pair, these
# addresses until then.
SEARCH_PAGES: dict[Language, str] = {"fr": "fr/recherche/", "en": "en/search/"}
LINKS = ("home", "registration", "branches", "contact")
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def page_title(built_page: Path, site_name: str) -> str | None:
    """A built page's title without the site's name (`Le programme - Virage…` → `Le programme`)."""
    if not built_page.is_file():
        return None
    found = _TITLE.search(built_page.read_text(encoding="utf-8"))
    if found is None:
        return None
    title = html.unescape(found.group(1)).strip()
    for separator in (" - ", " – ", " | "):
        head, sep, tail = title.rpartition(separator)
        if sep and tail == site_name:
            return head
    return title


def published_addresses(data: Content, plan: SitePlan) -> dict[str, Any]:
    """What vnb-404.js suggests from: every page (its address from the site's root, its
    language, its pair id, its title) and every short link."""
    site_dir = plan.settings.site_dir
    pages = []
    for lang in LANGUAGES:
        for page in plan.pages[lang]:
            path = f"/{lang}/{page.url}"
            title = page_title(site_dir / lang / page.url / "index.html", data.program.name)
            pages.append({"path": path, "lang": lang, "id": page.id, "title": title or path})
    shortlinks = [{"path": link.path, "to": link.to} for link in data.shortlinks]
    return {"base": plan.settings.base_path, "pages": pages, "shortlinks": shortlinks}


def _page_path(plan: SitePlan, lang: Language, page_id: str) -> str:
    return plan.site_path(plan.find(lang, page_id))


def write_not_found_page(data: Content, plan: SitePlan) -> Path:
    """`/404.html`, after the MkDocs builds (it reads the built pages' titles)."""
    base = plan.settings.base_path
    strings = {lang: data.strings[lang].site["notfound"] for lang in LANGUAGES}
    search = {}
    for lang in LANGUAGES:
        try:
            search[lang] = _page_path(plan, lang, "search")
        except KeyError:
            search[lang] = base + SEARCH_PAGES[lang]
    sections = [
        {
            "lang": lang,
            "hreflang": HREFLANG[lang],
            "language_name": data.strings[lang].site["language_name"],
            "strings": strings[lang],
            "search": search[lang],
            "links": [(strings[lang][key], _page_path(plan, lang, key)) for key in LINKS],
        }
        for lang in LANGUAGES
    ]
    addresses = published_addresses(data, plan)
    out = plan.settings.site_dir / PAGE
    out.write_text(
        make_environment(autoescape=True)
        .get_template("404.html.j2")
        .render(
            program=data.program,
            base=base,
            sections=sections,
            titles={lang: f"{strings[lang]['title']} – {data.program.name}" for lang in LANGUAGES},
            addresses=addresses,
            # Inline: a script file in the head is one more round trip before the first
            # paint (its hash is in the CSP, infra/csp_hashes.py).
            script=(ASSETS_DIR / "vnb-404.js").read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    return out
