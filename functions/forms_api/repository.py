"""DynamoDB adapter of the storage port: the only module that imports boto3.

Clients are created on first use (a cached factory), never at import, so moto
can start before any client exists.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from forms_api import keys
from forms_api.domain.errors import (
    DuplicateRegistration,
    FieldProblem,
    ReferenceCollision,
    StorageUnavailable,
)
from forms_api.domain.models import Assessment, Registration
from forms_api.domain.rules import iso_utc
from forms_api.settings import get_settings

# A Lambda invocation has seconds, not minutes: fail fast and let the visitor retry.
_CLIENT_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5
)
_serializer = TypeSerializer()


def _attributes(item: dict[str, Any]) -> dict[str, Any]:
    """Low-level attribute values; None means 'not stored'."""
    return {key: _serializer.serialize(value) for key, value in item.items() if value is not None}


def registration_item(registration: Registration) -> dict[str, Any]:
    item = asdict(registration)
    created = iso_utc(registration.created_at)
    item.update(
        keys.registration(registration.reference),
        created_at=created,
        **keys.branch_index(registration.branch, created, registration.reference),
        **keys.email_index(registration.email, created),
    )
    return item


def assessment_item(assessment: Assessment) -> dict[str, Any]:
    item = asdict(assessment)
    created = iso_utc(assessment.created_at)
    item["created_at"] = created
    item["kind"] = "assessment"
    if assessment.reference:
        item.update(keys.linked_assessment(assessment.reference, created, assessment.assessment_id))
    else:
        item.update(keys.lone_assessment(assessment.assessment_id))
    return item


def _is_unavailable(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return (
        code
        in {
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "RequestLimitExceeded",
            "InternalServerError",
            "ServiceUnavailable",
            "LimitExceededException",
        }
        or status >= 500
    )


class DynamoProgramRepository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add_registration(self, registration: Registration) -> None:
        item = registration_item(registration)
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _attributes(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        if registration.neq:
            guard = {
                **keys.neq_guard(registration.neq),
                "reference": registration.reference,
                "expires_at": registration.expires_at,
            }
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": _attributes(guard),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    raise DuplicateRegistration([FieldProblem("neq", "duplicate_neq")]) from None
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise ReferenceCollision(registration.reference) from None
                # Cancelled for a conflict or throttling: retrying later is safe.
                raise StorageUnavailable() from error
            raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error

    def registration_exists(self, reference: str) -> bool:
        try:
            response = self._client.get_item(
                TableName=self._table,
                Key=_attributes(dict(keys.registration(reference))),
                ProjectionExpression="pk",
            )
        except ClientError as error:
            raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error
        return "Item" in response

    def add_assessment(self, assessment: Assessment) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_attributes(assessment_item(assessment)),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error

    @staticmethod
    def _translate(error: ClientError) -> Exception:
        # Anything else (a missing table, denied access) is our fault, not the visitor's:
        # let it surface as a 500 with an alarm rather than hide it behind "retry".
        return StorageUnavailable() if _is_unavailable(error) else error


@lru_cache(maxsize=1)
def dynamodb_client() -> Any:
    return boto3.session.Session().client("dynamodb", config=_CLIENT_CONFIG)


@lru_cache(maxsize=1)
def get_repository() -> DynamoProgramRepository:
    return DynamoProgramRepository(dynamodb_client(), get_settings().table_name)
