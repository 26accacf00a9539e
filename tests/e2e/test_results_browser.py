"""A registration's results over time, its peers and "send me my result", in Debian's
headless Chromium on a phone-sized screen, against the local mode: what the merchant sees
(with and without JavaScript, both languages, axe 0) and what the table holds."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from browser import axe, describe
from forms_support import LOCALDEV_SIGNING_KEY
from localdev.standin import REPOSITORY, dynamodb_client
from localdev.state import State
from playwright.sync_api import Page, expect

DATA = REPOSITORY / "content" / "data"
STRINGS = {
    lang: yaml.safe_load((DATA / "i18n" / f"{lang}.yml").read_text(encoding="utf-8"))
    for lang in ("fr", "en")
}
QUESTIONNAIRE = yaml.safe_load((DATA / "assessment.yml").read_text(encoding="utf-8"))
DIMENSIONS = [d["id"] for d in QUESTIONNAIRE["dimensions"]]
ASSESSMENT = {"fr": "fr/bilan-numerique/", "en": "en/digital-assessment/"}
PHASE = yaml.safe_load((DATA / "program.yml").read_text(encoding="utf-8"))["phase"]

pytestmark = pytest.mark.skipif(PHASE == "closed", reason="no form while the program is closed")


def put(local: State, item: dict[str, Any]) -> None:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    client = dynamodb_client(local.dynamodb_endpoint)
    client.put_item(
        TableName=local.tables["ProgramTable"],
        Item={k: serializer.serialize(v) for k, v in item.items() if v is not None},
    )


def items(local: State) -> list[dict[str, Any]]:
    client = dynamodb_client(local.dynamodb_endpoint)
    found: list[dict[str, Any]] = client.scan(TableName=local.tables["ProgramTable"])["Items"]
    return found


def confirmed_registration(local: State, email: str) -> str:
    """A registration whose address is confirmed, stored as the forms store it."""
    from forms_api.domain.models import Registration
    from forms_api.domain.rules import new_reference
    from forms_api.repository import registration_item

    reference = new_reference()
    put(
        local,
        registration_item(
            Registration(
                reference=reference,
                kind="registration",
                created_at=datetime.now(UTC),
                phase="open",
                legal_name="Boutique Éole inc.",
                region="04",
                branch="mauricie",
                contact_name="Lise Tremblay",
                email=email,
                phone="+18195550123",
                language="fr",
                privacy_notice_version="2026-11-28",
                survey_consent=False,
                expires_at=int(time.time()) + 86400,
                status="confirmed",
                sector="clothing",
                employees=12,
            )
        ),
    )
    return reference


def published_peers(local: State) -> None:
    """The peers' item as `python -m progress peers` writes it: Mauricie published."""
    from progress.peer_refresh import peers_item

    medians = dict.fromkeys(DIMENSIONS, 45)
    groups = {"region": {"04": medians}, "sector": {}, "size": {"10-19": medians}}
    put(
        local,
        peers_item(
            {
                "version": 1,
                "as_of": "2026-11-30T03:00:00Z",
                "k": 10,
                "basis": "latest",
                "groups": groups,
            }
        ),
    )


def take_assessment(page: Page, local: State, lang: str, reference: str, pick: int) -> None:
    """Every question answered with option `pick`, the reference typed, without any help
    from the script (the form works the same without it)."""
    page.goto(f"{local.url}{ASSESSMENT[lang]}?reference={reference}")
    # Without the script the field is typed in; with it, it comes filled in from the address.
    page.locator("#asm-reference").evaluate("(field, value) => { field.value = value; }", reference)
    for dimension in QUESTIONNAIRE["dimensions"]:
        for question in dimension["questions"]:
            code = question["options"][pick]["code"]
            radio = page.locator(f"input[name='answers.{question['id']}'][value='{code}']")
            # With the script, later steps are hidden: checked as the script would restore.
            radio.evaluate("radio => { radio.checked = true; }")
    with page.expect_navigation():
        page.locator("form[data-vnb-form=assessment]").evaluate("form => form.requestSubmit()")


def assert_no_violations(page: Page) -> None:
    violations = axe(page)
    assert not violations, describe(violations)


