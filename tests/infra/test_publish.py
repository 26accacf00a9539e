"""infra/publish.py against moto: S3 (uploads, their headers, stale files), CloudFront
(moto records invalidations) and CloudFormation (the stack's outputs and its
content-version tag). `sam` and the builds are a recording fake: the fake `sam deploy`
updates the moto stack with the tags it is given, as the real one does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from infra_template import infra_module, template
from moto import mock_aws

publish = infra_module("publish")

REGION = "ca-central-1"
STACK = "vnb-staging"
BUCKET = "vnb-staging-sitebucket-test"
ENV = {
    "DOMAIN_NAME": "essai.viragenumeriquebleu.example",
    "CERTIFICATE_ARN": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "ALARM_EMAIL": "alertes@viragenumeriquebleu.example",
    "MAIL_SENDER": "ne-pas-repondre@viragenumeriquebleu.example",
}
HTML = "text/html; charset=utf-8"
SHORT = "public, max-age=300"
LONG = "public, max-age=31536000, immutable"

# A site as the build lays it out (names from a real build), and what each file must get.
SITE: dict[str, tuple[str, str]] = {
    "index.html": (HTML, SHORT),
    "fr/index.html": (HTML, SHORT),
    "en/index.html": (HTML, SHORT),
    "fr/404.html": (HTML, SHORT),
    "fr/inscription/index.html": (HTML, SHORT),
    "fr/assets/stylesheets/main.57a0d79d.min.css": ("text/css; charset=utf-8", LONG),
    "fr/assets/stylesheets/main.57a0d79d.min.css.map": ("application/json; charset=utf-8", LONG),
    "fr/assets/stylesheets/palette.fb2fffe2.min.css": ("text/css; charset=utf-8", LONG),
    "fr/assets/javascripts/bundle.a5f9d56c.min.js": ("text/javascript; charset=utf-8", LONG),
    "en/assets/javascripts/workers/search.973d3a69.min.js": (
        "text/javascript; charset=utf-8",
        LONG,
    ),
    "fr/assets/javascripts/lunr/min/lunr.fr.min.js": ("text/javascript; charset=utf-8", SHORT),
    "fr/assets/vnb.css": ("text/css; charset=utf-8", SHORT),
    "fr/assets/vnb-forms.js": ("text/javascript; charset=utf-8", SHORT),
    "fr/assets/favicon.svg": ("image/svg+xml", SHORT),
    "fr/assets/social.png": ("image/png", SHORT),
    "fr/feed.xml": ("application/atom+xml; charset=utf-8", SHORT),
    "sitemap.xml": ("application/xml; charset=utf-8", SHORT),
    "sitemap.xml.gz": ("application/gzip", SHORT),
    "robots.txt": ("text/plain; charset=utf-8", SHORT),
    "content-version.txt": ("text/plain; charset=utf-8", SHORT),
}


def body(key: str) -> bytes:
    return f"<!-- {key} -->".encode()


# ---------------------------------------------------------------- the fakes


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)

    def advance(self, minutes: float) -> None:
        self.moment += timedelta(minutes=minutes)


def stack_template(code: str) -> str:
    """A stand-in for the packaged template: the code's version makes each deploy a change."""
    return json.dumps(
        {
            "Parameters": {"Bucket": {"Type": "String"}, "Distribution": {"Type": "String"}},
            "Resources": {
                "FunctionCode": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Name": "/vnb/function-code", "Type": "String", "Value": code},
                }
            },
            "Outputs": {
                "SiteBucketName": {"Value": {"Ref": "Bucket"}},
                "DistributionId": {"Value": {"Ref": "Distribution"}},
            },
        }
    )


