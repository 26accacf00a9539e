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
from datetime import UTC, datetime
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import boto3
import content_model
import pytest
import yaml
from content_model import DataError, load_content
from forms_api import keys
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from scored_assessments import answer_labels, scored_assessment
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
        # The results link is signed (deployed: the stack's signing secret).
        "SIGNING_KEY": "test-signing-key",
        "POWERTOOLS_SERVICE_NAME": "notifier",
        "AWS_LAMBDA_FUNCTION_NAME": "notifier",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BRANCH_NOTICE_FALLBACK", raising=False)
    monkeypatch.delenv("MERCHANT_MAILS_PER_DAY", raising=False)

    from forms_api.handlers import notifier

    with mock_aws():
        notifier.reset()
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
        notifier.reset()
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
    patterns = [json.loads(f["Pattern"]) for f in source["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": ["REG"]}}}},
        {
            "eventName": ["INSERT"],
            "dynamodb": {
                "NewImage": {"pk": {"S": [{"prefix": "REG#"}]}, "sk": {"S": [{"prefix": "ASM#"}]}}
            },
        },
        {
            "eventName": ["INSERT"],
            "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": keys.RESULTS_MAIL_PREFIX}]}}},
        },
    ]
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


def test_template_lets_the_notifier_update_its_counters_and_refusals_only() -> None:
    resources = load_template()["Resources"]
    role = resources["NotifierFunctionRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    on_program_table = [
        s for s in statements if s["Resource"] == {"Fn::GetAtt": "ProgramTable.Arn"}
    ]
    [counters, registration] = on_program_table
    # The registration's fields two mails need, nothing else: the branch and creation time
    # (an assessment's notice), the address and status ("send me my result").
    assert registration["Action"] == "dynamodb:GetItem"
    condition = registration["Condition"]
    assert condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["REG#*"]
    assert condition["ForAllValues:StringEquals"]["dynamodb:Attributes"] == [
        "pk",
        "sk",
        "branch",
        "created_at",
        "email",
        "status",
    ]
    assert condition["StringEqualsIfExists"]["dynamodb:Select"] == "SPECIFIC_ATTRIBUTES"
    assert counters["Action"] == "dynamodb:UpdateItem"
    spaces = counters["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert spaces == ["MAILCOUNT#*", "MAILREFUSED#*"]
    # The keys the notifier builds fall in those spaces; the registrations' do not.
    assert fnmatch(keys.mail_count("a@example.ca", "2026-11-28")["pk"], spaces[0])
    assert fnmatch(
        keys.mail_refused("2026-11-28T10:00:00Z", "ABCD2345", "merchant")["pk"], spaces[1]
    )
    for other in (keys.registration("ABCD2345"), keys.neq_guard("1170000001")):
        assert not any(fnmatch(other["pk"], space) for space in spaces)


def test_template_alarms_on_permanent_refusals_of_the_notifiers_metric() -> None:
    document = load_template()
    resources = document["Resources"]
    alarm = resources["MailRefusedAlarm"]["Properties"]
    function = resources["NotifierFunction"]["Properties"]
    globals_env = document["Globals"]["Function"]["Environment"]["Variables"]
    assert alarm["MetricName"] == "mail_refused"
    assert alarm["Namespace"] == globals_env["POWERTOOLS_METRICS_NAMESPACE"]
    service = function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": service}]
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_notifiers_settings_validate_from_the_templates_environment() -> None:
    from forms_api.notifier_settings import NotifierSettings

    document = load_template()
    function = document["Resources"]["NotifierFunction"]["Properties"]
    variables = {
        **document["Globals"]["Function"]["Environment"]["Variables"],
        **function["Environment"]["Variables"],
    }
    # What CloudFormation resolves at deploy time, stood in for by plausible values.
    stand_ins = {"MAIL_SENDER": "inscriptions@example.org", "BRANCH_NOTICE_FALLBACK": ""}
    env = {
        name: value if isinstance(value, str) else stand_ins.get(name, f"{name.lower()}-x")
        for name, value in variables.items()
    }
    settings = NotifierSettings.from_environment(env)
    assert settings.merchant_mails_per_day == 3
    assert settings.branch_notice_fallback is None
    # Every variable the function sets for itself is read: by the settings or Powertools.
    fields = {name.upper() for name in NotifierSettings.model_fields}
    own = set(function["Environment"]["Variables"])
    assert {name for name in own if not name.startswith("POWERTOOLS_")} <= fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"MAIL_SENDER": None}, "mail_sender"),
        ({"MAIL_SENDER": "inscriptions"}, "mail_sender"),
        ({"TABLE_NAME": None}, "table_name"),
        ({"IDEMPOTENCY_TABLE_NAME": ""}, "idempotency_table_name"),
        ({"MERCHANT_MAILS_PER_DAY": "0"}, "merchant_mails_per_day"),
        ({"MERCHANT_MAILS_PER_DAY": "trois"}, "merchant_mails_per_day"),
        ({"BRANCH_NOTICE_FALLBACK": "succursales"}, "branch_notice_fallback"),
    ],
)
def test_notifier_settings_refuse_a_missing_or_malformed_value(
    changes: dict[str, str | None], field: str
) -> None:
    from forms_api.notifier_settings import NotifierSettings
    from pydantic import ValidationError

    env = {
        "MAIL_SENDER": SENDER,
        "TABLE_NAME": "program",
        "IDEMPOTENCY_TABLE_NAME": "idempotency",
    }
    assert NotifierSettings.from_environment(env).merchant_mails_per_day == 3
    for name, value in changes.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    with pytest.raises(ValidationError, match=field):
        NotifierSettings.from_environment(env)


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
    assert "Votre numéro de référence\u00a0: ABCD2345" in french.body
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


