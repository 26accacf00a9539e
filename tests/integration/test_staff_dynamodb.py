"""Staff commands against DynamoDB on moto, with the table built from infra/template.yaml.

Proves the access patterns: the export and summary Query index gsi1, privacy
requests Query gsi2 and partitions, and nothing ever calls Scan.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import funnel_population
import pytest
from forms_api import keys
from forms_api.domain.models import Registration
from moto import mock_aws
from moto.server import ThreadedMotoServer
from scored_assessments import answer_labels, scored_assessment
from stack.template import create_tables
from staff import cli, exports, privacy
from staff.content import load_content
from staff.dynamo import DynamoStaffStore

TABLE = "program-test"
IDEMPOTENCY = "idempotency-test"
REGION = "ca-central-1"


def registration(reference: str, created_at: str, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "registration",
        "reference": reference,
        "created_at": created_at,
        "phase": "open",
        "legal_name": "Quincaillerie Éloïse",
        "neq": "1170000001",
        "sector": "hardware",
        "employees": Decimal(8),
        "region": "17",
        "branch": "mauricie",
        "sells_online": True,
        "contact_name": "Éloïse Gagné",
        "email": "eloise@example.ca",
        "phone": "+18195550199",
        "language": "fr",
        "survey_consent": False,
        "expires_at": Decimal(1900000000),
    }
    item.update(overrides)
    created = str(created_at)
    item.update(
        keys.registration(reference),
        **keys.branch_index(str(item["branch"]), created, reference),
        **keys.email_index(str(item["email"]), created),
    )
    return item


def seed(table: Any) -> None:
    table.put_item(Item=registration("AAAA2222", "2026-11-02T09:00:00.000000Z"))
    table.put_item(Item={**keys.neq_guard("1170000001"), "reference": "AAAA2222"})
    table.put_item(
        Item={
            **keys.linked_assessment("AAAA2222", "2026-11-03T09:00:00.000000Z", "x1"),
            "kind": "assessment",
            "reference": "AAAA2222",
            "level": "beginner",
        }
    )
    table.put_item(
        Item=registration(
            "BBBB3333",
            "2026-11-04T09:00:00.000000Z",
            email="autre@example.ca",
            neq="1170000002",
            legal_name="=1+1",
        )
    )
    table.put_item(
        Item=registration(
            "CCCC4444",
            "2026-11-05T09:00:00.000000Z",
            branch="montreal",
            region="06",
            idempotency_key="test-registration#c4444",
        )
    )
    # Its Powertools idempotency record (the registration carries its id), and another's.
    idempotency = boto3.resource("dynamodb", region_name=REGION).Table(IDEMPOTENCY)
    for record_id in ("test-registration#c4444", "test-registration#other"):
        idempotency.put_item(Item={"id": record_id, "status": "COMPLETED", "expiration": 1})


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DynamoStaffStore, list[str]]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, {"ProgramTable": TABLE, "IdempotencyTable": IDEMPOTENCY})
        seed(boto3.resource("dynamodb", region_name=REGION).Table(TABLE))
        staff_store = DynamoStaffStore(TABLE, region=REGION, idempotency_table=IDEMPOTENCY)
        operations: list[str] = []
        # Every DynamoDB call the staff store makes, by operation name.
        staff_store.client.meta.events.register(
            "before-call.dynamodb.*",
            lambda model, **_kwargs: operations.append(model.name),
        )
        yield staff_store, operations


def test_export_queries_gsi1_and_never_scans(store: tuple[DynamoStaffStore, list[str]]) -> None:
    staff_store, operations = store
    data, count = exports.export_branch(
        staff_store, "mauricie", date(2026, 11, 1), date(2026, 11, 4), load_content()
    )
    assert count == 2
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in table[1:]] == ["AAAA2222", "BBBB3333"]
    assert table[2][4] == "'=1+1"
    # The branch's index, then each registration's linked assessments.
    assert operations == ["Query"] * 3


def test_summary_reads_per_branch_and_per_registration_without_scan(
    store: tuple[DynamoStaffStore, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_store, operations = store
    assert cli.main(["summary", "--json"], lambda _args: staff_store) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 3
    assert result["by_branch"] == {"mauricie": 2, "montreal": 1}
    assert result["by_level"] == {"beginner": 1, "none": 2}
    centre = next(region for region in result["regions"] if region["code"] == "17")
    assert (centre["count"], centre["target"], centre["percent_of_target"]) == (2, 132, 1.5)
    assert "Scan" not in operations
    # 8 branches + 3 registrations' partitions.
    assert operations.count("Query") == 8 + 3


def test_privacy_erase_removes_the_person_and_audits_with_the_caller_identity(
    store: tuple[DynamoStaffStore, list[str]],
) -> None:
    staff_store, operations = store
    findings = privacy.find(staff_store, privacy.Lookup(email="ELOISE@example.ca "))
    # eloise@ registered AAAA2222 and CCCC4444 (montreal), not BBBB3333.
    assert findings.references == ["AAAA2222", "CCCC4444"]
    assert len(findings.keys) == 4  # 2 registrations, the NEQ guard, the assessment

    assert (
        cli.main(
            ["privacy", "erase", "--reference", "CCCC4444", "--yes"], lambda _args: staff_store
        )
        == 0
    )
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    remaining = table.scan()["Items"]  # the test may Scan; the staff store may not
    kinds = sorted(str(item.get("kind")) for item in remaining)
    assert kinds == ["audit", "registration"]
    audit = next(item for item in remaining if item["kind"] == "audit")
    assert audit["actor"].startswith("arn:aws:")  # STS caller identity (moto's)
    # 4 items and the idempotency record of CCCC4444.
    assert (audit["action"], audit["count"], audit["lookup"]) == ("privacy_erase", 5, "reference")
    assert "eloise" not in json.dumps(audit, default=str).lower()
    idempotency = boto3.resource("dynamodb", region_name=REGION).Table(IDEMPOTENCY)
    assert [item["id"] for item in idempotency.scan()["Items"]] == ["test-registration#other"]
    assert "Scan" not in operations
    # DeleteItem only: BatchWriteItem could also put, which the staff policy does not allow.
    assert {"Query", "GetItem", "DeleteItem", "PutItem"} <= set(operations)
    assert "BatchWriteItem" not in operations


def test_privacy_erase_without_the_idempotency_table_deletes_nothing(
    store: tuple[DynamoStaffStore, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_store, operations = store
    staff_store.idempotency_table = None
    argv = ["privacy", "erase", "--reference", "CCCC4444", "--yes"]
    assert cli.main(argv, lambda _args: staff_store) == 2
    assert "--idempotency-table" in capsys.readouterr().err
    assert "DeleteItem" not in operations


@pytest.fixture
def local_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A stand-in moto server named in a `localdev.json`, as `make dev` leaves them: the
    program table (a boto3 Table) the staff commands reach with `--local`. moto's servers in
    one process share their tables: each test names its own."""
    from localdev.standin import dynamodb_client

    name = f"program-local-{tmp_path.name}"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        create_tables(dynamodb_client(endpoint), {"ProgramTable": name})
        state = {
            "url": "http://127.0.0.1:1",
            "dynamodb_endpoint": endpoint,
            "region": REGION,
            "tables": {"ProgramTable": name},
            "pid": 1,
        }
        localdev = tmp_path / "localdev.json"
        localdev.write_text(json.dumps(state), encoding="utf-8")
        monkeypatch.setattr("localdev.state.STATE_FILE", localdev)
        monkeypatch.delenv("TABLE_NAME", raising=False)
        monkeypatch.chdir(tmp_path)
        resource = boto3.resource(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106
        )
        yield resource.Table(name)
    finally:
        server.stop()