@dataclass
class Builds:
    """The runner: fake site build, bundle and `sam`, each command recorded."""

    repo: Path
    site: dict[str, bytes]
    site_version: str | None
    bundle_version: str | None
    deploy_applies_tags: bool = True
    commands: list[list[str]] = field(default_factory=list)
    # The figures snapshot each site build found in build/progress/ (None: none).
    snapshots: list[bytes | None] = field(default_factory=list)

    def __call__(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        command = list(command)
        self.commands.append(command)
        if command[1:4] == ["-m", "sitebuild", "build"]:
            assert env["SITE_URL"] == f"https://{ENV['DOMAIN_NAME']}/"
            snapshot = self.repo / "build" / "progress" / "snapshot.json"
            self.snapshots.append(snapshot.read_bytes() if snapshot.exists() else None)
            self._write(self.repo / "build" / "site", self.site, self.site_version)
        elif command[1:2] == ["infra/bundle.py"]:
            self._write(
                self.repo / "build" / "lambda", {"forms_api/x.py": b""}, self.bundle_version
            )
        elif command[:2] == ["sam", "deploy"] and self.deploy_applies_tags:
            tags = command[command.index("--tags") + 1 :]
            cloudformation = boto3.client("cloudformation", region_name=REGION)
            try:
                cloudformation.update_stack(
                    StackName=STACK,
                    TemplateBody=stack_template(str(self.bundle_version)),
                    Parameters=[
                        {"ParameterKey": "Bucket", "UsePreviousValue": True},
                        {"ParameterKey": "Distribution", "UsePreviousValue": True},
                    ],
                    Tags=[{"Key": k, "Value": v} for k, v in (t.split("=", 1) for t in tags)],
                )
            except ClientError as error:  # samconfig: fail_on_empty_changeset = false
                if "No updates are to be performed" not in str(error):
                    raise

    @staticmethod
    def _write(folder: Path, files: dict[str, bytes], version: str | None) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        for key, data in files.items():
            (folder / key).parent.mkdir(parents=True, exist_ok=True)
            (folder / key).write_bytes(data)
        folder.mkdir(parents=True, exist_ok=True)
        if version is not None:
            (folder / "content-version.txt").write_text(version + "\n", encoding="utf-8")

    def ran(self, *prefix: str) -> bool:
        return any(command[: len(prefix)] == list(prefix) for command in self.commands)


class RecordingCloud(publish.Boto3Cloud):  # type: ignore[misc,name-defined]
    """The real adapter on moto, noting the order of the uploads."""

    def __init__(self) -> None:
        super().__init__(REGION)
        self.uploaded: list[str] = []

    def upload(self, bucket: str, file: Any) -> None:
        super().upload(bucket, file)
        self.uploaded.append(file.key)


@dataclass
class World:
    repo: Path
    builds: Builds
    cloud: RecordingCloud
    clock: Clock
    distribution: str
    s3: Any
    cloudfront: Any

    def publish(self, **options: Any) -> Any:
        return publish.publish(
            publish.load_target("staging", ENV),
            publish.Options(repo=self.repo, **options),
            cloud=self.cloud,
            runner=self.builds,
            env={"PATH": "/usr/bin"},
            now=self.clock.now,
            sleep=self.clock.sleep,
        )

    def objects(self) -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {item["Key"] for item in listed}

    def invalidations(self) -> list[dict[str, Any]]:
        listed = self.cloudfront.list_invalidations(DistributionId=self.distribution)
        return [
            self.cloudfront.get_invalidation(DistributionId=self.distribution, Id=i["Id"])[
                "Invalidation"
            ]
            for i in listed["InvalidationList"].get("Items", [])
        ]

    def deployed_version(self) -> str | None:
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        (stack,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
        return {t["Key"]: t["Value"] for t in stack.get("Tags", [])}.get("content-version")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "test",
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "site",
                            "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                },
            }
        )["Distribution"]["Id"]
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName=STACK,
            TemplateBody=stack_template("first"),
            Parameters=[
                {"ParameterKey": "Bucket", "ParameterValue": BUCKET},
                {"ParameterKey": "Distribution", "ParameterValue": distribution},
            ],
            Tags=[{"Key": "project", "Value": "virage-numerique-bleu"}],
        )
        repo = tmp_path / "repo"
        builds = Builds(repo, {k: body(k) for k in SITE if k != "content-version.txt"}, "v1", "v1")
        yield World(repo, builds, RecordingCloud(), Clock(), distribution, s3, cloudfront)


# ---------------------------------------------------------------- one publication