def to(address: str) -> list[Any]:
    return [m for m in World.sent() if m.destinations["ToAddresses"] == [address]]


def emitted_metrics(output: str) -> dict[str, float]:
    """Sums of the CloudWatch embedded metrics Powertools printed."""
    totals: dict[str, float] = {}
    for line in output.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        [directive] = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "VirageNumeriqueBleu"
        assert directive["Dimensions"] == [["service"]] and document["service"] == "notifier"
        for metric in directive["Metrics"]:
            values = document[metric["Name"]]
            totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                values if isinstance(values, list) else [values]
            )
    return totals


class SesFailure:
    """Makes SES answer `code` to the next `times` SendEmail calls to `address`; the
    real client and mailer run around it (botocore's before-call short-circuit)."""

    def __init__(self, address: str, code: str, times: int = 1) -> None:
        self.address, self.code, self.times = address, code, times
        from forms_api.handlers import notifier

        notifier.get_mailer().client.meta.events.register(
            "before-call.sesv2.SendEmail", self.answer
        )

    def answer(self, params: dict[str, Any], **_kwargs: Any) -> Any:
        if self.times and json.loads(params["body"])["Destination"]["ToAddresses"] == [
            self.address
        ]:
            self.times -= 1

            class Http:
                status_code = 400 if self.code != "TooManyRequestsException" else 429

            return Http(), {"Error": {"Code": self.code, "Message": f"to {self.address}"}}
        return None


def registrations_of_one_address(world: World, count: int, email: str) -> list[str]:
    references = [f"FL{index:02d}2345" for index in range(count)]
    for index, reference in enumerate(references):
        world.table.put_item(Item=registration(reference, email=email, neq=f"11700{index:05d}"))
    return references


def test_a_refused_merchant_address_is_recorded_and_the_branch_notice_still_goes_out(
    world: World, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    # SES refuses this address for good: nothing to retry, the branch must still hear.
    world.table.put_item(Item=registration("WXYZ2345", email="not-an-address", neq="2"))
    event = world.stream_event()

    assert run(event) == {"batchItemFailures": []}
    assert len(to(BRANCH_EMAIL)) == 2 and len(to(MERCHANT_EMAIL)) == 1

    [refusal] = world.table.query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": "MAILREFUSED#2026-11"}
    )["Items"]
    assert refusal["sk"] == "WXYZ2345#merchant"
    assert (refusal["reference"], refusal["purpose"], refusal["error_code"]) == (
        "WXYZ2345",
        "merchant",
        "InvalidParameterValue",
    )
    assert "not-an-address" not in json.dumps(refusal, default=str)
    output = capsys.readouterr().out
    assert emitted_metrics(output) == {"mail_sent": 3, "mail_refused": 1}
    [error] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "refused" in error.getMessage()
    assert (error.__dict__["reference"], error.__dict__["error_code"]) == (
        "WXYZ2345",
        "InvalidParameterValue",
    )
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "not-an-address" not in logged + output


