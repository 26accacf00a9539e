"""Linked assessments scored and shaped by the forms' own code (`score`, `assessment_item`),
answers included, for the notifier's and the staff tools' tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forms_support import CONTENT_DATA

# Per dimension, the option index every question is answered with (0 = the lowest score):
# with the default, ecommerce 0/100, payments 33/100, data_security 67/100, others 100/100.
WEAK_ECOMMERCE = {"ecommerce": 0, "payments": 1, "data_security": 2}


def scored_assessment(
    reference: str, created_at: datetime, answered: dict[str, int] | None = None
) -> dict[str, Any]:
    from content_model import load_content
    from forms_api.domain.assessment import score
    from forms_api.domain.models import Assessment
    from forms_api.repository import assessment_item

    plan = WEAK_ECOMMERCE if answered is None else answered
    questionnaire = load_content(CONTENT_DATA).questionnaire
    answers = {
        question.id: question.options[plan.get(dimension.id, -1)].code
        for dimension in questionnaire.dimensions
        for question in dimension.questions
    }
    result = score(questionnaire, answers, "fr")
    return assessment_item(
        Assessment(
            assessment_id=f"a{int(created_at.timestamp())}",
            created_at=created_at,
            reference=reference,
            questionnaire_version=result.questionnaire_version,
            answers=answers,
            scores={d.dimension: d.score for d in result.dimensions},
            score=result.score,
            level=result.level,
            language="fr",
            expires_at=1900000000,
        )
    )


def answer_labels() -> set[str]:
    """Every option's label, in both languages: text no branch e-mail or export may hold."""
    from content_model import load_content

    questionnaire = load_content(CONTENT_DATA).questionnaire
    return {
        label
        for question in questionnaire.questions.values()
        for option in question.options
        for label in (option.label.fr, option.label.en)
    }
