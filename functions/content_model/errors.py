"""The one error a content file can raise: which file, which field, why."""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Content data that cannot make a correct site or service: which file, field and why."""

    def __init__(self, file: Path | str, field: str, reason: str) -> None:
        self.file = str(file)
        self.field = field
        self.reason = reason
        super().__init__(f"{self.file}: {field}: {reason}")
