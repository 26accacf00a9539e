"""The local mode as one object.

Stand-in, site build, gateway and watcher, started and stopped together.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from localdev import state
from localdev.app import LocalApp
from localdev.standin import REGION, REPOSITORY, StandIn, handler_environment
from localdev.watcher import Watcher

log = logging.getLogger("localdev")

WATCHED = [REPOSITORY / "content", REPOSITORY / "site"]


@dataclass
class Options:
    port: int = 8000
    build: bool = True
    watch: bool = True
    # The build's output folder (it writes `site/` inside); the served folder, usually its `site/`.
    out_dir: Path = REPOSITORY / "build"
    site_dir: Path = REPOSITORY / "build" / "site"
    shortlinks_file: Path | None = REPOSITORY / "content" / "data" / "shortlinks.yml"
    state_file: Path = state.STATE_FILE
    routes: dict[str, str] | None = None
    # Keep the stored records between runs (moto's recorder, replayed at start).
    persist: bool = False
    watch_interval: float = 1.0
    watched: list[Path] = field(default_factory=lambda: list(WATCHED))


class _RequestLog(WSGIRequestHandler):
    """Request lines under the `localdev` logger (moto's server logs its own under `werkzeug`)."""

    def log(self, type: str, message: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), message % args)


def build_site(site_url: str, out_dir: Path) -> None:
    """Build the site for this address: SITE_URL is the one setting, the API sits under it.

    A subprocess, so that a rebuild runs the current code of the build driver.
    """
    env = {**os.environ, "SITE_URL": site_url, "API_BASE_URL": "/api", "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and build module
        [sys.executable, "-m", "sitebuild", "build", "--out", str(out_dir)],
        cwd=REPOSITORY,
        env=env,
        check=True,
    )
    log.info("site built in %.1f s", time.perf_counter() - started)


def swap_in(new: Path, current: Path) -> None:
    """Serve `new` instead of `current`: two renames, no moment with half a site."""
    previous = current.with_name(current.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if current.exists():
        os.replace(current, previous)
    os.replace(new, current)
    shutil.rmtree(previous, ignore_errors=True)


class LocalMode:
    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        recording = self.options.out_dir / "localdev-recording.jsonl"
        self.standin = StandIn(recording=recording if self.options.persist else None)
        self.app = LocalApp(
            self.options.site_dir, self.options.routes, self.options.shortlinks_file
        )
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._watcher: Watcher | None = None
        self.url = ""

    def start(self) -> str:
        """Start everything; returns the URL to open. Raises if the site does not build."""
        # Bind first: the site is built for the address it will really be served from.
        self._server = make_server(
            "127.0.0.1", self.options.port, self.app, threaded=True, request_handler=_RequestLog
        )
        self.url = f"http://127.0.0.1:{self._server.port}/"
        try:
            endpoint = self.standin.start()
            if self.options.build:
                build_site(self.url, self.options.out_dir)
            # The answers are pages of the site when its shell was exported with it.
            shell = self.options.out_dir / "shell"
            os.environ.update(
                handler_environment(
                    endpoint,
                    self.standin.tables,
                    self.url,
                    shell if (shell / "fr.html").is_file() else None,
                )
            )
            os.environ.pop("AWS_PROFILE", None)
        except BaseException:
            self._server.server_close()
            self.standin.stop()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, name="localdev-http")
        self._thread.start()
        if self.options.watch:
            self._watcher = Watcher(
                self.options.watched, self._rebuild, self.options.watch_interval
            )
            self._watcher.start()
        state.write(
            state.State(self.url, endpoint, REGION, self.standin.tables, os.getpid()),
            self.options.state_file,
        )
        return self.url

    def _rebuild(self, paths: list[Path]) -> None:
        names = [
            str(path.relative_to(REPOSITORY)) if path.is_relative_to(REPOSITORY) else str(path)
            for path in paths
        ]
        log.info("changed: %s; rebuilding", ", ".join(names[:5]))
        # Built aside, then swapped in: a reload during the build still gets the previous site.
        next_out = self.options.out_dir / "preview-next"
        try:
            build_site(self.url, next_out)
        except subprocess.CalledProcessError:
            log.error("the build failed; still serving the previous site")
            return
        swap_in(next_out / "site", self.options.site_dir)

    def stop(self) -> None:
        state.remove(os.getpid(), self.options.state_file)
        if self._watcher is not None:
            self._watcher.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.standin.stop()
