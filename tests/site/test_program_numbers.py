"""« Le programme en chiffres » in the real build: without a snapshot the page says the
figures are not available; with one, the page, the CSV files and the JSON file agree, and a
suppressed figure appears in none of them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from content_model import load_content
from progress.aggregates import Business, tally
from progress.recount import snapshot, write_snapshot
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import SITE_URL, BuiltSite

pytestmark = pytest.mark.slow

DATA = REPO_ROOT / "content" / "data"
PAGES = {"fr": "fr/chiffres", "en": "en/numbers"}
SUPPRESSED = {"fr": "confidentiel", "en": "suppressed"}
AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


class Tables(HTMLParser):
    """The rows of the tables inside `<div id=…>` blocks, by the div's id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._div: str | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "div" and (values.get("id") or "").startswith("numbers-"):
            self._div = values["id"]
            self.tables[str(self._div)] = []
        elif tag == "tr" and self._div:
            self.tables[self._div].append([])
        elif tag in ("td", "th") and self._div:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._div:
            self.tables[self._div][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._div = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def population() -> list[Business]:
    """Montréal large; Laval 12 (shown, but hidden with 03 so that 03's 4 cannot be
    derived); Nord-du-Québec 3; Montérégie where every business was coached (and
    assessed: the coached here are the assessed)."""
    businesses: list[Business] = []

    def add(region: str, count: int, coached: int, twice: int = 0) -> None:
        for n in range(count):
            taken = 2 if n < twice else 1 if n < coached else 0
            businesses.append(
                Business(
                    reference=f"{region}-{n}",
                    region=region,
                    branch="x",
                    assessments=tuple(
                        {"online_presence": 40 + 10 * i, "ecommerce": 30 + 20 * i}
                        for i in range(taken)
                    ),
                    coached=n < coached,
                )
            )

    add("06", 200, 120, twice=40)
    add("13", 12, 0)
    add("10", 3, 1)
    add("16", 40, 40, twice=5)
    add("15", 55, 20)
    return businesses


@pytest.fixture(scope="module")
def numbers_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("numbers-build")
    content = load_content(DATA)
    write_snapshot(
        snapshot(tally(population()), content, AS_OF), out / "progress" / "snapshot.json"
    )
    build(BuildSettings(site_url=SITE_URL, out_dir=out))
    return out / "site"


def test_without_a_snapshot_the_page_says_figures_are_not_available(site: BuiltSite) -> None:
    for lang, folder in PAGES.items():
        html = (site.root / folder / "index.html").read_text(encoding="utf-8")
        assert 'id="numbers-unavailable"' in html
        assert "<svg" not in html.split("<article", 1)[1]
        assert not list((site.root / folder).glob("*.csv")), lang
    # The short links and the newsroom lead there.
    assert (site.root / "chiffres" / "index.html").is_file()
    assert (site.root / "numbers" / "index.html").is_file()
    assert 'href="../chiffres/"' in (site.root / "fr/salle-de-presse/index.html").read_text()
    assert 'href="../numbers/"' in (site.root / "en/newsroom/index.html").read_text()


def test_page_csv_and_json_agree(numbers_site: Path) -> None:
    content = load_content(DATA)
    names = {r.code: r for r in content.regions}
    document = json.loads((numbers_site / PAGES["fr"] / "chiffres.json").read_bytes())
    assert document["licence"] == "CC-BY-4.0"
    assert document["synthetic"] is False
    by_code = {row["code"]: row for row in document["regions"]}

    raw = (numbers_site / PAGES["fr"] / "chiffres-regions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1:3] == ["Région", "Region"]
    for line in rows[1:-1]:
        code = line[0]
        row = by_code[code]
        for cell, key in zip(line[3:6], ("registrations", "coached", "assessments"), strict=True):
            assert cell == ("" if row[key] is None else str(row[key])), (code, key)
    assert rows[-1][3] == str(document["total"]["registrations"])

    for lang, folder in PAGES.items():
        html = (numbers_site / folder / "index.html").read_text(encoding="utf-8")
        assert (numbers_site / folder / "chiffres.json").read_bytes() == json.dumps(
            document, ensure_ascii=False, indent=1
        ).encode() + b"\n"
        table = Tables(html).tables["numbers-regions"]
        for cells in table[1:-1]:
            code = cells[0][:2]
            assert names[code].name(lang) in cells[0]
            row = by_code[code]
            for cell, key in zip(
                cells[1:4], ("registrations", "coached", "assessments"), strict=True
            ):
                expected = SUPPRESSED[lang] if row[key] is None else f"{row[key]:,}"
                assert cell.replace("\u00a0", ",") == expected, (lang, code, key)
        maturity = Tables(html).tables["numbers-maturity"]
        t0 = document["maturity"]["t0"]["dimensions"]["online_presence"]
        shown = maturity[1][1]
        assert shown.replace(",", ".") == f"{t0:.1f}", lang
        assert "30 novembre 2026" in html if lang == "fr" else "November 30, 2026" in html
        # The file's data dictionary is the page's.
        for definition in document["definitions"].values():
            assert escape(definition[lang], quote=False) in html, definition[lang]


def test_suppressed_figures_never_appear(numbers_site: Path) -> None:
    document = json.loads((numbers_site / PAGES["fr"] / "chiffres.json").read_bytes())
    by_code = {row["code"]: row for row in document["regions"]}
    # Primary: Nord-du-Québec's 3. Complementary: with the total (310) shown, 310 minus the
    # shown regions would give those 3 away; the smallest shown region, Laval (12), is hidden
    # too, and the two together (15) are at least k.
    assert by_code["10"]["registrations"] is None
    assert by_code["13"]["registrations"] is None
    # Montérégie: all 40 coached, so "not coached" would be 0: its coached are hidden.
    assert by_code["16"]["registrations"] == 40
    assert by_code["16"]["coached"] is None
    shown = sum(row["registrations"] or 0 for row in document["regions"])
    assert document["total"]["registrations"] - shown >= document["k"]

    html = (numbers_site / PAGES["fr"] / "index.html").read_text(encoding="utf-8")
    table = {cells[0][:2]: cells for cells in Tables(html).tables["numbers-regions"][1:-1]}
    assert table["10"][1:4] == ["confidentiel"] * 3
    assert table["13"][1] == "confidentiel"
    assert table["16"][2] == "confidentiel"
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert ">3<" not in svg and ">12<" not in svg
    assert "<script" not in svg
