"""Schemathesis hooks for the forms API (`SCHEMATHESIS_HOOKS=openapi_hooks`).

One check, `valid_requests_are_accepted`: schemathesis' `positive_data_acceptance`, told
the refusals no schema can rule out because they depend on what is stored or on the clock,
each of which the document names: the form changed since it was shown (409), one the
program can't take (422, eligibility), a reference no registration has (400
`unknown_reference`), and a signed token of the journey that a generator cannot make
(`TOKEN_PATHS`). Any other refusal of a request the document calls valid fails, JSON or
HTML page alike.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any

import schemathesis
import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content" / "data"
STATE_REFUSALS = {409, 422}
STATE_CODES = {"unknown_reference", "submission_too_fast"}
# The signed tokens of the journey (a check page's, a confirmation's, a result's) cannot be
# generated from the document: a made-up one is refused (400 forged, 410 expired, 425 too
# early after its check page), as it must be.
TOKEN_PATHS = {
    "/registrations/send",
    "/registrations/check",
    "/registrations/edit",
    "/registrations/confirmation",
    "/registrations/confirm",
    "/assessments/result",
    "/assessments/mail",
    "/assessments/results",
}
TOKEN_REFUSALS = {400, 410, 425}


@cache
def messages() -> dict[str, set[str]]:
    """Error code → its messages in both languages."""
    by_code: dict[str, set[str]] = {}
    for lang in ("fr", "en"):
        strings = yaml.safe_load((CONTENT / "i18n" / f"{lang}.yml").read_text(encoding="utf-8"))
        for code, text in strings["errors"].items():
            by_code.setdefault(code, set()).add(text)
    return by_code


def refusal_codes(response: Any) -> set[str]:
    """The error codes of a refusal: from the JSON body, or the messages on the page."""
    content_type = response.headers.get("Content-Type", [""])
    media_type = (content_type[0] if isinstance(content_type, list) else content_type).lower()
    if media_type.startswith("application/json"):
        return {error["code"] for error in json.loads(response.text)["errors"]}
    # The page's own refusal, not the messages it keeps hidden for the script's step checks.
    shown = re.sub(
        r'<p class="vnb-error-message"[^>]*\bhidden>.*?</p>', "", response.text, flags=re.S
    )
    page = re.sub(r"\s+", " ", unescape(shown))
    return {code for code, texts in messages().items() if any(text in page for text in texts)}


@schemathesis.check
def valid_requests_are_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
        return None
    if response.status_code in STATE_REFUSALS:
        return None
    if case.path in TOKEN_PATHS and response.status_code in TOKEN_REFUSALS:
        return None
    codes = refusal_codes(response) if response.status_code == 400 else set()
    if response.status_code == 400 and codes and codes <= STATE_CODES:
        return None
    raise AssertionError(
        f"A request valid by the document was refused: {response.status_code} "
        f"{sorted(codes) or response.text[:200]}"
    )
