"""The template's Content-Security-Policy against the built site, in headless Chromium.

Every HTML page of a fresh build, and every kind of page the forms API answers a form
post with, is served on 127.0.0.1 with the exact security headers of the template's
response-headers policy and loaded in Debian's Chromium; any CSP violation (a
`securitypolicyviolation` event or Chromium's console report) fails the test with the
page and the blocked source. The static hash checks name the missing hash and the
command that prints the new list.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from infra_template import REPO, content_security_policy, infra_module, template

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
# Chromium's console reports of a header it refused or could not parse.
HEADER_COMPLAINTS = ("Content Security Policy", "Permissions-Policy", "Referrer Policy", "X-Frame")
# The search page runs a query on load: Pagefind's script, its web worker and its
# WebAssembly module (script-src 'wasm-unsafe-eval') then run under the policy too.
SEARCHES = {"/fr/recherche/?q=succursale", "/en/search/?q=branch"}
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
        headers[item["Header"]] = resolve(item["Value"])
    return headers


def resolve(value: Any) -> str:
    """A header value as CloudFormation resolves it (plain, or from the template's Mappings)."""
    if isinstance(value, dict) and "Fn::FindInMap" in value:
        mapping, key, name = value["Fn::FindInMap"]
        found: str = template()["Mappings"][mapping][key][name]
        return found
    assert isinstance(value, str), value
    return value


class _EdgeHandler(SimpleHTTPRequestHandler):
    """Static files with the edge's headers (folder → index.html, as the edge function),
    and the forms API's answer pages at the addresses of `api_pages`."""

    extra_headers: ClassVar[dict[str, str]] = {}
    api_pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        page = self.api_pages.get(self.path)
        if page is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


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


def forms_api_pages(data_dir: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Each kind of page the forms API answers with, inside the built site's shell (moto
    must be running): the check page, the confirmation, the form with errors, the result."""
    events = infra_module("forms_events", REPO / "tests" / "integration")
    from content_model import cached_content as load_program_data
    from forms_api.handlers import assessment, registration
    from forms_api.settings import get_settings

    monkeypatch.setenv("SITE_SHELL_DIR", str(site.parent / "shell"))
    get_settings.cache_clear()

    def handler_of(module: Any) -> Any:
        return lambda event: module.lambda_handler(event, events.FakeContext())

    def page(response: dict[str, Any]) -> str:
        assert response["headers"]["Content-Type"].startswith("text/html"), response
        body: str = response["body"]
        return body

    register, assess = handler_of(registration), handler_of(assessment)
    fields = events.as_form(events.valid_registration())
    check = events.follow(register(events.form_event("/registrations", fields)), register)
    sent = events.check_then_send_form(register, "/registrations", fields)
    bad = events.as_form(events.valid_registration(email="x", phone="1", language="en"))
    questions = load_program_data(data_dir).questionnaire.questions
    answers = {f"answers.{qid}": q.options[1].code for qid, q in questions.items()}
    result = events.follow(
        assess(events.form_event("/assessments", {**answers, "language": "fr"})), assess
    )
    return {
        "registration-check": page(check),
        "registration": page(events.follow(sent, register)),
        "registration-errors": page(register(events.form_event("/registrations", bad))),
        "assessment": page(result),
        "assessment-errors": page(assess(events.form_event("/assessments", {"language": "en"}))),
    }


def test_the_template_lists_every_inline_script_hash(built_site: Path) -> None:
    csp_hashes = infra_module("csp_hashes")
    allowed = set(csp_hashes.directive(content_security_policy(), "script-src"))
    needed = csp_hashes.inline_hashes(built_site, "script")
    missing = {h: [str(p) for p in pages[:3]] for h, pages in needed.items() if h not in allowed}
    assert not missing, (
        f"inline scripts without their hash in the template's CSP: {missing}; "
        "`python infra/csp_hashes.py build/site` prints the list for Mappings.Headers"
    )


def test_the_answer_pages_have_no_inline_style(
    built_site: Path, dynamodb: Any, forms_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form styles exist once, in the site's stylesheet: the answer pages link it."""
    csp_hashes = infra_module("csp_hashes")
    for name, html in forms_api_pages(forms_env, built_site, monkeypatch).items():
        assert not csp_hashes.page_hashes(html)["style"], f"{name} has an inline <style>"
        assert re.search(r'href="/(fr|en)/assets/stylesheets/main\.[0-9a-f]+\.min\.css"', html), (
            f"{name} does not link the site's stylesheet"
        )


def test_no_page_violates_the_csp(
    built_site: Path,
    base_url: str,
    dynamodb: Any,
    forms_env: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    addresses = page_addresses(built_site)
    assert len(addresses) > 10, "the build produced almost no pages"
    addresses += sorted(SEARCHES)
    for name, html in forms_api_pages(forms_env, built_site, monkeypatch).items():
        _EdgeHandler.api_pages[f"/api/{name}"] = html.encode("utf-8")
        addresses.append(f"/api/{name}")
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
            for address in addresses:
                # A page of its own for each address: a short link's redirect page must
                # not interrupt the next load.
                page = context.new_page()
                page.on(
                    "console",
                    lambda message, address=address: (
                        violations.append(f"{address}: {message.text}")
                        if any(header in message.text for header in HEADER_COMPLAINTS)
                        else None
                    ),
                )
                page.goto(base_url + address, wait_until="load")
                # Material's bundle starts on DOMContentLoaded; let it finish its work.
                page.wait_for_timeout(150)
                if address in SEARCHES:
                    try:
                        page.wait_for_selector("#vnb-search-results li", timeout=10_000)
                    except PlaywrightTimeout:
                        status = page.text_content("#vnb-search-status")
                        violations.append(f"{address}: no search result ({status})")
                page.close()
        finally:
            browser.close()
    assert not sorted(set(violations)), "\n".join(sorted(set(violations)))
