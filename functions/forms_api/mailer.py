"""E-mails sent after a registration is stored: what they say, and sending them through SES.

The texts are content, not code: bodies in `content/data/mail/<language>/*.txt`,
subjects in the `mail:` section of `content/data/i18n/<language>.yml`, both
edited by staff in Git and validated by the content model (`content_model`): a
placeholder a template may not use fails the content check, so no e-mail quotes the
free text a visitor typed and the branch notice holds no personal data.

`SesMailer` is the only boto3 user of this module; its client is created on
first use so moto can start first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from string import Template
from typing import Any

from content_model import LANGUAGES, Content, Language

from forms_api.domain.digest import AssessmentDigest, digest


class MailNotSent(Exception):
    """SES failed, for now (throttled, unreachable, the account paused): worth retrying.
    Carries the error code only: SES messages can quote addresses."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class MailRefused(MailNotSent):
    """SES refused this mail for good (an address it cannot take): retrying cannot help."""


# SES (API v2, and moto's v1 backend under it) refuses these for the message itself: the
# same call fails the same way every time. Everything else (throttling, a paused or
# suspended account, a network error) is retried, then kept for a replay.
PERMANENT_CODES = frozenset({"BadRequestException", "MessageRejected", "InvalidParameterValue"})


@dataclass(frozen=True)
class Mail:
    purpose: str  # "merchant" | "branch": with the reference, the idempotency key
    reference: str
    to: tuple[str, ...]
    subject: str
    body: str
    # What the address's daily count holds for this mail: the reference (a registration's
    # mail), or one "send me my result" request (`results_mail.counted_as`).
    count_as: str = ""


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return "" if value is None else str(value)


def _label(content: Content, table: str, code: Any, language: str) -> str:
    if code is None:
        return content.message(language, "mail", "not_given")
    return content.label(table, str(code), language)


def _site_url(site_url: str, language: str) -> str:
    return f"{site_url.rstrip('/')}/{language}/" if site_url else ""


def _assessment_url(content: Content, site_url: str, language: str, reference: str) -> str:
    """The assessment page with the reference filled in (a reference is no personal data)."""
    if not site_url:
        return ""
    pair = next(p for p in content.pages if p.id == "assessment")
    return f"{site_url.rstrip('/')}{pair.path(language)}?reference={reference}"


def merchant_confirmation(
    registration: dict[str, Any], content: Content, site_url: str, confirm_url: str = ""
) -> Mail:
    """The merchant's confirmation, in the language they used on the form."""
    language: Language = "en" if registration.get("language") == "en" else "fr"
    template = "waitlist" if registration.get("kind") == "waitlist" else "confirmation"
    strings = content.strings_in(language).mail
    not_given = strings["not_given"]
    reference = _text(registration["reference"])
    # Codes and numbers only: nothing the visitor typed as free text (see MAIL_PLACEHOLDERS).
    values = {
        "reference": reference,
        "branch": _text(registration.get("branch")),
        "branch_name": _label(content, "branches", registration.get("branch"), language),
        "sector_name": _label(content, "sectors", registration.get("sector"), language),
        "region_name": _label(content, "regions", registration.get("region"), language),
        "employees": _text(registration.get("employees")) or not_given,
        "site_url": _site_url(site_url, language),
        "assessment_url": _assessment_url(content, site_url, language, reference),
        # The signed link that confirms the address (and then claims the business number).
        "confirm_url": confirm_url,
    }
    return Mail(
        purpose="merchant",
        reference=values["reference"],
        to=(str(registration["email"]),),
        subject=Template(strings[f"{template}_subject"]).substitute(values),
        body=content.mail[language].template(template).substitute(values),
    )


