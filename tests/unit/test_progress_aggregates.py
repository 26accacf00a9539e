"""« Le programme en chiffres »: suppression below k, complementary suppression, and the
tally's merge / add / remove steps, as properties over random populations."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from progress.aggregates import Business, Tally, publish, suppress_regions, tally

REGIONS = [f"{n:02d}" for n in range(1, 18)]
DIMENSIONS = ["online_presence", "ecommerce", "payments"]


# --- populations ------------------------------------------------------------------------

scores = st.fixed_dictionaries({d: st.integers(0, 100) for d in DIMENSIONS})


@st.composite
def businesses(draw: st.DrawFn, max_size: int = 400) -> list[Business]:
    # Few regions are drawn most of the time, so many groups sit near the threshold.
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=6, unique=True))
    count = draw(st.integers(0, max_size))
    rng = random.Random(draw(st.integers(0, 2**32)))  # noqa: S311 - a test population
    result = []
    for number in range(count):
        taken = rng.choice([0, 0, 1, 1, 2, 3])
        result.append(
            Business(
                reference=f"R{number}",
                region=rng.choice(regions),
                branch=rng.choice(["a", "b", "c"]),
                assessments=tuple(
                    {d: rng.randint(0, 100) for d in DIMENSIONS} for _ in range(taken)
                ),
                # Coached (a first meeting recorded) is drawn apart from the assessments: a
                # business may be coached without one, or assessed and never coached.
                coached=rng.random() < 0.5,
            )
        )
    return result


def published(population: list[Business], k: int) -> dict[str, Any]:
    return publish(tally(population), REGIONS, {}, DIMENSIONS, k)


# --- an attacker's derivations ----------------------------------------------------------


def derived_groups(figures: dict[str, Any]) -> list[tuple[str, int]]:
    """Every group of businesses one can read or compute by subtracting published groups:
    shown counts, a total minus its shown regions, registrations minus coached."""
    rows = figures["regions"]
    total = figures["total"]
    groups: list[tuple[str, int]] = []
    for row in rows:
        for column in ("registrations", "coached"):
            if row[column] is not None:
                groups.append((f"{row['code']}.{column}", row[column]))
        if row["registrations"] is not None and row["coached"] is not None:
            groups.append((f"{row['code']}.not coached", row["registrations"] - row["coached"]))
    for column in ("registrations", "coached"):
        if total[column] is None:
            continue
        groups.append((f"total.{column}", total[column]))
        hidden = [row for row in rows if row[column] is None]
        if hidden:
            shown = sum(row[column] for row in rows if row[column] is not None)
            groups.append((f"hidden regions.{column}", total[column] - shown))
    if total["registrations"] is not None and total["coached"] is not None:
        not_coached = total["registrations"] - total["coached"]
        groups.append(("total.not coached", not_coached))
        hidden = [row for row in rows if row["coached"] is None]
        if hidden:
            shown_not_coached = sum(
                row["registrations"] - row["coached"] for row in rows if row["coached"] is not None
            )
            groups.append(("hidden regions.not coached", not_coached - shown_not_coached))
    t0, t1 = figures["maturity"]["t0"]["businesses"], figures["maturity"]["t1"]["businesses"]
    for name, value in (("t0", t0), ("t1", t1)):
        if value is not None:
            groups.append((name, value))
    if t0 is not None and t1 is not None:
        groups.append(("one assessment only", t0 - t1))
    if t0 is not None and total["registrations"] is not None:
        # T0 counts the assessed businesses: the rest of the registrations are a group too.
        groups.append(("total.not assessed", total["registrations"] - t0))
    return groups


def assessed_groups(figures: dict[str, Any], population: list[Business]) -> list[tuple[str, int]]:
    """The groups an assessment count bounds: a region's shown assessments tell how many of
    its businesses were assessed at most (and, with its registrations, not assessed at
    least); the total minus the shown regions does the same for the hidden ones."""
    assessed = Counter(b.region for b in population if b.assessed)
    registered = Counter(b.region for b in population)
    groups: list[tuple[str, int]] = []
    hidden = [row["code"] for row in figures["regions"] if row["assessments"] is None]
    for row in figures["regions"]:
        if row["assessments"] is not None:
            code = row["code"]
            groups.append((f"{code}.assessed", assessed[code]))
            groups.append((f"{code}.not assessed", registered[code] - assessed[code]))
    if figures["total"]["assessments"] is not None and hidden:
        groups.append(("hidden regions.assessed", sum(assessed[c] for c in hidden)))
        groups.append(
            ("hidden regions.not assessed", sum(registered[c] - assessed[c] for c in hidden))
        )
    return groups


@settings(max_examples=300, deadline=None)
@given(population=businesses(), k=st.integers(2, 15))
def test_no_group_below_k_is_published_or_derivable(population: list[Business], k: int) -> None:
    figures = published(population, k)
    small = [(name, value) for name, value in derived_groups(figures) if value < k]
    assert not small, small
    small = [(name, value) for name, value in assessed_groups(figures, population) if value < k]
    assert not small, small
    # Averages only over groups of at least k.
    for moment in ("t0", "t1"):
        group = figures["maturity"][moment]
        if group["businesses"] is None:
            assert all(value is None for value in group["dimensions"].values())


@settings(max_examples=200, deadline=None)
@given(population=businesses(), k=st.integers(2, 15))
def test_what_is_published_is_true(population: list[Business], k: int) -> None:
    figures = published(population, k)
    true_registrations = Counter(b.region for b in population)
    true_coached = Counter(b.region for b in population if b.coached)
    true_assessments = Counter()
    for b in population:
        true_assessments[b.region] += len(b.assessments)
    for row in figures["regions"]:
        assert row["registrations"] in (None, true_registrations[row["code"]])
        assert row["coached"] in (None, true_coached[row["code"]])
        assert row["assessments"] in (None, true_assessments[row["code"]])
    assert figures["total"]["registrations"] in (None, len(population))
    assert figures["total"]["coached"] in (None, sum(true_coached.values()))
    assert figures["total"]["assessments"] in (None, sum(true_assessments.values()))
    t0 = figures["maturity"]["t0"]
    if t0["businesses"] is not None:
        # T0: every assessed business's first assessment, coached or not.
        assessed = [b for b in population if b.assessed]
        assert t0["businesses"] == len(assessed)
        expected = sum(b.assessments[0]["payments"] for b in assessed) / len(assessed)
        assert t0["dimensions"]["payments"] == round(expected, 1)


@settings(max_examples=200, deadline=None)
@given(population=businesses(max_size=2000), k=st.integers(2, 15))
def test_a_large_enough_program_publishes_its_totals(population: list[Business], k: int) -> None:
    """Suppression does not hide everything: a total of k or more is always shown."""
    figures = published(population, k)
    assert (figures["total"]["registrations"] is not None) == (len(population) >= k)


def test_one_small_region_hides_a_second_one() -> None:
    """Given 25 registrations in 01, 12 in 02 and 3 in 03, and a published total of 40, 03
    alone hidden would be 40 − 25 − 12: the smallest shown region (02) is hidden too."""
    hidden, _, total_shown, _ = suppress_regions({"01": 25, "02": 12, "03": 3}, {}, REGIONS, 10)
    assert total_shown
    assert {"02", "03"} <= hidden
    assert "01" not in hidden


def test_a_region_where_every_business_was_coached_hides_its_coached() -> None:
    """Registrations − coached is a group too: 0 or 4 not coached may not be derived."""
    _, hidden_coached, _, _ = suppress_regions(
        {"01": 30, "02": 30, "03": 30}, {"01": 30, "02": 26, "03": 10}, REGIONS, 10
    )
    assert {"01", "02"} <= hidden_coached
    assert "03" not in hidden_coached or len(hidden_coached) >= 3


# --- the merge and incremental steps ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(population=businesses(), order=st.randoms(use_true_random=False))
def test_branch_tallies_merged_in_any_order_equal_one_tally(
    population: list[Business], order: random.Random
) -> None:
    per_branch = [tally(b for b in population if b.branch == branch) for branch in "abc"]
    order.shuffle(per_branch)
    merged = Tally()
    for part in per_branch:
        merged = merged.merge(part)
    assert merged.normalised() == tally(population).normalised()


@settings(max_examples=200, deadline=None)
@given(population=businesses(), data=st.data())
def test_random_inserts_and_erasures_equal_a_recount(
    population: list[Business], data: st.DataObject
) -> None:
    """What a stream consumer would do: add each new business, remove an erased one, and
    replace a business whose assessments or coaching changed (remove its old state, add the
    new)."""
    live: dict[str, Business] = {}
    running = Tally()
    for business in population:
        action = data.draw(st.sampled_from(["insert", "insert", "erase", "reassess", "coach"]))
        if action == "erase" and live:
            victim = live.pop(data.draw(st.sampled_from(sorted(live))))
            running.remove(victim)
        elif action == "reassess" and live:
            reference = data.draw(st.sampled_from(sorted(live)))
            old = live[reference]
            new = Business(
                old.reference,
                old.region,
                old.branch,
                (*old.assessments, data.draw(scores)),
                old.coached,
            )
            running.remove(old)
            running.add(new)
            live[reference] = new
        elif action == "coach" and live:
            # A branch records a first meeting (the registration item changes).
            reference = data.draw(st.sampled_from(sorted(live)))
            old = live[reference]
            new = Business(old.reference, old.region, old.branch, old.assessments, coached=True)
            running.remove(old)
            running.add(new)
            live[reference] = new
        else:
            live[business.reference] = business
            running.add(business)
    assert running.normalised() == tally(live.values()).normalised()
