"""The peers' medians, recomputed and written as one item of the program table.

`refresh_peers` is the entry point a scheduled function calls (and `python -m progress
peers`): it reads through the recount's source (Query only, codes and scores: never a name,
an e-mail or an answer), computes the medians (`progress.peers`, groups below k dropped) and
writes them as ONE item, `keys.peers()` (`pk=AGG#peers`), which the assessment result page
reads with one GetItem. Writing the whole item each time makes a retry or a replay harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from content_model import Content
from forms_api import keys

from progress.aggregates import Business
from progress.peers import Peer, document, medians
from progress.recount import businesses, dimensions_of
from progress.source import ProgressSource


def peers_of(found: Iterable[Business], content: Content) -> list[Peer]:
    """Each assessed business once, with its latest assessment (`progress.peers`' basis)."""
    bands = content.program.open_data
    return [
        Peer(
            region=business.region,
            sector=business.sector,
            size=bands.size_band(business.employees),
            scores=business.assessments[-1],
        )
        for business in found
        if business.assessments
    ]


def peers_document(found: Iterable[Business], content: Content, now: datetime) -> dict[str, Any]:
    k = content.program.open_data.k
    as_of = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return document(medians(peers_of(found, content), dimensions_of(content), k), k, as_of)


def peers_item(doc: dict[str, Any]) -> dict[str, Any]:
    return {**keys.peers(), "kind": "peers", **doc}


def businesses_document(
    source: ProgressSource, content: Content, now: datetime | None = None
) -> dict[str, Any]:
    """The document `refresh_peers` would write, without writing it."""
    moment = now or datetime.now(UTC)
    return peers_document(businesses(source, content, moment), content, moment)


def refresh_peers(
    source: ProgressSource, table: Any, content: Content, now: datetime | None = None
) -> dict[str, Any]:
    """Recompute the peers' medians from `source` and put them in `table` (a boto3 DynamoDB
    `Table` resource: `put_item(Item=…)`) as one item; returns the document written.

    Needs `dynamodb:Query` on the table and its index gsi1 (the source) and
    `dynamodb:PutItem` on the key `AGG#peers`."""
    doc = businesses_document(source, content, now)
    table.put_item(Item=peers_item(doc))
    return doc
