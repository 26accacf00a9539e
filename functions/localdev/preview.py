"""The preview: what a change rebuilds, the builder process that does it, the reload after.

A Markdown page of one language rebuilds that language only; a data file, the theme, a
template or anything else rebuilds the whole site; the build driver's code gets a new builder.
A data change also clears the forms' caches at once, so the local mode's forms follow it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content_model import LANGUAGES, Language

from localdev.function_data import reload_function_data
from localdev.reload import Reloads

log = logging.getLogger("localdev")

REPOSITORY = Path(__file__).resolve().parents[2]


class PreviewBuildFailed(Exception):
    """The site did not build; carries what the build said."""


@dataclass(frozen=True)
class Rebuild:
    languages: tuple[Language, ...]
    root: bool = False
    """The site's root files too: `/`, the short links, the sitemap of both languages."""
    data: bool = False
    """`content/data/` changed: the data is read again, the forms' caches cleared."""
    theme: bool = False
    """The theme's overrides changed: the builder's Jinja environments are made anew."""
    code: bool = False
    """The build driver's code changed: a new builder process."""

    def __or__(self, other: Rebuild) -> Rebuild:
        languages = tuple(lang for lang in LANGUAGES if lang in {*self.languages, *other.languages})
        return Rebuild(
            languages,
            self.root or other.root,
            self.data or other.data,
            self.theme or other.theme,
            self.code or other.code,
        )


EVERYTHING = Rebuild(LANGUAGES, root=True)


def what_to_rebuild(paths: list[Path], content_dir: Path, site_sources: Path) -> Rebuild:
    """The least rebuild that shows every change in `paths`."""
    needed = Rebuild(())
    for path in paths:
        if path.is_relative_to(content_dir):
            first = path.relative_to(content_dir).parts[:1]
            if first == ("data",):
                needed |= Rebuild(LANGUAGES, root=True, data=True)
            elif first and first[0] in LANGUAGES:
                needed |= Rebuild((first[0],))
            else:
                needed |= EVERYTHING
        elif path.is_relative_to(site_sources) and path.suffix == ".py":
            needed |= Rebuild(LANGUAGES, root=True, code=True)
        elif path.is_relative_to(site_sources / "overrides"):
            needed |= Rebuild(LANGUAGES, root=True, theme=True)
        else:
            needed |= EVERYTHING
    return needed


