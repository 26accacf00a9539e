"""Material for MkDocs ends on 5 May 2027: the same per-language configurations, built by
Zensical (pinned), give the same pages, titles, hreflang, canonical links and forms.

Zensical is run on the configurations the site build writes (`build/config/mkdocs.*.yml`)
with three changes it needs: `docs_dir`, `site_dir` and `theme.custom_dir` relative to
the project folder (absolute ones are refused: "site_dir must be within project root").
One language at a time: two builds share Zensical's `.cache` in the working folder and
crash. `theme.variant: classic` keeps Material's look. See
docs/decisions/2026-12-01-zensical.md.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitebuild.settings import REPO_ROOT
from sitetests import BuiltSite, Tags

pytestmark = pytest.mark.slow

ZENSICAL = Path(sys.executable).with_name("zensical")
LANGUAGES = ("fr", "en")


class Forms(HTMLParser):
    """Every `form.vnb-form` of a page as its sequence of tags, attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, ...]]] = []
        self._depth = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "form" and "vnb-form" in classes and not self._depth:
            self.forms.append([])
            self._depth = 1
        elif tag == "form" and self._depth:
            self._depth += 1
        if self._depth:
            self.forms[-1].append((tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self.forms[-1].append(("/" + tag,))
            if tag == "form":
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth and data.strip():
            self.forms[-1].append(("text", " ".join(data.split())))


def zensical_config(mkdocs_config: Path, project: Path, lang: str) -> Path:
    config: dict[str, Any] = yaml.safe_load(mkdocs_config.read_text(encoding="utf-8"))

    def relative(path: str) -> str:
        return os.path.relpath(path, project)

    config["docs_dir"] = relative(config["docs_dir"])
    config["site_dir"] = f"zensical-site/{lang}"
    config["theme"]["custom_dir"] = relative(config["theme"]["custom_dir"])
    # Zensical's own look is `modern`; `classic` is Material's (header, type, palette).
    config["theme"]["variant"] = "classic"
    target = project / f"zensical.{lang}.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target


@pytest.fixture(scope="module")
def zensical_site(site: BuiltSite) -> Path:
    """Zensical's build of the session build's configurations, one language after the other."""
    assert ZENSICAL.exists(), "zensical is a dev dependency (pyproject.toml)"
    project = site.settings.out_dir
    for lang in LANGUAGES:
        config = zensical_config(project / "config" / f"mkdocs.{lang}.yml", project, lang)
        done = subprocess.run(
            [str(ZENSICAL), "build", "--strict", "-f", config.name],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
    return project / "zensical-site"


def pages(root: Path) -> set[str]:
    # The answer pages' shell (sitebuild.shell) is exported and removed after the
    # generator's run: it is no page of the published site, whichever generator drew it.
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not {"vnb-shell", "assets"} & set(p.relative_to(root).parts)
    }


@cache
def head_of(path: Path) -> dict[str, Any]:
    tags = Tags(path.read_text(encoding="utf-8"))
    return {
        "canonical": [t["href"] for t in tags.find("link", rel="canonical")],
        "hreflang": sorted(
            (t["hreflang"], t["href"])
            for t in tags.find("link", rel="alternate")
            if "hreflang" in t
        ),
        "lang": [t.get("lang") for t in tags.find("html")],
    }


def title_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("<title>") + len("<title>")
    return text[start : text.index("</title>", start)]


def the_generators_pages(site: BuiltSite) -> set[str]:
    """What MkDocs made in the language folders (the root pages are the build's own)."""
    return {f"{lang}/{page}" for lang in LANGUAGES for page in pages(site.root / lang)}


def test_zensical_makes_the_same_pages(site: BuiltSite, zensical_site: Path) -> None:
    assert the_generators_pages(site) == pages(zensical_site)
    assert len(pages(zensical_site)) > 20


def test_the_same_titles_languages_canonical_and_hreflang(
    site: BuiltSite, zensical_site: Path
) -> None:
    differences = []
    for page in sorted(the_generators_pages(site)):
        material, zensical = site.root / page, zensical_site / page
        if title_of(material) != title_of(zensical):
            differences.append((page, "title", title_of(material), title_of(zensical)))
        for key, value in head_of(material).items():
            if head_of(zensical)[key] != value:
                differences.append((page, key, value, head_of(zensical)[key]))
    assert not differences
    # The comparison compares something: every content page has its alternates.
    index = head_of(zensical_site / "fr" / "index.html")
    assert [lang for lang, _ in index["hreflang"]] == ["en-CA", "fr-CA", "x-default"]
    assert index["canonical"] == [site.settings.site_url + "fr/"]


def test_the_same_form_markup(site: BuiltSite, zensical_site: Path) -> None:
    with_forms = 0
    for page in sorted(the_generators_pages(site)):
        material = Forms((site.root / page).read_text(encoding="utf-8")).forms
        zensical = Forms((zensical_site / page).read_text(encoding="utf-8")).forms
        assert zensical == material, page
        with_forms += bool(material)
    assert with_forms == 4  # registration and assessment, in both languages


class References(HTMLParser):
    """The local addresses a page loads or links to (href, src)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and tag in ("a", "link", "script", "img"):
                self.found.append(value)


def broken_references(root: Path, whole_site: Path) -> list[tuple[str, str]]:
    """(page, address) for each local address of the language folders' pages that names no
    file; outside the language folders (`/`, the short links), the whole built site counts."""
    broken = []
    for page in sorted(pages(root)):
        for address in References((root / page).read_text(encoding="utf-8")).found:
            if address.startswith(("#", "http:", "https:", "mailto:", "tel:", "data:")):
                continue
            path = address.split("#")[0].split("?")[0]
            if not path:
                continue
            base = "" if path.startswith("/") else posixpath.dirname(page)
            target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
            inside = target.split("/")[0] in LANGUAGES
            file = (root if inside else whole_site) / target
            if not (file.is_file() or (file / "index.html").is_file()):
                broken.append((page, address))
    return broken


def test_every_local_reference_of_materials_pages_resolves(site: BuiltSite) -> None:
    assert broken_references(site.root, site.root) == []


# Zensical 0.0.73 rewrote the forms partial's relative ../assets/vnb-forms.* a second time;
# the forms' stylesheet and script now come from the theme's head (`| url`): both resolve.
def test_every_local_reference_of_zensicals_pages_resolves(
    site: BuiltSite, zensical_site: Path
) -> None:
    assert broken_references(zensical_site, site.root) == []


def test_zensical_is_pinned_where_the_tests_install_it() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    constraints = (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").split()
    (pin,) = [line for line in constraints if line.startswith("zensical==")]
    assert f'"{pin}"' in pyproject
