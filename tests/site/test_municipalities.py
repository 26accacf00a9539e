"""The municipality finder of the branches page: content/data/municipalities.yml, its strict
model (content_model.municipalities) and the alphabetical list municipality → region → branch."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from content_model import DataError
from content_model.municipalities import load_municipalities, parse_municipalities, search_key
from sitebuild.settings import REPO_ROOT
from sitetests import BuiltSite, build_copy, copy_content

DATA = REPO_ROOT / "content" / "data"
REGIONS = yaml.safe_load((DATA / "regions.yml").read_text("utf-8"))
CODES = {region["code"] for region in REGIONS}


def test_the_real_file_covers_every_region_modestly() -> None:
    municipalities = load_municipalities(DATA, CODES)
    per_region = {code: [m for m in municipalities if m.region == code] for code in CODES}
    # Every region has its main municipalities (Laval is one city), none a long list.
    assert all(1 <= len(found) <= 10 for found in per_region.values()), per_region
    assert sum(len(found) >= 3 for found in per_region.values()) == 16
    names = [m.name for m in municipalities]
    assert names == sorted(names, key=search_key)
    assert {"Trois-Rivières", "Québec", "Montréal", "Gatineau", "Rimouski"} <= set(names)


def test_names_compare_without_accents_case_or_hyphens() -> None:
    assert search_key("Trois-Rivières") == "trois rivieres"
    assert search_key("L’Ancienne-Lorette") == search_key("l'ancienne lorette")
    assert search_key("Îles-de-la-Madeleine") < search_key("Joliette")


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        ([{"name": "Laval", "region": "13", "mrc": "x"}], "[0].mrc", "Extra inputs"),
        ([{"name": "Laval", "region": "18"}], "[0].region", "should match pattern"),
        ([{"name": "Laval", "region": 13}], "[0].region", "valid string"),
        ([{"name": "Laval"}], "[0].region", "Field required"),
        ([{"name": " Laval", "region": "13"}], "[0].name", "should match pattern"),
        (
            [{"name": "Laval", "region": "13", "provisional": "peut-être"}],
            "[0].provisional",
            "boolean",
        ),
        (
            [
                {"name": "Trois-Rivières", "region": "04"},
                {"name": "trois rivieres", "region": "04"},
            ],
            "[1].name",
            "duplicate of [0] 'Trois-Rivières'",
        ),
        ([], "(root)", "non-empty list"),
        ({"Laval": "13"}, "(root)", "non-empty list"),
    ],
)
def test_a_bad_file_names_the_field_and_the_reason(raw: Any, field: str, reason: str) -> None:
    with pytest.raises(DataError) as error:
        parse_municipalities(raw, "municipalities.yml", CODES)
    assert error.value.field == field
    assert reason in error.value.reason


def test_a_region_must_exist_in_regions_yml() -> None:
    with pytest.raises(DataError, match=r"\[0\]\.region: unknown region '17'"):
        parse_municipalities([{"name": "Drummondville", "region": "17"}], "m.yml", {"04"})


@pytest.mark.slow
def test_a_bad_file_fails_the_build_with_file_field_and_reason(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "data" / "municipalities.yml"
    path.write_text(
        path.read_text("utf-8").replace(
            '{name: Shawinigan, region: "04"}', '{name: Shawinigan, region: "4"}'
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        build_copy(content, tmp_path / "out")
    assert Path(error.value.file) == path
    assert re.fullmatch(r"\[\d+\]\.region", error.value.field)
    assert "should match pattern" in error.value.reason


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "folder"), [("fr", "succursales"), ("en", "branches")])
def test_the_branches_page_lists_each_municipality_with_region_and_branch(
    site: BuiltSite, lang: str, folder: str
) -> None:
    text = (site.root / lang / folder / "index.html").read_text(encoding="utf-8")
    finder = text[text.index('class="vnb-finder"') :]
    table = finder[finder.index("<tbody>") : finder.index("</tbody>")]
    rows = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    links = re.findall(r'<td><a href="([^"]+)">', table)
    municipalities = load_municipalities(DATA, CODES)
    regions = {r["code"]: r for r in REGIONS}
    branches = {b["id"]: b for b in yaml.safe_load((DATA / "branches.yml").read_text("utf-8"))}
    provisional = {"fr": "à confirmer", "en": "to be confirmed"}[lang]
    assert len(rows) == len(municipalities) == len(links)
    for row, link, municipality in zip(rows, links, municipalities, strict=True):
        region = regions[municipality.region]
        branch = branches[region["branch"]]
        region_text = f"{region['code']} – {region[f'name_{lang}']}"
        if municipality.provisional:
            region_text += f" ({provisional})"
        assert row == [municipality.name, region_text, branch[f"name_{lang}"]]
        assert link == f"{branch['id']}/"
    # Without JavaScript the type-ahead field stays hidden; the list is the finder.
    assert re.search(r'<div class="vnb-finder__field" data-vnb-finder [^>]*hidden>', finder)
