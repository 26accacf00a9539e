"""Domain records: what the program keeps, independent of HTTP and DynamoDB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal["registration", "waitlist"]


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
    neq: str | None = None
    sector: str | None = None
    employees: int | None = None
    sells_online: bool | None = None
    utm_source: str | None = None
    utm_campaign: str | None = None


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
