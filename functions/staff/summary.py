"""Counts of registrations per branch, region, kind, phase and assessment level,
against each region's target (about 20 % of its retail establishments, where known), and
the coaching funnel per branch and per region.

The funnel's stages (`stages`; `docs/staff.md` says the same):
- registered: a registration (not a callback-list entry) not flagged as a possible
  duplicate, within its retention;
- assessed: registered, with at least one linked assessment;
- coached: registered, with a first meeting recorded (`python -m staff coaching … --step
  first_meeting`), as the public figures count it;
- reassessed: coached, with at least two linked assessments, the latest taken after the
  day of the first meeting (a T1 after the coaching began; an assessment taken during the
  first meeting is the starting point, not a reassessment).
The stages are not nested in general: a business can be coached without an assessment.

Reads each branch's registrations through the index (one Query per branch), and
the assessments linked to each registration from its own partition: never a Scan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from content_model import Content
from forms_api import keys

from staff.audit import utc_now
from staff.exports import gsi1_range
from staff.ports import Item, StaffStore
from staff.retention import live


@dataclass(frozen=True)
class RegionProgress:
    code: str
    name: str
    count: int
    target: int | None

    @property
    def percent_of_target(self) -> float | None:
        if not self.target:
            return None
        return round(100 * self.count / self.target, 1)


@dataclass
class Summary:
    total: int = 0
    by_branch: Counter[str] = field(default_factory=Counter)
    by_region: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_phase: Counter[str] = field(default_factory=Counter)
    by_level: Counter[str] = field(default_factory=Counter)
    regions: list[RegionProgress] = field(default_factory=list)
    # Stage → count, in total and per branch and region code; assessed and reassessed are
    # left out when the assessments were not read (`--no-levels`).
    funnel: Counter[str] = field(default_factory=Counter)
    funnel_by_branch: dict[str, Counter[str]] = field(default_factory=dict)
    funnel_by_region: dict[str, Counter[str]] = field(default_factory=dict)
    with_assessments: bool = True


NO_ASSESSMENT = "none"
FUNNEL_STAGES = ("registered", "assessed", "coached", "reassessed")
NOT_COUNTED_STATUSES = frozenset({"possible_duplicate"})


def assessment_day(assessment: Item) -> str:
    return keys.assessment_created_at(str(assessment.get("sk", "")))[:10]


def stages(registration: Item, assessments: list[Item]) -> frozenset[str]:
    """The funnel stages one registration has reached (see the module's definitions);
    `assessments` are its linked assessments, in any order."""
    if registration.get("kind") != "registration" or (
        str(registration.get("status", "confirmed")) in NOT_COUNTED_STATUSES
    ):
        return frozenset()
    reached = {"registered"}
    if assessments:
        reached.add("assessed")
    first_meeting = registration.get(keys.COACHING_STEPS["first_meeting"])
    if first_meeting:
        reached.add("coached")
        days = sorted(assessment_day(assessment) for assessment in assessments)
        if len(days) >= 2 and days[-1] > str(first_meeting):
            reached.add("reassessed")
    return frozenset(reached)


def latest_level(assessments: list[Item]) -> str | None:
    if not assessments:
        return None
    latest = max(assessments, key=lambda assessment: str(assessment.get("sk", "")))
    level = latest.get("level")
    return None if level is None else str(level)


def summarise(
    registrations: list[Item],
    linked: dict[str, list[Item]] | None,
    content: Content,
    language: str = "fr",
) -> Summary:
    """Pure counting. `linked` maps a reference to its linked assessments (None: not read)."""
    summary = Summary(total=len(registrations), with_assessments=linked is not None)
    assessments_of = linked or {}
    for item in registrations:
        branch, region = str(item.get("branch", "?")), str(item.get("region", "?"))
        summary.by_branch[branch] += 1
        summary.by_region[region] += 1
        summary.by_kind[str(item.get("kind", "?"))] += 1
        summary.by_phase[str(item.get("phase", "?"))] += 1
        assessments = assessments_of.get(str(item.get("reference")), [])
        summary.by_level[latest_level(assessments) or NO_ASSESSMENT] += 1
        reached = stages(item, assessments)
        for counter in (
            summary.funnel,
            summary.funnel_by_branch.setdefault(branch, Counter()),
            summary.funnel_by_region.setdefault(region, Counter()),
        ):
            counter.update(reached)
    summary.regions = [
        RegionProgress(
            code=region.code,
            name=region.name(language),
            # The target counts businesses coached: waitlist entries are not registrations yet.
            count=sum(
                1
                for item in registrations
                if item.get("region") == region.code and item.get("kind") == "registration"
            ),
            target=region.target,
        )
        for region in content.regions
    ]
    return summary


def collect(
    store: StaffStore,
    content: Content,
    start: date,
    end: date,
    with_levels: bool = True,
    now: datetime | None = None,
) -> tuple[list[Item], dict[str, list[Item]] | None]:
    """Every branch's registrations in the range still within their retention, and each
    one's linked assessments (their digest fields only; None when `with_levels` is off)."""
    low, high = gsi1_range(start, end)
    moment = now or utc_now()
    registrations = [
        item
        for branch in content.branch_ids
        for item in live(store.branch_registrations(branch, low, high), moment)
    ]
    if not with_levels:
        return registrations, None
    return registrations, store.linked_assessments(
        [str(item["reference"]) for item in registrations]
    )


def funnel_row(counts: Counter[str], with_assessments: bool) -> dict[str, int | None]:
    return {
        stage: counts[stage] if with_assessments or stage in ("registered", "coached") else None
        for stage in FUNNEL_STAGES
    }


def to_document(summary: Summary) -> dict[str, Any]:
    """JSON-ready form (dataclasses.asdict would rebuild each Counter from pairs)."""
    full = summary.with_assessments
    return {
        "funnel": {
            "total": funnel_row(summary.funnel, full),
            "by_branch": {
                code: funnel_row(counts, full)
                for code, counts in sorted(summary.funnel_by_branch.items())
            },
            "by_region": {
                code: funnel_row(counts, full)
                for code, counts in sorted(summary.funnel_by_region.items())
            },
        },
        "total": summary.total,
        "by_branch": dict(summary.by_branch),
        "by_region": dict(summary.by_region),
        "by_kind": dict(summary.by_kind),
        "by_phase": dict(summary.by_phase),
        "by_level": dict(summary.by_level),
        "regions": [
            {
                "code": region.code,
                "name": region.name,
                "count": region.count,
                "target": region.target,
                "percent_of_target": region.percent_of_target,
            }
            for region in summary.regions
        ],
    }


def render_text(summary: Summary, content: Content, language: str = "fr") -> str:
    """A plain-text report for the terminal, bilingual headings."""
    lines = [f"Inscriptions / Registrations: {summary.total}", ""]

    def block(title: str, counts: Counter[str], table: str | None = None) -> None:
        lines.append(title)
        for code, count in sorted(counts.items()):
            name = content.label(table, code, language) if table else code
            lines.append(f"  {name:<45} {count:>6}")
        lines.append("")

    block("Par succursale / By branch", summary.by_branch, "branches")
    block("Par type / By kind", summary.by_kind)
    block("Par phase / By phase", summary.by_phase)
    block("Par niveau du bilan / By assessment level", summary.by_level)
    lines.append("Par région (inscriptions / cible) / By region (registrations / target)")
    for region in summary.regions:
        target = "—" if region.target is None else str(region.target)
        percent = region.percent_of_target
        share = "" if percent is None else f"  {percent:.1f} %"
        lines.append(f"  {region.code} {region.name:<42} {region.count:>6} / {target:>5}{share}")
    lines.append("")
    lines.extend(render_funnel(summary, content, language))
    return "\n".join(lines) + "\n"


FUNNEL_HEADINGS = {
    "fr": ("inscrits", "bilan", "accomp.", "rebilan"),
    "en": ("registered", "assessed", "coached", "reassessed"),
}
NAME_WIDTH, CELL_WIDTH = 45, 11


def render_funnel(summary: Summary, content: Content, language: str = "fr") -> list[str]:
    """The funnel as text: one line per branch, per region, and the total."""
    full = summary.with_assessments

    def line(name: str, counts: Counter[str]) -> str:
        row = funnel_row(counts, full)
        cells = "".join(f"{'—' if row[s] is None else row[s]:>{CELL_WIDTH}}" for s in FUNNEL_STAGES)
        return f"  {name:<{NAME_WIDTH}}{cells}"

    lines = ["Parcours / Funnel (définitions / definitions: docs/staff.md)"]
    for headings in FUNNEL_HEADINGS.values():
        lines.append(" " * (NAME_WIDTH + 2) + "".join(f"{h:>{CELL_WIDTH}}" for h in headings))
    lines.append("Par succursale / By branch")
    for code, counts in sorted(summary.funnel_by_branch.items()):
        lines.append(line(content.label("branches", code, language), counts))
    lines.append("Par région / By region")
    for code, counts in sorted(summary.funnel_by_region.items()):
        lines.append(line(f"{code} {content.label('regions', code, language)}", counts))
    lines.append(line("Total", summary.funnel))
    if not full:
        lines.append("  (— : bilans non lus, --no-levels / assessments not read, --no-levels)")
    return lines
