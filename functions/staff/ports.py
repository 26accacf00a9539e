"""What the staff commands need from storage: the port the DynamoDB adapter implements.

The domain modules depend on this Protocol only, so the unit tests use an
in-memory fake and only `dynamo.py` imports boto3.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

Item = dict[str, Any]
Key = tuple[str, str]  # (pk, sk)

# What the staff commands read of a linked assessment: its key (which holds its date), its
# overall level and score, and its per-dimension scores. Never its answers.
ASSESSMENT_DIGEST_FIELDS = ("sk", "level", "score", "scores")


class StaffStore(Protocol):
    def branch_registrations(self, branch: str, start: str, end: str) -> Iterator[Item]:
        """A branch's registrations whose `gsi1sk` lies between start and end (index gsi1)."""
        ...

    def keys_by_email_hash(self, email_hash: str) -> list[Key]:
        """Keys of the items whose `gsi2pk` is `EMAIL#<email_hash>` (index gsi2)."""
        ...

    def get(self, pk: str, sk: str) -> Item | None: ...

    def partition(self, pk: str) -> list[Item]:
        """Every item of one partition (a registration and its linked assessments)."""
        ...

    def linked_assessments(self, references: list[str]) -> dict[str, list[Item]]:
        """Reference → its linked assessments, oldest first, `ASSESSMENT_DIGEST_FIELDS` only
        (never the answers); references without one left out."""
        ...

    def update_coaching(
        self, reference: str, values: Item, removed: list[str], previous_update: str | None
    ) -> bool:
        """Set (`values`) and remove (`removed`) coaching attributes of a stored registration,
        only if it exists and its `coaching_updated_at` is still `previous_update` (None: never
        set). False when either condition fails (nothing is written)."""
        ...

    def delete(self, keys: Iterable[Key]) -> int:
        """Delete the items (DeleteItem, one by one: never a call that can also write);
        returns how many were deleted."""
        ...

    def delete_idempotency_records(self, ids: Iterable[str]) -> int:
        """Delete Powertools idempotency records by `id`; returns how many were deleted."""
        ...

    def put_audit(self, item: Item) -> None: ...

    def actor(self) -> str:
        """Who is running the command (the caller's ARN, or `local`)."""
        ...
