"""`POST /assessments`: the digital assessment, scored from `assessment.yml`.

Stored once (idempotent: a double click, a network retry), then Post/Redirect/Get to the
result's own address (`GET /assessments/result`, a signed, expiring token naming where the
result is stored): a reload shows the result again and never posts twice.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from content_model import Content

from forms_api import keys, links, results_mail
from forms_api.domain import tokens
from forms_api.domain.assessment import assess
from forms_api.domain.errors import (
    FieldProblem,
    LinkExpired,
    LinkRefused,
    MailLimited,
    MailUnavailable,
)
from forms_api.domain.models import (
    AssessmentResult,
    DimensionResult,
    RegistrationView,
    StoredAssessment,
)
from forms_api.handlers import answers, progress_view, request, resolver, runtime
from forms_api.handlers.body import check_body
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.models import (
    AssessmentRequest,
    AssessmentResponse,
    DimensionScore,
    ResultMailRequest,
    ResultMailResponse,
)
from forms_api.handlers.once import Once
from forms_api.mail_ledger import DynamoMailLedger
from forms_api.repository import get_repository, keep_to_deadline
from forms_api.settings import get_settings
from forms_api.signing import current_key, signing_keys

FORM = "assessment"
RESULT = "assessment-result"
# The "send me my result" button's token: names the result, only on its page.
MAIL = "assessment-mail"
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
    return _result_path_for(key, lang)


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


def _result_page(
    data: Content, lang: str, stored: dict[str, Any], claims: dict[str, Any], notice: str = ""
) -> Response[Any]:
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
    reference = str(stored.get("reference") or "") or None
    view = get_repository().registration_view(reference) if reference else None
    t = data.strings_in(lang).form
    context: dict[str, Any] = {
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
        "k": data.program.open_data.k,
        "link_days": get_settings().results_link_seconds // 86400,
        "notice": None,
        "history": None,
        "peers": None,
        "mail": None,
    }
    if view is not None:
        this_id = str(claims["sk"]).rsplit("#", 1)[-1]
        context.update(
            history=progress_view.before_after(data, lang, view.reference, this_id, scores),
            peers=progress_view.peers_table(data, lang, view, scores, cached_peers()),
            mail=_mail_block(view, claims, lang),
            retake_href=f"{data.page_path('assessment', lang)}?reference={view.reference}",
        )
        if notice in _MAIL_NOTICES:
            context["notice"] = {
                "code": notice,
                "masked_email": view.masked_email,
                "message": (
                    data.message(lang, "errors", notice)
                    if notice in data.strings_in(lang).errors
                    else ""
                ),
            }
    return answers.html_response(
        200,
        "assessment_result.html",
        context,
        page_id=page.page_id,
        branch=view.branch if view else None,
    )


# What the result page may say after "send me my result" (a query parameter, from our own
# redirect: anything else is ignored).
_MAIL_NOTICES = ("mail_sent", "mail_already", "results_mail_limited", "results_mail_unavailable")


def _mail_block(view: RegistrationView, claims: dict[str, Any], lang: str) -> dict[str, Any]:
    """The "send me my result" form, for a registration whose address is confirmed: its
    token names this result and works as long as the page's own address does."""
    if not view.email_confirmed:
        return {"confirmed": False}
    now = int(runtime.now().timestamp())
    token = tokens.sign(
        current_key(),
        MAIL,
        now,
        max(1, int(claims["e"]) - now),
        pk=claims["pk"],
        sk=claims["sk"],
        l=lang,
    )
    return {
        "confirmed": True,
        "masked_email": view.masked_email,
        "action": f"{resolver.API_PREFIX}/assessments/mail",
        "token": token,
    }


# The peers' medians change once a day at most: each container keeps them five minutes,
# so a result page costs one GetItem at most every five minutes, and a refresh shows
# within five minutes.
PEERS_CACHE_SECONDS = 300
_peers_cache: dict[str, Any] = {}


