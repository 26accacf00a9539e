"""Real HTTP API (payload v2) events and a Lambda context for the forms handlers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode


@dataclass
class FakeContext:
    function_name: str = "forms"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:ca-central-1:123456789012:function:forms"
    memory_limit_in_mb: int = 256
    aws_request_id: str = "c0ffee00-0000-4000-8000-000000000001"
    log_group_name: str = "/aws/lambda/forms"
    log_stream_name: str = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def http_event(
    path: str,
    body: str | bytes | None,
    content_type: str | None = "application/json",
    *,
    headers: dict[str, str] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """What API Gateway's HTTP API hands the function for `POST /api<path>`."""
    all_headers = {"host": "vnb.example.org", "user-agent": "pytest", **(headers or {})}
    if content_type is not None:
        all_headers["content-type"] = content_type
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if raw is not None and base64_body:
        encoded: str | None = base64.b64encode(raw).decode("ascii")
    else:
        encoded = raw.decode("utf-8") if raw is not None else None
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": f"/api{path}",
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in all_headers.items()},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "vnb.example.org",
            "domainPrefix": "vnb",
            "http": {
                "method": "POST",
                "path": f"/api{path}",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "pytest",
            },
            "requestId": "req",
            "routeKey": "$default",
            "stage": "$default",
            "time": "28/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1795860000000,
        },
        "isBase64Encoded": base64_body,
    }
    if encoded is not None:
        event["body"] = encoded
    return event


def json_event(path: str, payload: Any, **kwargs: Any) -> dict[str, Any]:
    return http_event(path, json.dumps(payload), "application/json", **kwargs)


def form_event(path: str, fields: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A browser's form post; HTTP API base64-encodes it."""
    pairs = [(k, v) for k, v in fields.items() if v is not None]
    return http_event(
        path,
        urlencode(pairs),
        "application/x-www-form-urlencoded",
        base64_body=True,
        **kwargs,
    )


def valid_registration(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "legal_name": "Boutique Élan inc.",
        "neq": "1170000001",
        "sector": "clothing",
        "employees": 12,
        "region": "04",
        "sells_online": False,
        "contact_name": "Josée Côté",
        "email": "Josee.Cote@Example.CA",
        "phone": "(819) 555-0142",
        "language": "fr",
        "consent": True,
        "survey_consent": True,
        "utm_source": "communique",
        "utm_campaign": "lancement-2026",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def as_form(payload: dict[str, Any]) -> dict[str, str]:
    """The same submission as a browser sends it (booleans as the checkboxes/radios send them)."""
    fields = {}
    for key, value in payload.items():
        if isinstance(value, bool):
            if key in ("consent", "survey_consent"):
                if value:
                    fields[key] = "true"
                continue
            fields[key] = "true" if value else "false"
        else:
            fields[key] = str(value)
    return fields


def response_json(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def get_event(path: str, query: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
    """`GET /api<path>?<query>` as HTTP API hands it over (the confirmation's address…)."""
    event = http_event(path, None, None, **kwargs)
    event["requestContext"]["http"]["method"] = "GET"
    if query:
        event["rawQueryString"] = urlencode(query)
        event["queryStringParameters"] = dict(query)
    return event


def follow(response: dict[str, Any], handler: Any) -> dict[str, Any]:
    """The page a 303 leads to, asked of the same function (`handler(event)`)."""
    assert response["statusCode"] == 303, response.get("body", "")[:500]
    location = response["headers"]["Location"]
    path, _, query = location.partition("?")
    assert path.startswith("/api/")
    return dict(handler(get_event(path.removeprefix("/api"), dict(parse_qsl(query)))))


class _Hidden(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields a page posts back (the "check your answers" page's values and token)."""
    parser = _Hidden()
    parser.feed(page)
    return parser.fields


def send_path(path: str) -> str:
    return f"{path}/send"


def check_then_send_json(post: Any, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A JSON client's two steps: the check answer (200, a form token), then Send with the
    token: the final answer."""
    check = post(json_event(path, payload))
    assert check["statusCode"] == 200, check["body"][:500]
    token = response_json(check)["form_token"]
    return dict(post(json_event(send_path(path), {"form_token": token})))


def check_page(post: Any, path: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A browser's form post and the "check your answers" page its 303 leads to."""
    return follow(post(form_event(path, fields)), post)


def check_then_send_form(post: Any, path: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A browser's two steps: the form posts, the "check your answers" page shows (its own
    address), its Send button posts the page's token: the final answer (a 303)."""
    check = check_page(post, path, fields)
    assert check["statusCode"] == 200, check["body"][:500]
    fields = {**hidden_fields(check["body"]), "step": "send"}
    return dict(post(form_event(send_path(path), fields)))
