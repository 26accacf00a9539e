"""`python -m sitebuild check [--release]`: the content check, written for staff.

Staff edit `content/` in Git without reading Python. Each finding names the file and
line, says what is wrong and how to fix it, in French then English. The check reuses the
build's own models and page plan, so what it accepts is what the build accepts; it also
reads the Markdown itself for what a build would only catch later or not at all (links
to anchors, image alt text, front matter) and lists the « À CONFIRMER » placeholders.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from content_model import LANGUAGES, PLACEHOLDER, Content, DataError, Language, load_content
from content_model.models import url_of
from markdown.extensions.toc import slugify

from .pages import SitePlan, plan_site
from .settings import BuildSettings

Level = Literal["error", "placeholder"]

# The check's messages are for the staff member at the terminal, not for the site's
# visitors: they live with the check rather than in the site's i18n files.
# Each code: (what is wrong in French, how to fix it in French, the same in English).
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "yaml": (
        "Le fichier YAML est illisible : {detail}",
        "Vérifiez l’indentation (espaces, pas de tabulations) et les deux-points à cette ligne.",
        "The YAML file cannot be read: {detail}",
        "Check the indentation (spaces, not tabs) and the colons on this line.",
    ),
    "data": (
        "Donnée refusée, champ « {field} » : {detail}",
        "Corrigez la valeur de ce champ (voir content/GUIDE-CONTENU.md, section données).",
        "Value refused, field '{field}': {detail}",
        "Correct this field's value (see content/GUIDE-CONTENU.md, data section).",
    ),
    "unpaired": (
        "Cette page n’a pas de traduction déclarée.",
        "Ajoutez une ligne {{id: …, fr: …, en: …}} dans content/data/pages.yml.",
        "This page has no declared translation.",
        "Add a line {{id: …, fr: …, en: …}} to content/data/pages.yml.",
    ),
    "front-matter": (
        "L’en-tête de la page (entre les lignes ---) est invalide : {detail}",
        "Écrivez l’en-tête en YAML entre deux lignes --- tout en haut du fichier.",
        "The page header (between the --- lines) is invalid: {detail}",
        "Write the header as YAML between two --- lines at the very top of the file.",
    ),
    "description": (
        "La page n’a pas de description.",
        "Ajoutez « description: une phrase qui résume la page » dans l’en-tête (entre les ---).",
        "The page has no description.",
        "Add 'description: one sentence summing up the page' to the header (between the ---).",
    ),
    "title": (
        "La page n’a pas de titre.",
        "Commencez le texte par « # Titre de la page » (ou « title: » dans l’en-tête).",
        "The page has no title.",
        "Start the text with '# Page title' (or 'title:' in the header).",
    ),
    "alt": (
        "L’image « {target} » n’a pas de texte de remplacement.",
        "Décrivez l’image entre les crochets : ![ce que montre l’image]({target}).",
        "Image '{target}' has no alternative text.",
        "Describe the image between the brackets: ![what the image shows]({target}).",
    ),
    "link-page": (
        "Le lien « {target} » mène à une page qui n’existe pas.",
        'Utilisez {{{{ link("identifiant") }}}} avec un identifiant de content/data/pages.yml.',
        "Link '{target}' leads to a page that does not exist.",
        'Use {{{{ link("id") }}}} with an id from content/data/pages.yml.',
    ),
    "link-anchor": (
        "Le lien « {target} » vise la section « #{anchor} », absente de la page.",
        "Reprenez l’ancre d’un titre de la page visée (minuscules, traits d’union).",
        "Link '{target}' points at section '#{anchor}', which the page does not have.",
        "Use the anchor of a heading of the target page (lower case, hyphens).",
    ),
    "link-id": (
        'link("{target}") : aucune page n’a cet identifiant.',
        "Prenez un identifiant (id) de content/data/pages.yml.",
        'link("{target}"): no page has this id.',
        "Use an id from content/data/pages.yml.",
    ),
    "link-language": (
        "Le lien « {target} » mène vers l’autre langue.",
        "Liez la page équivalente dans la langue de cette page.",
        "Link '{target}' leads to the other language.",
        "Link to the equivalent page in this page's language.",
    ),
    "placeholder": (
        "À confirmer avant la mise en ligne : {field}",
        "Remplacez « À CONFIRMER » par la vraie valeur quand elle est connue.",
        "To confirm before launch: {field}",
        "Replace 'À CONFIRMER' with the real value once known.",
    ),
}


@dataclass(frozen=True)
class Finding:
    file: Path
    line: int
    level: Level
    code: str
    details: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def render(self, root: Path) -> str:
        what_fr, fix_fr, what_en, fix_en = (m.format(**self.details) for m in MESSAGES[self.code])
        try:
            name = self.file.relative_to(root.parent).as_posix()
        except ValueError:
            name = str(self.file)
        if self.level == "placeholder":
            # Dozens before launch: one line each keeps the list readable.
            return f"{name}:{self.line}: À CONFIRMER / TO CONFIRM: {self.details['field']}"
        tag = "ERREUR / ERROR"
        return (
            f"{name}:{self.line}: {tag}\n  {what_fr}\n  → {fix_fr}\n  (en) {what_en}\n  → {fix_en}"
        )


@dataclass
class Report:
    content_dir: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def placeholders(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "placeholder"]

    def add(self, file: Path, line: int, level: Level, code: str, **details: str) -> None:
        self.findings.append(Finding(file, line, level, code, details))


# YAML positions -------------------------------------------------------------------------
_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def yaml_line(path: Path, field_path: str) -> int:
    """The line of `field_path` (`[3].email`, `privacy.officer_name`) in a YAML file;
    the deepest part found when the field itself is absent; 1 when unreadable."""
    try:
        node: yaml.Node | None = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return 1
    line = 1
    for index, key in _PART.findall(field_path):
        if node is None:
            break
        line = node.start_mark.line + 1
        if index and isinstance(node, yaml.SequenceNode):
            i = int(index)
            node = node.value[i] if i < len(node.value) else None
        elif key and isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
            if node is None:  # a missing key: point at its parent mapping
                break
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line


def yaml_placeholders(node: yaml.Node, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(field path, line) of every scalar equal to the placeholder."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from yaml_placeholders(value, f"{prefix}.{key.value}".lstrip("."))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from yaml_placeholders(value, f"{prefix}[{i}]")
    elif isinstance(node, yaml.ScalarNode) and node.value == PLACEHOLDER:
        yield prefix, node.start_mark.line + 1


# Data files -----------------------------------------------------------------------------
def check_yaml_files(report: Report) -> None:
    for path in sorted(report.content_dir.rglob("*.yml")):
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            report.add(path, line, "error", "yaml", detail=str(problem))
            continue
        if node is not None:
            for field_path, line in yaml_placeholders(node):
                report.add(path, line, "placeholder", "placeholder", field=field_path)


def check_data(report: Report, settings: BuildSettings) -> tuple[Content, SitePlan] | None:
    """The build's own validation; a refused value is reported at its line."""
    try:
        data = load_content(settings.data_dir)
        plan = plan_site(data, settings)
    except DataError as exc:
        file = Path(exc.file)
        if exc.field == "(syntax)":
            return None  # already reported by check_yaml_files, with its line
        if exc.field == "(page)":
            report.add(file, 1, "error", "unpaired")
            return None
        field_path = _refine_field(exc.field, exc.reason)
        line = yaml_line(file, field_path) if file.suffix == ".yml" else 1
        report.add(file, line, "error", "data", field=field_path, detail=exc.reason)
        return None
    return data, plan


