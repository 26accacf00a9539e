"""Every page the forms API answers a form post with passes axe (WCAG 2.1 A/AA) in
Debian's headless Chromium, and holds no script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM as BROWSER_PATH
from browser import CHROMIUM_FLAGS as FLAGS
from forms_events import (
    FakeContext,
    as_form,
    check_then_send_form,
    follow,
    form_event,
    valid_registration,
)
from forms_support import REPO

pytestmark = pytest.mark.browser

AXE_JS = REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(BROWSER_PATH)


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    # `make test` installs both: their absence is a broken set-up, not a reason to skip.
    assert CHROMIUM.exists(), "needs Debian's chromium (make browser-deps)"
    assert AXE_JS.exists(), "needs tests/node_modules/axe-core (make tools)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page()
        yield page
        browser.close()


def pages(forms_env: Path) -> dict[str, dict[str, Any]]:
    from forms_api.handlers import assessment, registration

    def register(event: dict[str, Any]) -> dict[str, Any]:
        return dict(registration.lambda_handler(event, FakeContext()))

    def assess(event: dict[str, Any]) -> dict[str, Any]:
        return dict(assessment.lambda_handler(event, FakeContext()))

    def reg(fields: dict[str, str]) -> dict[str, Any]:
        return register(form_event("/registrations", fields))

    def asm(fields: dict[str, str]) -> dict[str, Any]:
        return assess(form_event("/assessments", fields))

    def then(response: dict[str, Any], handler: Any) -> dict[str, Any]:
        return follow(response, handler)

    bad = as_form(valid_registration(email="x", phone="1", language="en"))
    del bad["consent"]
    from content_model import cached_content as load_program_data

    questions = load_program_data(forms_env).questionnaire.questions
    full = {f"answers.{qid}": q.options[1].code for qid, q in questions.items()}
    partial = dict(list(full.items())[3:])
    fields = as_form(valid_registration())
    sent = check_then_send_form(register, "/registrations", fields)
    # A confirmed registration's T0 and T1, "send me my result" and the results link.
    from forms_api import links
    from forms_api.handlers import runtime
    from forms_events import check_then_send_json, get_event, hidden_fields, response_json

    linked = valid_registration(neq="1170000077", email="lise@example.ca")
    reference = response_json(check_then_send_json(register, "/registrations", linked))["reference"]
    confirm = registration.email_confirmation_token(reference)
    register(get_event("/registrations/confirm", {"token": confirm}))
    first = {f"answers.{qid}": q.options[0].code for qid, q in questions.items()}
    then(asm({**first, "reference": reference, "language": "fr"}), assess)
    retaken = then(asm({**full, "reference": reference, "language": "fr"}), assess)
    mail_form = retaken["body"].split('action="/api/assessments/mail"', 1)[1].split("</form>")[0]
    mailed = then(
        assess(form_event("/assessments/mail", hidden_fields("<form" + mail_form))), assess
    )
    results = links.results_token(reference, "en", runtime.now())
    return {
        "assessment before and now": retaken,
        "assessment result mailed": mailed,
        "assessment results (en)": assess(get_event("/assessments/results", {"token": results})),
        "check your answers": then(reg(fields), register),
        "registration confirmation": then(sent, register),
        "registration errors (en)": reg(bad),
        "ineligible": reg(as_form(valid_registration(neq="2234567890", employees=300))),
        "assessment result": then(asm({**full, "language": "en"}), assess),
        "assessment errors": asm({**partial, "language": "fr"}),
    }


def test_form_post_pages_pass_axe(dynamodb: Any, forms_env: Path, browser_page: Any) -> None:
    axe_source = AXE_JS.read_text(encoding="utf-8")
    failures = {}
    for name, response in pages(forms_env).items():
        html = response["body"]
        assert "<script" not in html, name
        browser_page.set_content(html)
        browser_page.add_script_tag(content=axe_source)
        violations = browser_page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})).violations
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
        )
        if violations:
            failures[name] = violations
    assert failures == {}
