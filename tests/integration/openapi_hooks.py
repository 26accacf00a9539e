"""Schemathesis hooks for the forms API (`SCHEMATHESIS_HOOKS=openapi_hooks`).

One check, `valid_requests_are_accepted`: schemathesis' `positive_data_acceptance`, told
the refusals no schema can rule out because they depend on what is stored or on the clock,
each of which the document names: a business already registered (409), one the program
can't take (422, eligibility), a reference no registration has (400 `unknown_reference`),
a post sent seconds after the form was shown (400 `submission_too_fast`). Any other refusal
of a request the document calls valid fails, JSON or HTML page alike.
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
    page = re.sub(r"\s+", " ", unescape(response.text))
    return {code for code, texts in messages().items() if any(text in page for text in texts)}


@schemathesis.check
def valid_requests_are_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
        return None
    if response.status_code in STATE_REFUSALS:
        return None
    codes = refusal_codes(response) if response.status_code == 400 else set()
    if response.status_code == 400 and codes and codes <= STATE_CODES:
        return None
    raise AssertionError(
        f"A request valid by the document was refused: {response.status_code} "
        f"{sorted(codes) or response.text[:200]}"
    )
