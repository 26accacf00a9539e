"""One form shown again after an error: its partial, title and field ids, values kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response
from content_model import Content

from forms_api.domain.errors import FieldProblem
from forms_api.handlers.answers import html_response
from forms_api.handlers.request import submitted_values, visitor_language
from forms_api.handlers.runtime import program_data


class FormPage:
    def __init__(
        self,
        *,
        name: str,
        page_id: str,
        partial: str,
        title_key: Callable[[Content], str],
        field_id: Callable[[str], str],
        action: str,
    ) -> None:
        self.name = name
        self.page_id = page_id
        self.partial = partial
        self.title_key = title_key
        self.field_id = field_id
        self.action = action

    def render_form(
        self, event: dict[str, Any], values: dict[str, str], lang: str | None = None
    ) -> Response[Any]:
        """The form with these values, no error: "change my answers"."""
        return self.render_errors(event, 200, [], values, lang)

    def render_errors(
        self,
        event: dict[str, Any],
        status: int,
        problems: list[FieldProblem],
        values: dict[str, str] | None = None,
        lang: str | None = None,
    ) -> Response[Any]:
        from forms_api import rendering

        data = program_data()
        lang = lang or visitor_language(event)
        values = dict(submitted_values(event) if values is None else values)
        for private in ("website", "form_token", "step"):
            values.pop(private, None)
        by_field: dict[str, str] = {}
        summary: list[tuple[str, str]] = []
        for problem in problems:
            message = data.message(lang, "errors", problem.code)
            href = self.field_id(problem.field) if problem.field else ""
            item = rendering.summary_item(data, lang, problem.field, message)
            summary.append((href, item))
            by_field.setdefault(problem.field, message)
        context = rendering.form_context(
            data, lang, action=self.action, values=values, errors=by_field
        )
        context.update(
            title=context["t"][self.title_key(data)],
            summary=summary,
            form_template=self.partial,
        )
        return html_response(status, "form_page.html", context, page_id=self.page_id)
