"""Answering: JSON for the site's script, an HTML page in the visitor's language for a form
post, and each domain error as its own facts say (status, title, back to the form or not)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from content_model import Content
from pydantic import BaseModel

from forms_api.domain.errors import DomainError, FieldProblem, StorageUnavailable, SubmissionRefused
from forms_api.handlers.request import header, is_form_post, visitor_language
from forms_api.handlers.runtime import program_data
from forms_api.settings import get_settings

if TYPE_CHECKING:
    from forms_api.handlers.form_page import FormPage

HTML = "text/html; charset=utf-8"


def error_doc(description: str, *, page: bool = True, retry: bool = False) -> Any:
    """An OpenAPI response entry for an error: its JSON body (the model, which Powertools
    makes a component, so its `$ref`s resolve) and, for a form post, the page (`page`);
    `retry`: the answer says when to retry (`Retry-After`)."""
    from forms_api.handlers.models import ErrorBody

    content: dict[str, Any] = {"application/json": {"model": ErrorBody}}
    if page:
        content["text/html"] = {"schema": {"type": "string"}}
    doc: dict[str, Any] = {"description": description, "content": content}
    if retry:
        doc["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    return doc


def page_doc(description: str) -> Any:
    """An OpenAPI response entry for a page answering a form post."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def redirect_doc(description: str) -> Any:
    """An OpenAPI response entry for a redirect answering a form post (Post/Redirect/Get)."""
    location = {"description": "The page to show", "schema": {"type": "string"}}
    return {"description": description, "headers": {"Location": location}}


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


def error_response(event: dict[str, Any], error: DomainError, page: FormPage) -> Response[Any]:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
    if not is_form_post(event):
        return json_response(
            error.status, {"errors": messages_for(error.problems, program_data())}, **headers
        )
    if error.back_to_form:
        return page.render_errors(event, error.status, error.problems)
    data = program_data()
    lang = visitor_language(event)
    t = data.strings_in(lang).form
    context = {
        "lang": lang,
        "t": t,
        "errors": {},
        "title": t[error.title],
        "paragraphs": [data.message(lang, "errors", p.code) for p in error.problems],
        "back_url": header(event, "referer")
        if isinstance(error, (StorageUnavailable, SubmissionRefused))
        else "",
    }
    return html_response(error.status, "message.html", context, **headers)
