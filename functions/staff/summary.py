"""Counts of registrations per branch, region, kind, phase and assessment level,
against each region's target (about 20 % of its retail establishments, where known).

Reads each branch's registrations through the index (one Query per branch), and
the assessments linked to each registration from its own partition: never a Scan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from content_model import Content

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


NO_ASSESSMENT = "none"


def summarise(
    registrations: list[Item], levels: dict[str, str], content: Content, language: str = "fr"
) -> Summary:
    """Pure counting. `levels` maps a reference to its assessment level code."""
    summary = Summary(total=len(registrations))
    for item in registrations:
        summary.by_branch[str(item.get("branch", "?"))] += 1
        summary.by_region[str(item.get("region", "?"))] += 1
        summary.by_kind[str(item.get("kind", "?"))] += 1
        summary.by_phase[str(item.get("phase", "?"))] += 1
        summary.by_level[levels.get(str(item.get("reference")), NO_ASSESSMENT)] += 1
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
) -> tuple[list[Item], dict[str, str]]:
    """Every branch's registrations in the range still within their retention, and each
    one's assessment level."""
    low, high = gsi1_range(start, end)
    moment = now or utc_now()
    registrations = [
        item
        for branch in content.branch_ids
        for item in live(store.branch_registrations(branch, low, high), moment)
    ]
    levels: dict[str, str] = {}
    if with_levels:
        levels = store.assessment_levels([str(item["reference"]) for item in registrations])
    return registrations, levels


def to_document(summary: Summary) -> dict[str, Any]:
    """JSON-ready form (dataclasses.asdict would rebuild each Counter from pairs)."""
    return {
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
    return "\n".join(lines) + "\n"
