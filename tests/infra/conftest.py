"""Fixtures of the infrastructure tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the real content, as `make build` makes it (in a private folder)."""
    from sitebuild.build import build
    from sitebuild.settings import BuildSettings

    out = tmp_path_factory.mktemp("infra-site")
    build(BuildSettings(out_dir=out))
    return out / "site"
