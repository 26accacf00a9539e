"""DynamoDB adapter of the storage port: the only module that imports boto3.

Clients are created on first use (a cached factory), never at import, so moto
can start before any client exists.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from forms_api import keys
from forms_api.domain.errors import ReferenceCollision, StorageUnavailable
from forms_api.domain.models import (
    Assessment,
    Registration,
    RegistrationView,
    StoredAssessment,
)
from forms_api.domain.rules import iso_utc, mask_email
from forms_api.settings import get_settings

# A Lambda invocation has seconds, not minutes. Each attempt may take up to
# connect + read timeout; an attempt (first or retry) starts only if that much time, plus
# the time to answer the visitor, is left in the invocation (`_keep_to_deadline`). So a
# DynamoDB that never answers ends in our own 503 page within the function's timeout, and
# Powertools gets to release its in-progress idempotency record.
_CONNECT_SECONDS = 1.0
_READ_SECONDS = 2.0
_ANSWER_SECONDS = 1.0
_CLIENT_CONFIG = Config(
    retries={"total_max_attempts": 4, "mode": "standard"},
    connect_timeout=_CONNECT_SECONDS,
    read_timeout=_READ_SECONDS,
)


class DeadlineNear(BotoCoreError):  # type: ignore[misc]
    fmt = "Not enough of the invocation left for another DynamoDB attempt"


class _Deadline:
    """The running invocation's Lambda context (one request at a time per instance)."""

    context: Any = None


def keep_to_deadline(context: Any) -> None:
    """Bound this invocation's DynamoDB calls by its remaining time (call per request)."""
    _Deadline.context = context


def _keep_to_deadline(**_kwargs: Any) -> None:
    context = _Deadline.context
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return
    needed = (_CONNECT_SECONDS + _READ_SECONDS + _ANSWER_SECONDS) * 1000
    if context.get_remaining_time_in_millis() < needed:
        raise DeadlineNear()


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


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


