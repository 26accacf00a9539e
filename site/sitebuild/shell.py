"""The site's page shell, exported per language for the forms API.

Every page the API answers (confirmation, errors, refusals, the assessment result) is a
page of the site: same header, menu, language switch, footer and stylesheets, with and
without JavaScript. The build stages one extra page per language (`vnb-shell.md`, outside
the menu, the sitemaps and the published site), lets MkDocs render it like any page, then
turns its HTML into a Jinja template: `build/shell/<lang>.html`, whose blocks `title`,
`head` and `main` and variables `heading` and `switch_href` the function fills in. The
function's bundle carries that folder (infra/bundle.py).
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import yaml
from content_model import Content, Language

SHELL_PAGE = "vnb-shell.md"
SHELL_DIR_NAME = "shell"
_TITLE = "vnb-answer"
_MAIN = "VNB-ANSWER-MAIN"
_SWITCH = "VNB-ANSWER-SWITCH"


def stage_shell_page(data: Content, lang: Language, docs_dir: Path) -> None:
    """The shell page in a language's staging folder (not in pages.yml: never published)."""
    other: Language = "en" if lang == "fr" else "fr"
    meta = {
        "title": _TITLE,
        "description": data.strings[lang].site["description"],
        "hide": ["toc", "footer"],
        "vnb_shell": True,
        "vnb_forms": True,
        "vnb": {
            "alternates": [],
            "switch": {
                "href": _SWITCH,
                "lang": other,
                "hreflang": {"fr": "fr-CA", "en": "en-CA"}[other],
                "label": data.strings[other].site["language_name"],
            },
        },
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    (docs_dir / SHELL_PAGE).write_text(f"---\n{front}---\n# {_TITLE}\n\n{_MAIN}\n", "utf-8")


def _raw(text: str) -> str:
    """Literal HTML inside a Jinja template."""
    return "{% raw %}" + text + "{% endraw %}"


def _absolute(html: str, page_path: str) -> str:
    """Relative href/src (and data-src: a script loaded after the first paint) made absolute
    from the host root: the answers are served from /api/…, not from the shell page's own
    folder."""

    def resolve(match: re.Match[str]) -> str:
        value = match.group(2)
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", value) or value.startswith(_SWITCH):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(page_path, value))
        if value.endswith("/") or value in (".", ".."):
            resolved = resolved.rstrip("/") + "/"
        return f'{match.group(1)}="{resolved}"'

    return re.sub(r'(\s(?:href|src|data-src))="([^"]*)"', resolve, html)


def shell_template(html: str, page_path: str) -> str:
    """A rendered shell page → a Jinja template of the site's layout."""
    html = _absolute(html, page_path)
    # What belongs to the shell page itself, not to an answer: its canonical address and
    # its social previews (answers are never indexed).
    html = "\n".join(
        line
        for line in html.splitlines()
        if "vnb-shell/" not in line and 'rel="canonical"' not in line
    )
    replacements = [
        # The main content first: the heading pattern below would find the h1's text too.
        (
            "main",
            rf'<h1 id="{_TITLE}">{_TITLE}</h1>\s*<p>{_MAIN}</p>',
            "{% block main %}{% endblock %}",
        ),
        ("title", r"<title>.*?</title>", "<title>{% block title %}{% endblock %}</title>"),
        (
            "head",
            r"</head>",
            '<meta name="robots" content="noindex">{% block head %}{% endblock %}</head>',
        ),
        ("switch", rf'href="{_SWITCH}"', 'href="{{ switch_href }}"'),
        ("heading", rf">\s*{_TITLE}\s*<", ">{{ heading }}<"),
    ]
    tokens: list[str] = []
    for name, pattern, replacement in replacements:
        html, found = re.subn(pattern, f"\x00{len(tokens)}\x00", html, flags=re.S)
        if not found:
            raise ValueError(f"shell page: no {name} found in the rendered page")
        tokens.append(replacement)
    parts = html.split("\x00")
    # Even parts are the page's own HTML, odd parts the number of a Jinja replacement.
    return "".join(
        tokens[int(part)] if i % 2 else _raw(part) for i, part in enumerate(parts) if part or i % 2
    )


def export_shell(site_dir: Path, out_dir: Path, base_path: str, lang: Language) -> Path:
    """`build/shell/<lang>.html` from the language's rendered shell page, which is then
    removed from the site (it is not a page anyone should reach)."""
    target = out_dir / SHELL_DIR_NAME
    target.mkdir(parents=True, exist_ok=True)
    folder = site_dir / lang / SHELL_PAGE.removesuffix(".md")
    html = (folder / "index.html").read_text(encoding="utf-8")
    page_path = f"{base_path}{lang}/{SHELL_PAGE.removesuffix('.md')}/"
    shell = target / f"{lang}.html"
    shell.write_text(shell_template(html, page_path), "utf-8")
    shutil.rmtree(folder)
    return shell
