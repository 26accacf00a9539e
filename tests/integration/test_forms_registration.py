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
    check_page,
    check_then_send_form,
    check_then_send_json,
    follow,
    form_event,
    get_event,
    hidden_fields,
    http_event,
    json_event,
    response_json,
    valid_registration,
)
from forms_support import TABLES, set_phase

PATH = "/registrations"
SEND = "/registrations/send"


def post(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import registration

    return registration.lambda_handler(event, FakeContext())


def send(payload: dict[str, Any]) -> dict[str, Any]:
    """A JSON client's registration: the check step, then the same values with its token."""
    return check_then_send_json(post, PATH, payload)


def send_form(fields: dict[str, Any]) -> dict[str, Any]:
    """A browser's registration: form, "check your answers", Send, then the confirmation
    page the 303 leads to."""
    return follow(check_then_send_form(post, PATH, fields), post)


def registrations(client: Any) -> list[dict[str, Any]]:
    return [i for i in items(client) if i["sk"]["S"] == "REG"]


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
    response = send(valid_registration())
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

    # Unconfirmed: the NEQ is claimed only once the e-mail address is confirmed.
    assert stored["status"] == {"S": "unconfirmed"}
    assert len(registrations(dynamodb)) == 1
    assert body["confirmation_url"].startswith("/api/registrations/confirmation?token=")


def test_form_post_in_english_checks_then_redirects_to_a_confirmation_page(dynamodb: Any) -> None:
    fields = as_form(valid_registration(language="en", branch="montreal"))
    posted = post(form_event(PATH, fields))
    # The check page has its own address too: Back from the confirmation never re-posts.
    assert posted["statusCode"] == 303
    assert posted["headers"]["Location"].startswith("/api/registrations/check?token=")
    check = follow(posted, post)
    assert check["statusCode"] == 200
    assert "Check your answers" in check["body"] and "ÉEQ – Montréal (main centre)" in check["body"]
    assert "819 555-0142" in check["body"]  # as people read their number
    assert registrations(dynamodb) == []  # nothing stored before Send
    assert follow(posted, post)["body"] == check["body"]  # Back to it, or a reload: the same
    token = hidden_fields(check["body"])["form_token"]
    sent = post(form_event(SEND, {"form_token": token, "step": "send"}))
    # Post/Redirect/Get: a reload or Back never posts again.
    assert sent["statusCode"] == 303 and sent["body"] == ""
    location = sent["headers"]["Location"]
    (registration,) = registrations(dynamodb)
    reference = registration["reference"]["S"]
    # The confirmation's own address reveals nothing: no reference, no personal data.
    for secret in (reference, "Josee", "example", "819", "1170000001"):
        assert secret.lower() not in location.lower()
    response = follow(sent, post)
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("text/html")
    page = response["body"]
    assert '<html lang="en">' in page
    assert "<title>Registration received – Virage numérique bleu</title>" in page
    assert '<h1 id="vnb-answer" tabindex="-1" autofocus>' in page
    assert "ÉEQ – Montréal (main centre)" in page
    assert "<script" not in page
    assert reference in page
    assert "J•••@example.ca" in page  # where the confirmation e-mail went, masked
    assert registration["language"] == {"S": "en"}
    assert registration["branch"] == {"S": "montreal"}
    # Reloading the confirmation shows it again and stores nothing more.
    assert follow(sent, post)["body"] == page
    assert len(registrations(dynamodb)) == 1


def test_form_post_in_french(dynamodb: Any) -> None:
    response = send_form(as_form(valid_registration()))
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
        ({"employees": "beaucoup"}, "employees", "employees_format"),
        ({"employees": "5,5"}, "employees", "employees_format"),
        ({"employees": "12 employés"}, "employees", "employees_format"),
        ({"employees": True}, "employees", "employees_format"),
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
    check = check_page(post, PATH, as_form(valid_registration(legal_name=script)))
    assert script not in check["body"] and "&lt;script&gt;" in check["body"]
    stored = send(valid_registration(legal_name=script))
    assert stored["statusCode"] == 201
    (item,) = registrations(dynamodb)
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


def confirm(reference: str) -> dict[str, Any]:
    """The confirmation e-mail's link, as the notifier signs it, followed by the merchant."""
    from forms_api.handlers import registration

    token = registration.email_confirmation_token(reference)
    return post(get_event("/registrations/confirm", {"token": token}))


def test_a_stranger_typing_a_neq_first_blocks_nobody_and_learns_nothing(dynamodb: Any) -> None:
    squatter = send(valid_registration(email="inconnu@example.ca"))
    owner_payload = valid_registration(
        legal_name="Autre nom", contact_name="Luc Roy", email="luc@example.ca", neq="117 000 0001"
    )
    owner = send(owner_payload)
    # The second registration of the NEQ reads exactly like the first: stored, 201.
    assert squatter["statusCode"] == owner["statusCode"] == 201
    assert response_json(squatter).keys() == response_json(owner).keys()
    for secret in (response_json(squatter)["reference"], "inconnu"):
        assert secret not in owner["body"]
    # The real owner confirms their address first: they hold the NEQ.
    owner_ref = response_json(owner)["reference"]
    page = confirm(owner_ref)
    assert page["statusCode"] == 200 and "Votre adresse courriel est confirmée" in page["body"]
    guard = dynamodb.get_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": "NEQ#1170000001"}, "sk": {"S": "NEQ"}}
    )["Item"]
    assert guard["reference"] == {"S": owner_ref}
    # The stranger's confirmation (had they a real mailbox) is kept for staff review.
    squatter_ref = response_json(squatter)["reference"]
    late = confirm(squatter_ref)
    assert late["statusCode"] == 200 and "Votre adresse courriel est confirmée" in late["body"]
    by_ref = {i["reference"]["S"]: i for i in registrations(dynamodb)}
    assert by_ref[owner_ref]["status"] == {"S": "confirmed"}
    assert by_ref[squatter_ref]["status"] == {"S": "possible_duplicate"}
    assert by_ref[squatter_ref]["duplicate_of"] == {"S": owner_ref}
    # A second click on a link changes nothing.
    assert confirm(owner_ref)["statusCode"] == 200
    assert by_ref.keys() == {i["reference"]["S"] for i in registrations(dynamodb)}


