"""Prints the site's figures: the full build's time (both languages) against stock Material's,
how it scales with synthetic pages added, where its time goes, then for each page type and
language the render-path weight (the HTML and what it must load before its first render:
stylesheets and classic scripts, gzip) beside stock Material's for the same page measured in
the same run, and Lighthouse 12.2.3 mobile scores with LCP and CLS.

    .venv/bin/python tests/benchmarks/bench_site.py [--runs 3] [--lighthouse-runs 1]
        [--no-lighthouse] [--extra-pages 250 500] [--section-size 25]

Build time: medians of `--runs` fresh `python -m sitebuild build` processes, cold (without
`build/cache/`, as in a fresh clone) and warm (the previous build's cache: what a staff
rebuild sees), beside stock Material building the same staged pages and menu (both
languages in parallel, MkDocs only: no purge, no search index, no shell export), measured
in the same run. `--extra-pages N…` repeats it on a copy of content/ with N synthetic page
pairs per language in the menu (tests/support/synthetic.py: one top section, sections of
`--section-size` pages), and prints the time per page, the growth per added page from one
size to the next (equal figures: linear) and each page's raw HTML (issue 13: under 25 KB).
`--extra-pages` without a number skips it.

Lighthouse's simulated LCP counts the CPU work the browser did before its first paint, so a
loaded machine inflates it (see `benchmarkIndex`): `--lighthouse-runs 3` prints each run and
the median per page.

"Stock Material" is the same staged content and navigation built with Material as shipped
(no overrides, none of the site's theme features, its own JavaScript bundle, its search
plugin, no purge); only its Google Fonts are off (no request may leave this machine). The
render path is counted as `tests/site/test_stylesheet.py` counts it for its 14 KB budget
(tests/site/stylesheets.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "site"))
sys.path.insert(0, str(REPO / "tests" / "support"))

from browser import CHROMIUM, CHROMIUM_FLAGS, free_port, static_server  # noqa: E402
from stylesheets import BUDGET, render_blocking, render_path  # noqa: E402
from synthetic import add_synthetic_pages  # noqa: E402

LIGHTHOUSE = REPO / "tests" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGS = ("fr", "en")
# Issue 13: each page under 25 KB of raw HTML, however many pages the site has.
PAGE_BUDGET = 25 * 1024
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
    "search": ("fr/recherche/", "en/search/"),
    "numbers": ("fr/chiffres/", "en/numbers/"),
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_times(
    out: Path,
    site_url: str,
    runs: int,
    content: Path | None = None,
    cold: bool = False,
    phases: dict[str, list[float]] | None = None,
    cpu: list[float] | None = None,
) -> list[float]:
    """Seconds of each full build (`python -m sitebuild build`, a fresh process each time).

    `cold`: without the build's cache (`build/cache/`: compiled templates, the purge's and
    the social images' last results), as in a fresh clone; else with the previous run's.
    `phases` collects the seconds of each phase the build reports, `cpu` the CPU seconds
    (user + system) of each build and its processes: steadier than the wall time on a
    machine others use.
    """
    times = []
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    extra = ["--content", str(content)] if content else []
    for _ in range(runs):
        if cold:
            shutil.rmtree(out / "cache", ignore_errors=True)
        started = time.perf_counter()
        used = _children_cpu()
        proc = subprocess.run(
            [sys.executable, "-m", "sitebuild", "build", "--out", str(out), "--timings", *extra],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(_children_cpu() - used)
        for line in proc.stdout.splitlines():
            if line.startswith("phase\t") and phases is not None:
                _, name, seconds = line.split("\t")
                phases.setdefault(name, []).append(float(seconds))
    return times


def build_stock(out: Path, runs: int = 1, cpu: list[float] | None = None) -> list[float]:
    """The staged pages and menu of the last build through stock Material, both languages
    in parallel as the site build runs them; returns the seconds of each run."""
    paths = []
    for lang in LANGS:
        config: dict[str, Any] = yaml.safe_load(
            (out / "config" / f"mkdocs.{lang}.yml").read_text(encoding="utf-8")
        )
        for key in ("extra_css", "extra_javascript", "plugins"):
            config.pop(key, None)  # Material's defaults: its bundle, its search
        # Material as shipped: no overrides, none of the site's theme features.
        config["theme"] = {
            k: v for k, v in config["theme"].items() if k not in ("custom_dir", "features")
        }
        config.update(site_dir=str(out / "stock" / lang), strict=False)
        path = out / "config" / f"stock.{lang}.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    times = []
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for _ in range(runs):
        started = time.perf_counter()
        used = _children_cpu()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(path)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for path in paths
        ]
        if any(proc.wait() != 0 for proc in procs):
            raise RuntimeError("the stock Material build failed")
        times.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(_children_cpu() - used)
    return times


def html_sizes(site: Path) -> dict[str, int]:
    """Raw bytes of every MkDocs page of both languages (`fr/…/index.html`), by address."""
    return {
        path.parent.relative_to(site).as_posix() + "/": path.stat().st_size
        for lang in LANGS
        for path in (site / lang).rglob("index.html")
        if "pagefind" not in path.parts
    }


@dataclass
class Measured:
    label: str
    pages: int
    cold: list[float]
    ours: list[float]
    """Warm builds: the cache of the previous build kept (what a staff rebuild sees)."""
    stock: list[float]
    sizes: dict[str, int]
    stock_sizes: dict[str, int]
    cold_phases: dict[str, list[float]]
    warm_phases: dict[str, list[float]]
    cpu: dict[str, list[float]]
    """CPU seconds per build: "cold", "warm", "stock"."""

    @property
    def median(self) -> float:
        return statistics.median(self.ours)

    @property
    def cold_median(self) -> float:
        return statistics.median(self.cold)

    @property
    def stock_median(self) -> float:
        return statistics.median(self.stock)


def measure(label: str, out: Path, site_url: str, runs: int, content: Path | None) -> Measured:
    cold_phases: dict[str, list[float]] = {}
    warm_phases: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {"cold": [], "warm": [], "stock": []}
    cold = build_times(out, site_url, runs, content, True, cold_phases, cpu["cold"])
    ours = build_times(out, site_url, runs, content, False, warm_phases, cpu["warm"])
    stock = build_stock(out, runs, cpu["stock"])
    sizes = html_sizes(out / "site")
    return Measured(
        label,
        len(sizes),
        cold,
        ours,
        stock,
        sizes,
        html_sizes(out / "stock"),
        cold_phases,
        warm_phases,
        cpu,
    )


def print_phases(series: list[Measured]) -> None:
    """Where a build's time goes: median seconds per phase, cold and warm, per content."""
    print("where the time goes (median s per phase, inside the build process; the rest of")
    print("the wall time is Python's start and the driver's imports):")
    header = "".join(f" {m.label + ' cold':>16} {m.label + ' warm':>16}" for m in series)
    print(f"  {'phase':<48}{header}")
    names = list(series[0].cold_phases)
    for name in names:
        cells = "".join(
            f" {statistics.median(m.cold_phases.get(name, [0])):>16.3f}"
            f" {statistics.median(m.warm_phases.get(name, [0])):>16.3f}"
            for m in series
        )
        print(f"  {name:<48}{cells}")
    totals = "".join(f" {m.cold_median:>16.3f} {m.median:>16.3f}" for m in series)
    print(f"  {'wall time of the command (median)':<48}{totals}")


