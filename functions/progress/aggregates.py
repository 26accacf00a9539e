"""« Le programme en chiffres »: the public figures, computed from codes and scores only.

Pure: no I/O, no boto3. Three steps.

1. `Business`: what one registration contributes — its region code, whether its coaching
   has begun (a first meeting recorded) and the per-dimension scores of its linked
   assessments, oldest first. Never a name, an e-mail or an answer.
2. `Tally`: exact integer sums (counts and score sums), one per branch as the recount reads
   them, merged into the program's (`merge`); `add` / `remove` let a stream consumer keep it
   up to date without a recount. A tally is *never* published: it holds small groups.
3. `publish`: the tally → the published figures, with every group below `k` businesses
   suppressed (`None`), and the complementary suppressions that keep a suppressed group from
   being found by subtracting published ones.

Definitions (the page's data dictionary says the same):
- registrations: registrations (not waitlist entries) whose business number is not flagged
  as a possible duplicate, still within their retention;
- coached: a registration whose first coaching meeting its branch recorded
  (`python -m staff coaching … --step first_meeting`), whether or not it took an assessment;
- assessments: linked assessments of those registrations (an assessment taken without a
  registration is not reachable without a Scan, and is no business of the program's);
- assessed (not published by region, but the group behind the assessments and T0): a
  registration with at least one linked assessment;
- T0: an assessed business's first assessment; T1: its latest, when it has at least two.

Suppression rules (k = `program.yml` `open_data.k`):
- a region's registrations are shown when they are at least k; if any region is
  suppressed, the suppressed regions together must hold at least k (else the total minus the
  shown regions would give them away): the smallest shown regions are suppressed too until
  they do; the total is shown when it is at least k;
- a region's coached are shown when its registrations are, and both its coached and its
  not-coached businesses number at least k (registrations minus coached is a group too); the
  suppressed regions' coached *and* not-coached businesses must each number at least k (else
  the totals give them away): more regions are suppressed until they do; the coached total
  is shown when coached and not coached both number at least k;
- a region's assessments follow the same rules with its assessed businesses in the place of
  its coached (an assessment count bounds the businesses assessed: 3 assessments tell that
  at most 3 businesses were), and the assessments total is shown with the assessed total;
- the averages are program-wide only (a regional average would let the suppressed regions'
  sum be derived): T0 is shown with the assessments total; T1 when the businesses with two
  assessments and those with one each number at least k; a dimension's average when at
  least k of the group's assessments scored it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Scores = Mapping[str, int]


@dataclass(frozen=True)
class Business:
    reference: str
    region: str
    branch: str
    assessments: tuple[Scores, ...] = ()
    """Per-dimension scores (0–100) of each linked assessment, oldest first."""
    coached: bool = False
    """A first coaching meeting is recorded."""
    # Codes for the peers' medians (`progress.peers`); the figures here do not use them.
    sector: str | None = None
    employees: int | None = None

    @property
    def assessed(self) -> bool:
        return bool(self.assessments)


@dataclass
class Tally:
    """Exact sums; `merge`, `add` and `remove` commute, so any order gives the same tally."""

    registrations: Counter[str] = field(default_factory=Counter)
    coached: Counter[str] = field(default_factory=Counter)
    assessed: Counter[str] = field(default_factory=Counter)
    assessments: Counter[str] = field(default_factory=Counter)
    t0_businesses: int = 0
    t0_sums: Counter[str] = field(default_factory=Counter)
    t0_counts: Counter[str] = field(default_factory=Counter)
    t1_businesses: int = 0
    t1_sums: Counter[str] = field(default_factory=Counter)
    t1_counts: Counter[str] = field(default_factory=Counter)

    def _apply(self, business: Business, sign: int) -> None:
        region = business.region
        self.registrations[region] += sign
        if business.coached:
            self.coached[region] += sign
        if not business.assessments:
            return
        self.assessed[region] += sign
        self.assessments[region] += sign * len(business.assessments)
        self.t0_businesses += sign
        for dimension, score in business.assessments[0].items():
            self.t0_sums[dimension] += sign * int(score)
            self.t0_counts[dimension] += sign
        if len(business.assessments) >= 2:
            self.t1_businesses += sign
            for dimension, score in business.assessments[-1].items():
                self.t1_sums[dimension] += sign * int(score)
                self.t1_counts[dimension] += sign

    def add(self, business: Business) -> None:
        self._apply(business, 1)

    def remove(self, business: Business) -> None:
        """The inverse of `add` (an erasure, or the old state of a business that changed)."""
        self._apply(business, -1)

    def merge(self, other: Tally) -> Tally:
        def plus(a: Counter[str], b: Counter[str]) -> Counter[str]:
            total = Counter(a)
            total.update(b)
            return total

        return Tally(
            registrations=plus(self.registrations, other.registrations),
            coached=plus(self.coached, other.coached),
            assessed=plus(self.assessed, other.assessed),
            assessments=plus(self.assessments, other.assessments),
            t0_businesses=self.t0_businesses + other.t0_businesses,
            t0_sums=plus(self.t0_sums, other.t0_sums),
            t0_counts=plus(self.t0_counts, other.t0_counts),
            t1_businesses=self.t1_businesses + other.t1_businesses,
            t1_sums=plus(self.t1_sums, other.t1_sums),
            t1_counts=plus(self.t1_counts, other.t1_counts),
        )

    def normalised(self) -> dict[str, Any]:
        """Comparable form: zero entries dropped (a Counter keeps a key that went back to 0)."""

        def clean(counter: Counter[str]) -> dict[str, int]:
            return {key: value for key, value in sorted(counter.items()) if value}

        return {
            "registrations": clean(self.registrations),
            "coached": clean(self.coached),
            "assessed": clean(self.assessed),
            "assessments": clean(self.assessments),
            "t0": (self.t0_businesses, clean(self.t0_sums), clean(self.t0_counts)),
            "t1": (self.t1_businesses, clean(self.t1_sums), clean(self.t1_counts)),
        }


def tally(businesses: Iterable[Business]) -> Tally:
    result = Tally()
    for business in businesses:
        result.add(business)
    return result


# --- publication ---------------------------------------------------------------------


def _complete(hidden: set[str], shown_order: list[str], enough: Any) -> set[str]:
    """Grow `hidden` with the smallest shown cells (in `shown_order`) until `enough(hidden)`
    holds or nothing is left to hide."""
    hidden = set(hidden)
    for code in shown_order:
        if not hidden or enough(hidden):
            break
        if code not in hidden:
            hidden.add(code)
    return hidden


def suppress_regions(
    registrations: Mapping[str, int], coached: Mapping[str, int], regions: Sequence[str], k: int
) -> tuple[set[str], set[str], bool, bool]:
    """(regions whose registrations are hidden, regions whose coached are hidden,
    whether the registrations total is shown, whether the coached total is shown)."""
    reg = {code: int(registrations.get(code, 0)) for code in regions}
    coach = {code: int(coached.get(code, 0)) for code in regions}
    by_size = sorted(regions, key=lambda code: (reg[code], code))

    hidden_reg = _complete(
        {code for code in regions if reg[code] < k},
        by_size,
        lambda hidden: sum(reg[c] for c in hidden) >= k,
    )
    total_reg = sum(reg.values())
    total_reg_shown = total_reg >= k
    if not total_reg_shown:
        hidden_reg = set(regions)

    total_coached = sum(coach.values())
    total_coached_shown = total_reg_shown and total_coached >= k and total_reg - total_coached >= k
    hidden_coached = hidden_reg | {
        code for code in regions if coach[code] < k or reg[code] - coach[code] < k
    }
    if total_coached_shown:
        # Only a shown total lets the suppressed regions be found by subtraction.
        by_coached = sorted(regions, key=lambda code: (coach[code], code))
        hidden_coached = _complete(
            hidden_coached,
            by_coached,
            lambda hidden: (
                sum(coach[c] for c in hidden) >= k and sum(reg[c] - coach[c] for c in hidden) >= k
            ),
        )
    return hidden_reg, hidden_coached, total_reg_shown, total_coached_shown


def _averages(
    sums: Mapping[str, int], counts: Mapping[str, int], dimensions: Sequence[str], k: int
) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    for dimension in dimensions:
        n = int(counts.get(dimension, 0))
        result[dimension] = round(int(sums.get(dimension, 0)) / n, 1) if n >= k else None
    return result


def publish(
    tally_: Tally,
    regions: Sequence[str],
    targets: Mapping[str, int | None],
    dimensions: Sequence[str],
    k: int,
) -> dict[str, Any]:
    """The figures that may be published; `None` is a suppressed figure.

    Every business tallied must have its region in `regions` (the recount drops the others,
    which the form never stores): T0's group is the assessed total.
    """
    hidden_reg, hidden_coached, total_reg_shown, total_coached_shown = suppress_regions(
        tally_.registrations, tally_.coached, regions, k
    )
    # The same rules with the assessed businesses in the place of the coached.
    _, hidden_assessed, _, total_assessed_shown = suppress_regions(
        tally_.registrations, tally_.assessed, regions, k
    )

    def shown(value: int, visible: bool) -> int | None:
        return value if visible else None

    rows = [
        {
            "code": code,
            "registrations": shown(tally_.registrations[code], code not in hidden_reg),
            "coached": shown(tally_.coached[code], code not in hidden_coached),
            "assessments": shown(tally_.assessments[code], code not in hidden_assessed),
            "target": targets.get(code),
        }
        for code in regions
    ]
    coached_total = sum(tally_.coached[code] for code in regions)
    t0_shown = total_assessed_shown
    t1_shown = (
        t0_shown and tally_.t1_businesses >= k and tally_.t0_businesses - tally_.t1_businesses >= k
    )
    return {
        "k": k,
        "regions": rows,
        "total": {
            "registrations": shown(sum(tally_.registrations[c] for c in regions), total_reg_shown),
            "coached": shown(coached_total, total_coached_shown),
            "assessments": shown(sum(tally_.assessments[c] for c in regions), total_assessed_shown),
            # Targets are known for a few regions only: their sum is no program target.
            "target": None,
        },
        "maturity": {
            "t0": {
                "businesses": shown(tally_.t0_businesses, t0_shown),
                "dimensions": _averages(tally_.t0_sums, tally_.t0_counts, dimensions, k)
                if t0_shown
                else dict.fromkeys(dimensions),
            },
            "t1": {
                "businesses": shown(tally_.t1_businesses, t1_shown),
                "dimensions": _averages(tally_.t1_sums, tally_.t1_counts, dimensions, k)
                if t1_shown
                else dict.fromkeys(dimensions),
            },
        },
    }
