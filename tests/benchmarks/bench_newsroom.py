"""Prints the content check's time and the newsroom wave's output sizes.

    .venv/bin/python tests/benchmarks/bench_newsroom.py

Figures only (medians of a few runs on a shared machine): no assertion.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

from content_model import LANGUAGES
from content_model import load_content as load_site_data
from sitebuild.build import build
from sitebuild.check import check_content
from sitebuild.settings import BuildSettings
from sitebuild.social import draw_social_image

RUNS = 5


def median_ms(action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    settings = BuildSettings()
    report = check_content(settings)
    print(f"content check: {median_ms(lambda: check_content(settings)):.0f} ms median of {RUNS}")
    print(f"  errors {len(report.errors)}, placeholders to confirm {len(report.placeholders)}")
    data = load_site_data(settings.data_dir)
    draw = median_ms(lambda: [draw_social_image(data, lang).quantize(16) for lang in LANGUAGES])
    print(f"social images (both languages, drawn and quantised): {draw:.0f} ms median")
    with tempfile.TemporaryDirectory() as out:
        result = build(BuildSettings(out_dir=Path(out)))
        site = Path(out) / "site"
        print(f"full build: {result.seconds:.2f} s")
        for lang in LANGUAGES:
            image = (site / lang / "assets" / "social.png").stat().st_size
            feed = (site / lang / "feed.xml").stat().st_size
            print(f"  {lang}: social.png {image / 1024:.1f} KB, feed.xml {feed} B")
        newsroom = (site / "fr" / "salle-de-presse" / "index.html").stat().st_size
        print(f"  /fr/salle-de-presse/ HTML {newsroom / 1024:.1f} KB")


if __name__ == "__main__":
    main()