def cached_peers() -> dict[str, Any] | None:
    moment = time.monotonic()
    if "at" not in _peers_cache or moment - float(_peers_cache["at"]) > PEERS_CACHE_SECONDS:
        _peers_cache.update(at=moment, document=get_repository().peers())
    document: dict[str, Any] | None = _peers_cache["document"]
    return document


def reset_peers_cache() -> None:
    _peers_cache.clear()


@app.get(
    "/assessments/result",
    summary="The result page of an assessment (the address a form post redirects to)",
    responses=answers.signed_page_docs("The result"),
    tags=["assessment"],
)
def get_result() -> Response[Any]:
    data = runtime.program_data()
    token = app.current_event.get_query_string_value("token") or ""
    claims, code, made_in = _verified(token, RESULT)
    lang = _language(made_in)
    stored = None
    if claims is not None:
        stored = get_repository().assessment_scores({"pk": claims["pk"], "sk": claims["sk"]})
        code = "" if stored else "link_invalid"
    if stored is None or claims is None:
        return answers.link_problem(code, lang, page)
    notice = app.current_event.get_query_string_value("notice") or ""
    return _result_page(data, lang, stored, claims, notice)


def _verified(token: str, purpose: str) -> tuple[dict[str, Any] | None, str, str | None]:
    """(the claims or None, the problem code, the language the link was made in: an expired
    link's page is still in its language)."""
    try:
        claims = tokens.verify(signing_keys(), token, purpose, int(runtime.now().timestamp()))
    except tokens.TokenExpired as expired:
        return None, "link_expired", str(expired.claims.get("l") or "") or None
    except tokens.TokenInvalid:
        return None, "link_invalid", None
    return claims, "", str(claims.get("l") or "") or None


def _language(made_in: str | None, chosen: str | None = None) -> str:
    if made_in in ("fr", "en"):
        return str(made_in)
    if chosen in ("fr", "en"):
        return str(chosen)
    value = app.current_event.get_query_string_value("lang")
    return value if value in ("fr", "en") else "fr"


@app.post(
    "/assessments/mail",
    status_code=202,
    summary="Send me my result: e-mail a linked assessment's result to the confirmed address",
    responses={
        202: {
            "description": "Asked for (JSON): the mail leaves from the notifier",
            "content": {"application/json": {"model": ResultMailResponse}},
        },
        303: answers.redirect_doc("A form post: back to the result page, which says what happened"),
        400: answers.error_doc(
            "The result page's token is not valid, or a body that can't be read"
        ),
        409: answers.error_doc("The registration has no confirmed address"),
        410: answers.error_doc("The result page's token has expired"),
        413: answers.error_doc("Body too large"),
        415: answers.error_doc("Neither JSON nor a form post", page=False),
        429: answers.error_doc("This address received today's maximum of mails"),
        503: answers.error_doc("Storage busy: nothing asked for, retry", retry=True),
    },
    tags=["assessment"],
)
def post_result_mail(body: ResultMailRequest) -> Response[Any]:
    event = app.current_event.raw_event
    claims, problem, made_in = _verified(body.token, MAIL)
    lang = _language(made_in, body.language)
    if claims is None:
        runtime.count(FORM, problem)
        if request.is_form_post(event):
            return answers.link_problem(problem, lang, page)
        refused = LinkExpired if problem == "link_expired" else LinkRefused
        raise refused([FieldProblem("token", problem)])
    key: keys.Key = {"pk": str(claims["pk"]), "sk": str(claims["sk"])}
    outcome = ask_for_results_mail(key, lang)
    runtime.count(FORM, outcome)
    runtime.logger.info("results mail", extra={"outcome": outcome, "language": lang})
    if request.is_form_post(event):
        result = _result_path_for(key, lang)
        return answers.see_other(f"{result}&notice={outcome}")
    if outcome in ("mail_sent", "mail_already"):
        return answers.json_response(202, ResultMailResponse(status=outcome))
    problem_class = MailLimited if outcome == "results_mail_limited" else MailUnavailable
    raise problem_class([FieldProblem("", outcome)])


