"""The stand-in's transactions: a journal of the items they touch instead of a copy of each table.

Still all-or-nothing, conditions still enforced, one confirmed registration per NEQ under
concurrent confirmations; and a transaction no longer copies the items it does not touch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from forms_api.domain.models import Registration
from forms_api.repository import DynamoProgramRepository
from localdev.standin import StandIn, dynamodb_client
from moto.dynamodb.models.dynamo_type import Item


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    running = StandIn(tables={"ProgramTable": "vnb-test-standin"})
    running.start()
    yield running
    running.stop()


@pytest.fixture
def table(standin: StandIn) -> Iterator[str]:
    """The program table, emptied after each test."""
    name = standin.tables["ProgramTable"]
    yield name
    client = dynamodb_client(standin.endpoint)
    for item in client.scan(TableName=name)["Items"]:
        client.delete_item(TableName=name, Key={"pk": item["pk"], "sk": item["sk"]})


def _key(pk: str, sk: str = "REG") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _put(table: str, pk: str, sk: str = "REG", **attributes: str) -> dict[str, Any]:
    item = {**_key(pk, sk), **{name: {"S": value} for name, value in attributes.items()}}
    return {
        "Put": {
            "TableName": table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def _get(client: Any, table: str, pk: str, sk: str = "REG") -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(TableName=table, Key=_key(pk, sk)).get("Item")
    return item


def _cancelled(client: Any, items: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(TransactItems=items)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    return [r.get("Code", "None") for r in raised.value.response["CancellationReasons"]]


def test_a_failed_condition_cancels_the_whole_transaction(standin: StandIn, table: str) -> None:
    client = dynamodb_client(standin.endpoint)
    client.transact_write_items(TransactItems=[_put(table, "NEQ#1", "NEQ")])

    reasons = _cancelled(client, [_put(table, "REG#A"), _put(table, "NEQ#1", "NEQ")])

    assert reasons == ["None", "ConditionalCheckFailed"]
    assert _get(client, table, "REG#A") is None  # written first, then undone


def test_updates_deletes_and_puts_are_all_undone_when_one_check_fails(
    standin: StandIn, table: str
) -> None:
    client = dynamodb_client(standin.endpoint)
    client.put_item(TableName=table, Item={**_key("REG#U"), "status": {"S": "before"}})
    client.put_item(TableName=table, Item=_key("REG#D"))
    client.put_item(TableName=table, Item=_key("REG#C"))

    reasons = _cancelled(
        client,
        [
            {
                "Update": {
                    "TableName": table,
                    "Key": _key("REG#U"),
                    "UpdateExpression": "SET #s = :after",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":after": {"S": "after"}},
                }
            },
            {"Delete": {"TableName": table, "Key": _key("REG#D")}},
            _put(table, "REG#NEW"),
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": _key("REG#C"),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ],
    )

    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _get(client, table, "REG#U") == {**_key("REG#U"), "status": {"S": "before"}}
    assert _get(client, table, "REG#D") == _key("REG#D")
    assert _get(client, table, "REG#NEW") is None


def test_an_invalid_operation_after_a_write_undoes_the_write(standin: StandIn, table: str) -> None:
    client = dynamodb_client(standin.endpoint)
    client.put_item(TableName=table, Item={**_key("REG#N"), "count": {"S": "not a number"}})

    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[
                _put(table, "REG#FIRST"),
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key("REG#N"),
                        "UpdateExpression": "SET #c = #c + :one",
                        "ExpressionAttributeNames": {"#c": "count"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert _get(client, table, "REG#FIRST") is None
    assert _get(client, table, "REG#N") == {**_key("REG#N"), "count": {"S": "not a number"}}


def test_two_operations_on_one_item_are_refused_and_nothing_is_written(
    standin: StandIn, table: str
) -> None:
    client = dynamodb_client(standin.endpoint)
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[_put(table, "REG#X"), _put(table, "REG#Y"), _put(table, "REG#X")]
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert _get(client, table, "REG#X") is None
    assert _get(client, table, "REG#Y") is None


NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _registration(number: int, neq: str) -> Registration:
    return Registration(
        reference=f"VNB-TEST-{number:04d}",
        kind="registration",
        created_at=NOW,
        phase="open",
        legal_name="Boutique Éole inc.",
        region="04",
        branch="mauricie",
        contact_name="Lise Tremblay",
        email=f"lise{number}@example.org",
        phone="+18195550123",
        language="fr",
        privacy_notice_version="2026-11",
        survey_consent=False,
        expires_at=2_000_000_000,
        neq=neq,
    )


def test_concurrent_confirmations_for_one_neq_claim_it_exactly_once(
    standin: StandIn, table: str
) -> None:
    client = dynamodb_client(standin.endpoint)
    setup = DynamoProgramRepository(client, table)
    for number in range(8):
        setup.add_registration(_registration(number, "1170000099"))
    barrier = threading.Barrier(8)
    statuses: list[str] = []

    def confirm(number: int) -> None:
        repository = DynamoProgramRepository(dynamodb_client(standin.endpoint), table)
        barrier.wait()
        view = repository.confirm_registration(f"VNB-TEST-{number:04d}", NOW)
        statuses.append(view.status if view is not None else "missing")

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == ["confirmed"] + ["possible_duplicate"] * 7
    guards = [i for i in client.scan(TableName=table)["Items"] if i["pk"]["S"].startswith("NEQ#")]
    assert len(guards) == 1


def test_a_transaction_copies_only_the_items_it_names(
    standin: StandIn, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = dynamodb_client(standin.endpoint)
    for number in range(200):
        client.put_item(TableName=table, Item=_key(f"REG#{number}"))
    repository = DynamoProgramRepository(client, table)
    repository.add_registration(_registration(1, "1170000042"))
    repository.add_registration(_registration(2, "1170000042"))
    copied: list[Item] = []
    deep_copy = Item.__deepcopy__

    def counted(item: Item, memo: dict[int, Any]) -> Item:
        copied.append(item)
        return deep_copy(item, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counted)

    first = repository.confirm_registration("VNB-TEST-0001", NOW)
    second = repository.confirm_registration("VNB-TEST-0002", NOW)

    assert first is not None and first.status == "confirmed"
    assert second is not None and second.status == "possible_duplicate"
    # moto itself copies the 200 items of the table for each of these two transactions
    # (the update of moto's own, one item, is all that is left).
    assert len(copied) <= 8
