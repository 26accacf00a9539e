"""`POST /registrations`: a business registers, or joins the callback list.

The journey, the same with and without JavaScript:
1. the site's form posts; the answer is the "check your answers" page (or the form again
   with its error summary, or a refusal with a way back), carrying a signed token of what
   it shows and when (the spam timing check, which a static page could not sign);
2. "Send" posts the same values with that token: stored once (idempotent), then
   Post/Redirect/Get to the confirmation's own address, a signed token that can be
   reloaded, reveals no personal data and cannot be used to enumerate references;
3. the confirmation e-mail's link (`GET /registrations/confirm`) confirms the address and
   only then claims the business number (NEQ): a second claim is kept for staff review.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from forms_api import links
from forms_api.domain import tokens
from forms_api.domain.errors import CheckExpired, CheckRefused, FieldProblem, SentTooFast
from forms_api.domain.models import RegistrationView, Submission
from forms_api.domain.registration import check_admission, check_not_spam, register
from forms_api.handlers import answers, request, resolver, runtime
from forms_api.handlers.body import check_body
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.models import (
    CheckResponse,
    Message,
    RegistrationRequest,
    RegistrationResponse,
    SendRequest,
)
from forms_api.handlers.once import Once
from forms_api.repository import get_repository, keep_to_deadline
from forms_api.settings import get_settings
from forms_api.signing import current_key, signing_keys

FORM = "registration"
CHECK = "registration-check"
CONFIRMATION = "registration-confirmation"
EMAIL = links.EMAIL_CONFIRMATION
app = resolver.new_resolver()
page = FormPage(
    name=FORM,
    page_id="registration",
    partial="registration_form.html",
    title_key=lambda data: (
        "registration_title" if data.program.phase == "open" else "waitlist_title"
    ),
    field_id=lambda field: f"reg-{field}",
    action="/api/registrations",
)
resolver.install_error_handlers(app, page)


def _register_stored(submission: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    registration = register(
        Submission(**submission),
        runtime.program_data(),
        get_repository(),
        runtime.now(),
        idempotency_key=idempotency_key,
    )
    return {
        "reference": registration.reference,
        "kind": registration.kind,
        "branch": registration.branch,
    }


register_once = Once(_register_stored)


def form_values(submission: Submission) -> dict[str, str]:
    """The submission as the form's fields: what the check page posts back, what "edit"
    puts back in the form (codes, never labels)."""
    values: dict[str, str] = {}
    for name, value in asdict(submission).items():
        if value is None or name == "language":
            continue
        values[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    values["language"] = submission.language
    return values


def _check_token(draft_id: str, lang: str) -> str:
    return tokens.sign(
        current_key(),
        CHECK,
        int(runtime.now().timestamp()),
        get_settings().form_token_seconds,
        d=draft_id,
        l=lang,
    )


@app.post(
    "/registrations",
    status_code=200,
    summary="Register a business (or join the callback list): first, check the answers",
    responses={
        200: {
            "description": "Check your answers: send them with `POST /registrations/send`"
            " (JSON); the form again with these values (a form post with `step=edit`)",
            "content": {
                "application/json": {"model": CheckResponse},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        303: answers.redirect_doc('A form post: see the "check your answers" page'),
        400: answers.error_doc("Invalid fields, or a body that can't be read"),
        403: answers.error_doc("Registrations closed"),
        409: answers.error_doc("The form changed since it was shown"),
        413: answers.error_doc("Body too large"),
        415: answers.error_doc("Neither JSON nor a form post", page=False),
        422: answers.error_doc("Not eligible"),
        503: answers.error_doc("Storage busy: nothing stored, retry", retry=True),
    },
    tags=["registration"],
)
def post_registration(body: RegistrationRequest) -> Response[Any]:
    """Validated and eligible: kept as a draft (two hours) for the "check your answers"
    page, whose signed address proves when it was shown (the spam timing check)."""
    event = app.current_event.raw_event
    data = runtime.program_data()
    lang = request.visitor_language(event, body.language)
    check_not_spam(body.website)
    submission = body.to_submission(lang)
    if body.step == "edit" and request.is_form_post(event):
        return page.render_form(event, form_values(submission))
    # Refusals happen before anything is kept: an ineligible post stores nothing at all.
    check_admission(submission, data)
    now = runtime.now()
    draft_id = secrets.token_urlsafe(16)
    get_repository().save_draft(
        draft_id, asdict(submission), int(now.timestamp()) + get_settings().form_token_seconds
    )
    token = _check_token(draft_id, lang)
    runtime.count(FORM, "checked")
    if request.is_form_post(event):
        location = f"{resolver.API_PREFIX}/registrations/check?token={token}"
        return answers.see_other(location)
    return answers.json_response(
        200, CheckResponse(status="check", form_token=token, values=form_values(submission))
    )


def _draft(token: str) -> tuple[Submission | None, dict[str, Any] | None, str]:
    """The draft a check token names: (submission, claims, problem code)."""
    try:
        claims = tokens.verify(signing_keys(), token, CHECK, int(runtime.now().timestamp()))
    except tokens.TokenExpired:
        return None, None, "check_expired"
    except tokens.TokenInvalid:
        return None, None, "link_invalid"
    stored = get_repository().load_draft(str(claims["d"]), runtime.now())
    if stored is None:
        return None, claims, "check_expired"
    return Submission(**stored), claims, ""


@app.get(
    "/registrations/check",
    summary='The "check your answers" page of a registration',
    responses=answers.signed_page_docs("What will be stored", expired="The page has expired"),
    tags=["registration"],
)
def get_check() -> Response[Any]:
    from forms_api import rendering

    token = app.current_event.get_query_string_value("token") or ""
    submission, _claims, problem = _draft(token)
    if submission is None:
        return _link_problem(problem, _query_language())
    data = runtime.program_data()
    lang = submission.language
    t = data.strings_in(lang).form
    notice = app.current_event.get_query_string_value("notice")
    values = form_values(submission)
    return answers.html_response(
        200,
        "registration_check.html",
        {
            "lang": lang,
            "t": t,
            "errors": {},
            "title": t["check_title"],
            "rows": rendering.check_rows(data, lang, values),
            "form_token": token,
            "send_action": f"{resolver.API_PREFIX}/registrations/send",
            "edit_href": f"{resolver.API_PREFIX}/registrations/edit?token={token}",
            "notice": data.message(lang, "errors", notice) if notice in _NOTICES else None,
        },
        page_id=page.page_id,
        branch=data.branch_for(submission.region, submission.branch),
    )


# Notices the check page may show (a query parameter: anything else is ignored).
_NOTICES = ("submission_too_fast",)


@app.get(
    "/registrations/edit",
    summary="The registration form again with the answers of a check page",
    responses=answers.signed_page_docs("The form, values kept", expired="The page has expired"),
    tags=["registration"],
)
def get_edit() -> Response[Any]:
    token = app.current_event.get_query_string_value("token") or ""
    submission, _claims, problem = _draft(token)
    if submission is None:
        return _link_problem(problem, _query_language())
    event = app.current_event.raw_event
    return page.render_form(event, form_values(submission), submission.language)


@app.post(
    "/registrations/send",
    status_code=201,
    summary="Send checked answers: the registration is stored",
    responses={
        201: {
            "description": "Stored",
            "content": {"application/json": {"model": RegistrationResponse}},
        },
        303: answers.redirect_doc("Stored, or sent too fast (a form post): the next page"),
        400: answers.error_doc("The check page could not be verified"),
        403: answers.error_doc("Registrations closed since the check page was shown"),
        409: answers.error_doc("The form changed since the check page was shown"),
        410: answers.error_doc("The check page has expired: nothing stored"),
        413: answers.error_doc("Body too large"),
        415: answers.error_doc("Neither JSON nor a form post", page=False),
        422: answers.error_doc("Not eligible"),
        425: answers.error_doc("Sent too fast after the check page was shown", retry=True),
        503: answers.error_doc("Storage busy: nothing stored, retry", retry=True),
    },
    tags=["registration"],
)
def post_send(body: SendRequest) -> Response[Any]:
    event = app.current_event.raw_event
    data = runtime.program_data()
    submission, claims, problem = _draft(body.form_token)
    if submission is None or claims is None:
        refused = CheckExpired if problem == "check_expired" else CheckRefused
        raise refused([FieldProblem("", problem)])
    lang = submission.language
    if int(runtime.now().timestamp()) - int(claims["i"]) < get_settings().min_fill_seconds:
        runtime.count(FORM, "too_fast")
        if not request.is_form_post(event):
            raise SentTooFast([FieldProblem("", "submission_too_fast")])
        location = (
            f"{resolver.API_PREFIX}/registrations/check?token={body.form_token}"
            "&notice=submission_too_fast"
        )
        return answers.see_other(location)
    # The phase may have changed since the check page was shown.
    check_admission(submission, data)
    # Keyed on the answers: Send clicked twice, or the same answers sent again from a
    # second check page within the hour, store once and show the same reference.
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
    confirmation = confirmation_path(stored["reference"], lang)
    if request.is_form_post(event):
        # Post/Redirect/Get: a reload or Back never posts again.
        return answers.see_other(confirmation)
    branch = data.branch(stored["branch"])
    next_key = (
        "next_step_registration" if stored["kind"] == "registration" else "next_step_waitlist"
    )
    return answers.json_response(
        201,
        RegistrationResponse(
            reference=stored["reference"],
            kind=stored["kind"],
            branch=branch.id,
            branch_name=Message(fr=branch.name_fr, en=branch.name_en),
            next_step=Message(
                fr=data.message("fr", "form", next_key), en=data.message("en", "form", next_key)
            ),
            confirmation_url=confirmation,
        ),
    )


def confirmation_path(reference: str, lang: str) -> str:
    token = tokens.sign(
        current_key(),
        CONFIRMATION,
        int(runtime.now().timestamp()),
        get_settings().confirmation_seconds,
        r=reference,
        l=lang,
    )
    return f"{resolver.API_PREFIX}/registrations/confirmation?token={token}"


def email_confirmation_token(reference: str) -> str:
    """The token of the confirmation e-mail's link (the notifier signs the same)."""
    return links.email_confirmation_token(reference, runtime.now())


