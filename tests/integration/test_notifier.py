"""The notifier on moto: a stored registration goes through the table's stream to SES.

The stream records are the ones moto's DynamoDB Streams produce for real writes,
wrapped as Lambda delivers them; sent e-mails are read back from moto's SES backend.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import content_model
import pytest
import yaml
from content_model import DataError, load_content
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from stack.template import create_tables, load_template, table_definitions

REGION = "ca-central-1"
SENDER = "inscriptions@example.org"
BRANCH_EMAIL = "mauricie@example.org"
MERCHANT_EMAIL = "josee@example.ca"
# What the branch notice must never contain.
PERSONAL = ("Josée", "Côté", "josee", "Boutique Élan", "1170000001", "5145550123")


@dataclass
class FakeContext:
    function_name: str = "notifier"
    function_version: str = "$LATEST"
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:notifier"
    memory_limit_in_mb: int = 256
    aws_request_id: str = "req-1"
    log_group_name: str = "/aws/lambda/notifier"
    log_stream_name: str = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def registration(reference: str, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "registration",
        "reference": reference,
        "created_at": "2026-11-28T10:15:00.000000Z",
        "phase": "open",
        "legal_name": "Boutique Élan inc.",
        "neq": "1170000001",
        "sector": "clothing",
        "employees": Decimal(12),
        "region": "04",
        "branch": "mauricie",
        "sells_online": False,
        "contact_name": "Josée Côté",
        "email": MERCHANT_EMAIL,
        "phone": "+15145550123",
        "language": "fr",
        "survey_consent": True,
    }
    item.update(overrides)
    digest = hashlib.sha256(str(item["email"]).strip().lower().encode()).hexdigest()
    item.update(
        pk=f"REG#{reference}",
        sk="REG",
        gsi1pk=f"BRANCH#{item['branch']}",
        gsi1sk=f"{item['created_at']}#{reference}",
        gsi2pk=f"EMAIL#{digest}",
        gsi2sk=item["created_at"],
    )
    return item


@dataclass
class World:
    table: Any
    stream_arn: str
    content_dir: Path

    def stream_event(self) -> dict[str, Any]:
        """Every record of the table's stream so far, as Lambda would deliver them."""
        # botocore routes stream ARNs to an account endpoint moto does not serve.
        streams = boto3.client(
            "dynamodbstreams",
            region_name=REGION,
            endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com",
        )
        shard = streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=self.stream_arn,
            ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator)["Records"]
        for record in records:
            record["eventSourceARN"] = self.stream_arn
        return {"Records": records}

    @staticmethod
    def sent() -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def run(event: dict[str, Any]) -> dict[str, Any]:
    from forms_api.handlers import notifier

    result: dict[str, Any] = dict(notifier.lambda_handler(event, FakeContext()))  # type: ignore[arg-type]
    return result


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # The content as staff will have it once the branch's address is filled in.
    content_dir = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content" / "data", content_dir)
    branches_file = content_dir / "branches.yml"
    branches = yaml.safe_load(branches_file.read_text(encoding="utf-8"))
    for branch in branches:
        if branch["id"] == "mauricie":
            branch["email"] = BRANCH_EMAIL
    branches_file.write_text(yaml.safe_dump(branches, allow_unicode=True), encoding="utf-8")

    env = {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "TABLE_NAME": "program",
        "IDEMPOTENCY_TABLE_NAME": "idempotency",
        "CONTENT_DATA_DIR": str(content_dir),
        "MAIL_SENDER": SENDER,
        "SITE_URL": "https://vnb.example.org",
        "POWERTOOLS_SERVICE_NAME": "notifier",
        "AWS_LAMBDA_FUNCTION_NAME": "notifier",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BRANCH_NOTICE_FALLBACK", raising=False)

    from forms_api.handlers import notifier

    with mock_aws():
        notifier.get_mailer.cache_clear()
        notifier.get_send_once.cache_clear()
        content_model.cached_content.cache_clear()
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, {"ProgramTable": "program", "IdempotencyTable": "idempotency"})
        # The stream as the template declares it (moto's tables helper leaves it out).
        stream = table_definitions()["ProgramTable"]["StreamSpecification"]
        description = client.update_table(
            TableName="program",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]},
        )["TableDescription"]
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
        yield World(
            table=boto3.resource("dynamodb", region_name=REGION).Table("program"),
            stream_arn=description["LatestStreamArn"],
            content_dir=content_dir,
        )
        notifier.get_mailer.cache_clear()
        notifier.get_send_once.cache_clear()
        content_model.cached_content.cache_clear()


def test_template_streams_new_images_only() -> None:
    assert table_definitions()["ProgramTable"]["StreamSpecification"] == {
        "StreamViewType": "NEW_IMAGE"
    }


def test_template_retries_filters_and_keeps_failures() -> None:
    notifier = load_template()["Resources"]["NotifierFunction"]["Properties"]
    assert notifier["Handler"] == "forms_api.handlers.notifier.lambda_handler"
    source = notifier["Events"]["NewRegistrations"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert 0 < source["MaximumRetryAttempts"] <= 10
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": "NotifierDeadLetterQueue.Arn"
    }
    [pattern] = [json.loads(f["Pattern"]) for f in source["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": ["REG"]}}}}
    assert notifier["Role"] == {"Fn::GetAtt": "NotifierFunctionRole.Arn"}
    role = load_template()["Resources"]["NotifierFunctionRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    actions = [
        action
        for statement in statements
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    ]
    assert {"ses:SendEmail", "sqs:SendMessage", "dynamodb:GetRecords"} <= set(actions)
    assert not any(action.endswith("*") for action in actions)
    assert not {"dynamodb:Scan", "dynamodb:Query", "ses:SendRawEmail"} & set(actions)
    assert all(statement["Resource"] != "*" for statement in statements)