def test_t0_then_t1_without_javascript_show_before_now_peers_and_send_the_result(
    local: State, page_without_js: Page, page: Page
) -> None:
    with_js = page  # axe runs in a page with scripts: the same addresses, reloaded there
    page = page_without_js
    email = f"lise-{time.time_ns()}@example.ca"
    reference = confirmed_registration(local, email)
    published_peers(local)
    t = STRINGS["fr"]["form"]

    take_assessment(page, local, "fr", reference, 0)
    assert "/api/assessments/result?token=" in page.url
    expect(page.get_by_text(t["first_assessment_note"])).to_be_visible()

    take_assessment(page, local, "fr", reference, -1)
    expect(page.locator("#vnb-before-after")).to_have_text(t["before_after_title"])
    chart = page.locator("svg.vnb-chart-svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 250  # drawn, and fits the phone
    rows = page.locator(".vnb-progress-over-time tbody tr")
    assert rows.count() == len(DIMENSIONS)
    assert rows.first.locator("td").all_inner_texts() == ["0", "100", "+100"]
    expect(page.locator(".vnb-improved li")).to_have_count(len(DIMENSIONS))
    # Peers: the region and the size band are published, the sector is not.
    headers = page.locator("table[data-vnb-table=peers] thead th").all_inner_texts()
    assert headers[2:] == ["Mauricie", STRINGS["fr"]["form"]["peers_size"]]
    assert page.locator("table[data-vnb-table=peers] tbody tr").first.locator(
        "td"
    ).all_inner_texts() == [
        "100",
        "45",
        "45",
    ]
    with_js.goto(page.url)
    assert_no_violations(with_js)

    # "E-mail me my result": the masked address, a button, and back to the result.
    masked = page.locator("form[data-vnb-form=mail]").locator(
        "xpath=preceding-sibling::p[1]/strong"
    )
    from forms_api.domain.rules import mask_email

    assert masked.inner_text() == mask_email(email) and email not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name=t["mail_result_button"]).click()
    assert "/api/assessments/result?token=" in page.url and "notice=mail_sent" in page.url
    assert email.split("@")[0] not in page.url
    expect(page.locator(".vnb-notice")).to_contain_text(t["mail_sent"])
    with_js.goto(page.url)
    expect(with_js.locator(".vnb-notice")).to_contain_text(t["mail_sent"])
    assert_no_violations(with_js)
    requests = [
        i
        for i in items(local)
        if i["pk"]["S"] == f"REG#{reference}" and i["sk"]["S"].startswith("MAILREQ#")
    ]
    assert len(requests) == 1 and "email" not in requests[0] and "answers" not in requests[0]
    # A reload shows the page again and asks for nothing more.
    page.reload()
    assert (
        len(
            [
                i
                for i in items(local)
                if i["sk"]["S"].startswith("MAILREQ#") and i["pk"]["S"] == f"REG#{reference}"
            ]
        )
        == 1
    )


def test_the_results_link_lists_every_result_in_english_with_javascript(
    local: State, page: Page
) -> None:
    from forms_api.domain import tokens
    from forms_api.domain.tokens import SigningKey
    from forms_api.links import RESULTS

    reference = confirmed_registration(local, f"sam-{time.time_ns()}@example.ca")
    take_assessment(page, local, "en", reference, 0)
    take_assessment(page, local, "en", reference, -1)
    key = SigningKey("local", LOCALDEV_SIGNING_KEY.encode("utf-8"))
    token = tokens.sign(key, RESULTS, int(time.time()), 30 * 86400, r=reference, l="en")
    page.goto(f"{local.url}api/assessments/results?token={token}")
    t = STRINGS["en"]["form"]
    expect(page.locator("h1")).to_have_text(t["results_title"])
    headers = page.locator("table[data-vnb-table=results] thead th").all_inner_texts()
    assert [h.split()[0] for h in headers[1:]] == ["T0", "T1"]
    expect(page.locator("#vnb-before-after")).to_be_visible()
    assert page.locator("header.md-header").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_violations(page)
    # Onward: each result's own page, and the assessment again with the reference.
    with page.expect_navigation():
        page.locator("table[data-vnb-table=results] a").last.click()
    assert "/api/assessments/result?token=" in page.url
    expect(page.locator("#vnb-before-after")).to_be_visible()
    page.go_back()
    retake = page.get_by_role("link", name=t["retake_assessment"])
    assert retake.get_attribute("href", timeout=5000) is not None
    assert f"reference={reference}" in (retake.get_attribute("href") or "")
    # A tampered link: the link problem page, in the link's language… which a tampered
    # token no longer proves: French first, with its way onward.
    page.goto(f"{local.url}api/assessments/results?token={token[:-3]}abc")
    expect(page.locator("h1")).to_have_text(STRINGS["fr"]["form"]["link_problem_title"])
    assert page.locator(".vnb-onward a").count() >= 2
    assert_no_violations(page)
