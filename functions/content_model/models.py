"""Strict typed models of the files in `content/data/`.

One set of models for every reader: the site build, the content check, the forms
functions, the mailer and the staff tools. A key typo is an error, not an ignored field;
a value the functions could not use is refused here, so the content check refuses it
before any deploy.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from itertools import pairwise
from string import Template
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

PLACEHOLDER = "À CONFIRMER"
"""The exact string staff leave for a fact that is not known yet."""

LANGUAGES: tuple[Literal["fr"], Literal["en"]] = ("fr", "en")
Language = Literal["fr", "en"]
Phase = Literal["waitlist", "open", "closed"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
RegionCode = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-7])$")]
MarkdownPath = Annotated[str, Field(pattern=r"^(?:[a-z0-9-]+/)*[a-z0-9-]+\.md$")]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    # A typo in a key is an error, not a silently ignored field.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- program.yml ---------------------------------------------------------------------


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
    max_employees: int = Field(ge=1)
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
    notice_version: NonEmpty
    # DynamoDB's TTL and the privacy page both read this; ten years is past any sane policy.
    retention_days: int = Field(ge=1, le=3650)
    officer_name: str
    officer_email: str


class Contact(_Model):
    email: str
    phone: str


class MediaContact(Contact):
    name: str


Placeholder = Literal["À CONFIRMER"]
"""A fact not public yet, in a field that otherwise holds a number or a date."""


def _count_or_placeholder(value: object) -> int | Placeholder:
    if value == PLACEHOLDER:
        return "À CONFIRMER"
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError(f"expected a whole number (for example 12) or {PLACEHOLDER!r}, got {value!r}")


def _date_or_placeholder(value: object) -> dt.date | Placeholder:
    if value == PLACEHOLDER:
        return "À CONFIRMER"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(f"expected a date written YYYY-MM-DD or {PLACEHOLDER!r}, got {value!r}")


# One readable message for staff instead of one per member of the union.
CountOrPlaceholder = Annotated[int | Placeholder, PlainValidator(_count_or_placeholder)]
DateOrPlaceholder = Annotated[dt.date | Placeholder, PlainValidator(_date_or_placeholder)]


class Faq(_Model):
    """Answers merchants ask for that are not public yet: the FAQ quotes them from here.

    Numbers and dates are language-neutral; a text is given in both languages.
    """

    cost: Text
    coaching_weeks: CountOrPlaceholder
    registration_opening: DateOrPlaceholder
    callback_business_days: CountOrPlaceholder
    employee_count: Text
    multi_store: Text
    franchises: Text


class SizeBand(_Model):
    code: Annotated[str, Field(pattern=r"^[0-9]+-[0-9]+$")]
    min: int = Field(ge=0)
    max: int = Field(ge=0)
    name_fr: NonEmpty
    name_en: NonEmpty

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    @model_validator(mode="after")
    def _ordered(self) -> SizeBand:
        if self.max < self.min:
            raise ValueError(f"size band {self.code}: max below min")
        return self


class OpenData(_Model):
    """The public figures (« Le programme en chiffres »): each one counts at least `k`
    businesses, or it is not published (docs/decisions/2026-12-01-program-in-numbers.md)."""

    k: int = Field(default=10, ge=2)
    # Employee-count bands the assessment result compares a business with (its peers).
    size_bands: tuple[SizeBand, ...] = ()

    def size_band(self, employees: int | None) -> str | None:
        """The code of the band holding this head count; None: unknown or in no band."""
        if employees is None:
            return None
        return next((b.code for b in self.size_bands if b.min <= employees <= b.max), None)

    @model_validator(mode="after")
    def _bands_do_not_overlap(self) -> OpenData:
        bands = sorted(self.size_bands, key=lambda band: band.min)
        for before, after in pairwise(bands):
            if after.min <= before.max:
                raise ValueError(f"size bands {before.code} and {after.code} overlap")
        if len({band.code for band in bands}) != len(bands):
            raise ValueError("size band codes repeat")
        return self


class Program(_Model):
    name: str
    name_en_descriptive: str
    phase: Phase
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
    faq: Faq
    open_data: OpenData = OpenData()


# --- regions.yml, sectors.yml, branches.yml -----------------------------------------


class Region(_Model):
    code: RegionCode
    name_fr: str
    name_en: str
    branch: Slug
    confirmed: bool
    establishments: int | None = Field(default=None, gt=0)
    target: int | None = Field(default=None, gt=0)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr


class Sector(_Model):
    code: Code
    retail: bool
    name_fr: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^[0-9 +().-]{10,}$")


class Branch(_Model):
    id: Slug
    name_fr: str
    name_en: str
    city: str
    region: RegionCode
    address: str
    phone: str
    email: str
    hours_fr: str
    hours_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    @property
    def notice_address(self) -> str | None:
        """Where the branch's notices go; None while the address is a placeholder."""
        return None if self.email == PLACEHOLDER else self.email

    @model_validator(mode="after")
    def _contacts_are_real_or_placeholders(self) -> Branch:
        if self.email != PLACEHOLDER and not _EMAIL.match(self.email):
            raise ValueError(f"email {self.email!r} is not an e-mail address nor {PLACEHOLDER!r}")
        if self.phone != PLACEHOLDER and not _PHONE.match(self.phone):
            raise ValueError(f"phone {self.phone!r} is not a phone number nor {PLACEHOLDER!r}")
        return self


# --- pages.yml, shortlinks.yml -------------------------------------------------------