def test_a_transient_failure_fails_the_record_after_the_other_mail_went_out(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    # (A batch whose every record fails raises instead: Powertools lets Lambda retry it whole.)
    world.table.put_item(Item=registration("EFGH6789", email="sam@example.ca", neq="2"))
    event = world.stream_event()
    failing = event["Records"][0]["dynamodb"]["SequenceNumber"]
    SesFailure(MERCHANT_EMAIL, "TooManyRequestsException")

    assert run(event) == {"batchItemFailures": [{"itemIdentifier": failing}]}
    assert len(to(BRANCH_EMAIL)) == 2 and to(MERCHANT_EMAIL) == []

    # Lambda retries the record: the merchant's mail goes out, the notice is not repeated.
    assert run(event) == {"batchItemFailures": []}
    assert len(to(BRANCH_EMAIL)) == 2 and len(to(MERCHANT_EMAIL)) == 1
    assert len(to("sam@example.ca")) == 1


def test_a_failing_branch_notice_does_not_hold_back_the_merchant_mail(world: World) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    world.table.put_item(Item=registration("EFGH6789", email="sam@example.ca", neq="2"))
    event = world.stream_event()
    SesFailure(BRANCH_EMAIL, "SendingPausedException")  # account-wide: retried, not dropped

    assert len(run(event)["batchItemFailures"]) == 1
    assert len(to(MERCHANT_EMAIL)) == 1 and len(to(BRANCH_EMAIL)) == 1
    assert run(event) == {"batchItemFailures": []}
    assert len(to(MERCHANT_EMAIL)) == 1 and len(to(BRANCH_EMAIL)) == 2


def test_the_counter_failing_holds_back_the_merchant_mail_only(world: World) -> None:
    from forms_api.handlers import notifier

    world.table.put_item(Item=registration("ABCD2345"))
    world.table.put_item(Item=registration("EFGH6789", email="sam@example.ca", neq="2"))
    event = world.stream_event()
    throttled = {"times": 1}

    def throttle(**_kwargs: Any) -> Any:
        if throttled["times"]:
            throttled["times"] -= 1

            class Http:
                status_code = 400

            code = "ProvisionedThroughputExceededException"
            return Http(), {"Error": {"Code": code, "Message": "slow down"}}
        return None

    notifier.get_ledger().client.meta.events.register(  # type: ignore[attr-defined]
        "before-call.dynamodb.UpdateItem", throttle
    )
    assert len(run(event)["batchItemFailures"]) == 1
    assert len(to(BRANCH_EMAIL)) == 2  # the notice did not wait for the counter
    assert run(event) == {"batchItemFailures": []}
    assert len(to(MERCHANT_EMAIL)) == 1 and len(to("sam@example.ca")) == 1
    assert len(to(BRANCH_EMAIL)) == 2


def test_a_flood_of_registrations_with_one_address_mails_it_three_times_a_day(
    world: World, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    victim = "victime@example.com"
    references = registrations_of_one_address(world, 12, victim)
    world.table.put_item(Item=registration("OTHR2345", neq="2"))  # someone else, same day
    event = world.stream_event()

    assert run(event) == {"batchItemFailures": []}
    assert len(to(victim)) == 3
    assert len(to(MERCHANT_EMAIL)) == 1
    assert len(to(BRANCH_EMAIL)) == 13  # the branch still hears of every registration

    # Lambda retrying the batch sends nothing more, and counts nobody twice.
    assert run(event) == {"batchItemFailures": []}
    assert len(to(victim)) == 3

    day = datetime.now(UTC).strftime("%Y-%m-%d")
    counter = world.table.get_item(Key=keys.mail_count(victim, day))["Item"]
    assert len(counter["references"]) == 3 and set(counter["references"]) <= set(references)
    assert victim not in json.dumps(counter, default=str)
    assert int(counter["expires_at"]) > datetime.now(UTC).timestamp() + 86400

    output = capsys.readouterr().out
    assert emitted_metrics(output)["mail_limited"] == 9
    # Each mail held back is logged once, with its reference and never the address.
    warnings = [r.__dict__ for r in caplog.records if "daily limit" in r.getMessage()]
    assert sorted(w["reference"] for w in warnings) == sorted(
        set(references) - set(counter["references"])
    )
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "victime" not in logged + output


def test_the_daily_limit_is_a_setting(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERCHANT_MAILS_PER_DAY", "1")
    from forms_api.handlers import notifier

    notifier.reset()
    registrations_of_one_address(world, 4, "victime@example.com")
    assert run(world.stream_event()) == {"batchItemFailures": []}
    assert len(to("victime@example.com")) == 1


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
        ("results", "legal_name"),
        ("results", "contact_name"),
        ("results", "email"),
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


# --- the branch's notice of a linked assessment ----------------------------------------


def linked_assessment(reference: str, created_at: datetime) -> dict[str, Any]:
    """As the assessment handler stores it (answers included: the stream's image has them)."""
    return scored_assessment(reference, created_at)


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering, the parts the template uses: nested keys, exact values
    and `prefix`."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            name in value and matches(inner, value[name]) for name, inner in pattern.items()
        )
    return any(
        value.startswith(rule["prefix"]) if isinstance(rule, dict) else value == rule
        for rule in pattern
    )


def test_the_filter_passes_new_registrations_and_linked_assessments_only(world: World) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    world.table.put_item(Item=linked_assessment("ABCD2345", datetime(2026, 11, 28, 11, tzinfo=UTC)))
    world.table.put_item(Item={"pk": "ASM#lone1", "sk": "ASM", "kind": "assessment"})
    world.table.put_item(Item={"pk": "NEQ#1170000001", "sk": "NEQ", "reference": "ABCD2345"})
    world.table.put_item(Item={"pk": "AUDIT#2026-11", "sk": "2026-11-28T11:00:00Z#a1"})
    world.table.update_item(
        Key={"pk": "REG#ABCD2345", "sk": "REG"},
        UpdateExpression="SET coaching_first_meeting_on = :d",
        ExpressionAttributeValues={":d": "2026-11-29"},
    )
    source = load_template()["Resources"]["NotifierFunction"]["Properties"]["Events"]
    patterns = [
        json.loads(f["Pattern"])
        for f in source["NewRegistrations"]["Properties"]["FilterCriteria"]["Filters"]
    ]
    passed = [
        (record["eventName"], record["dynamodb"]["Keys"]["pk"]["S"])
        for record in world.stream_event()["Records"]
        if any(matches(pattern, record) for pattern in patterns)
    ]
    assert passed == [("INSERT", "REG#ABCD2345"), ("INSERT", "REG#ABCD2345")]


def test_a_linked_assessment_sends_its_level_and_three_weakest_dimensions_not_its_answers(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    run(world.stream_event())
    before = len(world.sent())
    item = linked_assessment("ABCD2345", datetime(2026, 11, 28, 11, tzinfo=UTC))
    world.table.put_item(Item=item)

    event = world.stream_event()
    [image] = [
        record["dynamodb"]["NewImage"]
        for record in event["Records"]
        if record["dynamodb"]["Keys"]["sk"]["S"].startswith("ASM#")
    ]
    assert "answers" in image  # the notifier has the answers in hand, and must not use them
    assert run(event) == {"batchItemFailures": []}

    [notice] = world.sent()[before:]
    assert notice.destinations["ToAddresses"] == [BRANCH_EMAIL]
    assert notice.subject == (
        "Bilan reçu pour ABCD2345\u00a0: niveau En progression – ÉEQ – Mauricie"
    )
    body = notice.body
    assert "Trois volets les plus faibles\u00a0: ecommerce, payments, data_security" in body
    assert "Three weakest dimensions: ecommerce, payments, data_security" in body
    assert "- Vente en ligne (ecommerce) – 0/100, Premiers pas (starting)" in body
    assert "(payments) – 33/100, Getting started (starting)" in body
    assert "(data_security) – 67/100, Developing (developing)" in body
    assert "Overall level: Developing (developing), 71/100" in body
    content = load_content(world.content_dir)
    for question in content.questionnaire.questions.values():
        assert question.id not in body
    for label in answer_labels():
        assert label not in body, label
    for value in PERSONAL:
        assert value.lower() not in body.lower()


def test_a_retried_assessment_record_sends_one_notice_and_a_second_assessment_its_own(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    world.table.put_item(Item=linked_assessment("ABCD2345", datetime(2026, 11, 28, 11, tzinfo=UTC)))
    event = world.stream_event()
    run(event)
    assert len(to(BRANCH_EMAIL)) == 2  # the registration's notice, the assessment's

    run(event)  # Lambda retries the same batch
    assert len(to(BRANCH_EMAIL)) == 2

    world.table.put_item(Item=linked_assessment("ABCD2345", datetime(2027, 3, 1, 9, tzinfo=UTC)))
    run(world.stream_event())  # the whole stream again: only the new assessment is news
    subjects = [message.subject for message in to(BRANCH_EMAIL)]
    assert len(subjects) == 3
    assert subjects.count(subjects[-1]) == 2  # same level: same subject, two assessments


def test_an_assessment_whose_registration_is_gone_sends_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.table.put_item(Item=linked_assessment("ZZZZ2345", datetime(2026, 11, 28, 11, tzinfo=UTC)))
    assert run(world.stream_event()) == {"batchItemFailures": []}
    assert world.sent() == []
    assert any("no notice" in record.getMessage() for record in caplog.records)


def test_a_refused_assessment_notice_is_recorded_under_its_registrations_month(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))
    run(world.stream_event())
    world.table.put_item(Item=linked_assessment("ABCD2345", datetime(2026, 12, 3, 11, tzinfo=UTC)))
    SesFailure(BRANCH_EMAIL, "MessageRejected")
    assert run(world.stream_event()) == {"batchItemFailures": []}
    key = keys.mail_refused("2026-11-28T10:15:00.000000Z", "ABCD2345", "assessment")
    refusal = world.table.get_item(Key=key)["Item"]
    assert (refusal["branch"], refusal["error_code"]) == ("mauricie", "MessageRejected")


# --- "send me my result" (forms_api.results_mail) ----------------------------------------

SCORES = {"online_presence": 55, "ecommerce": 20, "payments": 80}


def results_request(
    reference: str, assessment_id: str = "a1b2c3d4", **overrides: Any
) -> dict[str, Any]:
    from forms_api import results_mail
    from forms_api.domain.models import StoredAssessment

    assessment = StoredAssessment(assessment_id, "2026-11-28T11:00:00.000000Z", SCORES, 52)
    item = results_mail.request_item(reference, assessment, "fr", datetime.now(UTC))
    item.update(overrides)
    return item


def results_mails(address: str) -> list[Any]:
    return [m for m in to(address) if "bilan numérique" in m.subject or "assessment" in m.subject]


def test_a_results_request_mails_the_confirmed_address_a_summary_and_a_signed_link(
    world: World,
) -> None:
    from forms_api import links
    from forms_api.domain import tokens
    from forms_api.signing import signing_keys

    world.table.put_item(Item=registration("ABCD2345", status="confirmed"))
    world.table.put_item(Item=results_request("ABCD2345"))
    assert run(world.stream_event()) == {"batchItemFailures": []}
    (mail,) = results_mails(MERCHANT_EMAIL)
    assert mail.subject == "Virage numérique bleu – votre bilan numérique (ABCD2345)"
    assert "- Présence en ligne\u00a0: En progression (55 / 100)" in mail.body
    assert "\u00a0: Premiers pas (20 / 100)" in mail.body
    assert "Niveau global\u00a0: En progression (52 / 100)" in mail.body
    # No free text the visitor typed (the business's or the person's name), no address,
    # no answer: codes and scores in the content's words only.
    for value in PERSONAL:
        assert value.lower() not in (mail.subject + mail.body).lower()
    # The link: signed, for this registration, valid 30 days; nothing personal in it.
    link = next(
        line for line in mail.body.splitlines() if "/api/assessments/results?token=" in line
    )
    token = link.split("token=", 1)[1].strip()
    claims = tokens.verify(signing_keys(), token, links.RESULTS, int(datetime.now(UTC).timestamp()))
    assert claims["r"] == "ABCD2345" and claims["e"] - claims["i"] == 30 * 86400
    assert MERCHANT_EMAIL not in link and "%40" not in link
    # Counted against the address's day, as its own request, once.
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    counter = world.table.get_item(Key=keys.mail_count(MERCHANT_EMAIL, day))["Item"]
    assert {"ABCD2345", f"ABCD2345#{results_request('ABCD2345')['sk']}"} <= set(
        counter["references"]
    )


def test_a_results_request_for_an_unconfirmed_or_erased_registration_sends_nothing(
    world: World,
) -> None:
    world.table.put_item(Item=registration("ABCD2345"))  # unconfirmed
    world.table.put_item(Item=results_request("ABCD2345"))
    world.table.put_item(Item=results_request("GONE2345"))  # no registration (erased)
    assert run(world.stream_event()) == {"batchItemFailures": []}
    assert results_mails(MERCHANT_EMAIL) == []
    assert len(to(MERCHANT_EMAIL)) == 1  # the confirmation mail only


def test_results_mails_are_bounded_per_address_and_sent_once_per_request(world: World) -> None:
    world.table.put_item(Item=registration("ABCD2345", status="confirmed"))
    for number in range(5):
        world.table.put_item(Item=results_request("ABCD2345", assessment_id=f"asm{number}"))
    event = world.stream_event()
    assert run(event) == {"batchItemFailures": []}
    assert run(event) == {"batchItemFailures": []}  # a retried batch sends nothing more
    # Three mails a day to an address: the confirmation and two results.
    assert len(to(MERCHANT_EMAIL)) == 3
    assert len(results_mails(MERCHANT_EMAIL)) == 2
