"""The template's Content-Security-Policy against the built site, in headless Chromium.

Every HTML page of a fresh build is served on 127.0.0.1 with the exact security headers
of the template's response-headers policy, and loaded in Debian's Chromium; any CSP
violation (a `securitypolicyviolation` event or Chromium's console report) fails the test
with the page and the blocked source. The static hash check names the missing hash and
the command that prints the new list.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from infra_template import content_security_policy, infra_module, template

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


def edge_headers() -> dict[str, str]:
    """The headers PageHeadersPolicy adds, as CloudFront writes them."""
    config = template()["Resources"]["PageHeadersPolicy"]["Properties"]
    config = config["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    headers = {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    for item in config["CustomHeadersConfig"]["Items"]:
        headers[item["Header"]] = item["Value"]
    return headers


class _EdgeHandler(SimpleHTTPRequestHandler):
    """Static files with the edge's headers (folder → index.html, as the edge function)."""

    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("sitebuild.build") is None:
        pytest.skip("the site builder (site/sitebuild/build.py) does not exist yet")
    from sitebuild.build import build
    from sitebuild.settings import BuildSettings

    out = tmp_path_factory.mktemp("csp-site")
    build(BuildSettings(out_dir=out))
    return out / "site"


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = type("Handler", (_EdgeHandler,), {"extra_headers": edge_headers()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def page_addresses(site: Path) -> list[str]:
    """Every HTML page of the site as the address a visitor uses."""
    addresses = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        addresses.append("/" + relative.removesuffix("index.html"))
    return addresses


def test_the_template_lists_every_inline_script_hash(built_site: Path) -> None:
    csp_hashes = infra_module("csp_hashes")
    allowed = set(csp_hashes.directive(content_security_policy(), "script-src"))
    needed = csp_hashes.inline_script_hashes(built_site)
    missing = {h: [str(p) for p in pages[:3]] for h, pages in needed.items() if h not in allowed}
    assert not missing, (
        f"inline scripts without their hash in the template's CSP: {missing}; "
        "`python infra/csp_hashes.py build/site` prints the list for Mappings.Headers"
    )


def test_no_page_of_the_built_site_violates_the_csp(built_site: Path, base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    addresses = page_addresses(built_site)
    assert len(addresses) > 10, "the build produced almost no pages"
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context()
            context.expose_binding(
                "reportCspViolation",
                lambda source, text: violations.append(f"{source['frame'].url}: {text}"),
            )
            context.add_init_script(REPORT_VIOLATIONS)
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    violations.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            for address in addresses:
                page.goto(base_url + address, wait_until="load")
                # Material's bundle starts on DOMContentLoaded; let it finish its work.
                page.wait_for_timeout(150)
        finally:
            browser.close()
    assert not sorted(set(violations)), "\n".join(sorted(set(violations)))
