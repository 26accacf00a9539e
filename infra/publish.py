"""Publish one environment: the forms functions' stack and the site, together, in order.

    python infra/publish.py staging                  # what `make publish ENV=staging` runs
    python infra/publish.py production --yes --wait  # CI: no changeset prompt, then prune
    python infra/publish.py production --skip-deploy # the site again, for the deployed version
    python infra/publish.py production --prune-only  # delete files stale for the grace period

1. Build the site for `https://$DOMAIN_NAME/` (`--release` in production) and the Lambda
   bundle (`infra/bundle.py`). Each writes `content-version.txt`: the content they were
   built from. They must agree, or nothing is deployed.
2. `sam build` and `sam deploy` (settings in `infra/samconfig.toml`), the stack tagged
   `content-version=<version>`: the stack's tag is how the deployed functions' content is
   known later (CloudFormation rolls the tag back with a failed deploy).
3. Read the stack: its `SiteBucketName` and `DistributionId` outputs and that tag. The
   site is refused unless its version is the deployed functions' (pages must never
   name questions, branches or phases the functions don't know).
4. Upload every file with its Content-Type and Cache-Control (content-hashed bundles a
   year, the rest 5 minutes, as the template's CloudFront behaviours say): assets first,
   pages after, `content-version.txt` last.
5. Invalidate `/*` at CloudFront.
6. Files of the bucket that the build no longer has are tagged `vnb-stale-since` and
   deleted only once that is `--grace-minutes` old (default 20): a page cached before the
   publication (5 minutes in browsers, until the invalidation at the edge) still names
   the previous bundles. A file that comes back loses its tag (a new upload has none).
   The deletion happens at the next publication, at `--prune-only`, or, with `--wait`,
   in the same run once the grace period is over.

Stack parameters come from the environment (GitHub environment variables in CI):
DOMAIN_NAME, CERTIFICATE_ARN, ALARM_EMAIL, MAIL_SENDER (required), EDGE_WEB_ACL_ARN,
BRANCH_NOTICE_FALLBACK (optional), CLOUDFORMATION_ROLE_ARN (the role CloudFormation
deploys with, `infra/deploy-role.yaml`; without it, the caller's own permissions).
LAMBDA_PYTHON=/path/to/python3.13 adds bytecode to the bundle.

boto3 is imported by the AWS adapter only (`Boto3Cloud`), and its clients are made on
first use; the commands run through a `Runner`: tests give fakes of both.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "infra"
SAMCONFIG = INFRA / "samconfig.toml"
ENVIRONMENTS = ("staging", "production")
VERSION_FILE = "content-version.txt"
VERSION_TAG = "content-version"
STALE_TAG = "vnb-stale-since"
DEFAULT_GRACE = timedelta(minutes=20)
# The nightly numbers function's own files in the bucket (progress/handler.py): the last
# snapshot of « Le programme en chiffres », from which each publication builds the page.
NUMBERS_PREFIX = "progress/"
NUMBERS_SNAPSHOT = NUMBERS_PREFIX + "snapshot.json"

# What infra/template.yaml's CloudFront behaviours say (tests/infra/test_publish.py keeps
# these equal to the FingerprintedCachePolicy path patterns and the two headers policies).
# CloudFront's `*` matches any characters, `/` included, as fnmatch's does.
FINGERPRINTED_PATTERNS = (
    "/*/assets/javascripts/bundle.*",
    "/*/assets/javascripts/workers/*",
    "/*/assets/stylesheets/main.*",
    "/*/assets/stylesheets/palette.*",
)
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"

# Content types by suffix, written out rather than taken from the machine's
# /etc/mime.types (CI and a laptop must publish the same headers). A file of any other
# kind stops the publication: a wrong type is worse than a missing file.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    # « Le programme en chiffres »' open data (progress/opendata.py CONTENT_TYPES).
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    # sitemap.xml.gz is a gzip file (no Content-Encoding: crawlers want the archive).
    ".gz": "application/gzip",
    # Pagefind's index files (already compressed by Pagefind).
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}
# Names whose type is not their suffix's.
CONTENT_TYPES_BY_NAME = {"feed.xml": "application/atom+xml; charset=utf-8"}

# The template's parameters, from the environment: name → (variable, required).
STACK_PARAMETERS = {
    "DomainName": ("DOMAIN_NAME", True),
    "CertificateArn": ("CERTIFICATE_ARN", True),
    "AlarmEmail": ("ALARM_EMAIL", True),
    "MailSender": ("MAIL_SENDER", True),
    "EdgeWebAclArn": ("EDGE_WEB_ACL_ARN", False),
    "BranchNoticeFallback": ("BRANCH_NOTICE_FALLBACK", False),
}
# A stack tag value (and what a version string may reasonably hold).
VERSION_PATTERN = re.compile(r"[A-Za-z0-9._:/=+@-]{1,128}")


class PublishError(Exception):
    """The publication cannot go on; nothing after the failing step was done."""


class VersionMismatch(PublishError):
    """The site and the functions were built from different content."""


# ---------------------------------------------------------------- the files


@dataclass(frozen=True)
class SiteFile:
    key: str
    path: Path
    content_type: str
    cache_control: str

    @property
    def is_page(self) -> bool:
        return self.content_type.startswith("text/html")


def content_type(key: str) -> str | None:
    name = key.rsplit("/", 1)[-1]
    if name in CONTENT_TYPES_BY_NAME:
        return CONTENT_TYPES_BY_NAME[name]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return CONTENT_TYPES.get(suffix)


def cache_control(key: str) -> str:
    path = "/" + key
    if any(fnmatch.fnmatchcase(path, pattern) for pattern in FINGERPRINTED_PATTERNS):
        return LONG_CACHE
    return SHORT_CACHE


def site_files(site_dir: Path) -> list[SiteFile]:
    """Every file of the built site, in upload order: assets, pages, then the version."""
    files: list[SiteFile] = []
    unknown: list[str] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        key = path.relative_to(site_dir).as_posix()
        kind = content_type(key)
        if kind is None:
            unknown.append(key)
            continue
        files.append(SiteFile(key, path, kind, cache_control(key)))
    if unknown:
        raise PublishError(
            "no Content-Type is known for: "
            + ", ".join(unknown)
            + " (add the suffix to CONTENT_TYPES in infra/publish.py)"
        )

    def order(file: SiteFile) -> tuple[int, str]:
        return (2 if file.key == VERSION_FILE else 1 if file.is_page else 0, file.key)

    return sorted(files, key=order)


def check_site(site_dir: Path) -> None:
    """A guard against publishing (and so marking stale) from the wrong folder."""
    required = ["index.html", "fr/index.html", "en/index.html"]
    missing = [name for name in required if not (site_dir / name).is_file()]
    if missing:
        raise PublishError(f"{site_dir} is not a built site: missing {', '.join(missing)}")


def read_version(folder: Path, what: str) -> str:
    path = folder / VERSION_FILE
    if not path.is_file():
        raise VersionMismatch(
            f"{what} n’indique pas sa version du contenu / does not say its content version:"
            f" {path} is missing"
        )
    version = path.read_text(encoding="utf-8").strip()
    if not VERSION_PATTERN.fullmatch(version):
        raise PublishError(f"{path}: {version!r} is not a version string (see VERSION_PATTERN)")
    return version


def require_same_version(site: str, functions: str, functions_are: str) -> None:
    if site != functions:
        raise VersionMismatch(
            f"Publication refusée : le site est construit sur le contenu {site},"
            f" {functions_are} sur {functions}. Publiez les deux ensemble."
            f"\nPublication refused: the site was built from content {site},"
            f" {functions_are} from {functions}. Publish both together."
        )


# ---------------------------------------------------------------- the AWS side


@dataclass(frozen=True)
class Stack:
    outputs: dict[str, str]
    tags: dict[str, str]

    def output(self, key: str) -> str:
        if key not in self.outputs:
            raise PublishError(f"the stack has no {key} output (is it deployed?)")
        return self.outputs[key]


class Cloud(Protocol):
    """What the publication asks of AWS (the boto3 adapter below; fakes in tests)."""

    def stack(self, name: str) -> Stack: ...

    def keys(self, bucket: str) -> list[str]: ...

    def upload(self, bucket: str, file: SiteFile) -> None: ...

    def stale_since(self, bucket: str, key: str) -> datetime | None: ...

    def mark_stale(self, bucket: str, key: str, since: datetime) -> None: ...

    def delete(self, bucket: str, keys: Sequence[str]) -> None: ...

    def invalidate(self, distribution_id: str, paths: Sequence[str], reference: str) -> str: ...

    def deployed_snapshot(self, stack_name: str) -> bytes | None: ...


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unstamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Boto3Cloud:
    """The only part that imports boto3; each client is created on first use."""

    def __init__(self, region: str) -> None:
        self.region = region

    def _client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=self.region)

    @cached_property
    def _cloudformation(self) -> Any:
        return self._client("cloudformation")

    @cached_property
    def _s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def _cloudfront(self) -> Any:
        return self._client("cloudfront")

    def stack(self, name: str) -> Stack:
        (found,) = self._cloudformation.describe_stacks(StackName=name)["Stacks"]
        return Stack(
            outputs={o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])},
            tags={t["Key"]: t["Value"] for t in found.get("Tags", [])},
        )

    def keys(self, bucket: str) -> list[str]:
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def upload(self, bucket: str, file: SiteFile) -> None:
        body = file.path.read_bytes()
        self._s3.put_object(
            Bucket=bucket,
            Key=file.key,
            Body=body,
            ContentType=file.content_type,
            CacheControl=file.cache_control,
            # S3 checks the body against it: a truncated upload fails instead of serving.
            ContentMD5=_content_md5(body),
        )

    def stale_since(self, bucket: str, key: str) -> datetime | None:
        tags = self._s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        marks = [t["Value"] for t in tags if t["Key"] == STALE_TAG]
        return _unstamp(marks[0]) if marks else None

    def mark_stale(self, bucket: str, key: str, since: datetime) -> None:
        self._s3.put_object_tagging(
            Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": STALE_TAG, "Value": _stamp(since)}]}
        )

    def delete(self, bucket: str, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes 1,000 keys at most
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            answer = self._s3.delete_objects(Bucket=bucket, Delete={"Objects": batch})
            if answer.get("Errors"):
                raise PublishError(f"S3 did not delete: {answer['Errors']}")

    def invalidate(self, distribution_id: str, paths: Sequence[str], reference: str) -> str:
        answer = self._cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": reference,
            },
        )
        invalidation_id: str = answer["Invalidation"]["Id"]
        return invalidation_id

    def deployed_snapshot(self, stack_name: str) -> bytes | None:
        """The numbers function's last snapshot; None before the stack or its first run."""
        from botocore.exceptions import ClientError

        try:
            bucket = self.stack(stack_name).outputs.get("SiteBucketName")
            if bucket is None:
                return None
            body: bytes = self._s3.get_object(Bucket=bucket, Key=NUMBERS_SNAPSHOT)["Body"].read()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "404"} or "does not exist" in str(error):
                return None
            raise
        return body


