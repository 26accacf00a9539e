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
    # A text field with a numeric keyboard: "5,5" or "12 employés" get a clear error.
    employees: int | str | None = Field(None, validate_default=True)
    region: str = Field(max_length=2)
    branch: str | None = Field(None, max_length=40)
    sells_online: bool | None = Field(None, validate_default=True)
    contact_name: str = Field(max_length=400)
    email: str = Field(max_length=320)
    phone: str = Field(max_length=40)
    # "514 555-0123 poste 22": the extension is split off the number before validation.
    phone_extension: str | None = Field(None, max_length=6, pattern=r"^[0-9]{1,6}$")
    language: Literal["fr", "en"] | None = None
    consent: bool = Field(False, validate_default=True)
    survey_consent: bool = False
    utm_source: str | None = Field(None, max_length=200)
    utm_campaign: str | None = Field(None, max_length=200)
    # Spam defence: a field people never see (must stay empty).
    website: str = Field("", max_length=200)
    # "edit": back to the form with the values kept, from a refusal page.
    step: Literal["edit", "send"] | None = None
    # The content version of the page the form was on (a page older than the function).
    content_version: str | None = Field(None, max_length=40)

    @model_validator(mode="before")
    @classmethod
    def _split_extension(cls, data: Any) -> Any:
        if is_form_payload(data):
            data = unwrap_form(data)
        if isinstance(data, dict) and isinstance(data.get("phone"), str):
            number, extension = rules.split_extension(data["phone"])
            if extension is not None and not data.get("phone_extension"):
                data = {**data, "phone": number, "phone_extension": extension}
        return data

    @field_validator("employees", mode="before")
    @classmethod
    def _employees_not_a_yes_no(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError("employees_format", "employees_format")
        return value

    @field_validator("employees", mode="after")
    @classmethod
    def _employees(cls, value: int | str | None) -> int | None:
        if value is None or isinstance(value, int):
            if isinstance(value, int) and not 0 <= value <= 1_000_000:
                raise PydanticCustomError("out_of_range", "out_of_range")
            return value
        return int(_rule(rules.normalise_employees, value))

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
            phone_extension=self.phone_extension,
            language=language,
            consent=self.consent,
            survey_consent=self.survey_consent,
            neq=self.neq,
            sector=self.sector,
            employees=self.employees if isinstance(self.employees, int) else None,
            branch=self.branch,
            sells_online=self.sells_online,
            utm_source=self.utm_source,
            utm_campaign=self.utm_campaign,
        )


class SendRequest(_Request):
    """The "check your answers" page's Send: its signed token names the checked answers."""

    form_token: str = Field(min_length=1, max_length=2048)
    step: Literal["send"] | None = None
    # The check page's language, for an answer before the draft is read.
    language: Literal["fr", "en"] | None = None


class AssessmentRequest(_Request):
    model_config = ConfigDict(json_schema_extra=request_schema.assessment)

    answers: dict[str, str] = Field(max_length=100)
    reference: str | None = Field(None, max_length=40)
    language: Literal["fr", "en"] | None = None
    # Drawn by the page's script once per assessment: retries of one attempt store once.
    attempt_id: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{8,64}$")
    content_version: str | None = Field(None, max_length=40)

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


class ResultMailRequest(_Request):
    """The result page's "send me my result" button: its signed token names the result."""

    token: str = Field(min_length=1, max_length=2048)
    language: Literal["fr", "en"] | None = None


class ResultMailResponse(BaseModel):
    """`mail_sent`: asked for, the notifier sends it; `mail_already`: this result was already
    asked for today (one mail)."""

    status: Literal["mail_sent", "mail_already"]


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
    # The confirmation page's own address (signed, expiring): what a form post redirects to.
    confirmation_url: str


class CheckResponse(BaseModel):
    """The "check your answers" step: post `form_token` to `/registrations/send` a few
    seconds later to store these values."""

    status: Literal["check"]
    form_token: str
    values: dict[str, str]
    notice: Message | None = None


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
    # The result page's own address (signed, expiring): what a form post redirects to.
    result_url: str