def _claims(purpose: str) -> tuple[dict[str, Any] | None, str]:
    """The token's claims (None if it can't be trusted) and why not."""
    token = app.current_event.get_query_string_value("token") or ""
    try:
        return tokens.verify(signing_keys(), token, purpose, int(runtime.now().timestamp())), ""
    except tokens.TokenExpired:
        return None, "link_expired"
    except tokens.TokenInvalid:
        return None, "link_invalid"


def _link_problem(code: str, lang: str) -> Response[Any]:
    runtime.count(FORM, code)
    return answers.link_problem(code, lang, page)


def _query_language() -> str:
    value = app.current_event.get_query_string_value("lang")
    return value if value in ("fr", "en") else "fr"


def _confirmation_page(view: RegistrationView, lang: str, title_key: str) -> Response[Any]:
    data = runtime.program_data()
    t = data.strings_in(lang).form
    next_key = "next_step_registration" if view.kind == "registration" else "next_step_waitlist"
    assessment = data.page_path("assessment", lang)
    return answers.html_response(
        200,
        "registration_confirmation.html",
        {
            "lang": lang,
            "t": t,
            "errors": {},
            "title": t[title_key],
            "reference": view.reference,
            "kind": view.kind,
            "status": view.status,
            "masked_email": view.masked_email,
            "next_step": t[next_key],
            "assessment_href": f"{assessment}?reference={view.reference}",
        },
        page_id=page.page_id,
        branch=view.branch,
    )


