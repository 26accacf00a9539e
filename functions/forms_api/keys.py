"""The program table's key formats, written once (the table itself: `infra/template.yaml`).

Access patterns, none needing a Scan:
  registration by reference       pk=REG#<ref>     sk=REG
  one registration per NEQ        pk=NEQ#<neq>     sk=NEQ   (conditional transaction)
  a registration's assessments    pk=REG#<ref>     sk=ASM#<iso date>#<id>
  an assessment alone             pk=ASM#<id>      sk=ASM
  a branch's registrations        gsi1pk=BRANCH#<branch>  gsi1sk=<iso date>#<ref>
  a person's records (privacy)    gsi2pk=EMAIL#<sha256 of the address>  gsi2sk=<iso date>
  staff actions                   pk=AUDIT#<yyyy-mm>  sk=<iso time>#<id>
  a "check your answers" draft    pk=DRAFT#<id>    sk=DRAFT  (two hours, TTL)
  merchant mails to one address   pk=MAILCOUNT#<sha256 of the address>#<yyyy-mm-dd>  sk=MAILCOUNT
  mails SES refused for good      pk=MAILREFUSED#<yyyy-mm of the registration>  sk=<ref>#<purpose>
  "send me my results" requests   pk=REG#<ref>     sk=MAILREQ#<yyyy-mm-dd>#<assessment id>
  the peers' medians (one item)   pk=AGG#peers     sk=AGG

A registration's coaching steps have no key of their own: they are attributes of the
registration item (`COACHING_ATTRIBUTES`), so the branch index, the retention (TTL) and a
privacy erasure carry them with the registration, and the staff policy can let staff write
those attributes only (IAM `dynamodb:Attributes`).

The repository, the staff tools, the privacy commands, the local mode and the tests'
fixtures all build and read keys through these functions.
"""

from __future__ import annotations

import hashlib
from typing import TypedDict

REGISTRATION_PREFIX = "REG#"
REGISTRATION_SORT = "REG"
NEQ_PREFIX = "NEQ#"
NEQ_SORT = "NEQ"
ASSESSMENT_PREFIX = "ASM#"
ASSESSMENT_SORT = "ASM"
BRANCH_PREFIX = "BRANCH#"
EMAIL_PREFIX = "EMAIL#"
AUDIT_PREFIX = "AUDIT#"
DRAFT_PREFIX = "DRAFT#"
MAIL_COUNT_PREFIX = "MAILCOUNT#"
MAIL_COUNT_SORT = "MAILCOUNT"
MAIL_REFUSED_PREFIX = "MAILREFUSED#"
RESULTS_MAIL_PREFIX = "MAILREQ#"
AGGREGATE_PREFIX = "AGG#"
AGGREGATE_SORT = "AGG"
BRANCH_INDEX = "gsi1"
EMAIL_INDEX = "gsi2"

# Coaching steps, on the registration item: the day (YYYY-MM-DD) each step was reached,
# the hours to date, and when staff last changed them (ISO time, UTC).
COACHING_STEPS = {
    "contacted": "coaching_contacted_on",
    "first_meeting": "coaching_first_meeting_on",
    "finished": "coaching_finished_on",
}
COACHING_HOURS = {
    "training": "coaching_training_hours",
    "coaching": "coaching_coaching_hours",
}
COACHING_UPDATED = "coaching_updated_at"
COACHING_ATTRIBUTES = (*COACHING_STEPS.values(), *COACHING_HOURS.values(), COACHING_UPDATED)


class Key(TypedDict):
    pk: str
    sk: str


def registration(reference: str) -> Key:
    return {"pk": f"{REGISTRATION_PREFIX}{reference}", "sk": REGISTRATION_SORT}


def registration_partition(reference: str) -> str:
    """The partition of a registration and of the assessments linked to it."""
    return f"{REGISTRATION_PREFIX}{reference}"


def reference_of(pk: str) -> str | None:
    """The reference of a registration partition key, else None."""
    return pk.removeprefix(REGISTRATION_PREFIX) if pk.startswith(REGISTRATION_PREFIX) else None


def is_registration(item: dict[str, object]) -> bool:
    return str(item.get("pk", "")).startswith(REGISTRATION_PREFIX) and (
        item.get("sk") == REGISTRATION_SORT
    )


def neq_guard(neq: str) -> Key:
    return {"pk": f"{NEQ_PREFIX}{neq}", "sk": NEQ_SORT}


