"""Privacy requests (Québec's private-sector privacy law): find, export and erase
everything held about a person or a business, found by e-mail, NEQ or reference.

No Scan: an e-mail leads to its registrations through index gsi2 (which holds the
SHA-256 of the normalised address, not the address), a NEQ through its
uniqueness guard item, a reference directly; each registration found then leads
to its partition (linked assessments), its NEQ guard and its e-mail's other
registrations. Assessments taken without registering (`pk=ASM#…`) hold answers
only, no identity, and cannot be tied to a person: they are not looked for.

Also tied to the person: the daily mail counters of their address (`MAILCOUNT#`, kept two
days), the mails SES refused for them (`MAILREFUSED#`) and each registration's
Powertools idempotency record (its `idempotency_key`, in the idempotency table, kept an
hour). Records past their retention (`expires_at`) are not shown as held, but an
erasure deletes them too rather than wait for DynamoDB's TTL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from forms_api import keys
from forms_api.domain.rules import normalise_neq
from forms_api.keys import email_hash

from staff.audit import utc_now
from staff.ports import Item, Key, StaffStore
from staff.retention import is_expired

# Days back a mail counter may still exist: it lives two days, and TTL can lag.
MAIL_COUNT_DAYS = 7
MAIL_PURPOSES = ("merchant", "branch", "assessment")


@dataclass(frozen=True)
class Lookup:
    """One of the three ways a request identifies its subject."""

    email: str | None = None
    neq: str | None = None
    reference: str | None = None

    @property
    def kind(self) -> str:
        """Which identifier was used: recorded in the audit, never the identifier itself."""
        return "email" if self.email else "neq" if self.neq else "reference"


@dataclass
class Findings:
    """What is held (`items`, within retention), what outlived it and awaits DynamoDB's
    TTL (`expired`), and the registrations' idempotency records (ids)."""

    items: dict[Key, Item] = field(default_factory=dict)
    expired: dict[Key, Item] = field(default_factory=dict)
    idempotency_keys: set[str] = field(default_factory=set)
    now: datetime = field(default_factory=utc_now)

    @property
    def keys(self) -> list[Key]:
        return sorted(self.items)

    @property
    def references(self) -> list[str]:
        return sorted(
            {str(item["reference"]) for item in self.items.values() if item.get("reference")}
        )

    @property
    def erasable_keys(self) -> list[Key]:
        return sorted({*self.items, *self.expired})

    def add(self, item: Item) -> None:
        key = (str(item["pk"]), str(item["sk"]))
        (self.expired if is_expired(item, self.now) else self.items)[key] = item
        if keys.is_registration(item) and item.get("idempotency_key"):
            self.idempotency_keys.add(str(item["idempotency_key"]))


def find(store: StaffStore, lookup: Lookup, now: datetime | None = None) -> Findings:
    """Every item held about the subject of the request."""
    findings = Findings(now=now or utc_now())
    pending: list[str] = []
    seen_refs: set[str] = set()
    seen_hashes: set[str] = set()
    seen_neqs: set[str] = set()

    def follow_email(address_hash: str) -> None:
        if address_hash in seen_hashes:
            return
        seen_hashes.add(address_hash)
        pending.extend(
            reference
            for pk, _sk in store.keys_by_email_hash(address_hash)
            if (reference := keys.reference_of(pk)) is not None
        )
        for days_back in range(MAIL_COUNT_DAYS):
            day = (findings.now - timedelta(days=days_back)).strftime("%Y-%m-%d")
            key = keys.mail_count_of_hash(address_hash, day)
            counter = store.get(key["pk"], key["sk"])
            if counter is not None:
                findings.add(counter)

    def follow_neq(neq: str) -> None:
        if not neq or neq in seen_neqs:
            return
        seen_neqs.add(neq)
        key = keys.neq_guard(neq)
        guard = store.get(key["pk"], key["sk"])
        if guard is not None:
            findings.add(guard)
            if guard.get("reference"):
                pending.append(str(guard["reference"]))

    if lookup.email:
        follow_email(email_hash(lookup.email))
    if lookup.neq:
        follow_neq(normalise_neq(lookup.neq))
    if lookup.reference:
        pending.append(lookup.reference.strip().upper())

    while pending:
        reference = pending.pop()
        if reference in seen_refs:
            continue
        seen_refs.add(reference)
        for item in store.partition(keys.registration_partition(reference)):
            findings.add(item)
            if keys.is_registration(item):
                if item.get("email"):
                    follow_email(email_hash(str(item["email"])))
                if item.get("neq"):
                    follow_neq(normalise_neq(str(item["neq"])))
                if item.get("created_at"):
                    for purpose in MAIL_PURPOSES:
                        key = keys.mail_refused(str(item["created_at"]), reference, purpose)
                        refusal = store.get(key["pk"], key["sk"])
                        if refusal is not None:
                            findings.add(refusal)
    return findings


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_json(findings: Findings, generated_at: str) -> str:
    """The export handed to the person: every item, in full, as JSON."""
    document = {
        "generated_at": generated_at,
        "references": findings.references,
        "items": [_plain(findings.items[key]) for key in findings.keys],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def erase(store: StaffStore, findings: Findings) -> int:
    """Delete everything found, expired or not, and the registrations' idempotency records.

    The idempotency records go first: a failure there leaves the registrations in place to
    erase again, never an idempotency record that outlives its registration."""
    deleted = store.delete_idempotency_records(sorted(findings.idempotency_keys))
    return deleted + store.delete(findings.erasable_keys)