def test_each_kind_of_file_is_uploaded_with_its_type_and_cache(world: World) -> None:
    report = world.publish(yes=True)
    assert report.uploaded == len(SITE)
    assert world.objects() == set(SITE)
    for key, (content_type, cache_control) in SITE.items():
        head = world.s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), key
    page = world.s3.get_object(Bucket=BUCKET, Key="fr/index.html")["Body"].read()
    assert page == body("fr/index.html")
    version = world.s3.get_object(Bucket=BUCKET, Key="content-version.txt")["Body"].read()
    assert version.decode().strip() == "v1"


def test_assets_go_up_before_the_pages_and_the_version_last(world: World) -> None:
    world.publish(yes=True)
    order = world.cloud.uploaded
    first_page = min(order.index(k) for k in SITE if k.endswith(".html"))
    last_asset = max(order.index(k) for k in SITE if not k.endswith((".html", ".txt")))
    assert last_asset < first_page
    assert order[-1] == "content-version.txt"


def test_the_stack_is_deployed_before_the_site_and_tagged_with_the_content(world: World) -> None:
    world.publish(yes=True)
    names = [" ".join(c[:2]) if c[0] == "sam" else c[1] for c in world.builds.commands]
    assert names == [
        "-m",
        "infra/bundle.py",
        "infra/edge_function.py",
        "sam build",
        "sam deploy",
    ]
    deploy = world.builds.commands[-1]
    assert "--no-confirm-changeset" in deploy
    tags = deploy[deploy.index("--tags") + 1 :]
    # samconfig's own tags are kept: --tags replaces them.
    assert set(tags) == {
        "project=virage-numerique-bleu",
        "environment=staging",
        "content-version=v1",
    }
    overrides = deploy[deploy.index("--parameter-overrides") + 1 : deploy.index("--tags")]
    assert "Environment=staging" in overrides
    assert f"DomainName={ENV['DOMAIN_NAME']}" in overrides
    assert world.deployed_version() == "v1"


def test_one_invalidation_of_everything_is_requested(world: World) -> None:
    report = world.publish(yes=True)
    (invalidation,) = world.invalidations()
    assert invalidation["Id"] == report.invalidation
    assert invalidation["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_the_page_is_built_from_the_deployed_figures_never_from_a_local_snapshot(
    world: World,
) -> None:
    # A synthetic seed left in build/ by the preview must not be published.
    local = world.repo / "build" / "progress" / "snapshot.json"
    local.parent.mkdir(parents=True)
    local.write_bytes(b'{"synthetic": true}')
    world.publish(yes=True)
    assert world.builds.snapshots == [None]

    # After the numbers function's first night, the next publication builds from its figures.
    nightly = b'{"synthetic": false, "as_of": "2026-12-01T07:15:00Z"}'
    world.s3.put_object(Bucket=BUCKET, Key="progress/snapshot.json", Body=nightly)
    world.publish(yes=True)
    assert world.builds.snapshots[-1] == nightly
    # …and the function's own files are never swept as stale.
    world.clock.advance(60)
    report = world.publish(skip_deploy=True)
    assert "progress/snapshot.json" not in report.marked + report.deleted
    assert "progress/snapshot.json" in world.objects()


def test_the_open_data_files_have_one_type_whoever_uploads_them() -> None:
    # The site build writes them when a snapshot was deployed; the nightly numbers function
    # rewrites them: publication must know them, with the type the function gives.
    from progress.opendata import CONTENT_TYPES, JSON_FILE, MATURITY_CSV, REGIONS_CSV

    for name in (REGIONS_CSV, MATURITY_CSV, JSON_FILE):
        suffix = "." + name.rsplit(".", 1)[1]
        assert publish.content_type(f"fr/chiffres/{name}") == CONTENT_TYPES[suffix], name


def test_production_builds_a_release_and_staging_uses_samconfigs_default() -> None:
    production = publish.load_target("production", ENV)
    staging = publish.load_target("staging", ENV)
    options = publish.Options()
    assert "--release" in publish.build_commands(production, options)[0]
    assert "--release" not in publish.build_commands(staging, options)[0]
    assert (production.stack_name, staging.stack_name) == ("vnb-production", "vnb-staging")
    deploy = publish.deploy_commands(staging, "v1", options, "arn:aws:iam::1:role/cfn")[1]
    assert deploy[:4] == ["sam", "deploy", "--config-env", "default"]
    assert deploy[deploy.index("--role-arn") + 1] == "arn:aws:iam::1:role/cfn"
    assert "--no-confirm-changeset" not in deploy  # a person at the keyboard confirms