def print_build(real: Measured, runs: int) -> None:
    print(f"full build, both languages ({real.pages} pages), medians of {runs} runs:")
    print(
        f"  stock Material (same staged pages and menu, both languages in parallel, MkDocs"
        f" only) {real.stock_median:.2f} s"
    )
    print(
        f"  ours, cold (no build cache) {real.cold_median:.2f} s (min {min(real.cold):.2f}):"
        f" ratio {real.cold_median / real.stock_median:.2f}"
    )
    print(
        f"  ours, warm (the previous build's cache) {real.median:.2f} s"
        f" (min {min(real.ours):.2f}): ratio {real.median / real.stock_median:.2f}"
    )
    cpu = {kind: statistics.median(values) for kind, values in real.cpu.items()}
    print(
        f"  CPU seconds (user + system, every process): stock {cpu['stock']:.2f},"
        f" ours cold {cpu['cold']:.2f} (ratio {cpu['cold'] / cpu['stock']:.2f}),"
        f" warm {cpu['warm']:.2f} (ratio {cpu['warm'] / cpu['stock']:.2f})"
    )


def print_scaling(series: list[Measured], synthetic: set[str]) -> None:
    """Time per page, the added cost per added page, and the pages' raw HTML sizes."""
    print("build scaling (synthetic page pairs added in a copy of content/, all in the menu):")
    print("  (ms/added: the build's growth per page added since the line above: equal = linear)")
    print(
        f"  {'content':<14} {'pages':>5} {'cold s':>7} {'warm s':>7} {'stock s':>7}"
        f" {'ratio':>5} {'ms/page':>7} {'ms/added':>8} {'stock ms/added':>14}"
    )
    previous = None
    for m in series:
        marginal, stock_marginal = f"{'':8}", ""
        if previous is not None:
            added = m.pages - previous.pages
            marginal = f"{(m.cold_median - previous.cold_median) / added * 1000:8.1f}"
            stock_marginal = f"{(m.stock_median - previous.stock_median) / added * 1000:14.1f}"
        print(
            f"  {m.label:<14} {m.pages:>5} {m.cold_median:>7.2f} {m.median:>7.2f}"
            f" {m.stock_median:>7.2f} {m.cold_median / m.stock_median:>5.2f}"
            f" {m.cold_median / m.pages * 1000:>7.1f} {marginal} {stock_marginal}"
        )
        previous = m
    base = series[0]
    print(f"  raw HTML per page (KB; budget {PAGE_BUDGET // 1024} KB):")
    print(
        f"  {'content':<14} {'synthetic max':>13} {'median':>7} {'real max':>8}"
        f" {'real growth max':>15} {'stock synth max':>15} {'stock real max':>14}"
    )
    for m in series:
        synth = [size for url, size in m.sizes.items() if url in synthetic]
        real = {url: size for url, size in m.sizes.items() if url not in synthetic}
        growth = max(size - base.sizes.get(url, size) for url, size in real.items())
        stock_synth = [size for url, size in m.stock_sizes.items() if url in synthetic]
        stock_real = [size for url, size in m.stock_sizes.items() if url not in synthetic]
        kb = lambda values: f"{max(values) / 1024:.1f}" if values else "-"  # noqa: E731
        median = f"{statistics.median(synth) / 1024:.1f}" if synth else "-"
        print(
            f"  {m.label:<14} {kb(synth):>13} {median:>7} {kb(list(real.values())):>8}"
            f" {growth / 1024:>+15.1f} {kb(stock_synth):>15} {kb(stock_real):>14}"
        )
    heavy = sorted((size, url) for url, size in base.sizes.items() if size > PAGE_BUDGET)
    if heavy:
        pages = ", ".join(f"/{url} {size / 1024:.1f}" for size, url in heavy)
        print(f"  real pages over {PAGE_BUDGET // 1024} KB by their own content: {pages}")


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
    parser.add_argument(
        "--extra-pages",
        type=int,
        nargs="*",
        default=[250, 500],
        help="synthetic page pairs per language to add, one build series each (none: skip)",
    )
    parser.add_argument("--section-size", type=int, default=25)
    args = parser.parse_args()

    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        out = Path(tmp) / "real"
        real = measure("real site", out, site_url, args.runs, None)
        print_build(real, args.runs)
        if args.extra_pages:
            series = [real]
            synthetic: set[str] = set()
            for count in args.extra_pages:
                content = Path(tmp) / f"content-{count}"
                shutil.copytree(REPO / "content", content)
                added = add_synthetic_pages(content, count, args.section_size)
                synthetic |= {f"{lang}/{url}" for lang in LANGS for url in added.urls[lang]}
                label = f"+{count} pairs"
                series.append(
                    measure(label, Path(tmp) / f"out-{count}", site_url, args.runs, content)
                )
                shutil.rmtree(Path(tmp) / f"out-{count}" / "stock")
            print_scaling(series, synthetic)
            print_phases(series)
        else:
            print_phases([real])
        site = out / "site"
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
