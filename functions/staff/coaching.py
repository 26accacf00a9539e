"""The coaching steps of a registration, recorded by staff (`python -m staff coaching`).

Stored as attributes of the registration item (`forms_api.keys.COACHING_ATTRIBUTES`): the
day each step was reached (contacted, first meeting, finished) and the training and
coaching hours to date. Checked before anything is written; the write is conditional (the
registration exists, and nobody changed its coaching since it was read), so a refused or
raced change leaves the item as it was.

Rules, each refused with a bilingual message:
- the registration exists and is a registration, not a callback-list entry;
- a step's day is a real date, not before the registration was received, not after today
  (UTC);
- the steps keep their order: contacted ≤ first meeting ≤ finished, and "finished" needs a
  first meeting;
- hours are totals to date (not additions, so running a command twice changes nothing),
  from 0 to 1,000, in quarter hours at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from forms_api import keys
from forms_api.domain.errors import RuleViolation
from forms_api.domain.rules import normalise_reference

from staff.ports import Item, StaffStore

STEPS = tuple(keys.COACHING_STEPS)  # contacted, first_meeting, finished
HOURS = tuple(keys.COACHING_HOURS)  # training, coaching
MAX_HOURS = Decimal(1000)
QUARTER = Decimal("0.25")


class CoachingRefused(Exception):
    """A change that breaks a rule; nothing was written. The message is French / English."""

    def __init__(self, code: str, french: str, english: str) -> None:
        super().__init__(f"{french} / {english}")
        self.code = code


@dataclass(frozen=True)
class CoachingChange:
    steps: dict[str, date] = field(default_factory=dict)
    cleared: tuple[str, ...] = ()
    hours: dict[str, Decimal] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.steps or self.cleared or self.hours)

    @property
    def names(self) -> list[str]:
        """What changes, as step and hour names (the audit's qualifier: no personal data)."""
        return sorted(
            {
                *self.steps,
                *(f"cleared_{step}" for step in self.cleared if step not in self.steps),
                *(f"{name}_hours" for name in self.hours),
            }
        )


def parse_hours(text: str) -> Decimal:
    """Hours as typed (`6`, `4.5`, `4,5`): 0 to 1,000 in quarter hours."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_HOURS or value % QUARTER != 0:
        raise CoachingRefused(
            "hours",
            f"Heures invalides : {text!r} (de 0 à 1000, par quarts d’heure, ex. 6 ou 4,5)",
            f"Invalid hours: {text!r} (0 to 1000, in quarter hours, e.g. 6 or 4.5)",
        )
    return value.normalize() if value != value.to_integral_value() else Decimal(int(value))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CoachingRefused(
            "date",
            f"Date invalide : {text!r} (AAAA-MM-JJ, ex. 2027-01-15)",
            f"Invalid date: {text!r} (YYYY-MM-DD, e.g. 2027-01-15)",
        ) from None


def reference_of(store: StaffStore, text: str) -> str:
    """The stored reference staff mean: `VNB-7K3F-9Q2M` however typed (spaces, dashes,
    lower case, without `VNB`), else the text as typed in upper case (the seeded previews'
    `FAKE-…` references), whichever has a registration; the first when neither has."""
    typed = text.strip().upper()
    try:
        candidates = [normalise_reference(text), typed]
    except RuleViolation:
        candidates = [typed]
    for candidate in candidates:
        key = keys.registration(candidate)
        if store.get(key["pk"], key["sk"]) is not None:
            return candidate
    return candidates[0]


def state(registration: Item) -> dict[str, Any]:
    """The coaching steps and hours recorded on a registration item, by their short names."""
    result: dict[str, Any] = {}
    for step, attribute in keys.COACHING_STEPS.items():
        if registration.get(attribute):
            result[step] = str(registration[attribute])
    for name, attribute in keys.COACHING_HOURS.items():
        if registration.get(attribute) is not None:
            result[f"{name}_hours"] = Decimal(str(registration[attribute]))
    return result


def _updates(registration: Item, change: CoachingChange, today: date) -> tuple[Item, list[str]]:
    """The attributes to set and to remove, once every rule holds."""
    if registration.get("kind") != "registration":
        raise CoachingRefused(
            "waitlist",
            "C’est une inscription à la liste de rappel : pas d’accompagnement à noter.",
            "This is a callback-list entry: there is no coaching to record.",
        )
    created = str(registration.get("created_at", ""))[:10]
    received = date.fromisoformat(created) if created else date.min
    days: dict[str, date] = {
        step: date.fromisoformat(str(registration[attribute]))
        for step, attribute in keys.COACHING_STEPS.items()
        if registration.get(attribute)
    }
    for step in change.cleared:
        days.pop(step, None)
    for step, day in change.steps.items():
        if day > today:
            raise CoachingRefused(
                "future",
                f"{step} : la date {day} est dans le futur.",
                f"{step}: the date {day} is in the future.",
            )
        if day < received:
            raise CoachingRefused(
                "before_registration",
                f"{step} : la date {day} précède l’inscription ({received}).",
                f"{step}: the date {day} is before the registration ({received}).",
            )
        days[step] = day
    ordered = [(step, days[step]) for step in STEPS if step in days]
    for (earlier, first), (later, second) in pairwise(ordered):
        if second < first:
            raise CoachingRefused(
                "order",
                f"{later} ({second}) ne peut précéder {earlier} ({first}).",
                f"{later} ({second}) cannot come before {earlier} ({first}).",
            )
    if "finished" in days and "first_meeting" not in days:
        raise CoachingRefused(
            "finished_without_meeting",
            "finished : notez d’abord la première rencontre (first_meeting).",
            "finished: record the first meeting (first_meeting) first.",
        )
    values: Item = {
        keys.COACHING_STEPS[step]: day.isoformat() for step, day in change.steps.items()
    }
    values.update({keys.COACHING_HOURS[name]: hours for name, hours in change.hours.items()})
    removed = [keys.COACHING_STEPS[step] for step in change.cleared if step not in change.steps]
    return values, removed


def record(
    store: StaffStore, reference: str, change: CoachingChange, now: datetime
) -> tuple[Item, dict[str, Any]]:
    """Check and write the change; returns the registration as read and its coaching after."""
    key = keys.registration(reference)
    registration = store.get(key["pk"], key["sk"])
    if registration is None:
        raise CoachingRefused(
            "unknown_reference",
            f"Aucune inscription {reference}.",
            f"No registration {reference}.",
        )
    if change.empty:
        return registration, state(registration)
    values, removed = _updates(registration, change, now.date())
    values[keys.COACHING_UPDATED] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    previous = registration.get(keys.COACHING_UPDATED)
    if not store.update_coaching(
        reference, values, removed, None if previous is None else str(previous)
    ):
        raise CoachingRefused(
            "changed_meanwhile",
            "L’inscription a changé entre-temps (ou a été effacée) : rien n’est écrit, relancez.",
            "The registration changed meanwhile (or was erased): nothing written, run again.",
        )
    after = {**registration, **values}
    for name in removed:
        after.pop(name, None)
    return registration, state(after)
