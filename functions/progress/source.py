"""Where the recount reads: the port, its DynamoDB adapter (Query only) and an in-memory one.

The DynamoDB adapter never reads a name, an address or an answer: every Query projects the
codes and scores the figures need. Access patterns (`forms_api.keys`): a branch's
registrations through the index gsi1, a registration's assessments in its own partition.
No Scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Protocol

from forms_api import keys

Item = dict[str, Any]

# What the recount may read of a registration, and of an assessment.
# Sector and head count: codes and a number, for the peers' groups (`progress.peers`).
REGISTRATION_FIELDS = (
    "reference",
    "region",
    "branch",
    "kind",
    "status",
    "expires_at",
    "sector",
    "employees",
)
ASSESSMENT_FIELDS = ("sk", "scores", "expires_at")
# And of the registration's coaching: the day of the first meeting only ("coached").
COACHING_FIELDS = (keys.COACHING_STEPS["first_meeting"],)
# Every registration ever made: gsi1sk is `<created_at>#<ref>`.
ALL_TIME = keys.branch_range("0000-01-01", "9999-12-31")
QUERY_THREADS = 8


class ProgressSource(Protocol):
    def branch_registrations(self, branch: str) -> Iterator[Item]:
        """A branch's registrations, `REGISTRATION_FIELDS` and `COACHING_FIELDS` only."""
        ...

    def assessments(self, references: list[str]) -> dict[str, list[Item]]:
        """Reference → its linked assessments (`ASSESSMENT_FIELDS`), oldest first."""
        ...


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    return value


class DynamoProgressSource:
    """Over the program table through any object with a boto3 `table` (the staff store)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def _query_all(self, **kwargs: Any) -> Iterator[Item]:
        # The resource's low-level client: thread-safe, and it still converts Python values.
        client = self._table.meta.client
        kwargs["TableName"] = self._table.name
        while True:
            page = client.query(**kwargs)
            yield from (_plain(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @staticmethod
    def _projection(fields: Iterable[str]) -> dict[str, Any]:
        names = {f"#{name}": name for name in fields}
        return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}

    def branch_registrations(self, branch: str) -> Iterator[Item]:
        low, high = ALL_TIME
        projection = self._projection((*REGISTRATION_FIELDS, *COACHING_FIELDS))
        return self._query_all(
            IndexName=keys.BRANCH_INDEX,
            KeyConditionExpression="#gsi1pk = :branch AND #gsi1sk BETWEEN :low AND :high",
            ExpressionAttributeValues={
                ":branch": keys.branch_partition(branch),
                ":low": low,
                ":high": high,
            },
            **{
                **projection,
                "ExpressionAttributeNames": {
                    **projection["ExpressionAttributeNames"],
                    "#gsi1pk": "gsi1pk",
                    "#gsi1sk": "gsi1sk",
                },
            },
        )

    def assessments(self, references: list[str]) -> dict[str, list[Item]]:
        projection = self._projection(ASSESSMENT_FIELDS)
        names = {**projection["ExpressionAttributeNames"], "#pk": "pk"}

        def linked(reference: str) -> tuple[str, list[Item]]:
            items = self._query_all(
                KeyConditionExpression="#pk = :pk AND begins_with(#sk, :asm)",
                ExpressionAttributeValues={
                    ":pk": keys.registration_partition(reference),
                    ":asm": keys.ASSESSMENT_PREFIX,
                },
                ProjectionExpression=projection["ProjectionExpression"],
                ExpressionAttributeNames=names,
                ScanIndexForward=True,  # sk is ASM#<created_at>#<id>: oldest first
            )
            return reference, list(items)

        # One Query per registration (assessments carry no index key), a few at a time.
        with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool:
            return {reference: items for reference, items in pool.map(linked, references) if items}


class MemoryProgressSource:
    """The same reads over a list of stored items (a seeded JSON file, the tests)."""

    def __init__(self, items: Iterable[Item]) -> None:
        self._by_branch: dict[str, list[Item]] = defaultdict(list)
        self._assessments: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            pk, sk = str(item.get("pk", "")), str(item.get("sk", ""))
            reference = keys.reference_of(pk)
            if reference is None:
                continue
            if sk == keys.REGISTRATION_SORT and "gsi1pk" in item:
                branch = str(item["gsi1pk"]).removeprefix(keys.BRANCH_PREFIX)
                self._by_branch[branch].append(item)
            elif sk.startswith(keys.ASSESSMENT_PREFIX):
                self._assessments[reference].append(item)
        for branch_items in self._by_branch.values():
            branch_items.sort(key=lambda item: str(item.get("gsi1sk", "")))
        for linked in self._assessments.values():
            linked.sort(key=lambda item: str(item["sk"]))

    def branch_registrations(self, branch: str) -> Iterator[Item]:
        for item in self._by_branch.get(branch, []):
            yield {
                name: item[name]
                for name in (*REGISTRATION_FIELDS, *COACHING_FIELDS)
                if name in item
            }

    def assessments(self, references: list[str]) -> dict[str, list[Item]]:
        return {
            reference: [
                {name: item[name] for name in ASSESSMENT_FIELDS if name in item}
                for item in self._assessments[reference]
            ]
            for reference in references
            if self._assessments.get(reference)
        }
