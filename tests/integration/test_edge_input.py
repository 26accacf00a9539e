"""Bodies the handlers can't read get a 400 in the visitor's language, never a 500.

Each case here answered 500 (an ERROR log with a traceback, the error metric, the alarm)
before the body was read at the edge (`forms_api.handlers.body`).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from forms_events import FakeContext, as_form, http_event, valid_registration
from forms_support import CONTENT_DATA, TABLES

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ROUTES = ("/registrations", "/assessments")


def call(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import assessment, registration

    module = registration if event["rawPath"] == "/api/registrations" else assessment
    return module.lambda_handler(event, FakeContext())


@pytest.fixture
def log_records() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON records the functions' Logger writes during the test."""
    from forms_api.handlers import runtime

    # The Logger's handler holds the stdout of import time: point it at a buffer.
    buffer = io.StringIO()
    handler = runtime.logger.registered_handler
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)  # type: ignore[attr-defined]


def errors_logged(records: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [record for record in records() if record["level"] == "ERROR"]


def error_codes(response: dict[str, Any]) -> list[str]:
    body = json.loads(response["body"])
    for error in body["errors"]:
        assert error["message"]["fr"] and error["message"]["en"]
        assert error["message"]["fr"] != error["message"]["en"]
    return [error["code"] for error in body["errors"]]


def i18n(lang: str) -> dict[str, Any]:
    strings: dict[str, Any] = yaml.safe_load((CONTENT_DATA / "i18n" / f"{lang}.yml").read_text())
    return strings


def french_message(code: str) -> str:
    return str(i18n("fr")["errors"][code])


def _json_text() -> str:
    return json.dumps(valid_registration())


# (body, content type, extra headers, base64) of bodies no handler can read.
UNREADABLE: dict[str, tuple[bytes | str, str | None, dict[str, str], bool, str]] = {
    "base64 that isn't UTF-8": (b"\xff\xfe{}", JSON, {}, True, "body_not_text"),
    "latin-1 form post, base64": (
        "legal_name=Caf\xe9".encode("latin-1"),
        FORM,
        {},
        True,
        "body_not_text",
    ),
    "a charset other than UTF-8": (
        _json_text(),
        f"{JSON}; charset=iso-8859-1",
        {},
        False,
        "body_not_text",
    ),
    "a quoted charset other than UTF-8": (
        _json_text(),
        f'{JSON}; charset="windows-1252"',
        {},
        False,
        "body_not_text",
    ),
    "gzip": (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        JSON,
        {"content-encoding": "gzip"},
        True,
        "body_encoded",
    ),
    "any content encoding, text": (
        _json_text(),
        JSON,
        {"content-encoding": "br"},
        False,
        "body_encoded",
    ),
    "multipart without a boundary": (
        b"--x\r\n",
        "multipart/form-data",
        {},
        True,
        "multipart_boundary",
    ),
    "multipart with an empty boundary": (
        b"--x\r\n",
        "multipart/form-data; boundary=",
        {},
        True,
        "multipart_boundary",
    ),
    "multipart with an empty quoted boundary": (
        b"--x\r\n",
        'multipart/form-data; boundary=""',
        {},
        True,
        "multipart_boundary",
    ),
    "JSON nested thousands deep": ("[" * 5000 + "]" * 5000, JSON, {}, False, "body_too_complex"),
    "JSON nested in an object": (
        '{"answers":' + "[" * 3000 + "]" * 3000 + "}",
        JSON,
        {},
        False,
        "body_too_complex",
    ),
    "no content type, deep JSON": ("[" * 3000 + "]" * 3000, None, {}, False, "body_too_complex"),
    "an integer of 5000 digits": (
        '{"employees": ' + "7" * 5000 + "}",
        JSON,
        {},
        False,
        "body_too_complex",
    ),
}


def _event(route: str, case: str) -> dict[str, Any]:
    body, content_type, headers, encoded, _ = UNREADABLE[case]
    return http_event(route, body, content_type, headers=headers, base64_body=encoded)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_body_is_a_400_with_its_reason_not_a_500(
    dynamodb: Any, log_records: Callable[[], list[dict[str, Any]]], route: str, case: str
) -> None:
    response = call(_event(route, case))

    assert response["statusCode"] == 400, response["body"][:300]
    content_type, code = UNREADABLE[case][1] or "", UNREADABLE[case][4]
    if content_type.startswith((FORM, "multipart/")):
        # A form post gets a page (French: no language field could be read, no Referer).
        assert response["headers"]["Content-Type"].startswith("text/html")
        assert french_message(code) in response["body"]
    else:
        assert error_codes(response) == [code]
    assert errors_logged(log_records) == []
    assert dynamodb.scan(TableName=TABLES["ProgramTable"])["Items"] == []


def test_base64_flag_on_a_body_that_is_not_base64_is_a_400(
    dynamodb: Any, log_records: Callable[[], list[dict[str, Any]]]
) -> None:
    for route in ROUTES:
        event = http_event(route, "!!! not base64 !!!", JSON)
        event["isBase64Encoded"] = True
        response = call(event)
        assert response["statusCode"] == 400
        assert error_codes(response) == ["body_not_text"]
    assert errors_logged(log_records) == []


def test_a_text_body_with_a_lone_surrogate_is_not_text(dynamodb: Any) -> None:
    # What a direct invocation with "\ud800" in its JSON event hands the function.
    event = http_event("/registrations", "{}", JSON)
    event["body"] = json.dumps(valid_registration(legal_name="Caf\ud800"), ensure_ascii=False)
    response = call(event)
    assert response["statusCode"] == 400
    assert error_codes(response) == ["body_not_text"]
    # As a form post, the page is made without reading the body.
    form = http_event("/registrations", "{}", FORM)
    form["body"] = "legal_name=Caf\udcc3&language=en"
    page = call(form)
    assert page["statusCode"] == 400
    assert french_message("body_not_text") in page["body"]


def test_a_form_post_that_cannot_be_read_gets_a_page_in_the_visitor_language(
    dynamodb: Any, log_records: Callable[[], list[dict[str, Any]]]
) -> None:
    raw = "legal_name=Caf\xe9".encode("latin-1")
    for referer, lang in (("https://vnb.example.org/en/register/", "en"), ("", "fr")):
        headers = {"referer": referer} if referer else {}
        response = call(http_event("/registrations", raw, FORM, headers=headers, base64_body=True))
        assert response["statusCode"] == 400
        assert response["headers"]["Content-Type"].startswith("text/html")
        page = response["body"]
        assert f'<html lang="{lang}"' in page
        assert i18n(lang)["errors"]["body_not_text"] in page
        assert "Traceback" not in page
    assert errors_logged(log_records) == []
    outcomes = [record.get("outcome") for record in log_records()]
    assert outcomes == ["unreadable", "unreadable"]


def test_multipart_with_a_boundary_in_any_case_is_read(dynamodb: Any) -> None:
    # Powertools itself looks for a lower-case `boundary=` and an exact `multipart/form-data`.
    fields = as_form(valid_registration(neq="4234567890", email="multi@example.ca"))
    parts = "".join(
        f'--b0und\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    body = (parts + "--b0und--\r\n").encode("utf-8")
    event = http_event(
        "/registrations", body, 'Multipart/Form-Data; Boundary="b0und"', base64_body=True
    )
    response = call(event)
    assert response["statusCode"] < 400, response["body"][:500]
    stored = json.dumps(dynamodb.scan(TableName=TABLES["ProgramTable"]), ensure_ascii=False)
    assert "Boutique Élan" in stored


def test_utf8_text_with_an_explicit_utf8_charset_is_read(dynamodb: Any) -> None:
    payload = valid_registration(neq="5234567890", email="charset@example.ca")
    for charset in ("utf-8", "UTF-8", '"utf-8"'):
        payload["email"] = f"{charset.strip(chr(34)).lower()}-{len(charset)}@example.ca"
        payload["neq"] = f"52345678{len(charset):02d}"
        event = http_event("/registrations", json.dumps(payload), f"{JSON}; charset={charset}")
        # Read: the check step answers (200 with its token), nothing refused.
        checked = call(event)
        assert checked["statusCode"] == 200, charset
        assert json.loads(checked["body"])["values"]["email"] == payload["email"]


def test_the_size_limit_still_answers_413_before_reading(dynamodb: Any) -> None:
    big = base64.b64encode(b"\xff" * 20_000).decode()
    event = http_event("/registrations", "x", JSON)
    event.update(body=big, isBase64Encoded=True)
    response = call(event)
    assert response["statusCode"] == 413
    assert error_codes(response) == ["payload_too_large"]
