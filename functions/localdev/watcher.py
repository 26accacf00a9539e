"""Calls back with the changed files under some folders: watchdog's events, settled.

The operating system says when a file changes (inotify on Linux), so a save is seen within
milliseconds instead of at the next poll. Only writes count: watchdog also reports files being
opened and read, which the build itself does all the time.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("localdev")

# Folders of generated files and caches; dot files, backups (`page.md~`), Emacs' `#page.md#`
# and the file Vim creates to test that a folder is writable are editors' leftovers.
_IGNORED_PARTS = {".staging", "__pycache__", ".mypy_cache", ".ruff_cache"}
_IGNORED_NAMES = {"4913"}
_WRITES = {"created", "modified", "deleted", "moved", "closed"}


def ignored(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).parts if path.is_relative_to(root) else path.parts
    name = path.name
    return bool(
        _IGNORED_PARTS.intersection(relative)
        or name.startswith((".", "#"))
        or name.endswith("~")
        or name in _IGNORED_NAMES
    )


class Watcher:
    """Calls `on_change` with the changed paths once no file has changed for `settle` seconds.

    An editor or `git checkout` writes several files in a burst: they come in one call.
    Changes made while `on_change` runs come in the next call.
    """

    def __init__(
        self,
        roots: list[Path],
        on_change: Callable[[list[Path]], object],
        settle: float = 0.05,
    ) -> None:
        self.roots = [root.resolve() for root in roots]
        self.on_change = on_change
        self.settle = settle
        self._pending: set[Path] = set()
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._observer: BaseObserver | None = None
        self._thread = threading.Thread(target=self._run, name="localdev-watcher", daemon=True)

    def start(self) -> None:
        try:
            self._observer = self._schedule(Observer())
        except OSError as error:  # e.g. the system's limit of inotify watches is reached
            log.warning("file events unavailable (%s): polling the files instead", error)
            self._observer = self._schedule(PollingObserver(timeout=0.5))
        self._thread.start()

    def _schedule(self, observer: BaseObserver) -> BaseObserver:
        handler = _Events(self)
        for root in self.roots:
            if root.is_dir():
                observer.schedule(handler, str(root), recursive=True)
            else:
                log.warning("not watching %s: no such folder", root)
        observer.start()
        return observer

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def add(self, path: Path) -> None:
        root = next((r for r in self.roots if path.is_relative_to(r)), None)
        if root is None or ignored(path, root):
            return
        with self._lock:
            self._pending.add(path)
        self._changed.set()

    def _run(self) -> None:
        while True:
            self._changed.wait()
            if self._stop.is_set():
                return
            # Wait for the burst to end: a quiet moment of `settle` seconds.
            self._changed.clear()
            while not self._stop.wait(self.settle):
                if not self._changed.is_set():
                    break
                self._changed.clear()
            if self._stop.is_set():
                return
            with self._lock:
                paths = sorted(self._pending)
                self._pending.clear()
            if not paths:
                continue
            try:
                self.on_change(paths)
            except Exception:  # a failed rebuild must not stop the watching
                log.exception("rebuild failed")


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _WRITES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a file added or removed in it comes as its own event
        for raw in (event.src_path, event.dest_path):
            if raw:
                self.watcher.add(Path(os.fsdecode(raw)))
