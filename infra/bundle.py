"""Assemble the forms functions' code bundle for Lambda (arm64, Python 3.13).

    python infra/bundle.py build/lambda          # what `make lambda-bundle` runs
    python infra/bundle.py build/lambda --no-deps
    python infra/bundle.py build/lambda --compile-with /path/to/python3.13

The bundle holds the `forms_api` package, a copy of `content/data/` (the functions read
the questionnaire, branches and strings from it: CONTENT_DATA_DIR in the template) and
the libraries of `infra/lambda-requirements.txt`, downloaded as Linux arm64 wheels so
the bundle built on any machine runs on Lambda. boto3 comes from the runtime;
Powertools and pydantic from the public Powertools layer. `sam build` then copies it
(CodeUri in the template's Globals).

Lambda's code folder is read-only, so Python compiles every module it imports at each cold
start unless the bundle carries bytecode. Only a Python 3.13 can write 3.13 bytecode:
`--compile-with` names one (`make lambda-bundle LAMBDA_PYTHON=…`); the files are
hash-checked-free (`unchecked-hash`) because zip archives do not keep exact mtimes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REQUIREMENTS = Path(__file__).with_name("lambda-requirements.txt")
RUNTIME_VERSION = "3.13"  # the template's Runtime: python3.13
SOURCES = {
    REPO / "functions" / "forms_api": Path("forms_api"),
    # The one model of the content data: the functions validate content/data with it.
    REPO / "functions" / "content_model": Path("content_model"),
    # The nightly numbers function (« Le programme en chiffres »).
    REPO / "functions" / "progress": Path("progress"),
    REPO / "content" / "data": Path("content") / "data",
}
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


# The site's page shell (`make build` exports it): the functions' answers are its pages.
SHELL = REPO / "build" / "shell"


class NoSiteShell(FileNotFoundError):
    """The bundle needs the site built first (`make build`), for its page shell."""


def copy_sources(dest: Path, shell: Path | None = SHELL) -> None:
    for source, target in SOURCES.items():
        shutil.copytree(source, dest / target, ignore=_SKIP)
    if shell is not None:
        if not (shell / "fr.html").is_file():
            raise NoSiteShell(f"{shell}: no site shell; build the site first (make build)")
        shutil.copytree(shell, dest / "shell")


def install_requirements(dest: Path) -> None:
    # Binary wheels for the Lambda platform only: a source build would target this machine.
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(dest),
        "--platform",
        "manylinux2014_aarch64",
        "--implementation",
        "cp",
        "--python-version",
        RUNTIME_VERSION,
        "--only-binary=:all:",
        "--requirement",
        str(REQUIREMENTS),
    ]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, no shell


class WrongPython(RuntimeError):
    """The interpreter given to compile the bundle is not the runtime's version."""


def compile_bytecode(dest: Path, python: Path) -> None:
    version = subprocess.run(  # noqa: S603 - the interpreter the user named, fixed arguments
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != RUNTIME_VERSION:
        raise WrongPython(f"{python} is Python {version}; Lambda runs {RUNTIME_VERSION}")
    command = [str(python), "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
    subprocess.run([*command, str(dest)], check=True)  # noqa: S603 - fixed arguments


VERSION_FILE = "content-version.txt"


def stamp(dest: Path) -> str:
    """Write the content version of the data the bundle carries (the publish command
    compares it with the site's, see site/sitebuild/build.py)."""
    sys.path.insert(0, str(REPO / "functions"))
    from content_model import content_version

    version = content_version(dest / "content" / "data")
    (dest / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    return version


def bundle(
    dest: Path,
    *,
    dependencies: bool = True,
    compile_with: Path | None = None,
    shell: Path | None = SHELL,
) -> None:
    """Write a fresh bundle into `dest` (emptied first: a removed module must not linger)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    copy_sources(dest, shell)
    stamp(dest)
    if dependencies:
        install_requirements(dest)
    if compile_with is not None:
        compile_bytecode(dest, compile_with)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="bundle folder, e.g. build/lambda")
    parser.add_argument("--no-deps", action="store_true", help="skip the wheels (tests)")
    parser.add_argument("--compile-with", type=Path, help="a Python 3.13 to write bytecode")
    args = parser.parse_args(argv)
    bundle(args.dest, dependencies=not args.no_deps, compile_with=args.compile_with)
    print(f"bundle written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
