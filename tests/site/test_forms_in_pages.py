"""The forms on the site's pages are the forms API's own partials, generated from the data.

- the registration and assessment pages carry exactly the markup the function renders
  (one template, so the page and the no-JS answers cannot drift);
- a question added to a copy of assessment.yml shows in the form and counts in the score,
  with no other edit;
- the program's phase changes the registration page.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from content_model import cached_content as load_program_data
from forms_api.domain.assessment import score
from forms_api.rendering import site_form
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import SITE_URL, BuiltSite

PAGES = {
    ("fr", "registration"): "fr/inscription/index.html",
    ("en", "registration"): "en/register/index.html",
    ("fr", "assessment"): "fr/bilan-numerique/index.html",
    ("en", "assessment"): "en/digital-assessment/index.html",
}
FORM = re.compile(r"<form\b.*?</form>", re.DOTALL)


def form_markup(html: str) -> str:
    match = FORM.search(html)
    assert match, "no <form> in the page"
    return " ".join(match.group(0).split())


@pytest.mark.parametrize(("lang", "form"), list(PAGES))
def test_the_page_carries_the_functions_own_form(site: BuiltSite, lang: str, form: str) -> None:
    page = (site.root / PAGES[lang, form]).read_text(encoding="utf-8")
    rendered = site_form(REPO_ROOT / "content" / "data", lang, form, "/api")
    assert form_markup(page) == form_markup(rendered)
    assert f'action="/api/{form}s"' in page
    # The enhancement is an external script (the CSP allows no inline script but the page's
    # one), named for the inline script to load after the first paint.
    marker = r'<script type="vnb/after-paint" data-src="\.\./assets/vnb-forms\.js"></script>'
    assert re.search(marker, page)


def copy_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    return content


def edit_yaml(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_question_added_to_the_data_changes_form_and_score(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    new_question = {
        "id": "gift_cards",
        "text": {
            "fr": "Vendez-vous des cartes-cadeaux en ligne?",
            "en": "Do you sell gift cards online?",
        },
        "options": [
            {"code": "no", "score": 0, "label": {"fr": "Non", "en": "No"}},
            {"code": "yes", "score": 3, "label": {"fr": "Oui", "en": "Yes"}},
        ],
    }
    edit_yaml(
        content / "data" / "assessment.yml",
        lambda data: data["dimensions"][0]["questions"].append(new_question),
    )

    build(BuildSettings(site_url=SITE_URL, content_dir=content, out_dir=tmp_path / "out"))

    for lang in ("fr", "en"):
        page = (tmp_path / "out" / "site" / PAGES[lang, "assessment"]).read_text(encoding="utf-8")
        assert 'id="asm-answers-gift_cards"' in page
        assert new_question["text"][lang].replace("'", "&#39;") in page  # type: ignore[index]
    questionnaire = load_program_data(content / "data").questionnaire
    answers = {q.id: q.options[0].code for d in questionnaire.dimensions for q in d.questions}
    first = questionnaire.dimensions[0].id
    without = score(questionnaire, {**answers, "gift_cards": "no"}, "fr")
    with_gift_cards = score(questionnaire, {**answers, "gift_cards": "yes"}, "fr")
    by_dimension = {d.dimension: d.score for d in with_gift_cards.dimensions}
    assert by_dimension[first] > {d.dimension: d.score for d in without.dimensions}[first]


@pytest.mark.parametrize("phase", ["open", "waitlist", "closed"])
def test_the_phase_changes_the_registration_page(tmp_path: Path, phase: str) -> None:
    content = copy_content(tmp_path)
    edit_yaml(content / "data" / "program.yml", lambda data: data.update(phase=phase))
    strings = yaml.safe_load((content / "data" / "i18n" / "fr.yml").read_text(encoding="utf-8"))

    build(BuildSettings(site_url=SITE_URL, content_dir=content, out_dir=tmp_path / "out"))

    page = (tmp_path / "out" / "site" / PAGES["fr", "registration"]).read_text(encoding="utf-8")
    if phase == "closed":
        assert "<form" not in page
        assert strings["form"]["closed_title"] in page
        return
    has_business_fields = 'id="reg-neq"' in page
    assert has_business_fields == (phase == "open")
    button = strings["form"]["submit_registration" if phase == "open" else "submit_waitlist"]
    assert button in page
    assert (strings["form"]["waitlist_intro"] in page) == (phase == "waitlist")
