"""Reading the request: headers, the kind of post, the fields as typed, the visitor's language."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlparse

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def header(event: dict[str, Any], name: str) -> str:
    headers = event.get("headers") or {}
    return str(next((v for k, v in headers.items() if k.lower() == name), ""))


def is_form_post(event: dict[str, Any]) -> bool:
    """An HTML form (no JavaScript): the answer is a page, not JSON."""
    return header(event, "content-type").lower().startswith(FORM_CONTENT_TYPES)


def wants_html(event: dict[str, Any]) -> bool:
    """A person's browser (a form post, or a page asked for): answer with a page."""
    return is_form_post(event) or "text/html" in header(event, "accept").lower()


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body)
        except ValueError:
            return b""
    return str(body).encode("utf-8")


def submitted_values(event: dict[str, Any]) -> dict[str, str]:
    """The fields as typed, to put back in the form after an error (first value of each)."""
    if not is_form_post(event):
        return {}
    parsed = parse_qs(raw_body(event).decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items() if values}


def visitor_language(event: dict[str, Any], chosen: str | None = None) -> str:
    """The `language` field, else the page the form was on (/fr/ or /en/), else French."""
    if chosen in ("fr", "en"):
        return chosen
    value = submitted_values(event).get("language")
    if value in ("fr", "en"):
        return value
    try:
        path = urlparse(header(event, "referer")).path
    except ValueError:  # a Referer such as `http://[` (urlparse refuses the host)
        path = ""
    return "en" if path.startswith("/en/") or path == "/en" else "fr"
