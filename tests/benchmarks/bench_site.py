"""Prints the site's figures: full build time (both languages), the home page's render-path
weight (HTML + CSS + JS + fonts, gzip) and Lighthouse 12.2.3 mobile scores.

    .venv/bin/python tests/benchmarks/bench_site.py [--runs 3] [--no-lighthouse]

Reference, a stock Material + mkdocs-static-i18n site measured here: render path 64 KB gzip,
mobile Lighthouse performance 89–96, accessibility 88–92, best practices 96, SEO 91.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from browser import CHROMIUM, CHROMIUM_FLAGS, free_port, static_server  # noqa: E402

LIGHTHOUSE = REPO / "tests" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _RenderPath(HTMLParser):
    """Stylesheets, scripts and preloaded fonts a page asks for before it can render."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        font = a.get("rel") == "preload" and a.get("as") == "font"
        if tag == "link" and (a.get("rel") == "stylesheet" or font):
            self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def render_path_weight(site: Path, page_path: str) -> dict[str, int]:
    """gzip bytes of the page and everything on its render path, by kind."""
    html_file = site / page_path / "index.html"
    html = html_file.read_bytes()
    parser = _RenderPath()
    parser.feed(html.decode("utf-8"))
    weights = {"html": _gzip_size(html), "css": 0, "js": 0, "fonts": 0}
    base = "/" + page_path
    for url in parser.urls:
        path = urlsplit(urljoin(base, url)).path
        data = (site / path.lstrip("/")).read_bytes()
        kind = "css" if path.endswith(".css") else "js" if path.endswith(".js") else "fonts"
        weights[kind] += _gzip_size(data)
        if kind == "css":  # fonts declared by the stylesheet are on the render path too
            for font in re.findall(rb"url\(([^)]+\.woff2?)\)", data):
                font_path = urlsplit(urljoin(path, font.decode().strip("'\""))).path
                weights["fonts"] += len((site / font_path.lstrip("/")).read_bytes())
    return weights


def build_times(out: Path, site_url: str, runs: int) -> list[float]:
    times = []
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitebuild", "build", "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times


def lighthouse(url: str, report: Path) -> dict[str, object]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        timeout=240,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    audits = data["audits"]
    failing = sorted(
        a["id"]
        for a in audits.values()
        if a.get("score") is not None and a["score"] < 1 and a["scoreDisplayMode"] == "binary"
    )
    return {
        **scores,
        "hreflang": audits["hreflang"]["score"],
        "canonical": audits["canonical"]["score"],
        "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "failing_binary_audits": failing,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        out = Path(tmp)
        times = build_times(out, site_url, args.runs)
        site = out / "site"
        pages = len(list((site / "fr").rglob("index.html"))) + len(
            list((site / "en").rglob("index.html"))
        )
        print(f"full build, both languages ({pages} pages), {args.runs} runs:")
        print(f"  median {statistics.median(times):.2f} s, min {min(times):.2f} s")
        for page in ("fr/", "en/", "fr/programme/"):
            w = render_path_weight(site, page)
            print(
                f"render path /{page}: {sum(w.values()) / 1024:.1f} KB gzip "
                f"(html {w['html'] / 1024:.1f}, css {w['css'] / 1024:.1f}, "
                f"js {w['js'] / 1024:.1f}, fonts {w['fonts'] / 1024:.1f})"
            )
        if args.no_lighthouse:
            return 0
        with static_server(site, port=port) as base:
            for page in ("fr/", "fr/programme/", "en/program/"):
                result = lighthouse(base + page, out / "lh.json")
                print(f"lighthouse 12.2.3 mobile /{page}: {json.dumps(result, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
