"""The peers' medians: no group below k is ever published, as properties over random
populations; what is published is true and holds nothing but medians."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime
from statistics import median
from typing import Any

from content_model import load_content
from forms_support import CONTENT_DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from progress.aggregates import Business
from progress.peer_refresh import peers_document, peers_of
from progress.peers import GROUP_KINDS, Peer, document, medians

DIMENSIONS = ["online_presence", "ecommerce", "payments"]
REGIONS = ["04", "06", "09", "10"]
SECTORS = ["food", "clothing", "home", None]
SIZES = ["1-4", "5-9", "50-99", None]


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Peer], int]:
    k = draw(st.integers(2, 12))
    count = draw(st.integers(0, 150))
    rng = random.Random(draw(st.integers(0, 2**32)))  # noqa: S311 - a test population
    # Few codes per kind are drawn, so many groups sit near k.
    regions = rng.sample(REGIONS, rng.randint(1, len(REGIONS)))
    peers = []
    for _ in range(count):
        scored = [d for d in DIMENSIONS if rng.random() < 0.85]
        peers.append(
            Peer(
                region=rng.choice(regions),
                sector=rng.choice(SECTORS),
                size=rng.choice(SIZES),
                scores={d: rng.randint(0, 100) for d in scored},
            )
        )
    return peers, k


def members(peers: list[Peer]) -> dict[tuple[str, str], list[Peer]]:
    groups: dict[tuple[str, str], list[Peer]] = defaultdict(list)
    for peer in peers:
        if not peer.scores:
            continue
        for kind in GROUP_KINDS:
            code = peer.group(kind)
            if code:
                groups[(kind, code)].append(peer)
    return groups


@settings(max_examples=300, deadline=None)
@given(populations())
def test_no_group_below_k_is_ever_published_and_every_median_is_true(
    population: tuple[list[Peer], int],
) -> None:
    peers, k = population
    published = medians(peers, DIMENSIONS, k)
    groups = members(peers)
    assert set(published) == set(GROUP_KINDS)
    for kind, by_code in published.items():
        for code, figures in by_code.items():
            group = groups[(kind, code)]
            assert len(group) >= k, (kind, code, len(group))
            assert figures and set(figures) <= set(DIMENSIONS)
            for dimension, value in figures.items():
                scored = [p.scores[dimension] for p in group if dimension in p.scores]
                assert len(scored) >= k
                assert value == round(median(scored))
    # And nothing that may be shown is left out.
    for (kind, code), group in groups.items():
        has_dimension = any(sum(1 for p in group if d in p.scores) >= k for d in DIMENSIONS)
        assert (code in published[kind]) == (len(group) >= k and has_dimension)


@settings(max_examples=100, deadline=None)
@given(populations())
def test_the_document_holds_medians_only_never_a_count(population: tuple[list[Peer], int]) -> None:
    """No size, sum or count of any group: nothing to subtract (see `progress.peers`)."""
    peers, k = population
    doc = document(medians(peers, DIMENSIONS, k), k, "2026-12-01T00:00:00Z")
    assert set(doc) == {"version", "as_of", "k", "basis", "groups"}
    for by_code in doc["groups"].values():
        for figures in by_code.values():
            assert set(figures) <= set(DIMENSIONS)
            assert all(isinstance(v, int) and 0 <= v <= 100 for v in figures.values())


def test_a_business_counts_once_with_its_latest_assessment_in_its_size_band() -> None:
    content = load_content(CONTENT_DATA)
    old, new = {"online_presence": 10}, {"online_presence": 90}
    found = [
        Business("R1", "04", "mauricie", (old, new), sector="food", employees=12),
        Business("R2", "04", "mauricie", (), sector="food", employees=3),  # not assessed
        Business("R3", "04", "mauricie", (old,), sector=None, employees=None),
        Business("R4", "04", "mauricie", (new,), sector="food", employees=150),  # no band
    ]
    peers = peers_of(found, content)
    assert [(p.size, dict(p.scores)) for p in peers] == [
        ("10-19", new),
        (None, old),
        (None, new),
    ]
    assert [p.sector for p in peers] == ["food", None, "food"]


def test_the_documents_k_is_the_programs(tmp_path: Any) -> None:
    content = load_content(CONTENT_DATA)
    rng = random.Random(3)  # noqa: S311 - a test population
    found = [
        Business(
            f"R{n}",
            "06",
            "montreal",
            ({"ecommerce": rng.randint(0, 100)},),
            sector="food",
            employees=4,
        )
        for n in range(content.program.open_data.k - 1)
    ]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    doc = peers_document(found, content, now)
    assert doc["k"] == content.program.open_data.k
    assert doc["groups"] == {"region": {}, "sector": {}, "size": {}}  # k − 1 businesses
    found.append(
        Business("R99", "06", "montreal", ({"ecommerce": 50},), sector="food", employees=4)
    )
    doc = peers_document(found, content, now)
    assert set(doc["groups"]["region"]) == {"06"} and set(doc["groups"]["size"]) == {"1-4"}
