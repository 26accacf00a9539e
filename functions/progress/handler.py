"""The numbers function: every night, « Le programme en chiffres » is recounted and
republished (docs/decisions/2026-12-01-program-in-numbers.md).

A scheduled function, not a stream consumer: the figures are a recount from scratch (Query
only, no Scan, no personal data read), so a retry, a replay or two runs at once give the
same figures, and an erased business is gone from the next run without any bookkeeping.
The peers' medians the assessment result compares with are rewritten from the same reading.
The figures part of each language's published page is replaced (`progress.figures`): the
header, menu, footer and data dictionary stay as the site build wrote them, the page stays
static (no script, no fetch: the Content-Security-Policy and the page weight don't change).
The open-data files next to the page are rewritten, the snapshot is kept for the next
publication of the site (`infra/publish.py` builds the page from it), and CloudFront is
asked to forget the old copies.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from content_model import LANGUAGES, Content, Language, load_content
from pydantic import BaseModel, ConfigDict, Field

from progress.aggregates import tally
from progress.figures import page_folder, render, replace_figures
from progress.opendata import CONTENT_TYPES, files, parse_snapshot, view
from progress.peer_refresh import peers_document, peers_item
from progress.recount import businesses, snapshot
from progress.source import DynamoProgressSource

logger = Logger(service="numbers")

_REPO_CONTENT = Path(__file__).resolve().parents[2] / "content" / "data"
# Where the last snapshot is kept in the site bucket: figures only, already suppressed.
SNAPSHOT_KEY = "progress/snapshot.json"


class NumbersSettings(BaseModel):
    """Read once from the environment (each field from its name in capitals)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3)
    site_bucket: str = Field(min_length=3)
    # Empty: no CDN in front (the local mode, the tests).
    distribution_id: str = ""
    content_data_dir: Path = _REPO_CONTENT

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> NumbersSettings:
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        return cls.model_validate(values)


@dataclass
class Republished:
    as_of: str
    businesses: int
    keys: list[str] = field(default_factory=list)
    invalidation: str | None = None


def page_key(content: Content, lang: Language) -> str:
    return page_folder(content, lang).lstrip("/") + "index.html"


def republish(
    *,
    table: Any,
    s3: Any,
    cloudfront: Any | None,
    bucket: str,
    distribution_id: str,
    content: Content,
    now: datetime,
) -> Republished:
    """Recount, write the peers' medians (one item, `AGG#peers`), then write the figures
    where the site serves them. Idempotent: every write is a whole item or object."""
    # One reading for both: the public figures and the peers' medians the result pages show.
    found = businesses(DynamoProgressSource(table), content, now)
    table.put_item(Item=peers_item(peers_document(found, content, now)))
    tally_ = tally(found)
    document = snapshot(tally_, content, now)
    figures = parse_snapshot(document)
    done = Republished(as_of=document["as_of"], businesses=sum(tally_.registrations.values()))
    for lang in LANGUAGES:
        key = page_key(content, lang)
        page = s3.get_object(Bucket=bucket, Key=key)
        html = page["Body"].read().decode("utf-8")
        shown = {**view(figures, content, lang), "folder": page_folder(content, lang)}
        updated = replace_figures(html, render(shown, content, lang))
        # The headers publication gave the page (type, caching) are kept for every file.
        headers = {"CacheControl": page.get("CacheControl", "public, max-age=300")}
        folder = key.removesuffix("index.html")
        for name, body in files(figures, content).items():
            kind = CONTENT_TYPES["." + name.rsplit(".", 1)[1]]
            s3.put_object(Bucket=bucket, Key=folder + name, Body=body, ContentType=kind, **headers)
            done.keys.append(folder + name)
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=updated.encode("utf-8"),
            ContentType=page.get("ContentType", "text/html; charset=utf-8"),
            **headers,
        )
        done.keys.append(key)
    s3.put_object(
        Bucket=bucket,
        Key=SNAPSHOT_KEY,
        Body=(json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        ContentType="application/json",
        CacheControl="no-store",
    )
    if cloudfront is not None and distribution_id:
        paths = sorted({"/" + key.rsplit("/", 1)[0] + "/*" for key in done.keys})
        answer = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                # One invalidation per snapshot: a retried run asks for the same one.
                "CallerReference": f"numbers-{document['as_of']}",
            },
        )
        done.invalidation = answer["Invalidation"]["Id"]
    return done


@lru_cache(maxsize=1)
def _clients() -> tuple[NumbersSettings, Any, Any, Any]:
    import boto3

    settings = NumbersSettings.from_environment()
    table = boto3.resource("dynamodb").Table(settings.table_name)
    cloudfront = boto3.client("cloudfront") if settings.distribution_id else None
    return settings, table, boto3.client("s3"), cloudfront


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings, table, s3, cloudfront = _clients()
    done = republish(
        table=table,
        s3=s3,
        cloudfront=cloudfront,
        bucket=settings.site_bucket,
        distribution_id=settings.distribution_id,
        content=load_content(settings.content_data_dir),
        now=datetime.now(UTC),
    )
    # Counts and codes only: the figures hold no personal data, the log neither.
    logger.info(
        "figures republished",
        extra={"as_of": done.as_of, "businesses": done.businesses, "files": len(done.keys)},
    )
    return {"as_of": done.as_of, "businesses": done.businesses, "keys": done.keys}
