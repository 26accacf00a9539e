"""Synthetic page pairs added to a copy of content/, to measure and test how the build scales.

`add_synthetic_pages(content, 500)` writes 500 clearly fake page pairs (French and English)
into a content folder (a copy: never the real one) and declares them in its `pages.yml`, in
the menu, the way staff would grow the site: one top section (`essai/`) holding sections of
`section_size` pages, each folder with its `index.md` that links to its pages. The pages say
they are a benchmark's; their text is filler of a realistic length (headings, paragraphs, a
list, a link back to the section).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TOP = {"fr": "essai", "en": "trial"}
_WORDS = {
    "fr": (
        "Cette page synthétique sert seulement au banc d’essai de la construction du site. "
        "Elle ne décrit rien du programme : son texte a la longueur d’une page ordinaire, "
        "avec des titres, des paragraphes et une liste, pour que le temps de construction "
        "et le poids de chaque page soient ceux d’un vrai site de cette taille."
    ),
    "en": (
        "This synthetic page only serves the site build's benchmark. It describes nothing "
        "about the program: its text has the length of an ordinary page, with headings, "
        "paragraphs and a list, so that the build time and the weight of each page are "
        "those of a real site of this size."
    ),
}
_HEADINGS = {"fr": ("Première partie", "Deuxième partie"), "en": ("First part", "Second part")}
_LABELS = {
    "fr": {"top": "Banc d’essai", "section": "Section d’essai", "page": "Page d’essai"},
    "en": {"top": "Benchmark", "section": "Trial section", "page": "Trial page"},
}


@dataclass(frozen=True)
class SyntheticPages:
    ids: list[str]
    """Every page id added (sections' index pages included)."""
    urls: dict[str, list[str]]
    """Per language, the pages' addresses from the language root (`essai/section-01/…/`)."""


def _page(lang: str, title: str, body: str) -> str:
    front = yaml.safe_dump(
        {"description": f"{title}: {_LABELS[lang]['page'].lower()} (benchmark)"},
        allow_unicode=True,
    )
    return f"---\n{front}---\n# {title}\n\n{body}\n"


def _filler(lang: str, number: int) -> str:
    first, second = _HEADINGS[lang]
    text = _WORDS[lang]
    sentences = text.rstrip(".").split(". ")
    items = "\n".join(f"- {sentences[i % len(sentences)]} ({number}.{i})." for i in range(4))
    return f"{text}\n\n## {first}\n\n{text}\n\n{items}\n\n## {second}\n\n{text} {text}\n"


def add_synthetic_pages(content: Path, count: int, section_size: int = 25) -> SyntheticPages:
    """Adds `count` page pairs to `content` (a copy of content/), all in the menu.

    One top section, then sections of `section_size` pages (their index page included).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    pairs: list[dict[str, object]] = []
    urls: dict[str, list[str]] = {"fr": [], "en": []}
    ids: list[str] = []

    def add(page_id: str, paths: dict[str, str], texts: dict[str, str]) -> None:
        for lang, path in paths.items():
            target = content / lang / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(texts[lang], encoding="utf-8")
            urls[lang].append(path.removesuffix("index.md").removesuffix(".md").rstrip("/") + "/")
        pairs.append({"id": page_id, **paths})
        ids.append(page_id)

    sections = max(1, -(-(count - 1) // section_size))
    links = {
        lang: "\n".join(
            f"- [{_LABELS[lang]['section']} {s}](section-{s:02d}/index.md)"
            for s in range(1, sections + 1)
        )
        for lang in TOP
    }
    add(
        "synthetic",
        {lang: f"{TOP[lang]}/index.md" for lang in TOP},
        {
            lang: _page(lang, _LABELS[lang]["top"], f"{_WORDS[lang]}\n\n{links[lang]}")
            for lang in TOP
        },
    )
    made = 1
    for s in range(1, sections + 1):
        if made >= count:
            break
        in_section = min(section_size, count - made)
        folder = {lang: f"{TOP[lang]}/section-{s:02d}" for lang in TOP}
        numbers = range(made + 1, made + in_section)  # after the section's index page
        listing = {
            lang: "\n".join(f"- [{_LABELS[lang]['page']} {n}](page-{n:04d}.md)" for n in numbers)
            for lang in TOP
        }
        add(
            f"synthetic-{s:02d}",
            {lang: f"{folder[lang]}/index.md" for lang in TOP},
            {
                lang: _page(
                    lang,
                    f"{_LABELS[lang]['section']} {s}",
                    f"{_WORDS[lang]}\n\n{listing[lang]}",
                )
                for lang in TOP
            },
        )
        for n in numbers:
            add(
                f"synthetic-{s:02d}-{n:04d}",
                {lang: f"{folder[lang]}/page-{n:04d}.md" for lang in TOP},
                {
                    lang: _page(
                        lang,
                        f"{_LABELS[lang]['page']} {n}",
                        f"{_filler(lang, n)}\n[{_LABELS[lang]['section']} {s}](index.md)",
                    )
                    for lang in TOP
                },
            )
        made += in_section
    pages_file = content / "data" / "pages.yml"
    text = pages_file.read_text(encoding="utf-8").rstrip("\n")
    declared = yaml.safe_dump(pairs, allow_unicode=True, sort_keys=False, width=200)
    pages_file.write_text(
        f"{text}\n# Synthetic pages of the build benchmark (tests/support/synthetic.py).\n"
        f"{declared}",
        encoding="utf-8",
    )
    return SyntheticPages(ids=ids, urls=urls)
