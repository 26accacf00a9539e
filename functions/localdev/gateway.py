"""The local gateway: HTTP in, API Gateway HTTP API (payload 2.0) events out, and back.

No maintained library does this direction (apig-wsgi and Mangum turn events
into WSGI; `sam local start-api` needs Docker), so it is written here, small,
following the documented payload format and what AWS is observed to send.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

Handler = Callable[[dict[str, Any], Any], Any]

# HTTP APIs hand these bodies over as text; every other type, a missing one and
# (surprisingly) application/x-www-form-urlencoded arrive base64-encoded.
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript")

_TIMEOUT_MS = 10_000
# An HTTP API refuses larger requests itself (413) before any function runs.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that Powertools reads."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    _deadline: float = field(default_factory=lambda: time.monotonic() + _TIMEOUT_MS / 1000)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:ca-central-1:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def is_text(content_type: str) -> bool:
    mimetype = content_type.split(";", 1)[0].strip().lower()
    return mimetype.startswith("text/") or mimetype in _TEXT_TYPES


def travels_as_text(content_type: str, content_encoding: str, raw: bytes) -> bool:
    """Whether the body goes into the event as text: a text type, not compressed (an encoded
    body is bytes whatever its type) and UTF-8 (the event is JSON: other bytes can't be text)."""
    if not is_text(content_type) or content_encoding.strip().lower() not in ("", "identity"):
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def http_api_event(request: Request, route_key: str) -> dict[str, Any]:
    """The event API Gateway would give a Lambda function for this request."""
    raw = request.get_data(cache=True)
    text = travels_as_text(
        request.content_type or "", request.headers.get("Content-Encoding", ""), raw
    )
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        # Repeated headers are joined by commas; cookies move to their own list.
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookie_header = headers.pop("cookie", "")
    # What CloudFront adds to every request to the API (infra/template.yaml, OriginCustomHeaders),
    # whatever the visitor sent in its place.
    origin = os.environ.get("ORIGIN_KEY")
    if origin:
        headers["x-vnb-origin"] = origin
    # What the API adds in front of the function (behind CloudFront, the viewer's address).
    headers.setdefault("x-forwarded-for", request.remote_addr or "127.0.0.1")
    headers.setdefault("x-forwarded-proto", request.scheme)
    headers.setdefault("x-forwarded-port", str(request.environ.get("SERVER_PORT", "")))
    query = {key: ",".join(values) for key, values in request.args.lists()}
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string.decode("latin-1"),
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": request.host,
            "domainPrefix": request.host.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.user_agent.string,
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": bool(raw) and not text,
    }
    if cookie_header:
        event["cookies"] = [part.strip() for part in cookie_header.split(";") if part.strip()]
    if query:
        event["queryStringParameters"] = query
    if raw:
        event["body"] = raw.decode("utf-8") if text else base64.b64encode(raw).decode("ascii")
    return event


def own_answer(status: int, message: str) -> Response:
    """API Gateway's own answers (no route, too large, the function failed), as it words them."""
    body = json.dumps({"message": message}, separators=(",", ":"))
    return Response(body, status, mimetype="application/json")


class InvalidResult(ValueError):
    """A handler's answer API Gateway could not turn into HTTP (it answers 500)."""


def http_response(result: Any) -> Response:
    """HTTP from a handler's answer, read as HTTP APIs read payload 2.0 responses.

    Raises `InvalidResult` for what API Gateway refuses (a status that isn't one, a body
    flagged base64 that isn't, header values with line breaks)."""
    try:
        return _http_response(result)
    except (ValueError, TypeError, AttributeError) as error:
        raise InvalidResult(f"{type(error).__name__}: {error}") from error


def _http_response(result: Any) -> Response:
    if not isinstance(result, Mapping) or "statusCode" not in result:
        # A bare value is taken as a 200 JSON body, as AWS does.
        return Response(json.dumps(result), status=200, mimetype="application/json")
    headers = Headers()
    for name, value in (result.get("headers") or {}).items():
        headers.add(name, str(value))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.remove(name)
        for value in values:
            headers.add(name, str(value))
    for cookie in result.get("cookies") or []:
        headers.add("Set-Cookie", cookie)
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        payload = base64.b64decode(str(body), validate=True)
    else:
        payload = str(body).encode("utf-8")
    if "content-type" not in {name.lower() for name, _ in headers.items()}:
        headers["Content-Type"] = "application/json"
    status = int(result["statusCode"])
    if not 100 <= status <= 599:
        raise ValueError(f"status {status}")
    return Response(payload, status=status, headers=headers)


def template_routes(template: dict[str, Any]) -> dict[str, str]:
    """Route key (`POST /api/registrations`) → handler import path, from the SAM template's
    `HttpApi` events: the local API has exactly the routes the deployed one has."""
    default_handler = template.get("Globals", {}).get("Function", {}).get("Handler")
    routes: dict[str, str] = {}
    for resource in template["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        for event in (properties.get("Events") or {}).values():
            if event.get("Type") == "HttpApi":
                method = str(event["Properties"].get("Method", "ANY")).upper()
                path = event["Properties"]["Path"]
                routes[f"{method} {path}"] = properties.get("Handler", default_handler)
    return routes


def match_route(routes: dict[str, str], method: str, path: str) -> str | None:
    """The route key API Gateway would pick: the exact method first, then ANY."""
    for key in (f"{method} {path}", f"ANY {path}"):
        if key in routes:
            return key
    return None


def load_handler(path: str) -> Handler:
    """`package.module.function` → the function (imported on first use, as a cold start)."""
    module_name, _, attribute = path.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    return handler


def function_name(handler_path: str) -> str:
    """A name for the context: `forms_api.handlers.registration.lambda_handler` → `registration`."""
    parts = handler_path.split(".")
    return parts[-2] if len(parts) > 1 else parts[0]
