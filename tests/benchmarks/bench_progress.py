"""« Le programme en chiffres »: the time to recount everything, and the page's weight.

    .venv/bin/python tests/benchmarks/bench_progress.py [--no-moto]

For 5,000 and 25,000 synthetic businesses (`progress.seed`): the recount over the in-memory
source (the same reads, the tally, the suppression: the CPU cost), then over DynamoDB on
moto for 1,000 (Query calls through boto3: the shape of the real cost, moto's speed, not
DynamoDB's), the number of Queries, and the built page's and files' sizes. The cost per
event: nothing at write time (the nightly function recounts; no registration or assessment
writes an aggregate), and, for a stream consumer that would keep a `Tally`, the time of one
`Tally.add`; the nightly function's page work (render the figures, replace them in a page).
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "content" / "data"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
MOTO_BUSINESSES = 1_000


def median_seconds(run: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def on_moto(items: list[dict[str, Any]], content: Any) -> tuple[float, list[str]]:
    import boto3
    from moto import mock_aws
    from progress.recount import recount
    from progress.source import DynamoProgressSource
    from stack.template import create_tables

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto, not a secret
        AWS_DEFAULT_REGION="ca-central-1",
    )
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ca-central-1")
        create_tables(client, {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idem"})
        table = boto3.resource("dynamodb", region_name="ca-central-1").Table("bench-program")
        with table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item={k: v for k, v in item.items() if v is not None})
        calls: list[str] = []
        table.meta.client.meta.events.register(
            "before-call.dynamodb.*", lambda model, **_: calls.append(model.name)
        )
        started = time.perf_counter()
        recount(DynamoProgressSource(table), content, NOW)
        return time.perf_counter() - started, calls


def page_weight(items: list[dict[str, Any]], content: Any) -> dict[str, int]:
    from progress.recount import recount, snapshot, write_snapshot
    from progress.source import MemoryProgressSource
    from sitebuild.build import build
    from sitebuild.settings import BuildSettings

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        tally_ = recount(MemoryProgressSource(items), content, NOW)
        write_snapshot(
            snapshot(tally_, content, NOW, synthetic=True), out / "progress" / "snapshot.json"
        )
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        build(BuildSettings(site_url="https://vnb.example.ca/", out_dir=out))
        page = out / "site" / "fr" / "chiffres"
        html = (page / "index.html").read_bytes()
        return {
            "page HTML": len(html),
            "page HTML gzip": len(gzip.compress(html, mtime=0)),
            **{name.name: name.stat().st_size for name in sorted(page.glob("chiffres*"))},
        }


def main(argv: list[str]) -> int:
    from content_model import load_content
    from progress.recount import figures, recount
    from progress.seed import population
    from progress.source import MemoryProgressSource

    content = load_content(DATA)
    largest: list[dict[str, Any]] = []
    for count in (5_000, 25_000):
        items = list(population(content, count))
        largest = items

        def run(items: list[dict[str, Any]] = items) -> None:
            figures(recount(MemoryProgressSource(items), content, NOW), content)

        seconds = median_seconds(run)
        print(
            f"recount {count:>6} businesses ({len(items)} items), in memory:"
            f" {seconds * 1000:.0f} ms",
            flush=True,
        )
    if "--no-moto" not in argv:
        # moto's Query walks every item of the table: 1,000 businesses keep it to a minute.
        count = MOTO_BUSINESSES
        moto_seconds, calls = on_moto(list(population(content, count)), content)
        print(
            f"recount {count:>6} businesses on moto (boto3 Queries): {moto_seconds:.1f} s,"
            f" {calls.count('Query')} Query calls, {calls.count('Scan')} Scan",
            flush=True,
        )
    per_event(largest, content)
    for name, size in page_weight(largest, content).items():
        print(f"{name:<24} {size / 1024:.1f} KB")
    return 0


def per_event(items: list[dict[str, Any]], content: Any) -> None:
    from progress.aggregates import Tally
    from progress.figures import END, START, page_folder, render, replace_figures
    from progress.opendata import parse_snapshot, view
    from progress.recount import branch_businesses, recount, snapshot
    from progress.source import MemoryProgressSource

    source = MemoryProgressSource(items)
    regions = {region.code for region in content.regions}
    businesses = [
        b for branch in content.branch_ids for b in branch_businesses(source, branch, regions, NOW)
    ]
    tally_ = Tally()
    started = time.perf_counter()
    for business in businesses:
        tally_.add(business)
    each = (time.perf_counter() - started) / len(businesses)
    print("aggregates per event at write time: 0 writes (the nightly function recounts)")
    print(f"Tally.add per business (a stream consumer's cost): {each * 1e6:.1f} µs")
    document = snapshot(recount(source, content, NOW), content, NOW)
    shown = {**view(parse_snapshot(document), content, "fr"), "folder": page_folder(content, "fr")}
    page = "<html>" + START + END + "</html>"

    def republish_page() -> None:
        replace_figures(page, render(shown, content, "fr"))

    print(
        f"nightly page work (render + replace, fr): {median_seconds(republish_page) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
