"""The local mode as one object.

Stand-in, site build, gateway and preview (watcher, builder, reloads), started and stopped
together.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from localdev import state
from localdev.app import LocalApp
from localdev.function_data import reload_function_data
from localdev.preview import Preview
from localdev.reload import Reloads
from localdev.standin import REGION, REPOSITORY, StandIn, handler_environment
from localdev.watcher import Watcher

__all__ = ["LocalMode", "Options", "build_site", "reload_function_data"]

log = logging.getLogger("localdev")

SITE_SOURCES = REPOSITORY / "site"


@dataclass
class Options:
    port: int = 8000
    build: bool = True
    # Rebuild after a change under content/ or site/, and reload the open pages (the preview).
    watch: bool = True
    # What the site says (its data is what the forms read too).
    content_dir: Path = REPOSITORY / "content"
    # The build's output folder (it writes `site/` inside); the served folder, usually its `site/`.
    out_dir: Path = REPOSITORY / "build"
    site_dir: Path = REPOSITORY / "build" / "site"
    # None: the content's own `data/shortlinks.yml`.
    shortlinks_file: Path | None = None
    state_file: Path = state.STATE_FILE
    routes: dict[str, str] | None = None
    # Keep the stored records between runs (moto's recorder, replayed at start).
    persist: bool = False
    # How long the files must stay unchanged before a rebuild (an editor writes in bursts).
    watch_settle: float = 0.05
    # None: the content folder and the site's sources.
    watched: list[Path] | None = None


class _RequestLog(WSGIRequestHandler):
    """Request lines under the `localdev` logger (moto's server logs its own under `werkzeug`)."""

    def log(self, type: str, message: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), message % args)


def build_site(site_url: str, out_dir: Path, content_dir: Path | None = None) -> None:
    """Build the site for this address: SITE_URL is the one setting, the API sits under it.

    `python -m sitebuild build`, as published (without the preview, the local mode builds once).
    """
    env = {**os.environ, "SITE_URL": site_url, "API_BASE_URL": "/api", "NO_MKDOCS_2_WARNING": "1"}
    content = ["--content", str(content_dir)] if content_dir is not None else []
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and build module
        [sys.executable, "-m", "sitebuild", "build", "--out", str(out_dir), *content],
        cwd=REPOSITORY,
        env=env,
        check=True,
    )
    log.info("site built in %.1f s", time.perf_counter() - started)


class LocalMode:
    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        content = self.options.content_dir
        recording = self.options.out_dir / "localdev-recording.jsonl"
        self.standin = StandIn(recording=recording if self.options.persist else None)
        self.reloads = Reloads() if self.options.watch else None
        shortlinks = self.options.shortlinks_file or content / "data" / "shortlinks.yml"
        self.app = LocalApp(self.options.site_dir, self.options.routes, shortlinks, self.reloads)
        self.preview: Preview | None = None
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
        options = self.options
        try:
            endpoint = self.standin.start()
            if self.reloads is not None:
                # The builders keep their work (staging, configurations) in their own folder.
                self.preview = Preview(
                    self.url,
                    options.content_dir,
                    options.out_dir / "preview-next",
                    options.site_dir,
                    self.reloads,
                    SITE_SOURCES,
                    shell_dir=options.out_dir / "shell",
                )
                self.preview.start(build=options.build)
            elif options.build:
                build_site(self.url, options.out_dir, options.content_dir)
            # The answers are pages of the site when its shell was exported with it.
            shell = options.out_dir / "shell"
            os.environ.update(
                handler_environment(
                    endpoint,
                    self.standin.tables,
                    self.url,
                    shell if (shell / "fr.html").is_file() else None,
                    options.content_dir / "data",
                )
            )
            os.environ.pop("AWS_PROFILE", None)
        except BaseException:
            self._server.server_close()
            if self.preview is not None:
                self.preview.stop()
            self.standin.stop()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, name="localdev-http")
        self._thread.start()
        if self.preview is not None:
            watched = options.watched or [options.content_dir, SITE_SOURCES]
            self._watcher = Watcher(watched, self.preview.on_change, options.watch_settle)
            self._watcher.start()
        state.write(
            state.State(self.url, endpoint, REGION, self.standin.tables, os.getpid()),
            self.options.state_file,
        )
        return self.url

    def stop(self) -> None:
        state.remove(os.getpid(), self.options.state_file)
        if self._watcher is not None:
            self._watcher.stop()
        if self.preview is not None:
            self.preview.stop()
        if self.reloads is not None:
            self.reloads.close()  # the pages waiting for a reload get their answer now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.standin.stop()
