"""Registration rules: the phase, eligibility, spam defences, and the record kept."""

from __future__ import annotations

from datetime import datetime

from content_model import Content

from forms_api.domain.errors import (
    FieldProblem,
    FormChanged,
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


def check_not_spam(honeypot: str) -> None:
    """Refuse what a person could not have sent: a filled hidden field. (The timing check
    is the signed "check your answers" step: handlers/registration.py.)"""
    if honeypot:
        raise SubmissionRefused([FieldProblem("", "submission_refused")])


def check_fields_for_phase(submission: Submission, data: Content) -> None:
    """A post carrying fields the current phase does not take comes from a page of another
    content version (the phase changed since it was shown): never drop what the merchant
    typed, show the current form again with the values."""
    if data.program.phase != "open":
        extra = [f for f in OPEN_ONLY_FIELDS if getattr(submission, f) is not None]
        if extra:
            raise FormChanged([FieldProblem("", "form_changed")])


def check_admission(submission: Submission, data: Content) -> None:
    """Phase first, then the fields the phase needs, then eligibility."""
    phase = data.program.phase
    if phase == "closed":
        raise ProgramClosed([FieldProblem("", "program_closed")])
    check_fields_for_phase(submission, data)
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
    submission: Submission,
    data: Content,
    now: datetime,
    reference: str,
    idempotency_key: str | None = None,
) -> Registration:
    phase = data.program.phase
    kept = submission
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
        phone_extension=kept.phone_extension,
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
        idempotency_key=idempotency_key,
    )


def register(
    submission: Submission,
    data: Content,
    repository: ProgramRepository,
    now: datetime,
    idempotency_key: str | None = None,
) -> Registration:
    """Store a registration (or waitlist entry) under a fresh reference. `idempotency_key`
    names the record that remembers the answer to this submission (erased with it)."""
    check_admission(submission, data)
    for _attempt in range(3):
        registration = build_registration(submission, data, now, new_reference(), idempotency_key)
        try:
            repository.add_registration(registration)
        except ReferenceCollision:
            continue
        return registration
    raise ReferenceCollision("three reference collisions in a row")
