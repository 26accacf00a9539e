"""At the form: an address SES cannot send to is refused, in both languages, before
anything is stored (the notifier would otherwise be refused by SES after the fact)."""

from __future__ import annotations

from typing import Any

import pytest
from forms_events import (
    FakeContext,
    as_form,
    form_event,
    json_event,
    response_json,
    valid_registration,
)
from forms_support import TABLES

PATH = "/registrations"


def post(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import registration

    return registration.lambda_handler(event, FakeContext())


@pytest.mark.parametrize("email", ["zoé@example.ca", "jo,see@example.ca", '"josee"@example.ca'])
def test_an_address_ses_cannot_take_gets_a_bilingual_message_and_nothing_is_stored(
    dynamodb: Any, email: str
) -> None:
    response = post(json_event(PATH, valid_registration(email=email)))
    assert response["statusCode"] == 400
    [error] = [e for e in response_json(response)["errors"] if e["field"] == "email"]
    assert error["code"] == "email_undeliverable"
    assert "accents" in error["message"]["fr"] and "cannot send" in error["message"]["en"]
    assert dynamodb.scan(TableName=TABLES["ProgramTable"])["Items"] == []


def test_the_form_page_says_why_in_french(dynamodb: Any) -> None:
    response = post(form_event(PATH, as_form(valid_registration(email="zoé@example.ca"))))
    assert response["statusCode"] == 400
    assert "notre système de courriel ne peut pas utiliser" in response["body"]
