"""An in-memory StaffStore: the second adapter of the port, for fast tests and dry runs.

It answers the index queries the way DynamoDB does (gsi1 sorted by `gsi1sk`,
gsi2 returning keys only) so the domain behaves the same on both adapters.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator

from forms_api import keys

from staff.ports import ASSESSMENT_DIGEST_FIELDS, Item, Key


class MemoryStaffStore:
    def __init__(
        self, items: Iterable[Item] = (), actor: str = "test", idempotency: Iterable[str] = ()
    ) -> None:
        self.items: dict[Key, Item] = {}
        self.audits: list[Item] = []
        self.idempotency: set[str] = set(idempotency)
        self._actor = actor
        for item in items:
            self.put(item)

    def put(self, item: Item) -> None:
        self.items[(str(item["pk"]), str(item["sk"]))] = copy.deepcopy(item)

    def branch_registrations(self, branch: str, start: str, end: str) -> Iterator[Item]:
        matches = [
            item
            for item in self.items.values()
            if item.get("gsi1pk") == keys.branch_partition(branch)
            and start <= str(item["gsi1sk"]) <= end
        ]
        return iter(sorted(matches, key=lambda item: str(item["gsi1sk"])))

    def keys_by_email_hash(self, email_hash: str) -> list[Key]:
        return sorted(
            key
            for key, item in self.items.items()
            if item.get("gsi2pk") == keys.email_partition_of_hash(email_hash)
        )

    def get(self, pk: str, sk: str) -> Item | None:
        return self.items.get((pk, sk))

    def partition(self, pk: str) -> list[Item]:
        return [self.items[key] for key in sorted(self.items) if key[0] == pk]

    def linked_assessments(self, references: list[str]) -> dict[str, list[Item]]:
        found: dict[str, list[Item]] = {}
        for reference in references:
            linked = sorted(
                key
                for key in self.items
                if key[0] == keys.registration_partition(reference)
                and key[1].startswith(keys.ASSESSMENT_PREFIX)
            )
            if linked:
                found[reference] = [
                    {
                        name: copy.deepcopy(self.items[key][name])
                        for name in ASSESSMENT_DIGEST_FIELDS
                        if name in self.items[key]
                    }
                    for key in linked
                ]
        return found

    def update_coaching(
        self, reference: str, values: Item, removed: list[str], previous_update: str | None
    ) -> bool:
        key = keys.registration(reference)
        item = self.items.get((key["pk"], key["sk"]))
        if item is None or item.get(keys.COACHING_UPDATED) != previous_update:
            return False
        item.update(copy.deepcopy(values))
        for name in removed:
            item.pop(name, None)
        return True

    def delete(self, keys: Iterable[Key]) -> int:
        count = 0
        for key in keys:
            if self.items.pop(key, None) is not None:
                count += 1
        return count

    def delete_idempotency_records(self, ids: Iterable[str]) -> int:
        count = 0
        for record_id in ids:
            if record_id in self.idempotency:
                self.idempotency.discard(record_id)
                count += 1
        return count

    def put_audit(self, item: Item) -> None:
        self.audits.append(item)
        self.put(item)

    def actor(self) -> str:
        return self._actor
