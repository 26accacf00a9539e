"""The content data the staff commands read: the shared content model (`content_model`),
from `content/data` (or `CONTENT_DATA_DIR`), the same files the site is built from, so a
label changed by staff in Git shows in the next export."""

from __future__ import annotations

import os
from pathlib import Path

import content_model
from content_model import Content

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "content" / "data"


def data_dir() -> Path:
    return Path(os.environ.get("CONTENT_DATA_DIR") or DEFAULT_DATA_DIR)


def load_content(directory: Path | None = None) -> Content:
    """The validated content; a bad file raises content_model.DataError naming it."""
    return content_model.load_content(directory or data_dir())