def _refine_field(field_path: str, reason: str) -> str:
    """A whole-item rule (a branch's e-mail or phone) names its field first in its reason:
    point at that field's line rather than the item's first line."""
    words = reason.removeprefix("Value error, ").split()
    if field_path.endswith("]") and words and re.fullmatch(r"[a-z_]+", words[0]):
        return f"{field_path}.{words[0]}"
    return field_path


# Markdown pages -------------------------------------------------------------------------
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_LINK_CALL = re.compile(r"link\(\s*[\"']([^\"']+)[\"']\s*(?:,\s*[\"']([^\"']*)[\"'])?\s*\)")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*(?:\{[^}]*#([\w-]+)[^}]*\})?\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}")


@dataclass(frozen=True)
class Source:
    lang: Language
    path: str
    file: Path
    lines: list[str]
    body_start: int
    """Index of the first line after the front matter."""


def read_source(lang: Language, root: Path, file: Path, report: Report) -> Source:
    lines = file.read_text(encoding="utf-8").splitlines()
    body_start = 0
    titled = False  # a `title:` in the front matter stands for the `# Title` line
    if lines and lines[0] == "---":
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), None)
        if end is None:
            report.add(file, 1, "error", "front-matter", detail="--- final absent / no closing ---")
        else:
            body_start = end + 1
            titled = _check_front_matter(report, file, lines[1:end])
    else:
        report.add(file, 1, "error", "description")
    if not titled and not any(line.startswith("# ") for line in lines[body_start:]):
        report.add(file, body_start + 1, "error", "title")
    return Source(lang, file.relative_to(root).as_posix(), file, lines, body_start)


