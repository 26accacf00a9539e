"""One strict build of the real content per test session, shared by the site tests."""

from __future__ import annotations

import pytest
from sitebuild.build import build
from sitebuild.settings import BuildSettings
from sitetests import SITE_URL, BuiltSite


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    out = tmp_path_factory.mktemp("site-build")
    result = build(BuildSettings(site_url=SITE_URL, out_dir=out))
    return BuiltSite(result=result, root=out / "site")
