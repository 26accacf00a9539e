"""Typography and spelling of what the site says, in the built pages and in the strings the
forms API shows on its own pages.

French: a non-breaking space (U+00A0, the house choice) before « : ; ? ! », typographic
apostrophes (’). English: Canadian spellings (-ize, -yze), not British -ise ones.
Code, addresses (URLs, e-mail) and the « À confirmer » placeholders are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sitebuild.settings import REPO_ROOT
from sitetests import BuiltSite

pytestmark = pytest.mark.slow  # reads the session build

DATA = REPO_ROOT / "content" / "data"
NBSP = "\u00a0"
SKIPPED = {"code", "pre", "kbd", "samp", "script", "style", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SHOWN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
SHOWN_META = {"description", "og:title", "og:description", "og:image:alt", "twitter:image:alt"}
# Left out of the checks: addresses and the placeholder as shown to visitors.
ADDRESS = re.compile(r"\b(?:https?|mailto|tel):\S+|\bwww\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")
PLACEHOLDERS = ("À confirmer", "To be confirmed")
# British spellings a Canadian text writes with -ize / -yze (Canadian Oxford, Canada.ca style).
BRITISH = re.compile(
    r"\b(?:modern|personal|optim|organ|recogn|priorit|real|custom|minim|maxim|final|author"
    r"|categor|summar|util|special|standard|visual|central|local|capital|normal|memor"
    r"|familiar|emphas|apolog|critic|digit|initial|mobil|monet|popular|synchron|global"
    r"|stabil|general|harmon|symbol|sanit|legal)is(?:e|es|ed|ing|ation|ations|er|ers)\b"
    r"|\b(?:analys|paralys|catalys)(?:e|es|ed|ing)\b",
    re.IGNORECASE,
)


class Text(HTMLParser):
    """The text a visitor reads or hears in one language: element text, the attributes
    screen readers announce, the page's description. Another language's parts (`lang`
    attribute) and code are left out; a left-out part leaves a mark (NUL) in its place."""

    def __init__(self, html: str, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.feed(html)

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        other_language = "lang" in values and not values["lang"].startswith(self.lang)
        skip = self.skipping or tag in SKIPPED or other_language
        if not skip:
            for name in SHOWN_ATTRIBUTES:
                if values.get(name):
                    self.parts.append("\x00" + values[name] + "\x00")
            if tag == "meta" and (values.get("name") or values.get("property")) in SHOWN_META:
                self.parts.append("\x00" + values.get("content", "") + "\x00")
        if tag in VOID:
            return
        if skip and not self.skipping:
            self.parts.append("\x00")
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        text = ADDRESS.sub("\x00", "".join(self.parts))
        for placeholder in PLACEHOLDERS:
            text = text.replace(placeholder, "\x00")
        return text


def french_mistakes(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"[:;?!']", text):
        i = match.start()
        mark = match.group()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if mark == "'":
            problem = "straight apostrophe (use ’)"
        elif before == NBSP:
            continue
        elif mark == ":" and before.isdigit() and after.isdigit():
            continue  # a time of day, 14:30
        else:
            problem = f"no non-breaking space before « {mark} »"
        context = text[max(0, i - 30) : i + 10].replace("\x00", "…").replace(NBSP, "⍽")
        found.append(f"{problem}: {' '.join(context.split())!r}")
    return found


def pages(site: BuiltSite, lang: str) -> list[Path]:
    return [*site.html_pages(), site.root / "fr" / "404.html", site.root / "en" / "404.html"]


def test_french_pages_have_typographic_apostrophes_and_nbsp_before_double_marks(
    site: BuiltSite,
) -> None:
    problems = []
    for path in pages(site, "fr"):
        if path.relative_to(site.root).parts[0] != "fr":
            continue
        text = Text(path.read_text(encoding="utf-8"), "fr").text()
        problems += [f"{path.relative_to(site.root)}: {m}" for m in french_mistakes(text)]
    assert problems == [], "\n".join(problems)


def test_english_pages_use_canadian_spellings(site: BuiltSite) -> None:
    problems = []
    for path in pages(site, "en"):
        if path.relative_to(site.root).parts[0] != "en":
            continue
        text = Text(path.read_text(encoding="utf-8"), "en").text()
        problems += [f"{path.relative_to(site.root)}: {m.group()}" for m in BRITISH.finditer(text)]
    assert problems == [], "\n".join(problems)


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def _french_values(node: object) -> list[str]:
    """The `fr:` texts of a bilingual YAML tree (assessment.yml, program.yml)."""
    if isinstance(node, dict):
        own = [node["fr"]] if isinstance(node.get("fr"), str) else []
        return own + [s for k, v in node.items() if k != "fr" for s in _french_values(v)]
    if isinstance(node, list):
        return [s for value in node for s in _french_values(value)]
    return []


def test_french_strings_the_api_shows_follow_the_same_rules() -> None:
    # Error messages, answer pages and e-mail subjects are not all in the built site.
    strings = yaml.safe_load((DATA / "i18n" / "fr.yml").read_text(encoding="utf-8"))
    questionnaire = yaml.safe_load((DATA / "assessment.yml").read_text(encoding="utf-8"))
    program = yaml.safe_load((DATA / "program.yml").read_text(encoding="utf-8"))
    texts = _strings(strings) + _french_values(questionnaire) + _french_values(program)
    problems = [
        f"{value!r}: {m}"
        for value in texts
        for m in french_mistakes(ADDRESS.sub("\x00", value.replace("À CONFIRMER", "\x00")))
    ]
    assert problems == [], "\n".join(problems)


def test_english_strings_use_canadian_spellings() -> None:
    strings = yaml.safe_load((DATA / "i18n" / "en.yml").read_text(encoding="utf-8"))
    questionnaire = (DATA / "assessment.yml").read_text(encoding="utf-8")
    english = _strings(strings) + re.findall(r"\ben: \"([^\"]*)\"", questionnaire)
    assert [m.group() for text in english for m in BRITISH.finditer(text)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Courriel\u00a0: nom@exemple.ca", 0),
        ("Qui peut participer\u00a0?", 0),
        ("Qui peut participer ?", 1),
        ("Qui peut participer?", 1),
        ("Merci\u202f!", 1),  # consistent: the house uses U+00A0 everywhere
        ("l'avis", 1),
        ("à 14:30", 0),
        ("\x00 : code puis texte", 1),
    ],
)
def test_the_french_rule_itself(text: str, expected: int) -> None:
    assert len(french_mistakes(text)) == expected


def test_the_english_rule_itself() -> None:
    found = BRITISH.findall("We modernise, personalised, optimisation; an analysis; a franchise")
    assert found == ["modernise", "personalised", "optimisation"]
