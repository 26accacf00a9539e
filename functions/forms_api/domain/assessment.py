"""Scoring the digital assessment from the questionnaire in `assessment.yml`."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from content_model import Content
from content_model.models import Questionnaire

from forms_api.domain.errors import FieldProblem, InvalidSubmission
from forms_api.domain.models import Assessment, AssessmentResult, DimensionResult
from forms_api.domain.ports import ProgramRepository
from forms_api.domain.rules import expires_at, iso_utc


def answer_field(question_id: str) -> str:
    """The name a question's answer has in errors and in the HTML form."""
    return f"answers.{question_id}"


def check_answers(questionnaire: Questionnaire, answers: dict[str, str]) -> None:
    """Every question answered once, with one of its own options."""
    questions = questionnaire.questions
    problems = [
        FieldProblem(answer_field(qid), "unknown_field") for qid in answers if qid not in questions
    ]
    for qid, question in questions.items():
        if qid not in answers:
            problems.append(FieldProblem(answer_field(qid), "answer_required"))
        elif answers[qid] not in {option.code for option in question.options}:
            problems.append(FieldProblem(answer_field(qid), "invalid_choice"))
    if problems:
        raise InvalidSubmission(problems)


def score(questionnaire: Questionnaire, answers: dict[str, str], lang: str) -> AssessmentResult:
    """Each dimension scores 0–100 (points over the maximum); overall is their mean,
    so a dimension with more questions does not weigh more."""
    check_answers(questionnaire, answers)
    results = []
    for dimension in questionnaire.dimensions:
        points = maximum = 0
        for question in dimension.questions:
            chosen = next(o for o in question.options if o.code == answers[question.id])
            points += chosen.score
            maximum += question.max_score
        value = round(100 * points / maximum) if maximum else 0
        level = questionnaire.level_for(value)
        results.append(
            DimensionResult(dimension.id, value, level, dimension.recommendations[level](lang))
        )
    overall = round(sum(r.score for r in results) / len(results))
    return AssessmentResult(
        questionnaire_version=questionnaire.version,
        score=overall,
        level=questionnaire.level_for(overall),
        dimensions=tuple(results),
    )


def assess(
    answers: dict[str, str],
    reference: str | None,
    lang: str,
    data: Content,
    repository: ProgramRepository,
    now: datetime,
) -> AssessmentResult:
    result = score(data.questionnaire, answers, lang)
    if reference is not None and not repository.registration_exists(reference):
        raise InvalidSubmission([FieldProblem("reference", "unknown_reference")])
    assessment_id = secrets.token_hex(8)
    repository.add_assessment(
        Assessment(
            assessment_id=assessment_id,
            created_at=now,
            reference=reference,
            questionnaire_version=result.questionnaire_version,
            answers=dict(answers),
            scores={d.dimension: d.score for d in result.dimensions},
            score=result.score,
            level=result.level,
            language=lang,
            expires_at=expires_at(now, data.program.privacy.retention_days),
        )
    )
    return replace(result, assessment_id=assessment_id, created_at=iso_utc(now))
