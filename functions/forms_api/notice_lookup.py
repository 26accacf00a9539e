"""What the notifier reads of a registration to tell its branch about a linked assessment:
its branch code and creation time, nothing else (one GetItem, projected; the template's
IAM statement allows these two attributes only). The assessment's stream image carries
neither. The client is created on first use so moto can start first.
"""

from __future__ import annotations

from typing import Any, Protocol

from forms_api import keys

NOTICE_FIELDS = ("branch", "created_at")


class RegistrationLookup(Protocol):
    def notice_fields(self, reference: str) -> dict[str, str] | None:
        """The registration's `NOTICE_FIELDS`, or None if there is no such registration."""
        ...


class DynamoRegistrationLookup:
    def __init__(self, table_name: str, client: Any = None) -> None:
        self._table_name = table_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("dynamodb")
        return self._client

    def notice_fields(self, reference: str) -> dict[str, str] | None:
        key = keys.registration(reference)
        names = {f"#{name}": name for name in NOTICE_FIELDS}
        response = self.client.get_item(
            TableName=self._table_name,
            Key={name: {"S": value} for name, value in key.items()},
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
        )
        item = response.get("Item")
        if not item:
            return None
        return {name: str(item[name]["S"]) for name in NOTICE_FIELDS if "S" in item.get(name, {})}
