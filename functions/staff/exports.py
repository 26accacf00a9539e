"""A branch's registrations as a CSV file that French Excel opens as it should.

UTF-8 with a byte-order mark (Excel otherwise reads the accents as Windows-1252),
`;` as the separator (the comma is the decimal separator in French locales),
bilingual headers, labels for the stored codes, and every cell that a
spreadsheet would read as a formula neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from content_model import Content
from forms_api import keys
from forms_api.domain.digest import WEAKEST_COUNT, digest

from staff.audit import utc_now
from staff.ports import Item, StaffStore
from staff.retention import live

# (stored attribute, header, code table whose label replaces the code)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("reference", "Référence / Reference", None),
    ("created_at", "Reçue le (UTC) / Received (UTC)", None),
    ("kind", "Type / Kind", None),
    ("phase", "Phase / Phase", None),
    ("legal_name", "Entreprise / Business", None),
    ("neq", "NEQ / NEQ", None),
    ("sector", "Secteur / Sector", "sectors"),
    ("employees", "Employés / Employees", None),
    ("region", "Région / Region", "regions"),
    ("branch", "Succursale / Branch", "branches"),
    ("sells_online", "Vend en ligne / Sells online", None),
    ("contact_name", "Personne-ressource / Contact", None),
    ("email", "Courriel / E-mail", None),
    ("phone", "Téléphone / Phone", None),
    ("language", "Langue / Language", None),
    ("survey_consent", "Accepte le sondage / Survey consent", None),
    ("utm_source", "Source (utm_source)", None),
    ("utm_campaign", "Campagne (utm_campaign)", None),
    (keys.COACHING_STEPS["contacted"], "Premier contact / Contacted", None),
    (keys.COACHING_STEPS["first_meeting"], "Première rencontre / First meeting", None),
    (keys.COACHING_HOURS["training"], "Heures de formation / Training hours", None),
    (keys.COACHING_HOURS["coaching"], "Heures d’accompagnement / Coaching hours", None),
    (keys.COACHING_STEPS["finished"], "Accompagnement terminé / Coaching finished", None),
)
# The latest linked assessment, from its codes and scores (never its answers).
ASSESSMENT_HEADERS = (
    "Dernier bilan (UTC) / Latest assessment (UTC)",
    "Niveau du dernier bilan / Latest assessment level",
    *(f"Volet faible {n} / Weakest dimension {n}" for n in range(1, WEAKEST_COUNT + 1)),
)

# A spreadsheet evaluates a cell starting with these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
YES_NO = {"fr": ("Oui", "Non"), "en": ("Yes", "No")}


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate with `'`, which shows as text."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def cell_text(value: Any, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = YES_NO[language]
        return yes if value else no
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


def assessment_cells(latest: Item | None, content: Content, language: str) -> list[str]:
    """Date, level and the weakest dimensions (name and score) of the latest assessment."""
    empty = [""] * len(ASSESSMENT_HEADERS)
    result = None if latest is None else digest(latest, content.questionnaire)
    if latest is None or result is None:
        return empty
    questionnaire = content.questionnaire
    levels = {level.code: level.name(language) for level in questionnaire.levels}
    names = {dimension.id: dimension.name(language) for dimension in questionnaire.dimensions}
    weakest = [
        f"{names.get(weak.dimension, weak.dimension)} ({weak.score}/100)" for weak in result.weakest
    ]
    weakest += [""] * (WEAKEST_COUNT - len(weakest))
    taken = keys.assessment_created_at(str(latest.get("sk", "")))[:10]
    return [taken, levels.get(result.level, result.level), *weakest]


def row(
    item: Item, content: Content, language: str, assessments: list[Item] | None = None
) -> list[str]:
    cells = []
    for attribute, _header, code_table in COLUMNS:
        value = item.get(attribute)
        if code_table is not None and value is not None:
            value = content.label(code_table, str(value), language)
        cells.append(cell_text(value, language))
    latest = max(assessments, key=lambda a: str(a.get("sk", ""))) if assessments else None
    cells.extend(assessment_cells(latest, content, language))
    return [neutralise(cell) for cell in cells]


def to_csv(
    items: Iterable[Item],
    content: Content,
    language: str = "fr",
    linked: dict[str, list[Item]] | None = None,
) -> tuple[bytes, int]:
    """The CSV file's bytes and the number of registrations in it; `linked` maps a
    reference to its linked assessments."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _attribute, header, _table in COLUMNS] + list(ASSESSMENT_HEADERS))
    count = 0
    for item in items:
        assessments = (linked or {}).get(str(item.get("reference")))
        writer.writerow(row(item, content, language, assessments))
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


def gsi1_range(start: date, end: date) -> tuple[str, str]:
    """Bounds on the branch index's sort key covering whole days, both inclusive."""
    return keys.branch_range(start.isoformat(), end.isoformat())


def export_branch(
    store: StaffStore,
    branch: str,
    start: date,
    end: date,
    content: Content,
    language: str = "fr",
    now: datetime | None = None,
) -> tuple[bytes, int]:
    """The branch's registrations still within their retention (see `retention`), each
    with its latest linked assessment (one Query per registration, digest fields only)."""
    low, high = gsi1_range(start, end)
    registrations = list(live(store.branch_registrations(branch, low, high), now or utc_now()))
    linked = store.linked_assessments([str(item["reference"]) for item in registrations])
    return to_csv(registrations, content, language, linked)
