"""Pydantic and Powertools validation errors → the program's error codes (messages in the
i18n `errors:` section)."""

from __future__ import annotations

from typing import Any

from forms_api.domain.errors import FieldProblem

CODE_BY_TYPE = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "extra_forbidden": "unknown_field",
    "json_invalid": "json_invalid",
    "model_attributes_type": "invalid_body",
    "model_type": "invalid_body",
    "dict_type": "invalid_type",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "int_parsing": "invalid_type",
    "int_type": "invalid_type",
    "int_from_float": "invalid_type",
    "bool_parsing": "invalid_type",
    "bool_type": "invalid_type",
    "string_type": "invalid_type",
    "unsupported_content_type": "unsupported_media_type",
}


def validation_problems(errors: list[Any], known_codes: set[str]) -> list[FieldProblem]:
    """One problem per validation error; a code without a message reads `invalid_value`."""
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # loc is ("body", field, ...); a JSON syntax error gives ("body", position).
        parts = loc[1:] if loc[:1] == ["body"] else loc
        kind = str(error.get("type", ""))
        field = "" if kind == "json_invalid" else ".".join(parts)
        code = CODE_BY_TYPE.get(kind, kind if kind else "invalid_value")
        problems.append(FieldProblem(field, code if code in known_codes else "invalid_value"))
    return problems
