"""The build driver: validate the data, stage the Markdown, one MkDocs build per language.

Everything the site needs to be correct happens here in plain Python, before and
after MkDocs, so that replacing MkDocs by Zensical changes only `GENERATOR`.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from content_model import LANGUAGES, PLACEHOLDER, Content, DataError, Language, load_content

from .feeds import write_feed
from .notfound import write_not_found_page
from .numbers import write_open_data
from .pages import HREFLANG, SitePlan, nav_tree, plan_site
from .render import dump_yaml, make_environment, source_history, split_front_matter, stage_language
from .search import SearchIndexing, header_link, write_search_index
from .settings import REPO_ROOT, BuildSettings
from .shell import SHELL_DIR_NAME, export_shell, stage_shell_page
from .social import write_social_image
from .stylesheet import apply_site_stylesheet, prepare_site_stylesheet, write_site_stylesheet

BASE_CONFIG = REPO_ROOT / "mkdocs.yml"
# The output (MkDocs' warnings) is captured, and shown only when a build fails.
# `mkdocs build --strict -f CONFIG`, in a process started early (see sitebuild.generate).
GENERATOR = [sys.executable, "-m", "sitebuild.generate"]


class BuildError(Exception):
    """MkDocs refused a language build; carries its output."""


@dataclass(frozen=True)
class BuildResult:
    plan: SitePlan
    placeholders: dict[Language, list[str]]
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per phase of the build, in order (the benchmark prints them)."""


def _custom_dir(theme: dict[str, Any]) -> str:
    """The theme overrides' folder, as each language's configuration names it."""
    return str(REPO_ROOT / theme["custom_dir"])


def language_config(data: Content, plan: SitePlan, lang: Language) -> dict[str, Any]:
    """The shared `mkdocs.yml` with this language's paths, URL, nav and theme language."""
    settings = plan.settings
    config: dict[str, Any] = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))
    strings = data.strings[lang].site
    config.update(
        site_url=f"{settings.site_url}{lang}/",
        site_description=strings["description"],
        docs_dir=str(settings.staging_dir / lang),
        site_dir=str(settings.site_dir / lang),
        nav=nav_tree(plan.pages[lang], section_titles(plan, lang)),
    )
    theme = dict(config["theme"])
    theme.update(language=lang, custom_dir=_custom_dir(theme))
    config["theme"] = theme
    footer = [
        {"text": strings["footer"]["links"][page_id], "url": plan.find(lang, page_id).url}
        for page_id in strings["footer"]["links"]
    ]
    config["extra"] = {
        **config.get("extra", {}),
        "vnb": {
            "lang": lang,
            "strings": strings,
            "footer": footer,
            "search": header_link(plan, lang),
        },
    }
    return config


def section_titles(plan: SitePlan, lang: Language) -> dict[str, str]:
    """The titles of the language's folder index pages, as MkDocs gives them (the front
    matter's `title`, else the first heading), read from the staged Markdown: a section of
    the menu is named after its index page."""
    titles = {}
    docs_dir = plan.settings.staging_dir / lang
    for page in plan.pages[lang]:
        if not page.path.endswith("/index.md"):
            continue
        meta, body = split_front_matter(
            (docs_dir / page.path).read_text(encoding="utf-8"), docs_dir / page.path
        )
        heading = next(
            (line[2:].strip() for line in body.splitlines() if line.startswith("# ")), ""
        )
        titles[page.path] = str(meta.get("title") or heading or page.id)
    return titles


class Generators:
    """The MkDocs builds, in one process started before the staging so that its imports
    (MkDocs, Material, Markdown) overlap it; each language builds (in a child of its own)
    as soon as its configuration is given: the French one while the English is staged."""

    def __init__(self, out_dir: Path) -> None:
        """`out_dir`: the build's output folder (its `cache/jinja` keeps the compiled
        templates from one build to the next)."""
        cache = out_dir / "cache" / "jinja"
        theme = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))["theme"]
        self._proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [
                *GENERATOR,
                "--cache",
                str(cache),
                "--theme",
                theme["name"],
                "--custom-dir",
                _custom_dir(theme),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )

    def start(self, config: Path) -> None:
        """The build of this configuration begins."""
        stdin = self._proc.stdin
        if stdin is None or stdin.closed:
            raise BuildError("the MkDocs process no longer takes configurations")
        stdin.write(f"{config}\n")
        stdin.flush()

    def wait(self) -> None:
        """Waits for every build given; raises BuildError with MkDocs' output if one failed."""
        output = self._finish()
        if self._proc.returncode != 0:
            raise BuildError(f"MkDocs build failed:\n{output}")

    def stop(self) -> None:
        """Ends the process (after the builds already given) if `wait` was not reached."""
        if self._proc.returncode is None:
            self._finish()

    def _finish(self) -> str:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()
        output = self._proc.stdout.read() if self._proc.stdout is not None else ""
        self._proc.wait()
        return output


