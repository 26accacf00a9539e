"""Prints what search costs: each language's index on disk, the bytes one query fetches in
a browser (Debian's headless Chromium, files served gzipped as by the CDN, empty cache),
what a second query adds, the time to the first results, and what the header's search link
adds to every other page.

    .venv/bin/python tests/benchmarks/bench_search.py [--runs 3]
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from browser import chromium, static_server  # noqa: E402
from sitebuild.build import build  # noqa: E402
from sitebuild.settings import BuildSettings  # noqa: E402

SEARCH = {"fr": "fr/recherche/", "en": "en/search/"}
QUERIES = {"fr": ("succursale", "inscription"), "en": ("branch", "register")}


def kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


def index_sizes(site: Path, lang: str) -> dict[str, int]:
    bundle = site / lang / "pagefind"
    files = [f for f in bundle.rglob("*") if f.is_file()]
    index = [f for f in files if f.suffix.startswith(".pf_")]
    return {
        "pages": len(list((bundle / "fragment").glob("*.pf_fragment"))),
        "index": sum(f.stat().st_size for f in index),
        "files": len(index),
        "bundle": sum(f.stat().st_size for f in files),
    }


RESOURCES = """() => performance.getEntriesByType("resource")
    .map((e) => [e.name, e.encodedBodySize, e.transferSize])"""


def _fetched(page: Any, workers: list[Any]) -> list[tuple[str, int]]:
    """Every file the page and its web workers fetched so far, with its body size as sent
    (gzip where the server compressed it), from the Resource Timing entries."""
    entries = page.evaluate(RESOURCES)
    for worker in workers:
        entries += worker.evaluate(RESOURCES)
    return [(name, int(body)) for name, body, _ in entries]


def one_search(browser: Any, base: str, lang: str, first: str, second: str) -> dict[str, Any]:
    """A fresh visitor (empty cache) opens the search page, then runs two queries."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    workers: list[Any] = []
    page.on("worker", lambda worker: workers.append(worker))
    response = page.goto(base + SEARCH[lang])
    assert response is not None
    page.wait_for_load_state("networkidle")
    before = _fetched(page, workers)
    # The document itself has no resource entry: its size as the server gzips it.
    on_page = [(page.url, len(gzip.compress(response.body(), 6, mtime=0))), *before]
    started = time.perf_counter()
    page.fill("#vnb-search-q", first)
    page.press("#vnb-search-q", "Enter")
    page.wait_for_selector("#vnb-search-results li a")
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    after_first = _fetched(page, workers)
    query = after_first[len(before) :]
    page.fill("#vnb-search-q", second)
    page.press("#vnb-search-q", "Enter")
    page.wait_for_function(
        f"new URLSearchParams(location.search).get('q') === {second!r}"
        " && document.querySelector('#vnb-search-results li a')"
    )
    page.wait_for_load_state("networkidle")
    again = _fetched(page, workers)[len(after_first) :]
    context.close()
    return {"page": on_page, "query": query, "again": again, "seconds": seconds}


def by_kind(files: list[tuple[str, int]]) -> str:
    kinds: dict[str, list[int]] = {}
    for url, size in files:
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        kind = re.sub(r"^(?:[a-z]{2}_)?[0-9a-f]{7,}\.", "", name.split(".", 1)[-1])
        kind = {"js": name, "json": name, "pagefind": "wasm"}.get(kind, kind)
        kinds.setdefault(kind, []).append(size)
    return ", ".join(
        f"{kind} {kb(sum(sizes))}" + (f" ({len(sizes)} files)" if len(sizes) > 1 else "")
        for kind, sizes in sorted(kinds.items())
    )


def header_link_bytes(site: Path) -> tuple[int, int]:
    """Raw and gzip bytes the search link adds to a page (the FAQ, as an example)."""
    html = (site / "fr" / "faq" / "index.html").read_text(encoding="utf-8")
    without = re.sub(r'\s*<a href="[^"]*" class="[^"]*vnb-search-link.*?</a>', "", html, flags=re.S)
    assert without != html, "the header link was not found"

    def gz(text: str) -> int:
        return len(gzip.compress(text.encode(), compresslevel=6, mtime=0))

    return len(html.encode()) - len(without.encode()), gz(html) - gz(without)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        build(BuildSettings(out_dir=out))
        print(f"site build with both search indexes: {time.perf_counter() - started:.1f} s")
        site = out / "site"
        for lang in SEARCH:
            size = index_sizes(site, lang)
            print(
                f"index /{lang}/: {size['pages']} pages, {kb(size['index'])} in {size['files']}"
                f" files (index, metadata, fragments); whole bundle on disk {kb(size['bundle'])}"
            )
        raw, zipped = header_link_bytes(site)
        print(f"header search link on every other page: {raw} B of HTML, {zipped} B gzip")
        with static_server(site) as base, chromium() as browser:
            for lang, (first, second) in QUERIES.items():
                runs = [one_search(browser, base, lang, first, second) for _ in range(args.runs)]
                last = runs[-1]
                page_bytes = sum(size for _, size in last["page"])
                query_bytes = sum(size for _, size in last["query"])
                again_bytes = sum(size for _, size in last["again"])
                seconds = statistics.median(r["seconds"] for r in runs)
                print(f"/{SEARCH[lang]} ({args.runs} runs, empty cache):")
                print(f"  the page itself: {kb(page_bytes)} ({len(last['page'])} files)")
                print(
                    f"  first query {first!r}: {kb(query_bytes)} in {len(last['query'])} files"
                    f" ({by_kind(last['query'])}); results in {seconds * 1000:.0f} ms (median)"
                )
                print(
                    f"  next query {second!r}: {kb(again_bytes)} in {len(last['again'])} files"
                    f" ({by_kind(last['again'])})"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
