"""The local mode's edge over real HTTP (Werkzeug's server on 127.0.0.1, as `make dev` runs it)
on a real build: no redirect leaves the site, addresses with encoded control characters or
bytes that are not UTF-8 get a 301 or the 404 page (never a 500), and a missing page gets the
distribution's bilingual 404 page with status 404. The CloudFront Function and
`localdev.edge` are compared request by request in tests/infra/test_edge_function.py."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from localdev import edge
from localdev.app import LocalApp
from localdev.standin import REPOSITORY
from stack.template import load_template
from werkzeug.serving import make_server

pytestmark = pytest.mark.slow  # builds the site

SHORTLINKS = REPOSITORY / "content" / "data" / "shortlinks.yml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitebuild.build import build
    from sitebuild.settings import BuildSettings

    out = tmp_path_factory.mktemp("localdev-edge")
    build(BuildSettings(out_dir=out))
    return out / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, int]]:
    app = LocalApp(site, routes={}, shortlinks_file=SHORTLINKS)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()


def get(server: tuple[str, int], target: bytes) -> tuple[int, dict[str, str], bytes]:
    """One GET with the request target exactly as given (no client re-encodes it)."""
    with socket.create_connection(server, timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: site.example\r\n")
        connection.sendall(b"Connection: close\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def stays_on_the_site(location: str) -> bool:
    # What a browser does first: drop tabs and newlines, read "\" as "/".
    seen = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return (
        re.fullmatch(r"/(?!/)[!-~]*", location) is not None
        and not seen.startswith("//")
        and urlsplit(urljoin("https://site.example/x/", seen)).netloc == "site.example"
    )


@pytest.mark.parametrize(
    "target",
    [
        b"//evil.example/x",
        b"///evil.example/x",
        b"/\\evil.example/x",
        b"/\\/evil.example/x",
        b"/%09/evil.example/x",
        b"/%0a/evil.example/x",
        b"/%0d%0a/evil.example/x",
        b"/%5C/evil.example/x",
        b"/%2F/evil.example/x",
        b"/%09/evil.example/x?utm_source=communique",
    ],
)
def test_no_redirect_leaves_the_site(server: tuple[str, int], target: bytes) -> None:
    status, headers, _ = get(server, target)
    assert status == 301
    assert stays_on_the_site(headers["location"]), headers["location"]


@pytest.mark.parametrize(
    "target",
    [
        b"/%00",
        b"/%00/",
        b"/fr/%00.html",
        b"/%0d%0a",
        b"/%0d%0aSet-Cookie:%20a=1",
        b"/%0d%0aSet-Cookie:%20a=1/",
        b"/fr/%ff",
        b"/fr/%ff/",
        b"/fr/%c3/",
        b"/%e9t%e9/",
        b"/fr/\xc3\xa9t\xc3\xa9/",  # UTF-8 sent raw
        b"/fr/\xff/",
        b"/fr/100%/",
        b"/fr/inscription/?utm_source=%0d%0aSet-Cookie:%20a=1",
        b"/inscription?utm_source=\xff",
    ],
)
def test_odd_bytes_in_the_address_get_a_redirect_or_the_404_page(
    server: tuple[str, int], target: bytes
) -> None:
    status, headers, body = get(server, target)
    assert status in (200, 301, 404), (status, body[:300])
    assert "set-cookie" not in headers
    if status == 301:
        location = headers["location"]
        assert stays_on_the_site(location), location
        status, headers, body = get(server, location.encode("ascii"))
        assert status in (200, 404), (location, status, body[:300])
    if status == 404:
        assert b"Page introuvable" in body and b"Page not found" in body


def test_a_missing_english_page_gets_the_bilingual_404_page(server: tuple[str, int]) -> None:
    status, headers, _ = get(server, b"/en/nope")
    assert (status, headers["location"]) == (301, "/en/nope/")  # a folder address, as at the edge
    status, headers, body = get(server, b"/en/nope/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    page = body.decode("utf-8")
    assert '<section class="vnb404-section" id="en" lang="en-CA"' in page
    assert "Page not found" in page and "Page introuvable" in page
    assert 'href="/fr/assets/vnb-404.css"' in page


def test_the_404_page_and_its_files_are_served(server: tuple[str, int]) -> None:
    for target in (b"/404.html", b"/fr/assets/vnb-404.css"):
        status, _, body = get(server, target)
        assert status == 200 and body, target


def test_the_error_page_is_the_distribution_s() -> None:
    assert edge.error_page(load_template()) == "/404.html"
    assert edge.error_page({"Resources": {}}) == edge.DEFAULT_ERROR_PAGE == "/404.html"
