"""Privacy requests (Québec's private-sector privacy law): find, export and erase
everything held about a person or a business, found by e-mail, NEQ or reference.

No Scan: an e-mail leads to its registrations through index gsi2 (which holds the
SHA-256 of the normalised address, not the address), a NEQ through its
uniqueness guard item, a reference directly; each registration found then leads
to its partition (linked assessments), its NEQ guard and its e-mail's other
registrations. Assessments taken without registering (`pk=ASM#…`) hold answers
only, no identity, and cannot be tied to a person: they are not looked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forms_api import keys
from forms_api.domain.rules import normalise_neq
from forms_api.keys import email_hash

from staff.ports import Item, Key, StaffStore


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
    items: dict[Key, Item] = field(default_factory=dict)

    @property
    def keys(self) -> list[Key]:
        return sorted(self.items)

    @property
    def references(self) -> list[str]:
        return sorted(
            {str(item["reference"]) for item in self.items.values() if item.get("reference")}
        )

    def add(self, item: Item) -> None:
        self.items[(str(item["pk"]), str(item["sk"]))] = item


def find(store: StaffStore, lookup: Lookup) -> Findings:
    """Every item held about the subject of the request."""
    findings = Findings()
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
    """Delete the registrations, their NEQ guards and linked assessments found."""
    return store.delete(findings.keys)
