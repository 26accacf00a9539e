"""`POST /registrations` called with real HTTP API v2 events, on moto's DynamoDB."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from forms_events import (
    FakeContext,
    as_form,
    form_event,
    http_event,
    json_event,
    response_json,
    valid_registration,
)
from forms_support import TABLES, set_phase

PATH = "/registrations"


def post(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import registration

    return registration.lambda_handler(event, FakeContext())


def items(client: Any, table: str = "ProgramTable") -> list[dict[str, Any]]:
    return client.scan(TableName=TABLES[table])["Items"]


def errors_of(response: dict[str, Any]) -> list[dict[str, Any]]:
    body = response_json(response)
    for error in body["errors"]:
        assert error["message"]["fr"] and error["message"]["en"]
        assert error["message"]["fr"] != error["message"]["en"]
    return list(body["errors"])


# --- happy paths ---------------------------------------------------------------------


def test_json_registration_is_stored_with_the_contract_attributes(dynamodb: Any) -> None:
    response = post(json_event(PATH, valid_registration()))
    assert response["statusCode"] == 201
    body = response_json(response)
    assert body["kind"] == "registration" and body["branch"] == "mauricie"
    assert body["next_step"]["fr"] and body["next_step"]["en"]
    reference = body["reference"]

    stored = dynamodb.get_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}
    )["Item"]
    assert stored["neq"] == {"S": "1170000001"}
    assert stored["phone"] == {"S": "+18195550142"}
    assert stored["email"] == {"S": "Josee.Cote@example.ca"}
    assert stored["sector"] == {"S": "clothing"} and stored["region"] == {"S": "04"}
    assert stored["employees"] == {"N": "12"} and stored["sells_online"] == {"BOOL": False}
    assert stored["privacy_notice_version"]["S"]
    assert stored["gsi1pk"] == {"S": "BRANCH#mauricie"}
    assert stored["gsi1sk"]["S"].endswith(f"#{reference}")
    assert (
        stored["gsi2pk"]["S"].startswith("EMAIL#") and "josee" not in stored["gsi2pk"]["S"].lower()
    )
    assert stored["created_at"]["S"].endswith("Z")
    assert stored["utm_source"] == {"S": "communique"}
    # Retention: created_at + program.yml privacy.retention_days.
    created = int(time.time())
    assert abs(int(stored["expires_at"]["N"]) - (created + 1095 * 86400)) < 60

    guard = dynamodb.get_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": "NEQ#1170000001"}, "sk": {"S": "NEQ"}}
    )["Item"]
    assert guard["reference"] == {"S": reference}
    assert len(items(dynamodb)) == 2


def test_form_post_in_english_answers_a_confirmation_page(dynamodb: Any) -> None:
    fields = as_form(valid_registration(language="en", branch="montreal"))
    response = post(form_event(PATH, fields))
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("text/html")
    page = response["body"]
    assert '<html lang="en">' in page
    assert "<title>Registration received – Virage numérique bleu</title>" in page
    assert '<h1 tabindex="-1" autofocus>' in page
    assert "ÉEQ – Montréal (main centre)" in page
    assert "<script" not in page
    (registration,) = [i for i in items(dynamodb) if i["sk"]["S"] == "REG"]
    assert registration["reference"]["S"] in page
    assert registration["language"] == {"S": "en"}
    assert registration["branch"] == {"S": "montreal"}


def test_form_post_in_french(dynamodb: Any) -> None:
    response = post(form_event(PATH, as_form(valid_registration())))
    assert response["statusCode"] == 200
    assert '<html lang="fr">' in response["body"]
    assert "Inscription reçue" in response["body"]


def test_language_comes_from_the_referer_when_not_chosen(dynamodb: Any) -> None:
    fields = as_form(valid_registration(language=None, email="not-an-email"))
    response = post(
        form_event(PATH, fields, headers={"referer": "https://vnb.example.org/en/register/"})
    )
    assert response["statusCode"] == 400
    assert '<html lang="en">' in response["body"]
    assert "<title>Error: Register for the program" in response["body"]


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"legal_name": None}, "legal_name", "required"),
        ({"legal_name": "   "}, "legal_name", "required"),
        ({"legal_name": "x" * 201}, "legal_name", "too_long"),
        ({"contact_name": "Jo\x07sée"}, "contact_name", "control_characters"),
        ({"neq": "11700"}, "neq", "neq_format"),
        ({"neq": None}, "neq", "required"),
        ({"employees": "beaucoup"}, "employees", "invalid_type"),
        ({"employees": -1}, "employees", "out_of_range"),
        ({"sector": "casino"}, "sector", "invalid_choice"),
        ({"region": "18"}, "region", "invalid_choice"),
        ({"branch": "paris"}, "branch", "invalid_choice"),
        ({"phone": "555-0123"}, "phone", "phone_format"),
        ({"email": "josee@"}, "email", "email_format"),
        ({"language": "es"}, "language", "invalid_choice"),
        ({"consent": False}, "consent", "consent_required"),
        ({"sells_online": "peut-être"}, "sells_online", "invalid_type"),
        ({"favourite_colour": "bleu"}, "favourite_colour", "unknown_field"),
        ({"legal_name": ["Boutique"]}, "legal_name", "invalid_type"),
    ],
)
def test_each_invalid_field_gets_a_400_with_messages_in_both_languages(
    dynamodb: Any, changes: dict[str, Any], field: str, code: str
) -> None:
    payload = valid_registration()
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    response = post(json_event(PATH, payload))
    assert response["statusCode"] == 400
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in errors_of(response)
    ]
    assert items(dynamodb) == []


def test_several_errors_come_back_together(dynamodb: Any) -> None:
    response = post(json_event(PATH, valid_registration(email="x", phone="1", neq="2")))
    assert {e["field"] for e in errors_of(response)} == {"email", "phone", "neq"}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"legal_name": "Boutique', "application/json", 400, "json_invalid"),
        ("[1, 2, 3]", "application/json", 400, "invalid_body"),
        ('"text"', "application/json", 400, "invalid_body"),
        ("<registration/>", "application/xml", 415, "unsupported_media_type"),
    ],
)
def test_malformed_bodies_are_4xx_never_5xx(
    dynamodb: Any, body: str, content_type: str, status: int, code: str
) -> None:
    response = post(http_event(PATH, body, content_type))
    assert response["statusCode"] == status
    assert code in [e["code"] for e in errors_of(response)]


def test_empty_body_is_a_400(dynamodb: Any) -> None:
    response = post(http_event(PATH, None))
    assert 400 <= response["statusCode"] < 500


def test_huge_body_is_refused_with_413_before_parsing(dynamodb: Any) -> None:
    response = post(json_event(PATH, valid_registration(legal_name="x" * 20_000)))
    assert response["statusCode"] == 413
    assert errors_of(response)[0]["code"] == "payload_too_large"
    huge_form = form_event(PATH, as_form(valid_registration(legal_name="x" * 20_000)))
    page = post(huge_form)
    assert page["statusCode"] == 413 and "<html" in page["body"]
    assert items(dynamodb) == []


def test_scripts_are_kept_as_text_and_escaped_on_the_page(dynamodb: Any) -> None:
    script = '<script>alert("x")</script>'
    response = post(form_event(PATH, as_form(valid_registration(legal_name=script, email="bad"))))
    assert response["statusCode"] == 400
    assert script not in response["body"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response["body"]
    stored = post(json_event(PATH, valid_registration(legal_name=script)))
    assert stored["statusCode"] == 201
    (item,) = [i for i in items(dynamodb) if i["sk"]["S"] == "REG"]
    assert item["legal_name"] == {"S": script}


def test_form_errors_page_has_a_linked_summary_and_keeps_the_values(dynamodb: Any) -> None:
    fields = as_form(valid_registration(email="josee@", phone="12"))
    del fields["consent"]
    response = post(form_event(PATH, fields))
    page = response["body"]
    assert response["statusCode"] == 400
    assert "<title>Erreur\u00a0: Inscription au programme – Virage numérique bleu</title>" in page
    assert 'class="vnb-error-summary" role="alert"' in page
    summary = page.split('class="vnb-error-summary"')[1].split("</div>")[0]
    for anchor in ('href="#reg-email"', 'href="#reg-phone"', 'href="#reg-consent"'):
        assert anchor in summary
    # Each summary line names its field: "Ce champ est obligatoire" alone would not say which.
    assert ">Courriel\u00a0: " in summary and ">Téléphone\u00a0: " in summary
    assert 'id="reg-email"' in page and 'id="reg-consent"' in page
    assert 'id="reg-email-error"' in page and 'aria-invalid="true"' in page
    assert 'value="josee@"' in page and 'value="Boutique Élan inc."' in page
    assert '<option value="04" selected>' in page
    assert "<script" not in page
    assert items(dynamodb) == []


# --- one registration per business -----------------------------------------------------


def test_second_registration_for_the_same_neq_is_refused_without_revealing_the_first(
    dynamodb: Any,
) -> None:
    first = response_json(post(json_event(PATH, valid_registration())))
    other = valid_registration(
        legal_name="Autre nom", contact_name="Luc Roy", email="luc@example.ca", neq="117 000 0001"
    )
    response = post(json_event(PATH, other))
    assert response["statusCode"] == 409
    assert [e["code"] for e in errors_of(response)] == ["duplicate_neq"]
    for secret in (first["reference"], "Élan", "Josée", "Josee", "8195550142"):
        assert secret not in response["body"]
    assert len([i for i in items(dynamodb) if i["sk"]["S"] == "REG"]) == 1


def test_concurrent_submissions_for_one_neq_exactly_one_wins(dynamodb: Any) -> None:
    from forms_api.handlers import registration  # imported before the threads race

    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit(email: str) -> None:
        event = json_event(PATH, valid_registration(email=email))
        barrier.wait()
        statuses.append(registration.lambda_handler(event, FakeContext())["statusCode"])

    threads = [threading.Thread(target=submit, args=(f"person{n}@example.ca",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    kinds = sorted(i["sk"]["S"] for i in items(dynamodb))
    assert kinds == ["NEQ", "REG"]


def test_a_retried_submission_returns_the_same_reference_and_stores_once(dynamodb: Any) -> None:
    first = post(json_event(PATH, valid_registration()))
    again = post(json_event(PATH, valid_registration()))
    assert first["statusCode"] == again["statusCode"] == 201
    assert response_json(first)["reference"] == response_json(again)["reference"]
    assert len(items(dynamodb)) == 2  # the registration and its NEQ guard
    assert len(items(dynamodb, "IdempotencyTable")) == 1


def test_a_double_clicked_form_post_shows_the_same_reference(dynamodb: Any) -> None:
    fields = as_form(valid_registration())
    pages = [post(form_event(PATH, fields))["body"] for _ in range(2)]
    (item,) = [i for i in items(dynamodb) if i["sk"]["S"] == "REG"]
    assert all(item["reference"]["S"] in page for page in pages)


# --- eligibility and phases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"employees": 100}, "employees", "ineligible_employees"),
        ({"sector": "restaurant"}, "sector", "ineligible_sector"),
    ],
)
def test_ineligible_business_gets_a_polite_answer_and_nothing_is_stored(
    dynamodb: Any, changes: dict[str, Any], field: str, code: str
) -> None:
    response = post(json_event(PATH, valid_registration(**changes)))
    assert response["statusCode"] == 422
    assert errors_of(response)[0]["field"] == field and errors_of(response)[0]["code"] == code
    page = post(form_event(PATH, as_form(valid_registration(language="en", **changes))))
    assert page["statusCode"] == 422
    assert "The program cannot coach your business" in page["body"]
    assert items(dynamodb) == [] and items(dynamodb, "IdempotencyTable") == []


def test_waitlist_phase_stores_a_shorter_entry(dynamodb: Any, forms_env: Path) -> None:
    set_phase(forms_env, "waitlist")
    payload = valid_registration(neq=None, sector=None, employees=None, sells_online=None)
    response = post(json_event(PATH, payload))
    assert response["statusCode"] == 201
    assert response_json(response)["kind"] == "waitlist"
    (item,) = items(dynamodb)
    assert item["kind"] == {"S": "waitlist"}
    assert not {"neq", "sector", "employees", "sells_online"} & set(item)
    assert {
        "legal_name",
        "region",
        "branch",
        "contact_name",
        "email",
        "phone",
        "gsi1pk",
        "gsi2pk",
        "expires_at",
    } <= set(item)


def test_waitlist_form_post_answers_in_the_visitors_language(
    dynamodb: Any, forms_env: Path
) -> None:
    set_phase(forms_env, "waitlist")
    fields = as_form(
        valid_registration(neq=None, sector=None, employees=None, sells_online=None, language="en")
    )
    page = post(form_event(PATH, fields))["body"]
    assert "You are on the callback list" in page


def test_closed_phase_refuses_and_stores_nothing(dynamodb: Any, forms_env: Path) -> None:
    set_phase(forms_env, "closed")
    response = post(json_event(PATH, valid_registration()))
    assert response["statusCode"] == 403
    assert errors_of(response)[0]["code"] == "program_closed"
    assert items(dynamodb) == []


# --- spam defences ---------------------------------------------------------------------


def test_honeypot_and_too_fast_posts_are_refused_politely(dynamodb: Any) -> None:
    trapped = post(json_event(PATH, valid_registration(website="https://spam.example")))
    assert trapped["statusCode"] == 400
    assert errors_of(trapped)[0]["code"] == "submission_refused"
    fast = post(json_event(PATH, valid_registration(form_rendered_at=int(time.time()))))
    assert errors_of(fast)[0]["code"] == "submission_too_fast"
    page = post(form_event(PATH, as_form(valid_registration(form_rendered_at=int(time.time())))))
    assert page["statusCode"] == 400 and "Envoi non accepté" in page["body"]
    assert items(dynamodb) == []
    human = post(json_event(PATH, valid_registration(form_rendered_at=int(time.time()) - 90)))
    assert human["statusCode"] == 201


# --- DynamoDB failure ------------------------------------------------------------------


def test_throttled_dynamodb_gives_503_and_nothing_half_written(dynamodb: Any) -> None:
    from forms_api.repository import dynamodb_client

    def throttle(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
            "TransactWriteItems",
        )

    dynamodb_client().meta.events.register("before-call.dynamodb.TransactWriteItems", throttle)
    response = post(json_event(PATH, valid_registration()))
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"]
    assert errors_of(response)[0]["code"] == "storage_unavailable"
    page = post(form_event(PATH, as_form(valid_registration())))
    assert page["statusCode"] == 503 and "Rien n’a été enregistré" in page["body"]
    assert items(dynamodb) == []
    assert items(dynamodb, "IdempotencyTable") == []  # the retry will not be blocked
    dynamodb_client().meta.events.unregister("before-call.dynamodb.TransactWriteItems", throttle)
    assert post(json_event(PATH, valid_registration()))["statusCode"] == 201


# --- logs and metrics ------------------------------------------------------------------


def test_logs_of_full_submissions_hold_no_personal_data(
    dynamodb: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from forms_api.handlers import runtime

    # The Logger's handler holds the stdout of import time: point it at a buffer.
    buffer = io.StringIO()
    previous = runtime.logger.registered_handler.setStream(buffer)  # type: ignore[attr-defined]
    payload = valid_registration()
    post(json_event(PATH, payload))
    post(json_event(PATH, payload))
    post(json_event(PATH, valid_registration(email="autre@example.ca")))  # duplicate
    post(form_event(PATH, as_form(valid_registration(neq="2234567890", email="bad"))))
    post(json_event(PATH, valid_registration(neq="3334567890", employees=150)))
    runtime.logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]
    output = buffer.getvalue() + capsys.readouterr().out
    assert '"registration stored"' in output  # the logs were captured
    for personal in (
        "Boutique",
        "Élan",
        "Josée",
        "Côté",
        "Josee",
        "example.ca",
        "819",
        "555-0142",
        "1170000001",
        "2234567890",
        "3334567890",
    ):
        assert personal not in output, personal


def test_metrics_count_each_outcome(dynamodb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    post(json_event(PATH, valid_registration()))
    post(json_event(PATH, valid_registration(email="b@example.ca")))
    post(json_event(PATH, valid_registration(neq="2234567890", employees=500)))
    post(json_event(PATH, valid_registration(neq="x")))
    names = set()
    for line in capsys.readouterr().out.splitlines():
        if line.startswith('{"_aws"'):
            record = json.loads(line)
            directive = record["_aws"]["CloudWatchMetrics"][0]
            assert directive["Namespace"] == "VirageNumeriqueBleu"
            names |= {m["Name"] for m in directive["Metrics"]}
    assert {
        "registration_registered",
        "registration_duplicate",
        "registration_ineligible",
        "registration_invalid",
    } <= names


def test_an_unexpected_error_is_a_bilingual_500_without_details(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.handlers import registration

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("bug with Josée's data")

    monkeypatch.setattr(registration, "register", broken)
    response = post(json_event(PATH, valid_registration()))
    assert response["statusCode"] == 500
    assert [e["code"] for e in errors_of(response)] == ["internal_error"]
    assert "Josée" not in response["body"] and "bug" not in response["body"]


def test_a_reference_collision_draws_a_new_reference(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.domain import registration as rules_module

    drawn = iter(["VNB-AAAA-AAAA", "VNB-AAAA-AAAA", "VNB-BBBB-BBBB"])
    monkeypatch.setattr(rules_module, "new_reference", lambda: next(drawn))
    first = post(json_event(PATH, valid_registration()))
    second = post(json_event(PATH, valid_registration(neq="2234567890", email="b@example.ca")))
    assert response_json(first)["reference"] == "VNB-AAAA-AAAA"
    assert response_json(second)["reference"] == "VNB-BBBB-BBBB"
    # The cancelled transaction left no NEQ guard behind for the second business.
    guards = [i["reference"]["S"] for i in items(dynamodb) if i["sk"]["S"] == "NEQ"]
    assert sorted(guards) == ["VNB-AAAA-AAAA", "VNB-BBBB-BBBB"]


def test_access_patterns_without_scan(dynamodb: Any) -> None:
    mauricie = response_json(post(json_event(PATH, valid_registration())))["reference"]
    post(json_event(PATH, valid_registration(neq="2234567890", email="b@example.ca", region="06")))
    table = TABLES["ProgramTable"]
    by_branch = dynamodb.query(
        TableName=table,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :b",
        ExpressionAttributeValues={":b": {"S": "BRANCH#mauricie"}},
    )["Items"]
    assert [i["reference"]["S"] for i in by_branch] == [mauricie]
    from forms_api.keys import email_partition

    by_person = dynamodb.query(
        TableName=table,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :e",
        ExpressionAttributeValues={":e": {"S": email_partition("josee.cote@example.ca")}},
    )["Items"]
    assert [i["pk"]["S"] for i in by_person] == [f"REG#{mauricie}"]


def test_pages_link_the_sites_stylesheet_only_when_configured(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.settings import get_settings

    plain = post(form_event(PATH, as_form(valid_registration(email="x"))))["body"]
    assert 'rel="stylesheet"' not in plain and "<style>" in plain
    monkeypatch.setenv("SITE_STYLESHEET", "/{lang}/assets/vnb.css")
    get_settings.cache_clear()
    linked = post(form_event(PATH, as_form(valid_registration(email="x", language="en"))))["body"]
    assert '<link rel="stylesheet" href="/en/assets/vnb.css">' in linked
