"""The OpenAPI document (`python -m forms_api.openapi`) is valid, generated from the code and
the content data, and true: what it calls valid, the functions accept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from forms_events import (
    FakeContext,
    as_form,
    check_then_send_json,
    form_event,
    json_event,
    valid_registration,
)
from forms_support import REPO, clear_forms_caches, set_phase
from openapi_spec_validator import validate

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def document() -> dict[str, Any]:
    from forms_api import openapi

    return openapi.document()


def schema_of(doc: dict[str, Any], name: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(
        {**doc["components"]["schemas"][name], "components": doc["components"]}
    )


def test_the_written_document_is_valid_openapi_3_1(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "-m", "forms_api.openapi", str(target)], check=True, cwd=REPO)
    doc = json.loads(target.read_text(encoding="utf-8"))
    validate(doc)  # raises on the first error
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"] == [{"url": "/api"}]
    assert set(doc["paths"]) == {
        "/registrations",
        "/registrations/check",
        "/registrations/edit",
        "/registrations/send",
        "/registrations/confirmation",
        "/registrations/confirm",
        "/assessments",
        "/assessments/result",
        "/assessments/mail",
        "/assessments/results",
    }
    # No inlined pydantic schema whose `$ref`s point at a `$defs` the root lacks.
    assert "#/$defs/" not in target.read_text(encoding="utf-8")


def test_both_forms_take_json_and_html_form_posts_and_answer_pages(forms_env: Path) -> None:
    doc = document()
    for path, form_schema in (
        ("/registrations", "RegistrationForm"),
        ("/assessments", "AssessmentForm"),
    ):
        operation = doc["paths"][path]["post"]
        content = operation["requestBody"]["content"]
        assert set(content) == {"application/json", *FORM_TYPES}
        for media_type in FORM_TYPES:
            assert content[media_type]["schema"]["$ref"].endswith(f"/{form_schema}")
        responses = operation["responses"]
        # A form post is answered with a redirect to a page (Post/Redirect/Get), JSON with
        # the check step (registrations) or the stored result (assessments).
        assert "Location" in responses["303"]["headers"]
        json_ok = "200" if path == "/registrations" else "201"
        assert "application/json" in responses[json_ok]["content"]
        for status in ("400", "413", "503"):
            assert set(responses[status]["content"]) == {"application/json", "text/html"}
        assert set(responses["415"]["content"]) == {"application/json"}
        assert "Retry-After" in responses["503"]["headers"]
        # Validation errors are 400 here, never Powertools' own 422 body.
        assert "HTTPValidationError" not in json.dumps(responses)
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_the_choices_and_rules_come_from_the_content_data(forms_env: Path) -> None:
    data = forms_env
    sectors = yaml.safe_load((data / "sectors.yml").read_text(encoding="utf-8"))
    sectors.append({**sectors[0], "code": "added_sector"})
    (data / "sectors.yml").write_text(yaml.safe_dump(sectors, allow_unicode=True), "utf-8")
    questionnaire = yaml.safe_load((data / "assessment.yml").read_text(encoding="utf-8"))
    extra = {**questionnaire["dimensions"][0]["questions"][0], "id": "added_question"}
    questionnaire["dimensions"][0]["questions"].append(extra)
    (data / "assessment.yml").write_text(yaml.safe_dump(questionnaire, allow_unicode=True), "utf-8")
    clear_forms_caches()

    doc = document()
    schemas = doc["components"]["schemas"]
    registration = schemas["RegistrationRequest"]["properties"]
    assert {s["code"] for s in sectors} == set(_branch(registration["sector"])["enum"])
    assert "added_sector" in _branch(registration["sector"])["enum"]
    regions = yaml.safe_load((data / "regions.yml").read_text(encoding="utf-8"))
    assert registration["region"]["enum"] == sorted(r["code"] for r in regions)
    answers = schemas["AssessmentRequest"]["properties"]["answers"]
    assert "added_question" in answers["required"]
    assert answers["properties"]["added_question"]["enum"] == [
        option["code"] for option in extra["options"]
    ]
    assert answers["additionalProperties"] is False
    assert "answers.added_question" in schemas["AssessmentForm"]["required"]
    assert registration["consent"]["const"] is True
    assert registration["website"]["maxLength"] == 0


def _branch(prop: dict[str, Any]) -> dict[str, Any]:
    (branch,) = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    return branch


@pytest.mark.parametrize("phase", ["open", "waitlist"])
def test_the_fields_the_phase_asks_for_are_required(forms_env: Path, phase: str) -> None:
    set_phase(forms_env, phase)
    clear_forms_caches()
    schema = document()["components"]["schemas"]["RegistrationRequest"]
    asked = {"neq", "sector", "employees", "sells_online"}
    assert {"legal_name", "region", "contact_name", "email", "phone", "consent"} <= set(
        schema["required"]
    )
    if phase == "open":
        assert asked <= set(schema["required"])
        for field in asked:  # asked: never null (the head count: a number or its digits)
            branches = schema["properties"][field].get("anyOf", [schema["properties"][field]])
            assert all(branch.get("type") != "null" for branch in branches), field
    else:
        assert not asked & set(schema["required"])


@pytest.mark.parametrize(
    ("field", "valid", "invalid"),
    [
        (
            "neq",
            ["1170000011", "1170 000 012", "117-000-0013"],
            ["117000000", "11700000011", "ABC"],
        ),
        (
            "phone",
            ["(819) 555-0142", "+1 819 555 0142", "18195550142"],
            ["0195550142", "8191550142"],
        ),
        ("email", ["josee@example.ca", "a.b+c@sous.domaine.qc.ca"], ["a..b@x.ca", "a@b", "@x.ca"]),
        ("legal_name", ["Café Éole", " x "], ["", "   ", "a\u200bb", "tab\tin"]),
        ("region", ["04"], ["99", "4"]),
        ("consent", [True], [False]),
        ("website", [""], ["http://spam.example"]),
    ],
)
def test_the_document_and_the_functions_agree_on_each_rule(
    dynamodb: Any, field: str, valid: list[Any], invalid: list[Any]
) -> None:
    """Each value the document calls valid is stored; each it refuses, the function refuses."""
    from forms_api.handlers import registration

    def post(event: dict[str, Any]) -> dict[str, Any]:
        return dict(registration.lambda_handler(event, FakeContext()))

    validator = schema_of(document(), "RegistrationRequest")
    for number, value in enumerate(valid):
        payload = valid_registration(neq=f"21700000{number:02d}", email=f"v{number}@example.ca")
        payload[field] = value
        assert validator.is_valid(payload), (field, value)
        response = check_then_send_json(post, "/registrations", payload)
        assert response["statusCode"] == 201, (field, value, response["body"][:300])
    for value in invalid:
        payload = valid_registration(neq="3170000001", email="i@example.ca")
        payload[field] = value
        assert not validator.is_valid(payload), (field, value)
        response = registration.lambda_handler(json_event("/registrations", payload), FakeContext())
        assert 400 <= response["statusCode"] < 500, (field, value)


def test_a_complete_assessment_valid_by_the_document_is_scored(dynamodb: Any) -> None:
    from forms_api.handlers import assessment

    doc = document()
    answers_schema = doc["components"]["schemas"]["AssessmentRequest"]["properties"]["answers"]
    answers = {qid: rule["enum"][-1] for qid, rule in answers_schema["properties"].items()}
    assert schema_of(doc, "AssessmentRequest").is_valid({"answers": answers})
    response = assessment.lambda_handler(
        json_event("/assessments", {"answers": answers}), FakeContext()
    )
    assert response["statusCode"] == 201
    form = {f"answers.{qid}": code for qid, code in answers.items()}
    assert schema_of(doc, "AssessmentForm").is_valid(form)
    page = assessment.lambda_handler(form_event("/assessments", form), FakeContext())
    assert page["statusCode"] < 400
    missing = dict(list(answers.items())[1:])
    assert not schema_of(doc, "AssessmentRequest").is_valid({"answers": missing})


def test_a_registration_form_post_valid_by_the_document_is_stored(dynamodb: Any) -> None:
    from forms_api.handlers import registration

    fields = as_form(valid_registration(neq="4170000001", email="form@example.ca"))
    response = registration.lambda_handler(form_event("/registrations", fields), FakeContext())
    assert response["statusCode"] < 400
