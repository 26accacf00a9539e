"""The content data the staff commands need: labels for codes, regional targets.

Read from `content/data` (or `CONTENT_DATA_DIR`), the same files the site is built
from, so a label changed by staff in Git shows in the next export.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "content" / "data"
PLACEHOLDER = "À CONFIRMER"


@dataclass(frozen=True)
class Region:
    code: str
    name_fr: str
    name_en: str
    branch: str
    target: int | None


@dataclass(frozen=True)
class Labels:
    """Code → label in each language, for the codes stored in registrations."""

    sectors: dict[str, dict[str, str]]
    regions: dict[str, dict[str, str]]
    branches: dict[str, dict[str, str]]

    def label(self, kind: str, code: str, language: str) -> str:
        """The label of a code, or the code itself when the data no longer has it."""
        table: dict[str, dict[str, str]] = getattr(self, kind)
        return table.get(code, {}).get(language, code)


@dataclass(frozen=True)
class ContentData:
    labels: Labels
    regions: list[Region]
    branch_ids: list[str]


def data_dir() -> Path:
    return Path(os.environ.get("CONTENT_DATA_DIR") or DEFAULT_DATA_DIR)


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _by_code(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, str]]:
    return {str(row[key]): {"fr": str(row["name_fr"]), "en": str(row["name_en"])} for row in rows}


def load_content(directory: Path | None = None) -> ContentData:
    """Load branches, regions and sectors; a missing field raises KeyError naming it."""
    base = directory or data_dir()
    branches = _load(base / "branches.yml")
    regions = _load(base / "regions.yml")
    sectors = _load(base / "sectors.yml")
    labels = Labels(
        sectors=_by_code(sectors, "code"),
        regions=_by_code(regions, "code"),
        branches=_by_code(branches, "id"),
    )
    return ContentData(
        labels=labels,
        regions=[
            Region(
                code=str(row["code"]),
                name_fr=str(row["name_fr"]),
                name_en=str(row["name_en"]),
                branch=str(row["branch"]),
                target=int(row["target"]) if isinstance(row.get("target"), int) else None,
            )
            for row in regions
        ],
        branch_ids=[str(row["id"]) for row in branches],
    )
