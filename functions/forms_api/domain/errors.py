"""Domain errors, each carrying its own facts: the HTTP status, the title of the page the
visitor sees, whether the visitor goes back to the form, and the metric outcome. A new
error class that forgets one of them fails at import (`__init_subclass__`), so no parallel
table can miss it.

Each error carries language-neutral codes; messages come from the i18n files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str


_FACTS = ("status", "title", "back_to_form", "outcome")


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    status: ClassVar[int]
    """The HTTP status of the answer."""
    title: ClassVar[str]
    """i18n `form:` key of the answer page's title (the form's own title when back_to_form)."""
    back_to_form: ClassVar[bool]
    """True: the form again, values kept, with the error summary; False: a message page
    (with a way back to the form for what a typo can cause)."""
    outcome: ClassVar[str]
    """The metric name suffix (`registration_<outcome>`)."""
    retry_after: ClassVar[int | None] = None
    """Seconds a client should wait before retrying, when retrying can help."""
    offers_edit: ClassVar[bool] = True
    """A message page offers to go back to the form with the values kept (not for spam)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        missing = [fact for fact in _FACTS if fact not in cls.__dict__]
        if missing:
            raise TypeError(f"{cls.__name__} must state its own {', '.join(missing)}")

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(", ".join(f"{p.field}:{p.code}" for p in problems))
        self.problems = problems


class InvalidSubmission(DomainError):
    """Field values break a rule the request model cannot check alone."""

    status = 400
    title = "error_title"
    back_to_form = True
    outcome = "invalid"


class NotEligible(DomainError):
    """100 employees or more, or not a retail business."""

    status = 422
    title = "ineligible_title"
    back_to_form = False
    outcome = "ineligible"


class ProgramClosed(DomainError):
    status = 403
    title = "closed_title"
    back_to_form = False
    outcome = "closed"


class SubmissionRefused(DomainError):
    """Spam defences: honeypot filled or form sent implausibly fast."""

    status = 400
    title = "refused_title"
    back_to_form = False
    outcome = "refused"
    offers_edit = False


class FormChanged(DomainError):
    """The post comes from a page of another content version (the phase changed since it
    was shown): the current form again, with what was typed, and a word of explanation."""

    status = 409
    title = "error_title"
    back_to_form = True
    outcome = "form_changed"


class CheckRefused(DomainError):
    """The "check your answers" page's token is forged or altered: nothing is stored."""

    status = 400
    title = "link_problem_title"
    back_to_form = False
    outcome = "check_refused"
    offers_edit = False


class CheckExpired(DomainError):
    """The "check your answers" page was left open past its two hours: nothing is stored."""

    status = 410
    title = "link_problem_title"
    back_to_form = False
    outcome = "check_expired"
    offers_edit = False


class SentTooFast(DomainError):
    """Sent within seconds of the check page being shown: no person reads that fast."""

    status = 425
    title = "refused_title"
    back_to_form = False
    outcome = "too_fast"
    offers_edit = False
    retry_after = 3


class LinkRefused(DomainError):
    """A signed token posted back (the result page's "send me my result") is forged or
    altered: nothing is done."""

    status = 400
    title = "link_problem_title"
    back_to_form = False
    outcome = "link_invalid"
    offers_edit = False


class LinkExpired(DomainError):
    """A signed token posted back is genuine but past its expiry."""

    status = 410
    title = "link_problem_title"
    back_to_form = False
    outcome = "link_expired"
    offers_edit = False


class MailLimited(DomainError):
    """The address already received today's maximum of the program's mails."""

    status = 429
    title = "mail_limited_title"
    back_to_form = False
    outcome = "mail_limited"
    offers_edit = False


class MailUnavailable(DomainError):
    """No confirmed address to send a result to (unconfirmed, erased, not linked)."""

    status = 409
    title = "mail_result_title"
    back_to_form = False
    outcome = "mail_unavailable"
    offers_edit = False


class StorageUnavailable(DomainError):
    """DynamoDB throttled or unreachable: nothing was written, the visitor may retry."""

    status = 503
    title = "unavailable_title"
    back_to_form = False
    outcome = "unavailable"
    retry_after = 5

    def __init__(self) -> None:
        super().__init__([FieldProblem("", "storage_unavailable")])


class PayloadTooLarge(DomainError):
    status = 413
    title = "too_large_title"
    back_to_form = False
    outcome = "too_large"
    offers_edit = False

    def __init__(self) -> None:
        super().__init__([FieldProblem("", "payload_too_large")])


class UnreadableBody(DomainError):
    """A body the handlers can't read: not UTF-8 text (another charset, bytes that aren't
    UTF-8, base64 that isn't), compressed (`Content-Encoding`), multipart without a
    boundary, or JSON nested or numbered past any form's. Nothing in it is read."""

    status = 400
    title = "refused_title"
    back_to_form = False
    outcome = "unreadable"

    def __init__(self, code: str) -> None:
        super().__init__([FieldProblem("", code)])


class ReferenceCollision(Exception):
    """The random reference already exists (about 1 in 10^12): draw another one."""


class RuleViolation(ValueError):
    """A single field value breaks a format rule (NEQ, phone, e-mail, text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
