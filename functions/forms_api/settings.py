"""Configuration read once from the environment at cold start."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

# The repository's own data when nothing else is said (tests, local mode);
# the Lambda bundle sets CONTENT_DATA_DIR to the copy it carries.
_REPO_CONTENT = Path(__file__).resolve().parents[2] / "content" / "data"


class Settings(BaseModel):
    table_name: str = Field(min_length=3)
    idempotency_table_name: str = Field(min_length=3)
    content_data_dir: Path
    site_url: str = ""
    # The site's page shell per language (`build/shell/<lang>.html`, exported by the site
    # build, carried by the bundle): answers are pages of the site. None: a bare page
    # (unit and integration tests that build no site).
    site_shell_dir: Path | None = None
    # A real registration is under 2 KB; anything past this is not a person typing.
    max_body_bytes: int = 16 * 1024
    # A person needs more than a few seconds to fill the form; scripts do not.
    min_fill_seconds: int = 3
    # Idempotency records outlive any double click or client retry.
    idempotency_seconds: int = 3600
    # What signs the tokens (forms_api/signing.py): a Secrets Manager secret when
    # deployed, a plain key in the local mode and the tests.
    signing_secret_arn: str = ""
    signing_key: SecretStr | None = None
    # The header CloudFront adds to every request to the API (x-vnb-origin): a secret when
    # deployed, a plain value in the local mode; neither (unit tests): no check.
    origin_secret_arn: str = ""
    origin_key: SecretStr | None = None
    # The site's security headers, sent on the functions' own HTML answers too.
    content_security_policy: str = ""
    permissions_policy: str = ""
    # How long a "check your answers" page may wait before its send button (seconds).
    form_token_seconds: int = 2 * 3600
    # How long the confirmation page's address and the e-mail confirmation link work.
    confirmation_seconds: int = 7 * 86400
    # How long the link to a registration's results works (sent to its confirmed address).
    results_link_seconds: int = 30 * 86400
    # Merchant mails one address receives in a UTC day: the notifier's limit
    # (`notifier_settings.merchant_mails_per_day`, the same MERCHANT_MAILS_PER_DAY), which
    # "send me my result" counts against before it asks the notifier.
    merchant_mails_per_day: int = Field(default=3, ge=1, le=100)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "vnb-program"),
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", "vnb-idempotency"),
        content_data_dir=Path(env.get("CONTENT_DATA_DIR") or _REPO_CONTENT),
        site_url=env.get("SITE_URL", ""),
        site_shell_dir=Path(env["SITE_SHELL_DIR"]) if env.get("SITE_SHELL_DIR") else None,
        signing_secret_arn=env.get("SIGNING_SECRET_ARN", ""),
        min_fill_seconds=int(env.get("MIN_FILL_SECONDS", "3")),
        signing_key=SecretStr(env["SIGNING_KEY"]) if env.get("SIGNING_KEY") else None,
        origin_secret_arn=env.get("ORIGIN_SECRET_ARN", ""),
        origin_key=SecretStr(env["ORIGIN_KEY"]) if env.get("ORIGIN_KEY") else None,
        content_security_policy=" ".join(env.get("CONTENT_SECURITY_POLICY", "").split()),
        permissions_policy=" ".join(env.get("PERMISSIONS_POLICY", "").split()),
        merchant_mails_per_day=int(env.get("MERCHANT_MAILS_PER_DAY", "3")),
    )
