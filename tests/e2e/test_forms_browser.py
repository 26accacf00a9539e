"""The merchant's journey through the forms, in Debian's headless Chromium on a phone-sized
screen, against the local mode (the site built for its own address, the real handlers,
moto's stand-in; `conftest.py`). Each test checks what the merchant sees AND what the
table holds. With and without JavaScript, both languages.
"""

from __future__ import annotations

import re
import time
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
    "fr": {"registration": "fr/inscription/", "assessment": "fr/bilan-numerique/", "home": "fr/"},
    "en": {"registration": "en/register/", "assessment": "en/digital-assessment/", "home": "en/"},
}
OTHER = {"fr": "en", "en": "fr"}
REFERENCE = re.compile(r"VNB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
# What the local mode waits before "Send" counts (the e2e conftest sets MIN_FILL_SECONDS).
SEND_WAIT = 1.1

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
    page.fill("#reg-phone", "819 555-0123 poste 22")
    page.check("#reg-consent")


def assert_no_violations(page: Page) -> None:
    violations = axe(page)
    assert not violations, describe(violations)


def assert_page_of_the_site(page: Page, lang: str, form: str) -> None:
    """An answer of the API is a page of the site: header, menu, footer, language switch
    leading to the same form in the other language."""
    expect(page.locator("header.md-header")).to_be_visible()
    expect(page.locator(".md-footer")).to_be_attached()
    assert page.locator("nav.md-nav--primary a").count() >= 5
    switch = page.locator(".vnb-switch__link")
    assert switch.get_attribute("href") == "/" + PAGES[OTHER[lang]][form]
    assert page.locator("html").get_attribute("lang") == lang


def send_checked(page: Page) -> None:
    """On the "check your answers" page: wait as a person reads, then Send."""
    expect(page.locator("h1")).to_have_text(
        STRINGS[page.locator("html").get_attribute("lang") or "fr"]["form"]["check_title"]
    )
    time.sleep(SEND_WAIT)
    with page.expect_navigation():
        page.click("button[name=step][value=send]")


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_check_send_confirm_reload_and_back(
    local: State, page: Page, page_without_js: Page, lang: str, javascript: bool
) -> None:
    tab = page if javascript else page_without_js
    tab.goto(local.url + PAGES[lang]["registration"])
    if javascript:
        assert_no_violations(tab)  # empty state
    email = f"journey-{lang}-{int(javascript)}-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(tab, email)

    with tab.expect_navigation():
        tab.click("form[data-vnb-form] button[type=submit]")

    # "Check your answers": its own address, a page of the site, nothing stored yet.
    assert "/api/registrations/check?token=" in tab.url
    assert_page_of_the_site(tab, lang, "registration")
    summary = tab.locator(".vnb-summary").inner_text()
    assert "Boutique Éole inc." in summary and "819 555-0123" in summary and "22" in summary
    assert not registration_of(local, email)
    if javascript:
        assert_no_violations(tab)
    send_checked(tab)

    # The confirmation: its own address, which names no reference and no personal data.
    assert "/api/registrations/confirmation?token=" in tab.url
    for secret in (email, "Tremblay", "819"):
        assert secret not in tab.url
    reference = tab.locator(".vnb-reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference)
    assert reference not in tab.url
    (stored,) = registration_of(local, email)
    assert stored["reference"]["S"] == reference
    assert stored["phone_extension"]["S"] == "22"
    assert stored["language"]["S"] == lang
    assert_page_of_the_site(tab, lang, "registration")
    masked = email[0] + "•••@example.com"
    assert masked in tab.locator("main").inner_text()
    # Onward: the assessment, the reference carried in.
    assessment = tab.locator(f"a[href$='?reference={reference}']")
    expect(assessment).to_be_visible()
    if javascript:
        expect(tab.locator("h1")).to_be_focused()
        assert_no_violations(tab)

    # A reload shows the same confirmation and stores nothing more; Back shows the check
    # page again, without any "confirm form resubmission".
    tab.reload()
    assert tab.locator(".vnb-reference").inner_text().strip() == reference
    tab.go_back()
    assert "/api/registrations/check?token=" in tab.url
    expect(tab.locator(".vnb-summary")).to_be_visible()
    tab.go_forward()
    assert tab.locator(".vnb-reference").inner_text().strip() == reference
    assert len(registration_of(local, email)) == 1

    # The reference travels to the assessment, prefilled and editable (with JavaScript).
    if javascript:
        assessment_href = f"{local.url}{PAGES[lang]['assessment']}?reference={reference}"
        tab.goto(assessment_href)
        expect(tab.locator("#asm-reference")).to_have_value(reference)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_errors_come_from_the_server_and_the_script_focuses_them(
    local: State, page: Page, lang: str
) -> None:
    page.goto(local.url + PAGES[lang]["registration"])
    page.fill("#reg-legal_name", "Boutique Éole inc.")
    page.fill("#reg-email", "pas-un-courriel")

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_focused()
    strings = STRINGS[lang]
    assert page.title().startswith(strings["form"]["error_prefix"])
    assert_page_of_the_site(page, lang, "registration")
    expect(page.locator("#reg-contact_name-error")).to_contain_text(strings["errors"]["required"])
    expect(page.locator("#reg-legal_name")).to_have_value("Boutique Éole inc.")
    expect(page.locator("#reg-email")).to_have_value("pas-un-courriel")
    expect(page.locator("#reg-contact_name")).to_have_attribute("aria-invalid", "true")
    label = strings["form"]["contact_name_label"]
    separator = "\u00a0: " if lang == "fr" else ": "
    expect(summary.locator("a[href='#reg-contact_name']")).to_have_text(
        label + separator + strings["errors"]["required"]
    )
    assert_no_violations(page)  # error state
    summary.locator("a[href='#reg-contact_name']").click()
    expect(page.locator("#reg-contact_name")).to_be_focused()
    assert not registration_of(local, "pas-un-courriel")


def test_a_refusal_a_typo_can_cause_leads_back_to_the_form_with_the_values(
    local: State, page_without_js: Page
) -> None:
    if PHASE != "open":
        pytest.skip("the head count is asked once registrations open")
    page = page_without_js
    page.goto(local.url + PAGES["fr"]["registration"])
    email = f"typo-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(page, email)
    page.fill("#reg-employees", "150")
    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")
    assert "ne peut pas vous accompagner" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.click("button[name=step][value=edit]")
    expect(page.locator("#reg-employees")).to_have_value("150")
    expect(page.locator("#reg-email")).to_have_value(email)


def test_forms_fit_a_small_phone(local: State, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})

    def width() -> int:
        return int(page.evaluate("document.documentElement.scrollWidth"))

    page.goto(local.url + PAGES["fr"]["assessment"])
    assert width() <= 360, f"the assessment is {width()}px wide on a 360px screen"
    page.goto(local.url + PAGES["fr"]["registration"])
    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")
    expect(page.locator(".vnb-error-summary")).to_be_visible()
    assert width() <= 360, f"the registration errors are {width()}px wide on a 360px screen"


def test_a_double_click_on_send_stores_once(local: State, page: Page) -> None:
    page.goto(local.url + PAGES["fr"]["registration"])
    email = f"double-{uuid.uuid4().hex[:8]}@example.com"
    fill_registration(page, email)
    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")
    time.sleep(SEND_WAIT)
    with page.expect_navigation():
        page.dblclick("button[name=step][value=send]")
    expect(page.locator(".vnb-reference")).to_be_visible()
    assert len(registration_of(local, email)) == 1


def test_the_registration_keeps_its_values_across_a_language_switch(
    local: State, page: Page
) -> None:
    page.goto(local.url + PAGES["fr"]["registration"])
    page.fill("#reg-legal_name", "Boutique Éole inc.")
    page.fill("#reg-contact_name", "Lise Tremblay")
    page.select_option("#reg-region", "04")
    page.click(".vnb-switch__link")
    page.wait_for_url("**/en/register/")
    expect(page.locator("#reg-legal_name")).to_have_value("Boutique Éole inc.")
    expect(page.locator("#reg-contact_name")).to_have_value("Lise Tremblay")
    expect(page.locator("#reg-region")).to_have_value("04")


def test_keyboard_only_registration(local: State, page: Page) -> None:
    """Tab, typing, Space and Enter only: no click, no fill."""
    page.goto(local.url + PAGES["en"]["registration"])
    email = f"keyboard-{uuid.uuid4().hex[:8]}@example.com"
    typed = {
        "reg-legal_name": "Keyboard Goods Ltd.",
        "reg-contact_name": "Kim Lee",
        "reg-email": email,
        "reg-phone": "514 555-0199",
    }
    if PHASE == "open":
        typed.update({"reg-neq": "11" + str(uuid.uuid4().int)[:8], "reg-employees": "8"})
    arrow_down = {"reg-region"} | ({"reg-sector"} if PHASE == "open" else set())
    spaced = {"reg-consent"} | ({"reg-sells_online"} if PHASE == "open" else set())
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
            with page.expect_navigation():
                page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, "Tab never reached the submit button"
    time.sleep(SEND_WAIT)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "send":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    reference = page.locator(".vnb-reference").inner_text().strip()
    assert [item["reference"]["S"] for item in registration_of(local, email)] == [reference]


# --- the assessment ------------------------------------------------------------------


def _answers(variant: int) -> dict[str, str]:
    """One answer per question, varied so the dimensions score differently; `variant`
    makes this run's answer set unique (the stored item is found by its answers)."""
    answers = {}
    for d_index, dimension in enumerate(QUESTIONNAIRE["dimensions"]):
        for q_index, question in enumerate(dimension["questions"]):
            options = question["options"]
            answers[question["id"]] = options[(d_index + q_index * variant) % len(options)]["code"]
    return answers


def _stored_assessments(local: State, answers: dict[str, str]) -> list[dict[str, Any]]:
    return [
        item
        for item in table_items(local)
        if item.get("kind", {}).get("S") == "assessment"
        and {k: v["S"] for k, v in item["answers"]["M"].items()} == answers
    ]


def _radio(question: dict[str, Any], code: str) -> str:
    first = question["options"][0]["code"]
    return f"#asm-answers-{question['id']}" + ("" if code == first else f"-{code}")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assessment_steps_survive_a_reload_and_a_language_switch(
    local: State, page: Page, lang: str
) -> None:
    page.goto(local.url + PAGES[lang]["assessment"])
    page.evaluate("localStorage.clear()")
    page.reload()
    assert_no_violations(page)
    dimensions = QUESTIONNAIRE["dimensions"]
    answers = _answers(3 if lang == "fr" else 5)
    # Answer the first two steps, then reload: the third step comes back, answers kept.
    for dimension in dimensions[:2]:
        for question in dimension["questions"]:
            page.check(_radio(question, answers[question["id"]]))
        page.click(".vnb-step-next")
    page.reload()
    expect(page.locator(f"section[data-dimension={dimensions[2]['id']}]")).to_be_visible()
    # Switch language: same step, same answers (codes, never labels).
    page.click(".vnb-switch__link")
    page.wait_for_url(f"**/{PAGES[OTHER[lang]]['assessment']}")
    expect(page.locator(f"section[data-dimension={dimensions[2]['id']}]")).to_be_visible()
    page.click(".vnb-step-back")
    page.click(".vnb-step-back")
    first = dimensions[0]["questions"][0]
    expect(page.locator(_radio(first, answers[first["id"]]))).to_be_checked()
    # Stored as codes: the saved state holds no label of either language.
    saved = page.evaluate(
        "JSON.stringify(Object.keys(localStorage).map(k => localStorage.getItem(k)))"
    )
    assert first["options"][0]["label"]["fr"] not in saved
    assert answers[first["id"]] in saved


def test_a_steps_summary_lists_only_the_questions_still_unanswered(
    local: State, page: Page
) -> None:
    page.goto(local.url + PAGES["fr"]["assessment"])
    page.evaluate("localStorage.clear()")
    page.reload()
    first, *others = QUESTIONNAIRE["dimensions"][0]["questions"]
    page.check(_radio(first, first["options"][0]["code"]))
    page.click(".vnb-step-next")
    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(len(others))
    links = summary.locator("li a")
    assert [links.nth(i).get_attribute("href") for i in range(len(others))] == [
        f"#asm-answers-{question['id']}" for question in others
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assessment_checks_each_step_then_its_answers_then_sends(
    local: State, page: Page, lang: str
) -> None:
    page.goto(local.url + PAGES[lang]["assessment"])
    page.evaluate("localStorage.clear()")
    page.reload()
    dimensions = QUESTIONNAIRE["dimensions"]
    strings = STRINGS[lang]
    answers = _answers(1 if lang == "fr" else 2)

    # "Next" on an unanswered step: the server's own summary and messages, this step only.
    page.click(".vnb-step-next")
    summary = page.locator(".vnb-error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(len(dimensions[0]["questions"]))
    assert strings["errors"]["answer_required"] in summary.inner_text()
    expect(page.locator(f"section[data-dimension={dimensions[0]['id']}]")).to_be_visible()
    assert_no_violations(page)  # step error state

    progress = strings["form"]["step_progress"]
    for index, dimension in enumerate(dimensions):
        expected = progress.replace("{n}", str(index + 1)).replace("{total}", str(len(dimensions)))
        expect(page.locator(".vnb-progress")).to_have_text(expected)
        for question in dimension["questions"]:
            page.check(_radio(question, answers[question["id"]]))
        page.click(".vnb-step-next")
    # The last step: check your answers, each with a way back to change it.
    check = page.locator(".vnb-check")
    expect(check).to_be_visible()
    expect(check.locator(".vnb-summary__row")).to_have_count(len(answers))
    assert_no_violations(page)

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    assert "/api/assessments/result?token=" in page.url
    assert_page_of_the_site(page, lang, "assessment")
    (stored,) = _stored_assessments(local, answers)
    scores = {k: int(v["N"]) for k, v in stored["scores"]["M"].items()}
    shown = {
        row.locator("th").inner_text(): int(row.locator("td").first.inner_text().split()[0])
        for row in page.locator("tbody tr").all()
    }
    names = {d["id"]: d["name"][lang] for d in dimensions}
    assert shown == {names[k]: v for k, v in scores.items()}
    # Not linked to a registration: the page says so and how to register.
    expect(page.locator(f"a[href='/{PAGES[lang]['registration']}']").first).to_be_visible()
    assert_no_violations(page)
    # Sent: the device forgets the answers; a reload shows the same result, stores nothing.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vnb.')).length") == 0
    page.reload()
    assert len(_stored_assessments(local, answers)) == 1
    page.emulate_media(media="print")
    expect(page.locator("table")).to_be_visible()
    expect(page.locator("header.md-header")).to_be_hidden()


def test_assessment_without_javascript_shows_every_question(
    local: State, page_without_js: Page
) -> None:
    page = page_without_js
    page.goto(local.url + PAGES["fr"]["assessment"])
    answers = _answers(3)
    for dimension in QUESTIONNAIRE["dimensions"]:
        for question in dimension["questions"]:
            expect(page.locator(f"#asm-answers-{question['id']}")).to_be_visible()
            page.check(f"input[name='answers.{question['id']}'][value='{answers[question['id']]}']")

    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")

    assert "/api/assessments/result?token=" in page.url
    (stored,) = _stored_assessments(local, answers)
    rows = page.locator("tbody tr").all()
    shown = [int(row.locator("td").first.inner_text().split()[0]) for row in rows]
    assert shown == [int(stored["scores"]["M"][d["id"]]["N"]) for d in QUESTIONNAIRE["dimensions"]]
    assert_page_of_the_site(page, "fr", "assessment")


def test_start_over_clears_the_answers_kept_on_the_device(local: State, page: Page) -> None:
    page.goto(local.url + PAGES["fr"]["assessment"])
    first = QUESTIONNAIRE["dimensions"][0]["questions"][0]
    page.check(_radio(first, first["options"][-1]["code"]))
    page.reload()
    expect(page.locator(_radio(first, first["options"][-1]["code"]))).to_be_checked()
    page.click(".vnb-start-over")
    expect(page.locator(_radio(first, first["options"][-1]["code"]))).not_to_be_checked()
    page.reload()
    expect(page.locator(_radio(first, first["options"][-1]["code"]))).not_to_be_checked()
