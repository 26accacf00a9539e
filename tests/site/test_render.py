"""The filters staff Markdown and templates use, per language (no MkDocs run)."""

from __future__ import annotations

import datetime as dt

import pytest
from content_model import Language
from content_model import load_content as load_site_data
from sitebuild.pages import plan_site
from sitebuild.render import Renderer
from sitebuild.settings import REPO_ROOT, BuildSettings


def renderer(lang: Language) -> Renderer:
    settings = BuildSettings()
    data = load_site_data(REPO_ROOT / "content" / "data")
    return Renderer(data, plan_site(data, settings), lang)


@pytest.mark.parametrize(
    ("lang", "money", "date"),
    [
        ("fr", "9\u00a0007\u00a0929\u00a0$", "1er avril 2021"),
        ("en", "$9,007,929", "April 1, 2021"),
    ],
)
def test_money_and_dates_read_as_each_language_writes_them(
    lang: Language, money: str, date: str
) -> None:
    r = renderer(lang)
    assert r.money(9007929) == money
    assert r.longdate(dt.date(2021, 4, 1)) == date


def test_placeholder_shows_its_label_and_is_recorded() -> None:
    r = renderer("en")
    template = r.env.from_string("{{ 'À CONFIRMER' | tbc }} / {{ 'Alma' | tbc }}")
    assert template.render() == "To be confirmed / Alma"
    assert len(r.placeholders) == 1


def test_link_is_relative_to_the_page_so_a_strict_build_checks_it() -> None:
    r = renderer("fr")
    branch_page = r.plan.find("fr", "branch-mauricie")
    context = r.context(branch_page)
    assert context["link"]("branches") == "index.md"
    assert context["link"]("privacy") == "../confidentialite.md"
