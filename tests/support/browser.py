"""Shared browser-test helpers: Debian's headless Chromium driven by Playwright, a static
file server on loopback, and axe-core injected into pages.

Playwright's own browser download cannot work here: always Debian's `/usr/bin/chromium`.
"""

from __future__ import annotations

import gzip
import io
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".xml", ".json", ".txt")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietGzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped like the CDN does, so page weights and Lighthouse are realistic."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the stdlib's redirect to the …/ address
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in _COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def static_server(root: Path, port: int = 0) -> Iterator[str]:
    """Serves `root` on 127.0.0.1 (a free port unless given); yields the base URL."""
    handler = partial(_QuietGzipHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def scripts_ran(page: Page) -> None:
    """Waits until the page's own scripts, loaded after the first paint by its inline script
    (site/overrides/partials/vnb-inline.html), have run: `page.goto` returns at the load
    event, which can come first."""
    page.wait_for_function(
        """() => document.querySelectorAll('script[type="vnb/after-paint"]:not([data-ran])')
            .length === 0"""
    )


def axe(page: Page, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict[str, Any]]:
    """Runs axe-core on the loaded page; returns the WCAG 2.1 A/AA violations."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   targets: v.nodes.map(n => n.target.join(" "))}))""",
        list(tags),
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {v['targets'][:5]}" for v in violations
    )


def assert_no_axe_violation(browser: Browser, url: str, width: int) -> None:
    """axe finds nothing on `url` at `width` CSS pixels (390: a phone, 1280: a desktop)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(url)
        violations = axe(page)
    finally:
        page.close()
    assert violations == [], describe(violations)