def test_missing_stack_parameters_are_named() -> None:
    with pytest.raises(publish.PublishError, match="CERTIFICATE_ARN, ALARM_EMAIL"):
        publish.load_target("staging", {"DOMAIN_NAME": "x.example", "MAIL_SENDER": "a@b.c"})


# ---------------------------------------------------------------- versions


def test_refused_when_the_bundle_holds_other_content(world: World) -> None:
    world.builds.bundle_version = "v0"
    with pytest.raises(publish.VersionMismatch, match=r"v1.*v0"):
        world.publish(yes=True)
    assert not world.builds.ran("sam")
    assert world.objects() == set()
    assert world.invalidations() == []


def test_refused_when_the_deployed_functions_hold_other_content(world: World) -> None:
    world.publish(yes=True)  # functions and site at v1
    world.builds.site_version = "v2"
    world.builds.site = {**world.builds.site, "fr/index.html": b"v2"}
    with pytest.raises(publish.VersionMismatch, match=r"Publication refused.*v2.*v1"):
        world.publish(skip_deploy=True)
    assert world.s3.get_object(Bucket=BUCKET, Key="fr/index.html")["Body"].read() != b"v2"
    assert len(world.invalidations()) == 1


def test_refused_when_the_deploy_did_not_leave_the_sites_version(world: World) -> None:
    # e.g. someone else's deploy of other content landed in between
    world.builds.deploy_applies_tags = False
    with pytest.raises(publish.VersionMismatch, match="deployed functions"):
        world.publish(yes=True)
    assert world.objects() == set()


def test_the_site_again_for_the_version_deployed(world: World) -> None:
    world.publish(yes=True)
    world.builds.commands.clear()
    world.publish(skip_deploy=True)
    assert not world.builds.ran("sam")
    assert not any("infra/bundle.py" in c for c in world.builds.commands)
    assert len(world.invalidations()) == 2


def test_refused_without_the_sites_version_stamp(world: World) -> None:
    world.builds.site_version = None
    with pytest.raises(publish.VersionMismatch, match=r"content-version\.txt is missing"):
        world.publish(yes=True)
    assert not world.builds.ran("sam")


def test_refused_on_a_file_of_unknown_kind(world: World) -> None:
    world.builds.site = {**world.builds.site, "fr/rapport.docx": b"?"}
    with pytest.raises(publish.PublishError, match=r"fr/rapport\.docx"):
        world.publish(yes=True)
    assert world.objects() == set()


# ---------------------------------------------------------------- stale files

OLD_BUNDLE = "fr/assets/javascripts/bundle.00000000.min.js"
OLD_PAGE = "fr/ancienne-page/index.html"


def publish_then_drop(world: World, *keys: str) -> None:
    """Publish v1 with `keys`, then v2 without them."""
    world.builds.site = {**world.builds.site, **{k: body(k) for k in keys}}
    world.publish(yes=True)
    world.builds.site = {k: v for k, v in world.builds.site.items() if k not in keys}
    world.builds.site_version = world.builds.bundle_version = "v2"
    world.clock.advance(1)
    world.publish(yes=True)


def stale_tag(world: World, key: str) -> str | None:
    tags = world.s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in tags}.get("vnb-stale-since")


def test_stale_files_stay_for_the_grace_period_then_go(world: World) -> None:
    publish_then_drop(world, OLD_BUNDLE, OLD_PAGE)
    marked_at = world.clock.now()
    assert {OLD_BUNDLE, OLD_PAGE} <= world.objects()  # cached pages still name the old bundle
    assert stale_tag(world, OLD_BUNDLE) == marked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stale_tag(world, "fr/index.html") is None

    world.clock.advance(19)
    report = world.publish(skip_deploy=True)
    assert report.deleted == []
    assert {OLD_BUNDLE, OLD_PAGE} <= world.objects()
    assert stale_tag(world, OLD_BUNDLE) == marked_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # not reset

    world.clock.advance(2)
    report = world.publish(skip_deploy=True)
    assert sorted(report.deleted) == sorted([OLD_BUNDLE, OLD_PAGE])
    assert world.objects() == set(SITE)


