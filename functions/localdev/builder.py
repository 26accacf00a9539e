"""The preview's builder: a long-lived process that rebuilds what a change needs, warm.

`python -m localdev.builder` is started by the local mode when it watches the files, one per
language. It reads one request per line on its standard input (JSON: the languages to
rebuild, whether the root files, the data or the theme changed, the files saved), builds into
its work folder with the build driver's own functions (`sitebuild.build.build_language`,
`finish_language`, `finish_site`), swaps the result into the served folder and answers one
JSON line. MkDocs runs in this process with each theme's Jinja environment kept from one
build to the next: a language then builds in a tenth of a second instead of the second a
fresh `mkdocs build` takes (imports, Material's templates compiled again).

A process of its own, restarted when the build driver's code changes, so a rebuild always
runs the current code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import jinja2
from content_model import LANGUAGES, Content, DataError, Language, cached_content
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.theme import Theme
from sitebuild.build import BuildError, build_language, finish_language, finish_site
from sitebuild.pages import SitePlan, plan_site
from sitebuild.render import Renderer
from sitebuild.search import write_search_index
from sitebuild.settings import BuildSettings
from sitebuild.shell import SHELL_DIR_NAME
from sitebuild.stylesheet import write_site_stylesheet

from localdev.function_data import reload_function_data

log = logging.getLogger("localdev")


class _ListedOnce(jinja2.FileSystemLoader):
    """The theme's files, listed once instead of at every build.

    MkDocs lists them to copy the static ones, and leaves out every dot folder: Material's
    `.icons/` (14,000 icons, inlined by the templates, never copied) is not listed at all.
    """

    def __init__(self, searchpath: list[str]) -> None:
        super().__init__(searchpath)
        self._listed: list[str] | None = None

    def list_templates(self) -> list[str]:
        if self._listed is None:
            self._listed = [name for name in super().list_templates() if not name.startswith(".")]
        return self._listed


class WarmMkDocs:
    """`mkdocs build` in this process, keeping each theme's Jinja environment between builds.

    MkDocs makes a new environment per build, so Material's templates are compiled again
    every time. The kept one reloads a template whose file changed (`auto_reload`);
    `forget()` when a file is added to or removed from the theme's folders.
    """

    def __init__(self) -> None:
        self._envs: dict[tuple[tuple[str, ...], str], jinja2.Environment] = {}
        fresh = Theme.get_env

        def get_env(theme: Theme) -> jinja2.Environment:
            key = (tuple(theme.dirs), str(theme.locale))
            env = self._envs.get(key)
            if env is None:
                env = fresh(theme)
                env.loader = _ListedOnce(list(theme.dirs))
                env.auto_reload = True
                self._envs[key] = env
            return env

        # This process only builds the preview: MkDocs' other users never see this.
        Theme.get_env = get_env  # type: ignore[method-assign, assignment]

    def forget(self) -> None:
        self._envs.clear()

    def __call__(self, config_file: Path) -> None:
        """One language's build, strict as `mkdocs build --strict`; raises BuildError."""
        warnings = _Collected()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(warnings)
        try:
            mkdocs_build(load_config(str(config_file)))
        except MkDocsException as error:
            raise BuildError(f"MkDocs build failed:\n{warnings.text()}{error}") from error
        finally:
            logger.removeHandler(warnings)


