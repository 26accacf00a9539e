"""Rebuild the site when a source file changes: a polling thread, standard library only."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("localdev")

Snapshot = dict[Path, tuple[int, int]]

# The build's own staging output lives under content/; editors leave dot and tilde files.
_IGNORED_PARTS = {".staging", "__pycache__", ".mypy_cache", ".ruff_cache"}


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """Path → (modification time, size) of every watched file under the roots."""
    files: Snapshot = {}
    for root in roots:
        for path in root.rglob("*"):
            relative = path.relative_to(root).parts
            if (
                _IGNORED_PARTS.intersection(relative)
                or path.name.startswith(".")
                or path.name.endswith("~")
            ):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed while walking
                continue
            if path.is_file():
                files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


class Watcher:
    """Calls `on_change` with the changed paths, once the files have stopped changing."""

    def __init__(
        self,
        roots: list[Path],
        on_change: Callable[[list[Path]], None],
        interval: float = 1.0,
    ) -> None:
        self.roots = roots
        self.on_change = on_change
        self.interval = interval
        self._before: Snapshot = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="localdev-watcher", daemon=True)

    def start(self) -> None:
        # The reference state is taken now, so a change right after start() is seen.
        self._before = snapshot(self.roots)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _run(self) -> None:
        before = self._before
        while not self._stop.wait(self.interval):
            after = snapshot(self.roots)
            paths = changed(before, after)
            if not paths:
                continue
            # An editor or `git checkout` writes several files: wait until they settle.
            while not self._stop.wait(min(self.interval, 0.3)):
                settled = snapshot(self.roots)
                if settled == after:
                    break
                after = settled
            paths = changed(before, after)
            before = after
            try:
                self.on_change(paths)
            except Exception:  # a failed rebuild must not stop the watching
                log.exception("rebuild failed")
