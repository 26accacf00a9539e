"""The forms in the site, in Debian's headless Chromium, against the local mode.

One local mode for the whole run (site built for its own address, real handlers, moto
stand-in; `conftest.py`). Each test checks what the merchant sees AND
what the table holds.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import yaml
from browser import axe, describe
from localdev.standin import REPOSITORY, dynamodb_client
from localdev.state import State
from playwright.sync_api import Page, expect

DATA = REPOSITORY / "content" / "data"
PHASE = yaml.safe_load((DATA / "program.yml").read_text(encoding="utf-8"))["phase"]
STRINGS = {
    lang: yaml.safe_load((DATA / "i18n" / f"{lang}.yml").read_text(encoding="utf-8"))
    for lang in ("fr", "en")
}
QUESTIONNAIRE = yaml.safe_load((DATA / "assessment.yml").read_text(encoding="utf-8"))
PAGES = {
    "fr": {"registration": "fr/inscription/", "assessment": "fr/bilan-numerique/"},
    "en": {"registration": "en/register/", "assessment": "en/digital-assessment/"},
}

pytestmark = pytest.mark.skipif(PHASE == "closed", reason="no form while the program is closed")


def table_items(local: State) -> list[dict[str, Any]]:
    client = dynamodb_client(local.dynamodb_endpoint)
    items: list[dict[str, Any]] = client.scan(TableName=local.tables["ProgramTable"])["Items"]
    return items


def registration_of(local: State, email: str) -> list[dict[str, Any]]:
    return [
        item
        for item in table_items(local)
        if item.get("sk", {}).get("S") == "REG" and item.get("email", {}).get("S") == email
    ]


def fill_registration(page: Page, email: str) -> None:
    page.fill("#reg-legal_name", "Boutique Éole inc.")
    if PHASE == "open":
        page.fill("#reg-neq", "11" + str(uuid.uuid4().int)[:8])
        page.select_option("#reg-sector", "clothing")
        page.fill("#reg-employees", "12")
        page.check("#reg-sells_online-false")
    page.select_option("#reg-region", "04")
    page.fill("#reg-contact_name", "Lise Tremblay")
    page.fill("#reg-email", email)
    page.fill("#reg-phone", "819 555-0123")
    page.check("#reg-consent")


def as_if_shown_a_minute_ago(page: Page) -> None:
    # The backend refuses posts less than 3 s after the form was shown (spam timer);
    # a test types in milliseconds, so the timestamp the script set is moved back.
    page.eval_on_selector(
        "input[name=form_rendered_at]", "el => { el.value = String(Number(el.value) - 60); }"
    )


def assert_no_violations(page: Page) -> None:
    violations = axe(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_with_javascript(local: State, page: Page, lang: str) -> None:
    page.goto(local.url + PAGES[lang]["registration"])
    assert_no_violations(page)  # empty state
    email = f"js-{lang}-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(page, email)
    as_if_shown_a_minute_ago(page)
    url_before = page.url

    page.click("form[data-vnb-form] button[type=submit]")

    heading = page.locator(".vnb-confirmation h2")
    expect(heading).to_be_focused()
    assert page.url == url_before  # no page load
    reference = page.locator(".vnb-confirmation .vnb-reference").inner_text()
    assert re.fullmatch(r"VNB-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert heading.inner_text() in page.title()
    stored = registration_of(local, email)
    assert [item["reference"]["S"] for item in stored] == [reference]
    assert stored[0]["language"]["S"] == lang
    assert_no_violations(page)  # confirmation state


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_without_javascript(local: State, page_without_js: Page, lang: str) -> None:
    page = page_without_js
    page.goto(local.url + PAGES[lang]["registration"])
    email = f"nojs-{lang}-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(page, email)

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    assert page.url.endswith("/api/registrations")
    reference = page.locator(".vnb-reference").inner_text()
    assert re.fullmatch(r"VNB-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert page.locator("html").get_attribute("lang") == lang
    assert [item["reference"]["S"] for item in registration_of(local, email)] == [reference]
    # axe needs JavaScript: the API pages are checked in tests/integration/test_forms_pages_axe.py


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_errors_with_javascript(local: State, page: Page, lang: str) -> None:
    page.goto(local.url + PAGES[lang]["registration"])
    page.fill("#reg-legal_name", "Boutique Éole inc.")
    page.fill("#reg-email", "pas-un-courriel")
    as_if_shown_a_minute_ago(page)

    page.click("form[data-vnb-form] button[type=submit]")

    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_focused()
    strings = STRINGS[lang]
    assert page.title().startswith(strings["form"]["error_prefix"])
    assert strings["errors"]["required"] in summary.inner_text()
    # The message sits next to its field, the values typed are kept.
    expect(page.locator("#reg-contact_name-error")).to_contain_text(strings["errors"]["required"])
    expect(page.locator("#reg-legal_name")).to_have_value("Boutique Éole inc.")
    expect(page.locator("#reg-email")).to_have_value("pas-un-courriel")
    expect(page.locator("#reg-contact_name")).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page)  # error state
    # Each summary line names its field, like the page the API answers without JavaScript.
    label = strings["form"]["contact_name_label"]
    separator = "\u00a0: " if lang == "fr" else ": "
    expect(summary.locator("a[href='#reg-contact_name']")).to_have_text(
        label + separator + strings["errors"]["required"]
    )
    # The summary's link takes the visitor to the field.
    summary.locator("a[href='#reg-contact_name']").click()
    expect(page.locator("#reg-contact_name")).to_be_focused()
    assert not registration_of(local, "pas-un-courriel")


def test_forms_fit_a_small_phone(local: State, page: Page) -> None:
    # Fieldsets grow to their widest input by default (min-width: min-content): on a
    # 360-pixel phone that once pushed the registration page sideways.
    page.set_viewport_size({"width": 360, "height": 740})

    def width() -> int:
        return int(page.evaluate("document.documentElement.scrollWidth"))

    page.goto(local.url + PAGES["fr"]["assessment"])
    assert width() <= 360, f"the assessment is {width()}px wide on a 360px screen"
    page.goto(local.url + PAGES["fr"]["registration"])
    as_if_shown_a_minute_ago(page)
    page.click("form[data-vnb-form] button[type=submit]")
    expect(page.locator(".vnb-error-summary")).to_be_visible()
    assert width() <= 360, f"the registration errors are {width()}px wide on a 360px screen"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_errors_without_javascript(local: State, page_without_js: Page, lang: str) -> None:
    page = page_without_js
    page.goto(local.url + PAGES[lang]["registration"])
    page.fill("#reg-legal_name", "Boutique Éole inc.")

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    strings = STRINGS[lang]
    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith(strings["form"]["error_prefix"])
    assert strings["errors"]["required"] in summary.inner_text()
    assert strings["form"]["contact_name_label"] in summary.inner_text()
    expect(page.locator("#reg-legal_name")).to_have_value("Boutique Éole inc.")
    # axe needs JavaScript: the API pages are checked in tests/integration/test_forms_pages_axe.py


def test_double_click_stores_once(local: State, page: Page) -> None:
    page.goto(local.url + PAGES["fr"]["registration"])
    email = f"double-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(page, email)
    as_if_shown_a_minute_ago(page)

    page.dblclick("form[data-vnb-form] button[type=submit]")

    expect(page.locator(".vnb-confirmation h2")).to_be_focused()
    assert len(registration_of(local, email)) == 1


def test_keyboard_only_registration(local: State, page: Page) -> None:
    """Tab, typing, Space and Enter only: no click, no fill."""
    page.goto(local.url + PAGES["en"]["registration"])
    as_if_shown_a_minute_ago(page)
    email = f"keyboard-{uuid.uuid4().hex[:8]}@example.com"
    typed = {
        "reg-legal_name": "Keyboard Goods Ltd.",
        "reg-neq": "11" + str(uuid.uuid4().int)[:8],
        "reg-employees": "8",
        "reg-contact_name": "Kim Lee",
        "reg-email": email,
        "reg-phone": "514 555-0199",
    }
    arrow_down = {"reg-sector", "reg-region"}  # the first real option after the empty one
    spaced = {"reg-consent", "reg-sells_online"}
    submitted = False
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
            " type: document.activeElement.type || ''})"
        )
        if focused["id"] in typed:
            page.keyboard.type(typed.pop(focused["id"]))
        elif focused["id"] in arrow_down:
            arrow_down.discard(focused["id"])
            page.keyboard.press("ArrowDown")
        elif focused["id"] in spaced:
            spaced.discard(focused["id"])
            page.keyboard.press("Space")
        elif focused["tag"] == "BUTTON" and focused["type"] == "submit":
            page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, "Tab never reached the submit button"
    expect(page.locator(".vnb-confirmation h2")).to_be_focused()
    reference = page.locator(".vnb-confirmation .vnb-reference").inner_text()
    assert [item["reference"]["S"] for item in registration_of(local, email)] == [reference]


def _answers() -> dict[str, str]:
    """One answer per question, varied so the dimensions score differently."""
    answers = {}
    for d_index, dimension in enumerate(QUESTIONNAIRE["dimensions"]):
        for question in dimension["questions"]:
            options = question["options"]
            answers[question["id"]] = options[d_index % len(options)]["code"]
    return answers


def _stored_assessment(local: State, answers: dict[str, str]) -> dict[str, Any]:
    matching = [
        item
        for item in table_items(local)
        if item.get("kind", {}).get("S") == "assessment"
        and {k: v["S"] for k, v in item["answers"]["M"].items()} == answers
    ]
    assert len(matching) == 1
    return matching[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assessment_in_steps_shows_the_stored_scores(local: State, page: Page, lang: str) -> None:
    page.goto(local.url + PAGES[lang]["assessment"])
    assert_no_violations(page)
    dimensions = QUESTIONNAIRE["dimensions"]
    progress = STRINGS[lang]["form"]["step_progress"]
    answers = _answers()
    # A unique answer set per run: the stored item is found by its answers.
    first_question = dimensions[0]["questions"][0]
    answers[first_question["id"]] = first_question["options"][0 if lang == "fr" else -1]["code"]

    # Submitting the first step empty shows the summary, on the step in error.
    for index, dimension in enumerate(dimensions):
        expected = progress.replace("{n}", str(index + 1)).replace("{total}", str(len(dimensions)))
        expect(page.locator(".vnb-progress")).to_have_text(expected)
        expect(page.locator(f"section[data-dimension={dimension['id']}]")).to_be_visible()
        for question in dimension["questions"]:
            code = answers[question["id"]]
            first = question["options"][0]["code"]
            radio_id = f"asm-answers-{question['id']}" + ("" if code == first else f"-{code}")
            page.check(f"#{radio_id}")
        if index < len(dimensions) - 1:
            page.click(".vnb-step-next")
    page.click("form[data-vnb-form] button[type=submit]")

    result = page.locator(".vnb-result")
    expect(result.locator("h2")).to_be_focused()
    stored = _stored_assessment(local, answers)
    scores = {k: int(v["N"]) for k, v in stored["scores"]["M"].items()}
    shown = {
        row.get_attribute("data-dimension"): int(row.locator("td").first.inner_text().split()[0])
        for row in result.locator("tbody tr").all()
    }
    assert shown == scores
    assert result.locator("svg.vnb-bar").count() == len(dimensions)
    assert_no_violations(page)
    # Printable: the result stays, the site's chrome and the print button go.
    page.emulate_media(media="print")
    expect(result.locator("table")).to_be_visible()
    expect(result.locator("[data-action=print]")).to_be_hidden()
    expect(page.locator("header.md-header")).to_be_hidden()


def test_assessment_without_javascript_shows_every_question(
    local: State, page_without_js: Page
) -> None:
    page = page_without_js
    page.goto(local.url + PAGES["fr"]["assessment"])
    answers = {k: v for k, v in _answers().items()}
    last_dimension = QUESTIONNAIRE["dimensions"][-1]
    answers[last_dimension["questions"][-1]["id"]] = last_dimension["questions"][-1]["options"][-1][
        "code"
    ]
    for dimension in QUESTIONNAIRE["dimensions"]:
        for question in dimension["questions"]:
            expect(page.locator(f"#asm-answers-{question['id']}")).to_be_visible()
            page.check(f"input[name='answers.{question['id']}'][value='{answers[question['id']]}']")

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    stored = _stored_assessment(local, answers)
    rows = page.locator("tbody tr").all()
    shown = [int(row.locator("td").first.inner_text().split()[0]) for row in rows]
    assert shown == [int(stored["scores"]["M"][d["id"]]["N"]) for d in QUESTIONNAIRE["dimensions"]]
    # axe needs JavaScript: the API pages are checked in tests/integration/test_forms_pages_axe.py


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assessment_errors_with_javascript(local: State, page: Page, lang: str) -> None:
    page.goto(local.url + PAGES[lang]["assessment"])
    for _ in QUESTIONNAIRE["dimensions"][1:]:
        page.click(".vnb-step-next")

    page.click("form[data-vnb-form] button[type=submit]")

    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_focused()
    assert STRINGS[lang]["errors"]["answer_required"] in summary.inner_text()
    # The first step in error is the one shown.
    first = QUESTIONNAIRE["dimensions"][0]
    expect(page.locator(f"section[data-dimension={first['id']}]")).to_be_visible()
    assert_no_violations(page)