def linked_assessment(reference: str, created_at: str, assessment_id: str) -> Key:
    return {
        "pk": registration_partition(reference),
        "sk": f"{ASSESSMENT_PREFIX}{created_at}#{assessment_id}",
    }


def is_linked_assessment(item: dict[str, object]) -> bool:
    """An assessment stored under its registration's partition (`sk=ASM#…`)."""
    return str(item.get("pk", "")).startswith(REGISTRATION_PREFIX) and str(
        item.get("sk", "")
    ).startswith(ASSESSMENT_PREFIX)


def assessment_created_at(sort_key: str) -> str:
    """The ISO time in a linked assessment's sort key (`ASM#<created_at>#<id>`)."""
    return sort_key.removeprefix(ASSESSMENT_PREFIX).rsplit("#", 1)[0]


def lone_assessment(assessment_id: str) -> Key:
    return {"pk": f"{ASSESSMENT_PREFIX}{assessment_id}", "sk": ASSESSMENT_SORT}


def branch_index(branch: str, created_at: str, reference: str) -> dict[str, str]:
    return {"gsi1pk": branch_partition(branch), "gsi1sk": f"{created_at}#{reference}"}


def branch_partition(branch: str) -> str:
    return f"{BRANCH_PREFIX}{branch}"


def branch_range(start_day: str, end_day: str) -> tuple[str, str]:
    """Bounds on `gsi1sk` (`<created_at>#<ref>`) covering whole days, both inclusive."""
    # '~' sorts after every character of an ISO time and a reference.
    return start_day, end_day + "~"


def email_hash(email: str) -> str:
    """SHA-256 hex of the trimmed, lower-cased address: the index never shows an address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def email_partition(email: str) -> str:
    return email_partition_of_hash(email_hash(email))


def email_partition_of_hash(address_hash: str) -> str:
    return f"{EMAIL_PREFIX}{address_hash}"


def email_index(email: str, created_at: str) -> dict[str, str]:
    return {"gsi2pk": email_partition(email), "gsi2sk": created_at}


def audit(created_at: str, unique: str) -> Key:
    """`created_at` as `YYYY-MM-DDTHH:MM:SSZ`: one partition a month."""
    return {"pk": f"{AUDIT_PREFIX}{created_at[:7]}", "sk": f"{created_at}#{unique}"}


def draft(draft_id: str) -> Key:
    return {"pk": f"{DRAFT_PREFIX}{draft_id}", "sk": "DRAFT"}


def mail_count(email: str, day: str) -> Key:
    """The count of merchant mails sent to one address on one UTC day (`YYYY-MM-DD`).

    Keyed by the address's hash, like the privacy index: the address is never stored here.
    """
    return mail_count_of_hash(email_hash(email), day)


def mail_count_of_hash(address_hash: str, day: str) -> Key:
    return {"pk": f"{MAIL_COUNT_PREFIX}{address_hash}#{day}", "sk": MAIL_COUNT_SORT}


def mail_refused_partition(month: str) -> str:
    """`month` as `YYYY-MM`: the month the registration was made (its `created_at`)."""
    return f"{MAIL_REFUSED_PREFIX}{month}"


def mail_refused(created_at: str, reference: str, purpose: str) -> Key:
    """A mail SES refused for good (`purpose`: merchant or branch), under its registration's
    month, so staff list a month's refusals with one Query and erase one by its key."""
    return {"pk": mail_refused_partition(created_at[:7]), "sk": f"{reference}#{purpose}"}


def results_mail(reference: str, day: str, assessment_id: str) -> Key:
    """A merchant's request to receive an assessment's result by e-mail (`day` as
    `YYYY-MM-DD`, UTC): in the registration's partition, so an erasure takes it too, and
    one per assessment a day, so a double click or a reload sends one mail."""
    return {
        "pk": registration_partition(reference),
        "sk": f"{RESULTS_MAIL_PREFIX}{day}#{assessment_id}",
    }


def is_results_mail(item: dict[str, object]) -> bool:
    return str(item.get("pk", "")).startswith(REGISTRATION_PREFIX) and str(
        item.get("sk", "")
    ).startswith(RESULTS_MAIL_PREFIX)


def peers() -> Key:
    """The peers' medians per region, sector and size band (`progress.peer_refresh`):
    one item, codes and medians only, read by the assessment result page."""
    return {"pk": f"{AGGREGATE_PREFIX}peers", "sk": AGGREGATE_SORT}
