"""Assemble the forms functions' code bundle for Lambda (arm64, Python 3.13).

    python infra/bundle.py build/lambda          # what `make lambda-bundle` runs
    python infra/bundle.py build/lambda --no-deps

The bundle holds the `forms_api` package, a copy of `content/data/` (the functions read
the questionnaire, branches and strings from it: CONTENT_DATA_DIR in the template) and
the libraries of `infra/lambda-requirements.txt`, downloaded as Linux arm64 wheels so
the bundle built on any machine runs on Lambda. boto3 comes from the runtime;
Powertools and pydantic from the public Powertools layer. `sam build` then copies it
(CodeUri in the template's Globals).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REQUIREMENTS = Path(__file__).with_name("lambda-requirements.txt")
SOURCES = {
    REPO / "functions" / "forms_api": Path("forms_api"),
    REPO / "content" / "data": Path("content") / "data",
}
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


def copy_sources(dest: Path) -> None:
    for source, target in SOURCES.items():
        shutil.copytree(source, dest / target, ignore=_SKIP)


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
        "3.13",
        "--only-binary=:all:",
        "--requirement",
        str(REQUIREMENTS),
    ]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, no shell


def bundle(dest: Path, *, dependencies: bool = True) -> None:
    """Write a fresh bundle into `dest` (emptied first: a removed module must not linger)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    copy_sources(dest)
    if dependencies:
        install_requirements(dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="bundle folder, e.g. build/lambda")
    parser.add_argument("--no-deps", action="store_true", help="skip the wheels (tests)")
    args = parser.parse_args(argv)
    bundle(args.dest, dependencies=not args.no_deps)
    print(f"bundle written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
