"""What the result pages show of a registration's assessments over time and of its peers:
plain values for the templates (the chart's geometry included: an SVG with presentation
attributes only, no script and no inline style, so the CSP holds and it works without
JavaScript; the table next to it carries the same figures as text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from content_model import Content, Language, formatting

from forms_api.domain.models import RegistrationView, StoredAssessment
from forms_api.domain.results import (
    changes,
    compare_with_peers,
    group_label,
    improved,
    peer_codes,
)
from forms_api.repository import get_repository

# The chart: one group of two bars per dimension, 100 points = BAR_WIDTH units.
BAR_WIDTH = 200
ROW_HEIGHT = 44


def _day(data: Content, lang: str, moment: str) -> str:
    """An ISO date or time as the language writes a day (« 30 novembre 2026 »); as it
    came when it is not a date."""
    try:
        day = dt.date.fromisoformat(moment[:10])
    except ValueError:
        return moment[:10]
    language: Language = "en" if lang == "en" else "fr"
    return formatting.long_date(day, data.strings_in(language).site["months"], language)


def _signed(delta: int) -> str:
    # U+2212 (minus) reads as a minus sign to screen readers, not a hyphen.
    return f"+{delta}" if delta > 0 else ("\u2212" + str(-delta) if delta < 0 else "0")


def history(
    data: Content,
    lang: str,
    first: StoredAssessment,
    current: StoredAssessment | Mapping[str, int],
) -> dict[str, Any] | None:
    """T0 (the registration's first assessment) against this one, per dimension."""
    scores = current.scores if isinstance(current, StoredAssessment) else current
    dimensions = [d.id for d in data.questionnaire.dimensions]
    names = {d.id: d.name(lang) for d in data.questionnaire.dimensions}
    found = changes(first.scores, scores, dimensions)
    if not found:
        return None
    t = data.strings_in(lang).form
    rows = [
        {
            "name": names[c.dimension],
            "before": c.before,
            "now": c.now,
            "delta": _signed(c.delta),
            "y": i * ROW_HEIGHT,
            "before_width": round(c.before * BAR_WIDTH / 100),
            "now_width": round(c.now * BAR_WIDTH / 100),
        }
        for i, c in enumerate(found)
    ]
    lines = [
        t["improved_line"].format(
            name=names[c.dimension], delta=c.delta, before=c.before, now=c.now
        )
        for c in improved(found)
    ]
    return {
        "first_date": _day(data, lang, first.created_at),
        "rows": rows,
        "improved": lines,
        "chart_height": len(rows) * ROW_HEIGHT,
        "chart_width": BAR_WIDTH + 40,
        "bar_width": BAR_WIDTH,
    }


def before_after(
    data: Content, lang: str, reference: str, this_id: str, scores: Mapping[str, int]
) -> dict[str, Any]:
    """The result page's "before and now": {"first": True} when this is T0 itself."""
    found = get_repository().linked_assessments(reference, limit=1)
    if not found or found[0].assessment_id == this_id:
        return {"first": True}
    shown = history(data, lang, found[0], scores)
    return {"first": shown is None, **(shown or {})}


def peers_table(
    data: Content,
    lang: str,
    view: RegistrationView,
    scores: Mapping[str, int],
    stored: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The comparison with the medians of the business's region, sector and size band;
    `shown` False when none of its groups is published."""
    dimensions = [d.id for d in data.questionnaire.dimensions]
    codes = peer_codes(data, view.region, view.sector, view.employees)
    comparison = compare_with_peers(stored, scores, codes, dimensions, data.program.open_data.k)
    if comparison is None:
        return {"shown": False}
    t = data.strings_in(lang).form
    names = {d.id: d.name(lang) for d in data.questionnaire.dimensions}
    return {
        "shown": True,
        "as_of": _day(data, lang, str((stored or {}).get("as_of", ""))),
        "groups": [group_label(data, kind, code, lang) for kind, code in comparison.groups],
        "rows": [
            {
                "name": names[dimension],
                "you": you,
                "medians": [t["peers_no_figure"] if m is None else m for m in medians],
            }
            for dimension, you, medians in comparison.rows
        ],
    }


def results_table(data: Content, lang: str, found: Sequence[StoredAssessment]) -> dict[str, Any]:
    """Every linked assessment, oldest first: T0, T1… (a column each), a row per dimension."""
    questionnaire = data.questionnaire
    level_names = {level.code: level.name(lang) for level in questionnaire.levels}
    columns = [
        {
            "label": f"T{i}",
            "date": _day(data, lang, a.created_at),
            "score": a.score,
            "level_name": level_names[questionnaire.level_for(a.score)],
            "href": "",
        }
        for i, a in enumerate(found)
    ]
    rows = [
        {
            "name": d.name(lang),
            "scores": [a.scores.get(d.id) for a in found],
        }
        for d in questionnaire.dimensions
        if any(d.id in a.scores for a in found)
    ]
    return {"columns": columns, "rows": rows}
