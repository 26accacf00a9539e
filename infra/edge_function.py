"""The template that is deployed: infra/template.yaml with the edge function's code filled in.

    python infra/edge_function.py build/infra     # writes template.yaml and samconfig.toml
    python infra/edge_function.py --code          # prints the function's code

`infra/template.yaml` does not hold the CloudFront Function's code: its `FunctionCode` is
`!Ref EdgeFunctionCodeNotRendered`, which no deployment accepts. This script puts in its
place `infra/edge/viewer-request.js` with the short links of `content/data/shortlinks.yml`
(their one source) in its empty table, checks the result against CloudFront Functions'
10 KB limit, points the template's relative code folders (`CodeUri`) at the same place
from the output folder, and copies `samconfig.toml` beside it: `sam build` and `sam deploy`
run there (`make infra-template`, README "Deployment"). The tests lint, scan and transform
this output, and run its function code in Node.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

INFRA = Path(__file__).resolve().parent
REPO = INFRA.parent
TEMPLATE = INFRA / "template.yaml"
SAMCONFIG = INFRA / "samconfig.toml"
FUNCTION_SOURCE = INFRA / "edge" / "viewer-request.js"
SHORTLINKS = REPO / "content" / "data" / "shortlinks.yml"
OUT_DIR = REPO / "build" / "infra"

# CloudFront Functions' maximum function size (code and comments, in bytes).
MAX_CODE_BYTES = 10 * 1024
TABLE_MARKER = re.compile(r"^var SHORT_LINKS = \{\};.*$", re.MULTILINE)
CODE_PLACEHOLDER = re.compile(r"^( *)FunctionCode: !Ref EdgeFunctionCodeNotRendered[ \t]*$", re.M)
# SAM properties holding a local folder that `sam build` / `sam package` resolve from the
# template's own folder.
LOCAL_PATH = re.compile(r"^( *(?:CodeUri|ContentUri|DefinitionUri): *)([^\s#'\"]+)[ \t]*$", re.M)
# What content/data/shortlinks.yml may hold (the site build checks the same, and that each
# target is a page): a short path, and a page of one language. Nothing else may reach a
# Location header.
SHORT_PATH = re.compile(r"/(?:[a-z0-9-]+/)*[a-z0-9-]+")
PAGE_PATH = re.compile(r"/(?:fr|en)/(?:[a-z0-9-]+/)*")


class RenderError(Exception):
    """The function or the template cannot be rendered; says which file and why."""


def short_links(path: Path = SHORTLINKS) -> dict[str, str]:
    """Short path → page, in the file's order; refuses anything but a short path and a page."""
    entries: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise RenderError(f"{path}: a list of {{path: …, to: …}} is expected")
    links: dict[str, str] = {}
    for i, entry in enumerate(entries):
        short = entry.get("path") if isinstance(entry, dict) else None
        target = entry.get("to") if isinstance(entry, dict) else None
        if not (isinstance(short, str) and SHORT_PATH.fullmatch(short)):
            raise RenderError(f"{path}: [{i}].path {short!r} is not a short path like /inscription")
        if not (isinstance(target, str) and PAGE_PATH.fullmatch(target)):
            raise RenderError(f"{path}: [{i}].to {target!r} is not a page like /fr/inscription/")
        if short in links:
            raise RenderError(f"{path}: [{i}].path {short} is declared twice")
        links[short] = target
    return links


def function_code(source: Path = FUNCTION_SOURCE, shortlinks: Path = SHORTLINKS) -> str:
    """The function's code with its short links table, as CloudFront runs it."""
    code = source.read_text(encoding="utf-8")
    if len(TABLE_MARKER.findall(code)) != 1:
        raise RenderError(f"{source}: one line `var SHORT_LINKS = {{}};` is expected")
    rows = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in short_links(shortlinks).items()]
    table = (
        "var SHORT_LINKS = {" + ",".join(f"\n{row}" for row in rows) + ("\n};" if rows else "};")
    )
    table = f"// Rendered from content/data/shortlinks.yml by infra/edge_function.py.\n{table}"
    code = TABLE_MARKER.sub(lambda _: table, code)
    size = len(code.encode("utf-8"))
    if size > MAX_CODE_BYTES:
        raise RenderError(
            f"the edge function is {size} bytes, over CloudFront Functions' {MAX_CODE_BYTES}: "
            f"shorten {source.name}'s comments, or move the short links to a KeyValueStore"
        )
    return code


def render_template(template_text: str, code: str, source_dir: Path, out_dir: Path) -> str:
    """The template's text with the function's code in place and its local folders re-aimed."""
    placeholders = CODE_PLACEHOLDER.findall(template_text)
    if len(placeholders) != 1:
        raise RenderError(
            "infra/template.yaml: one `FunctionCode: !Ref EdgeFunctionCodeNotRendered` "
            f"is expected, found {len(placeholders)}"
        )
    if "\t" in code:
        raise RenderError(f"{FUNCTION_SOURCE.name}: indent with spaces (YAML has no tabs)")

    def block(match: re.Match[str]) -> str:
        indent = match.group(1) + "  "
        lines = [indent + line if line else "" for line in code.rstrip("\n").split("\n")]
        return f"{match.group(1)}FunctionCode: |\n" + "\n".join(lines)

    def local_path(match: re.Match[str]) -> str:
        value = match.group(2)
        if "://" in value or value.startswith("/"):
            return match.group(0)
        moved = os.path.relpath(source_dir / value, out_dir)
        return match.group(1) + moved + ("/" if value.endswith("/") else "")

    text = CODE_PLACEHOLDER.sub(block, template_text)
    return LOCAL_PATH.sub(local_path, text)


def render(out_dir: Path = OUT_DIR, template: Path = TEMPLATE) -> Path:
    """Writes the deployed template (and samconfig.toml beside it); returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = render_template(
        template.read_text(encoding="utf-8"), function_code(), template.parent, out_dir.resolve()
    )
    out = out_dir / "template.yaml"
    out.write_text(text, encoding="utf-8")
    shutil.copyfile(SAMCONFIG, out_dir / SAMCONFIG.name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=OUT_DIR)
    parser.add_argument("--code", action="store_true", help="print the function's code only")
    args = parser.parse_args(argv)
    try:
        if args.code:
            sys.stdout.write(function_code())
            return 0
        out = render(args.out_dir)
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = len(function_code().encode("utf-8"))
    print(f"{out} (edge function: {size} of {MAX_CODE_BYTES} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
