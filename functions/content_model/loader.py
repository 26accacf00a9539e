"""Reading `content/data/` into one validated `Content`, or a `DataError` naming the file,
the field and why: the same validation for the content check, the build and the functions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content_model.errors import DataError
from content_model.models import (
    LANGUAGES,
    Branch,
    Language,
    MailTemplates,
    PagePair,
    Program,
    Questionnaire,
    Region,
    Sector,
    ShortLink,
    Strings,
    _Model,
)
from content_model.municipalities import Municipality, load_municipalities


class Content(_Model):
    """Everything in `content/data/`, cross-checked. Codes are stored, labels shown."""

    version: str
    program: Program
    regions: list[Region]
    sectors: list[Sector]
    branches: list[Branch]
    pages: list[PagePair]
    shortlinks: list[ShortLink]
    questionnaire: Questionnaire
    strings: dict[Language, Strings]
    mail: dict[Language, MailTemplates]
    # The finder's municipalities, alphabetical (accents ignored).
    municipalities: list[Municipality]

    @cached_property
    def regions_by_code(self) -> dict[str, Region]:
        return {region.code: region for region in self.regions}

    @cached_property
    def sectors_by_code(self) -> dict[str, Sector]:
        return {sector.code: sector for sector in self.sectors}

    @cached_property
    def branches_by_id(self) -> dict[str, Branch]:
        return {branch.id: branch for branch in self.branches}

    @property
    def branch_ids(self) -> list[str]:
        return [branch.id for branch in self.branches]

    def label(self, table: str, code: str, lang: str) -> str:
        """The name of a stored code (`branches`, `regions`, `sectors`) in this language, or
        the code itself when the data no longer has it (an export of old records)."""
        tables: dict[str, dict[str, Region] | dict[str, Sector] | dict[str, Branch]] = {
            "branches": self.branches_by_id,
            "regions": self.regions_by_code,
            "sectors": self.sectors_by_code,
        }
        item = tables[table].get(code)
        return code if item is None else item.name(lang)

    def branch(self, branch_id: str) -> Branch:
        return self.branches_by_id[branch_id]

    def regions_served_by(self, branch_id: str) -> list[Region]:
        return [r for r in self.regions if r.branch == branch_id]

    def branch_for(self, region: str, requested: str | None = None) -> str:
        """The branch a registration goes to: the one asked for, else the region's."""
        return requested or self.regions_by_code[region].branch

    def page_path(self, page_id: str, lang: str) -> str:
        """A page's address from the site's root, e.g. `/fr/inscription/`."""
        return next(p for p in self.pages if p.id == page_id).path(lang)

    def branch_page_path(self, branch_id: str, lang: str) -> str:
        """A branch's generated page, in the folder of the branch directory page."""
        directory = self.page_path("branches", lang)
        return f"{directory}{branch_id}/"

    def strings_in(self, lang: str) -> Strings:
        """One language's strings; anything but English reads French (the default)."""
        return self.strings["en" if lang == "en" else "fr"]

    def message(self, lang: str, section: str, key: str) -> str:
        return self.strings_in(lang).get(section, key)


_M = TypeVar("_M", bound=BaseModel)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise DataError(path, "(file)", "missing")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(path, "(syntax)", str(exc).replace("\n", " ")) from exc


def _field_name(loc: Iterable[int | str]) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else part for part in loc).replace(
        ".[", "["
    )


def _validate(model: type[_M], raw: Any, path: Path, prefix: str = "") -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _field_name([*([prefix] if prefix else []), *first["loc"]]) or "(root)"
        raise DataError(path, field, first["msg"]) from exc


def _validate_list(model: type[_M], path: Path) -> list[_M]:
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise DataError(path, "(root)", "expected a list of items")
    return [_validate(model, item, path, f"[{i}]") for i, item in enumerate(raw)]