def test_a_file_that_comes_back_is_no_longer_stale(world: World) -> None:
    publish_then_drop(world, OLD_PAGE)
    assert stale_tag(world, OLD_PAGE) is not None
    world.builds.site = {**world.builds.site, OLD_PAGE: body(OLD_PAGE)}
    world.publish(skip_deploy=True)
    assert stale_tag(world, OLD_PAGE) is None
    world.clock.advance(60)
    report = world.publish(skip_deploy=True)
    assert report.deleted == []
    assert OLD_PAGE in world.objects()


def test_wait_deletes_stale_files_in_the_same_run_after_the_grace(world: World) -> None:
    world.builds.site = {**world.builds.site, OLD_PAGE: body(OLD_PAGE)}
    world.publish(yes=True)
    world.builds.site.pop(OLD_PAGE)
    report = world.publish(yes=True, wait=True, grace=timedelta(minutes=15))
    assert report.deleted == [OLD_PAGE]
    assert OLD_PAGE not in world.objects()
    assert sum(world.clock.slept) >= 15 * 60


def test_wait_does_not_wait_when_nothing_is_stale(world: World) -> None:
    world.publish(yes=True, wait=True)
    assert world.clock.slept == []


def test_prune_only_deletes_what_is_due_and_marks_nothing(world: World) -> None:
    publish_then_drop(world, OLD_PAGE)
    # An object the build never had and no publication marked: prune leaves it alone.
    world.s3.put_object(Bucket=BUCKET, Key="manual.txt", Body=b"x")
    target = publish.load_target("staging", {}, parameters_required=False)
    early = publish.prune(target, publish.DEFAULT_GRACE, cloud=world.cloud, now=world.clock.now)
    assert early.deleted == [] and early.marked == []
    world.clock.advance(25)
    late = publish.prune(target, publish.DEFAULT_GRACE, cloud=world.cloud, now=world.clock.now)
    assert late.deleted == [OLD_PAGE]
    assert "manual.txt" in world.objects()
    assert stale_tag(world, "manual.txt") is None


# ---------------------------------------------------------------- agreement with the rest


def test_the_cache_rules_are_the_templates() -> None:
    resources = template()["Resources"]
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    long_patterns = {
        b["PathPattern"]
        for b in config["CacheBehaviors"]
        if b["CachePolicyId"] == {"Ref": "FingerprintedCachePolicy"}
    }
    assert set(publish.FINGERPRINTED_PATTERNS) == long_patterns

    def cache_header(policy: str) -> str:
        items = resources[policy]["Properties"]["ResponseHeadersPolicyConfig"][
            "CustomHeadersConfig"
        ]["Items"]
        (value,) = [i["Value"] for i in items if i["Header"] == "Cache-Control"]
        return str(value)

    assert cache_header("FingerprintedHeadersPolicy") == publish.LONG_CACHE
    assert cache_header("PageHeadersPolicy") == publish.SHORT_CACHE
    page_ttl = resources["PageCachePolicy"]["Properties"]["CachePolicyConfig"]["DefaultTTL"]
    assert f"max-age={page_ttl}" in publish.SHORT_CACHE
    # The grace period outlasts a page kept by a browser after the invalidation.
    assert timedelta(seconds=2 * page_ttl) < publish.DEFAULT_GRACE


@pytest.mark.slow
def test_every_file_of_the_real_build_has_a_known_type(built_site: Path) -> None:
    files = {f.key: f for f in publish.site_files(built_site)}
    assert len(files) == sum(1 for p in built_site.rglob("*") if p.is_file())
    bundles = [k for k in files if "/assets/javascripts/bundle." in k]
    assert bundles
    assert all(files[k].cache_control == LONG for k in bundles)
    pages = [k for k in files if k.endswith(".html")]
    assert all(files[k].content_type == HTML and files[k].cache_control == SHORT for k in pages)


def test_the_command_line_names_missing_parameters(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOMAIN_NAME", raising=False)
    assert publish.main(["staging"]) == 2
    assert "DOMAIN_NAME" in capsys.readouterr().err
