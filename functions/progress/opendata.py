"""The snapshot as the public sees it: the page's view, the CSV files and the JSON file.

All three are made from the same validated snapshot, so they cannot disagree; a suppressed
figure is `None` here, an empty CSV cell, `null` in the JSON and a word on the page.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from content_model import Content
from pydantic import BaseModel, ConfigDict

# The files, written next to the page in each language's folder (the same bytes in both).
REGIONS_CSV = "chiffres-regions.csv"
MATURITY_CSV = "chiffres-maturite.csv"
JSON_FILE = "chiffres.json"
# The files' types as the site bucket serves them; infra/publish.py gives the same ones
# (tests/infra/test_publish.py checks), so a nightly run and a publication agree.
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8"}
LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.fr"
BOM = "\ufeff"
# The data dictionary: each published field → its definition in `i18n/<lang>.yml`
# (`site.numbers.dict_*`), the very text the page shows, so the page and the file agree.
DICTIONARY = {
    "region": "dict_region",
    "registrations": "dict_registrations",
    "coached": "dict_coached",
    "assessments": "dict_assessments",
    "target": "dict_target",
    "maturity": "dict_maturity",
    "suppressed": "dict_suppressed",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionFigures(_Model):
    code: str
    registrations: int | None
    coached: int | None
    assessments: int | None
    target: int | None


class Group(_Model):
    businesses: int | None
    dimensions: dict[str, float | None]


class Maturity(_Model):
    t0: Group
    t1: Group


class Figures(_Model):
    k: int
    regions: list[RegionFigures]
    total: RegionFigures
    maturity: Maturity


class Snapshot(_Model):
    version: int
    as_of: datetime
    synthetic: bool
    figures: Figures


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot at `path`, or None when there is none yet (the page says so)."""
    if not path.is_file():
        return None
    return parse_snapshot(json.loads(path.read_text(encoding="utf-8")))


def parse_snapshot(raw: dict[str, Any]) -> Snapshot:
    """A snapshot document (`progress.recount.snapshot`) as the page and the files read it."""
    figures = dict(raw["figures"])
    figures["total"] = {"code": "", **figures["total"]}
    return Snapshot.model_validate({**raw, "figures": figures})


def _cell(value: int | float | None) -> str:
    return "" if value is None else str(value)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # UTF-8 with a byte-order mark: Excel otherwise reads the accents as Windows-1252.
    return (BOM + buffer.getvalue()).encode("utf-8")


def regions_csv(snapshot: Snapshot, content: Content) -> bytes:
    names = content.regions_by_code
    figures = snapshot.figures
    total = figures.total
    rows = [
        [
            row.code,
            names[row.code].name_fr,
            names[row.code].name_en,
            _cell(row.registrations),
            _cell(row.coached),
            _cell(row.assessments),
            _cell(row.target),
        ]
        for row in figures.regions
    ]
    rows.append(
        [
            "",
            "Ensemble du Québec",
            "All of Québec",
            _cell(total.registrations),
            _cell(total.coached),
            _cell(total.assessments),
            "",
        ]
    )
    header = [
        "code_region",
        "Région",
        "Region",
        "Inscriptions / Registrations",
        "Commerces accompagnés / Businesses coached",
        "Bilans numériques / Digital assessments",
        "Cible régionale / Regional target",
    ]
    return _csv(header, rows)


def maturity_csv(snapshot: Snapshot, content: Content) -> bytes:
    maturity = snapshot.figures.maturity
    rows = [
        [
            dimension.id,
            dimension.name.fr,
            dimension.name.en,
            _cell(maturity.t0.dimensions.get(dimension.id)),
            _cell(maturity.t1.dimensions.get(dimension.id)),
        ]
        for dimension in content.questionnaire.dimensions
    ]
    rows.append(
        [
            "businesses",
            "Commerces",
            "Businesses",
            _cell(maturity.t0.businesses),
            _cell(maturity.t1.businesses),
        ]
    )
    header = [
        "code_dimension",
        "Dimension (fr)",
        "Dimension (en)",
        "Premier bilan (T0) / First assessment (T0)",
        "Dernier bilan (T1) / Latest assessment (T1)",
    ]
    return _csv(header, rows)


def definitions(content: Content) -> dict[str, dict[str, str]]:
    """The data dictionary in both languages, from the page's own strings."""
    return {
        name: {lang: str(content.strings_in(lang).site["numbers"][key]) for lang in ("fr", "en")}
        for name, key in DICTIONARY.items()
    }


def open_json(snapshot: Snapshot, content: Content) -> bytes:
    names = content.regions_by_code
    figures = snapshot.figures
    document: dict[str, Any] = {
        "title": {"fr": "Le programme en chiffres", "en": "The program in numbers"},
        "publisher": content.program.name,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "as_of": snapshot.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "synthetic": snapshot.synthetic,
        "k": figures.k,
        "regions": [
            {
                "code": row.code,
                "name_fr": names[row.code].name_fr,
                "name_en": names[row.code].name_en,
                **row.model_dump(exclude={"code"}),
            }
            for row in figures.regions
        ],
        "total": figures.total.model_dump(exclude={"code", "target"}),
        "maturity": figures.maturity.model_dump(),
        "definitions": definitions(content),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def files(snapshot: Snapshot, content: Content) -> dict[str, bytes]:
    return {
        REGIONS_CSV: regions_csv(snapshot, content),
        MATURITY_CSV: maturity_csv(snapshot, content),
        JSON_FILE: open_json(snapshot, content),
    }


# --- the page -------------------------------------------------------------------------

BAR_HEIGHT = 16
ROW_HEIGHT = 26
LABEL_WIDTH = 230
BAR_WIDTH = 360


def view(snapshot: Snapshot | None, content: Content, lang: str) -> dict[str, Any]:
    """What the page's template shows (numbers unformatted; the template formats them)."""
    if snapshot is None:
        return {"available": False}
    figures = snapshot.figures
    largest = max((row.registrations or 0 for row in figures.regions), default=0) or 1
    rows = []
    for index, row in enumerate(figures.regions):
        region = content.regions_by_code[row.code]

        def width(value: int | None) -> int:
            return 0 if value is None else round(BAR_WIDTH * value / largest)

        rows.append(
            {
                "code": row.code,
                "name": region.name(lang),
                "registrations": row.registrations,
                "coached": row.coached,
                "assessments": row.assessments,
                "target": row.target,
                "y": index * ROW_HEIGHT,
                "registrations_width": width(row.registrations),
                "coached_width": width(row.coached),
            }
        )
    dimensions = [
        {
            "name": dimension.name.en if lang == "en" else dimension.name.fr,
            "t0": figures.maturity.t0.dimensions.get(dimension.id),
            "t1": figures.maturity.t1.dimensions.get(dimension.id),
        }
        for dimension in content.questionnaire.dimensions
    ]
    return {
        "available": True,
        "as_of": snapshot.as_of.date(),
        "synthetic": snapshot.synthetic,
        "k": figures.k,
        "rows": rows,
        "total": figures.total,
        "t0_businesses": figures.maturity.t0.businesses,
        "t1_businesses": figures.maturity.t1.businesses,
        "dimensions": dimensions,
        "chart": {
            "width": LABEL_WIDTH + BAR_WIDTH + 70,
            "height": len(rows) * ROW_HEIGHT,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
        },
        "files": {"regions": REGIONS_CSV, "maturity": MATURITY_CSV, "json": JSON_FILE},
    }
