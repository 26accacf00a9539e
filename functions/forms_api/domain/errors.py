"""Domain errors. The handlers map each class to an HTTP status in one table.

Each error carries language-neutral codes; messages come from the i18n files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    outcome = "error"  # metric name suffix

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(", ".join(f"{p.field}:{p.code}" for p in problems))
        self.problems = problems


class InvalidSubmission(DomainError):
    """Field values break a rule the request model cannot check alone."""

    outcome = "invalid"


class NotEligible(DomainError):
    """100 employees or more, or not a retail business."""

    outcome = "ineligible"


class ProgramClosed(DomainError):
    outcome = "closed"


class SubmissionRefused(DomainError):
    """Spam defences: honeypot filled or form sent implausibly fast."""

    outcome = "refused"


class DuplicateRegistration(DomainError):
    """The business (NEQ) is already registered. Says nothing about the other record."""

    outcome = "duplicate"


class ReferenceCollision(Exception):
    """The random reference already exists (about 1 in 10^12): draw another one."""


class StorageUnavailable(DomainError):
    """DynamoDB throttled or unreachable: nothing was written, the visitor may retry."""

    outcome = "unavailable"

    def __init__(self) -> None:
        super().__init__([FieldProblem("", "storage_unavailable")])


class PayloadTooLarge(DomainError):
    outcome = "invalid"

    def __init__(self) -> None:
        super().__init__([FieldProblem("", "payload_too_large")])


class RuleViolation(ValueError):
    """A single field value breaks a format rule (NEQ, phone, e-mail, text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
