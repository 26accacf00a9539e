"""The request body, read once at the edge of the resolver: decoded, bounded, or refused.

API Gateway hands a function text bodies as they came and every other body base64-encoded.
Powertools decodes on demand and lets through what it cannot read: a base64 body that isn't
UTF-8 (`UnicodeDecodeError` in `decoded_body`), a multipart post without a boundary
(`ValueError` in its validation middleware), JSON nested past the recursion limit
(`RecursionError`) or an integer past Python's 4,300 digits (`ValueError`): each would be a
500, an ERROR log and an alarm for what is the client's mistake. Here the body is checked
before `app.resolve`: what the handlers can't read is a 400 (`UnreadableBody`) or a 413
(`PayloadTooLarge`) in the visitor's language, and what they can read goes on as a
normalised event (lower-case header names, the media type in lower case, the body as text,
`isBase64Encoded` false; a multipart body stays base64, see `_normalised`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from forms_api.domain.errors import DomainError, PayloadTooLarge, UnreadableBody
from forms_api.handlers.answers import error_response, raw_response
from forms_api.handlers.form_page import FormPage
from forms_api.handlers.runtime import count, logger
from forms_api.settings import get_settings

# The forms nest two levels (the assessment's answers); a post nested past this is no form.
MAX_JSON_DEPTH = 32
# No field takes a number longer than a timestamp; Python refuses ints past 4,300 digits.
MAX_NUMBER_DIGITS = 64
UTF8_NAMES = ("utf-8", "utf8")
# RFC 2046: 1 to 70 characters, not ending with a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
# JSON seen as strings (skipped, even unterminated), brackets and digit runs.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{]|[\]}]|[0-9]+', re.DOTALL)


@dataclass(frozen=True)
class Checked:
    """The event to resolve, or the answer already given (an HTTP API v2 result)."""

    event: dict[str, Any]
    answer: dict[str, Any] | None = None


def check_body(event: dict[str, Any], page: FormPage) -> Checked:
    """Read the body once; refuse it in the visitor's language if the handlers can't."""
    try:
        return Checked(_normalised(event))
    except DomainError as error:
        count(page.name, error.outcome)
        logger.info(
            "submission not read",
            extra={"outcome": error.outcome, "codes": [p.code for p in error.problems]},
        )
        # Answered from the headers alone: nothing in a body refused here is read.
        unread = {**event, "headers": _headers(event.get("headers")), "body": ""}
        unread["isBase64Encoded"] = False
        return Checked(event, raw_response(error_response(unread, error, page)))


def _normalised(event: dict[str, Any]) -> dict[str, Any]:
    headers = _headers(event.get("headers"))
    media_type, parameters = _content_type(headers.get("content-type", ""))
    # Powertools picks its parser by prefix (`multipart/form-data…`): so does this check.
    multipart = media_type.startswith("multipart/form-data")
    if multipart:
        boundary = parameters.get("boundary", "")
        if not _BOUNDARY.fullmatch(boundary):
            raise UnreadableBody("multipart_boundary")
        headers["content-type"] = f"{media_type}; boundary={boundary}"
    elif media_type:
        # Its parameters are checked below; Powertools compares the type case-sensitively.
        headers["content-type"] = media_type
    encoded = event.get("body")
    if encoded is None or encoded == "":
        # (Powertools warns about a multipart body that isn't base64, even an empty one.)
        return {**event, "headers": headers, "body": "", "isBase64Encoded": multipart}
    if not isinstance(encoded, str):
        raise UnreadableBody("body_not_text")
    limit = get_settings().max_body_bytes
    is_base64 = bool(event.get("isBase64Encoded"))
    # Measured before decoding: a body past the limit is not worth reading.
    if (len(encoded) * 3 // 4 if is_base64 else len(encoded)) > limit:
        raise PayloadTooLarge()
    if headers.get("content-encoding", "").strip().lower() not in ("", "identity"):
        raise UnreadableBody("body_encoded")
    charset = parameters.get("charset")
    if charset is not None and charset.lower() not in UTF8_NAMES:
        raise UnreadableBody("body_not_text")
    raw = _bytes(encoded, is_base64)
    if len(raw) > limit:
        raise PayloadTooLarge()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableBody("body_not_text") from None
    if multipart:
        # Powertools reads a multipart body as bytes: from base64, or from text through
        # latin-1 (which fails on UTF-8 text), so it stays base64 here.
        body = base64.b64encode(raw).decode("ascii")
        return {**event, "headers": headers, "body": body, "isBase64Encoded": True}
    # No content type is read as JSON by Powertools, as is anything starting like it.
    if not media_type or media_type.startswith("application/json"):
        _check_json(text)
    return {**event, "headers": headers, "body": text, "isBase64Encoded": False}


def _headers(headers: Any) -> dict[str, str]:
    """Header names in lower case, as HTTP APIs give them; repeated ones joined by commas."""
    result: dict[str, str] = {}
    for name, value in (headers or {}).items() if isinstance(headers, dict) else ():
        key = str(name).lower()
        result[key] = f"{result[key]},{value}" if key in result else str(value)
    return result


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    """`Multipart/Form-Data; Boundary="x"` → (`multipart/form-data`, {"boundary": "x"})."""
    media_type, *rest = value.split(";")
    parameters: dict[str, str] = {}
    for item in rest:
        name, _, raw = item.partition("=")
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1]
        parameters.setdefault(name.strip().lower(), raw)
    return media_type.strip().lower(), parameters


def _bytes(encoded: str, is_base64: bool) -> bytes:
    try:
        if is_base64:
            return base64.b64decode(encoded, validate=True)
        # A text body with lone surrogates (possible in a direct invocation) isn't text.
        return encoded.encode("utf-8")
    except ValueError:  # binascii.Error, non-ASCII base64, UnicodeEncodeError
        raise UnreadableBody("body_not_text") from None


def _check_json(text: str) -> None:
    """Bound nesting and number length before any parser sees them; syntax errors are left
    to Powertools (`json_invalid`)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token[0] in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise UnreadableBody("body_too_complex")
        elif token[0] in "]}":
            depth -= 1
        elif token[0] != '"' and len(token) > MAX_NUMBER_DIGITS:
            raise UnreadableBody("body_too_complex")
