"""The languages' MkDocs builds, in a process started before their configurations exist.

`python -m sitebuild.generate --cache DIR` imports MkDocs and Material at once (a third of a
second of CPU), then reads its standard input: one line per language, the path of its
configuration, which the build driver writes as soon as it has staged that language. Each
line forks a child that builds it, so the languages build in parallel without importing
twice, and the imports overlap the staging. It ends when its input ends, once every child
has; its exit status is 1 if one failed. An input without a line (the driver stopped first:
invalid data) ends it without building.

Each child is `mkdocs build --strict -f CONFIG`, with two savings that change no output:
- Material's templates are compiled once and kept in a Jinja bytecode cache (`DIR`, under
  the build's output folder; Jinja checks each template's source checksum, so an edited
  template compiles again): the next build skips compiling about thirty templates;
- while it waits for the first configuration, it compiles the theme's templates into that
  cache (`main.html`, `404.html` and every template they name, followed through their
  includes, imports and extends; `--custom-dir` is the configurations' `theme.custom_dir`):
  the children then load them instead of compiling them each;
- the theme's files are listed without walking its dot folders (Material's `.icons/`,
  14,000 icons the templates inline): MkDocs leaves every dot folder out of the files it
  copies anyway.

MkDocs' warnings go to the standard output, each line prefixed by its configuration's name
(the driver shows them when a build fails); with `strict`, MkDocs counts them and stops, as
the command line does.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from importlib import metadata
from pathlib import Path

import jinja2
from jinja2 import meta
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.theme import Theme


class ThemeLoader(jinja2.FileSystemLoader):
    """MkDocs' theme loader, listing the theme's files without descending into dot folders."""

    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for folder, subfolders, files in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, searchpath)
                for name in files:
                    path = name if relative == "." else os.path.join(relative, name)
                    found.add(path.replace(os.path.sep, "/"))
        return sorted(found)


def use_cache(cache_dir: Path) -> None:
    """Every theme environment of this process gets the loader above and the bytecode cache
    (a folder per version of Jinja, MkDocs and Material: their environment's options shape
    the compiled code, which Jinja does not check)."""
    versions = "-".join(
        metadata.version(package) for package in ("jinja2", "mkdocs", "mkdocs-material")
    )
    folder = cache_dir / versions
    folder.mkdir(parents=True, exist_ok=True)
    bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    fresh = Theme.get_env

    def get_env(theme: Theme) -> jinja2.Environment:
        env = fresh(theme)
        env.loader = ThemeLoader(list(theme.dirs))
        env.bytecode_cache = bytecode
        return env

    # This process only runs this build: no other user of MkDocs sees the change.
    Theme.get_env = get_env  # type: ignore[method-assign, assignment]


def precompile(theme_name: str, custom_dir: str | None) -> int:
    """Compiles the templates a build of this theme renders into the bytecode cache (the
    ones already there are left); returns how many it found."""
    theme = Theme(name=theme_name, custom_dir=custom_dir)
    env = theme.get_env()
    cache = env.bytecode_cache
    loader = env.loader
    if cache is None or loader is None:
        return 0
    todo, seen = ["main.html", "404.html"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        tree = env.parse(source, name, filename)
        bucket = cache.get_bucket(env, name, filename, source)
        if bucket.code is None:
            bucket.code = env.compile(tree, name, filename)
            cache.set_bucket(bucket)
        # Names built at run time (a language's partial) are None here: compiled when used.
        todo.extend(ref for ref in meta.find_referenced_templates(tree) if ref)
    return len(seen)


def generate(config_file: str) -> int:
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    handler = logging.StreamHandler(sys.stdout)
    handler.setLevel(logging.WARNING)
    name = Path(config_file).name
    handler.setFormatter(logging.Formatter(f"{name}: %(levelname)s - %(message)s"))
    logger.addHandler(handler)
    try:
        build(load_config(config_file, strict=True))
    except MkDocsException as error:
        print(f"{name}: ERROR - {error}")
        return 1
    return 0


def _child(config_file: str) -> None:
    """The forked child: one build, then out without running the parent's clean-up."""
    code = 1
    try:
        code = generate(config_file)
    except BaseException:  # reported; the status says it failed
        traceback.print_exc(file=sys.stdout)
    finally:
        sys.stdout.flush()
        os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitebuild.generate", description=__doc__)
    parser.add_argument("--cache", type=Path, required=True, help="Jinja bytecode cache folder")
    parser.add_argument("--theme", default="material", help="the theme to compile ahead")
    parser.add_argument("--custom-dir", help="the configurations' theme.custom_dir")
    args = parser.parse_args(argv)
    use_cache(args.cache)
    precompile(args.theme, args.custom_dir)
    children: dict[int, str] = {}
    while line := sys.stdin.readline():
        config_file = line.strip()
        if not config_file:
            continue
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(config_file)
        children[pid] = config_file
    failed = False
    for pid, config_file in children.items():
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            print(f"{Path(config_file).name}: the build stopped")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
