"""What a branch may know of a stored assessment before the first meeting: its overall
level and its weakest dimensions, as codes and scores. Never an answer.

Read from the stored item's `level`, `score` and `scores` (dimension code → 0–100) only, so
the same digest serves the branch's e-mail (from the stream's image, which also holds the
answers) and the staff export (which never reads them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from content_model.models import Questionnaire

WEAKEST_COUNT = 3


@dataclass(frozen=True)
class DimensionLevel:
    dimension: str
    score: int
    level: str


@dataclass(frozen=True)
class AssessmentDigest:
    level: str
    score: int | None
    weakest: tuple[DimensionLevel, ...]


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal | float):
        return int(value)
    return None


def digest(
    item: Mapping[str, Any], questionnaire: Questionnaire, count: int = WEAKEST_COUNT
) -> AssessmentDigest | None:
    """The overall level and the `count` lowest-scoring dimensions, lowest first (ties in
    the questionnaire's order); None when the item has no level or no scores."""
    level = item.get("level")
    raw = item.get("scores")
    if not isinstance(level, str) or not level or not isinstance(raw, Mapping) or not raw:
        return None
    order = {dimension.id: index for index, dimension in enumerate(questionnaire.dimensions)}
    scores = {
        str(code): value
        for code, value in ((code, _integer(raw[code])) for code in raw)
        if value is not None
    }
    ranked = sorted(scores, key=lambda code: (scores[code], order.get(code, len(order)), code))
    return AssessmentDigest(
        level=level,
        score=_integer(item.get("score")),
        weakest=tuple(
            DimensionLevel(code, scores[code], questionnaire.level_for(scores[code]))
            for code in ranked[:count]
        ),
    )


def weakest_text(result: AssessmentDigest) -> str:
    """`ecommerce 20 (starting), payments 35 (starting), …`: codes a coach can read aloud."""
    return ", ".join(f"{d.dimension} {d.score} ({d.level})" for d in result.weakest)
