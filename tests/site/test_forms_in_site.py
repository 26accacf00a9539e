"""The forms in the site's pages are the forms API's own partials, generated from the data.

- the built registration and assessment pages carry, byte for byte (whitespace aside), the
  `<form>` the function renders for the same language, so the two cannot drift;
- a question added to a copy of `assessment.yml` shows in the staged page AND is scored;
- the program phase changes the registration page (open: business fields; waitlist:
  callback list; closed: no form, a message).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from forms_api.domain.assessment import score
from forms_api.domain.content import read_questionnaire
from forms_api.rendering import site_form
from sitebuild.models import load_site_data
from sitebuild.pages import plan_site
from sitebuild.render import stage_language
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import BuiltSite

FORM = re.compile(r"<form\b.*?</form>", re.DOTALL)
PAGES = {
    ("registration", "fr"): "fr/inscription/",
    ("registration", "en"): "en/register/",
    ("assessment", "fr"): "fr/bilan-numerique/",
    ("assessment", "en"): "en/digital-assessment/",
}


def _forms(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", form).strip() for form in FORM.findall(html)]


@pytest.mark.slow
@pytest.mark.parametrize(("form", "lang"), list(PAGES))
def test_the_built_page_carries_the_functions_own_form(
    site: BuiltSite, form: str, lang: str
) -> None:
    built = (site.root / PAGES[form, lang] / "index.html").read_text(encoding="utf-8")
    settings = site.settings
    rendered = site_form(settings.data_dir, lang, form, settings.api_base_url)
    assert _forms(rendered), "the partial renders no form in this phase"
    assert _forms(built) == _forms(rendered)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of content/ the test may change."""
    target = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", target)
    return target


def _staged_page(content: Path, lang: str, page_path: str, out: Path) -> str:
    """The Markdown the build stages for one page (no MkDocs run: the form is already there)."""
    settings = BuildSettings(content_dir=content, out_dir=out)
    data = load_site_data(settings.data_dir)
    plan = plan_site(data, settings)
    docs = out / "staging" / lang
    stage_language(data, plan, lang, docs)
    return (docs / page_path).read_text(encoding="utf-8")


def _page_source(page_id: str, lang: str) -> str:
    pages = yaml.safe_load((REPO_ROOT / "content" / "data" / "pages.yml").read_text("utf-8"))
    return str(next(p for p in pages if p["id"] == page_id)[lang])


def test_a_question_added_to_the_data_changes_the_form_and_the_scoring(
    content: Path, tmp_path: Path
) -> None:
    data_dir = content / "data"
    path = data_dir / "assessment.yml"
    questionnaire = yaml.safe_load(path.read_text(encoding="utf-8"))
    questionnaire["dimensions"][0]["questions"].append(
        {
            "id": "click_and_collect",
            "text": {"fr": "Offrez-vous le ramassage en magasin?", "en": "Click and collect?"},
            "options": [
                {"code": "no", "score": 0, "label": {"fr": "Non", "en": "No"}},
                {"code": "yes", "score": 4, "label": {"fr": "Oui", "en": "Yes"}},
            ],
        }
    )
    path.write_text(yaml.safe_dump(questionnaire, allow_unicode=True), encoding="utf-8")

    page = _staged_page(content, "en", _page_source("assessment", "en"), tmp_path / "build")
    assert 'name="answers.click_and_collect"' in page
    assert "Click and collect?" in page

    loaded = read_questionnaire(data_dir)
    first = loaded.dimensions[0]
    answers = {q.id: q.options[0].code for q in loaded.questions.values()}
    without = score(loaded, answers, "en").dimensions[0].score
    answers["click_and_collect"] = "yes"
    with_it = score(loaded, answers, "en").dimensions[0].score
    assert first.questions[-1].id == "click_and_collect"
    assert with_it > without


@pytest.mark.parametrize("phase", ["open", "waitlist", "closed"])
def test_the_phase_changes_the_registration_page(content: Path, tmp_path: Path, phase: str) -> None:
    program = content / "data" / "program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(re.sub(r"(?m)^phase: \w+", f"phase: {phase}", text), encoding="utf-8")
    strings = yaml.safe_load((content / "data" / "i18n" / "fr.yml").read_text("utf-8"))

    page = _staged_page(content, "fr", _page_source("registration", "fr"), tmp_path / "build")

    if phase == "closed":
        assert "<form" not in page
        assert strings["site"]["phase"]["closed"]["text"] in page
        return
    assert 'action="/api/registrations"' in page
    assert ('id="reg-neq"' in page) == (phase == "open")
    assert (strings["form"]["waitlist_intro"] in page) == (phase == "waitlist")
