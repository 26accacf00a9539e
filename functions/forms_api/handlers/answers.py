"""Answering: JSON for the site's script, an HTML page in the visitor's language for a form
post, and each domain error as its own facts say (status, title, back to the form or not)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from content_model import Content
from pydantic import BaseModel

from forms_api.domain.errors import DomainError, FieldProblem
from forms_api.handlers.request import is_form_post, submitted_values, visitor_language
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


def signed_page_docs(shown: str, *, expired: str = "The link has expired") -> Any:
    """The OpenAPI responses of a page reached by a signed, expiring address: the page, a
    link that is not valid (400) and one that has expired (410)."""
    return {
        200: page_doc(shown),
        400: page_doc("The link is not valid"),
        410: page_doc(expired),
    }


def redirect_doc(description: str) -> Any:
    """An OpenAPI response entry for a redirect answering a form post (Post/Redirect/Get)."""
    location = {"description": "The page to show", "schema": {"type": "string"}}
    empty = {"schema": {"type": "string", "maxLength": 0}}
    return {
        "description": description,
        "headers": {"Location": location},
        "content": {"text/plain": empty},
    }


def message_of(data: Content, code: str) -> Any:
    """An error or notice message in both languages, as the JSON answers carry it."""
    from forms_api.handlers.models import Message

    return Message(fr=data.message("fr", "errors", code), en=data.message("en", "errors", code))


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


def onward_links(data: Content, lang: str, page_id: str, branch: str | None) -> dict[str, str]:
    """Where an answer page leads: the other language's form (the language switch), the
    form, the home page and the branch's page."""
    other = "en" if lang == "fr" else "fr"
    links = {
        "switch_href": data.page_path(page_id, other),
        "switch_label": data.strings_in(other).site["language_name"],
        "form_href": data.page_path(page_id, lang),
        "home_href": data.page_path("home", lang),
        "registration_href": data.page_path("registration", lang),
        "branches_href": data.page_path("branches", lang),
    }
    if branch is not None and branch in data.branches_by_id:
        links["branch_href"] = data.branch_page_path(branch, lang)
        links["branch_name"] = data.branch(branch).name(lang)
    return links


def html_response(
    status: int,
    template: str,
    context: dict[str, Any],
    *,
    page_id: str,
    branch: str | None = None,
    **headers: str,
) -> Response[Any]:
    """A page of the site (its shell) holding this answer, in the visitor's language."""
    from forms_api import rendering  # only form posts need Jinja

    lang = str(context.get("lang", "fr"))
    page = rendering.render(
        template,
        {
            "heading": context.get("title", ""),
            **onward_links(program_data(), lang, page_id, branch),
            **context,
        },
        get_settings().site_shell_dir,
    )
    return Response(
        status_code=status,
        content_type=HTML,
        body=page,
        headers={"Cache-Control": "no-store", **security_headers(), **headers},
    )


def security_headers() -> dict[str, str]:
    """The site's security headers (infra/template.yaml, Mappings Headers), on the HTML the
    functions answer with: CloudFront adds them too, these hold for any other way in."""
    settings = get_settings()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    }
    if settings.content_security_policy:
        headers["Content-Security-Policy"] = settings.content_security_policy
    if settings.permissions_policy:
        headers["Permissions-Policy"] = settings.permissions_policy
    return headers


def see_other(location: str) -> Response[Any]:
    """Post/Redirect/Get: the page to show next has its own address (empty body)."""
    return Response(
        status_code=303,
        content_type="text/plain; charset=utf-8",
        body="",
        headers={"Location": location, "Cache-Control": "no-store"},
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
    """A domain error as its facts say: JSON, the form again, or a message page."""
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
    values = submitted_values(event) if error.offers_edit else {}
    for private in ("website", "form_token", "step"):
        values.pop(private, None)
    context = {
        "lang": lang,
        "t": t,
        "errors": {},
        "title": t[error.title],
        "paragraphs": [data.message(lang, "errors", p.code) for p in error.problems],
        "values": values,
        "action": page.action,
    }
    region = values.get("region")
    branch = values.get("branch") or (
        data.regions_by_code[region].branch if region in data.regions_by_code else None
    )
    return html_response(
        error.status, "message.html", context, page_id=page.page_id, branch=branch, **headers
    )


def message_page(
    event: dict[str, Any], status: int, title: str, problems: list[FieldProblem], page: FormPage
) -> Response[Any]:
    """A page for a person, in their language, for what is not a domain error (our own
    fault, a content type no browser sends)."""
    data = program_data()
    lang = visitor_language(event)
    t = data.strings_in(lang).form
    context = {
        "lang": lang,
        "t": t,
        "errors": {},
        "title": t[title],
        "paragraphs": [data.message(lang, "errors", p.code) for p in problems],
        "values": {},
        "action": page.action,
    }
    return html_response(status, "message.html", context, page_id=page.page_id)


# The link problems that say the link was good once (410): any other is not valid (400).
_EXPIRED = ("link_expired", "check_expired")


def link_problem(code: str, lang: str, page: FormPage) -> Response[Any]:
    """The page for a signed link that no longer works (expired, forged, or naming nothing
    stored), in the language of the link."""
    data = program_data()
    t = data.strings_in(lang).form
    context = {
        "lang": lang,
        "t": t,
        "errors": {},
        "title": t["link_problem_title"],
        "paragraphs": [data.message(lang, "errors", code)],
        "values": {},
        "action": page.action,
    }
    return html_response(
        410 if code in _EXPIRED else 400, "message.html", context, page_id=page.page_id
    )
