"""The preview rebuilds when a file changes: the polling watcher."""

from __future__ import annotations

import threading
from pathlib import Path

from localdev.watcher import Watcher, changed, snapshot


def test_snapshot_sees_edits_additions_and_removals_but_not_build_leftovers(tmp_path: Path) -> None:
    page = tmp_path / "fr" / "index.md"
    page.parent.mkdir()
    page.write_text("Bonjour", encoding="utf-8")
    (tmp_path / ".staging").mkdir()
    (tmp_path / ".staging" / "page.md").write_text("generated", encoding="utf-8")
    (tmp_path / "fr" / "index.md~").write_text("editor backup", encoding="utf-8")
    before = snapshot([tmp_path])
    assert list(before) == [page]

    page.write_text("Bonjour à tous", encoding="utf-8")
    added = tmp_path / "en" / "index.md"
    added.parent.mkdir()
    added.write_text("Hello", encoding="utf-8")
    (tmp_path / ".staging" / "page.md").write_text("regenerated", encoding="utf-8")

    assert changed(before, snapshot([tmp_path])) == [added, page]
    page.unlink()
    assert page in changed(before, snapshot([tmp_path]))


def test_the_watcher_calls_back_once_files_have_changed(tmp_path: Path) -> None:
    data = tmp_path / "program.yml"
    data.write_text("phase: waitlist\n", encoding="utf-8")
    seen: list[list[Path]] = []
    called = threading.Event()

    def on_change(paths: list[Path]) -> None:
        seen.append(paths)
        called.set()

    watcher = Watcher([tmp_path], on_change, interval=0.05)
    watcher.start()
    try:
        assert not called.wait(0.3)  # nothing changed yet
        data.write_text("phase: open\n", encoding="utf-8")
        assert called.wait(5)
    finally:
        watcher.stop()
    assert seen == [[data]]