def this_months_audits(table: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = table.query(
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": f"AUDIT#{date.today():%Y-%m}"},
    )["Items"]
    return found


def test_local_mode_reaches_the_stand_in_named_in_localdev_json(
    local_table: Any, tmp_path: Path
) -> None:
    assert cli.main(["export", "--local", "--branch", "outaouais"]) == 0
    [written] = tmp_path.glob("outaouais_*.csv")
    assert written.read_bytes().count(b"\r\n") == 1  # headers only
    assert [item["actor"] for item in this_months_audits(local_table)] == ["local"]


def test_coaching_steps_are_recorded_in_the_local_mode(
    local_table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    local_table.put_item(Item=registration("FAKE-000042", "2026-11-02T09:00:00.000000Z"))
    argv = ["coaching", "--local", "fake-000042", "--step", "contacted", "--date", "2026-11-03"]
    assert cli.main(argv) == 0
    item = local_table.get_item(Key=keys.registration("FAKE-000042"))["Item"]
    assert item["coaching_contacted_on"] == "2026-11-03"
    assert cli.main(["coaching", "--local", "FAKE-000042"]) == 0  # shows, changes nothing
    assert "contacted        2026-11-03" in capsys.readouterr().out
    audits = this_months_audits(local_table)
    assert [(a["action"], a["actor"]) for a in audits] == [("coaching", "local")]


def test_local_mode_not_running_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("localdev.state.STATE_FILE", tmp_path / "absent.json")
    assert cli.main(["summary", "--local"]) == 2
    assert "make dev" in capsys.readouterr().err


def test_the_staff_policy_grants_queries_and_narrow_writes_never_scan() -> None:
    from stack.template import load_template

    policy = load_template()["Resources"]["StaffToolsPolicy"]["Properties"]["PolicyDocument"]
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    actions = {
        action
        for statement in policy["Statement"]
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    }
    assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)
    leading = "dynamodb:LeadingKeys"
    assert by_sid["AuditRecords"]["Condition"]["ForAllValues:StringLike"][leading] == ["AUDIT#*"]
    assert by_sid["PrivacyErasure"]["Action"] == "dynamodb:DeleteItem"
    assert by_sid["PrivacyErasure"]["Condition"]["ForAllValues:StringLike"][leading] == [
        "REG#*",
        "NEQ#*",
        "MAILCOUNT#*",
        "MAILREFUSED#*",
    ]
    assert by_sid["PrivacyErasureOfIdempotencyRecords"] == {
        "Sid": "PrivacyErasureOfIdempotencyRecords",
        "Effect": "Allow",
        "Action": "dynamodb:DeleteItem",
        "Resource": {"Fn::GetAtt": "IdempotencyTable.Arn"},
    }
    assert by_sid["ResendThroughTheNotifier"]["Action"] == "lambda:InvokeFunction"
    assert by_sid["ResendThroughTheNotifier"]["Resource"] == {"Fn::GetAtt": "NotifierFunction.Arn"}
    assert not any(action.startswith("ses:") for action in actions)


# Every DynamoDB action that can create or overwrite an item (IAM's "Write" level, less
# the deletions), from the service authorization reference.
CREATES_OR_OVERWRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:TransactWriteItems",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:ImportTable",
    "dynamodb:RestoreTableFromBackup",
    "dynamodb:RestoreTableToPointInTime",
}


