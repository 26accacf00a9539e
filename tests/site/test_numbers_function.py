"""The nightly numbers function against moto (DynamoDB, S3, CloudFront) and the real site
build: it writes the peers' medians; the page it republishes is byte for byte the page the
site build writes from the same snapshot, its files are the build's files, a retry changes
nothing, and an erased business leaves the figures at the next run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from content_model import load_content
from forms_support import TABLES
from progress import figures
from progress.handler import SNAPSHOT_KEY, page_key, republish
from progress.opendata import CONTENT_TYPES
from progress.peer_refresh import businesses_document
from progress.seed import population
from progress.source import DynamoProgressSource
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings
from sitetests import SITE_URL, BuiltSite

pytestmark = pytest.mark.slow

BUCKET = "test-site-bucket"
NOW = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
CONTENT = load_content(REPO_ROOT / "content" / "data")


def distribution(cloudfront: Any) -> str:
    """A distribution in moto, to invalidate."""
    origin = {"Id": "site", "DomainName": f"{BUCKET}.s3.ca-central-1.amazonaws.com"}
    config = {
        "CallerReference": "test",
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [{**origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
        },
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "https-only"},
    }
    identifier: str = cloudfront.create_distribution(DistributionConfig=config)["Distribution"][
        "Id"
    ]
    return identifier


def invalidations(cloudfront: Any, identifier: str) -> list[dict[str, Any]]:
    listed = cloudfront.list_invalidations(DistributionId=identifier)["InvalidationList"]
    return [
        cloudfront.get_invalidation(DistributionId=identifier, Id=item["Id"])["Invalidation"][
            "InvalidationBatch"
        ]
        for item in listed.get("Items", [])
    ]


@dataclass
class Published:
    """The function's world: its table, its bucket, its distribution."""

    table: Any
    s3: Any
    cloudfront: Any
    distribution: str

    def run(self) -> Any:
        return republish(
            table=self.table,
            s3=self.s3,
            cloudfront=self.cloudfront,
            bucket=BUCKET,
            distribution_id=self.distribution,
            content=CONTENT,
            now=NOW,
        )

    def object(self, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return body

    def invalidations(self) -> list[dict[str, Any]]:
        return invalidations(self.cloudfront, self.distribution)


@pytest.fixture
def published(dynamodb: Any, site: BuiltSite) -> Published:
    """A table holding a synthetic population, a bucket holding the site's numbers pages as
    publication uploads them (built without a snapshot: « not available yet »)."""
    table = boto3.resource("dynamodb", region_name="ca-central-1").Table(TABLES["ProgramTable"])
    with table.batch_writer() as batch:
        for item in population(CONTENT, 400, seed=11):
            batch.put_item(Item={k: v for k, v in item.items() if v is not None})
    s3 = boto3.client("s3", region_name="ca-central-1")
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"}
    )
    for lang in ("fr", "en"):
        key = page_key(CONTENT, lang)
        s3.put_object(
            Bucket=BUCKET,
            Key=key,
            Body=(site.root / key).read_bytes(),
            ContentType="text/html; charset=utf-8",
            CacheControl="public, max-age=300",
        )
    cloudfront = boto3.client("cloudfront", region_name="us-east-1")
    return Published(table, s3, cloudfront, distribution(cloudfront))


def test_the_republished_page_is_the_page_the_build_writes(
    published: Published, site: BuiltSite, tmp_path: Path
) -> None:
    done = published.run()
    assert done.businesses > 100
    # The peers' medians from the same reading: one item, what `python -m progress peers`
    # writes.
    peers = published.table.get_item(Key={"pk": "AGG#peers", "sk": "AGG"})["Item"]
    expected = businesses_document(DynamoProgressSource(published.table), CONTENT, NOW)
    assert peers["groups"] == json.loads(json.dumps(expected["groups"]), parse_float=Decimal)

    # The site built from the snapshot the function kept: the same page, the same files.
    out = tmp_path / "build"
    (out / "progress").mkdir(parents=True)
    (out / "progress" / "snapshot.json").write_bytes(published.object(SNAPSHOT_KEY))
    build(BuildSettings(site_url=SITE_URL, out_dir=out))
    for lang in ("fr", "en"):
        key = page_key(CONTENT, lang)
        page = published.object(key).decode("utf-8")
        assert page == (out / "site" / key).read_text(encoding="utf-8"), lang
        assert 'id="numbers-unavailable"' not in page and "<svg" in page
        # Outside the figures part, every byte is what publication uploaded.
        before = (site.root / key).read_text(encoding="utf-8")
        assert before.split(figures.START)[0] == page.split(figures.START)[0]
        assert before.split(figures.END)[1] == page.split(figures.END)[1]
        folder = key.removesuffix("index.html")
        written = sorted(k for k in done.keys if k.startswith(folder) and k != key)
        built = (out / "site" / folder).iterdir()
        assert written == sorted(folder + p.name for p in built if p.name != "index.html")
        for name in written:
            assert published.object(name) == (out / "site" / name).read_bytes(), name
            head = published.s3.head_object(Bucket=BUCKET, Key=name)
            assert head["ContentType"] in CONTENT_TYPES.values(), name
        head = published.s3.head_object(Bucket=BUCKET, Key=key)
        assert head["CacheControl"] == "public, max-age=300"

    (batch,) = published.invalidations()
    assert sorted(batch["Paths"]["Items"]) == ["/en/numbers/*", "/fr/chiffres/*"]


def test_a_retry_changes_nothing_and_asks_for_the_same_invalidation(
    published: Published,
) -> None:
    first = {k: published.object(k) for k in published.run().keys}
    again = {k: published.object(k) for k in published.run().keys}
    assert first == again
    references = {batch["CallerReference"] for batch in published.invalidations()}
    assert references == {f"numbers-{NOW.strftime('%Y-%m-%dT%H:%M:%SZ')}"}


def test_an_erased_business_leaves_the_figures_at_the_next_run(published: Published) -> None:
    before = published.run().businesses
    document = json.loads(published.object("fr/chiffres/chiffres.json"))
    # Erase one counted registration with everything in its partition (what
    # `python -m staff privacy erase` removes).
    table = published.table
    counted = next(
        item
        for item in table.scan()["Items"]
        if item.get("kind") == "registration" and item.get("status") == "confirmed"
    )
    for item in table.query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": counted["pk"]}
    )["Items"]:
        table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    assert published.run().businesses == before - 1
    after = json.loads(published.object("fr/chiffres/chiffres.json"))
    assert after["total"]["registrations"] in (None, document["total"]["registrations"] - 1)


def test_replacing_the_figures_needs_exactly_one_figures_part() -> None:
    page = f"<main>{figures.START}old{figures.END}</main>"
    new = f"{figures.START}new{figures.END}"
    assert figures.replace_figures(page, new) == f"<main>{new}</main>"
    for broken in ("<main></main>", page + page, f"<main>{figures.END}{figures.START}</main>"):
        with pytest.raises(figures.NoFiguresPart):
            figures.replace_figures(broken, "new")