def branch_notice(
    registration: dict[str, Any], content: Content, fallback: str | None
) -> Mail | None:
    """The branch's notice, French then English, with no personal data; None if no address."""
    branch = _text(registration.get("branch"))
    known = content.branches_by_id.get(branch)
    address = (known.notice_address if known else None) or fallback
    if not address:
        # The branch's e-mail is still a placeholder in branches.yml: nothing to send to.
        return None
    created_at = _text(registration.get("created_at"))
    kind = "waitlist" if registration.get("kind") == "waitlist" else "registration"
    parts: list[tuple[str, str]] = []
    for language in LANGUAGES:
        # Only these values exist for the notice: it cannot quote a merchant.
        values = {
            "reference": _text(registration["reference"]),
            "branch": branch,
            "branch_name": _label(content, "branches", branch, language),
            "kind_label": content.message(language, "mail", f"kind_{kind}"),
            "created_at": created_at,
            "created_date": created_at[:10],
        }
        parts.append(
            (
                Template(content.message(language, "mail", "branch_notice_subject")).substitute(
                    values
                ),
                content.mail[language].template("branch_notice").substitute(values),
            )
        )
    return Mail(
        purpose="branch",
        reference=_text(registration["reference"]),
        to=(address,),
        subject=parts[0][0],
        body="\n\n-----\n\n".join(body.rstrip("\n") for _subject, body in parts) + "\n",
    )


def _weakest_lines(result: AssessmentDigest, content: Content, language: str) -> str:
    """One line per weak dimension: its name, code, score and level (never an answer)."""
    names = {d.id: d.name for d in content.questionnaire.dimensions}
    levels = {level.code: level.name for level in content.questionnaire.levels}
    lines = []
    for weak in result.weakest:
        name = names[weak.dimension](language) if weak.dimension in names else weak.dimension
        level = levels[weak.level](language) if weak.level in levels else weak.level
        lines.append(f"- {name} ({weak.dimension}) – {weak.score}/100, {level} ({weak.level})")
    return "\n".join(lines)


def assessment_notice(
    assessment: dict[str, Any],
    registration: dict[str, Any],
    content: Content,
    fallback: str | None,
) -> Mail | None:
    """The branch's short notice of an assessment linked to one of its registrations: the
    overall level and the three weakest dimensions, French then English. Built from codes
    and scores only: the stream's image also holds the answers, which no value here reads.
    None without an address or without scores."""
    branch = _text(registration.get("branch"))
    known = content.branches_by_id.get(branch)
    address = (known.notice_address if known else None) or fallback
    result = digest(assessment, content.questionnaire)
    if not address or result is None:
        return None
    reference = _text(assessment.get("reference"))
    taken_at = _text(assessment.get("created_at"))
    levels = {level.code: level.name for level in content.questionnaire.levels}
    parts: list[tuple[str, str]] = []
    for language in LANGUAGES:
        level_name = levels[result.level](language) if result.level in levels else result.level
        values = {
            "reference": reference,
            "branch": branch,
            "branch_name": _label(content, "branches", branch, language),
            "level": result.level,
            "level_name": level_name,
            "score": "" if result.score is None else str(result.score),
            "weakest": ", ".join(weak.dimension for weak in result.weakest),
            "weakest_lines": _weakest_lines(result, content, language),
            "taken_at": taken_at,
            "created_date": _text(registration.get("created_at"))[:10],
        }
        parts.append(
            (
                Template(content.message(language, "mail", "assessment_notice_subject")).substitute(
                    values
                ),
                content.mail[language].template("assessment_notice").substitute(values),
            )
        )
    return Mail(
        purpose="assessment",
        reference=reference,
        to=(address,),
        subject=parts[0][0],
        body="\n\n-----\n\n".join(body.rstrip("\n") for _subject, body in parts) + "\n",
    )


def mails_for(
    registration: dict[str, Any],
    content: Content,
    site_url: str,
    fallback: str | None,
    confirm_url: str = "",
) -> list[Mail]:
    """The e-mails one newly stored registration (or callback-list entry) calls for."""
    mails = []
    if registration.get("email"):
        mails.append(merchant_confirmation(registration, content, site_url, confirm_url))
    notice = branch_notice(registration, content, fallback)
    if notice is not None:
        mails.append(notice)
    return mails


class SesMailer:
    """Sends plain-text e-mails with SES (API v2); the client is created on first use."""

    def __init__(self, sender: str, client: Any = None) -> None:
        self._sender = sender
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "sesv2", config=Config(retries={"max_attempts": 3, "mode": "standard"})
            )
        return self._client

    def send(self, mail: Mail) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": list(mail.to)},
                Content={
                    "Simple": {
                        "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": mail.body, "Charset": "UTF-8"}},
                    }
                },
            )
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "Unknown"))
            raise (MailRefused if code in PERMANENT_CODES else MailNotSent)(code) from None
        except BotoCoreError as error:
            raise MailNotSent(type(error).__name__) from None
        message_id: str = response["MessageId"]
        return message_id
