"""The Powertools resolver both form routes use, and the one place errors become answers."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from forms_api import links
from forms_api.domain.errors import DomainError, FieldProblem
from forms_api.handlers.answers import (
    error_response,
    json_response,
    message_page,
    messages_for,
)
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.request import is_form_post, wants_html
from forms_api.handlers.runtime import count, logger, program_data
from forms_api.handlers.validation import validation_problems

# The site posts to /api/<route> on its own origin; CloudFront and the local gateway pass
# the path through unchanged.
API_PREFIX = links.API_PREFIX


def new_resolver() -> APIGatewayHttpResolver:
    return APIGatewayHttpResolver(enable_validation=True, strip_prefixes=[API_PREFIX])


def install_error_handlers(app: APIGatewayHttpResolver, page: FormPage) -> None:
    def _invalid(error: RequestValidationError) -> Response[Any]:
        data = program_data()
        problems = validation_problems(list(error.errors()), set(data.strings["fr"].errors))
        count(page.name, "invalid")
        logger.info("invalid submission", extra={"codes": sorted({p.code for p in problems})})
        status = 415 if isinstance(error, RequestUnsupportedContentType) else 400
        if status == 415 and wants_html(app.current_event.raw_event):
            return message_page(app.current_event.raw_event, 415, "error_title", problems, page)
        if status == 415 or not is_form_post(app.current_event.raw_event):
            return json_response(status, {"errors": messages_for(problems, data)})
        return page.render_errors(app.current_event.raw_event, status, problems)

    def _unsupported(error: RequestUnsupportedContentType) -> Response[Any]:
        count(page.name, "invalid")
        problems = [FieldProblem("", "unsupported_media_type")]
        if wants_html(app.current_event.raw_event):
            return message_page(app.current_event.raw_event, 415, "error_title", problems, page)
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
        if wants_html(app.current_event.raw_event):
            return message_page(app.current_event.raw_event, 500, "error_title", problems, page)
        return json_response(500, {"errors": messages_for(problems, program_data())})

    app.exception_handler(RequestValidationError)(_invalid)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported)
    app.exception_handler(DomainError)(_domain)
    app.exception_handler(Exception)(_unexpected)


def from_the_edge(event: dict[str, Any]) -> bool:
    """The request came through CloudFront (or the local edge): it carries the secret
    header. The execute-api address alone skips the WAF and the security headers."""
    import hmac

    from forms_api.handlers.request import header
    from forms_api.signing import origin_key

    expected = origin_key()
    if expected is None:
        return True
    return hmac.compare_digest(header(event, "x-vnb-origin").encode(), expected.encode())


def reject_not_from_the_edge() -> dict[str, Any]:
    logger.info("request not from the edge")
    return {
        "statusCode": 403,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": '{"message":"Forbidden"}',
        "isBase64Encoded": False,
    }
