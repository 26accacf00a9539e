"""What both handlers share: the resolver, the error table, language and response format.

A form post (`application/x-www-form-urlencoded`) gets an HTML page in the visitor's
language; anything else gets JSON. Domain errors map to HTTP here, in one table.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.metrics import MetricUnit
from content_model import Content, cached_content
from pydantic import BaseModel

from forms_api.domain.errors import (
    DomainError,
    DuplicateRegistration,
    FieldProblem,
    InvalidSubmission,
    NotEligible,
    PayloadTooLarge,
    ProgramClosed,
    StorageUnavailable,
    SubmissionRefused,
)
from forms_api.settings import get_settings

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "forms-api"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "VirageNumeriqueBleu"))

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
HTML = "text/html; charset=utf-8"

# The one table from domain errors to HTTP statuses.
STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidSubmission: 400,
    SubmissionRefused: 400,
    NotEligible: 422,
    DuplicateRegistration: 409,
    ProgramClosed: 403,
    PayloadTooLarge: 413,
    StorageUnavailable: 503,
}
# Errors that send the visitor back to the form rather than to a message page.
FORM_ERRORS = (InvalidSubmission,)
# Page title key (i18n `form:`) of the message page for each error.
TITLE_BY_ERROR: dict[type[DomainError], str] = {
    NotEligible: "ineligible_title",
    DuplicateRegistration: "duplicate_title",
    ProgramClosed: "closed_title",
    SubmissionRefused: "refused_title",
    StorageUnavailable: "unavailable_title",
    PayloadTooLarge: "too_large_title",
}

# pydantic / Powertools error types → our error codes (messages in i18n `errors:`).
_CODE_BY_TYPE = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "extra_forbidden": "unknown_field",
    "json_invalid": "json_invalid",
    "model_attributes_type": "invalid_body",
    "model_type": "invalid_body",
    "dict_type": "invalid_type",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "int_parsing": "invalid_type",
    "int_type": "invalid_type",
    "int_from_float": "invalid_type",
    "bool_parsing": "invalid_type",
    "bool_type": "invalid_type",
    "string_type": "invalid_type",
    "unsupported_content_type": "unsupported_media_type",
}


def error_doc(description: str) -> Any:
    """An OpenAPI response entry for the error body."""
    from forms_api.handlers.models import ErrorBody

    schema = ErrorBody.model_json_schema()
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def program_data() -> Content:
    return cached_content(get_settings().content_data_dir)


def now() -> datetime:
    return datetime.now(UTC)


def new_resolver() -> APIGatewayHttpResolver:
    # The site posts to /api/<route> on its own origin; CloudFront and the local gateway
    # pass the path through unchanged.
    return APIGatewayHttpResolver(enable_validation=True, strip_prefixes=["/api"])


def count(form: str, outcome: str) -> None:
    metrics.add_metric(name=f"{form}_{outcome}", unit=MetricUnit.Count, value=1)


# --- reading the request ---------------------------------------------------------


def header(event: dict[str, Any], name: str) -> str:
    headers = event.get("headers") or {}
    return str(next((v for k, v in headers.items() if k.lower() == name), ""))


def is_form_post(event: dict[str, Any]) -> bool:
    return header(event, "content-type").lower().startswith(FORM_CONTENT_TYPES)


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body)
        except ValueError:
            return b""
    return str(body).encode("utf-8")


def submitted_values(event: dict[str, Any]) -> dict[str, str]:
    """The fields as typed, to put back in the form after an error (first value of each)."""
    if not is_form_post(event):
        return {}
    parsed = parse_qs(raw_body(event).decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items() if values}


def visitor_language(event: dict[str, Any], chosen: str | None = None) -> str:
    """The `language` field, else the page the form was on (/fr/ or /en/), else French."""
    if chosen in ("fr", "en"):
        return chosen
    value = submitted_values(event).get("language")
    if value in ("fr", "en"):
        return value
    path = urlparse(header(event, "referer")).path
    return "en" if path.startswith("/en/") or path == "/en" else "fr"


# --- answering -------------------------------------------------------------------


def messages_for(problems: list[FieldProblem], data: Content) -> list[dict[str, Any]]:
    return [
        {
            "field": p.field,
            "code": p.code,
            "message": {lang: data.message(lang, "errors", p.code) for lang in ("fr", "en")},
        }
        for p in problems
    ]


def json_response(status: int, body: BaseModel | dict[str, Any], **headers: str) -> Response[Any]:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(payload, ensure_ascii=False),
        headers={"Cache-Control": "no-store", **headers},
    )


def html_response(
    status: int, template: str, context: dict[str, Any], **headers: str
) -> Response[Any]:
    from forms_api import rendering  # only form posts need Jinja

    settings = get_settings()
    # Each language is its own site build: `/{lang}/assets/vnb.css` names the right copy.
    stylesheet = settings.site_stylesheet.replace("{lang}", str(context.get("lang", "fr")))
    page = rendering.render(template, {"site_stylesheet": stylesheet, **context})
    return Response(
        status_code=status,
        content_type=HTML,
        body=page,
        headers={"Cache-Control": "no-store", **headers},
    )


class FormPage:
    """How one form is shown again after an error: its partial, title and field ids."""

    def __init__(
        self,
        *,
        name: str,
        partial: str,
        title_key: Callable[[Content], str],
        field_id: Callable[[str], str],
        action: str,
    ) -> None:
        self.name = name
        self.partial = partial
        self.title_key = title_key
        self.field_id = field_id
        self.action = action

    def render_errors(
        self, event: dict[str, Any], status: int, problems: list[FieldProblem]
    ) -> Response[Any]:
        from forms_api import rendering

        data = program_data()
        lang = visitor_language(event)
        values = submitted_values(event)
        values.pop("website", None)
        by_field: dict[str, str] = {}
        summary: list[tuple[str, str]] = []
        for problem in problems:
            message = data.message(lang, "errors", problem.code)
            href = self.field_id(problem.field) if problem.field else ""
            summary.append((href, rendering.summary_item(data, lang, problem.field, message)))
            by_field.setdefault(problem.field, message)
        context = rendering.form_context(
            data, lang, action=self.action, values=values, errors=by_field
        )
        context.update(
            title=context["t"][self.title_key(data)],
            summary=summary,
            form_template=self.partial,
        )
        return html_response(status, "form_page.html", context)


def error_response(event: dict[str, Any], error: DomainError, page: FormPage) -> Response[Any]:
    status = next(code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls))
    headers = {"Retry-After": "5"} if isinstance(error, StorageUnavailable) else {}
    if not is_form_post(event):
        return json_response(
            status, {"errors": messages_for(error.problems, program_data())}, **headers
        )
    if isinstance(error, FORM_ERRORS):
        return page.render_errors(event, status, error.problems)
    data = program_data()
    lang = visitor_language(event)
    t = data.strings_in(lang).form
    title_key = next(key for cls, key in TITLE_BY_ERROR.items() if isinstance(error, cls))
    context = {
        "lang": lang,
        "t": t,
        "errors": {},
        "title": t[title_key],
        "paragraphs": [data.message(lang, "errors", p.code) for p in error.problems],
        "back_url": header(event, "referer")
        if isinstance(error, (StorageUnavailable, SubmissionRefused))
        else "",
    }
    return html_response(status, "message.html", context, **headers)


def validation_problems(errors: list[Any]) -> list[FieldProblem]:
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # loc is ("body", field, ...); a JSON syntax error gives ("body", position).
        parts = loc[1:] if loc[:1] == ["body"] else loc
        kind = str(error.get("type", ""))
        field = "" if kind == "json_invalid" else ".".join(parts)
        problems.append(
            FieldProblem(field, _CODE_BY_TYPE.get(kind, kind if kind else "invalid_value"))
        )
    return problems


def install_error_handlers(app: APIGatewayHttpResolver, page: FormPage) -> None:
    def known(problems: list[FieldProblem]) -> list[FieldProblem]:
        # A pydantic error type we have no message for reads as a generic invalid value.
        codes = program_data().strings["fr"].errors
        return [p if p.code in codes else FieldProblem(p.field, "invalid_value") for p in problems]

    def _invalid(error: RequestValidationError) -> Response[Any]:
        problems = known(validation_problems(list(error.errors())))
        count(page.name, "invalid")
        logger.info("invalid submission", extra={"codes": sorted({p.code for p in problems})})
        status = 415 if isinstance(error, RequestUnsupportedContentType) else 400
        if status == 415 or not is_form_post(app.current_event.raw_event):
            return json_response(status, {"errors": messages_for(problems, program_data())})
        return page.render_errors(app.current_event.raw_event, status, problems)

    def _unsupported(error: RequestUnsupportedContentType) -> Response[Any]:
        count(page.name, "invalid")
        problems = [FieldProblem("", "unsupported_media_type")]
        return json_response(415, {"errors": messages_for(problems, program_data())})

    def _domain(error: DomainError) -> Response[Any]:
        count(page.name, error.outcome)
        logger.info(
            "submission not stored",
            extra={"outcome": error.outcome, "codes": [p.code for p in error.problems]},
        )
        return error_response(app.current_event.raw_event, error, page)

    def _unexpected(error: Exception) -> Response[Any]:
        # Our fault, not the visitor's: alarm on the metric, answer in both languages.
        # The traceback names code, not submitted values.
        count(page.name, "error")
        logger.exception("unexpected error", extra={"error": type(error).__name__})
        problems = [FieldProblem("", "internal_error")]
        return json_response(500, {"errors": messages_for(problems, program_data())})

    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported)
    app.exception_handler(DomainError)(_domain)
    app.exception_handler(Exception)(_unexpected)


def too_large(event: dict[str, Any]) -> bool:
    """Checked before parsing: a body past the limit is not worth reading."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(str(body).encode("utf-8"))
    return size > get_settings().max_body_bytes


def raw_response(response: Response[Any]) -> dict[str, Any]:
    """An HTTP API v2 result for answers given before the resolver runs."""
    return {
        "statusCode": response.status_code,
        "headers": {
            k: v if isinstance(v, str) else ", ".join(v) for k, v in response.headers.items()
        },
        "body": response.body,
        "isBase64Encoded": False,
    }


def reject_too_large(event: dict[str, Any], page: FormPage) -> dict[str, Any]:
    count(page.name, "too_large")
    logger.info("submission too large")
    return raw_response(error_response(event, PayloadTooLarge(), page))
