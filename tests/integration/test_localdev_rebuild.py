"""The preview rebuilds what a change needs, with the real build, and swaps it in.

A Markdown page rebuilds its language only; the warm builder writes the very site the full
build (`python -m sitebuild build`) writes; a failed build keeps the previous site served.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from localdev.preview import EVERYTHING, BuilderProcess, Rebuild, what_to_rebuild
from localdev.server import LocalMode, Options
from localdev.standin import REPOSITORY

SITE_URL = "http://127.0.0.1:8765/"
PAGE = Path("fr") / "accessibilite.md"


def _copy_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPOSITORY / "content", content)
    return content


def _full_build(
    content: Path, out: Path, site_url: str = SITE_URL
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITE_URL": site_url, "API_BASE_URL": "/api", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sitebuild", "build", "--content", str(content), "--out", str(out)],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


_STYLESHEET = re.compile(rb"main\.[0-9a-f]{8}\.min\.css")


def _files(root: Path) -> dict[str, bytes | None]:
    """Every file of a built site, the stylesheet aside: the preview joins the stylesheets
    without purging them (same look, no Node), so its name and bytes differ."""
    files: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = _STYLESHEET.sub(b"main.STYLESHEET.min.css", str(path.relative_to(root)).encode())
        stylesheet = name.endswith(b"main.STYLESHEET.min.css") or name.endswith(b"assets/vnb.css")
        data = (
            None if stylesheet else _STYLESHEET.sub(b"main.STYLESHEET.min.css", path.read_bytes())
        )
        files[name.decode()] = data
    return files


def _differences(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only."""
    ours, theirs = _files(left), _files(right)
    return sorted(
        name for name in ours.keys() | theirs.keys() if ours.get(name, b"") != theirs.get(name, b"")
    )


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


@pytest.fixture
def builder(tmp_path: Path) -> Iterator[tuple[BuilderProcess, Path, Path]]:
    content = _copy_content(tmp_path)
    served = tmp_path / "served"
    process = BuilderProcess(SITE_URL, content, tmp_path / "work", served)
    process.start()
    try:
        yield process, content, served
    finally:
        process.stop()


def test_what_a_change_rebuilds() -> None:
    content, site = Path("/r/content"), Path("/r/site")

    def of(*paths: str) -> Rebuild:
        return what_to_rebuild([Path(p) for p in paths], content, site)

    assert of("/r/content/fr/programme.md") == Rebuild(("fr",))
    assert of("/r/content/en/index.md", "/r/content/en/faq.md") == Rebuild(("en",))
    assert of("/r/content/en/index.md", "/r/content/fr/faq.md") == Rebuild(("fr", "en"))
    assert of("/r/content/data/program.yml") == Rebuild(("fr", "en"), root=True, data=True)
    assert of("/r/content/data/i18n/fr.yml").data
    assert of("/r/site/overrides/main.html") == Rebuild(("fr", "en"), root=True, theme=True)
    assert of("/r/site/sitebuild/render.py") == Rebuild(("fr", "en"), root=True, code=True)
    assert of("/r/site/templates/pages/branch.md.j2") == EVERYTHING
    assert of("/r/site/assets/vnb.css") == EVERYTHING
    assert of("/r/content/GUIDE-CONTENU.md") == EVERYTHING


def test_the_warm_builder_writes_the_full_builds_site_and_a_page_edit_rebuilds_its_language(
    builder: tuple[BuilderProcess, Path, Path], tmp_path: Path
) -> None:
    process, content, served = builder
    first = process.request(EVERYTHING)
    assert first["ok"], first.get("error")
    assert _full_build(content, tmp_path / "full").returncode == 0
    assert _differences(served, tmp_path / "full" / "site") == []

    english = served / "en" / "index.html"
    english_before = (_stamp(served / "en"), _stamp(english))
    french = served / "fr" / "accessibilite" / "index.html"
    page = content / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", encoding="utf-8")

    # Only this page is staged again: the builder is told which file was saved.
    answer = process.request(Rebuild(("fr",)), [page])

    assert answer["ok"], answer.get("error")
    assert answer["published"] == ["fr"]
    assert "Une phrase ajoutée." in french.read_text(encoding="utf-8")
    assert (_stamp(served / "en"), _stamp(english)) == english_before  # not rebuilt, not moved
    assert _full_build(content, tmp_path / "full-after").returncode == 0
    assert _differences(served, tmp_path / "full-after" / "site") == []


def test_a_broken_link_fails_the_preview_and_the_full_build_and_the_site_stays_served(
    builder: tuple[BuilderProcess, Path, Path], tmp_path: Path
) -> None:
    process, content, served = builder
    assert process.request(EVERYTHING)["ok"]
    before = (served / "fr" / "accessibilite" / "index.html").read_text(encoding="utf-8")
    page = content / PAGE
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n[Lien](page-qui-nexiste-pas.md)\n", encoding="utf-8")

    answer = process.request(Rebuild(("fr",)), [page])
    full = _full_build(content, tmp_path / "full")

    assert not answer["ok"]
    assert "page-qui-nexiste-pas.md" in answer["error"]
    assert full.returncode != 0, "the full build is strict too"
    assert "page-qui-nexiste-pas.md" in full.stderr + full.stdout
    assert (served / "fr" / "accessibilite" / "index.html").read_text(encoding="utf-8") == before
    # Fixed, it builds again: the builder is still there.
    page.write_text(original, encoding="utf-8")
    assert process.request(Rebuild(("fr",)), [page])["ok"]


def _served(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def test_a_saved_page_is_rebuilt_and_served_by_the_local_mode_with_its_language_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The local mode sets the handlers' environment: keep it out of this test process.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    content = _copy_content(tmp_path)
    options = Options(
        port=0,
        content_dir=content,
        out_dir=tmp_path / "build",
        site_dir=tmp_path / "build" / "site",
        state_file=tmp_path / "localdev.json",
    )
    local = LocalMode(options)
    url = local.start()
    try:
        assert local.reloads is not None
        assert os.environ["CONTENT_DATA_DIR"] == str(content / "data")
        version = local.reloads.version
        english = options.site_dir / "en" / "index.html"
        english_before = _stamp(english)
        assert "Une phrase ajoutée" not in _served(url + "fr/accessibilite/")

        page = content / PAGE
        page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", "utf-8")

        assert local.reloads.wait(version, timeout=30) != version
        assert "Une phrase ajoutée." in _served(url + "fr/accessibilite/")
        assert _stamp(english) == english_before
    finally:
        local.stop()
    assert not (tmp_path / "localdev.json").exists()
