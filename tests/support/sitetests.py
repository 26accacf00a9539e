"""Helpers of the site tests: the built site, a tag collector, copies of the content.

The session build (conftest.py) goes to a temporary folder with its own SITE_URL, so the
tests never touch `build/` (which `make dev` may be serving) and prove the URLs come from
the setting.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sitebuild.build import BuildResult, build
from sitebuild.settings import REPO_ROOT, BuildSettings

SITE_URL = "https://vnb.example.ca/"


@dataclass
class BuiltSite:
    result: BuildResult
    root: Path

    @property
    def settings(self) -> BuildSettings:
        return self.result.plan.settings

    def html_pages(self) -> list[Path]:
        """The MkDocs pages of both languages (not `/`, short links, or 404 pages)."""
        return sorted(p for lang in ("fr", "en") for p in (self.root / lang).rglob("index.html"))

    def file_for(self, url: str) -> Path:
        """The built file an absolute or root-relative URL of the site points at."""
        path = url.removeprefix(SITE_URL.rstrip("/")).lstrip("/")
        assert path == "" or path.endswith("/"), f"{url} is not a canonical …/ address"
        return self.root / path / "index.html"


class Tags(HTMLParser):
    """Collects the tags of a page with their attributes (the standard library is enough)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **match: str) -> list[dict[str, str]]:
        """Tags named `tag` whose attributes equal `match` (`http_equiv` → `http-equiv`)."""
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in match.items())
        ]


def tags(path: Path) -> Tags:
    return Tags(path.read_text(encoding="utf-8"))


def copy_content(tmp_path: Path) -> Path:
    """A copy of content/ that a test may break or extend."""
    target = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", target, ignore=shutil.ignore_patterns(".staging"))
    return target


def build_copy(content: Path, out: Path, **settings: object) -> BuildResult:
    return build(
        BuildSettings.model_validate(
            {"site_url": SITE_URL, "content_dir": content, "out_dir": out, **settings}
        )
    )
