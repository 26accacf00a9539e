"""Domain records: what the program keeps, independent of HTTP and DynamoDB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal["registration", "waitlist"]
RegistrationStatus = Literal["unconfirmed", "confirmed", "possible_duplicate"]


@dataclass(frozen=True)
class Submission:
    """A registration as typed by the merchant, already normalised (codes, E.164, NFC)."""

    legal_name: str
    region: str
    contact_name: str
    email: str
    phone: str
    language: str
    consent: bool
    survey_consent: bool = False
    phone_extension: str | None = None
    neq: str | None = None
    sector: str | None = None
    employees: int | None = None
    branch: str | None = None
    sells_online: bool | None = None
    utm_source: str | None = None
    utm_campaign: str | None = None


@dataclass(frozen=True)
class Registration:
    reference: str
    kind: Kind
    created_at: datetime
    phase: str
    legal_name: str
    region: str
    branch: str
    contact_name: str
    email: str
    phone: str
    language: str
    privacy_notice_version: str
    survey_consent: bool
    expires_at: int
    # The e-mail address is confirmed (a signed link) before the business number is
    # claimed: "unconfirmed" → "confirmed", or "possible_duplicate" for staff review.
    status: RegistrationStatus = "unconfirmed"
    phone_extension: str | None = None
    neq: str | None = None
    sector: str | None = None
    employees: int | None = None
    sells_online: bool | None = None
    utm_source: str | None = None
    utm_campaign: str | None = None
    # The id of the idempotency record that remembers the answer to this submission.
    idempotency_key: str | None = None


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    score: int  # 0–100
    level: str
    recommendation: str  # in the visitor's language


@dataclass(frozen=True)
class AssessmentResult:
    questionnaire_version: str
    score: int
    level: str
    dimensions: tuple[DimensionResult, ...]
    # Where it is stored (set once stored): the result page's address is signed from it.
    assessment_id: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Assessment:
    assessment_id: str
    created_at: datetime
    reference: str | None
    questionnaire_version: str
    answers: dict[str, str]
    scores: dict[str, int]
    score: int
    level: str
    language: str
    expires_at: int


@dataclass(frozen=True)
class RegistrationView:
    """What the confirmation pages may show of a stored registration: no personal data
    beyond a masked e-mail address."""

    reference: str
    kind: Kind
    branch: str
    masked_email: str
    language: str
    status: RegistrationStatus
    neq: str | None
    expires_at: int
    # Codes for the assessment result's peers (their region, sector and size band).
    region: str = ""
    sector: str | None = None
    employees: int | None = None
    # The SHA-256 of the address (`keys.email_hash`): what the daily mail count is keyed
    # on. The view never holds the address itself.
    email_hash: str = ""

    @property
    def email_confirmed(self) -> bool:
        """The merchant opened the confirmation link (a possible duplicate did too)."""
        return self.status != "unconfirmed"


@dataclass(frozen=True)
class StoredAssessment:
    """A linked assessment as its registration's history shows it: codes and scores only."""

    assessment_id: str
    created_at: str
    scores: dict[str, int]
    score: int
