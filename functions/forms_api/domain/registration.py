"""Registration rules: the phase, eligibility, spam defences, and the record kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from content_model import Content

from forms_api.domain.errors import (
    FieldProblem,
    InvalidSubmission,
    NotEligible,
    ProgramClosed,
    ReferenceCollision,
    SubmissionRefused,
)
from forms_api.domain.models import Registration, Submission
from forms_api.domain.ports import ProgramRepository
from forms_api.domain.rules import expires_at, new_reference

# Asked only once registrations are open; the callback list needs less (data minimisation).
OPEN_ONLY_FIELDS = ("neq", "sector", "employees", "sells_online")
# Fields a waitlist entry keeps; the rest of a submission is dropped.
WAITLIST_FIELDS = (
    "legal_name",
    "region",
    "branch",
    "contact_name",
    "email",
    "phone",
    "language",
    "survey_consent",
    "utm_source",
    "utm_campaign",
)


def check_not_spam(honeypot: str, rendered_at: int | None, now: datetime, min_seconds: int) -> None:
    """Refuse what a person could not have sent: a filled hidden field, or a form
    sent within seconds of being shown. A missing timestamp (no JavaScript) passes."""
    if honeypot:
        raise SubmissionRefused([FieldProblem("", "submission_refused")])
    if rendered_at is not None and 0 <= now.timestamp() - rendered_at < min_seconds:
        raise SubmissionRefused([FieldProblem("", "submission_too_fast")])


def check_admission(submission: Submission, data: Content) -> None:
    """Phase first, then the fields the phase needs, then eligibility."""
    phase = data.program.phase
    if phase == "closed":
        raise ProgramClosed([FieldProblem("", "program_closed")])
    if not submission.consent:
        raise InvalidSubmission([FieldProblem("consent", "consent_required")])
    if phase == "open":
        missing = [f for f in OPEN_ONLY_FIELDS if getattr(submission, f) is None]
        if missing:
            raise InvalidSubmission([FieldProblem(field, "required") for field in missing])
    problems = []
    if (
        submission.employees is not None
        and submission.employees > data.program.eligibility.max_employees
    ):
        problems.append(FieldProblem("employees", "ineligible_employees"))
    if submission.sector is not None and not data.sectors_by_code[submission.sector].retail:
        problems.append(FieldProblem("sector", "ineligible_sector"))
    if problems:
        raise NotEligible(problems)


def build_registration(
    submission: Submission, data: Content, now: datetime, reference: str
) -> Registration:
    phase = data.program.phase
    kept = submission
    if phase == "waitlist":
        kept = replace(submission, neq=None, sector=None, employees=None, sells_online=None)
    return Registration(
        reference=reference,
        kind="registration" if phase == "open" else "waitlist",
        created_at=now,
        phase=phase,
        legal_name=kept.legal_name,
        region=kept.region,
        branch=data.branch_for(kept.region, kept.branch),
        contact_name=kept.contact_name,
        email=kept.email,
        phone=kept.phone,
        language=kept.language,
        privacy_notice_version=data.program.privacy.notice_version,
        survey_consent=kept.survey_consent,
        expires_at=expires_at(now, data.program.privacy.retention_days),
        neq=kept.neq,
        sector=kept.sector,
        employees=kept.employees,
        sells_online=kept.sells_online,
        utm_source=kept.utm_source,
        utm_campaign=kept.utm_campaign,
    )


def register(
    submission: Submission, data: Content, repository: ProgramRepository, now: datetime
) -> Registration:
    """Store a registration (or waitlist entry) under a fresh reference."""
    check_admission(submission, data)
    for _attempt in range(3):
        registration = build_registration(submission, data, now, new_reference())
        try:
            repository.add_registration(registration)
        except ReferenceCollision:
            continue
        return registration
    raise ReferenceCollision("three reference collisions in a row")