# What a registration item holds besides its key: its data, status, retention, index keys.
REGISTRATION_DATA = {
    *(field.name for field in dataclass_fields(Registration)),
    "created_at",
    "email_confirmed_at",
    "duplicate_of",
    "gsi1pk",
    "gsi1sk",
    "gsi2pk",
    "gsi2sk",
}


def test_the_staff_policy_cannot_create_or_overwrite_registrations_or_guards() -> None:
    from fnmatch import fnmatch

    from stack.template import load_template

    policy = load_template()["Resources"]["StaffToolsPolicy"]["Properties"]["PolicyDocument"]
    protected = [keys.registration("ABCD2345")["pk"], keys.neq_guard("1170000001")["pk"]]
    for statement in policy["Statement"]:
        actions = statement["Action"]
        actions = {actions} if isinstance(actions, str) else set(actions)
        assert not any(a in {"dynamodb:*", "*"} for a in actions)
        writes = actions & CREATES_OR_OVERWRITES
        if not writes or statement["Effect"] != "Allow":
            continue
        # A write is allowed only under key spaces no registration or guard is in, or (the
        # coaching steps) as an UpdateItem that names the coaching attributes only.
        spaces = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        touched = [
            (action, pk)
            for action in writes
            for pk in protected
            if any(fnmatch(pk, s) for s in spaces)
        ]
        if statement["Sid"] == "CoachingSteps":
            assert writes == {"dynamodb:UpdateItem"}
            assert {pk for _action, pk in touched} == {protected[0]}  # registrations only
            allowed = set(
                statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"]
            )
            assert allowed == {"pk", "sk", *keys.COACHING_ATTRIBUTES}
            assert not allowed & REGISTRATION_DATA
            continue
        assert not touched, statement["Sid"]


# --- coaching steps ---------------------------------------------------------------------


def table_items() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    return sorted(table.scan()["Items"], key=lambda item: (item["pk"], item["sk"]))


