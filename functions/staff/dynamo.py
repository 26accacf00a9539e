"""The DynamoDB adapter of the staff commands: their only DynamoDB client (`resend` has the
Lambda one).

In production it uses the staff member's default boto3 credentials; with
`--local` it points at the local stand-in whose address the local mode writes
to `build/localdev.json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key as KeyCondition
from forms_api import keys

from staff.ports import ASSESSMENT_DIGEST_FIELDS, Item, Key

# Concurrent Queries for the linked assessments: well under on-demand limits.
LEVEL_QUERY_THREADS = 8


class LocalModeNotRunning(RuntimeError):
    """`--local` was asked for but the local mode has not written its address."""


class IdempotencyTableUnknown(RuntimeError):
    """An erasure has idempotency records to delete but no idempotency table was named."""


def local_settings(path: Path | None = None) -> tuple[str, str, str]:
    """(endpoint URL, program table name, region) of the running local mode, read through
    the module that writes its state file."""
    from localdev import state

    path = path or state.STATE_FILE
    running = state.read(path)
    if running is None:
        raise LocalModeNotRunning(
            f"{path} introuvable : lancez d’abord `make dev`. / not found: run `make dev` first."
        )
    return running.dynamodb_endpoint, running.tables["ProgramTable"], running.region


def local_idempotency_table(path: Path | None = None) -> str | None:
    """The running local mode's idempotency table, if it has one."""
    from localdev import state

    running = state.read(path or state.STATE_FILE)
    return None if running is None else running.tables.get("IdempotencyTable")


class DynamoStaffStore:
    """StaffStore over one DynamoDB table; the client is created on first use."""

    def __init__(
        self,
        table_name: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        idempotency_table: str | None = None,
    ) -> None:
        self._table_name = table_name
        self.idempotency_table = idempotency_table
        self._endpoint_url = endpoint_url
        self._region = region
        self._table: Any = None
        self._session: Any = None

    @property
    def table(self) -> Any:
        if self._table is None:
            if self._endpoint_url is not None:
                # The local stand-in accepts any key; staff need no AWS account for it.
                self._session = boto3.session.Session(
                    aws_access_key_id="local",
                    aws_secret_access_key="local",  # noqa: S106 - not a secret
                    region_name=self._region,
                )
            else:
                self._session = boto3.session.Session(region_name=self._region)
            resource = self._session.resource("dynamodb", endpoint_url=self._endpoint_url)
            self._table = resource.Table(self._table_name)
        return self._table

    @property
    def client(self) -> Any:
        """The low-level client under the table (tests hook its events)."""
        return self.table.meta.client

    def _query_all(self, **kwargs: Any) -> Iterator[Item]:
        while True:
            page = self.table.query(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def branch_registrations(self, branch: str, start: str, end: str) -> Iterator[Item]:
        condition = KeyCondition("gsi1pk").eq(keys.branch_partition(branch)) & KeyCondition(
            "gsi1sk"
        ).between(start, end)
        return self._query_all(IndexName=keys.BRANCH_INDEX, KeyConditionExpression=condition)

    def keys_by_email_hash(self, email_hash: str) -> list[Key]:
        condition = KeyCondition("gsi2pk").eq(keys.email_partition_of_hash(email_hash))
        return [
            (str(item["pk"]), str(item["sk"]))
            for item in self._query_all(
                IndexName=keys.EMAIL_INDEX, KeyConditionExpression=condition
            )
        ]

    def get(self, pk: str, sk: str) -> Item | None:
        item: Item | None = self.table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get(
            "Item"
        )
        return item

    def partition(self, pk: str) -> list[Item]:
        return list(
            self._query_all(KeyConditionExpression=KeyCondition("pk").eq(pk), ConsistentRead=True)
        )

    def linked_assessments(self, references: list[str]) -> dict[str, list[Item]]:
        # One Query per registration (assessments carry no index key), projecting the
        # digest's fields only: sk is ASM#<created_at>#<id>, so oldest first. Run on the
        # resource's low-level client (thread-safe, and it still converts Python values to
        # DynamoDB's), a few at a time.
        client = self.client
        names = {f"#f{index}": name for index, name in enumerate(ASSESSMENT_DIGEST_FIELDS)}

        def linked(reference: str) -> tuple[str, list[Item]]:
            kwargs: dict[str, Any] = {
                "TableName": self._table_name,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :asm)",
                "ExpressionAttributeValues": {
                    ":pk": keys.registration_partition(reference),
                    ":asm": keys.ASSESSMENT_PREFIX,
                },
                "ExpressionAttributeNames": names,
                "ProjectionExpression": ", ".join(names),
                "ConsistentRead": True,
            }
            items: list[Item] = []
            while True:
                page = client.query(**kwargs)
                items.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return reference, items
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

        with ThreadPoolExecutor(max_workers=LEVEL_QUERY_THREADS) as pool:
            return {reference: items for reference, items in pool.map(linked, references) if items}

    def update_coaching(
        self, reference: str, values: Item, removed: list[str], previous_update: str | None
    ) -> bool:
        names: dict[str, str] = {"#updated": keys.COACHING_UPDATED}
        attribute_values: dict[str, Any] = {}
        sets, removes = [], []
        for index, (name, value) in enumerate(sorted(values.items())):
            names[f"#s{index}"] = name
            attribute_values[f":s{index}"] = value
            sets.append(f"#s{index} = :s{index}")
        for index, name in enumerate(sorted(removed)):
            names[f"#r{index}"] = name
            removes.append(f"#r{index}")
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
            )
            if part
        )
        if previous_update is None:
            condition = "attribute_exists(pk) AND attribute_not_exists(#updated)"
        else:
            condition = "attribute_exists(pk) AND #updated = :previous"
            attribute_values[":previous"] = previous_update
        request: dict[str, Any] = {
            "Key": keys.registration(reference),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
        }
        if attribute_values:
            request["ExpressionAttributeValues"] = attribute_values
        try:
            self.table.update_item(**request)
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def delete(self, keys: Iterable[Key]) -> int:
        # DeleteItem, not BatchWriteItem: the staff policy allows no call that can also put.
        count = 0
        for pk, sk in keys:
            self.table.delete_item(Key={"pk": pk, "sk": sk})
            count += 1
        return count

    def delete_idempotency_records(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        if not ids:
            return 0
        if self.idempotency_table is None:
            raise IdempotencyTableUnknown(
                "Table d’idempotence requise / idempotency table needed:"
                " --idempotency-table or IDEMPOTENCY_TABLE_NAME."
            )
        count = 0
        for record_id in ids:
            # The resource's client converts Python values, as for the program table.
            self.client.delete_item(TableName=self.idempotency_table, Key={"id": record_id})
            count += 1
        return count

    def put_audit(self, item: Item) -> None:
        # An audit record is never overwritten: its sort key is unique.
        self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")

    def actor(self) -> str:
        if self._endpoint_url is not None:
            return "local"
        session = self._session or boto3.session.Session()
        arn: str = session.client("sts").get_caller_identity()["Arn"]
        return arn