class _Collected(logging.Handler):
    """MkDocs' warnings of one build, to say why a strict build stopped."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} - {record.getMessage()}\n")

    def text(self) -> str:
        return "".join(self.lines)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def swap_in(new: Path, current: Path, aside: Path) -> Path:
    """Serve `new` instead of `current`: two renames, no moment with half a folder.

    The previous folder goes into `aside` (outside the served site, on the same disk);
    returns where, to remove once the answer has been given.
    """
    aside.mkdir(parents=True, exist_ok=True)
    previous = aside / current.name
    remove(previous)
    if current.exists() or current.is_symlink():
        os.replace(current, previous)
    os.replace(new, current)
    return previous


def publish(new: Path, served: Path, prune: bool, aside: Path) -> tuple[list[str], list[Path]]:
    """Each entry at the top of `new` (a language's folder, a root file) replaces the served one.

    `prune`: `new` holds the whole root, and the served root entries it lacks go (never a
    language's folder: each language has its builder). Returns the names published and the
    previous folders, put `aside`, to remove.
    """
    served.mkdir(parents=True, exist_ok=True)
    names = sorted(entry.name for entry in new.iterdir())
    previous = []
    for name in names:
        if (new / name).is_dir():
            previous.append(swap_in(new / name, served / name, aside))
        else:
            os.replace(new / name, served / name)
    if prune:
        for entry in served.iterdir():
            if entry.name not in names and entry.name not in LANGUAGES:
                remove(entry)
    return names, previous


class PreviewBuilder:
    """Builds into `settings.out_dir` (staging, configurations, site) and publishes to `served`."""

    def __init__(self, settings: BuildSettings, served: Path, shell: Path | None = None) -> None:
        """`shell`: where the served site's page shells go (`build/shell/`), for the handlers."""
        self.settings = settings
        self.served = served
        self.shell = shell
        self.mkdocs = WarmMkDocs()
        self._data: Content | None = None
        self._data_generation = 0
        # Per language, what its staging was made from (the data, the pages), once it built.
        self._staged: dict[Language, tuple[object, ...]] = {}
        self._leftovers: list[Path] = []

    def build(
        self,
        languages: list[Language],
        root: bool,
        data: bool,
        theme: bool,
        paths: list[Path],
    ) -> dict[str, Any]:
        started = time.perf_counter()
        if theme:
            self.mkdocs.forget()
        if data or self._data is None:
            # The site's forms are rendered from the same cached loader as the handlers':
            # emptied, then filled once for both.
            reload_function_data()
            self._data = None
            self._data_generation += 1
            self._data = cached_content(self.settings.data_dir)
        plan = plan_site(self._data, self.settings)
        site = self.settings.site_dir
        pages_only = not (root or data or theme)
        published: list[str] = []
        aside = self.settings.out_dir / "replaced"
        # One language at a time in the site folder: its stylesheet step reads every page there.
        for lang in languages:
            remove(site)  # what a failed build left
            self._language(self._data, plan, lang, paths if pages_only else [])
            if self.shell is not None:
                built = self.settings.out_dir / SHELL_DIR_NAME / f"{lang}.html"
                self.shell.mkdir(parents=True, exist_ok=True)
                os.replace(built, self.shell / built.name)
            names, previous = publish(site, self.served, prune=False, aside=aside)
            published += names
            self._leftovers += previous
        if root:
            remove(site)
            site.mkdir(parents=True)
            # The 404 page reads the built pages of both languages, where they are served.
            borrowed = [site / lang for lang in LANGUAGES]
            for link in borrowed:
                if (self.served / link.name).is_dir():
                    link.symlink_to(self.served / link.name, target_is_directory=True)
            try:
                finish_site(self._data, plan)
            finally:
                for link in borrowed:
                    if link.is_symlink():
                        link.unlink()
            names, previous = publish(site, self.served, prune=True, aside=aside)
            published += names
            self._leftovers += previous
        return {
            "ok": True,
            "seconds": round(time.perf_counter() - started, 3),
            "published": published,
        }

    def _language(self, data: Content, plan: SitePlan, lang: Language, saved: list[Path]) -> None:
        """One language; when only some of its pages were saved, only those are staged again.

        The other staged pages and the social image were made from the same data and pages
        at the language's last build, so they are what a full staging would write again.
        """
        made_from = (self._data_generation, tuple(plan.pages[lang]))
        staged = self._staged.pop(lang, None)  # unknown until this build succeeds
        sources = {page.source: page for page in plan.pages[lang] if page.source is not None}
        if staged == made_from and saved and all(path in sources for path in saved):
            renderer = Renderer(data, plan, lang)
            docs_dir = self.settings.staging_dir / lang
            for path in saved:
                page = sources[path]
                (docs_dir / page.path).write_text(renderer.render(page), encoding="utf-8")
            remove(self.settings.site_dir / lang)
            self.mkdocs(self.settings.out_dir / "config" / f"mkdocs.{lang}.yml")
            write_site_stylesheet(self.settings.site_dir, purged=False)
            finish_language(data, plan, lang)
            write_search_index(plan, lang)
        else:
            build_language(data, plan, lang, self.mkdocs, purge_stylesheet=False)
        self._staged[lang] = made_from

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.build(
                [lang for lang in LANGUAGES if lang in request.get("languages", [])],
                bool(request.get("root")),
                bool(request.get("data")),
                bool(request.get("theme")),
                [Path(path) for path in request.get("paths", [])],
            )
        except (DataError, BuildError) as error:
            return {"ok": False, "error": str(error)}
        except Exception:  # a bug of the build: said, and the next change is built again
            return {"ok": False, "error": traceback.format_exc()}

    def clean_up(self) -> None:
        """Removes the folders the last build replaced (after answering: not in the wait)."""
        for path in self._leftovers:
            remove(path)
        self._leftovers = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localdev.builder", description=__doc__)
    parser.add_argument("--site-url", required=True)
    parser.add_argument("--api-base-url", default="/api")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True, help="staging, configs, next site")
    parser.add_argument("--serve", type=Path, required=True, help="the folder being served")
    parser.add_argument("--shell", type=Path, help="where the served page shells go")
    arguments = parser.parse_args(argv)
    # Answers go to the real standard output; anything else printed goes to the terminal.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    # As `mkdocs build` (without --quiet): warnings reach the strict mode's counter.
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.setLevel(logging.WARNING)
    mkdocs_logger.propagate = False
    settings = BuildSettings(
        site_url=arguments.site_url,
        api_base_url=arguments.api_base_url,
        content_dir=arguments.content.resolve(),
        out_dir=arguments.work.resolve(),
    )
    shell = arguments.shell.resolve() if arguments.shell else None
    builder = PreviewBuilder(settings, arguments.serve.resolve(), shell)
    for line in sys.stdin:
        if not line.strip():
            continue
        answers.write(json.dumps(builder.handle(json.loads(line))) + "\n")
        answers.flush()
        builder.clean_up()
    return 0


if __name__ == "__main__":
    sys.exit(main())
