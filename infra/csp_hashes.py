"""The Content-Security-Policy hashes of the inline scripts of a built site.

    python infra/csp_hashes.py build/site            # prints the script-src sources
    python infra/csp_hashes.py build/site --check    # exit 1 if the template's CSP lacks one

Material for MkDocs writes a few small inline scripts in every page (its storage scope,
the palette, tabbed content); a CSP without 'unsafe-inline' must list their SHA-256
hashes. The scope script embeds the page's relative base URL, so there is one hash per
folder depth. Scripts with a data type (`application/json`: Material's configuration)
are not run and need no hash.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().with_name("template.yaml")
# Script types a browser runs (the HTML standard's JavaScript MIME type essences + module).
_RUN_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").strip().lower()
        if "src" not in attributes and kind in _RUN_TYPES:
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def source_hash(script: str) -> str:
    """The CSP source expression of one inline script ('sha256-…')."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(site: Path) -> dict[str, list[Path]]:
    """Each inline script hash of the site → the pages that carry it."""
    found: dict[str, list[Path]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        for script in parser.scripts:
            found.setdefault(source_hash(script), []).append(page.relative_to(site))
    return found


def template_csp(path: Path = TEMPLATE) -> str:
    """The Content-Security-Policy the template's response-headers policies send."""
    # Imported here so the hash functions above need nothing but the standard library.
    from localdev.tables import load_template

    template: dict[str, Any] = load_template(path)
    csp: str = template["Mappings"]["Headers"]["Site"]["ContentSecurityPolicy"]
    return " ".join(csp.split())


def directive(csp: str, name: str) -> list[str]:
    """The sources of one directive of a policy (empty when absent)."""
    for part in csp.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. build/site")
    parser.add_argument("--check", action="store_true", help="compare with the template")
    args = parser.parse_args(argv)
    hashes = inline_script_hashes(args.site)
    if not args.check:
        print(" ".join(sorted(hashes)))
        return 0
    allowed = set(directive(template_csp(), "script-src"))
    missing = {h: pages for h, pages in hashes.items() if h not in allowed}
    for source, pages in sorted(missing.items()):
        print(f"missing {source} (e.g. {pages[0]}, {len(pages)} pages)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
