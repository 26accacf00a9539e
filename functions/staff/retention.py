"""Records past their retention: DynamoDB's TTL deletes them, but only eventually (it can
lag by days), so the staff commands skip what has outlived `expires_at` themselves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from staff.ports import Item


def is_expired(item: Item, now: datetime) -> bool:
    """True once the item's `expires_at` (epoch seconds, the table's TTL attribute) is past."""
    value = item.get("expires_at")
    if value is None:
        return False
    try:
        return int(value) < now.timestamp()
    except (TypeError, ValueError):
        return False  # not a TTL value: DynamoDB would not delete it either


def live(items: Iterable[Item], now: datetime) -> Iterator[Item]:
    return (item for item in items if not is_expired(item, now))
