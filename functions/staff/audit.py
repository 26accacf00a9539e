"""Audit records of staff actions: what was done, by whom, how many records — never whose."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from forms_api import keys

from staff.ports import StaffStore


def utc_now() -> datetime:
    return datetime.now(UTC)


def audit_item(action: str, actor: str, count: int, now: datetime, **codes: str) -> dict[str, Any]:
    """The stored audit item. `codes` are non-personal qualifiers (a branch code, a lookup kind)."""
    created_at = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    item: dict[str, Any] = {
        **keys.audit(created_at, secrets.token_hex(6)),
        "kind": "audit",
        "action": action,
        "actor": actor,
        "count": count,
        "created_at": created_at,
    }
    item.update(codes)
    return item


def record(store: StaffStore, action: str, count: int, **codes: str) -> dict[str, Any]:
    item = audit_item(action, store.actor(), count, utc_now(), **codes)
    store.put_audit(item)
    return item
