"""CloudFront keeps a file a year only when its name holds a content hash: every file of
the built site that a long-cache behaviour matches is fingerprinted, and Material's
bundles are matched."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from infra_template import template

pytestmark = pytest.mark.slow

# Material names its bundles `<name>.<8 hex digits>.min.<ext>`.
FINGERPRINT = re.compile(r"\.[0-9a-f]{8}\.")


def long_cache_patterns() -> list[str]:
    config = template()["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    return [
        behaviour["PathPattern"]
        for behaviour in config["CacheBehaviors"]
        if behaviour["CachePolicyId"] == {"Ref": "FingerprintedCachePolicy"}
    ]


def site_paths(site: Path) -> list[str]:
    return ["/" + p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]


def test_only_fingerprinted_files_are_kept_a_year(built_site: Path) -> None:
    # CloudFront's `*` matches any characters, `/` included, as fnmatch's does.
    matched = [
        path
        for path in site_paths(built_site)
        if any(fnmatchcase(path, pattern) for pattern in long_cache_patterns())
    ]
    assert matched, "no file of the site is under a long-cache behaviour"
    unversioned = [path for path in matched if not FINGERPRINT.search(path.rsplit("/", 1)[-1])]
    assert not unversioned, f"kept a year but not content-hashed: {unversioned}"


def test_materials_bundles_are_kept_a_year(built_site: Path) -> None:
    bundles = [
        path
        for path in site_paths(built_site)
        if re.search(r"/assets/(javascripts/bundle|stylesheets/(main|palette))\.", path)
        and not path.endswith(".map")
    ]
    assert bundles
    for path in bundles:
        assert any(fnmatchcase(path, pattern) for pattern in long_cache_patterns()), path
