"""The peers' medians and the linked result page: what they cost.

    .venv/bin/python tests/benchmarks/bench_peers.py [--requests 50]

1. The medians for 5,000 and 25,000 synthetic businesses (`progress.seed`), from the
   in-memory source (the reads, the latest assessment of each, the medians; the CPU cost of
   `refresh_peers` besides its Queries), and the size of the one item it writes.
2. On moto, one process, warm: the result page of a linked T1 (the registration's GetItem, the
   Query for T0, the peers' GetItem at most every five minutes) against an unlinked one, its
   HTML weight (plain and gzipped), and "send me my result" (GetItem ×2, the counter's
   UpdateItem, the conditional PutItem).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "content" / "data"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
sys.path[:0] = [str(REPO / "functions"), str(REPO / "tests" / "support")]


def median_seconds(run: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_medians() -> None:
    from content_model import load_content
    from progress.peer_refresh import businesses_document
    from progress.seed import population
    from progress.source import MemoryProgressSource

    content = load_content(DATA)
    print("Peers' medians from the in-memory source (median of 3)")
    for count in (5_000, 25_000):
        source = MemoryProgressSource(list(population(content, count, seed=2026)))
        seconds = median_seconds(lambda s=source: businesses_document(s, content, NOW))
        document = businesses_document(source, content, NOW)
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
        groups = sum(len(found) for found in document["groups"].values())
        print(
            f"  {count:>6} businesses: {seconds * 1000:7.1f} ms, {groups} groups published,"
            f" item {size / 1024:.1f} KB"
        )


def bench_pages(requests: int) -> None:
    import boto3
    from moto import mock_aws

    data_dir = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(DATA, data_dir)
    program = data_dir / "program.yml"
    program.write_text(
        program.read_text(encoding="utf-8").replace("phase: waitlist", "phase: open"),
        encoding="utf-8",
    )
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's fake credentials
        AWS_DEFAULT_REGION="ca-central-1",
        TABLE_NAME="bench-program",
        IDEMPOTENCY_TABLE_NAME="bench-idempotency",
        POWERTOOLS_LOG_LEVEL="WARNING",
        SIGNING_KEY="bench-signing-key",
        MIN_FILL_SECONDS="0",
        MERCHANT_MAILS_PER_DAY="100",
        CONTENT_DATA_DIR=str(data_dir),
    )
    from content_model import load_content
    from forms_events import (
        FakeContext,
        check_then_send_json,
        follow,
        form_event,
        get_event,
        hidden_fields,
        response_json,
        valid_registration,
    )
    from stack.template import create_tables

    with mock_aws(), open(os.devnull, "w") as devnull:
        create_tables(
            boto3.client("dynamodb"),
            {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idempotency"},
        )
        from forms_api.handlers import assessment, registration
        from progress.peer_refresh import refresh_peers
        from progress.seed import population
        from progress.source import MemoryProgressSource

        content = load_content(data_dir)
        table = boto3.resource("dynamodb").Table("bench-program")
        refresh_peers(MemoryProgressSource(list(population(content, 3000))), table, content, NOW)

        def register(event: dict[str, Any]) -> dict[str, Any]:
            return dict(registration.lambda_handler(event, FakeContext()))

        def assess(event: dict[str, Any]) -> dict[str, Any]:
            return dict(assessment.lambda_handler(event, FakeContext()))

        stdout, sys.stdout = sys.stdout, devnull
        try:
            sent = check_then_send_json(
                register, "/registrations", valid_registration(region="06", sector="food")
            )
            reference = response_json(sent)["reference"]
            token = registration.email_confirmation_token(reference)
            register(get_event("/registrations/confirm", {"token": token}))
            questions = content.questionnaire.questions
            pages = {}
            for name, pick, linked in (("T0", 0, True), ("T1", -1, True), ("unlinked", 1, False)):
                fields = {f"answers.{q}": v.options[pick].code for q, v in questions.items()}
                if linked:
                    fields["reference"] = reference
                pages[name] = assess(form_event("/assessments", fields))["headers"]["Location"]

            def get(location: str) -> dict[str, Any]:
                path, _, query = location.partition("?")
                return assess(get_event(path.removeprefix("/api"), dict(parse_qsl(query))))

            timings: dict[str, list[float]] = {"linked T1": [], "unlinked": [], "send": []}
            bodies = {}
            for _ in range(requests):
                for name, location in (("linked T1", pages["T1"]), ("unlinked", pages["unlinked"])):
                    started = time.perf_counter()
                    page = get(location)
                    timings[name].append((time.perf_counter() - started) * 1000)
                    bodies[name] = page["body"]
            form = bodies["linked T1"].split('action="/api/assessments/mail"', 1)[1]
            fields = hidden_fields("<form" + form.split("</form>", 1)[0])
            for _ in range(requests):
                started = time.perf_counter()
                answer = assess(form_event("/assessments/mail", fields))
                timings["send"].append((time.perf_counter() - started) * 1000)
            assert follow(answer, assess)["statusCode"] == 200
        finally:
            sys.stdout = stdout
    print(f"\nOn moto, one warm process, {requests} requests each (median, ms; page weight)")
    for name, values in timings.items():
        line = f"  {name:<12} {statistics.median(values):7.1f} ms"
        if name in bodies:
            raw = bodies[name].encode("utf-8")
            line += (
                f"   {len(raw) / 1024:5.1f} KB HTML, {len(gzip.compress(raw)) / 1024:4.1f} KB gzip"
            )
        print(line)
    print("  (bare pages: no site shell in this benchmark; the shell adds the same to every page)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    bench_medians()
    bench_pages(args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
