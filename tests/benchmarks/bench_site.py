"""Prints the site's figures: full build time (both languages), then for each page type and
language the render-path weight (the HTML and what it must load before its first render:
stylesheets and classic scripts, gzip) beside stock Material's for the same page measured in
the same run, and Lighthouse 12.2.3 mobile scores with LCP and CLS.

    .venv/bin/python tests/benchmarks/bench_site.py [--runs 3] [--lighthouse-runs 1]
        [--no-lighthouse]

Lighthouse's simulated LCP counts the CPU work the browser did before its first paint, so a
loaded machine inflates it (see `benchmarkIndex`): `--lighthouse-runs 3` prints each run and
the median per page.

"Stock Material" is the same staged content and navigation built with Material as shipped
(no overrides, its own JavaScript bundle, its search plugin, no purge); only its Google
Fonts are off (no request may leave this machine). The render path is counted as
`tests/site/test_stylesheet.py` counts it for its 14 KB budget (tests/site/stylesheets.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "tests" / "site"))

from browser import CHROMIUM, CHROMIUM_FLAGS, free_port, static_server  # noqa: E402
from stylesheets import BUDGET, render_blocking, render_path  # noqa: E402

LIGHTHOUSE = REPO / "tests" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGS = ("fr", "en")
# Page type → its page in each language (folders; the 404 pages are files).
PAGE_TYPES: dict[str, tuple[str, str]] = {
    "home": ("fr/", "en/"),
    "content page": ("fr/programme/", "en/program/"),
    "branches": ("fr/succursales/", "en/branches/"),
    "branch page": ("fr/succursales/montreal/", "en/branches/montreal/"),
    "newsroom": ("fr/salle-de-presse/", "en/newsroom/"),
    "news": ("fr/nouvelles/", "en/news/"),
    "registration": ("fr/inscription/", "en/register/"),
    "assessment": ("fr/bilan-numerique/", "en/digital-assessment/"),
    "404": ("fr/404.html", "en/404.html"),
}


def page_file(site: Path, page: str) -> Path:
    return site / page if page.endswith(".html") else site / page / "index.html"


def weights(site: Path, page: str) -> dict[str, int]:
    """gzip bytes of the page's render path by kind: html, css, js."""
    path = page_file(site, page)
    by_file = render_path(site, "/" + page, path.read_bytes())
    kinds = {"html": by_file.pop("html"), "css": 0, "js": 0}
    for name, size in by_file.items():
        kinds["css" if name.endswith(".css") else "js"] += size
    return kinds


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


def build_stock(out: Path) -> float:
    """The staged pages of the last build through stock Material; returns the seconds."""
    started = time.perf_counter()
    for lang in LANGS:
        config: dict[str, Any] = yaml.safe_load(
            (out / "config" / f"mkdocs.{lang}.yml").read_text(encoding="utf-8")
        )
        for key in ("extra_css", "extra_javascript", "plugins"):
            config.pop(key, None)  # Material's defaults: its bundle, its search
        config["theme"] = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
        config.update(site_dir=str(out / "stock" / lang), strict=False)
        path = out / "config" / f"stock.{lang}.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(path)],
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
        )
    return time.perf_counter() - started


def lighthouse(url: str, report: Path) -> dict[str, Any]:
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
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "hreflang": audits["hreflang"]["score"],
        "canonical": audits["canonical"]["score"],
        "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "benchmark_index": round(data["environment"]["benchmarkIndex"]),
        "failing_binary_audits": failing,
    }


def print_weights(site: Path, stock: Path) -> None:
    print(f"render path (gzip B: html + stylesheets + classic scripts; budget {BUDGET}):")
    print(f"  {'page type':<13} {'lang':<4} {'ours':>6} {'stock':>6} {'ratio':>6}   ours / stock")
    worst = 0
    for kind, pages in PAGE_TYPES.items():
        for lang, page in zip(LANGS, pages, strict=True):
            ours, theirs = weights(site, page), weights(stock, page)
            total, stock_total = sum(ours.values()), sum(theirs.values())
            worst = max(worst, total)
            print(
                f"  {kind:<13} {lang:<4} {total:>6} {stock_total:>6} {total / stock_total:>6.2f}"
                f"   {ours} / {theirs}"
            )
    print(f"  heaviest: {worst} B ({worst / BUDGET:.0%} of the budget)")
    links = len(render_blocking(page_file(site, "fr/").read_text(encoding="utf-8")))
    print(f"  render-blocking requests per page: ours {links}, stock", end=" ")
    print(len(render_blocking(page_file(stock, "fr/").read_text(encoding="utf-8"))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse-runs", type=int, default=1)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        out = Path(tmp)
        times = build_times(out, site_url, args.runs)
        stock_seconds = build_stock(out)
        site = out / "site"
        pages = sum(len(list((site / lang).rglob("index.html"))) for lang in LANGS)
        print(f"full build, both languages ({pages} pages), {args.runs} runs:")
        print(f"  median {statistics.median(times):.2f} s, min {min(times):.2f} s")
        print(f"  stock Material, same staged pages (MkDocs only, one run): {stock_seconds:.2f} s")
        print_weights(site, out / "stock")
        if args.no_lighthouse:
            return 0
        medians = []
        with static_server(site, port=port) as base:
            for kind, pages_of_kind in PAGE_TYPES.items():
                for page in pages_of_kind:
                    runs = []
                    for run in range(args.lighthouse_runs):
                        result = lighthouse(base + page, out / "lh.json")
                        runs.append(result)
                        print(
                            f"lighthouse 12.2.3 mobile {kind} /{page} (run {run + 1}): "
                            f"{json.dumps(result, ensure_ascii=False)}",
                            flush=True,
                        )
                    medians.append(
                        {
                            key: statistics.median(r[key] for r in runs)
                            for key in (*CATEGORIES, "lcp_s", "cls", "benchmark_index")
                        }
                    )
        low = min(min(m[c] for c in CATEGORIES) for m in medians)
        print(
            f"lighthouse summary ({len(medians)} pages, median of {args.lighthouse_runs} runs "
            f"each): lowest score {low}, highest LCP {max(m['lcp_s'] for m in medians)} s, "
            f"highest CLS {max(m['cls'] for m in medians)}, "
            f"machine benchmarkIndex {min(m['benchmark_index'] for m in medians)}"
            f"–{max(m['benchmark_index'] for m in medians)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