def run_generator(config: Path) -> None:
    """MkDocs on one language's configuration, in its own process."""
    generators = Generators(config.parent.parent)  # build/config/<file>
    generators.start(config)
    generators.wait()


def _write_sitemap(plan: SitePlan, path: Path, langs: tuple[Language, ...]) -> None:
    """A sitemap with hreflang alternates: in each language's root (Material's JavaScript
    looks there) for that language, at the root for both."""
    env = make_environment(autoescape=True)
    entries = [
        {"loc": plan.absolute_url(page), "alternates": plan.alternates(page)}
        for lang in langs
        for page in plan.pages[lang]
    ]
    xml = env.get_template("sitemap.xml.j2").render(entries=entries)
    path.write_text(xml, encoding="utf-8")
    path.with_suffix(".xml.gz").write_bytes(gzip.compress(xml.encode(), mtime=0))


def write_root_pages(data: Content, plan: SitePlan) -> None:
    """`/` (language choice), short-link redirect pages and robots.txt."""
    env = make_environment(autoescape=True)
    site_dir = plan.settings.site_dir
    homes = {lang: plan.find(lang, "home") for lang in LANGUAGES}
    (site_dir / "index.html").write_text(
        env.get_template("root-index.html.j2").render(
            strings={lang: data.strings[lang].site for lang in LANGUAGES},
            program=data.program,
            homes={lang: plan.site_path(homes[lang]) for lang in LANGUAGES},
            alternates=plan.alternates(homes["fr"]),
            canonical=plan.settings.site_url,
            hreflang=HREFLANG,
        ),
        encoding="utf-8",
    )
    redirect = env.get_template("shortlink.html.j2")
    for link in data.shortlinks:
        lang = link.lang
        target = plan.settings.base_path + link.to.lstrip("/")
        out = site_dir / link.path.lstrip("/") / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            redirect.render(
                lang=lang,
                target=target,
                absolute=plan.settings.site_url + link.to.lstrip("/"),
                strings=data.strings[lang].site,
            ),
            encoding="utf-8",
        )
    (site_dir / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {plan.settings.site_url}sitemap.xml\n",
        encoding="utf-8",
    )


def prepare_language(
    data: Content,
    plan: SitePlan,
    lang: Language,
    history: dict[Path, date] | None = None,
) -> tuple[list[str], Path]:
    """Stage a language's Markdown and assets and write its MkDocs configuration.

    Returns the placeholders its pages show and the configuration's path. `history`: the
    sources' last changes (`source_history`), when the caller prepares both languages.
    """
    settings = plan.settings
    cache = settings.out_dir / "cache"
    placeholders = stage_language(data, plan, lang, settings.staging_dir / lang, history, cache)
    write_social_image(data, lang, settings.staging_dir / lang, cache)
    stage_shell_page(data, lang, settings.staging_dir / lang)
    config_dir = settings.out_dir / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / f"mkdocs.{lang}.yml"
    path.write_text(
        dump_yaml(language_config(data, plan, lang)),
        encoding="utf-8",
    )
    return placeholders, path


def finish_language(data: Content, plan: SitePlan, lang: Language) -> None:
    """After MkDocs, in a language's root: its page shell exported, its sitemap, its feed."""
    settings = plan.settings
    export_shell(settings.site_dir, settings.out_dir, settings.base_path, lang)
    _write_sitemap(plan, settings.site_dir / lang / "sitemap.xml", (lang,))
    write_feed(data, plan, lang)


def finish_site(data: Content, plan: SitePlan) -> None:
    """The site's root, once both languages are built: the sitemap of both, `/`, short
    links, robots.txt, the content version and the 404 page (it reads the built pages)."""
    site_dir = plan.settings.site_dir
    _write_sitemap(plan, site_dir / "sitemap.xml", LANGUAGES)
    write_root_pages(data, plan)
    # What the pages were built from: the publish command ships them only with functions
    # carrying the same content (infra/bundle.py stamps the bundle the same way).
    (site_dir / "content-version.txt").write_text(data.version + "\n", encoding="utf-8")
    write_not_found_page(data, plan)
    # « Le programme en chiffres »' open data files, from the snapshot when there is one.
    write_open_data(data, plan)