def test_coaching_steps_are_stored_on_the_registration_and_audited_without_personal_data(
    store: tuple[DynamoStaffStore, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_store, operations = store
    before = (
        boto3.resource("dynamodb", region_name=REGION)
        .Table(TABLE)
        .get_item(Key=keys.registration("AAAA2222"))["Item"]
    )
    argv = ["coaching", "aaaa2222", "--step", "first_meeting", "--date", "2026-11-10"]
    assert cli.main(argv, lambda _args: staff_store) == 0
    argv = ["coaching", "AAAA2222", "--training-hours", "6", "--coaching-hours", "4,5"]
    assert cli.main(argv, lambda _args: staff_store) == 0
    out = capsys.readouterr().out
    assert "first_meeting    2026-11-10" in out and "coaching_hours   4.5" in out

    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    item = table.get_item(Key=keys.registration("AAAA2222"))["Item"]
    assert item["coaching_first_meeting_on"] == "2026-11-10"
    assert (item["coaching_training_hours"], item["coaching_coaching_hours"]) == (6, Decimal("4.5"))
    # The rest of the registration is untouched.
    assert {k: v for k, v in item.items() if not k.startswith("coaching_")} == before

    audits = [i for i in table_items() if i.get("kind") == "audit"]
    assert sorted((a["action"], a["count"], a["branch"], a["changes"]) for a in audits) == [
        ("coaching", 1, "mauricie", "coaching_hours,training_hours"),
        ("coaching", 1, "mauricie", "first_meeting"),
    ]
    recorded = json.dumps(audits, default=str).lower()
    for personal in ("aaaa2222", "eloise", "éloïse", "1170000001", "8195550199"):
        assert personal not in recorded
    # The registration is read by key and written with one conditional UpdateItem.
    assert set(operations) == {"GetItem", "UpdateItem", "PutItem"}


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["AAAA2222", "--step", "first_meeting", "--date", "2026-13-01"], "Invalid date"),
        (["AAAA2222", "--step", "first_meeting", "--date", "15/01/2027"], "Date invalide"),
        (["AAAA2222", "--training-hours", "-2"], "Invalid hours"),
        (["AAAA2222", "--coaching-hours", "1.1"], "quarter hours"),
        (["AAAA2222", "--coaching-hours", "nan"], "Heures invalides"),
        (["ZZZZ9999", "--step", "contacted"], "No registration VNB-ZZZZ-9999"),
        (["AAAA2222", "--step", "contacted", "--date", "2026-10-01"], "before the registration"),
        (["AAAA2222", "--step", "contacted", "--date", "2099-01-01"], "in the future"),
        (["AAAA2222", "--step", "finished", "--date", "2026-11-20"], "first meeting"),
        (["AAAA2222", "--date", "2026-11-20"], "--date goes with --step"),
    ],
)
def test_a_refused_coaching_change_is_a_clear_error_and_changes_nothing(
    store: tuple[DynamoStaffStore, list[str]],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
) -> None:
    staff_store, operations = store
    before = table_items()
    assert cli.main(["coaching", *argv], lambda _args: staff_store) == 2
    error = capsys.readouterr().err
    assert said in error and "rien n’est changé / nothing changed" in error
    assert table_items() == before  # no coaching attribute, no audit record
    assert not {"UpdateItem", "PutItem"} & set(operations)


