"""The figures part of « Le programme en chiffres », rendered in HTML from one template
(`templates/figures.html`) by the site build and by the nightly numbers function.

The part sits between two comments in the published page; `replace_figures` swaps it for a
newer one and leaves every other byte of the page (header, menu, footer, data dictionary)
as the site build wrote it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from content_model import Content, Language, formatting
from content_model.models import url_of
from markupsafe import Markup

PAGE_ID = "numbers"
START = "<!-- vnb-figures -->"
END = "<!-- /vnb-figures -->"
TEMPLATE = Path(__file__).with_name("templates") / "figures.html"


class NoFiguresPart(ValueError):
    """The page has no figures part to replace (not the numbers page, or damaged)."""


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page_folder(content: Content, lang: Language, base_path: str = "/") -> str:
    """The numbers page's folder from the host's root (its open-data files are there)."""
    pair = next(page for page in content.pages if page.id == PAGE_ID)
    return f"{base_path}{lang}/{url_of(getattr(pair, lang))}"


def render(view: dict[str, Any], content: Content, lang: Language) -> str:
    """`view`: `progress.opendata.view(...)` with the page's `folder`."""
    strings = content.strings[lang].site

    def longdate(value: dt.date) -> str:
        return formatting.long_date(value, strings["months"], lang)

    environment = _environment().overlay()
    environment.filters.update(
        number=lambda value: formatting.number(value, lang), longdate=longdate
    )
    template = environment.get_template(TEMPLATE.name)
    # The two comments are the template's own constant text, not data: safe as markup.
    markers = {"START": Markup(START), "END": Markup(END)}  # noqa: S704
    html = template.render(numbers=view, t=strings, lang=lang, **markers)
    return html.strip() + "\n"


def replace_figures(page: str, figures_html: str) -> str:
    start = page.find(START)
    end = page.find(END, start)
    if start < 0 or end < 0 or page.count(START) != 1:
        raise NoFiguresPart("the page has no single figures part")
    return page[:start] + figures_html.strip() + page[end + len(END) :]
