"""The program's data files (`content/data/*.yml`), validated by typed models.

The site and the functions read the same files: one source for the phase, the
options of the forms, the questionnaire and the retention period.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Phase = Literal["waitlist", "open", "closed"]
Language = Literal["fr", "en"]


class _Loose(BaseModel):
    # The data files carry more than the functions need; other readers use the rest.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Eligibility(_Loose):
    max_employees: int = Field(ge=1)


class Privacy(_Loose):
    notice_version: str = Field(min_length=1)
    retention_days: int = Field(ge=1, le=3650)


class Program(_Loose):
    phase: Phase
    eligibility: Eligibility
    privacy: Privacy


class Region(_Loose):
    code: str = Field(pattern=r"^\d{2}$")
    name_fr: str
    name_en: str
    branch: str


class Sector(_Loose):
    code: str
    retail: bool
    name_fr: str
    name_en: str


class Branch(_Loose):
    id: str
    name_fr: str
    name_en: str


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    score: int = Field(ge=0)
    label: Text


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: Text
    hint: Text | None = None
    options: tuple[Option, ...] = Field(min_length=2)

    @property
    def max_score(self) -> int:
        return max(option.score for option in self.options)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Question:
        codes = [option.code for option in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.id}: option codes repeat")
        return self


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    min_score: int = Field(ge=0, le=100)
    name: Text
    description: Text


class Dimension(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Text
    questions: tuple[Question, ...] = Field(min_length=1)
    # level code → what to do next
    recommendations: dict[str, Text]


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str = Field(min_length=1)
    title: Text
    intro: Text
    levels: tuple[Level, ...] = Field(min_length=2)
    dimensions: tuple[Dimension, ...] = Field(min_length=6, max_length=7)

    @property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for d in self.dimensions for q in d.questions}

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        count = sum(len(d.questions) for d in self.dimensions)
        if not 15 <= count <= 30:
            raise ValueError(f"15 to 30 questions expected, found {count}")
        if len(self.questions) != count:
            raise ValueError("question ids repeat")
        thresholds = [level.min_score for level in self.levels]
        if thresholds[0] != 0 or thresholds != sorted(set(thresholds)):
            raise ValueError("levels: min_score must start at 0 and strictly increase")
        level_codes = {level.code for level in self.levels}
        for dimension in self.dimensions:
            if set(dimension.recommendations) != level_codes:
                raise ValueError(f"dimension {dimension.id}: one recommendation per level")
        return self


class ProgramData(BaseModel):
    """Everything the forms need from `content/data/`, loaded once per cold start."""

    model_config = ConfigDict(frozen=True)
    program: Program
    regions: dict[str, Region]
    sectors: dict[str, Sector]
    branches: dict[str, Branch]
    questionnaire: Questionnaire
    messages: dict[str, dict[str, Any]]  # language → the i18n file

    def branch_for(self, region: str, requested: str | None) -> str:
        return requested or self.regions[region].branch

    def message(self, lang: str, section: str, key: str) -> str:
        value = self.messages[lang].get(section, {}).get(key)
        if not isinstance(value, str):
            raise KeyError(f"i18n/{lang}.yml: missing {section}.{key}")
        return value


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_questionnaire(data_dir: Path) -> Questionnaire:
    return Questionnaire.model_validate(_read(data_dir / "assessment.yml"))


@lru_cache(maxsize=4)
def load_program_data(data_dir: Path) -> ProgramData:
    regions = [Region.model_validate(item) for item in _read(data_dir / "regions.yml")]
    sectors = [Sector.model_validate(item) for item in _read(data_dir / "sectors.yml")]
    branches = [Branch.model_validate(item) for item in _read(data_dir / "branches.yml")]
    return ProgramData(
        program=Program.model_validate(_read(data_dir / "program.yml")),
        regions={region.code: region for region in regions},
        sectors={sector.code: sector for sector in sectors},
        branches={branch.id: branch for branch in branches},
        questionnaire=read_questionnaire(data_dir),
        messages={lang: _read(data_dir / "i18n" / f"{lang}.yml") or {} for lang in ("fr", "en")},
    )
