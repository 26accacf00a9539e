"""Prints figures for the staff commands and the notifier, on moto in this process.

    .venv/bin/python tests/benchmarks/bench_staff.py [registrations]

moto answers from memory in the same process: real DynamoDB adds a network round
trip per call (a few ms) but pages the same way, so the call counts matter more
than the times. Nothing here asserts; it prints.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws
from stack.template import create_tables
from staff import exports, privacy, summary
from staff.content import load_content
from staff.dynamo import DynamoStaffStore

REGION = "ca-central-1"
REPO = Path(__file__).resolve().parents[2]


def registration(index: int, branch: str, region: str) -> dict[str, Any]:
    reference = f"R{index:07d}"
    created = f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}T10:00:{index % 60:02d}.000000Z"
    email = f"person{index}@example.ca"
    return {
        "pk": f"REG#{reference}",
        "sk": "REG",
        "kind": "registration" if index % 5 else "waitlist",
        "reference": reference,
        "created_at": created,
        "phase": "open",
        "legal_name": f"Commerce Éloïse {index} inc.",
        "neq": f"11{index:08d}",
        "sector": "clothing",
        "employees": Decimal(index % 99 + 1),
        "region": region,
        "branch": branch,
        "sells_online": bool(index % 2),
        "contact_name": "Éloïse Gagné",
        "email": email,
        "phone": "+18195550199",
        "language": "fr" if index % 4 else "en",
        "survey_consent": True,
        "gsi1pk": f"BRANCH#{branch}",
        "gsi1sk": f"{created}#{reference}",
        "gsi2pk": "EMAIL#" + hashlib.sha256(email.encode()).hexdigest(),
        "gsi2sk": created,
    }


@dataclass
class Calls:
    names: list[str]

    def count(self, name: str) -> int:
        return self.names.count(name)


def timed(label: str, action: Any) -> Any:
    start = time.perf_counter()
    result = action()
    print(f"{label:<58} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def import_times(runs: int = 5) -> list[float]:
    code = (
        "import time; t = time.perf_counter(); import forms_api.handlers.notifier; "
        "print(time.perf_counter() - t)"
    )
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout
        results.append(float(output.strip().splitlines()[-1]) * 1000)
    return results


@dataclass
class FakeContext:
    function_name: str = "notifier"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:ca-central-1:123456789012:function:notifier"
    aws_request_id: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def notifier_batch(count: int) -> None:
    """One stream batch of `count` new registrations through the notifier, then its retry."""
    os.environ.update(
        TABLE_NAME="program",
        IDEMPOTENCY_TABLE_NAME="idempotency",
        MAIL_SENDER="inscriptions@example.org",
        BRANCH_NOTICE_FALLBACK="succursales@example.org",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    client = boto3.client("dynamodb", region_name=REGION)
    create_tables(client, {"ProgramTable": "program", "IdempotencyTable": "idempotency"})
    arn = client.update_table(
        TableName="program",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    boto3.client("ses", region_name=REGION).verify_email_identity(
        EmailAddress="inscriptions@example.org"
    )
    table = boto3.resource("dynamodb", region_name=REGION).Table("program")
    for index in range(count):
        table.put_item(Item=registration(index, "mauricie", "04"))
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
    )
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    event = {"Records": streams.get_records(ShardIterator=iterator)["Records"]}

    from forms_api.handlers import notifier

    first = timed(
        f"notifier: batch of {count} registrations (first call)",
        lambda: notifier.lambda_handler(event, FakeContext()),  # type: ignore[arg-type]
    )
    timed(
        "notifier: same batch retried (idempotent, nothing sent)",
        lambda: notifier.lambda_handler(event, FakeContext()),  # type: ignore[arg-type]
    )
    from moto.ses.models import ses_backends

    sent = len(ses_backends["123456789012"][REGION].sent_messages)
    print(f"  e-mails sent {sent}, failures {len(first['batchItemFailures'])}")


def main(count: int) -> None:
    os.environ.update(
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto
    )
    content = load_content()
    regions = {region.branch: region.code for region in content.regions}
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, {"ProgramTable": "program"})
        table = boto3.resource("dynamodb", region_name=REGION).Table("program")
        branches = content.branch_ids
        start = time.perf_counter()
        with table.batch_writer() as batch:
            for index in range(count):
                branch = branches[index % len(branches)]
                batch.put_item(Item=registration(index, branch, regions.get(branch, "06")))
                if index % 2 == 0:
                    batch.put_item(
                        Item={
                            "pk": f"REG#R{index:07d}",
                            "sk": f"ASM#2026-12-01T00:00:00Z#{index}",
                            "kind": "assessment",
                            "level": ("beginner", "intermediate", "advanced")[index % 3],
                        }
                    )
        print(
            f"seeded {count} registrations (+{count // 2} assessments) "
            f"in {time.perf_counter() - start:.1f} s"
        )

        store = DynamoStaffStore("program", region=REGION)
        calls = Calls([])
        store.client.meta.events.register(
            "before-call.dynamodb.*", lambda model, **_: calls.names.append(model.name)
        )

        data, rows = timed(
            f"export one branch, whole year ({count // len(branches)} rows)",
            lambda: exports.export_branch(
                store, "mauricie", date(2026, 1, 1), date(2026, 12, 31), content
            ),
        )
        print(f"  CSV {len(data) / 1024:.0f} KiB, {rows} rows, Query calls {calls.count('Query')}")

        calls.names.clear()
        timed(
            "summary without levels (8 index queries)",
            lambda: summary.collect(store, content, date(2026, 1, 1), date(2026, 12, 31), False),
        )
        print(f"  Query calls {calls.count('Query')}")
        calls.names.clear()
        timed(
            "summary with assessment levels",
            lambda: summary.collect(store, content, date(2026, 1, 1), date(2026, 12, 31), True),
        )
        print(f"  Query calls {calls.count('Query')}, Scan calls {calls.count('Scan')}")

        calls.names.clear()
        findings = timed(
            "privacy find by e-mail",
            lambda: privacy.find(store, privacy.Lookup(email="person42@example.ca")),
        )
        timed("privacy erase (same person)", lambda: privacy.erase(store, findings))
        print(f"  items {len(findings.keys)}, calls {sorted(set(calls.names))}")

    with mock_aws():
        notifier_batch(count=10)

    times = import_times()
    print(
        f"notifier module import, fresh interpreter (5 runs): median "
        f"{statistics.median(times):.0f} ms, min {min(times):.0f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