def test_concurrent_confirmations_of_one_neq_exactly_one_claims_it(dynamodb: Any) -> None:
    from forms_api.handlers import registration  # imported before the threads race

    references = [
        response_json(send(valid_registration(email=f"person{n}@example.ca")))["reference"]
        for n in range(2)
    ]
    tokens = [registration.email_confirmation_token(r) for r in references]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def click(token: str) -> None:
        event = get_event("/registrations/confirm", {"token": token})
        barrier.wait()
        statuses.append(registration.lambda_handler(event, FakeContext())["statusCode"])

    threads = [threading.Thread(target=click, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    status = sorted(i["status"]["S"] for i in registrations(dynamodb))
    assert status == ["confirmed", "possible_duplicate"]
    assert len([i for i in items(dynamodb) if i["sk"]["S"] == "NEQ"]) == 1


def test_a_forged_or_expired_link_claims_nothing(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.handlers import registration, runtime

    reference = response_json(send(valid_registration()))["reference"]
    token = registration.email_confirmation_token(reference)
    payload, _, signature = token.partition(".")
    forged = post(get_event("/registrations/confirm", {"token": payload + "." + signature[::-1]}))
    assert forged["statusCode"] == 400 and "<html" in forged["body"]
    later = runtime.now().timestamp() + 8 * 86400
    from datetime import UTC, datetime

    monkeypatch.setattr(runtime, "now", lambda: datetime.fromtimestamp(later, UTC))
    expired = post(get_event("/registrations/confirm", {"token": token}))
    assert expired["statusCode"] == 410
    assert [i["status"]["S"] for i in registrations(dynamodb)] == ["unconfirmed"]
    assert not [i for i in items(dynamodb) if i["sk"]["S"] == "NEQ"]


def test_a_retried_submission_returns_the_same_reference_and_stores_once(dynamodb: Any) -> None:
    first = send(valid_registration())
    again = send(valid_registration())
    assert first["statusCode"] == again["statusCode"] == 201
    assert response_json(first)["reference"] == response_json(again)["reference"]
    assert len(registrations(dynamodb)) == 1
    assert len(items(dynamodb, "IdempotencyTable")) == 1


def test_a_double_clicked_send_shows_the_same_reference(dynamodb: Any) -> None:
    check = check_page(post, PATH, as_form(valid_registration()))
    fields = {"form_token": hidden_fields(check["body"])["form_token"], "step": "send"}
    pages = [follow(post(form_event(SEND, fields)), post)["body"] for _ in range(2)]
    (item,) = registrations(dynamodb)
    assert all(item["reference"]["S"] in page for page in pages)


def test_every_click_of_a_double_click_storm_gets_the_same_answer(dynamodb: Any) -> None:
    from forms_api.handlers import registration  # imported before the threads race

    check = post(json_event(PATH, valid_registration()))
    token = response_json(check)["form_token"]
    event = json_event(SEND, {"form_token": token})
    barrier = threading.Barrier(12)
    answers: list[tuple[int, str]] = []

    def click() -> None:
        barrier.wait()
        response = registration.lambda_handler(event, FakeContext())
        answers.append((response["statusCode"], response_json(response).get("reference", "")))

    threads = [threading.Thread(target=click) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1, answers
    assert answers[0][0] == 201
    assert len(registrations(dynamodb)) == 1


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
    # A typo can cause this refusal: the way back to the form keeps every value.
    kept = hidden_fields(page["body"])
    assert kept["legal_name"] == "Boutique Élan inc." and kept["email"] == "Josee.Cote@Example.CA"
    edit = post(form_event(PATH, {**kept, "step": "edit"}))
    assert edit["statusCode"] == 200 and 'value="Boutique Élan inc."' in edit["body"]
    assert "vnb-error-summary" not in edit["body"]
    assert items(dynamodb) == [] and items(dynamodb, "IdempotencyTable") == []


def test_waitlist_phase_stores_a_shorter_entry(dynamodb: Any, forms_env: Path) -> None:
    set_phase(forms_env, "waitlist")
    payload = valid_registration(neq=None, sector=None, employees=None, sells_online=None)
    response = send(payload)
    assert response["statusCode"] == 201
    assert response_json(response)["kind"] == "waitlist"
    (item,) = registrations(dynamodb)
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
    page = send_form(fields)["body"]
    assert "You are on the callback list" in page


def test_a_page_of_the_open_phase_posting_in_the_waitlist_phase_keeps_what_was_typed(
    dynamodb: Any, forms_env: Path
) -> None:
    from content_model import cached_content

    open_page_version = cached_content(forms_env).version
    set_phase(forms_env, "waitlist")
    fields = {**as_form(valid_registration()), "content_version": open_page_version}
    response = post(form_event(PATH, fields))
    assert response["statusCode"] == 409
    assert "Le formulaire a changé" in response["body"]
    # Nothing silently dropped: every value typed is back in the (current) form.
    assert 'value="Boutique Élan inc."' in response["body"]
    json_response = post(json_event(PATH, valid_registration()))
    assert [e["code"] for e in errors_of(json_response)] == ["form_changed"]
    assert items(dynamodb) == []


def test_closed_phase_refuses_and_stores_nothing(dynamodb: Any, forms_env: Path) -> None:
    set_phase(forms_env, "closed")
    response = post(json_event(PATH, valid_registration()))
    assert response["statusCode"] == 403
    assert errors_of(response)[0]["code"] == "program_closed"
    assert items(dynamodb) == []


# --- spam defences ---------------------------------------------------------------------


def test_honeypot_is_refused_politely(dynamodb: Any) -> None:
    trapped = post(json_event(PATH, valid_registration(website="https://spam.example")))
    assert trapped["statusCode"] == 400
    assert errors_of(trapped)[0]["code"] == "submission_refused"
    page = post(form_event(PATH, as_form(valid_registration(website="x"))))
    assert page["statusCode"] == 400 and "Envoi non accepté" in page["body"]
    assert items(dynamodb) == []


def test_the_timing_check_is_signed_by_the_server(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is stored without Send's token, signed by the server when the check page
    was shown: a missing, forged, future, expired or too recent token stores nothing and
    gets a human answer."""
    from datetime import UTC, datetime

    from forms_api.domain import tokens
    from forms_api.handlers import runtime
    from forms_api.settings import get_settings

    monkeypatch.setenv("MIN_FILL_SECONDS", "3")
    get_settings.cache_clear()
    clock = [datetime(2026, 12, 1, 10, 0, tzinfo=UTC)]
    monkeypatch.setattr(runtime, "now", lambda: clock[0])

    def sent(body: dict[str, Any]) -> tuple[int, list[str]]:
        response = post(json_event(SEND, body))
        codes = [e["code"] for e in response_json(response).get("errors", [])]
        return response["statusCode"], codes

    payload = valid_registration()
    token = response_json(post(json_event(PATH, payload)))["form_token"]
    assert sent({})[0] == 400  # missing
    assert sent({"form_token": token}) == (425, ["submission_too_fast"])
    now = int(clock[0].timestamp())
    for forged in (
        tokens.sign(tokens.SigningKey("local", b"someone else's"), "registration-check", now, 60),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        token.replace(".", ".x", 1),
        "not a token",
    ):
        assert sent({"form_token": forged}) == (400, ["link_invalid"]), forged
    # Signed with the right key but issued in the future: still too early.
    future = tokens.sign(runtime_key(), "registration-check", now + 3600, 7200, d="x", l="fr")
    assert sent({"form_token": future})[0] in (410, 425)
    page = post(form_event(SEND, {"form_token": token, "step": "send"}))
    assert page["statusCode"] == 303 and "notice=submission_too_fast" in page["headers"]["Location"]
    assert "Le formulaire a été envoyé trop vite" in follow(page, post)["body"]
    clock[0] = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # three hours later: expired
    assert sent({"form_token": token}) == (410, ["check_expired"])
    assert registrations(dynamodb) == []
    clock[0] = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)  # five seconds after the check
    assert post(json_event(SEND, {"form_token": token}))["statusCode"] == 201
    assert len(registrations(dynamodb)) == 1


def runtime_key() -> Any:
    from forms_api.signing import current_key

    return current_key()


# --- DynamoDB failure ------------------------------------------------------------------


def test_throttled_dynamodb_gives_503_and_nothing_half_written(dynamodb: Any) -> None:
    from forms_api.repository import dynamodb_client

    def throttle(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
            "PutItem",
        )

    check = post(json_event(PATH, valid_registration()))
    token = response_json(check)["form_token"]
    form_check = check_page(post, PATH, as_form(valid_registration()))
    form_token = hidden_fields(form_check["body"])["form_token"]
    dynamodb_client().meta.events.register("before-call.dynamodb.PutItem", throttle)
    response = post(json_event(SEND, {"form_token": token}))
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"]
    assert errors_of(response)[0]["code"] == "storage_unavailable"
    page = post(form_event(SEND, {"form_token": form_token, "step": "send"}))
    assert page["statusCode"] == 503 and "Rien n’a été enregistré" in page["body"]
    dynamodb_client().meta.events.unregister("before-call.dynamodb.PutItem", throttle)
    assert registrations(dynamodb) == []
    assert items(dynamodb, "IdempotencyTable") == []  # the retry will not be blocked
    assert post(json_event(SEND, {"form_token": token}))["statusCode"] == 201


# --- logs and metrics ------------------------------------------------------------------


def test_logs_of_full_submissions_hold_no_personal_data(
    dynamodb: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from forms_api.handlers import runtime

    # The Logger's handler holds the stdout of import time: point it at a buffer.
    buffer = io.StringIO()
    previous = runtime.logger.registered_handler.setStream(buffer)  # type: ignore[attr-defined]
    payload = valid_registration()
    send(payload)
    send(payload)
    send(valid_registration(email="autre@example.ca"))  # same NEQ
    send_form(as_form(valid_registration(neq="4434567890", email="luc@example.ca")))
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
        "4434567890",
    ):
        assert personal not in output, personal


def test_metrics_count_each_outcome(dynamodb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    send(valid_registration())
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
        "registration_checked",
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
    response = send(valid_registration())
    assert response["statusCode"] == 500
    assert [e["code"] for e in errors_of(response)] == ["internal_error"]
    assert "Josée" not in response["body"] and "bug" not in response["body"]
    # A person (a form post) gets a page in their language, never JSON.
    page = check_then_send_form(post, PATH, as_form(valid_registration(language="en")))
    assert page["statusCode"] == 500
    assert page["headers"]["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in page["body"] and "unexpected error" in page["body"]
    assert "bug" not in page["body"]


def test_a_reference_collision_draws_a_new_reference(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.domain import registration as rules_module

    drawn = iter(["VNB-AAAA-AAAA", "VNB-AAAA-AAAA", "VNB-BBBB-BBBB"])
    monkeypatch.setattr(rules_module, "new_reference", lambda: next(drawn))
    first = send(valid_registration())
    second = send(valid_registration(neq="2234567890", email="b@example.ca"))
    assert response_json(first)["reference"] == "VNB-AAAA-AAAA"
    assert response_json(second)["reference"] == "VNB-BBBB-BBBB"
    stored = {i["reference"]["S"]: i["email"]["S"] for i in registrations(dynamodb)}
    assert stored == {"VNB-AAAA-AAAA": "Josee.Cote@example.ca", "VNB-BBBB-BBBB": "b@example.ca"}


def test_access_patterns_without_scan(dynamodb: Any) -> None:
    mauricie = response_json(send(valid_registration()))["reference"]
    send(valid_registration(neq="2234567890", email="b@example.ca", region="06"))
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


def test_answer_pages_are_pages_of_the_site_when_its_shell_is_there(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from forms_api.settings import get_settings

    shell = tmp_path / "shell"
    shell.mkdir()
    for lang in ("fr", "en"):
        (shell / f"{lang}.html").write_text(
            f'<html lang="{lang}"><title>{{% block title %}}{{% endblock %}}</title>'
            '<header>SITE HEADER <a href="{{ switch_href }}">switch</a></header>'
            "<main>{% block main %}{% endblock %}</main><footer>SITE FOOTER</footer></html>",
            encoding="utf-8",
        )
    monkeypatch.setenv("SITE_SHELL_DIR", str(shell))
    get_settings.cache_clear()
    page = post(form_event(PATH, as_form(valid_registration(email="x", language="en"))))["body"]
    assert page.startswith('<html lang="en">') and "SITE HEADER" in page and "SITE FOOTER" in page
    # The language switch goes to the equivalent form in the other language.
    assert '<a href="/fr/inscription/">switch</a>' in page
    assert "<title>Error: Register for the program – Virage numérique bleu</title>" in page


def test_after_a_privacy_erasure_a_resubmission_is_stored_again(dynamodb: Any) -> None:
    """Within the idempotency window, a resubmission must not answer 201 with the erased
    reference while storing nothing: the erasure deletes the idempotency record too."""
    from staff import privacy
    from staff.dynamo import DynamoStaffStore

    first = response_json(send(valid_registration()))["reference"]
    (stored,) = registrations(dynamodb)
    record_id = stored["idempotency_key"]["S"]
    ids = [i["id"]["S"] for i in items(dynamodb, "IdempotencyTable")]
    assert record_id in ids  # the registration names the very record that remembers it

    store = DynamoStaffStore(
        TABLES["ProgramTable"],
        region="ca-central-1",
        idempotency_table=TABLES["IdempotencyTable"],
    )
    findings = privacy.find(store, privacy.Lookup(email="josee.cote@example.ca"))
    privacy.erase(store, findings)
    assert registrations(dynamodb) == []
    assert items(dynamodb, "IdempotencyTable") == []

    again = send(valid_registration())
    assert again["statusCode"] == 201
    second = response_json(again)["reference"]
    assert second != first
    assert [i["reference"]["S"] for i in registrations(dynamodb)] == [second]


def test_the_api_answers_only_requests_that_came_through_the_edge(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.settings import get_settings

    monkeypatch.setenv("ORIGIN_KEY", "the-edge-says-so")
    get_settings.cache_clear()
    direct = post(json_event(PATH, valid_registration()))
    assert direct["statusCode"] == 403
    forged = post(json_event(PATH, valid_registration(), headers={"x-vnb-origin": "guess"}))
    assert forged["statusCode"] == 403
    edge = {"x-vnb-origin": "the-edge-says-so"}
    through = post(json_event(PATH, valid_registration(), headers=edge))
    assert through["statusCode"] == 200
    assert registrations(dynamodb) == []


def test_html_answers_carry_the_sites_security_headers(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.settings import get_settings

    monkeypatch.setenv("CONTENT_SECURITY_POLICY", "default-src 'self';\n  object-src 'none'")
    get_settings.cache_clear()
    page = post(form_event(PATH, as_form(valid_registration(email="x"))))
    headers = page["headers"]
    assert headers["Content-Security-Policy"] == "default-src 'self'; object-src 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
