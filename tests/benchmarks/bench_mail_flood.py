"""Prints how many e-mails one address receives when someone floods the registration form
with it: the real registration handler, the table's stream and the notifier, on moto.

    .venv/bin/python tests/benchmarks/bench_mail_flood.py [registrations]

Every registration carries a different (valid) NEQ and the same stranger's address, as
a script would send them; the stream is delivered in batches of 10 (the template's
BatchSize), then delivered again (Lambda retrying). Nothing here asserts; it prints.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import boto3  # noqa: E402
import yaml  # noqa: E402
from forms_events import FakeContext, json_event, valid_registration  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.ses.models import ses_backends  # noqa: E402
from stack.template import create_tables  # noqa: E402

REGION = "ca-central-1"
SENDER = "inscriptions@example.org"
FALLBACK = "succursales@example.org"
VICTIM = "victime@example.com"
BYSTANDER = "quelquun@example.ca"
TABLES = {"ProgramTable": "program", "IdempotencyTable": "idempotency"}


def environment(content_dir: Path) -> None:
    os.environ.update(
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto
        TABLE_NAME=TABLES["ProgramTable"],
        IDEMPOTENCY_TABLE_NAME=TABLES["IdempotencyTable"],
        CONTENT_DATA_DIR=str(content_dir),
        MAIL_SENDER=SENDER,
        BRANCH_NOTICE_FALLBACK=FALLBACK,
        SITE_URL="https://vnb.example.org",
        POWERTOOLS_LOG_LEVEL="ERROR",
        POWERTOOLS_METRICS_DISABLED="true",
    )


def open_content() -> Path:
    """A copy of content/data with the program open for registrations."""
    target = Path(tempfile.mkdtemp(prefix="vnb-flood-")) / "data"
    shutil.copytree(REPO / "content" / "data", target)
    program_file = target / "program.yml"
    program = yaml.safe_load(program_file.read_text(encoding="utf-8"))
    program["phase"] = "open"
    program_file.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
    return target


def stream_records(stream_arn: str) -> list[dict[str, Any]]:
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
    )
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        records.extend(page["Records"])
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    for record in records:
        record["eventSourceARN"] = stream_arn
    # What the template's filter lets through: new registration items only.
    return [
        r
        for r in records
        if r["eventName"] == "INSERT" and r["dynamodb"]["NewImage"]["sk"]["S"] == "REG"
    ]


def deliver(records: list[dict[str, Any]]) -> tuple[int, list[float]]:
    from forms_api.handlers import notifier

    failures = 0
    times = []
    for start in range(0, len(records), 10):
        began = time.perf_counter()
        answer = notifier.lambda_handler(
            {"Records": records[start : start + 10]},
            FakeContext(function_name="notifier"),  # type: ignore[arg-type]
        )
        times.append(1000 * (time.perf_counter() - began))
        failures += len(answer["batchItemFailures"])
    return failures, times


def main(count: int) -> None:
    environment(open_content())
    from forms_api.handlers import notifier, registration
    from forms_api.notifier_settings import get_notifier_settings

    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, TABLES)
        stream_arn = client.update_table(
            TableName=TABLES["ProgramTable"],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
        notifier.reset()

        began = time.perf_counter()
        statuses: dict[int, int] = {}
        for index in range(count):
            payload = valid_registration(email=VICTIM, neq=f"22{index:08d}")
            answer = registration.lambda_handler(
                json_event("/registrations", payload), FakeContext()
            )
            statuses[answer["statusCode"]] = statuses.get(answer["statusCode"], 0) + 1
        bystander = valid_registration(email=BYSTANDER, neq="3300000001")
        registration.lambda_handler(json_event("/registrations", bystander), FakeContext())
        posted = time.perf_counter() - began
        print(f"{count} registrations with one address posted in {posted:.1f} s: {statuses}")

        records = stream_records(stream_arn)
        failures, times = deliver(records)
        retry_failures, retry_times = deliver(records)  # Lambda delivering the batches again

        sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        to = [m.destinations["ToAddresses"][0] for m in sent]
        limit = get_notifier_settings().merchant_mails_per_day
        print(f"stream records to the notifier: {len(records)} (batches of 10, then again)")
        print(f"daily limit per address (MERCHANT_MAILS_PER_DAY): {limit}")
        print(f"  mails to the flooded address       {to.count(VICTIM):>5}")
        print(f"  mails to another registrant        {to.count(BYSTANDER):>5}")
        print(f"  branch notices                     {to.count(FALLBACK):>5}")
        print(f"  failed records (first, retry)      {failures:>5}, {retry_failures}")
        print(
            f"notifier per batch of 10: median {statistics.median(times):.0f} ms first,"
            f" {statistics.median(retry_times):.0f} ms retried"
        )
        counter = [
            item
            for item in client.scan(TableName=TABLES["ProgramTable"])["Items"]
            if item["pk"]["S"].startswith("MAILCOUNT#")
        ]
        print(
            f"counter items {len(counter)}, address stored in clear: "
            f"{VICTIM in json.dumps(counter)}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
