"""Campaign tags: a visitor lands on any page from a tagged link (newsroom, social post),
browses, then registers; the record keeps utm_source and utm_campaign.

`site/overrides/partials/vnb-inline.html` (inline in every page) keeps the landing address's
tags for the tab in sessionStorage at once; `site/assets/vnb-utm.js`, loaded after the first
paint, fills the form's hidden fields. The local mode is shared with the other browser
tests (`conftest.py`).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
import yaml
from browser import scripts_ran
from localdev.standin import REPOSITORY, dynamodb_client
from localdev.state import State
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHASE = yaml.safe_load((REPOSITORY / "content" / "data" / "program.yml").read_text("utf-8"))[
    "phase"
]


def _hidden(page: Page, name: str) -> Locator:
    return page.locator(f"form input[type=hidden][name={name}]")


def test_tags_of_the_landing_page_survive_navigation(local: State, page: Page) -> None:
    # The next page at once, before the landing page's own scripts have come: the inline
    # script has kept the tags already.
    page.goto(local.url + "fr/?utm_source=salle-de-presse&utm_campaign=lancement%202026")
    page.goto(local.url + "fr/programme/")  # no tags in this address
    page.goto(local.url + "fr/inscription/")
    expect(_hidden(page, "utm_source")).to_have_value("salle-de-presse")
    expect(_hidden(page, "utm_campaign")).to_have_value("lancement 2026")


def test_a_new_tab_without_tags_sends_none(local: State, page: Page) -> None:
    page.goto(local.url + "en/register/")
    scripts_ran(page)
    expect(_hidden(page, "utm_source")).to_have_value("")
    expect(_hidden(page, "utm_campaign")).to_have_value("")


@pytest.mark.skipif(PHASE == "closed", reason="no form while the program is closed")
def test_the_registration_stores_the_tags(local: State, page: Page) -> None:
    page.goto(local.url + "en/news/?utm_source=newsletter&utm_campaign=spring")
    page.goto(local.url + "en/register/")
    scripts_ran(page)
    email = f"utm-{uuid.uuid4().hex[:8]}@example.com"
    page.fill("#reg-legal_name", "Boutique Éole inc.")
    if PHASE == "open":
        page.fill("#reg-neq", "11" + str(uuid.uuid4().int)[:8])
        page.select_option("#reg-sector", "clothing")
        page.fill("#reg-employees", "12")
        page.check("#reg-sells_online-false")
    page.select_option("#reg-region", "04")
    page.fill("#reg-contact_name", "Mary Smith")
    page.fill("#reg-email", email)
    page.fill("#reg-phone", "819 555-0123")
    page.check("#reg-consent")
    with page.expect_navigation():
        page.click("form[data-vnb-form] button[type=submit]")
    time.sleep(1.1)  # the check page's Send counts after MIN_FILL_SECONDS (conftest)
    with page.expect_navigation():
        page.click("button[name=step][value=send]")
    expect(page.locator(".vnb-reference")).to_have_text(re.compile(r"VNB-[0-9A-Z]{4}-[0-9A-Z]{4}"))

    client = dynamodb_client(local.dynamodb_endpoint)
    items: list[dict[str, Any]] = client.scan(TableName=local.tables["ProgramTable"])["Items"]
    stored = [item for item in items if item.get("email") == {"S": email}]
    assert len(stored) == 1
    assert stored[0]["utm_source"] == {"S": "newsletter"}
    assert stored[0]["utm_campaign"] == {"S": "spring"}