def _content_md5(body: bytes) -> str:

    # MD5 is what S3's Content-MD5 integrity check is defined with (not for security).
    return base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324


# ---------------------------------------------------------------- commands


class Runner(Protocol):
    def __call__(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None: ...


def run_command(command: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
    print("+ " + shlex.join(command), flush=True)
    done = subprocess.run(list(command), cwd=cwd, env=dict(env), check=False)  # noqa: S603
    if done.returncode != 0:
        raise PublishError(f"{command[0]} {command[1] if len(command) > 1 else ''} failed")


@dataclass(frozen=True)
class Target:
    """One environment: its stack (from samconfig.toml) and its stack parameters."""

    environment: str
    stack_name: str
    region: str
    tags: dict[str, str]
    parameters: dict[str, str]

    @property
    def site_url(self) -> str:
        return f"https://{self.parameters['DomainName']}/"


def parse_sam_tags(text: str) -> dict[str, str]:
    """samconfig's `tags = "project=\"x\" environment=\"y\""` as a dict."""
    pairs = (part.split("=", 1) for part in shlex.split(text))
    return {key: value for key, value in pairs}


def load_target(
    environment: str,
    env: Mapping[str, str],
    samconfig: Path = SAMCONFIG,
    *,
    parameters_required: bool = True,
) -> Target:
    if environment not in ENVIRONMENTS:
        raise PublishError(f"environment must be one of {', '.join(ENVIRONMENTS)}")
    config = tomllib.loads(samconfig.read_text(encoding="utf-8"))
    section = "default" if environment == "staging" else environment
    globals_ = config[section]["global"]["parameters"]
    deploy = config[section]["deploy"]["parameters"]
    parameters = {"Environment": environment}
    missing = []
    for name, (variable, required) in STACK_PARAMETERS.items():
        value = env.get(variable, "")
        if value:
            parameters[name] = value
        elif required:
            missing.append(variable)
    if missing and parameters_required:
        raise PublishError("set " + ", ".join(missing) + " (the stack's parameters)")
    return Target(
        environment=environment,
        stack_name=globals_["stack_name"],
        region=globals_["region"],
        tags=parse_sam_tags(deploy.get("tags", "")),
        parameters=parameters,
    )


@dataclass
class Options:
    repo: Path = REPO
    yes: bool = False
    skip_deploy: bool = False
    wait: bool = False
    grace: timedelta = DEFAULT_GRACE
    lambda_python: str | None = None

    @property
    def site_dir(self) -> Path:
        return self.repo / "build" / "site"

    @property
    def bundle_dir(self) -> Path:
        return self.repo / "build" / "lambda"

    @property
    def snapshot_path(self) -> Path:
        """Where the site build reads the figures (`sitebuild.numbers.snapshot_path`)."""
        return self.repo / "build" / NUMBERS_SNAPSHOT


@dataclass
class Sweep:
    """What one pass over the bucket's stale files did."""

    marked: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    next_due: datetime | None = None


@dataclass
class Report:
    version: str = ""
    uploaded: int = 0
    invalidation: str = ""
    sweeps: list[Sweep] = field(default_factory=list)

    @property
    def marked(self) -> list[str]:
        return [key for sweep in self.sweeps for key in sweep.marked]

    @property
    def deleted(self) -> list[str]:
        return [key for sweep in self.sweeps for key in sweep.deleted]

    @property
    def waiting(self) -> list[str]:
        return self.sweeps[-1].waiting if self.sweeps else []

    def summary(self) -> str:
        return (
            f"content {self.version or '-'}: {self.uploaded} files uploaded, invalidation"
            f" {self.invalidation or '-'}; stale files: {len(self.marked)} newly marked,"
            f" {len(self.deleted)} deleted, {len(self.waiting)} left for a later pass"
        )


def build_commands(target: Target, options: Options) -> list[list[str]]:
    python = sys.executable
    site = [python, "-m", "sitebuild", "build"]
    if target.environment == "production":
        site.append("--release")
    bundle = [python, "infra/bundle.py", "build/lambda"]
    if options.lambda_python:
        bundle += ["--compile-with", options.lambda_python]
    # The deployed template: the edge function's code and short links filled in
    # (infra/edge_function.py); `sam` runs beside it, in build/infra.
    template = [python, "infra/edge_function.py", "build/infra"]
    return [site, bundle, template]


def deploy_commands(
    target: Target, version: str, options: Options, role_arn: str | None
) -> list[list[str]]:
    config_env = "default" if target.environment == "staging" else target.environment
    build = ["sam", "build", "--config-env", config_env]
    deploy = ["sam", "deploy", "--config-env", config_env]
    if options.yes:
        deploy.append("--no-confirm-changeset")
    if role_arn:
        deploy += ["--role-arn", role_arn]
    deploy.append("--parameter-overrides")
    deploy += [f"{name}={value}" for name, value in target.parameters.items()]
    # --tags replaces samconfig's tags: all of them, and the content version.
    deploy.append("--tags")
    deploy += [f"{key}={value}" for key, value in {**target.tags, VERSION_TAG: version}.items()]
    return [build, deploy]


def upload_site(cloud: Cloud, bucket: str, files: Iterable[SiteFile]) -> int:
    count = 0
    for file in files:
        cloud.upload(bucket, file)
        count += 1
    return count


def sweep(
    cloud: Cloud, bucket: str, published: set[str] | None, now: datetime, grace: timedelta
) -> Sweep:
    """Mark what the build no longer has, delete what was marked `grace` ago or more.

    `published=None` (prune only) marks nothing and deletes only what is due."""
    result = Sweep()
    due: list[str] = []
    for key in cloud.keys(bucket):
        if published is not None and key in published:
            continue
        if key.startswith(NUMBERS_PREFIX):
            continue  # the numbers function's, not the build's
        since = cloud.stale_since(bucket, key)
        if since is None:
            if published is None:
                continue
            cloud.mark_stale(bucket, key, now)
            result.marked.append(key)
            since = now
        if now - since >= grace:
            due.append(key)
        else:
            result.waiting.append(key)
            ready = since + grace
            result.next_due = ready if result.next_due is None else min(result.next_due, ready)
    if due:
        cloud.delete(bucket, due)
        result.deleted = due
    return result


def _now() -> datetime:
    return datetime.now(UTC)


def take_deployed_snapshot(cloud: Cloud, target: Target, options: Options) -> None:
    """The page is built from the figures the site shows now, never from a snapshot left in
    `build/` by a local recount or a synthetic seed (fictitious figures must not go out)."""
    deployed = cloud.deployed_snapshot(target.stack_name)
    path = options.snapshot_path
    if deployed is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deployed)


def publish(
    target: Target,
    options: Options,
    *,
    cloud: Cloud,
    runner: Runner = run_command,
    env: Mapping[str, str] | None = None,
    now: Callable[[], datetime] = _now,
    sleep: Callable[[float], None] = time.sleep,
) -> Report:
    environ = dict(os.environ if env is None else env)
    report = Report()
    build_env = {**environ, "SITE_URL": target.site_url, "NO_MKDOCS_2_WARNING": "1"}
    take_deployed_snapshot(cloud, target, options)
    commands = build_commands(target, options)
    if options.skip_deploy:
        commands = commands[:1]
    for command in commands:
        runner(command, cwd=options.repo, env=build_env)
    check_site(options.site_dir)
    version = read_version(options.site_dir, "Le site / The site")
    report.version = version
    files = site_files(options.site_dir)

    if not options.skip_deploy:
        bundle_version = read_version(options.bundle_dir, "Le paquet Lambda / The Lambda bundle")
        require_same_version(version, bundle_version, "les fonctions / the functions")
        role_arn = environ.get("CLOUDFORMATION_ROLE_ARN") or None
        for command in deploy_commands(target, version, options, role_arn):
            runner(command, cwd=options.repo / "build" / "infra", env=environ)

    stack = cloud.stack(target.stack_name)
    deployed = stack.tags.get(VERSION_TAG, "(none)")
    require_same_version(version, deployed, "les fonctions déployées / the deployed functions")
    bucket = stack.output("SiteBucketName")
    distribution = stack.output("DistributionId")

    report.uploaded = upload_site(cloud, bucket, files)
    started = now()
    report.invalidation = cloud.invalidate(
        distribution, ["/*"], f"publish-{version}-{started.strftime('%Y%m%dT%H%M%S%f')}"
    )
    published = {file.key for file in files}
    report.sweeps.append(sweep(cloud, bucket, published, started, options.grace))
    # A file is marked once, so one more pass is enough; a few in case the clock or a
    # concurrent run surprises, never an endless loop (a mark that does not stick).
    for _ in range(3 if options.wait else 0):
        due = report.sweeps[-1].next_due
        if due is None:
            break
        pause = max((due - now()).total_seconds(), 0) + 1
        print(f"{len(report.waiting)} stale files: deleting them in {pause:.0f} s", flush=True)
        sleep(pause)
        report.sweeps.append(sweep(cloud, bucket, published, now(), options.grace))
    return report


def prune(
    target: Target, grace: timedelta, *, cloud: Cloud, now: Callable[[], datetime] = _now
) -> Report:
    bucket = cloud.stack(target.stack_name).output("SiteBucketName")
    return Report(sweeps=[sweep(cloud, bucket, None, now(), grace)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("environment", choices=ENVIRONMENTS)
    parser.add_argument("--yes", action="store_true", help="deploy without SAM's prompt (CI)")
    parser.add_argument(
        "--skip-deploy", action="store_true", help="publish the site for the deployed functions"
    )
    parser.add_argument("--wait", action="store_true", help="stay until stale files can be deleted")
    parser.add_argument(
        "--prune-only", action="store_true", help="only delete files stale long enough"
    )
    parser.add_argument(
        "--grace-minutes",
        type=float,
        default=DEFAULT_GRACE.total_seconds() / 60,
        help="how long a stale file stays (default %(default)s)",
    )
    args = parser.parse_args(argv)
    grace = timedelta(minutes=args.grace_minutes)
    try:
        if args.prune_only:
            # The stack's name and region only: no parameter is needed to prune.
            target = load_target(args.environment, os.environ, parameters_required=False)
            report = prune(target, grace, cloud=Boto3Cloud(target.region))
        else:
            target = load_target(args.environment, os.environ)
            options = Options(
                yes=args.yes,
                skip_deploy=args.skip_deploy,
                wait=args.wait,
                grace=grace,
                lambda_python=os.environ.get("LAMBDA_PYTHON") or None,
            )
            report = publish(target, options, cloud=Boto3Cloud(target.region))
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
