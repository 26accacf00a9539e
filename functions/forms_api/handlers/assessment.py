"""`POST /assessments`: the digital assessment, scored from `assessment.yml`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from forms_api.domain.assessment import assess
from forms_api.domain.models import AssessmentResult, DimensionResult
from forms_api.handlers import answers, request, resolver, runtime
from forms_api.handlers.body import check_body
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.models import (
    AssessmentRequest,
    AssessmentResponse,
    DimensionScore,
)
from forms_api.handlers.once import Once
from forms_api.repository import get_repository

FORM = "assessment"
app = resolver.new_resolver()
page = FormPage(
    name=FORM,
    partial="assessment_form.html",
    title_key=lambda data: "assessment_title",
    # Answers are named answers.<question>; the first radio of each question has the id
    # asm-answers-<question> (see the radios macro), where the summary's link lands.
    field_id=lambda field: "asm-" + field.replace(".", "-"),
    action="/api/assessments",
)
resolver.install_error_handlers(app, page)


def _assess_stored(submission: dict[str, Any]) -> dict[str, Any]:
    result = assess(
        submission["answers"],
        submission["reference"],
        submission["language"],
        runtime.program_data(),
        get_repository(),
        runtime.now(),
    )
    return asdict(result)


# Keyed on the answers, the reference and the language: a double click or a retry within
# the idempotency window stores one assessment and shows the same result.
assess_once = Once(_assess_stored)


def _store(answers: dict[str, str], reference: str | None, lang: str) -> AssessmentResult:
    submission = {
        "answers": dict(sorted(answers.items())),
        "reference": reference,
        "language": lang,
    }
    stored = assess_once(submission, app.lambda_context)
    dimensions = tuple(DimensionResult(**d) for d in stored["dimensions"])
    return AssessmentResult(**{**stored, "dimensions": dimensions})


@app.post(
    "/assessments",
    status_code=201,
    summary="Score a digital assessment and store the answers",
    responses={
        200: answers.page_doc("Form post: the result page"),
        201: {
            "description": "Scored and stored",
            "content": {"application/json": {"model": AssessmentResponse}},
        },
        400: answers.error_doc("Invalid or missing answers, or a body that can't be read"),
        413: answers.error_doc("Body too large"),
        415: answers.error_doc("Neither JSON nor a form post", page=False),
        503: answers.error_doc("Storage busy: nothing stored, retry", retry=True),
    },
    tags=["assessment"],
)
def post_assessment(body: AssessmentRequest) -> Response[Any]:
    event = app.current_event.raw_event
    data = runtime.program_data()
    lang = request.visitor_language(event, body.language)
    result = _store(body.answers, body.reference, lang)
    runtime.count(FORM, "completed")
    runtime.logger.info(
        "assessment stored",
        extra={
            # not "level": that key is the log record's own
            "maturity_level": result.level,
            "linked": body.reference is not None,
            "language": lang,
            "questionnaire_version": result.questionnaire_version,
        },
    )
    questionnaire = data.questionnaire
    names = {d.id: d.name(lang) for d in questionnaire.dimensions}
    level_names = {level.code: level.name(lang) for level in questionnaire.levels}
    answer = AssessmentResponse(
        questionnaire_version=result.questionnaire_version,
        reference=body.reference,
        score=result.score,
        level=result.level,
        level_name=level_names[result.level],
        dimensions=[
            DimensionScore(
                dimension=d.dimension,
                name=names[d.dimension],
                score=d.score,
                level=d.level,
                level_name=level_names[d.level],
                recommendation=d.recommendation,
            )
            for d in result.dimensions
        ],
    )
    if not request.is_form_post(event):
        return answers.json_response(201, answer)
    t = data.strings_in(lang).form
    return answers.html_response(
        200,
        "assessment_result.html",
        {"lang": lang, "t": t, "errors": {}, "title": t["result_title"], "result": answer},
    )


@runtime.metrics.log_metrics
@runtime.logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    checked = check_body(event, page)
    if checked.answer is not None:
        return checked.answer
    return app.resolve(checked.event, context)
