"""The municipalities of `content/data/municipalities.yml`: the finder of the branches page.

A merchant who doesn't know their administrative region finds it, and its branch, from the
name of their municipality. The file lists each region's main municipalities only; the
region table stays the complete answer.

Part of the content model: `load_content` reads it with the rest (`Content.municipalities`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from content_model.errors import DataError

FILE_NAME = "municipalities.yml"


class Municipality(BaseModel):
    """One municipality and the code of its administrative region ("01".."17")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=2, max_length=80, pattern=r"^\S(?:.*\S)?$")]
    region: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-7])$")]
    provisional: bool = False
    """The region is not certain: the page says « à confirmer » next to it."""


def search_key(name: str) -> str:
    """The form a name is compared and sorted in: no accents, no case, hyphens and
    apostrophes as spaces (« Trois-Rivières » → "trois rivieres"). The type-ahead field of
    site/assets/vnb-finder.js normalises what the merchant types the same way."""
    decomposed = unicodedata.normalize("NFD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[\s\-–—'’.]+", bare)).strip()


def _field(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def parse_municipalities(
    raw: Any, path: Path | str, region_codes: Collection[str]
) -> list[Municipality]:
    """Validates the file's content: a list of {name, region, provisional}, each region a
    code of regions.yml, each name once (compared as `search_key` does)."""
    if not isinstance(raw, list) or not raw:
        raise DataError(path, "(root)", "expected a non-empty list of {name, region} items")
    municipalities: list[Municipality] = []
    seen: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(raw):
        try:
            municipality = Municipality.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise DataError(path, f"[{i}]{_field(tuple(first['loc']))}", first["msg"]) from exc
        if municipality.region not in region_codes:
            raise DataError(
                path, f"[{i}].region", f"unknown region {municipality.region!r} (see regions.yml)"
            )
        key = search_key(municipality.name)
        if key in seen:
            first_index, first_name = seen[key]
            raise DataError(path, f"[{i}].name", f"duplicate of [{first_index}] {first_name!r}")
        seen[key] = (i, municipality.name)
        municipalities.append(municipality)
    return sorted(municipalities, key=lambda m: search_key(m.name))


def load_municipalities(data_dir: Path, region_codes: Collection[str]) -> list[Municipality]:
    """The municipalities in alphabetical order (accents ignored); DataError on a bad file."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        raise DataError(path, "(file)", "missing")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(path, "(syntax)", str(exc).replace("\n", " ")) from exc
    return parse_municipalities(raw, path, region_codes)
