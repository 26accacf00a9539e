"""Configuration read once from the environment at cold start."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

# The repository's own data when nothing else is said (tests, local mode);
# the Lambda bundle sets CONTENT_DATA_DIR to the copy it carries.
_REPO_CONTENT = Path(__file__).resolve().parents[2] / "content" / "data"


class Settings(BaseModel):
    table_name: str = Field(min_length=3)
    idempotency_table_name: str = Field(min_length=3)
    content_data_dir: Path
    site_url: str = ""
    # The site's stylesheet (absolute path; `{lang}` is replaced, e.g. /{lang}/assets/vnb.css),
    # linked from the pages the API answers with; empty: their own small styles only.
    site_stylesheet: str = ""
    # A real registration is under 2 KB; anything past this is not a person typing.
    max_body_bytes: int = 16 * 1024
    # A person needs more than a few seconds to fill the form; scripts do not.
    min_fill_seconds: int = 3
    # Idempotency records outlive any double click or client retry.
    idempotency_seconds: int = 3600


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "vnb-program"),
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", "vnb-idempotency"),
        content_data_dir=Path(env.get("CONTENT_DATA_DIR") or _REPO_CONTENT),
        site_url=env.get("SITE_URL", ""),
        site_stylesheet=env.get("SITE_STYLESHEET", ""),
    )
