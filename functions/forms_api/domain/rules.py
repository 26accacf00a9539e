"""Format rules for what merchants type, and the identifiers we hand back."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta

from forms_api.domain.errors import RuleViolation

# GOV.UK Forms' lesson: no look-alike characters (no I, O, 0, 1) in references read aloud.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PATTERN = re.compile(r"^VNB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")

_NEQ_SEPARATORS = re.compile(r"[\s\-.]")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
# Deliberately simple: the real check is that staff reach the person.
_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
# What SES can send to: it has no SMTPUTF8, so 7-bit ASCII only, and a local part that
# is a dot-atom of RFC 5322 `atext` (no quotes, commas, brackets, spaces or backslashes,
# which a mail system reads as syntax: a comma separates two recipients).
_ATEXT = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~"
)
_CONTROL_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def new_reference() -> str:
    """A reference like VNB-7K3F-9Q2M: 40 random bits from the OS's CSPRNG."""
    chars = [secrets.choice(REFERENCE_ALPHABET) for _ in range(8)]
    return f"VNB-{''.join(chars[:4])}-{''.join(chars[4:])}"


_REFERENCE_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015]")


def normalise_reference(value: str) -> str:
    """`VNB-7K3F-9Q2M` however it is typed: spaces, dashes, lower case, with or without
    the `VNB` prefix."""
    compact = _REFERENCE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    compact = compact.removeprefix("VNB")
    candidate = f"VNB-{compact[:4]}-{compact[4:]}"
    if len(compact) != 8 or not REFERENCE_PATTERN.match(candidate):
        raise RuleViolation("reference_format")
    return candidate


def clean_text(value: str, *, max_length: int) -> str:
    """Trim, NFC-normalise and refuse control characters; markup stays plain text."""
    text = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in text):
        raise RuleViolation("control_characters")
    if not text:
        raise RuleViolation("required")
    if len(text) > max_length:
        raise RuleViolation("too_long")
    return text


def normalise_neq(value: str) -> str:
    """The Québec enterprise number: 10 digits; spaces, dashes and dots are tolerated."""
    digits = _NEQ_SEPARATORS.sub("", value)
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise RuleViolation("neq_format")
    return digits


# "514 555-0123 poste 22", "… ext. 22", "… x22", "… #22": the extension is kept apart.
_EXTENSION = re.compile(
    r"^(?P<number>.*?)[\s,;]*(?:poste|post\.?|p\.|ext\.?|extension|x|#)\s*(?P<ext>\d{1,6})\s*$",
    re.IGNORECASE,
)


def split_extension(value: str) -> tuple[str, str | None]:
    """(the number, its extension or None)."""
    match = _EXTENSION.match(value.strip())
    if match is None:
        return value, None
    return match.group("number"), match.group("ext")


def normalise_phone(value: str) -> str:
    """A Canadian (North American numbering plan) number → E.164 `+1XXXXXXXXXX`."""
    digits = _PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+"):
        digits = digits[1:]
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise RuleViolation("phone_format")
    # Area code and exchange never start with 0 or 1 in the plan.
    if digits[0] in "01" or digits[3] in "01":
        raise RuleViolation("phone_format")
    return f"+1{digits}"


_EMPLOYEES_SEPARATORS = re.compile(r"[\s\u00a0\u202f]")


def normalise_employees(value: str) -> int:
    """A head count typed in a text field (numeric keyboard): digits only, spaces as
    thousands separators tolerated. "5,5" or "12 employés" are refused, never read as 55."""
    text = _EMPLOYEES_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if not text:
        raise RuleViolation("required")
    if not (text.isascii() and text.isdigit()):
        raise RuleViolation("employees_format")
    if len(text) > 7:
        raise RuleViolation("out_of_range")
    return int(text)


def normalise_email(value: str) -> str:
    """An address the program's mail system (SES) can write to, domain lower-cased.

    `email_format`: not shaped like an address (a typo). `email_undeliverable`: shaped
    like one, but with characters SES cannot send to (accents, quotes, commas…).
    """
    email = clean_text(value, max_length=254)
    if email.count("@") != 1 or any(char.isspace() for char in email):
        raise RuleViolation("email_format")
    local, domain = email.split("@")
    if not local or not email.isascii() or not set(local) <= _ATEXT | {"."}:
        raise RuleViolation("email_undeliverable" if local else "email_format")
    if not _EMAIL.match(email) or ".." in local or local.startswith(".") or local.endswith("."):
        raise RuleViolation("email_format")
    return f"{local}@{domain.lower()}"


def mask_email(email: str) -> str:
    """`j•••@example.ca`: enough for a merchant to recognise their address, no more."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}•••{at}{domain}" if at else ""


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def expires_at(created: datetime, retention_days: int) -> int:
    """Epoch seconds after which DynamoDB's TTL removes the personal data."""
    return int((created + timedelta(days=retention_days)).timestamp())
