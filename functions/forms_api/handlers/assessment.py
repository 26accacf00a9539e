"""`POST /assessments`: the digital assessment, scored from `assessment.yml`.

Stored once (idempotent: a double click, a network retry), then Post/Redirect/Get to the
result's own address (`GET /assessments/result`, a signed, expiring token naming where the
result is stored): a reload shows the result again and never posts twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from content_model import Content

from forms_api import keys
from forms_api.domain import tokens
from forms_api.domain.assessment import assess
from forms_api.domain.models import AssessmentResult, DimensionResult
from forms_api.handlers import answers, request, resolver, runtime
from forms_api.handlers.body import check_body
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.models import AssessmentRequest, AssessmentResponse, DimensionScore
from forms_api.handlers.once import Once
from forms_api.repository import get_repository, keep_to_deadline
from forms_api.settings import get_settings
from forms_api.signing import current_key, signing_keys

FORM = "assessment"
RESULT = "assessment-result"
app = resolver.new_resolver()
page = FormPage(
    name=FORM,
    page_id="assessment",
    partial="assessment_form.html",
    title_key=lambda data: "assessment_title",
    # Answers are named answers.<question>; the first radio of each question has the id
    # asm-answers-<question> (see the radios macro), where the summary's link lands.
    field_id=lambda field: "asm-" + field.replace(".", "-"),
    action="/api/assessments",
)
resolver.install_error_handlers(app, page)


def _assess_stored(submission: dict[str, Any], _idempotency_key: str) -> dict[str, Any]:
    result = assess(
        submission["answers"],
        submission["reference"],
        submission["language"],
        runtime.program_data(),
        get_repository(),
        runtime.now(),
    )
    return asdict(result)


# Keyed on the answers, the reference, the language and the attempt: a double click or a
# retry within the idempotency window stores one assessment and shows the same result,
# while two people's assessments with the same answers stay two.
assess_once = Once(_assess_stored)


def _attempt(body: AssessmentRequest, event: dict[str, Any]) -> str:
    """Who is posting: the page's own attempt id (the script draws one per assessment), else
    a hash of the address and browser the request came from (no JavaScript)."""
    if body.attempt_id:
        return body.attempt_id
    http = (event.get("requestContext") or {}).get("http") or {}
    seen = f"{http.get('sourceIp', '')}|{request.header(event, 'user-agent')}"
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:32]


def _store(body: AssessmentRequest, lang: str, event: dict[str, Any]) -> AssessmentResult:
    submission = {
        "answers": dict(sorted(body.answers.items())),
        "reference": body.reference,
        "language": lang,
        "attempt": _attempt(body, event),
    }
    stored = assess_once(submission, app.lambda_context)
    dimensions = tuple(DimensionResult(**d) for d in stored["dimensions"])
    return AssessmentResult(**{**stored, "dimensions": dimensions})


def _answer(data: Content, lang: str, result: AssessmentResult, reference: str | None) -> Any:
    questionnaire = data.questionnaire
    names = {d.id: d.name(lang) for d in questionnaire.dimensions}
    level_names = {level.code: level.name(lang) for level in questionnaire.levels}
    return AssessmentResponse(
        questionnaire_version=result.questionnaire_version,
        reference=reference,
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
        result_url=_result_path(result, reference, lang),
    )


def _result_path(result: AssessmentResult, reference: str | None, lang: str) -> str:
    key = (
        keys.linked_assessment(reference, result.created_at, result.assessment_id)
        if reference
        else keys.lone_assessment(result.assessment_id)
    )
    token = tokens.sign(
        current_key(),
        RESULT,
        int(runtime.now().timestamp()),
        get_settings().confirmation_seconds,
        pk=key["pk"],
        sk=key["sk"],
        l=lang,
    )
    return f"{resolver.API_PREFIX}/assessments/result?token={token}"


@app.post(
    "/assessments",
    status_code=201,
    summary="Score a digital assessment and store the answers",
    responses={
        201: {
            "description": "Scored and stored",
            "content": {"application/json": {"model": AssessmentResponse}},
        },
        303: answers.redirect_doc("Scored and stored (a form post): see the result page"),
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
    result = _store(body, lang, event)
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
    answer = _answer(data, lang, result, body.reference)
    if request.is_form_post(event):
        return answers.see_other(answer.result_url)
    return answers.json_response(201, answer)


def _result_page(data: Content, lang: str, stored: dict[str, Any]) -> Response[Any]:
    questionnaire = data.questionnaire
    level_names = {level.code: level.name(lang) for level in questionnaire.levels}
    scores = {str(k): int(v) for k, v in (stored.get("scores") or {}).items()}
    rows = []
    for dimension in questionnaire.dimensions:
        if dimension.id not in scores:
            continue
        value = scores[dimension.id]
        level = questionnaire.level_for(value)
        rows.append(
            {
                "dimension": dimension.id,
                "name": dimension.name(lang),
                "score": value,
                "level": level,
                "level_name": level_names[level],
                "recommendation": dimension.recommendations[level](lang),
            }
        )
    overall = int(stored.get("score", 0))
    reference = stored.get("reference") or None
    branch = None
    if reference:
        view = get_repository().registration_view(str(reference))
        branch = view.branch if view else None
    t = data.strings_in(lang).form
    return answers.html_response(
        200,
        "assessment_result.html",
        {
            "lang": lang,
            "t": t,
            "errors": {},
            "title": t["result_title"],
            "result": {
                "score": overall,
                "level_name": level_names[questionnaire.level_for(overall)],
                "dimensions": rows,
                "reference": reference,
            },
        },
        page_id=page.page_id,
        branch=branch,
    )


@app.get(
    "/assessments/result",
    summary="The result page of an assessment (the address a form post redirects to)",
    responses={
        200: answers.page_doc("The result"),
        400: answers.page_doc("The link is not valid"),
        410: answers.page_doc("The link has expired"),
    },
    tags=["assessment"],
)
def get_result() -> Response[Any]:
    data = runtime.program_data()
    token = app.current_event.get_query_string_value("token") or ""
    code = ""
    try:
        claims = tokens.verify(signing_keys(), token, RESULT, int(runtime.now().timestamp()))
    except tokens.TokenExpired:
        claims, code = None, "link_expired"
    except tokens.TokenInvalid:
        claims, code = None, "link_invalid"
    lang = str(claims.get("l", "fr")) if claims else "fr"
    stored = None
    if claims is not None:
        stored = get_repository().assessment_scores({"pk": claims["pk"], "sk": claims["sk"]})
        code = "" if stored else "link_invalid"
    if stored is None:
        return answers.link_problem(code, lang, page)
    return _result_page(data, lang, stored)


@runtime.metrics.log_metrics
@runtime.logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    keep_to_deadline(context)
    if not resolver.from_the_edge(event):
        return resolver.reject_not_from_the_edge()
    checked = check_body(event, page)
    if checked.answer is not None:
        return checked.answer
    return app.resolve(checked.event, context)
