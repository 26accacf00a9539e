"""Typed models of the data in `content/data/` and the loader that validates it.

A bad value stops the build with the file, the field and the reason, so the staff
member who edited the YAML can fix it without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PLACEHOLDER = "À CONFIRMER"
"""The exact string staff leave for a fact that is not known yet."""

LANGUAGES: tuple[Literal["fr"], Literal["en"]] = ("fr", "en")
Language = Literal["fr", "en"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
MarkdownPath = Annotated[str, Field(pattern=r"^(?:[a-z0-9-]+/)*[a-z0-9-]+\.md$")]


class DataError(Exception):
    """Content data that cannot build a correct site: says which file, field and why."""

    def __init__(self, file: Path | str, field: str, reason: str) -> None:
        self.file = str(file)
        self.field = field
        self.reason = reason
        super().__init__(f"{self.file}: {field}: {reason}")


class _Model(BaseModel):
    # A typo in a key is an error, not a silently ignored field.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partner(_Model):
    code: str | None = None
    name_fr: str
    name_en: str


class Partners(_Model):
    lead: Partner
    coaching: Partner
    funders: list[Partner]


class Announcement(_Model):
    date: dt.date
    place: str


class Eligibility(_Model):
    max_employees: int = Field(gt=0)
    sector: str
    territory: str


class Targets(_Model):
    businesses: int = Field(gt=0)
    years: int = Field(gt=0)
    reusable_up_to: int = Field(gt=0)
    regional_share_percent: int = Field(gt=0, le=100)


class Coaching(_Model):
    branches: int = Field(gt=0)
    training_hours: int = Field(gt=0)
    coaching_hours: int = Field(gt=0)


class Funding(_Model):
    quebec_contribution: int = Field(gt=0)
    canada_contribution: int = Field(gt=0)
    total_public_approx_musd: int = Field(gt=0)
    project_value_approx_musd: int = Field(gt=0)


class Context(_Model):
    smes_selling_online_before_pandemic_percent: int
    retail_revenue_drop_2020_percent: str
    canadians_shopping_online_percent: int


class Privacy(_Model):
    notice_version: str
    retention_days: int = Field(gt=0)
    officer_name: str
    officer_email: str


class Contact(_Model):
    email: str
    phone: str


class MediaContact(Contact):
    name: str


class Program(_Model):
    name: str
    name_en_descriptive: str
    phase: Literal["waitlist", "open", "closed"]
    announcement: Announcement
    eligibility: Eligibility
    targets: Targets
    coaching: Coaching
    funding: Funding
    context: Context
    partners: Partners
    privacy: Privacy
    contact: Contact
    media_contact: MediaContact


class Region(_Model):
    code: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-7])$")]
    name_fr: str
    name_en: str
    branch: Slug
    confirmed: bool
    establishments: int | None = Field(default=None, gt=0)
    target: int | None = Field(default=None, gt=0)


class Sector(_Model):
    code: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    retail: bool
    name_fr: str
    name_en: str


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^[0-9 +().-]{10,}$")


class Branch(_Model):
    id: Slug
    name_fr: str
    name_en: str
    city: str
    region: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-7])$")]
    address: str
    phone: str
    email: str
    hours_fr: str
    hours_en: str

    @model_validator(mode="after")
    def _contacts_are_real_or_placeholders(self) -> Branch:
        if self.email != PLACEHOLDER and not _EMAIL.match(self.email):
            raise ValueError(f"email {self.email!r} is not an e-mail address nor {PLACEHOLDER!r}")
        if self.phone != PLACEHOLDER and not _PHONE.match(self.phone):
            raise ValueError(f"phone {self.phone!r} is not a phone number nor {PLACEHOLDER!r}")
        return self


class PagePair(_Model):
    """One page and its translation, declared once: `fr` and `en` are Markdown paths."""

    id: Slug
    fr: MarkdownPath
    en: MarkdownPath
    nav: bool = True


class ShortLink(_Model):
    """A short address printed in press releases, e.g. `/inscription` → `/fr/inscription/`.

    Also how a removed or renamed page keeps its published address: `/fr/ancienne-page`
    → `/fr/nouvelle-page/` (tests/site/test_published_urls.py accepts it as a replacement).
    """

    path: Annotated[str, Field(pattern=r"^/(?:[a-z0-9-]+/)*[a-z0-9-]+$")]
    to: Annotated[str, Field(pattern=r"^/(fr|en)/(?:[a-z0-9-]+/)*$")]

    @property
    def lang(self) -> Language:
        return "en" if self.to.startswith("/en/") else "fr"


class SiteData(_Model):
    program: Program
    regions: list[Region]
    sectors: list[Sector]
    branches: list[Branch]
    pages: list[PagePair]
    shortlinks: list[ShortLink]
    strings: dict[Language, dict[str, Any]]

    def branch(self, branch_id: str) -> Branch:
        return next(b for b in self.branches if b.id == branch_id)

    def regions_served_by(self, branch_id: str) -> list[Region]:
        return [r for r in self.regions if r.branch == branch_id]


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


def load_strings(data_dir: Path) -> dict[Language, dict[str, Any]]:
    """Interface strings, one file per language; both must have exactly the same keys."""
    strings: dict[Language, dict[str, Any]] = {}
    for lang in LANGUAGES:
        path = data_dir / "i18n" / f"{lang}.yml"
        raw = _read_yaml(path) or {}
        if not isinstance(raw, dict):
            raise DataError(path, "(root)", "expected a mapping of sections")
        if not isinstance(raw.get("site"), dict):
            raise DataError(path, "site", "missing section")
        strings[lang] = raw
    fr_keys, en_keys = (_flat_keys(strings[lang]) for lang in LANGUAGES)
    for lang, missing in (("en", fr_keys - en_keys), ("fr", en_keys - fr_keys)):
        if missing:
            path = data_dir / "i18n" / f"{lang}.yml"
            raise DataError(path, sorted(missing)[0], "missing translation of this string")
    return strings


def load_site_data(data_dir: Path) -> SiteData:
    """Read and cross-check every data file the site needs."""
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

    return SiteData(
        program=program,
        regions=regions,
        sectors=sectors,
        branches=branches,
        pages=pages,
        shortlinks=shortlinks,
        strings=load_strings(data_dir),
    )
