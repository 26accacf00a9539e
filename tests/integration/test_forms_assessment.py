"""`POST /assessments` on moto, the OpenAPI document, and the form partials."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from forms_events import (
    FakeContext,
    check_then_send_json,
    follow,
    form_event,
    json_event,
    response_json,
    valid_registration,
)
from forms_support import REPO, TABLES

PATH = "/assessments"


def post(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import assessment

    return assessment.lambda_handler(event, FakeContext())


def questionnaire(data_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((data_dir / "assessment.yml").read_text(encoding="utf-8")))


def answers(data_dir: Path, pick: int = 0) -> dict[str, str]:
    """Option `pick` of every question (0: the first, -1: the last)."""
    return {
        q["id"]: q["options"][pick]["code"]
        for d in questionnaire(data_dir)["dimensions"]
        for q in d["questions"]
    }


def items(client: Any) -> list[dict[str, Any]]:
    return client.scan(TableName=TABLES["ProgramTable"])["Items"]


def test_json_assessment_is_scored_and_stored_alone(dynamodb: Any, forms_env: Path) -> None:
    response = post(json_event(PATH, {"answers": answers(forms_env, -1), "language": "en"}))
    assert response["statusCode"] == 201
    body = response_json(response)
    assert body["score"] == 100 and body["level"] == "advanced"
    assert len(body["dimensions"]) == len(questionnaire(forms_env)["dimensions"])
    first = questionnaire(forms_env)["dimensions"][0]
    assert body["dimensions"][0]["recommendation"] == first["recommendations"]["advanced"]["en"]
    (item,) = items(dynamodb)
    assert item["pk"]["S"].startswith("ASM#") and item["sk"] == {"S": "ASM"}
    assert item["kind"] == {"S": "assessment"}
    assert item["questionnaire_version"] == {"S": questionnaire(forms_env)["version"]}
    assert item["answers"]["M"]["website"] == {"S": answers(forms_env, -1)["website"]}
    assert item["scores"]["M"]["ecommerce"] == {"N": "100"}
    assert int(item["expires_at"]["N"]) > 0


def test_assessment_linked_to_a_registration(dynamodb: Any) -> None:
    from forms_api.handlers import registration

    def register(event: dict[str, Any]) -> dict[str, Any]:
        return dict(registration.lambda_handler(event, FakeContext()))

    registered = check_then_send_json(register, "/registrations", valid_registration())
    reference = response_json(registered)["reference"]
    typed = reference.lower().replace("-", " ")  # as someone types it from a phone call
    response = post(json_event(PATH, {"answers": answers(_data()), "reference": typed}))
    assert response["statusCode"] == 201
    assert response_json(response)["reference"] == reference
    linked = dynamodb.query(
        TableName=TABLES["ProgramTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :asm)",
        ExpressionAttributeValues={":pk": {"S": f"REG#{reference}"}, ":asm": {"S": "ASM#"}},
    )["Items"]
    assert len(linked) == 1 and linked[0]["reference"] == {"S": reference}


def _data() -> Path:
    import os

    return Path(os.environ["CONTENT_DATA_DIR"])


def test_unknown_reference_is_a_field_error(dynamodb: Any, forms_env: Path) -> None:
    response = post(json_event(PATH, {"answers": answers(forms_env), "reference": "VNB-2222-3333"}))
    assert response["statusCode"] == 400
    assert [(e["field"], e["code"]) for e in response_json(response)["errors"]] == [
        ("reference", "unknown_reference")
    ]
    assert items(dynamodb) == []


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ("drop_first", "answers.business_listing", "answer_required"),
        ("bad_option", "answers.business_listing", "invalid_choice"),
        ("extra_question", "answers.horoscope", "unknown_field"),
        ("bad_reference", "reference", "reference_format"),
        ("extra_field", "colour", "unknown_field"),
        ("answers_as_list", "answers", "invalid_type"),
    ],
)
def test_invalid_assessments_get_400_per_field(
    dynamodb: Any, forms_env: Path, change: str, field: str, code: str
) -> None:
    payload: dict[str, Any] = {"answers": answers(forms_env)}
    if change == "drop_first":
        del payload["answers"]["business_listing"]
    elif change == "bad_option":
        payload["answers"]["business_listing"] = "maybe"
    elif change == "extra_question":
        payload["answers"]["horoscope"] = "aries"
    elif change == "bad_reference":
        payload["reference"] = "12345"
    elif change == "extra_field":
        payload["colour"] = "blue"
    elif change == "answers_as_list":
        payload["answers"] = ["a", "b"]
    response = post(json_event(PATH, payload))
    assert response["statusCode"] == 400
    errors = response_json(response)["errors"]
    assert (field, code) in [(e["field"], e["code"]) for e in errors]
    assert all(e["message"]["fr"] and e["message"]["en"] for e in errors)
    assert items(dynamodb) == []


def test_form_post_shows_the_result_page(dynamodb: Any, forms_env: Path) -> None:
    fields = {f"answers.{qid}": code for qid, code in answers(forms_env).items()}
    fields["language"] = "fr"
    sent = post(form_event(PATH, fields))
    # Post/Redirect/Get: the result has its own address; a reload never posts again.
    assert sent["statusCode"] == 303
    assert sent["headers"]["Location"].startswith("/api/assessments/result?token=")
    response = follow(sent, post)
    assert response["statusCode"] == 200
    page = response["body"]
    assert '<html lang="fr">' in page and "Résultat de votre bilan numérique" in page
    assert "Premiers pas – 0 / 100" in page
    first = questionnaire(forms_env)["dimensions"][0]
    assert first["recommendations"]["starting"]["fr"].replace("'", "&#39;") in page
    # Not linked to a registration: the page says no branch receives it, and how to register.
    assert "aucune succursale ne le reçoit" in page and 'href="/fr/inscription/"' in page
    assert follow(sent, post)["body"] == page
    assert len(items(dynamodb)) == 1


def test_incomplete_form_post_comes_back_with_linked_errors_and_answers_kept(
    dynamodb: Any, forms_env: Path
) -> None:
    chosen = answers(forms_env, 1)
    fields = {f"answers.{qid}": code for qid, code in chosen.items() if qid != "backups"}
    response = post(
        form_event(PATH, fields, headers={"referer": "https://vnb.example.org/en/assessment/"})
    )
    page = response["body"]
    assert response["statusCode"] == 400
    assert "<title>Error: Digital assessment – Virage numérique bleu</title>" in page
    assert 'href="#asm-answers-backups"' in page and 'id="asm-answers-backups"' in page
    kept = f'name="answers.website" value="{chosen["website"]}" checked'
    assert kept in page
    assert items(dynamodb) == []


def test_the_form_partial_and_the_scoring_read_the_same_file(
    dynamodb: Any, forms_env: Path
) -> None:
    """Change the questionnaire in CONTENT_DATA_DIR: the rendered form and the stored
    assessment both follow, so the site (which includes the partial) and the function agree."""
    from content_model import cached_content as load_program_data
    from forms_api.rendering import form_context, render

    raw = questionnaire(forms_env)
    raw["version"] = "test-version-42"
    raw["dimensions"][0]["questions"][0]["options"][0]["code"] = "renamed_option"
    raw["dimensions"][0]["questions"][0]["text"]["fr"] = "Question modifiée pour le test?"
    (forms_env / "assessment.yml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
    )
    load_program_data.cache_clear()

    data = load_program_data(forms_env)
    page = render("assessment_form.html", form_context(data, "fr", action="/api/assessments"))
    assert "Question modifiée pour le test?" in page
    for dimension in raw["dimensions"]:
        for question in dimension["questions"]:
            for option in question["options"]:
                assert f'name="answers.{question["id"]}" value="{option["code"]}"' in page

    chosen = answers(forms_env)
    assert chosen["business_listing"] == "renamed_option"
    response = post(json_event(PATH, {"answers": chosen}))
    assert response_json(response)["questionnaire_version"] == "test-version-42"
    (item,) = items(dynamodb)
    assert item["questionnaire_version"] == {"S": "test-version-42"}


def test_registration_partial_follows_the_phase(forms_env: Path) -> None:
    from content_model import cached_content as load_program_data
    from forms_api.rendering import form_context, render
    from forms_support import set_phase

    open_page = render(
        "registration_form.html",
        form_context(load_program_data(forms_env), "en", action="/api/registrations"),
    )
    assert 'name="neq"' in open_page and 'name="website"' in open_page
    assert "Send my registration" in open_page
    set_phase(forms_env, "waitlist")
    waitlist_page = render(
        "registration_form.html",
        form_context(load_program_data(forms_env), "fr", action="/api/registrations"),
    )
    assert 'name="neq"' not in waitlist_page and 'name="email"' in waitlist_page
    assert "M’inscrire à la liste de rappel" in waitlist_page


def test_openapi_document_is_generated_with_both_endpoints(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    subprocess.run(
        [sys.executable, "-m", "forms_api.openapi", str(target)],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/registrations",
        "/registrations/check",
        "/registrations/send",
        "/registrations/confirmation",
        "/registrations/confirm",
        "/assessments",
        "/assessments/result",
    }
    registration = document["paths"]["/registrations"]["post"]
    assert {"200", "303", "400", "409", "422", "503"} <= set(registration["responses"])
    send = document["paths"]["/registrations/send"]["post"]
    assert {"201", "303", "400", "410", "425", "503"} <= set(send["responses"])
    body_schema = json.dumps(registration["requestBody"])
    assert "RegistrationRequest" in body_schema
    assert "AssessmentRequest" in json.dumps(
        document["paths"]["/assessments"]["post"]["requestBody"]
    )