@app.get(
    "/registrations/confirmation",
    summary="The confirmation page of a registration (the address a form post redirects to)",
    responses=answers.signed_page_docs("The confirmation"),
    tags=["registration"],
)
def get_confirmation() -> Response[Any]:
    claims, problem = _claims(CONFIRMATION)
    if claims is None:
        return _link_problem(problem, _query_language())
    lang = str(claims.get("l", "fr"))
    view = get_repository().registration_view(str(claims["r"]))
    if view is None:  # erased since (a privacy request): nothing left to show
        return _link_problem("link_invalid", lang)
    title = "confirmation_title" if view.kind == "registration" else "waitlist_confirmation_title"
    return _confirmation_page(view, lang, title)


@app.get(
    "/registrations/confirm",
    summary="Confirm the e-mail address of a registration (the link of its e-mail)",
    responses=answers.signed_page_docs("Confirmed"),
    tags=["registration"],
)
def get_confirm_email() -> Response[Any]:
    claims, problem = _claims(EMAIL)
    if claims is None:
        return _link_problem(problem, _query_language())
    view = get_repository().confirm_registration(str(claims["r"]), runtime.now())
    if view is None:
        return _link_problem("link_invalid", _query_language())
    runtime.count(FORM, "email_confirmed")
    runtime.logger.info(
        "e-mail confirmed", extra={"reference": view.reference, "outcome": view.status}
    )
    # A possible duplicate reads the same to the visitor: staff review it (export, summary).
    return _confirmation_page(view, view.language, "email_confirmed_title")


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