class PagePair(_Model):
    """One page and its translation, declared once: `fr` and `en` are Markdown paths."""

    id: Slug
    fr: MarkdownPath
    en: MarkdownPath
    nav: bool = True

    def path(self, lang: str) -> str:
        """The page's address from the host root, e.g. `/fr/programme/`."""
        return f"/{lang}/{url_of(self.en if lang == 'en' else self.fr)}"


def url_of(md_path: str) -> str:
    """The directory URL MkDocs gives a Markdown file: `a/index.md` → `a/`, `a/b.md` → `a/b/`."""
    stem = md_path.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


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


# --- assessment.yml ------------------------------------------------------------------


class Text(_Model):
    fr: NonEmpty
    en: NonEmpty

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class Option(_Model):
    code: Code
    score: int = Field(ge=0)
    label: Text


class Question(_Model):
    id: Code
    text: Text
    hint: Text | None = None
    options: tuple[Option, ...] = Field(min_length=2)

    @property
    def max_score(self) -> int:
        return max(option.score for option in self.options)

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Question:
        codes = self.option_codes
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.id}: option codes repeat")
        return self


class Level(_Model):
    code: Code
    min_score: int = Field(ge=0, le=100)
    name: Text
    description: Text


class Dimension(_Model):
    id: Code
    name: Text
    questions: tuple[Question, ...] = Field(min_length=1)
    # level code → what to do next
    recommendations: dict[str, Text]


class Questionnaire(_Model):
    version: NonEmpty
    title: Text
    intro: Text
    levels: tuple[Level, ...] = Field(min_length=2)
    dimensions: tuple[Dimension, ...] = Field(min_length=6, max_length=7)

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for d in self.dimensions for q in d.questions}

    def level_for(self, score: int) -> str:
        level = self.levels[0].code
        for candidate in self.levels:
            if score >= candidate.min_score:
                level = candidate.code
        return level

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        count = sum(len(d.questions) for d in self.dimensions)
        if not 15 <= count <= 30:
            raise ValueError(f"15 to 30 questions expected, found {count}")
        if len({q.id for d in self.dimensions for q in d.questions}) != count:
            raise ValueError("question ids repeat")
        thresholds = [level.min_score for level in self.levels]
        if thresholds[0] != 0 or thresholds != sorted(set(thresholds)):
            raise ValueError("levels: min_score must start at 0 and strictly increase")
        level_codes = {level.code for level in self.levels}
        for dimension in self.dimensions:
            if set(dimension.recommendations) != level_codes:
                raise ValueError(f"dimension {dimension.id}: one recommendation per level")
        return self


# --- i18n/<lang>.yml -----------------------------------------------------------------


class Strings(_Model):
    """One language's interface strings, by section (`i18n/<lang>.yml`)."""

    form: dict[str, NonEmpty]
    errors: dict[str, NonEmpty]
    site: dict[str, Any]
    mail: dict[str, NonEmpty]

    def get(self, section: str, key: str) -> str:
        table: dict[str, Any] = getattr(self, section)
        value = table.get(key)
        if not isinstance(value, str):
            raise KeyError(f"missing string {section}.{key}")
        return value


# --- mail/<lang>/*.txt ----------------------------------------------------------------

# What each e-mail may say. The merchant's mails quote no free text the visitor typed
# (no names, no business name): the program's address must not carry a stranger's words
# to whatever address was typed. The branch notice holds no personal data at all.
MAIL_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "confirmation": frozenset(
        {
            "reference",
            "branch",
            "branch_name",
            "sector_name",
            "region_name",
            "employees",
            "site_url",
            "assessment_url",
            "confirm_url",
        }
    ),
    "waitlist": frozenset(
        {"reference", "branch", "branch_name", "region_name", "site_url", "confirm_url"}
    ),
    "branch_notice": frozenset(
        {"reference", "branch", "branch_name", "kind_label", "created_at", "created_date"}
    ),
    # Codes, scores and levels of a linked assessment: never an answer.
    "assessment_notice": frozenset(
        {
            "reference",
            "branch",
            "branch_name",
            "level",
            "level_name",
            "score",
            "weakest",
            "weakest_lines",
            "taken_at",
            "created_date",
        }
    ),
    # "Send me my result": levels and scores as the content's words, the signed link to the
    # registration's results; never an answer or anything typed.
    "results": frozenset(
        {"reference", "assessed_on", "overall", "summary", "results_url", "link_days", "site_url"}
    ),
}


class MailTemplates(_Model):
    """The e-mail bodies of one language: template name → text with `${name}` fields."""

    bodies: dict[str, NonEmpty]

    def template(self, name: str) -> Template:
        return Template(self.bodies[name])

    @model_validator(mode="after")
    def _known_placeholders(self) -> MailTemplates:
        missing = set(MAIL_PLACEHOLDERS) - set(self.bodies)
        if missing:
            raise ValueError(f"missing e-mail text(s): {', '.join(sorted(missing))}")
        for name, text in self.bodies.items():
            allowed = MAIL_PLACEHOLDERS.get(name)
            if allowed is None:
                raise ValueError(
                    f"{name}.txt: unknown e-mail (expected {sorted(MAIL_PLACEHOLDERS)})"
                )
            template = Template(text)
            if not template.is_valid():
                raise ValueError(f"{name}.txt: a '$' that is not a ${{field}}")
            unknown = set(template.get_identifiers()) - allowed
            if unknown:
                raise ValueError(
                    f"{name}.txt: ${{{sorted(unknown)[0]}}} is not allowed here"
                    f" (allowed: {', '.join(sorted(allowed))})"
                )
        return self
