"""`POST /registrations`: a business registers, or joins the callback list."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from forms_api.domain.models import Submission
from forms_api.domain.registration import check_admission, check_not_spam, register
from forms_api.handlers import answers, request, resolver, runtime
from forms_api.handlers.body import check_body
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.models import Message, RegistrationRequest, RegistrationResponse
from forms_api.handlers.once import Once
from forms_api.repository import get_repository
from forms_api.settings import get_settings

FORM = "registration"
app = resolver.new_resolver()
page = FormPage(
    name=FORM,
    partial="registration_form.html",
    title_key=lambda data: (
        "registration_title" if data.program.phase == "open" else "waitlist_title"
    ),
    field_id=lambda field: f"reg-{field}",
    action="/api/registrations",
)
resolver.install_error_handlers(app, page)


def _register_stored(submission: dict[str, Any]) -> dict[str, Any]:
    registration = register(
        Submission(**submission), runtime.program_data(), get_repository(), runtime.now()
    )
    return {
        "reference": registration.reference,
        "kind": registration.kind,
        "branch": registration.branch,
    }


register_once = Once(_register_stored)


@app.post(
    "/registrations",
    status_code=201,
    summary="Register a business (or join the callback list)",
    responses={
        200: answers.page_doc("Form post: the confirmation page"),
        201: {
            "description": "Stored",
            "content": {"application/json": {"model": RegistrationResponse}},
        },
        400: answers.error_doc("Invalid fields, or a body that can't be read"),
        403: answers.error_doc("Registrations closed"),
        409: answers.error_doc("This business (NEQ) is already registered"),
        413: answers.error_doc("Body too large"),
        415: answers.error_doc("Neither JSON nor a form post", page=False),
        422: answers.error_doc("Not eligible"),
        503: answers.error_doc("Storage busy: nothing stored, retry", retry=True),
    },
    tags=["registration"],
)
def post_registration(body: RegistrationRequest) -> Response[Any]:
    event = app.current_event.raw_event
    data = runtime.program_data()
    lang = request.visitor_language(event, body.language)
    check_not_spam(
        body.website, body.form_rendered_at, runtime.now(), get_settings().min_fill_seconds
    )
    submission = body.to_submission(lang)
    # Refusals happen before the idempotency record: an ineligible post stores nothing at all.
    check_admission(submission, data)
    stored = register_once(asdict(submission), app.lambda_context)
    outcome = "registered" if stored["kind"] == "registration" else "waitlisted"
    runtime.count(FORM, outcome)
    # Codes only: the log never holds names, e-mails, phones or the NEQ.
    runtime.logger.info(
        "registration stored",
        extra={
            "outcome": outcome,
            "reference": stored["reference"],
            "branch": stored["branch"],
            "region": submission.region,
            "sector": submission.sector,
            "language": lang,
        },
    )
    branch = data.branch(stored["branch"])
    next_key = (
        "next_step_registration" if stored["kind"] == "registration" else "next_step_waitlist"
    )
    answer = RegistrationResponse(
        reference=stored["reference"],
        kind=stored["kind"],
        branch=branch.id,
        branch_name=Message(fr=branch.name_fr, en=branch.name_en),
        next_step=Message(
            fr=data.message("fr", "form", next_key), en=data.message("en", "form", next_key)
        ),
    )
    if not request.is_form_post(event):
        return answers.json_response(201, answer)
    t = data.strings_in(lang).form
    title_key = (
        "confirmation_title" if stored["kind"] == "registration" else "waitlist_confirmation_title"
    )
    return answers.html_response(
        200,
        "registration_confirmation.html",
        {
            "lang": lang,
            "t": t,
            "errors": {},
            "title": t[title_key],
            "reference": answer.reference,
            "branch_name": getattr(answer.branch_name, lang),
            "next_step": getattr(answer.next_step, lang),
        },
    )


@runtime.metrics.log_metrics
@runtime.logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    checked = check_body(event, page)
    if checked.answer is not None:
        return checked.answer
    return app.resolve(checked.event, context)
