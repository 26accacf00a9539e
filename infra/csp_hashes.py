"""The Content-Security-Policy hashes of the inline scripts and styles of a built site.

    python infra/csp_hashes.py build/site            # prints the script-src sources
    python infra/csp_hashes.py build/site --check    # exit 1 if the template's CSP lacks one

Material for MkDocs writes a few small inline scripts in every page (its storage scope,
the palette, tabbed content); a CSP without 'unsafe-inline' must list their SHA-256
hashes. The scope script embeds the page's relative base URL, so there is one hash per
folder depth. Scripts with a data type (`application/json`: Material's configuration)
are not run and need no hash. The forms API's answer pages carry their stylesheet in a
`<style>` element: its hash is in style-src (tests/infra/test_csp_browser.py renders them).
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


class _InlineCode(HTMLParser):
    """Collects the text of inline `<script>` (of a type that runs) and `<style>` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: dict[str, list[str]] = {"script": [], "style": []}
        self._tag = ""
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").strip().lower()
        if (tag == "script" and "src" not in attributes and kind in _RUN_TYPES) or tag == "style":
            self._tag, self._current = tag, []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag and self._current is not None:
            self.found[tag].append("".join(self._current))
            self._tag, self._current = "", None


def page_hashes(html: str) -> dict[str, set[str]]:
    """The hashes one page needs: {"script": {...}, "style": {...}}."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return {tag: {source_hash(code) for code in codes} for tag, codes in parser.found.items()}


def source_hash(script: str) -> str:
    """The CSP source expression of one inline script ('sha256-…')."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_hashes(site: Path, tag: str = "script") -> dict[str, list[Path]]:
    """Each hash of the site's inline `tag` elements → the pages that carry it."""
    found: dict[str, list[Path]] = {}
    for page in sorted(site.rglob("*.html")):
        for source in page_hashes(page.read_text(encoding="utf-8"))[tag]:
            found.setdefault(source, []).append(page.relative_to(site))
    return found


def template_csp(path: Path = TEMPLATE) -> str:
    """The Content-Security-Policy the template's response-headers policies send."""
    # Imported here so the hash functions above need nothing but the standard library.
    from stack.template import load_template

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
    missing = 0
    for tag in ("script", "style"):
        hashes = inline_hashes(args.site, tag)
        if not args.check:
            print(f"{tag}-src:", " ".join(sorted(hashes)))
            continue
        allowed = set(directive(template_csp(), f"{tag}-src"))
        for source, pages in sorted(hashes.items()):
            if source not in allowed:
                missing += 1
                print(f"{tag}-src lacks {source} (e.g. {pages[0]}, {len(pages)} pages)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
