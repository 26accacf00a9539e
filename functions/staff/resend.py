"""`python -m staff resend`: hand registrations to the notifier again, as the table's
stream did, for the e-mails a dead letter or a fixed SES setting left unsent.

The notifier does the work, with its own rules: each mail is sent once per
idempotency window (24 h), so what already went out is not sent twice; the
merchant's daily limit and the refusal records apply as for a new registration.
Staff need `lambda:InvokeFunction` on the notifier, never SES.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from forms_api import keys

from staff.ports import Item, StaffStore
from staff.retention import is_expired

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Resent:
    handed_over: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def stream_record(item: Item, position: int) -> dict[str, Any]:
    """The record the table's stream delivers for a new registration (NEW_IMAGE)."""
    serializer = TypeSerializer()
    image = {name: serializer.serialize(value) for name, value in item.items()}
    return {
        "eventID": f"staff-resend-{position}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {"pk": image["pk"], "sk": image["sk"]},
            "NewImage": image,
            # The batch's item identifier: position in this resend, not in the stream.
            "SequenceNumber": str(position),
            "StreamViewType": "NEW_IMAGE",
        },
    }


def resend(store: StaffStore, references: Iterable[str], invoke: Invoke, now: datetime) -> Resent:
    result = Resent()
    found: list[tuple[str, Item]] = []
    for typed in references:
        reference = typed.strip().upper()
        key = keys.registration(reference)
        item = store.get(key["pk"], key["sk"])
        if item is None or is_expired(item, now):
            result.not_found.append(reference)
        else:
            found.append((reference, item))
    if not found:
        return result
    event = {"Records": [stream_record(item, index) for index, (_ref, item) in enumerate(found)]}
    answer = invoke(event)
    if "batchItemFailures" not in answer:
        # The function itself failed (every record failed, a timeout…): nothing is known sent.
        result.failed = [reference for reference, _item in found]
        return result
    failing = {str(failure["itemIdentifier"]) for failure in answer["batchItemFailures"]}
    for index, (reference, _item) in enumerate(found):
        (result.failed if str(index) in failing else result.handed_over).append(reference)
    return result


class LambdaNotifier:
    """Invokes the deployed notifier synchronously with the staff member's credentials."""

    def __init__(self, function_name: str, region: str | None = None) -> None:
        self._function_name = function_name
        self._region = region

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        import boto3

        client = boto3.session.Session(region_name=self._region).client("lambda")
        response = client.invoke(
            FunctionName=self._function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event, default=str).encode("utf-8"),
        )
        payload: dict[str, Any] = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError"):
            return {"error": response["FunctionError"]}
        return payload
