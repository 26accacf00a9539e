"""An assessment's result over time and next to its peers: pure, codes and scores only.

- Before / now: a linked assessment is compared with its registration's first one (T0).
- Peers: the stored medians (`progress.peers`, one item written by `progress.peer_refresh`)
  of the business's region, sector and size band, each only when it is published (at least
  k businesses); the page never learns a group's size.
- The e-mail's summary: levels per dimension as words from the content, never free text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from content_model import Content

# The peers' group kinds, as `progress.peers.GROUP_KINDS` writes them.
PEER_GROUPS = ("region", "sector", "size")


@dataclass(frozen=True)
class Change:
    dimension: str
    before: int
    now: int

    @property
    def delta(self) -> int:
        return self.now - self.before


def changes(
    first: Mapping[str, int], current: Mapping[str, int], dimensions: Sequence[str]
) -> list[Change]:
    """Each dimension scored both times, in the questionnaire's order (a dimension added
    since T0 has no "before")."""
    return [
        Change(d, int(first[d]), int(current[d])) for d in dimensions if d in first and d in current
    ]


def improved(found: Sequence[Change]) -> list[Change]:
    """What went up, most first."""
    return sorted((c for c in found if c.delta > 0), key=lambda c: -c.delta)


@dataclass(frozen=True)
class PeerComparison:
    groups: tuple[tuple[str, str], ...]
    """(kind, code) of each group shown, in `PEER_GROUPS` order."""
    rows: tuple[tuple[str, int, tuple[int | None, ...]], ...]
    """(dimension, the business's score, each group's median or None)."""


def peer_codes(
    content: Content, region: str, sector: str | None, employees: int | None
) -> dict[str, str | None]:
    return {
        "region": region or None,
        "sector": sector,
        "size": content.program.open_data.size_band(employees),
    }


def compare_with_peers(
    stored: Mapping[str, Any] | None,
    scores: Mapping[str, int],
    codes: Mapping[str, str | None],
    dimensions: Sequence[str],
    k: int,
) -> PeerComparison | None:
    """The page's comparison, or None when none of the business's groups is published
    (codes unknown, groups below k, no medians computed yet). A document computed with a
    smaller k than the program's today is not shown at all."""
    if not stored or int(stored.get("k", 0)) < k:
        return None
    published: Mapping[str, Any] = stored.get("groups") or {}
    groups: list[tuple[str, str]] = []
    columns: list[Mapping[str, Any]] = []
    for kind in PEER_GROUPS:
        code = codes.get(kind)
        figures = (published.get(kind) or {}).get(code) if code else None
        if figures:
            groups.append((kind, str(code)))
            columns.append(figures)
    if not groups:
        return None
    rows = tuple(
        (
            dimension,
            int(scores[dimension]),
            tuple(int(column[dimension]) if dimension in column else None for column in columns),
        )
        for dimension in dimensions
        if dimension in scores
    )
    return PeerComparison(groups=tuple(groups), rows=rows)


def group_label(content: Content, kind: str, code: str, lang: str) -> str:
    """A peer group's column heading. The region by name (the page already names the
    registration's branch); the sector and the size band as "yours" only: whoever holds a
    reference alone must not learn the business's sector or head count from this page."""
    if kind == "region":
        return content.label("regions", code, lang)
    return content.strings_in(lang).form[f"peers_{kind}"]


def summary_lines(content: Content, scores: Mapping[str, int], lang: str) -> list[str]:
    """« Présence en ligne : En progression (55 / 100) », one per dimension scored."""
    questionnaire = content.questionnaire
    names = {level.code: level.name(lang) for level in questionnaire.levels}
    colon = "\u00a0: " if lang == "fr" else ": "
    return [
        f"{d.name(lang)}{colon}{names[questionnaire.level_for(int(scores[d.id]))]}"
        f" ({int(scores[d.id])} / 100)"
        for d in questionnaire.dimensions
        if d.id in scores
    ]
