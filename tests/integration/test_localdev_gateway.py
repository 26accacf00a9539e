"""The local gateway, in process: the events it builds, its answers, the files it serves."""

from __future__ import annotations

import base64
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from localdev.app import LocalApp
from werkzeug.test import Client

# The last event and context each test handler saw.
SEEN: dict[str, Any] = {}


def echo_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    SEEN["event"], SEEN["context"] = event, context
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


def binary_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "image/png", "X-One": "1"},
        "multiValueHeaders": {"X-Many": ["a", "b"]},
        "cookies": ["session=abc; Path=/; HttpOnly", "lang=fr; Path=/"],
        "body": base64.b64encode(b"\x89PNG\x00\xff").decode(),
        "isBase64Encoded": True,
    }


def redirect_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 303, "headers": {"Location": "/fr/merci/"}, "body": ""}


def failing_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("boom")


def bare_handler(event: dict[str, Any], context: Any) -> list[int]:
    return [1, 2]


def bad_base64_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": "not base64!", "isBase64Encoded": True}


def bad_status_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": "soon", "body": "{}"}


def header_injection_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"X-Echo": "a\r\nSet-Cookie: b=c"}, "body": "{}"}


def _routes() -> dict[str, str]:
    return {
        "ANY /api/echo": f"{__name__}.echo_handler",
        "GET /api/binary": f"{__name__}.binary_handler",
        "POST /api/redirect": f"{__name__}.redirect_handler",
        "ANY /api/failing": f"{__name__}.failing_handler",
        "ANY /api/bare": f"{__name__}.bare_handler",
        "GET /api/bad-base64": f"{__name__}.bad_base64_handler",
        "GET /api/bad-status": f"{__name__}.bad_status_handler",
        "GET /api/header-injection": f"{__name__}.header_injection_handler",
        "POST /api/missing": "no_such_package.handlers.lambda_handler",
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    files = {
        "index.html": "<p>racine</p>",
        "404.html": "<p>introuvable / not found</p>",
        "fr/404.html": "<p>introuvable</p>",
        "fr/index.html": "<p>accueil</p>",
        "fr/inscription/index.html": "<p>inscription</p>",
        "en/404.html": "<p>not found</p>",
        "assets/style.css": "body{}",
        "assets/logo.svg": "<svg/>",
        "sitemap.xml": "<urlset/>",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(site: Path) -> Client:
    return Client(LocalApp(site, _routes()), use_cookies=False)


def test_a_json_post_becomes_a_complete_http_api_v2_event(client: Client) -> None:
    response = client.post(
        "/api/echo?b=2&a=1&a=3",
        data=json.dumps({"legal_name": "Café Éole"}),
        headers=[
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-Custom-Header", "One"),
            ("X-Custom-Header", "Two"),
            ("User-Agent", "pytest-agent"),
            ("Cookie", "lang=fr; consent=yes"),
        ],
    )

    assert response.status_code == 200
    event = SEEN["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /api/echo"
    assert event["rawPath"] == "/api/echo"
    assert event["rawQueryString"] == "b=2&a=1&a=3"
    assert event["queryStringParameters"] == {"a": "1,3", "b": "2"}
    assert all(name == name.lower() for name in event["headers"])
    # Repeated headers are joined by commas (the WSGI server already merges them).
    assert [part.strip() for part in event["headers"]["x-custom-header"].split(",")] == [
        "One",
        "Two",
    ]
    assert event["headers"]["content-type"] == "application/json; charset=utf-8"
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert event["cookies"] == ["lang=fr", "consent=yes"]
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"legal_name": "Café Éole"}
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/api/echo",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "pytest-agent",
    }
    assert context["stage"] == "$default"
    assert context["routeKey"] == "ANY /api/echo"
    assert context["requestId"]
    assert isinstance(context["timeEpoch"], int) and context["timeEpoch"] > 1_700_000_000_000


def test_form_posts_and_binary_bodies_arrive_base64_encoded_as_on_aws(client: Client) -> None:
    client.post("/api/echo", data={"legal_name": "Boutique à Lévis", "language": "fr"})
    event = SEEN["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]).decode() == (
        "legal_name=Boutique+%C3%A0+L%C3%A9vis&language=fr"
    )

    raw = bytes(range(256))
    client.post("/api/echo", data=raw, content_type="application/octet-stream")
    assert base64.b64decode(SEEN["event"]["body"]) == raw


def test_bodies_that_cannot_travel_as_text_arrive_base64_encoded(client: Client) -> None:
    # The event is JSON: bytes that aren't UTF-8 can't be its text, whatever the type says.
    raw = b'{"legal_name": "Caf\xe9"}'
    assert client.post("/api/echo", data=raw, content_type="application/json").status_code == 200
    event = SEEN["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_a_compressed_body_is_passed_on_as_sent_with_its_encoding(client: Client) -> None:
    for encoding, raw in (("gzip", gzip.compress(b'{"a": 1}')), ("br", b'{"a": 1}')):
        response = client.post(
            "/api/echo",
            data=raw,
            headers={"Content-Type": "application/json", "Content-Encoding": encoding},
        )
        assert response.status_code == 200
        event = SEEN["event"]
        # Not decompressed: the function sees the bytes and the header the client sent.
        assert event["headers"]["content-encoding"] == encoding
        assert event["isBase64Encoded"] is True
        assert base64.b64decode(event["body"]) == raw


@pytest.mark.parametrize(
    "path",
    [
        "/api/%00",
        "/api/echo%00",
        "/api/echo%0d%0a",
        "/api/registrations%0d%0a",
        "/api/%0d%0aSet-Cookie:%20a=b",
        "/api/%ff",
        "/api/echo/%2e%2e",
        "/api/%e2%80%ae",
    ],
)
def test_paths_with_encoded_control_characters_are_no_route(client: Client, path: str) -> None:
    SEEN.clear()
    for method in ("GET", "POST", "HEAD"):
        response = client.open(path, method=method, data=b"{}")
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers
        if method != "HEAD":
            assert response.get_json() == {"message": "Not Found"}
    assert "event" not in SEEN


def test_a_request_past_the_http_api_payload_limit_never_reaches_the_function(
    client: Client,
) -> None:
    SEEN.clear()
    big = b"x" * (10 * 1024 * 1024 + 1)
    response = client.post("/api/echo", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {"message": "Request Entity Too Large"}
    assert "event" not in SEEN


def test_an_answer_api_gateway_cannot_send_is_its_500(client: Client) -> None:
    for path in ("/api/bad-base64", "/api/bad-status", "/api/header-injection"):
        response = client.get(path)
        assert response.status_code == 500, path
        assert response.get_json() == {"message": "Internal Server Error"}
        assert "Set-Cookie" not in response.headers


def test_a_request_without_body_or_query_has_neither(client: Client) -> None:
    client.get("/api/echo")
    event = SEEN["event"]
    assert "body" not in event and "queryStringParameters" not in event and "cookies" not in event
    assert event["isBase64Encoded"] is False
    assert event["rawQueryString"] == ""


def test_the_handler_gets_a_lambda_context(client: Client) -> None:
    client.get("/api/echo")
    context = SEEN["context"]
    assert context.function_name == __name__.rsplit(".", 1)[-1]
    assert context.aws_request_id
    assert 0 < context.get_remaining_time_in_millis() <= 10_000
    assert context.invoked_function_arn.startswith("arn:aws:lambda:ca-central-1:")
    assert context.memory_limit_in_mb > 0


def test_the_answer_comes_back_as_http_with_base64_body_headers_and_cookies(
    client: Client,
) -> None:
    response = client.get("/api/binary")
    assert response.status_code == 201
    assert response.data == b"\x89PNG\x00\xff"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-One"] == "1"
    assert response.headers.getlist("X-Many") == ["a", "b"]
    assert response.headers.getlist("Set-Cookie") == [
        "session=abc; Path=/; HttpOnly",
        "lang=fr; Path=/",
    ]


def test_a_redirect_is_passed_on(client: Client) -> None:
    response = client.post("/api/redirect", data={"a": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/fr/merci/"


def test_api_failures_answer_like_api_gateway(client: Client) -> None:
    assert client.get("/api/failing").status_code == 500
    assert client.get("/api/nowhere").status_code == 404
    assert client.get("/api/bare").get_json() == [1, 2]
    missing = client.post("/api/missing", json={})
    assert missing.status_code == 503
    assert "no_such_package" in missing.get_json()["message"]


def test_the_routes_are_the_template_http_api_events(site: Path) -> None:
    registration = "forms_api.handlers.registration.lambda_handler"
    assessment = "forms_api.handlers.assessment.lambda_handler"
    assert LocalApp(site).routes == {
        "POST /api/registrations": registration,
        "GET /api/registrations/check": registration,
        "GET /api/registrations/edit": registration,
        "POST /api/registrations/send": registration,
        "GET /api/registrations/confirmation": registration,
        "GET /api/registrations/confirm": registration,
        "POST /api/assessments": assessment,
        "GET /api/assessments/result": assessment,
        "POST /api/assessments/mail": assessment,
        "GET /api/assessments/results": assessment,
    }


def test_a_route_answers_only_its_method(client: Client) -> None:
    assert client.get("/api/redirect").status_code == 404
    assert client.post("/api/redirect").status_code == 303


def test_root_sends_visitors_to_their_language_as_cloudfront_does(client: Client) -> None:
    french = client.get("/")
    assert french.status_code == 302 and french.headers["Location"] == "/fr/"
    assert french.headers["Vary"] == "Accept-Language"
    english = client.get("/?utm_source=x", headers={"Accept-Language": "en-CA,en;q=0.9,fr;q=0.8"})
    assert english.headers["Location"] == "/en/?utm_source=x"
    tie = client.get("/", headers={"Accept-Language": "en;q=0.5, fr-CA;q=0.5"})
    assert tie.headers["Location"] == "/fr/"


def test_static_files_directories_and_content_types(client: Client) -> None:
    home = client.get("/fr/")
    assert home.status_code == 200 and home.data == b"<p>accueil</p>"
    assert home.mimetype == "text/html"
    assert client.get("/fr/inscription/").data == b"<p>inscription</p>"

    folder = client.get("/fr/inscription?utm_source=presse")
    assert folder.status_code == 301
    assert folder.headers["Location"] == "/fr/inscription/?utm_source=presse"

    assert client.get("/assets/style.css").mimetype == "text/css"
    assert client.get("/assets/logo.svg").mimetype == "image/svg+xml"
    assert client.get("/sitemap.xml").mimetype in ("application/xml", "text/xml")
    assert client.head("/fr/").status_code == 200
    assert client.post("/fr/").status_code == 405


def test_missing_pages_get_the_error_page_of_the_template(client: Client) -> None:
    # CloudFront answers every 404 with the template's ResponsePagePath (/404.html).
    for path in ("/fr/nulle-part/", "/en/nowhere/", "/assets/none.css"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.data == b"<p>introuvable / not found</p>"


def test_no_file_outside_the_site_is_served(client: Client, site: Path) -> None:
    (site.parent / "secret.txt").write_text("secret", encoding="utf-8")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/fr/../../secret.txt"):
        response = client.get(path)
        assert b"secret" not in response.data


def test_short_links_redirect_from_the_data_file_keeping_the_campaign(site: Path) -> None:
    links = site.parent / "shortlinks.yml"
    links.write_text("- {path: /inscription, to: /fr/inscription/}\n", encoding="utf-8")
    client = Client(LocalApp(site, _routes(), shortlinks_file=links))

    response = client.get("/inscription?utm_source=communique")
    assert response.status_code == 301
    assert response.headers["Location"] == "/fr/inscription/?utm_source=communique"
    assert client.get("/inscription/").headers["Location"] == "/fr/inscription/"

    # Staff add a link while the preview runs: it works without a restart.
    links.write_text(
        "- {path: /inscription, to: /fr/inscription/}\n- {path: /register, to: /en/register/}\n",
        encoding="utf-8",
    )
    os.utime(links, ns=(1, 10**18))
    assert client.get("/register").headers["Location"] == "/en/register/"


# --- the real forms behind the gateway ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        (b'{"legal_name": "Caf\xe9"}', {"Content-Type": "application/json"}),
        (gzip.compress(b"{}"), {"Content-Type": "application/json", "Content-Encoding": "gzip"}),
        (b"legal_name=Caf%C3%A9", {"Content-Type": "multipart/form-data"}),
        (b"legal_name=Caf\xe9", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"[" * 3000 + b"]" * 3000, {"Content-Type": "application/json"}),
        (b'{"employees": ' + b"9" * 5000 + b"}", {"Content-Type": "application/json"}),
    ],
    ids=["json-not-utf8", "gzip", "multipart-no-boundary", "form-latin1", "deep", "huge-int"],
)
def test_the_forms_behind_the_gateway_refuse_what_they_cannot_read_with_a_400(
    dynamodb: Any, site: Path, data: bytes, headers: dict[str, str]
) -> None:
    client = Client(LocalApp(site), use_cookies=False)
    for path in ("/api/registrations", "/api/assessments"):
        response = client.post(path, data=data, headers=headers)
        assert response.status_code == 400, (path, response.data[:300])
