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


def row(item: Item, content: Content, language: str) -> list[str]:
    cells = []
    for attribute, _header, code_table in COLUMNS:
        value = item.get(attribute)
        if code_table is not None and value is not None:
            value = content.label(code_table, str(value), language)
        cells.append(neutralise(cell_text(value, language)))
    return cells


def to_csv(items: Iterable[Item], content: Content, language: str = "fr") -> tuple[bytes, int]:
    """The CSV file's bytes and the number of registrations in it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _attribute, header, _table in COLUMNS])
    count = 0
    for item in items:
        writer.writerow(row(item, content, language))
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
    """The branch's registrations still within their retention (see `retention`)."""
    low, high = gsi1_range(start, end)
    registrations = live(store.branch_registrations(branch, low, high), now or utc_now())
    return to_csv(registrations, content, language)
