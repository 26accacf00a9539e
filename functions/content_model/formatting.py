"""Numbers and dates as each language writes them, for the site build and the functions
that render parts of its pages (the figures of « Le programme en chiffres »)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from content_model.models import Language

NBSP = "\u00a0"


def number(value: int, lang: Language) -> str:
    """12345 → « 12 345 » (a non-breaking space) / "12,345"."""
    text = f"{value:,}"
    return text.replace(",", NBSP) if lang == "fr" else text


def long_date(value: dt.date, months: Sequence[str], lang: Language) -> str:
    """« 1er décembre 2026 » / "December 1, 2026"; `months`: the language's 12 names."""
    month = months[value.month - 1]
    if lang == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {month} {value.year}"
    return f"{month} {value.day}, {value.year}"