def ask_for_results_mail(key: keys.Key, lang: str) -> str:
    """Store the request for the notifier, within the address's daily limit; the outcome
    is a notice code of the result page."""
    repository = get_repository()
    reference = keys.reference_of(key["pk"])
    view = repository.registration_view(reference) if reference else None
    stored = repository.assessment_scores(key) if view is not None else None
    if view is None or stored is None or not view.email_confirmed or not view.email_hash:
        return "results_mail_unavailable"
    now = runtime.now()
    sk = key["sk"]
    assessment = StoredAssessment(
        assessment_id=sk.rsplit("#", 1)[-1],
        created_at=sk.removeprefix(keys.ASSESSMENT_PREFIX).rsplit("#", 1)[0],
        scores={str(d): int(v) for d, v in (stored.get("scores") or {}).items()},
        score=int(stored.get("score", 0)),
    )
    item = results_mail.request_item(view.reference, assessment, lang, now)
    if not _admitted(view.email_hash, results_mail.counted_as(item), now):
        return "results_mail_limited"
    return "mail_sent" if repository.add_results_mail(item) else "mail_already"


def _admitted(address_hash: str, counted: str, now: datetime) -> bool:
    """The counter's answer; DynamoDB busy is the visitor's 503 ("retry"), as for any write."""
    from botocore.exceptions import BotoCoreError, ClientError

    from forms_api.domain.errors import StorageUnavailable
    from forms_api.repository import is_configuration_error

    try:
        return mail_ledger().admit_hash(address_hash, counted, now)
    except ClientError as error:
        if is_configuration_error(error):
            raise
        raise StorageUnavailable() from error
    except BotoCoreError as error:
        raise StorageUnavailable() from error


@lru_cache(maxsize=1)
def mail_ledger() -> DynamoMailLedger:
    """The notifier's daily count of merchant mails per address, counted here first so the
    page can say when the limit is reached (`MERCHANT_MAILS_PER_DAY`, as the notifier's)."""
    from forms_api.repository import dynamodb_client

    settings = get_settings()
    return DynamoMailLedger(
        settings.table_name,
        limit=settings.merchant_mails_per_day,
        count_ttl_seconds=2 * 86400,
        refusal_days=90,
        client=dynamodb_client(),
    )


def _result_path_for(key: keys.Key, lang: str) -> str:
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


@app.get(
    "/assessments/results",
    summary="A registration's assessment results (the link e-mailed to its confirmed address)",
    responses=answers.signed_page_docs("Every assessment linked to the registration"),
    tags=["assessment"],
)
def get_results() -> Response[Any]:
    data = runtime.program_data()
    token = app.current_event.get_query_string_value("token") or ""
    claims, problem, made_in = _verified(token, links.RESULTS)
    lang = _language(made_in)
    view = get_repository().registration_view(str(claims["r"])) if claims else None
    if claims is None or view is None:
        runtime.count(FORM, problem or "link_invalid")
        return answers.link_problem(problem or "link_invalid", lang, page)
    found = get_repository().linked_assessments(view.reference)
    t = data.strings_in(lang).form
    table = progress_view.results_table(data, lang, found)
    for column, assessment in zip(table["columns"], found, strict=True):
        key = keys.linked_assessment(
            view.reference, assessment.created_at, assessment.assessment_id
        )
        column["href"] = _result_path_for(key, lang)
    history = None
    if len(found) >= 2:
        history = progress_view.history(data, lang, found[0], found[-1])
    return answers.html_response(
        200,
        "assessment_results.html",
        {
            "lang": lang,
            "t": t,
            "errors": {},
            "title": t["results_title"],
            "reference": view.reference,
            "table": table,
            "history": history,
            "link_days": get_settings().results_link_seconds // 86400,
            "retake_href": f"{data.page_path('assessment', lang)}?reference={view.reference}",
        },
        page_id=page.page_id,
        branch=view.branch,
    )


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
