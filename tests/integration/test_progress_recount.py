"""The recount against DynamoDB on moto (table from infra/template.yaml): Query only, codes
and scores only, and the same figures as the in-memory reading of the same items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from content_model import load_content
from moto import mock_aws
from progress import __main__ as cli
from progress.recount import recount
from progress.seed import population
from progress.source import (
    ASSESSMENT_FIELDS,
    COACHING_FIELDS,
    REGISTRATION_FIELDS,
    DynamoProgressSource,
    MemoryProgressSource,
)
from stack.template import create_tables
from staff.dynamo import DynamoStaffStore

TABLE = "program-test"
REGION = "ca-central-1"
DATA = Path(__file__).resolve().parents[2] / "content" / "data"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def stored(item: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, float):
            return Decimal(str(value))
        if isinstance(value, dict):
            return {key: convert(inner) for key, inner in value.items()}
        return value

    return {key: convert(value) for key, value in item.items() if value is not None}


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    content = load_content(DATA)
    items = list(population(content, 300, seed=7))
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, {"ProgramTable": TABLE, "IdempotencyTable": "idem-test"})
        table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
        with table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item=stored(item))
        yield table, items


def test_recount_queries_only_codes_and_scores(seeded: tuple[Any, list[dict[str, Any]]]) -> None:
    table, items = seeded
    content = load_content(DATA)
    calls: list[dict[str, Any]] = []
    table.meta.client.meta.events.register(
        "provide-client-params.dynamodb.*",
        lambda params, model, **_: calls.append({"operation": model.name, **params}),
    )
    source = DynamoProgressSource(table)
    read = list(source.branch_registrations("montreal"))
    assert read, "the seed puts registrations in Montréal"
    assert all(set(item) <= {*REGISTRATION_FIELDS, *COACHING_FIELDS} for item in read)
    assert any(item.get("coaching_first_meeting_on") for item in read)
    linked = source.assessments([str(item["reference"]) for item in read])
    assert all(set(a) <= set(ASSESSMENT_FIELDS) for group in linked.values() for a in group)

    from_table = recount(source, content, NOW)
    from_memory = recount(MemoryProgressSource(items), content, NOW)
    assert from_table.normalised() == from_memory.normalised()
    assert sum(from_table.registrations.values()) > 200

    assert {call["operation"] for call in calls} == {"Query"}
    for call in calls:
        # Each read names what it may return: never a name, an address or an answer.
        assert set(call["ExpressionAttributeNames"].values()) <= {
            *REGISTRATION_FIELDS,
            *COACHING_FIELDS,
            *ASSESSMENT_FIELDS,
            "gsi1pk",
            "gsi1sk",
            "pk",
        }


def test_command_writes_a_snapshot_and_an_audit_record(
    seeded: tuple[Any, list[dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, _ = seeded
    monkeypatch.setattr(DynamoStaffStore, "actor", lambda self: "tester")
    out = tmp_path / "snapshot.json"
    assert cli.main(["recount", "--table", TABLE, "--out", out.as_posix()]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["synthetic"] is False
    assert document["as_of"].endswith("Z")
    assert document["figures"]["total"]["registrations"] > 200
    text = out.read_text(encoding="utf-8")
    assert "fictif" not in text and "example.invalid" not in text and "FAKE-" not in text
    audits = table.scan(
        FilterExpression="begins_with(pk, :a)", ExpressionAttributeValues={":a": "AUDIT#"}
    )
    assert [item["action"] for item in audits["Items"]] == ["progress-recount"]


def test_the_public_coached_are_the_staff_funnels_coached(
    seeded: tuple[Any, list[dict[str, Any]]],
) -> None:
    """One definition: coached is a recorded first meeting, for the page and for the staff
    summary alike (and not "has an assessment", as before coaching was recorded)."""
    from datetime import date

    from staff import summary

    table, items = seeded
    content = load_content(DATA)
    counted = recount(DynamoProgressSource(table), content, NOW)
    store = DynamoStaffStore(TABLE, region=REGION)
    registrations, linked = summary.collect(
        store, content, date(2020, 1, 1), date(2030, 12, 31), now=NOW
    )
    funnel = summary.summarise(registrations, linked, content).funnel_by_region
    assert {code: n for code, n in counted.coached.items() if n} == {
        code: stages["coached"] for code, stages in funnel.items() if stages["coached"]
    }
    # The seeded coaching is there, and not the same group as the assessed.
    met = {
        str(item["reference"])
        for item in items
        if item.get("coaching_first_meeting_on")
        and item.get("kind") == "registration"
        and item.get("status") != "possible_duplicate"
    }
    assert sum(counted.coached.values()) == len(met) > 0
    assert counted.coached != counted.assessed


def test_refresh_peers_reads_codes_and_scores_and_writes_one_item(
    seeded: tuple[Any, list[dict[str, Any]]],
) -> None:
    """What the scheduled function will call: Query only (the recount's projections, sector
    and head count included), then one PutItem, `AGG#peers`, equal to the in-memory reading."""
    from progress.peer_refresh import businesses_document, refresh_peers

    table, items = seeded
    content = load_content(DATA)
    calls: list[dict[str, Any]] = []
    table.meta.client.meta.events.register(
        "provide-client-params.dynamodb.*",
        lambda params, model, **_: calls.append({"operation": model.name, **params}),
    )
    written = refresh_peers(DynamoProgressSource(table), table, content, NOW)
    reads = [call for call in calls if call["operation"] == "Query"]
    writes = [call for call in calls if call["operation"] != "Query"]
    assert reads and [w["operation"] for w in writes] == ["PutItem"]
    assert writes[0]["Item"]["pk"] == "AGG#peers"
    assert "sector" in REGISTRATION_FIELDS and "employees" in REGISTRATION_FIELDS
    for call in reads:
        assert set(call["ExpressionAttributeNames"].values()) <= {
            *REGISTRATION_FIELDS,
            *COACHING_FIELDS,
            *ASSESSMENT_FIELDS,
            "gsi1pk",
            "gsi1sk",
            "pk",
        }
    expected = businesses_document(MemoryProgressSource(items), content, NOW)
    assert written == expected and written["groups"]["region"]
    stored_item = table.get_item(Key={"pk": "AGG#peers", "sk": "AGG"})["Item"]
    assert {kind: set(groups) for kind, groups in stored_item["groups"].items()} == {
        kind: set(groups) for kind, groups in expected["groups"].items()
    }
    text = json.dumps(stored_item, default=str)
    assert "fictif" not in text and "example.invalid" not in text and "FAKE-" not in text


def test_peers_command_writes_the_item_and_an_audit_record(
    seeded: tuple[Any, list[dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, _ = seeded
    monkeypatch.setattr(DynamoStaffStore, "actor", lambda self: "tester")
    out = tmp_path / "peers.json"
    assert cli.main(["peers", "--table", TABLE, "--out", out.as_posix()]) == 0
    stored_item = table.get_item(Key={"pk": "AGG#peers", "sk": "AGG"})["Item"]
    assert stored_item["kind"] == "peers" and stored_item["k"] == 10
    assert json.loads(out.read_text(encoding="utf-8"))["groups"]["region"]
    audits = table.scan(
        FilterExpression="begins_with(pk, :a)", ExpressionAttributeValues={":a": "AUDIT#"}
    )
    assert [item["action"] for item in audits["Items"]] == ["progress-peers"]