def _unique(path: Path, field: str, values: list[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise DataError(path, f"[{i}].{field}", f"duplicate value {value!r}")
        seen.add(value)


def _flat_keys(tree: Any, prefix: str = "") -> set[str]:
    if not isinstance(tree, dict):
        return {prefix}
    return {k for key, sub in tree.items() for k in _flat_keys(sub, f"{prefix}.{key}".strip("."))}


def load_strings(data_dir: Path) -> dict[Language, Strings]:
    """Interface strings, one file per language; both must have exactly the same keys."""
    raw: dict[Language, Any] = {}
    for lang in LANGUAGES:
        path = data_dir / "i18n" / f"{lang}.yml"
        raw[lang] = _read_yaml(path) or {}
        if not isinstance(raw[lang], dict):
            raise DataError(path, "(root)", "expected a mapping of sections")
    fr_keys, en_keys = (_flat_keys(raw[lang]) for lang in LANGUAGES)
    for lang, missing in (("en", fr_keys - en_keys), ("fr", en_keys - fr_keys)):
        if missing:
            path = data_dir / "i18n" / f"{lang}.yml"
            raise DataError(path, sorted(missing)[0], "missing translation of this string")
    return {
        lang: _validate(Strings, raw[lang], data_dir / "i18n" / f"{lang}.yml") for lang in LANGUAGES
    }


def load_mail(data_dir: Path) -> dict[Language, MailTemplates]:
    """The e-mail bodies (`mail/<lang>/<name>.txt`), the same set in both languages."""
    mail: dict[Language, MailTemplates] = {}
    for lang in LANGUAGES:
        folder = data_dir / "mail" / lang
        bodies = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
        mail[lang] = _validate(MailTemplates, {"bodies": bodies}, folder)
    return mail


def content_version(data_dir: Path) -> str:
    """A short hash of every file under `content/data/`: what the pages and the functions'
    bundle are stamped with, so a page and the function that answers it can be compared."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(data_dir).parts):
            continue
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_content(data_dir: Path) -> Content:
    """Read and cross-check every data file; raises DataError on the first problem."""
    program_path = data_dir / "program.yml"
    program = _validate(Program, _read_yaml(program_path), program_path)

    regions_path = data_dir / "regions.yml"
    regions = _validate_list(Region, regions_path)
    _unique(regions_path, "code", [r.code for r in regions])
    if len(regions) != 17:
        raise DataError(regions_path, "(root)", f"Québec has 17 regions, found {len(regions)}")

    sectors_path = data_dir / "sectors.yml"
    sectors = _validate_list(Sector, sectors_path)
    _unique(sectors_path, "code", [s.code for s in sectors])
    if not any(s.retail for s in sectors):
        raise DataError(sectors_path, "(root)", "at least one sector must be retail: true")

    branches_path = data_dir / "branches.yml"
    branches = _validate_list(Branch, branches_path)
    _unique(branches_path, "id", [b.id for b in branches])
    branch_ids = {b.id for b in branches}
    for i, region in enumerate(regions):
        if region.branch not in branch_ids:
            raise DataError(regions_path, f"[{i}].branch", f"unknown branch {region.branch!r}")
    region_codes = {r.code for r in regions}
    for i, branch in enumerate(branches):
        if branch.region not in region_codes:
            raise DataError(branches_path, f"[{i}].region", f"unknown region {branch.region!r}")

    pages_path = data_dir / "pages.yml"
    pages = _validate_list(PagePair, pages_path)
    _unique(pages_path, "id", [p.id for p in pages])
    for lang in LANGUAGES:
        _unique(pages_path, lang, [getattr(p, lang) for p in pages])

    shortlinks_path = data_dir / "shortlinks.yml"
    shortlinks = _validate_list(ShortLink, shortlinks_path)
    _unique(shortlinks_path, "path", [s.path for s in shortlinks])

    questionnaire_path = data_dir / "assessment.yml"
    questionnaire = _validate(Questionnaire, _read_yaml(questionnaire_path), questionnaire_path)

    return Content(
        version=content_version(data_dir),
        program=program,
        regions=regions,
        sectors=sectors,
        branches=branches,
        pages=pages,
        shortlinks=shortlinks,
        questionnaire=questionnaire,
        strings=load_strings(data_dir),
        mail=load_mail(data_dir),
        municipalities=load_municipalities(data_dir, region_codes),
    )


@lru_cache(maxsize=4)
def cached_content(data_dir: Path) -> Content:
    """`load_content`, once per process and folder: what a Lambda function reads at cold
    start. The local mode clears it when the files change (`cached_content.cache_clear()`)."""
    return load_content(data_dir)