def _check_front_matter(report: Report, file: Path, head: list[str]) -> bool:
    """Reports what is wrong in the front matter; True when it gives the page's title."""
    try:
        meta = yaml.safe_load("\n".join(head)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        report.add(file, line, "error", "front-matter", detail=str(getattr(exc, "problem", exc)))
        return False
    if not isinstance(meta, dict):
        report.add(file, 2, "error", "front-matter", detail="pas une liste de clés / not a mapping")
        return False
    if not str(meta.get("description") or "").strip():
        report.add(file, 1, "error", "description")
    for i, line in enumerate(head):
        if PLACEHOLDER in line:
            report.add(file, i + 2, "placeholder", "placeholder", field=line.split(":")[0].strip())
    return bool(str(meta.get("title") or "").strip())


def anchors_of(source: Source) -> set[str] | None:
    """Heading anchors of a page; None when a heading is written with Jinja (unknowable)."""
    found: set[str] = set()
    for line in source.lines[source.body_start :]:
        match = _HEADING.match(line)
        if match:
            text, explicit = match.groups()
            if "{{" in text:
                return None
            found.add(explicit or slugify(text, "-"))
        found.update(_ATTR_ID.findall(line))
        found.update(re.findall(r"\bid=\"([\w-]+)\"", line))
    return found


def check_page(report: Report, source: Source, sources: dict[tuple[str, str], Source]) -> None:
    for number, line in enumerate(source.lines, start=1):
        if number <= source.body_start:
            continue
        for bang, text, target in _LINK.findall(line):
            if bang and not text.strip():
                report.add(source.file, number, "error", "alt", target=target)
            if not bang and "{{" not in target:
                _check_link(report, source, number, target, sources)
        for tag in _IMG_TAG.findall(line):
            alt = re.search(r"\balt=\"([^\"]*)\"", tag)
            if alt is None or not alt.group(1).strip():
                report.add(source.file, number, "error", "alt", target=tag)
        if PLACEHOLDER in line:
            report.add(source.file, number, "placeholder", "placeholder", field="texte / text")


def _check_link(
    report: Report,
    source: Source,
    number: int,
    target: str,
    sources: dict[tuple[str, str], Source],
) -> None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return  # another site, e-mail, phone; same-page anchors are checked by MkDocs
    path, _, anchor = target.partition("#")
    if path.startswith("/"):
        lang = path.split("/")[1] if path.count("/") > 1 else ""
        if lang in LANGUAGES and lang != source.lang:
            report.add(source.file, number, "error", "link-language", target=target)
            return
        if path.rstrip("/") in short_paths(report.content_dir):
            return  # a short link: its target is checked with shortlinks.yml
        by_url = {f"/{s.lang}/{url_of(s.path)}": s for s in sources.values()}
        page = by_url.get(path if path.endswith("/") else path + "/")
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source.path), path))
        page = sources.get((source.lang, resolved))
    if page is None and not (path.startswith("/") and _is_asset(path)):
        report.add(source.file, number, "error", "link-page", target=target)
        return
    if page is not None and anchor:
        anchors = anchors_of(page)
        if anchors is not None and anchor not in anchors:
            report.add(source.file, number, "error", "link-anchor", target=target, anchor=anchor)


@cache
def short_paths(content_dir: Path) -> frozenset[str]:
    """The short links' paths, read leniently: a broken file is reported elsewhere."""
    try:
        raw = yaml.safe_load((content_dir / "data" / "shortlinks.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return frozenset()
    items = raw if isinstance(raw, list) else []
    return frozenset(str(i.get("path")) for i in items if isinstance(i, dict))


def _is_asset(path: str) -> bool:
    return path.startswith(("/fr/assets/", "/en/assets/")) or path.endswith((".xml", ".png"))


def check_link_calls(
    report: Report, source: Source, data: Content, sources: dict[tuple[str, str], Source]
) -> None:
    """`{{ link("id", "anchor") }}`: the id exists and so does the anchor."""
    by_id = {pair.id: getattr(pair, source.lang) for pair in data.pages}
    for number, line in enumerate(source.lines, start=1):
        for page_id, anchor in _LINK_CALL.findall(line):
            if page_id not in by_id and not page_id.startswith("branch-"):
                report.add(source.file, number, "error", "link-id", target=page_id)
                continue
            target = sources.get((source.lang, by_id.get(page_id, "")))
            anchors = anchors_of(target) if target is not None and anchor else None
            if anchors is not None and anchor not in anchors:
                report.add(
                    source.file, number, "error", "link-anchor", target=page_id, anchor=anchor
                )


def check_content(settings: BuildSettings) -> Report:
    report = Report(settings.content_dir)
    check_yaml_files(report)
    checked = check_data(report, settings)
    sources: dict[tuple[str, str], Source] = {}
    for lang in LANGUAGES:
        root = settings.content_dir / lang
        for file in sorted(root.rglob("*.md")):
            source = read_source(lang, root, file, report)
            sources[(lang, source.path)] = source
    for source in sources.values():
        check_page(report, source, sources)
        if checked is not None:
            check_link_calls(report, source, checked[0], sources)
    report.findings.sort(key=lambda f: (f.level != "error", str(f.file), f.line))
    return report


def run(settings: BuildSettings) -> int:
    """Prints the report; 0 when the content builds (and, in a release, has no placeholder)."""
    report = check_content(settings)
    for finding in report.findings:
        print(finding.render(settings.content_dir))
    errors, placeholders = len(report.errors), len(report.placeholders)
    print(
        f"\n{errors} erreur(s), {placeholders} valeur(s) « À CONFIRMER »"
        f" / {errors} error(s), {placeholders} value(s) to confirm"
    )
    if errors:
        return 1
    if settings.release and placeholders:
        print(
            "Mise en ligne refusée : il reste des valeurs à confirmer."
            " / Release refused: values remain to be confirmed."
        )
        return 1
    return 0
