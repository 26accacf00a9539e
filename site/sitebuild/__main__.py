"""`python -m sitebuild build [--release]`: the whole site into build/site/;
`python -m sitebuild check [--release]`: the content check for staff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from content_model import DataError

from .build import BuildError, build
from .settings import settings_from_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitebuild", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build both languages into build/site/")
    build_cmd.add_argument("--release", action="store_true", help="refuse À CONFIRMER placeholders")
    build_cmd.add_argument("--content", type=Path, help="content folder (default: content/)")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: build/)")
    build_cmd.add_argument(
        "--timings", action="store_true", help="print the seconds of each phase (tab-separated)"
    )
    check_cmd = commands.add_parser("check", help="check content/ for staff (French, English)")
    check_cmd.add_argument("--release", action="store_true", help="fail while placeholders remain")
    check_cmd.add_argument("--content", type=Path, help="content folder (default: content/)")
    args = parser.parse_args(argv)

    overrides: dict[str, object] = {"release": args.release}
    if args.content:
        overrides["content_dir"] = args.content.resolve()
    if getattr(args, "out", None):
        overrides["out_dir"] = args.out.resolve()
    settings = settings_from_env(**overrides)
    if args.command == "check":
        from .check import run

        return run(settings)
    try:
        result = build(settings)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.timings:
        for phase, seconds in result.phases.items():
            print(f"phase\t{phase}\t{seconds:.4f}")
    shown = sum(len(uses) for uses in result.placeholders.values())
    print(
        f"built {settings.site_dir} in {result.seconds:.1f} s"
        f" ({shown} « À CONFIRMER » placeholders shown)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
