"""A random population of registrations, assessments and coaching steps with its funnel
known in advance (the plan), for the staff summary's tests: the summary reads the stored
items, the test compares with what the plan says."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from forms_api import keys

BRANCHES = {"mauricie": "04", "montreal": "06", "outaouais": "07"}


@dataclass(frozen=True)
class Planned:
    reference: str
    branch: str
    region: str
    kind: str
    status: str
    assessment_days: tuple[date, ...]
    first_meeting: date | None

    def stages(self) -> set[str]:
        """What the staff docs say each stage is, spelt out from the plan."""
        if self.kind != "registration" or self.status == "possible_duplicate":
            return set()
        reached = {"registered"}
        if self.assessment_days:
            reached.add("assessed")
        if self.first_meeting is not None:
            reached.add("coached")
            latest = max(self.assessment_days, default=None)
            if (
                len(self.assessment_days) >= 2
                and latest is not None
                and latest > self.first_meeting
            ):
                reached.add("reassessed")
        return reached


def plan(rng: random.Random, count: int) -> list[Planned]:
    start = date(2026, 2, 1)
    result = []
    for number in range(count):
        branch = rng.choice(sorted(BRANCHES))
        created = start + timedelta(days=rng.randrange(0, 200))
        taken = rng.choice([0, 0, 1, 1, 2, 3])
        days = tuple(sorted(created + timedelta(days=rng.randrange(0, 120)) for _ in range(taken)))
        meeting = created + timedelta(days=rng.randrange(0, 120)) if rng.random() < 0.5 else None
        result.append(
            Planned(
                reference=f"P{number:05d}",
                branch=branch,
                # Now and then a registration outside its branch's own region.
                region=BRANCHES[branch] if rng.random() < 0.9 else "17",
                kind="waitlist" if rng.random() < 0.1 else "registration",
                status=rng.choice(["confirmed"] * 8 + ["unconfirmed", "possible_duplicate"]),
                assessment_days=days,
                first_meeting=meeting,
            )
        )
    return result


def items(planned: list[Planned]) -> list[dict[str, Any]]:
    stored: list[dict[str, Any]] = []
    for entry in planned:
        created = f"{date(2026, 2, 1).isoformat()}T09:00:00Z"
        registration: dict[str, Any] = {
            **keys.registration(entry.reference),
            **keys.branch_index(entry.branch, created, entry.reference),
            "reference": entry.reference,
            "kind": entry.kind,
            "status": entry.status,
            "branch": entry.branch,
            "region": entry.region,
            "phase": "open",
            "created_at": created,
            "legal_name": f"Commerce fictif {entry.reference}",
            "expires_at": 1900000000,
        }
        if entry.first_meeting is not None:
            registration[keys.COACHING_STEPS["first_meeting"]] = entry.first_meeting.isoformat()
        stored.append(registration)
        for index, day in enumerate(entry.assessment_days):
            at = f"{day.isoformat()}T1{index}:00:00.000000Z"
            stored.append(
                {
                    **keys.linked_assessment(entry.reference, at, f"x{index}"),
                    "kind": "assessment",
                    "reference": entry.reference,
                    "level": "developing",
                    "score": 50,
                    "scores": {"ecommerce": 50},
                    "answers": {"online_sales": "no"},
                    "expires_at": 1900000000,
                }
            )
    return stored


def expected(planned: list[Planned]) -> dict[str, Any]:
    """The funnel the plan calls for, in the summary document's shape."""
    total: Counter[str] = Counter()
    by_branch: dict[str, Counter[str]] = {}
    by_region: dict[str, Counter[str]] = {}
    for entry in planned:
        reached = entry.stages()
        total.update(reached)
        by_branch.setdefault(entry.branch, Counter()).update(reached)
        by_region.setdefault(entry.region, Counter()).update(reached)

    def row(counts: Counter[str]) -> dict[str, int]:
        return {
            stage: counts[stage] for stage in ("registered", "assessed", "coached", "reassessed")
        }

    return {
        "total": row(total),
        "by_branch": {code: row(counts) for code, counts in sorted(by_branch.items())},
        "by_region": {code: row(counts) for code, counts in sorted(by_region.items())},
    }
