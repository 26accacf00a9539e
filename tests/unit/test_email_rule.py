"""The e-mail rule accepts only what SES can send to, on generated addresses.

SES's documented syntax (SendEmail, Destination): the address string must be 7-bit ASCII
(SES has no SMTPUTF8), a Unicode domain must be Punycode, the local part cannot be; the
address is read as an RFC 5322 address, so it must be one mailbox whose addr-spec needs
no quoting (a comma would make two recipients). The oracle below checks that with the
standard library's own RFC 5322 parser, not with the rule's code.
"""

from __future__ import annotations

import re
import string
import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses

import pytest
from content_model import load_content
from forms_api.domain import rules
from forms_api.domain.errors import RuleViolation
from forms_support import CONTENT_DATA
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def ses_accepts(address: str) -> bool:
    """SES's documented address syntax, read with Python's RFC 5322 parser."""
    if not address.isascii() or len(address) > 254:
        return False
    try:
        parsed = Address(addr_spec=address)
    except (HeaderParseError, ValueError, IndexError):
        return False
    labels = parsed.domain.split(".")
    return (
        # One mailbox, written as is: no quoting, nothing a header would split on.
        parsed.addr_spec == address
        and getaddresses([address]) == [("", address)]
        and 0 < len(parsed.username) <= 64
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
    )


def outcome(typed: str) -> str:
    try:
        return rules.normalise_email(typed)
    except RuleViolation as violation:
        return violation.code


# Characters a merchant on a phone can type, and those a script sends on purpose.
TYPED = st.sampled_from(
    [
        *string.printable,
        *"éÉèàçôœß",
        "\u00a0",  # no-break space
        "\u2007",
        "＠",  # fullwidth at
        "，",
        "ｅ",
        "\u0301",  # combining acute
    ]
)


@settings(max_examples=600)
@given(
    local=st.text(TYPED, min_size=0, max_size=70),
    domain=st.text(TYPED, min_size=0, max_size=40),
    tld=st.sampled_from(["ca", "com", "québec", "c", ""]),
)
@example(local="zoé", domain="example", tld="ca")
@example(local='"jo,see"', domain="example", tld="ca")
@example(local="jo,see", domain="example", tld="ca")
@example(local="a(b)", domain="example", tld="ca")
@example(local="josee", domain="café", tld="ca")
def test_whatever_the_rule_accepts_ses_accepts(local: str, domain: str, tld: str) -> None:
    typed = f"{local}@{domain}.{tld}" if tld else f"{local}@{domain}"
    result = outcome(typed)
    if "@" in result:
        assert ses_accepts(result), result


@settings(max_examples=300)
@given(address=st.emails())
def test_ordinary_addresses_are_accepted_as_typed(address: str) -> None:
    if len(address) > 254:
        return  # past SMTP's 254 characters: refused, rightly
    local, domain = address.rsplit("@", 1)
    assert rules.normalise_email(f"  {address} ") == f"{local}@{domain.lower()}"


@settings(max_examples=200)
@given(
    address=st.emails(),
    char=st.characters(min_codepoint=0x80, categories=("L", "M", "N", "P", "S")),
    at=st.integers(min_value=0),
)
def test_a_non_ascii_local_part_is_undeliverable_not_malformed(
    address: str, char: str, at: int
) -> None:
    local, domain = address.rsplit("@", 1)
    position = at % (len(local) + 1)
    typed = f"{local[:position]}{char}{local[position:]}@{domain}"
    # NFC may compose the character with its neighbour, or make it ASCII (the Kelvin sign
    # becomes K): the rule judges the normalised text.
    assume(not unicodedata.normalize("NFC", typed).isascii())
    assert outcome(typed) in {"email_undeliverable", "too_long"}


@pytest.mark.parametrize(
    "typed",
    [
        "zoé@example.ca",
        "ZOÉ@example.ca",
        "josee@café.ca",
        "jo,see@example.ca",
        '"josee"@example.ca',
        "jo(see)@example.ca",
        "jo[see]@example.ca",
        "jo\\see@example.ca",
        "jo;see@example.ca",
        "jo:see@example.ca",
        "jo<see>@example.ca",
        "josee＠example.ca".replace("＠", "@") + "，",
    ],
)
def test_addresses_ses_cannot_take_are_refused_as_undeliverable(typed: str) -> None:
    assert outcome(typed) == "email_undeliverable"
    assert not ses_accepts(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "josee",
        "josee@",
        "@example.ca",
        "jo see@example.ca",
        "a@b",
        "a@@b.ca",
        "a..b@x.ca",
        ".a@x.ca",
    ],
)
def test_malformed_addresses_keep_the_format_message(typed: str) -> None:
    assert outcome(typed) == "email_format"


@pytest.mark.parametrize(
    "typed",
    ["josee.cote@example.ca", "o'neil@example.ca", "vente+vnb@boutique-elan.qc.ca", "a_b@x.co"],
)
def test_usual_addresses_pass(typed: str) -> None:
    assert outcome(typed) == typed
    assert ses_accepts(typed)


def test_the_undeliverable_message_exists_in_both_languages() -> None:
    content = load_content(CONTENT_DATA)
    french = content.message("fr", "errors", "email_undeliverable")
    english = content.message("en", "errors", "email_undeliverable")
    assert "accents" in french and "accents" in english
    assert french != english
