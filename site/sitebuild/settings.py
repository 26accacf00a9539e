"""Build settings, read once from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

REPO_ROOT = Path(__file__).resolve().parents[2]


class BuildSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    site_url: str = "http://127.0.0.1:8000/"
    """Absolute base of the published site: canonical, hreflang and sitemap URLs."""
    api_base_url: str = "/api"
    """Where the forms post (same origin by default: CloudFront routes /api/*)."""
    content_dir: Path = REPO_ROOT / "content"
    out_dir: Path = REPO_ROOT / "build"
    release: bool = False
    """A release build refuses `À CONFIRMER` placeholders."""

    @field_validator("site_url")
    @classmethod
    def _absolute_with_slash(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"SITE_URL must be an absolute http(s) URL, got {value!r}")
        return value if value.endswith("/") else value + "/"

    @property
    def base_path(self) -> str:
        """The site's path on its host, e.g. `/` or `/preview/`."""
        return urlsplit(self.site_url).path

    @property
    def data_dir(self) -> Path:
        return self.content_dir / "data"

    @property
    def site_dir(self) -> Path:
        return self.out_dir / "site"

    @property
    def staging_dir(self) -> Path:
        return self.out_dir / "staging"


def settings_from_env(**overrides: object) -> BuildSettings:
    env = {
        key: value
        for key, value in (
            ("site_url", os.environ.get("SITE_URL")),
            ("api_base_url", os.environ.get("API_BASE_URL")),
        )
        if value
    }
    return BuildSettings.model_validate({**env, **overrides})
