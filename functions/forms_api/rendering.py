"""HTML pages for form posts (no JavaScript needed), rendered from Jinja templates.

The form partials (`registration_form.html`, `assessment_form.html`) are the very
markup the site build includes in its pages: `form_context()` gives them what they need.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content_model import Content

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # Imported here: only form posts need Jinja, JSON requests never pay for it.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def form_context(
    data: Content,
    lang: str,
    *,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the form partials expect: language, strings, options, values kept, errors by field."""
    return {
        "lang": lang,
        "t": data.strings_in(lang).form,
        "action": action,
        # The page's language is the default answer to "preferred language".
        "values": {"language": lang, **(values or {})},
        "errors": errors or {},
        "phase": data.program.phase,
        "sector_options": [(s.code, s.name(lang)) for s in data.sectors],
        "region_options": [(r.code, f"{r.code} – {r.name(lang)}") for r in data.regions],
        "branch_options": [(b.id, b.name(lang)) for b in data.branches],
        "questionnaire": data.questionnaire,
    }


def field_label(data: Content, lang: str, field: str) -> str:
    """The label a field shows, so the error summary names the field it links to."""
    if field.startswith("answers."):
        question = data.questionnaire.questions.get(field.removeprefix("answers."))
        return question.text(lang) if question else ""
    label = data.strings_in(lang).form.get(f"{field}_label", "")
    return str(label)


def summary_item(data: Content, lang: str, field: str, message: str) -> str:
    """« Label : message » (French spacing) or "Label: message"."""
    label = field_label(data, lang, field) if field else ""
    if not label:
        return message
    return f"{label}\u00a0: {message}" if lang == "fr" else f"{label}: {message}"


def render(template: str, context: dict[str, Any]) -> str:
    stylesheet = (TEMPLATES / "forms.css").read_text(encoding="utf-8")
    return environment().get_template(template).render(stylesheet=stylesheet, **context)


FORM_TEMPLATES = {"registration": "registration_form.html", "assessment": "assessment_form.html"}
FORM_ROUTES = {"registration": "registrations", "assessment": "assessments"}


def site_form(data_dir: Path, lang: str, form: str, api_base_url: str) -> str:
    """The form as the site build includes it: the very partial the API answers with.

    The site and the no-JS answers render one template from one data folder, so a
    question added to assessment.yml shows on both and the two cannot drift.
    """
    from content_model import cached_content

    data = cached_content(data_dir)
    action = f"{api_base_url.rstrip('/')}/{FORM_ROUTES[form]}"
    context = form_context(data, lang, action=action)
    return environment().get_template(FORM_TEMPLATES[form]).render(**context)
