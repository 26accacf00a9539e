"""The preview's watcher: watchdog's file events, settled into one call per burst of writes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from localdev.watcher import Watcher, ignored


class _Calls:
    def __init__(self) -> None:
        self.seen: list[list[Path]] = []
        self.called = threading.Event()

    def __call__(self, paths: list[Path]) -> None:
        self.seen.append(paths)
        self.called.set()


def test_editor_leftovers_and_build_folders_are_ignored(tmp_path: Path) -> None:
    for name in (".page.md.swp", "page.md~", "#page.md#", "4913", ".staging/fr/index.md"):
        assert ignored(tmp_path / name, tmp_path), name
    assert not ignored(tmp_path / "fr" / "index.md", tmp_path)
    assert not ignored(tmp_path / "data" / "program.yml", tmp_path)


def test_a_save_is_seen_once_and_reading_files_is_not_a_change(tmp_path: Path) -> None:
    data = tmp_path / "data" / "program.yml"
    data.parent.mkdir()
    data.write_text("phase: waitlist\n", encoding="utf-8")
    calls = _Calls()
    watcher = Watcher([tmp_path], calls, settle=0.05)
    watcher.start()
    try:
        data.read_text(encoding="utf-8")  # the build reads every file: not a change
        (tmp_path / ".program.yml.swp").write_text("editor", encoding="utf-8")
        assert not calls.called.wait(0.5)
        data.write_text("phase: open\n", encoding="utf-8")
        assert calls.called.wait(5)
    finally:
        watcher.stop()
    assert calls.seen == [[data]]


def test_a_burst_of_writes_comes_in_one_call_with_every_path(tmp_path: Path) -> None:
    pages = [tmp_path / "fr" / f"page-{i}.md" for i in range(5)]
    pages[0].parent.mkdir()
    calls = _Calls()
    watcher = Watcher([tmp_path], calls, settle=0.2)
    watcher.start()
    try:
        for page in pages:  # as `git checkout` does: several files, a few ms apart
            page.write_text("# Page\n", encoding="utf-8")
            time.sleep(0.02)
        assert calls.called.wait(5)
        time.sleep(0.5)
    finally:
        watcher.stop()
    assert len(calls.seen) == 1
    assert set(pages) <= set(calls.seen[0])


def test_an_editor_saving_through_a_temporary_file_is_seen_under_the_page_name(
    tmp_path: Path,
) -> None:
    page = tmp_path / "fr" / "index.md"
    page.parent.mkdir()
    page.write_text("# Accueil\n", encoding="utf-8")
    calls = _Calls()
    watcher = Watcher([tmp_path], calls, settle=0.05)
    watcher.start()
    try:
        temporary = page.with_name(".index.md.tmp")
        temporary.write_text("# Accueil modifié\n", encoding="utf-8")
        os.replace(temporary, page)
        assert calls.called.wait(5)
    finally:
        watcher.stop()
    assert page in calls.seen[0]