def test_a_registration_sends_the_merchant_confirmation_and_a_branch_notice(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    world.table.put_item(
        Item=registration(
            "EFGH6789", language="en", email="sam@example.ca", contact_name="Sam", neq="1170000009"
        )
    )

    assert run(world.stream_event()) == {"batchItemFailures": []}

    sent = world.sent()
    by_recipient = {message.destinations["ToAddresses"][0]: message for message in sent}
    assert sorted(by_recipient) == sorted([BRANCH_EMAIL, MERCHANT_EMAIL, "sam@example.ca"])
    assert all(message.source == SENDER for message in sent)

    french = by_recipient[MERCHANT_EMAIL]
    assert french.subject == "Virage numérique bleu – inscription reçue (ABCD2345)"
    assert "Votre numéro de référence : ABCD2345" in french.body
    assert "ÉEQ – Mauricie" in french.body
    assert "Prochaine étape" in french.body
    assert "Vêtements, chaussures et accessoires" in french.body
    assert "https://vnb.example.org/fr/" in french.body

    english = by_recipient["sam@example.ca"]
    assert english.subject == "Virage numérique bleu – registration received (EFGH6789)"
    assert "Your reference number: EFGH6789" in english.body
    assert "ÉEQ – Mauricie (" not in english.body and "Next step" in english.body
    assert "https://vnb.example.org/en/" in english.body

    # One notice per registration to the branch, none of it personal.
    notices = [message for message in sent if message.destinations["ToAddresses"] == [BRANCH_EMAIL]]
    assert len(notices) == 2
    for notice in notices:
        text = (notice.subject + notice.body).lower()
        for value in (*PERSONAL, "sam@example.ca", "Sam "):
            assert value.lower() not in text
        assert "python -m staff export --branch mauricie" in notice.body
        assert "Nouvelle demande" in notice.subject and "A new request" in notice.body


def test_a_retried_batch_does_not_send_again(world: World) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    event = world.stream_event()
    run(event)
    assert len(world.sent()) == 2

    run(event)  # Lambda retries the same batch
    assert len(world.sent()) == 2


def test_one_failing_record_is_reported_alone_and_retried_later(world: World) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    # SES refuses this address: the record fails, the batch goes on.
    world.table.put_item(Item=registration("WXYZ2345", email="not-an-address", neq="2"))
    event = world.stream_event()
    failing = event["Records"][1]["dynamodb"]["SequenceNumber"]

    assert run(event) == {"batchItemFailures": [{"itemIdentifier": failing}]}
    assert sorted(m.destinations["ToAddresses"][0] for m in world.sent()) == sorted(
        [BRANCH_EMAIL, MERCHANT_EMAIL]
    )


def test_only_new_registration_items_send_mail(world: World) -> None:
    world.table.put_item(
        Item={"pk": "NEQ#1170000001", "sk": "NEQ", "reference": "ABCD2345"}  # same transaction
    )
    world.table.put_item(
        Item={"pk": "REG#ABCD2345", "sk": "ASM#2026-11-28T10:20:00Z#a1", "kind": "assessment"}
    )
    world.table.put_item(Item=registration("ABCD2345"))
    world.table.update_item(
        Key={"pk": "REG#ABCD2345", "sk": "REG"},
        UpdateExpression="SET phase = :p",
        ExpressionAttributeValues={":p": "closed"},
    )
    world.table.delete_item(Key={"pk": "REG#ABCD2345", "sk": "REG"})

    assert run(world.stream_event()) == {"batchItemFailures": []}
    assert len(world.sent()) == 2  # the INSERT of the registration only


def test_a_waitlist_entry_gets_the_callback_list_text_and_a_placeholder_branch_no_notice(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.table.put_item(
        Item=registration("QRST2345", kind="waitlist", phase="waitlist", branch="outaouais")
    )

    assert run(world.stream_event()) == {"batchItemFailures": []}

    [message] = world.sent()
    assert message.destinations["ToAddresses"] == [MERCHANT_EMAIL]
    assert message.subject == "Virage numérique bleu – liste de rappel (QRST2345)"
    assert "rappellera dès l’ouverture des inscriptions" in message.body
    [warning] = [record for record in caplog.records if record.levelname == "WARNING"]
    assert "No notice address for this branch" in warning.getMessage()
    assert warning.__dict__["branch"] == "outaouais"
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "QRST2345" in logged
    for value in PERSONAL:
        assert value.lower() not in logged.lower()


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("branch_notice", "contact_name"),
        ("branch_notice", "email"),
        # The merchant's mail must not carry a stranger's words to a typed address.
        ("confirmation", "legal_name"),
        ("confirmation", "contact_name"),
        ("waitlist", "legal_name"),
    ],
)
def test_no_mail_can_quote_what_the_visitor_typed(
    tmp_path: Path, template: str, field: str
) -> None:
    content_dir = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content" / "data", content_dir)
    body = content_dir / "mail" / "en" / f"{template}.txt"
    body.write_text(body.read_text(encoding="utf-8") + f"${{{field}}}\n", encoding="utf-8")

    with pytest.raises(DataError, match=field):
        load_content(content_dir)


def test_every_template_fills_in_both_languages_without_leftovers() -> None:
    from forms_api import mailer

    content = load_content(Path(__file__).resolve().parents[2] / "content" / "data")
    for language in ("fr", "en"):
        for kind in ("registration", "waitlist"):
            item = registration("ABCD2345", language=language, kind=kind)
            mails = mailer.mails_for(item, content, "https://x.example", "b@example.org")
            assert [mail.purpose for mail in mails] == ["merchant", "branch"]
            for mail in mails:
                assert "${" not in mail.subject + mail.body
                assert "ABCD2345" in mail.subject