def _plain(value: Any) -> Any:
    """Numbers as int (DynamoDB's Decimal), maps and lists inside too."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(key): _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


_CONFIGURATION_CODES = {
    "ResourceNotFoundException",
    "AccessDeniedException",
    "UnrecognizedClientException",
    "ValidationException",
    "KMSAccessDeniedException",
    "KMSDisabledException",
    "KMSNotFoundException",
}


def is_configuration_error(error: ClientError) -> bool:
    """Our fault (a missing table, a denied action): a 500 and an alarm, never "retry"."""
    return _code(error) in _CONFIGURATION_CODES


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
        """Store the registration, unconfirmed: its business number is claimed only once
        its e-mail address is confirmed (`confirm_registration`), so a stranger who types
        someone else's NEQ first blocks nobody and learns nothing."""
        item = _attributes(registration_item(registration))
        if self._put_new(item) is not None:
            # Another registration drew the same reference.
            raise ReferenceCollision(registration.reference)

    def confirm_registration(self, reference: str, now: datetime) -> RegistrationView | None:
        """The e-mail address is confirmed: claim the business number for this registration
        (a guard item, written only if no confirmed registration holds it), or keep the
        registration as a possible duplicate for staff review. Idempotent."""
        view = self.registration_view(reference)
        if view is None or view.status != "unconfirmed":
            return view
        confirmed_at = iso_utc(now)
        key = _attributes(dict(keys.registration(reference)))
        confirm = {
            "Update": {
                "TableName": self._table,
                "Key": key,
                "UpdateExpression": "SET #status = :confirmed, email_confirmed_at = :at",
                "ConditionExpression": "#status = :unconfirmed",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": _attributes(
                    {":confirmed": "confirmed", ":unconfirmed": "unconfirmed", ":at": confirmed_at}
                ),
            }
        }
        writes: list[dict[str, Any]] = [confirm]
        if view.neq:
            guard = {**keys.neq_guard(view.neq), "reference": reference}
            guard["expires_at"] = view.expires_at
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
            if _code(error) != "TransactionCanceledException":
                raise self._translate(error) from error
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return self.registration_view(reference)  # confirmed meanwhile (a double click)
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                return self._mark_possible_duplicate(reference, view, confirmed_at)
            raise StorageUnavailable() from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error
        return self.registration_view(reference)

    def _mark_possible_duplicate(
        self, reference: str, view: RegistrationView, confirmed_at: str
    ) -> RegistrationView | None:
        guard = self._get(keys.neq_guard(view.neq or ""), "reference")
        holder = str(guard.get("reference", {}).get("S", "")) if guard else ""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_attributes(dict(keys.registration(reference))),
                UpdateExpression=(
                    "SET #status = :duplicate, email_confirmed_at = :at, duplicate_of = :holder"
                ),
                ConditionExpression="#status = :unconfirmed",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=_attributes(
                    {
                        ":duplicate": "possible_duplicate",
                        ":unconfirmed": "unconfirmed",
                        ":at": confirmed_at,
                        ":holder": holder,
                    }
                ),
            )
        except ClientError as error:
            if _code(error) != "ConditionalCheckFailedException":
                raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error
        return self.registration_view(reference)

    def registration_view(self, reference: str) -> RegistrationView | None:
        """What the confirmation pages show of a registration: codes and a masked address."""
        item = self._get(
            keys.registration(reference),
            "reference, kind, branch, email, #language, #status, neq, expires_at,"
            " region, sector, employees",
        )
        if item is None:
            return None
        plain = {name: _deserializer.deserialize(value) for name, value in item.items()}
        email = str(plain.get("email", ""))
        return RegistrationView(
            reference=str(plain["reference"]),
            kind=plain["kind"],
            branch=str(plain["branch"]),
            masked_email=mask_email(email),
            language=str(plain.get("language", "fr")),
            status=plain.get("status", "confirmed"),
            neq=str(plain["neq"]) if plain.get("neq") else None,
            expires_at=int(plain.get("expires_at", 0)),
            region=str(plain.get("region", "")),
            sector=str(plain["sector"]) if plain.get("sector") else None,
            employees=int(plain["employees"]) if plain.get("employees") is not None else None,
            email_hash=keys.email_hash(email) if email else "",
        )

    def linked_assessments(
        self, reference: str, limit: int | None = None
    ) -> list[StoredAssessment]:
        """A registration's assessments, oldest first (T0 first); `limit`: the first ones
        only (one Query, in the registration's own partition)."""
        names = {"#pk": "pk", "#sk": "sk", "#c": "created_at", "#sc": "scores", "#s": "score"}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :asm)",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": _attributes(
                {":pk": keys.registration_partition(reference), ":asm": keys.ASSESSMENT_PREFIX}
            ),
            "ProjectionExpression": "#sk, #c, #sc, #s",
            "ScanIndexForward": True,
        }
        if limit is not None:
            request["Limit"] = limit
        found: list[StoredAssessment] = []
        while True:
            try:
                page = self._client.query(**request)
            except ClientError as error:
                raise self._translate(error) from error
            except BotoCoreError as error:
                raise StorageUnavailable() from error
            for item in page.get("Items", []):
                plain = {name: _deserializer.deserialize(value) for name, value in item.items()}
                sk = str(plain["sk"])
                found.append(
                    StoredAssessment(
                        assessment_id=sk.rsplit("#", 1)[-1],
                        created_at=str(plain.get("created_at", "")),
                        scores={str(d): int(v) for d, v in (plain.get("scores") or {}).items()},
                        score=int(plain.get("score", 0)),
                    )
                )
            if (limit is not None and len(found) >= limit) or "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def peers(self) -> dict[str, Any] | None:
        """The peers' medians (`progress.peer_refresh` writes them), or None before the first
        refresh."""
        item = self._get(keys.peers(), "k, as_of, groups")
        if item is None:
            return None
        return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}

    def add_results_mail(self, item: dict[str, Any]) -> bool:
        """Store a "send me my result" request; False when the same one is already there
        (the same assessment asked for the same day: a double click, a reload)."""
        # Our own write retried (its answer lost) finds itself there: still new.
        return self._put_new(_attributes(item)) is None

    def _get(self, key: keys.Key, projection: str) -> dict[str, Any] | None:
        """One item by key, only the attributes named (comma-separated)."""
        attributes = [name.strip().lstrip("#") for name in projection.split(",")]
        # Names, not the attributes themselves: several are reserved words (reference…).
        names = {f"#a{i}": name for i, name in enumerate(attributes)}
        try:
            response = self._client.get_item(
                TableName=self._table,
                Key=_attributes(dict(key)),
                ProjectionExpression=", ".join(names),
                ExpressionAttributeNames=names,
            )
        except ClientError as error:
            raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error
        item: dict[str, Any] | None = response.get("Item")
        return item

    def save_draft(self, draft_id: str, values: dict[str, Any], expires_at: int) -> None:
        """A checked-but-not-sent registration, for its "check your answers" page only;
        gone by TTL with the page's token (two hours)."""
        item = {**keys.draft(draft_id), "values": values, "expires_at": expires_at}
        try:
            self._client.put_item(TableName=self._table, Item=_attributes(item))
        except ClientError as error:
            raise self._translate(error) from error
        except BotoCoreError as error:
            raise StorageUnavailable() from error

    def load_draft(self, draft_id: str, now: datetime) -> dict[str, Any] | None:
        item = self._get(keys.draft(draft_id), "values, expires_at")
        if item is None:
            return None
        plain = {name: _deserializer.deserialize(value) for name, value in item.items()}
        if int(plain.get("expires_at", 0)) < int(now.timestamp()):
            return None  # expired, not yet deleted by the TTL
        values: dict[str, Any] = {
            k: int(v) if isinstance(v, Decimal) else v for k, v in plain["values"].items()
        }
        return values

    def registration_exists(self, reference: str) -> bool:
        return self._get(keys.registration(reference), "pk") is not None

    def assessment_scores(self, key: keys.Key) -> dict[str, Any] | None:
        """A stored assessment's codes and scores (never its answers' labels)."""
        item = self._get(key, "reference, questionnaire_version, scores, score, #level")
        if item is None:
            return None
        return {name: _deserializer.deserialize(value) for name, value in item.items()}

    def add_assessment(self, assessment: Assessment) -> None:
        item = _attributes(assessment_item(assessment))
        taken = self._put_new(item)
        if taken is not None:
            raise taken

    def _put_new(self, item: dict[str, Any]) -> ClientError | None:
        """Write an item whose key must be new. Our own write retried after its answer was
        lost finds itself there and is stored once (None); another item holding the key is
        the failed condition, returned for the caller to name."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if _code(error) != "ConditionalCheckFailedException":
                raise self._translate(error) from error
            return None if error.response.get("Item") == item else error
        except BotoCoreError as error:
            raise StorageUnavailable() from error
        return None

    @staticmethod
    def _translate(error: ClientError) -> Exception:
        # Anything else (a missing table, denied access) is our fault, not the visitor's:
        # let it surface as a 500 with an alarm rather than hide it behind "retry".
        return StorageUnavailable() if _is_unavailable(error) else error


@lru_cache(maxsize=1)
def dynamodb_client() -> Any:
    client = boto3.session.Session().client("dynamodb", config=_CLIENT_CONFIG)
    client.meta.events.register("before-send.dynamodb", _keep_to_deadline)
    return client


@lru_cache(maxsize=1)
def secrets_client() -> Any:
    return boto3.session.Session().client("secretsmanager", config=_CLIENT_CONFIG)


@lru_cache(maxsize=1)
def get_repository() -> DynamoProgramRepository:
    return DynamoProgramRepository(dynamodb_client(), get_settings().table_name)