def test_coaching_steps_keep_their_order_and_a_mistake_can_be_cleared(
    store: tuple[DynamoStaffStore, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    staff_store, _operations = store

    def coaching(*argv: str) -> int:
        return cli.main(["coaching", "AAAA2222", *argv], lambda _args: staff_store)

    assert coaching("--step", "first_meeting", "--date", "2026-11-20") == 0
    assert coaching("--step", "contacted", "--date", "2026-11-25") == 2  # after the meeting
    assert "cannot come before" in capsys.readouterr().err
    assert coaching("--clear", "first_meeting", "--step", "contacted", "--date", "2026-11-25") == 0
    item = (
        boto3.resource("dynamodb", region_name=REGION)
        .Table(TABLE)
        .get_item(Key=keys.registration("AAAA2222"))["Item"]
    )
    assert item["coaching_contacted_on"] == "2026-11-25"
    assert "coaching_first_meeting_on" not in item
    audits = [i for i in table_items() if i.get("kind") == "audit"]
    assert sorted(a["changes"] for a in audits) == [
        "cleared_first_meeting,contacted",
        "first_meeting",
    ]


def test_a_coaching_change_made_meanwhile_is_not_overwritten(
    store: tuple[DynamoStaffStore, list[str]],
) -> None:
    from datetime import UTC, datetime

    from staff import coaching

    staff_store, _operations = store
    # A staff member reads the registration: no coaching yet.
    read = staff_store.get(*keys.registration("AAAA2222").values())
    assert read is not None and keys.COACHING_UPDATED not in read
    # Another records a step meanwhile.
    change = coaching.CoachingChange(steps={"contacted": date(2026, 11, 5)})
    coaching.record(staff_store, "AAAA2222", change, datetime(2026, 11, 30, 12, tzinfo=UTC))
    # The first one's write, based on what it read, is refused and writes nothing.
    assert not staff_store.update_coaching("AAAA2222", {"coaching_training_hours": 3}, [], None)
    item = staff_store.get(*keys.registration("AAAA2222").values())
    assert item is not None and "coaching_training_hours" not in item
    assert item["coaching_contacted_on"] == "2026-11-05"
    # An unknown reference is never created by the update.
    assert not staff_store.update_coaching("ZZZZ9999", {"coaching_training_hours": 3}, [], None)
    assert staff_store.get(*keys.registration("ZZZZ9999").values()) is None


# --- the export's assessment columns, the summary's funnel ------------------------------


def test_the_export_carries_the_latest_assessments_level_and_weakest_dimensions(
    store: tuple[DynamoStaffStore, list[str]],
) -> None:
    from datetime import UTC, datetime

    staff_store, _operations = store
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    # An older assessment, then the latest one (weak in ecommerce, payments, data_security).
    table.put_item(
        Item=scored_assessment(
            "BBBB3333", datetime(2026, 11, 4, 10, tzinfo=UTC), {"team_skills": 0}
        )
    )
    table.put_item(Item=scored_assessment("BBBB3333", datetime(2026, 11, 6, 10, tzinfo=UTC)))
    reads: list[dict[str, Any]] = []
    staff_store.client.meta.events.register(
        "provide-client-params.dynamodb.Query", lambda params, **_: reads.append(params)
    )

    data, count = exports.export_branch(
        staff_store, "mauricie", date(2026, 11, 1), date(2026, 11, 30), load_content()
    )
    assert count == 2
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    latest = by_reference["BBBB3333"]
    assert latest["Dernier bilan (UTC) / Latest assessment (UTC)"] == "2026-11-06"
    assert latest["Niveau du dernier bilan / Latest assessment level"] == "En progression"
    assert [latest[f"Volet faible {n} / Weakest dimension {n}"] for n in (1, 2, 3)] == [
        "Vente en ligne (0/100)",
        "Paiements (33/100)",
        "Données et cybersécurité (67/100)",
    ]
    assert latest["Entreprise / Business"] == "'=1+1"  # still neutralised
    # AAAA2222's assessment has a level but no scores: no digest, empty cells.
    assert by_reference["AAAA2222"]["Volet faible 1 / Weakest dimension 1"] == ""
    text = data.decode("utf-8-sig")
    # No answer's wording (the short ones, « Non », are also the export's own yes/no).
    assert not [label for label in answer_labels() if len(label) > 8 and label in text]
    # Each registration's read names the digest's fields: never the answers.
    partitions = [params for params in reads if "IndexName" not in params]
    assert len(partitions) == 2
    for params in partitions:
        assert set(params["ExpressionAttributeNames"].values()) == {
            "sk",
            "level",
            "score",
            "scores",
        }


def test_the_summarys_funnel_on_dynamodb_matches_a_recount_of_a_random_population(
    store: tuple[DynamoStaffStore, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    import random

    staff_store, operations = store
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    for item in table_items():  # this test's population only
        table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    planned = funnel_population.plan(random.Random(12), 150)  # noqa: S311 - test data
    with table.batch_writer() as batch:
        for item in funnel_population.items(planned):
            batch.put_item(Item=item)
    operations.clear()

    assert cli.main(["summary", "--json"], lambda _args: staff_store) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["funnel"] == funnel_population.expected(planned)
    assert document["funnel"]["total"]["reassessed"] > 0  # the population reaches every stage
    assert "Scan" not in operations
