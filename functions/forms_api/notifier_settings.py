"""The notifier's configuration: one validated model, read once from the environment.

Each field is read from the environment variable of its name in capitals (`mail_sender`
from `MAIL_SENDER`…). A missing or malformed value fails the cold start with the
variable's name, instead of a `KeyError` in the middle of a batch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The repository's own data when nothing else is said (tests, local mode);
# the Lambda bundle sets CONTENT_DATA_DIR to the copy it carries.
_REPO_CONTENT = Path(__file__).resolve().parents[2] / "content" / "data"

_ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class NotifierSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_sender: str = Field(pattern=_ADDRESS)
    idempotency_table_name: str = Field(min_length=3)
    # The program table: the daily counters and the refusal records live there.
    table_name: str = Field(min_length=3)
    content_data_dir: Path = _REPO_CONTENT
    site_url: str = ""
    # Who gets a branch's notice while its address is a placeholder; None: no notice.
    branch_notice_fallback: str | None = Field(default=None, pattern=_ADDRESS)
    # Merchant mails one address receives in a UTC day: a person registers once or twice
    # (a second business, a callback-list entry then the registration); a flood of
    # registrations typed with a stranger's address gets this many mails, not hundreds.
    merchant_mails_per_day: int = Field(default=3, ge=1, le=100)
    # How long a day's counter is kept after it was last written (DynamoDB's TTL).
    mail_count_ttl_seconds: int = Field(default=2 * 86400, ge=86400)
    # How long a refusal record is kept when the registration has no expiry of its own.
    refusal_days: int = Field(default=90, ge=1)

    @field_validator("branch_notice_fallback", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("content_data_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return _REPO_CONTENT if value in ("", None) else value

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> NotifierSettings:
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_notifier_settings() -> NotifierSettings:
    return NotifierSettings.from_environment()
