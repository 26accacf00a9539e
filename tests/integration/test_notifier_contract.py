"""The contract between the forms API and the staff side, end to end on moto:
a registration posted to the real handler is e-mailed by the notifier from the
table's stream, and the staff commands find it (export by branch, privacy lookup).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import boto3
import content_model
import pytest
from forms_events import (
    FakeContext,
    check_then_send_json,
    get_event,
    response_json,
    valid_registration,
)
from forms_support import TABLES
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

REGION = "ca-central-1"
SENDER = "inscriptions@example.org"
FALLBACK = "succursales@example.org"


def stream_event(client: Any, stream_arn: str) -> dict[str, Any]:
    # botocore routes stream ARNs to an account endpoint moto does not serve.
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
    )
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    for record in records:
        record["eventSourceARN"] = stream_arn
    return {"Records": records}


def test_a_posted_registration_is_mailed_and_found_by_the_staff_tools(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_api.handlers import notifier, registration
    from staff import exports, privacy
    from staff.content import load_content
    from staff.dynamo import DynamoStaffStore

    # Given the table streams as the template says, and SES knows the sender
    stream_arn = dynamodb.update_table(
        TableName=TABLES["ProgramTable"],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    monkeypatch.setenv("MAIL_SENDER", SENDER)
    monkeypatch.setenv("BRANCH_NOTICE_FALLBACK", FALLBACK)  # branches.yml: still placeholders
    notifier.reset()
    content_model.cached_content.cache_clear()

    # When a merchant registers in English through the forms API
    def post(event: dict[str, Any]) -> dict[str, Any]:
        return dict(registration.lambda_handler(event, FakeContext()))

    response = check_then_send_json(post, "/registrations", valid_registration(language="en"))
    assert response["statusCode"] == 201
    reference = response_json(response)["reference"]

    # Then the stream carries it to the notifier, which e-mails the merchant and the branch
    result = notifier.lambda_handler(stream_event(dynamodb, stream_arn), FakeContext())  # type: ignore[arg-type]
    assert result == {"batchItemFailures": []}
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    by_recipient = {message.destinations["ToAddresses"][0].lower(): message for message in sent}
    assert sorted(by_recipient) == sorted(["josee.cote@example.ca", FALLBACK])
    confirmation = by_recipient["josee.cote@example.ca"]
    assert f"Your reference number: {reference}" in confirmation.body
    assert "ÉEQ – Mauricie" in confirmation.body
    # No free text the visitor typed: neither their name nor their business's.
    assert "Josée" not in confirmation.body and "Élan" not in confirmation.body
    # The mail's signed link confirms the address, which then claims the business number.
    link = re.search(r"/api/registrations/confirm\?token=(\S+)", confirmation.body)
    assert link is not None, confirmation.body
    confirmed = post(get_event("/registrations/confirm", {"token": link.group(1)}))
    assert confirmed["statusCode"] == 200
    guard = dynamodb.get_item(
        TableName=TABLES["ProgramTable"], Key={"pk": {"S": "NEQ#1170000001"}, "sk": {"S": "NEQ"}}
    )
    assert guard["Item"]["reference"] == {"S": reference}
    notice = by_recipient[FALLBACK]
    assert reference in notice.subject
    assert "josee" not in notice.body.lower() and "Élan" not in notice.body

    # And the staff tools find it through the indexes
    store = DynamoStaffStore(TABLES["ProgramTable"], region=REGION)
    today = datetime.now(UTC).date()
    data, count = exports.export_branch(store, "mauricie", today, today, load_content())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert count == 1 and rows[1][0] == reference
    findings = privacy.find(store, privacy.Lookup(email=" JOSEE.COTE@example.ca"))
    assert findings.references == [reference]
    # Confirmed: its NEQ guard; the day's mail counter of the address is tied to the person
    # too (its hash, no address).
    assert {sk for _pk, sk in findings.keys} == {"REG", "NEQ", "MAILCOUNT"}

    notifier.reset()
    content_model.cached_content.cache_clear()


def test_a_dead_lettered_registration_is_resent_by_staff_through_the_notifier(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DLQ keeps only a stream position: staff hand the registration to the notifier
    again by reference, and what already went out is not sent twice."""
    from forms_api.handlers import notifier, registration
    from staff import cli
    from staff.dynamo import DynamoStaffStore

    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    monkeypatch.setenv("MAIL_SENDER", SENDER)
    monkeypatch.setenv("BRANCH_NOTICE_FALLBACK", FALLBACK)
    notifier.reset()
    content_model.cached_content.cache_clear()

    # A registration whose stream record never reached SES (retries exhausted).
    def post(event: dict[str, Any]) -> dict[str, Any]:
        return dict(registration.lambda_handler(event, FakeContext()))

    response = check_then_send_json(post, "/registrations", valid_registration())
    reference = response_json(response)["reference"]
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert sent == []

    store = DynamoStaffStore(TABLES["ProgramTable"], region=REGION)

    def deployed_notifier(_args: object) -> Any:
        return lambda event: notifier.lambda_handler(event, FakeContext())  # type: ignore[arg-type]

    argv = ["resend", "--reference", reference.lower()]
    assert cli.main(argv, lambda _args: store, deployed_notifier) == 0
    assert sorted(m.destinations["ToAddresses"][0].lower() for m in sent) == sorted(
        ["josee.cote@example.ca", FALLBACK]
    )
    # Run twice by mistake: the notifier's idempotency sends nothing more.
    assert cli.main(argv, lambda _args: store, deployed_notifier) == 0
    assert len(sent) == 2

    notifier.reset()
    content_model.cached_content.cache_clear()
