"""Prints Lighthouse 12.2.3 mobile scores and render-path weights of the form pages, served by
the local mode (site built for its own address, the API behind the same origin), then the same
files on the same address gzipped as the CDN serves them (the local mode does not compress).

    .venv/bin/python tests/benchmarks/bench_forms_lighthouse.py [--runs 1]

Several runs print each one: performance varies by a few points on this shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from bench_site import lighthouse, render_path_weight  # noqa: E402
from browser import static_server  # noqa: E402
from localdev.process import LocalModeProcess  # noqa: E402

PAGES = ("fr/inscription/", "en/register/", "fr/bilan-numerique/", "en/digital-assessment/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-forms-") as tmp:
        out = Path(tmp)
        site = out / "build" / "site"
        with LocalModeProcess(["--out", str(out / "build")]) as local:
            state = local.start(timeout=240)
            for page in PAGES:
                w = render_path_weight(site, page)
                print(
                    f"render path /{page}: {sum(w.values()) / 1024:.1f} KB gzip "
                    f"(html {w['html'] / 1024:.1f}, css {w['css'] / 1024:.1f}, "
                    f"js {w['js'] / 1024:.1f})"
                )
            _scores(state.url, "local mode", args.runs, out)
        # The same build on the same address (its canonical URLs), compressed like the CDN.
        port = int(state.url.rstrip("/").rsplit(":", 1)[1])
        with static_server(site, port=port) as base:
            _scores(base, "gzip static", args.runs, out)
    return 0


def _scores(base: str, served_by: str, runs: int, out: Path) -> None:
    for page in PAGES[:3]:
        for run in range(runs):
            result = lighthouse(base + page, out / "lh.json")
            print(
                f"lighthouse 12.2.3 mobile /{page} (run {run + 1}, {served_by}): "
                f"{json.dumps(result, ensure_ascii=False)}"
            )


if __name__ == "__main__":
    sys.exit(main())