def build_language(
    data: Content,
    plan: SitePlan,
    lang: Language,
    generate: Callable[[Path], None] = run_generator,
    purge_stylesheet: bool = True,
) -> list[str]:
    """One language into `site_dir/lang` (replaced), for a site folder holding no other
    language (the stylesheet step reads every page there: the preview builds one language
    per folder).

    `generate` runs MkDocs on the language's configuration (the preview keeps one warm);
    `purge_stylesheet=False` joins the stylesheets without the purge (the preview: no Node).
    Returns the placeholders the language's pages show.
    """
    placeholders, config = prepare_language(data, plan, lang)
    shutil.rmtree(plan.settings.site_dir / lang, ignore_errors=True)
    generate(config)
    write_site_stylesheet(plan.settings.site_dir, purged=purge_stylesheet)
    finish_language(data, plan, lang)
    write_search_index(plan, lang)
    return placeholders


def _clear_aside(folder: Path) -> threading.Thread:
    """Moves `folder` aside (a rename: instant) and removes it in a thread; join the thread
    to know it is gone. Leftovers of an interrupted build (`.<name>-old-*`) go too."""
    doomed = sorted(folder.parent.glob(f".{folder.name}-old-*"))
    if folder.exists():
        aside = folder.with_name(f".{folder.name}-old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(folder, aside)
        doomed.append(aside)

    def remove() -> None:
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)

    thread = threading.Thread(target=remove, name="clear-site", daemon=True)
    thread.start()
    return thread


class _Phases:
    """Seconds spent in each phase of a build, for the benchmark's table."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._mark = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._mark
        self._mark = now


def build(settings: BuildSettings) -> BuildResult:
    """The whole site into `settings.site_dir`; raises DataError or BuildError.

    The work overlaps where it can on a small machine: the MkDocs processes import while the
    Markdown is staged, and the French one builds while the English is staged (not in a
    release build: its placeholder check comes first); Pagefind indexes the pages while
    the stylesheet's purge reads them.
    """
    started = time.perf_counter()
    phases = _Phases()
    generators = Generators(settings.out_dir)
    try:
        data = load_content(settings.data_dir)
        plan = plan_site(data, settings)
        history = source_history(plan)
        phases.done("load data, plan, Git history")
        # The previous site is moved aside and removed while the build goes on.
        clearing = _clear_aside(settings.site_dir)
        settings.site_dir.mkdir(parents=True)
        shutil.rmtree(settings.out_dir / SHELL_DIR_NAME, ignore_errors=True)
        phases.done("clear the site folder")

        placeholders: dict[Language, list[str]] = {}
        configs: dict[Language, Path] = {}
        for lang in LANGUAGES:
            placeholders[lang], configs[lang] = prepare_language(data, plan, lang, history)
            if not settings.release:
                generators.start(configs[lang])
            phases.done(f"stage {lang} (Jinja, social image, config)")
        if settings.release and any(placeholders.values()):
            pages = sorted({p for uses in placeholders.values() for p in uses})
            raise DataError(
                settings.data_dir,
                PLACEHOLDER,
                "not allowed in a release, shown on " + ", ".join(pages),
            )
        for lang in LANGUAGES:
            if settings.release:
                generators.start(configs[lang])
        generators.wait()
    finally:
        generators.stop()
    phases.done("MkDocs, both languages (after staging)")
    search = SearchIndexing(plan).start()
    stylesheet = prepare_site_stylesheet(settings.site_dir, cache_dir=settings.out_dir / "cache")
    phases.done("stylesheet purge (Pagefind running)")
    search.wait()
    phases.done("Pagefind, rest after the purge")
    # Before the shells are exported: their links name the purged, fingerprinted stylesheet.
    apply_site_stylesheet(settings.site_dir, stylesheet)
    phases.done("pages rewritten (stylesheet link, indentation)")
    for lang in LANGUAGES:
        finish_language(data, plan, lang)
    finish_site(data, plan)
    clearing.join()
    phases.done("shells, sitemaps, feeds, root pages, 404")
    return BuildResult(plan, placeholders, time.perf_counter() - started, phases.seconds)
