"""Request and response models of the API (the edge), converted to domain records.

One model takes both JSON and HTML form posts: Powertools hands form fields over
as lists (`parse_qs`), which the `before` validator unwraps.
"""

from __future__ import annotations

from typing import Any, Literal

from content_model import Content, cached_content
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forms_api.domain import rules
from forms_api.domain.errors import RuleViolation
from forms_api.domain.models import Submission
from forms_api.handlers import request_schema
from forms_api.settings import get_settings

ANSWER_PREFIX = "answers."


def _data() -> Content:
    return cached_content(get_settings().content_data_dir)


def _rule(function: Any, value: Any, **kwargs: Any) -> Any:
    """Run a domain rule; its violation becomes a validation error with the rule's code."""
    try:
        return function(value, **kwargs)
    except RuleViolation as violation:
        raise PydanticCustomError(violation.code, violation.code) from None


def is_form_payload(data: Any) -> bool:
    return isinstance(data, dict) and bool(data) and all(isinstance(v, list) for v in data.values())


def unwrap_form(data: dict[str, list[Any]]) -> dict[str, Any]:
    """One-item lists become their item; empty fields count as not sent (as in a browser,
    an empty optional field must not fail a format rule)."""
    values: dict[str, Any] = {}
    for key, items in data.items():
        value = items[0] if len(items) == 1 else items
        if value != "":
            values[key] = value
    return values


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _from_form(cls, data: Any) -> Any:
        return unwrap_form(data) if is_form_payload(data) else data

    @classmethod
    def form_json_schema(cls) -> dict[str, Any] | None:
        """The request as HTML form fields, when they differ from the JSON object's."""
        return None


class RegistrationRequest(_Request):
    # The validators' rules, stated in the OpenAPI document (request_schema.py).
    model_config = ConfigDict(json_schema_extra=request_schema.registration)

    legal_name: str = Field(max_length=400)
    neq: str | None = Field(None, max_length=40, validate_default=True)
    sector: str | None = Field(None, max_length=40, validate_default=True)
    employees: int | None = Field(None, ge=0, le=1_000_000, validate_default=True)
    region: str = Field(max_length=2)
    branch: str | None = Field(None, max_length=40)
    sells_online: bool | None = Field(None, validate_default=True)
    contact_name: str = Field(max_length=400)
    email: str = Field(max_length=320)
    phone: str = Field(max_length=40)
    language: Literal["fr", "en"] | None = None
    consent: bool = Field(False, validate_default=True)
    survey_consent: bool = False
    utm_source: str | None = Field(None, max_length=200)
    utm_campaign: str | None = Field(None, max_length=200)
    # Spam defences: a field people never see (must stay empty) and when the form was shown.
    website: str = Field("", max_length=200)
    # Bounded so the spam check's float arithmetic can't overflow (past 2**53 no float is exact).
    form_rendered_at: int | None = Field(None, ge=0, le=2**53)

    @classmethod
    def form_json_schema(cls) -> dict[str, Any] | None:
        return request_schema.form_of(cls.model_json_schema(), "RegistrationForm")

    @field_validator("neq", "sector", "employees", "sells_online", mode="after")
    @classmethod
    def _asked_when_open(cls, value: Any) -> Any:
        # Required once registrations open; the waitlist phase asks for less.
        if value is None and _data().program.phase == "open":
            raise PydanticCustomError("required", "required")
        return value

    @field_validator("legal_name", "contact_name", mode="after")
    @classmethod
    def _name(cls, value: str) -> str:
        return str(_rule(rules.clean_text, value, max_length=200))

    @field_validator("utm_source", "utm_campaign", mode="after")
    @classmethod
    def _utm(cls, value: str | None) -> str | None:
        return None if value is None else str(_rule(rules.clean_text, value, max_length=100))

    @field_validator("neq", mode="after")
    @classmethod
    def _neq(cls, value: str | None) -> str | None:
        return None if value is None else str(_rule(rules.normalise_neq, value))

    @field_validator("phone", mode="after")
    @classmethod
    def _phone(cls, value: str) -> str:
        return str(_rule(rules.normalise_phone, value))

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str) -> str:
        return str(_rule(rules.normalise_email, value))

    @field_validator("sector", mode="after")
    @classmethod
    def _sector(cls, value: str | None) -> str | None:
        if value is not None and value not in _data().sectors_by_code:
            raise PydanticCustomError("invalid_choice", "invalid_choice")
        return value

    @field_validator("region", mode="after")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in _data().regions_by_code:
            raise PydanticCustomError("invalid_choice", "invalid_choice")
        return value

    @field_validator("branch", mode="after")
    @classmethod
    def _branch(cls, value: str | None) -> str | None:
        if value is not None and value not in _data().branches_by_id:
            raise PydanticCustomError("invalid_choice", "invalid_choice")
        return value

    @field_validator("consent", mode="after")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError("consent_required", "consent_required")
        return value

    def to_submission(self, language: str) -> Submission:
        return Submission(
            legal_name=self.legal_name,
            region=self.region,
            contact_name=self.contact_name,
            email=self.email,
            phone=self.phone,
            language=language,
            consent=self.consent,
            survey_consent=self.survey_consent,
            neq=self.neq,
            sector=self.sector,
            employees=self.employees,
            branch=self.branch,
            sells_online=self.sells_online,
            utm_source=self.utm_source,
            utm_campaign=self.utm_campaign,
        )


class AssessmentRequest(_Request):
    model_config = ConfigDict(json_schema_extra=request_schema.assessment)

    answers: dict[str, str] = Field(max_length=100)
    reference: str | None = Field(None, max_length=40)
    language: Literal["fr", "en"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _answers_from_form(cls, data: Any) -> Any:
        # The HTML form names each question `answers.<question id>`.
        if is_form_payload(data):
            data = unwrap_form(data)
        if isinstance(data, dict) and any(str(k).startswith(ANSWER_PREFIX) for k in data):
            answers = {
                k.removeprefix(ANSWER_PREFIX): v
                for k, v in data.items()
                if k.startswith(ANSWER_PREFIX)
            }
            rest = {k: v for k, v in data.items() if not k.startswith(ANSWER_PREFIX)}
            return {**rest, "answers": answers}
        if isinstance(data, dict) and "answers" not in data:
            return {**data, "answers": {}}
        return data

    @field_validator("reference", mode="after")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        return None if value is None else str(_rule(rules.normalise_reference, value))

    @classmethod
    def form_json_schema(cls) -> dict[str, Any] | None:
        return request_schema.assessment_form(cls.model_json_schema())


class Message(BaseModel):
    fr: str
    en: str


class FieldError(BaseModel):
    field: str
    code: str
    message: Message


class ErrorBody(BaseModel):
    errors: list[FieldError]


class RegistrationResponse(BaseModel):
    reference: str
    kind: Literal["registration", "waitlist"]
    branch: str
    branch_name: Message
    next_step: Message


class DimensionScore(BaseModel):
    dimension: str
    name: str
    score: int
    level: str
    level_name: str
    recommendation: str


class AssessmentResponse(BaseModel):
    questionnaire_version: str
    reference: str | None
    score: int
    level: str
    level_name: str
    dimensions: list[DimensionScore]
