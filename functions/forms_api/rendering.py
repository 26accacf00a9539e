"""HTML pages for form posts (no JavaScript needed), rendered from Jinja templates.

The form partials (`registration_form.html`, `assessment_form.html`) are the very
markup the site build includes in its pages: `form_context()` gives them what they need.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content_model import Content

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=4)
def environment(shell_dir: Path | None = None) -> jinja2.Environment:
    """Our templates, and the site's shell under `shell/<lang>.html` when there is one."""
    # Imported here: only form posts need Jinja, JSON requests never pay for it.
    import jinja2

    loader: jinja2.BaseLoader = jinja2.FileSystemLoader(TEMPLATES)
    if shell_dir is not None:
        if not (shell_dir / "fr.html").is_file():
            raise FileNotFoundError(f"no site shell in {shell_dir}: build the site first")
        loader = jinja2.ChoiceLoader(
            [loader, jinja2.PrefixLoader({"shell": jinja2.FileSystemLoader(shell_dir)})]
        )
    return jinja2.Environment(
        loader=loader,
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
    required = data.message(lang, "errors", "answer_required")
    questions = [q for d in data.questionnaire.dimensions for q in d.questions]
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
        # Posted back: a page of another content version is handled on purpose.
        "content_version": data.version,
        # The assessment's step-by-step checks: each question's message and summary line,
        # rendered here, shown by the script when a step is left unanswered.
        "standby_errors": {f"answers.{q.id}": required for q in questions},
        # One line per question of the step, under the message they share (a page weight
        # budget: the first round trip).
        "standby_lead": required,
        # Where the page's script fetches them (site/sitebuild/render.py writes the file).
        "step_errors_href": f"/{'en' if lang == 'en' else 'fr'}/assets/assessment-step-errors.html",
        "step_summaries": {
            d.id: [("asm-answers-" + q.id, q.text(lang)) for q in d.questions]
            for d in data.questionnaire.dimensions
        },
    }


# The registration's fields in the order the form shows them, for "check your answers".
CHECK_FIELDS = (
    "legal_name",
    "neq",
    "sector",
    "employees",
    "region",
    "branch",
    "sells_online",
    "contact_name",
    "email",
    "phone",
    "phone_extension",
    "language",
    "survey_consent",
)


def check_rows(data: Content, lang: str, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, what was answered — labels for codes —, field id) for each answered field."""
    t = data.strings_in(lang).form
    shown: dict[str, Callable[[str], str]] = {
        "sector": lambda code: data.label("sectors", code, lang),
        "region": lambda code: data.label("regions", code, lang),
        "branch": lambda code: data.label("branches", code, lang),
        "sells_online": lambda v: t["answer_yes"] if v == "true" else t["answer_no"],
        "survey_consent": lambda v: t["answer_yes"] if v == "true" else t["answer_no"],
        "language": lambda code: t[f"language_{code}"],
        # +18195550123 → 819 555-0123, as people read their number.
        "phone": lambda e164: f"{e164[2:5]} {e164[5:8]}-{e164[8:]}" if len(e164) == 12 else e164,
    }
    rows = []
    for name in CHECK_FIELDS:
        value = values.get(name)
        if value is None and name == "branch":
            rows.append((t["branch_label"], t["branch_default"], f"reg-{name}"))
            continue
        if value is None:
            continue
        label = field_label(data, lang, name)
        show = shown.get(name)
        rows.append((label, show(value) if show else value, f"reg-{name}"))
    return rows


def field_label(data: Content, lang: str, field: str) -> str:
    """The label a field shows, so the error summary names the field it links to."""
    if field.startswith("answers."):
        question = data.questionnaire.questions.get(field.removeprefix("answers."))
        return question.text(lang) if question else ""
    form = data.strings_in(lang).form
    # A short name where the label is a sentence (the consent): « Consentement : … ».
    label = form.get(f"{field}_short_label") or form.get(f"{field}_label", "")
    return str(label)


def summary_item(data: Content, lang: str, field: str, message: str) -> str:
    """« Label : message » (French spacing) or "Label: message"."""
    label = field_label(data, lang, field) if field else ""
    if not label:
        return message
    return f"{label}\u00a0: {message}" if lang == "fr" else f"{label}: {message}"


def render(template: str, context: dict[str, Any], shell_dir: Path | None = None) -> str:
    """An answer page, inside the site's layout when the shell is there."""
    return (
        environment(shell_dir).get_template(template).render(shell=shell_dir is not None, **context)
    )


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


STEP_ERRORS = "assessment-step-errors.html"


def step_errors(data_dir: Path, lang: str) -> str:
    """The assessment's step checks (error summaries), a file of the site's assets."""
    from content_model import cached_content

    context = form_context(cached_content(data_dir), lang, action="")
    return environment().get_template("assessment_step_errors.html").render(**context)
