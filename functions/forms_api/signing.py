"""The program's signing keys: from Secrets Manager when deployed (the stack's
`FormsSigningSecret`, rotatable, read with Powertools' parameters utility and cached five
minutes), from `SIGNING_KEY` in the local mode and the tests.

The secret's value is JSON: `{"kid": "2026-12", "key": "…", "previous": {"kid": …, "key": …}}`.
To rotate: write a new version whose `previous` is the current key; tokens signed before
stay valid until they expire (docs/staff.md, "Keys").
"""

from __future__ import annotations

import json
from typing import Any

from forms_api.domain.tokens import SigningKey
from forms_api.settings import get_settings

_CACHE_SECONDS = 300


def _keys_from(document: dict[str, Any]) -> list[SigningKey]:
    keys = [SigningKey(str(document["kid"]), str(document["key"]).encode("utf-8"))]
    previous = document.get("previous")
    if isinstance(previous, dict) and previous.get("key"):
        keys.append(SigningKey(str(previous["kid"]), str(previous["key"]).encode("utf-8")))
    return keys


def signing_keys() -> list[SigningKey]:
    """The current key first, then the previous one (still accepted, never used to sign)."""
    settings = get_settings()
    if settings.signing_key is not None:
        return [SigningKey("local", settings.signing_key.get_secret_value().encode("utf-8"))]
    if not settings.signing_secret_arn:
        raise RuntimeError("no signing key: set SIGNING_SECRET_ARN (deployed) or SIGNING_KEY")
    from aws_lambda_powertools.utilities import parameters

    from forms_api.repository import secrets_client

    provider = parameters.SecretsProvider(boto3_client=secrets_client())
    value = provider.get(settings.signing_secret_arn, max_age=_CACHE_SECONDS)
    return _keys_from(json.loads(str(value)))


def current_key() -> SigningKey:
    return signing_keys()[0]


def origin_key() -> str | None:
    """What CloudFront's x-vnb-origin header must say; None: nothing to check (tests)."""
    settings = get_settings()
    if settings.origin_key is not None:
        return settings.origin_key.get_secret_value()
    if not settings.origin_secret_arn:
        return None
    from aws_lambda_powertools.utilities import parameters

    from forms_api.repository import secrets_client

    provider = parameters.SecretsProvider(boto3_client=secrets_client())
    value = provider.get(settings.origin_secret_arn, max_age=_CACHE_SECONDS)
    return str(json.loads(str(value))["key"])
