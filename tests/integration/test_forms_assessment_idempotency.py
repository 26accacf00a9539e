"""A double click on the assessment stores one assessment and shows the same result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from forms_events import FakeContext, json_event, response_json
from forms_support import TABLES


def post(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import assessment

    return assessment.lambda_handler(event, FakeContext())


def answers(data_dir: Path, pick: int) -> dict[str, str]:
    questionnaire = yaml.safe_load((data_dir / "assessment.yml").read_text(encoding="utf-8"))
    return {
        q["id"]: q["options"][pick]["code"]
        for d in questionnaire["dimensions"]
        for q in d["questions"]
    }


def assessments(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=TABLES["ProgramTable"])["Items"]
    return [item for item in items if item["kind"]["S"] == "assessment"]


def test_the_same_assessment_twice_is_stored_once(dynamodb: Any, forms_env: Path) -> None:
    body = {"answers": answers(forms_env, 1), "language": "fr"}

    first = post(json_event("/assessments", body))
    second = post(json_event("/assessments", body))

    assert first["statusCode"] == second["statusCode"] == 201
    assert response_json(first) == response_json(second)
    assert len(assessments(dynamodb)) == 1


def test_different_answers_are_two_assessments(dynamodb: Any, forms_env: Path) -> None:
    post(json_event("/assessments", {"answers": answers(forms_env, 0), "language": "fr"}))
    post(json_event("/assessments", {"answers": answers(forms_env, -1), "language": "fr"}))

    assert len(assessments(dynamodb)) == 2


def test_an_invalid_assessment_leaves_no_record_and_can_be_sent_again(
    dynamodb: Any, forms_env: Path
) -> None:
    incomplete = dict(list(answers(forms_env, 0).items())[1:])
    assert post(json_event("/assessments", {"answers": incomplete}))["statusCode"] == 400
    complete = {"answers": answers(forms_env, 0), "language": "fr"}
    assert post(json_event("/assessments", complete))["statusCode"] == 201
    assert len(assessments(dynamodb)) == 1
