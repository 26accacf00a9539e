"""E-mails sent after a registration is stored: what they say, and sending them through SES.

The texts are content, not code: bodies in `content/data/mail/<language>/*.txt`,
subjects in the `mail:` section of `content/data/i18n/<language>.yml`, both
edited by staff in Git. `${name}` placeholders are filled with `string.Template`;
an unknown placeholder raises, so a typo in a template fails the tests instead
of reaching a merchant.

The branch notice is composed from non-personal values only (reference, branch,
kind, date): a template that asked for the contact's name could not be filled.

`SesMailer` is the only boto3 user of this module; its client is created on
first use so moto can start first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

import yaml

PLACEHOLDER = "À CONFIRMER"
LANGUAGES = ("fr", "en")


class MailNotSent(Exception):
    """SES refused or failed. Carries the error code only: SES messages can quote addresses."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Mail:
    purpose: str  # "merchant" | "branch": with the reference, the idempotency key
    reference: str
    to: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class MailContent:
    """Everything the e-mails need from the content, loaded once per cold start."""

    strings: dict[str, dict[str, str]]  # language → mail: section
    bodies: dict[str, dict[str, Template]]  # language → template name → body
    labels: dict[str, dict[str, dict[str, str]]]  # table → code → language → label
    branch_emails: dict[str, str]  # branch id → address, placeholders left out


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _labels(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, str]]:
    return {str(row[key]): {"fr": str(row["name_fr"]), "en": str(row["name_en"])} for row in rows}


def load_mail_content(data_dir: Path) -> MailContent:
    branches = _yaml(data_dir / "branches.yml")
    emails: dict[str, str] = {}
    for branch in branches:
        address = str(branch.get("email") or "").strip()
        if address and address != PLACEHOLDER:
            emails[str(branch["id"])] = address
    return MailContent(
        strings={
            language: {
                key: str(value)
                for key, value in _yaml(data_dir / "i18n" / f"{language}.yml")["mail"].items()
            }
            for language in LANGUAGES
        },
        bodies={
            language: {
                path.stem: Template(path.read_text(encoding="utf-8"))
                for path in sorted((data_dir / "mail" / language).glob("*.txt"))
            }
            for language in LANGUAGES
        },
        labels={
            "branches": _labels(branches, "id"),
            "regions": _labels(_yaml(data_dir / "regions.yml"), "code"),
            "sectors": _labels(_yaml(data_dir / "sectors.yml"), "code"),
        },
        branch_emails=emails,
    )


@lru_cache(maxsize=4)
def cached_mail_content(data_dir: Path) -> MailContent:
    return load_mail_content(data_dir)


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return "" if value is None else str(value)


def _label(content: MailContent, table: str, code: Any, language: str) -> str:
    if code is None:
        return content.strings[language]["not_given"]
    return content.labels[table].get(str(code), {}).get(language, str(code))


def _site_url(site_url: str, language: str) -> str:
    return f"{site_url.rstrip('/')}/{language}/" if site_url else ""


def merchant_confirmation(
    registration: dict[str, Any], content: MailContent, site_url: str
) -> Mail:
    """The merchant's confirmation, in the language they used on the form."""
    language = registration.get("language") if registration.get("language") in LANGUAGES else "fr"
    language = str(language)
    template = "waitlist" if registration.get("kind") == "waitlist" else "confirmation"
    strings = content.strings[language]
    not_given = strings["not_given"]
    values = {
        "reference": _text(registration["reference"]),
        "contact_name": _text(registration.get("contact_name")) or not_given,
        "legal_name": _text(registration.get("legal_name")) or not_given,
        "branch": _text(registration.get("branch")),
        "branch_name": _label(content, "branches", registration.get("branch"), language),
        "sector_name": _label(content, "sectors", registration.get("sector"), language),
        "region_name": _label(content, "regions", registration.get("region"), language),
        "employees": _text(registration.get("employees")) or not_given,
        "site_url": _site_url(site_url, language),
    }
    return Mail(
        purpose="merchant",
        reference=values["reference"],
        to=(str(registration["email"]),),
        subject=Template(strings[f"{template}_subject"]).substitute(values),
        body=content.bodies[language][template].substitute(values),
    )


def branch_notice(
    registration: dict[str, Any], content: MailContent, fallback: str | None
) -> Mail | None:
    """The branch's notice, French then English, with no personal data; None if no address."""
    branch = _text(registration.get("branch"))
    address = content.branch_emails.get(branch) or fallback
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
            "kind_label": content.strings[language][f"kind_{kind}"],
            "created_at": created_at,
            "created_date": created_at[:10],
        }
        parts.append(
            (
                Template(content.strings[language]["branch_notice_subject"]).substitute(values),
                content.bodies[language]["branch_notice"].substitute(values),
            )
        )
    return Mail(
        purpose="branch",
        reference=_text(registration["reference"]),
        to=(address,),
        subject=parts[0][0],
        body="\n\n-----\n\n".join(body.rstrip("\n") for _subject, body in parts) + "\n",
    )


def mails_for(
    registration: dict[str, Any], content: MailContent, site_url: str, fallback: str | None
) -> list[Mail]:
    """The e-mails one newly stored registration (or callback-list entry) calls for."""
    mails = []
    if registration.get("email"):
        mails.append(merchant_confirmation(registration, content, site_url))
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
            raise MailNotSent(str(error.response.get("Error", {}).get("Code", "Unknown"))) from None
        except BotoCoreError as error:
            raise MailNotSent(type(error).__name__) from None
        message_id: str = response["MessageId"]
        return message_id