class BuilderProcess:
    """`python -m localdev.builder` as a child: one JSON request, one JSON answer."""

    def __init__(
        self,
        site_url: str,
        content_dir: Path,
        work_dir: Path,
        site_dir: Path,
        shell_dir: Path | None = None,
    ) -> None:
        shell = ["--shell", str(shell_dir)] if shell_dir is not None else []
        self.command = [
            sys.executable,
            "-m",
            "localdev.builder",
            "--site-url",
            site_url,
            "--content",
            str(content_dir),
            "--work",
            str(work_dir),
            "--serve",
            str(site_dir),
            *shell,
        ]
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self.command,
            cwd=REPOSITORY,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        return self._process

    def send(self, rebuild: Rebuild, paths: list[Path] | None = None) -> bool:
        """Asks for a build (`paths`: the files saved); False if the builder could not be told."""
        process = self._process
        if process is None or process.poll() is not None:
            process = self.start()
        question = {
            "languages": list(rebuild.languages),
            "root": rebuild.root,
            "data": rebuild.data,
            "theme": rebuild.theme,
            "paths": [str(path) for path in paths or []],
        }
        if process.stdin is None:
            raise RuntimeError("the builder process has no input pipe")
        try:
            process.stdin.write(json.dumps(question) + "\n")
            process.stdin.flush()
        except (BrokenPipeError, ValueError):
            self.stop()
            return False
        return True

    def receive(self) -> dict[str, Any]:
        process = self._process
        line = ""
        if process is not None and process.stdout is not None:
            with contextlib.suppress(ValueError):
                line = process.stdout.readline()
        if not line:
            self.stop()
            return {"ok": False, "error": "the builder process stopped (see the messages above)"}
        answer: dict[str, Any] = json.loads(line)
        return answer

    def request(self, rebuild: Rebuild, paths: list[Path] | None = None) -> dict[str, Any]:
        if not self.send(rebuild, paths):
            return {"ok": False, "error": "the builder process stopped (see the messages above)"}
        return self.receive()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()  # the builder ends when its input does
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class Preview:
    """Rebuilds the served site after each change and tells the open pages to reload.

    One builder per language, so the two languages of a data change build side by side;
    the first language's builder then writes the root files (the 404 page lists the titles
    of both languages' built pages): before the reload when the data changed, after it when
    a page did.
    """

    def __init__(
        self,
        site_url: str,
        content_dir: Path,
        work_dir: Path,
        site_dir: Path,
        reloads: Reloads,
        site_sources: Path = REPOSITORY / "site",
        shell_dir: Path | None = None,
    ) -> None:
        self.content_dir = content_dir.resolve()
        self.site_sources = site_sources.resolve()
        self.reloads = reloads
        self.builders = {
            lang: BuilderProcess(site_url, self.content_dir, work_dir / lang, site_dir, shell_dir)
            for lang in LANGUAGES
        }
        self._lock = threading.Lock()

    def start(self, build: bool = True) -> None:
        """Starts the builders; `build`: builds the whole site first (raises if it fails)."""
        for builder in self.builders.values():
            builder.start()
        if build:
            started = time.perf_counter()
            answer = self._build(EVERYTHING, [])
            if answer["ok"]:
                answer = self._build_root()
            if not answer["ok"]:
                raise PreviewBuildFailed(answer["error"])
            log.info("site built in %.1f s", time.perf_counter() - started)

    def on_change(self, paths: list[Path]) -> Rebuild:
        names = [
            str(path.relative_to(REPOSITORY)) if path.is_relative_to(REPOSITORY) else str(path)
            for path in paths
        ]
        rebuild = what_to_rebuild(paths, self.content_dir, self.site_sources)
        if rebuild.data:
            reload_function_data()  # the forms follow the new data from the next request on
        if rebuild.code:
            for builder in self.builders.values():
                builder.stop()  # the next request starts a builder with the current code
        scope = "the whole site" if rebuild.root else ", ".join(rebuild.languages)
        log.info("changed: %s; rebuilding %s", ", ".join(names[:5]), scope)
        started = time.perf_counter()
        answer = self._build(rebuild, paths)
        if answer["ok"] and rebuild.root:
            answer = self._build_root()
        if not answer["ok"]:
            log.error("the build failed; still serving the previous site:\n%s", answer["error"])
            return rebuild
        log.info("rebuilt %s in %.2f s", scope, time.perf_counter() - started)
        self.reloads.bump()
        if not rebuild.root:
            # After the reload: the 404 page lists the pages' titles, which a page may change.
            root = self._build_root()
            if not root["ok"]:
                log.error("the root files were not rebuilt:\n%s", root["error"])
        return rebuild

    def _build(self, rebuild: Rebuild, paths: list[Path]) -> dict[str, Any]:
        """The languages of `rebuild`, side by side, each by its builder."""
        answers: list[dict[str, Any]] = []
        with self._lock:
            asked = []
            for lang in rebuild.languages:
                part = Rebuild((lang,), data=rebuild.data, theme=rebuild.theme)
                saved = [path for path in paths if path.is_relative_to(self.content_dir / lang)]
                builder = self.builders[lang]
                if builder.send(part, saved):
                    asked.append(builder)
                else:
                    answers.append({"ok": False, "error": f"the {lang} builder stopped"})
            answers += [builder.receive() for builder in asked]
        errors = [str(answer["error"]) for answer in answers if not answer["ok"]]
        seconds = max((float(answer.get("seconds", 0)) for answer in answers), default=0.0)
        return {"ok": not errors, "error": "\n".join(errors), "seconds": seconds}

    def _build_root(self) -> dict[str, Any]:
        """The root files, once the languages are served (the first language's builder)."""
        with self._lock:
            answer = self.builders[LANGUAGES[0]].request(Rebuild((), root=True))
        return answer

    def stop(self) -> None:
        with self._lock:
            for builder in self.builders.values():
                builder.stop()
