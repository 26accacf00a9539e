"""Peers: the median score per assessment dimension of the businesses of one region, of one
sector and of one size band, for the assessment result page to compare a merchant with.

Pure: no I/O, no boto3 (`progress.peer_refresh` reads the table and writes the item).

Which scores: each business counts once, with its **latest** linked assessment (its state
now), so a business that retook the assessment is not counted twice and the comparison is
with where businesses like this one stand today. (Its first assessment, T0, would freeze the
peers at their starting point: a coached merchant would then be compared with businesses
before their coaching.)

What is published, and why no group below k can be found from it:
- one figure per (group, dimension): the median of the group's scores, as an integer. No
  count, no sum, no mean, no minimum or maximum is ever published, for any group;
- a group (a region, a sector, a size band) is published only when at least k businesses are
  in it, and each of its dimensions only when at least k of them scored it; a smaller group
  has no figure at all, and neither has any intersection (region × sector…), which is never
  computed;
- counts and sums add and subtract (total − shown regions = hidden regions, the problem
  `progress.aggregates` solves with complementary suppression); medians do not: the median of
  a group cannot be computed from the medians of groups that contain it, overlap it or
  partition it (the medians of {1, 2, 9} and {1, 2, 9, 9, 9} are 2 and 9: the two added
  businesses are not "9 − 2"). So publishing only medians of groups of at least k, with no
  sizes, gives nothing to subtract. What remains, as for the program's figures: comparing two
  successive refreshes tells on which side of the median a business that joined a group
  scored, never its score; refreshing on a schedule (daily) and keeping no history online
  limits that. A median is the score of the middle business of a group (or the mean of the
  middle two): with at least k businesses in the group and no sizes published, nobody can
  tell whose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

# The kinds of peer groups, in the order the page shows them.
GROUP_KINDS = ("region", "sector", "size")
BASIS = "latest"
DOCUMENT_VERSION = 1


@dataclass(frozen=True)
class Peer:
    """One business as the peers see it: three codes (None: not known) and its latest scores."""

    region: str | None
    sector: str | None
    size: str | None
    scores: Mapping[str, int]

    def group(self, kind: str) -> str | None:
        code: str | None = getattr(self, kind)
        return code


Medians = dict[str, dict[str, dict[str, int]]]
"""Group kind → group code → dimension → median score (0–100)."""


def medians(peers: Iterable[Peer], dimensions: Sequence[str], k: int) -> Medians:
    """The published medians: only groups of at least `k` businesses, and in them only the
    dimensions at least `k` of them scored. A group left with no dimension is left out."""
    members: dict[tuple[str, str], list[Peer]] = defaultdict(list)
    for peer in peers:
        if not peer.scores:
            continue
        for kind in GROUP_KINDS:
            code = peer.group(kind)
            if code:
                members[(kind, code)].append(peer)
    result: Medians = {kind: {} for kind in GROUP_KINDS}
    for (kind, code), group in sorted(members.items()):
        if len(group) < k:
            continue
        shown: dict[str, int] = {}
        for dimension in dimensions:
            values = [int(p.scores[dimension]) for p in group if dimension in p.scores]
            if len(values) >= k:
                shown[dimension] = round(median(values))
        if shown:
            result[kind][code] = shown
    return result


def document(found: Medians, k: int, as_of: str) -> dict[str, Any]:
    """What is stored (one item) and read by the result page: medians and codes only."""
    return {"version": DOCUMENT_VERSION, "as_of": as_of, "k": k, "basis": BASIS, "groups": found}
