"""The recount: every branch's registrations and their assessments → the published snapshot.

Each branch is tallied on its own (one index Query, then one Query per registration) and the
tallies are merged, so a future scheduled function can recount branches in parallel; the
merge is what `tests/unit/progress` checks against a tally of the whole population.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content_model import Content

from progress.aggregates import Business, Tally, publish, tally
from progress.source import COACHING_FIELDS, Item, ProgressSource

SNAPSHOT_VERSION = 1
# The statuses that count: a possible duplicate is a second registration of one business.
COUNTED_STATUSES = frozenset({"unconfirmed", "confirmed"})


def _live(item: Item, now: datetime) -> bool:
    expires = item.get("expires_at")
    try:
        return expires is None or int(expires) >= now.timestamp()
    except (TypeError, ValueError):
        return True


def counted(item: Item, regions: set[str], now: datetime) -> bool:
    """A registration the figures count (see `progress.aggregates`' definitions)."""
    return (
        item.get("kind") == "registration"
        and str(item.get("status", "confirmed")) in COUNTED_STATUSES
        and str(item.get("region")) in regions
        and _live(item, now)
    )


def coached(item: Item) -> bool:
    """A first coaching meeting is recorded (see `progress.aggregates`' definitions)."""
    return any(item.get(name) for name in COACHING_FIELDS)


def scores_of(assessment: Item) -> dict[str, int]:
    raw = assessment.get("scores") or {}
    return {str(dimension): int(score) for dimension, score in raw.items()}


def branch_businesses(
    source: ProgressSource, branch: str, regions: set[str], now: datetime
) -> list[Business]:
    registrations = [
        item for item in source.branch_registrations(branch) if counted(item, regions, now)
    ]
    linked = source.assessments([str(item["reference"]) for item in registrations])
    return [
        Business(
            reference=str(item["reference"]),
            region=str(item["region"]),
            branch=branch,
            assessments=tuple(
                scores_of(assessment)
                for assessment in linked.get(str(item["reference"]), [])
                if _live(assessment, now) and assessment.get("scores")
            ),
            coached=coached(item),
            sector=str(item["sector"]) if item.get("sector") else None,
            employees=_head_count(item.get("employees")),
        )
        for item in registrations
    ]


def _head_count(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def businesses(source: ProgressSource, content: Content, now: datetime) -> list[Business]:
    """Every counted business of every branch (what `recount` tallies)."""
    regions = {region.code for region in content.regions}
    found: list[Business] = []
    for branch in content.branch_ids:
        found.extend(branch_businesses(source, branch, regions, now))
    return found


def recount(source: ProgressSource, content: Content, now: datetime | None = None) -> Tally:
    moment = now or datetime.now(UTC)
    regions = {region.code for region in content.regions}
    total = Tally()
    for branch in content.branch_ids:
        total = total.merge(tally(branch_businesses(source, branch, regions, moment)))
    return total


def dimensions_of(content: Content) -> list[str]:
    return [dimension.id for dimension in content.questionnaire.dimensions]


def figures(tally_: Tally, content: Content) -> dict[str, Any]:
    return publish(
        tally_,
        regions=[region.code for region in content.regions],
        targets={region.code: region.target for region in content.regions},
        dimensions=dimensions_of(content),
        k=content.program.open_data.k,
    )


def snapshot(
    tally_: Tally, content: Content, as_of: datetime, *, synthetic: bool = False
) -> dict[str, Any]:
    """What is written to disk and published: suppressed figures only, never the tally."""
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": as_of.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # Figures from `python -m progress seed`: the page says they are fictitious.
        "synthetic": synthetic,
        "figures": figures(tally_, content),
    }


def write_snapshot(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    os.replace(temporary, path)
