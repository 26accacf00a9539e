"""One Atom feed of the news per language: `/fr/feed.xml`, `/en/feed.xml`.

A news post is a page in the folder of the `news` page pair with a `date` in its front
matter. Titles and summaries come from the staged Markdown (after Jinja), so a figure
quoted in a title is the same in the feed as on the page.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from pathlib import Path

from content_model import Content, DataError, Language

from .pages import HREFLANG, Page, SitePlan
from .render import make_environment, split_front_matter

FEED_PATH = "feed.xml"
"""Inside each language's root."""


@dataclass(frozen=True)
class NewsEntry:
    url: str
    title: str
    summary: str
    date: dt.date

    @property
    def updated(self) -> str:
        # Atom wants a full timestamp; news carry a day: noon in Québec (UTC−5) is stable.
        return f"{self.date.isoformat()}T12:00:00-05:00"


def news_posts(plan: SitePlan, lang: Language) -> list[Page]:
    index = plan.find(lang, "news")
    folder = posixpath.dirname(index.path)
    return [
        page
        for page in plan.pages[lang]
        if page is not index and posixpath.dirname(page.path) == folder and page.source
    ]


def read_entry(plan: SitePlan, page: Page, staged: Path) -> NewsEntry:
    meta, body = split_front_matter(staged.read_text(encoding="utf-8"), staged)
    title = next((ln[2:].strip() for ln in body.splitlines() if ln.startswith("# ")), "")
    date = meta.get("date")
    if not isinstance(date, dt.date):
        raise DataError(page.source or staged, "date", "a news post needs date: YYYY-MM-DD")
    if not title:
        raise DataError(page.source or staged, "(title)", "a news post needs a '# Title' line")
    return NewsEntry(plan.absolute_url(page), title, str(meta["description"]), date)


def write_feed(data: Content, plan: SitePlan, lang: Language) -> Path:
    settings = plan.settings
    entries = sorted(
        (
            read_entry(plan, page, settings.staging_dir / lang / page.path)
            for page in news_posts(plan, lang)
        ),
        key=lambda e: e.date,
        reverse=True,
    )
    strings = data.strings[lang].site
    updated = entries[0].updated if entries else f"{data.program.announcement.date}T12:00:00-05:00"
    xml = (
        make_environment(autoescape=True)
        .get_template("feed.xml.j2")
        .render(
            hreflang=HREFLANG[lang],
            title=strings["feed"]["title"],
            news_url=plan.absolute_url(plan.find(lang, "news")),
            feed_url=f"{settings.site_url}{lang}/{FEED_PATH}",
            icon=f"{settings.site_url}{lang}/assets/favicon.svg",
            author=data.program.name,
            updated=updated,
            entries=entries,
        )
    )
    target = settings.site_dir / lang / FEED_PATH
    target.write_text(xml, encoding="utf-8")
    return target
