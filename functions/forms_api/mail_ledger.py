"""What the notifier writes to the program table: the daily count of merchant mails per
address, and the mails SES refused for good; and the one thing it reads, a registration's
confirmed address (for "send me my result"). The only boto3 user of the notifier besides
the mailer; its client is created on first use so moto can start first.

The count is a set of references under `MAILCOUNT#<sha256 of the address>#<day>`: a
registration counts once however often its record is retried, and the conditional
`ADD` admits a new reference only while the set is smaller than the limit, so two
notifiers racing cannot both pass the limit. The address itself is never stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from forms_api import keys

# A registration whose address was confirmed through its link (a possible duplicate was too).
CONFIRMED_STATUSES = frozenset({"confirmed", "possible_duplicate"})


class MailLedger(Protocol):
    def admit(self, email: str, reference: str, now: datetime) -> bool:
        """Count the registration's mail to this address today; False past the limit."""
        ...

    def record_refusal(
        self, registration: dict[str, Any], purpose: str, code: str, now: datetime
    ) -> None:
        """Keep, for staff, that SES refused this mail for good (no address stored)."""
        ...

    def confirmed_address(self, reference: str) -> str | None:
        """The registration's address if it is confirmed, else None (unconfirmed, erased)."""
        ...


class DynamoMailLedger:
    def __init__(
        self,
        table_name: str,
        limit: int,
        count_ttl_seconds: int,
        refusal_days: int,
        client: Any = None,
    ) -> None:
        self._table_name = table_name
        self._limit = limit
        self._count_ttl = count_ttl_seconds
        self._refusal_days = refusal_days
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("dynamodb")
        return self._client

    def admit(self, email: str, reference: str, now: datetime) -> bool:
        return self.admit_hash(keys.email_hash(email), reference, now)

    def admit_hash(self, address_hash: str, reference: str, now: datetime) -> bool:
        """`admit` by the address's hash (what the assessment function holds). `reference`
        is what is counted: a registration's reference, or one "send me my result" request
        (`<reference>#results#<day>#<assessment>`), counted once however often it is asked."""
        key = keys.mail_count_of_hash(address_hash, now.strftime("%Y-%m-%d"))
        try:
            self.client.update_item(
                TableName=self._table_name,
                Key={name: {"S": value} for name, value in key.items()},
                UpdateExpression="ADD #refs :new SET expires_at = :expires",
                ConditionExpression=(
                    "attribute_not_exists(#refs) OR size(#refs) < :limit OR contains(#refs, :ref)"
                ),
                ExpressionAttributeNames={"#refs": "references"},
                ExpressionAttributeValues={
                    ":new": {"SS": [reference]},
                    ":ref": {"S": reference},
                    ":limit": {"N": str(self._limit)},
                    ":expires": {"N": str(int(now.timestamp()) + self._count_ttl)},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def record_refusal(
        self, registration: dict[str, Any], purpose: str, code: str, now: datetime
    ) -> None:
        reference = str(registration["reference"])
        created_at = str(registration.get("created_at") or now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        # Kept as long as the registration it points at, at most.
        fallback = int((now + timedelta(days=self._refusal_days)).timestamp())
        expires = int(registration.get("expires_at") or fallback)
        key = keys.mail_refused(created_at, reference, purpose)
        self.client.update_item(
            TableName=self._table_name,
            Key={name: {"S": value} for name, value in key.items()},
            UpdateExpression=(
                "SET kind = :kind, #ref = :ref, purpose = :purpose, branch = :branch,"
                " error_code = :code, refused_at = :at, expires_at = :expires"
            ),
            ExpressionAttributeNames={"#ref": "reference"},
            ExpressionAttributeValues={
                ":kind": {"S": "mail_refused"},
                ":ref": {"S": reference},
                ":purpose": {"S": purpose},
                ":branch": {"S": str(registration.get("branch", ""))},
                ":code": {"S": code},
                ":at": {"S": now.strftime("%Y-%m-%dT%H:%M:%SZ")},
                ":expires": {"N": str(expires)},
            },
        )

    def confirmed_address(self, reference: str) -> str | None:
        response = self.client.get_item(
            TableName=self._table_name,
            Key={name: {"S": value} for name, value in keys.registration(reference).items()},
            ProjectionExpression="#e, #s",
            ExpressionAttributeNames={"#e": "email", "#s": "status"},
        )
        item = response.get("Item") or {}
        email = item.get("email", {}).get("S")
        status = item.get("status", {}).get("S", "")
        return str(email) if email and status in CONFIRMED_STATUSES else None
