"""Helpers of the stylesheet tests: what a stylesheet's selectors name, what the site's
sources use, and the gzip bytes a page needs before it can render.

The class finders here read each source the way a browser would meet it (class
attributes of the built pages and of the forms' templates, the DOM calls of the scripts),
not the way PurgeCSS's extractors do (site/sitebuild/stylesheet.cjs), so the tests check
the purge instead of repeating it.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin, urlsplit

import material

BUDGET = 14 * 1024
"""Bytes (gzip) of a page and its render-blocking files: the first TCP congestion window
(10 segments of 1,460 bytes = 14,600 bytes) less room for the response headers."""

MATERIAL_STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
# Presence selectors only (`[hidden]`, `[disabled]`): whether `[data-md-level="1"]` can
# match depends on values, which is PurgeCSS's business, not a name's.
_ATTRIBUTE = re.compile(r"\[\s*([_a-zA-Z][_a-zA-Z0-9-]*)\s*\]")
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def material_stylesheet() -> str:
    """The stylesheet Material ships (the build replaces it by the purged one)."""
    (path,) = MATERIAL_STYLESHEETS.glob("main.*.min.css")
    return path.read_text(encoding="utf-8")


def selectors(css: str) -> list[str]:
    """The selector lists of a stylesheet's style rules, at any @media/@supports depth."""
    text = _STRING.sub('""', _COMMENT.sub("", css))
    found: list[str] = []
    prelude: list[str] = []
    skip_depth = 0  # inside a declaration block
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
            head = "".join(prelude).strip()
            prelude = []
            if skip_depth:
                continue
            if head.startswith("@"):
                # @media / @supports hold rules; @font-face, @page, @keyframes hold no selectors.
                if not re.match(r"@(media|supports|layer|container)\b", head):
                    skip_depth = depth
            else:
                found.append(head)
                skip_depth = depth
        elif char == "}":
            if skip_depth == depth:
                skip_depth = 0
            depth -= 1
            prelude = []
        elif char == ";" and not skip_depth:
            prelude = []  # @charset, @import
        elif not skip_depth:
            prelude.append(char)
    return found


@dataclass(frozen=True)
class Names:
    """Classes and attribute names a stylesheet's selectors (or a source) mention."""

    classes: frozenset[str] = field(default_factory=frozenset)
    attributes: frozenset[str] = field(default_factory=frozenset)

    def __or__(self, other: Names) -> Names:
        return Names(self.classes | other.classes, self.attributes | other.attributes)


def split_list(selector_list: str) -> list[str]:
    """`a, b:is(c, d)` → [`a`, `b:is(c, d)`]: the complex selectors of a list."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in selector_list:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def selector_names(selector: str) -> Names:
    classes = _CLASS.findall(re.sub(r"\[[^\]]*\]", "", selector))
    attributes = (a.lower() for a in _ATTRIBUTE.findall(selector))
    return Names(frozenset(classes), frozenset(attributes))


def stylesheet_names(css: str, within: Names | None = None) -> Names:
    """What the selectors of `css` name; with `within`, only the selectors whose classes
    are all in it (the others cannot match, whatever they name)."""
    names = Names()
    for selector_list in selectors(css):
        for selector in split_list(selector_list):
            found = selector_names(selector)
            if within is None or found.classes <= within.classes:
                names = names | found
    return names


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.classes: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.attributes.add(name)
            if name == "class" and value:
                self.classes.update(value.split())


def markup_names(html: str) -> Names:
    """Classes and attributes of an HTML page (`<template>` contents included)."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return Names(frozenset(parser.classes), frozenset(parser.attributes))


def template_names(source: str) -> Names:
    """A Jinja template's markup, each `{% … %}` / `{{ … }}` read as a space: every class
    it can write (`class="a{% if x %} b{% endif %}"` → a, b)."""
    return markup_names(_JINJA.sub(" ", source))


_SCRIPT_CLASSES = (
    re.compile(r"\.className\s*=\s*\"([^\"]*)\""),
    re.compile(r"classList\.(?:add|remove|toggle|contains)\(([^)]*)\)"),
    re.compile(r"setAttribute\(\s*\"class\"\s*,\s*\"([^\"]*)\""),
)
_SCRIPT_SELECTORS = re.compile(r"(?:querySelector(?:All)?|closest|matches)\(\s*[\"']([^\"']*)")
_SCRIPT_ATTRIBUTES = (
    re.compile(r"setAttribute\(\s*\"([\w-]+)\""),
    # Reflected properties set as attributes: `button.disabled = true`, `section.hidden = …`.
    re.compile(r"\.(hidden|disabled|checked|required|selected|open)\s*=[^=]"),
)


def script_names(source: str) -> Names:
    """What a script's DOM calls add to the page: classes (className, classList,
    setAttribute("class") and the selectors it looks for) and attributes it sets."""
    classes: set[str] = set()
    for pattern in _SCRIPT_CLASSES:
        for found in pattern.findall(source):
            classes.update(re.findall(r"[\w-]+", found))
    for selector in _SCRIPT_SELECTORS.findall(source):
        classes.update(_CLASS.findall(selector))
    attributes = {a for pattern in _SCRIPT_ATTRIBUTES for a in pattern.findall(source)}
    return Names(frozenset(classes - {"class"}), frozenset(attributes - {"class"}))


def lost(used: Names, unpurged_css: str, purged_css: str) -> Names:
    """What the sources use that a selector able to match named before the purge, and no
    selector names after it."""
    before = stylesheet_names(unpurged_css, within=used)
    after = stylesheet_names(purged_css)
    return Names(
        frozenset(c for c in used.classes & before.classes if c not in after.classes),
        frozenset(a for a in used.attributes & before.attributes if a not in after.attributes),
    )


class _RenderBlocking(HTMLParser):
    """Stylesheets (anywhere: one in the body blocks what follows it) and classic scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        stylesheet = tag == "link" and "stylesheet" in a.get("rel", "").split()
        if stylesheet and a.get("href") and a.get("media", "all") in ("", "all", "screen"):
            self.urls.append(a["href"])
        classic = tag == "script" and a.get("type", "") != "module"
        if classic and a.get("src") and not ({"async", "defer"} & a.keys()):
            self.urls.append(a["src"])


def render_blocking(html: str) -> list[str]:
    parser = _RenderBlocking()
    parser.feed(html)
    parser.close()
    return parser.urls


def render_path(site: Path, address: str, html: bytes) -> dict[str, int]:
    """gzip bytes of the page served at `address` and of each file it must load first."""
    weights = {"html": gzip_size(html)}
    for url in render_blocking(html.decode("utf-8")):
        path = urlsplit(urljoin(address, url)).path
        weights[path] = gzip_size((site / path.lstrip("/")).read_bytes())
    return weights


def address_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def helper_module(folder: str, name: str) -> ModuleType:
    """A helper module of another test folder (`tests/<folder>/<name>.py`), imported once."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
