"""The signed addresses the program hands out: what they prove and how long they work.

One place for the tokens' purposes, so the registration function (which verifies them)
and the notifier (which puts the e-mail confirmation link in the merchant's mail) agree.
"""

from __future__ import annotations

from datetime import datetime

from forms_api.domain import tokens
from forms_api.settings import get_settings
from forms_api.signing import current_key

API_PREFIX = "/api"
EMAIL_CONFIRMATION = "registration-email"
# The page listing a registration's assessment results: only ever sent by e-mail, to the
# registration's confirmed address (never given for a reference alone).
RESULTS = "assessment-results"


def email_confirmation_token(reference: str, now: datetime) -> str:
    """The token of the confirmation e-mail's link: it confirms the address of this
    registration, which then claims its business number."""
    return tokens.sign(
        current_key(),
        EMAIL_CONFIRMATION,
        int(now.timestamp()),
        get_settings().confirmation_seconds,
        r=reference,
    )


def email_confirmation_url(site_url: str, reference: str, now: datetime) -> str:
    token = email_confirmation_token(reference, now)
    return f"{site_url.rstrip('/')}{API_PREFIX}/registrations/confirm?token={token}"


def results_token(reference: str, lang: str, now: datetime) -> str:
    return tokens.sign(
        current_key(),
        RESULTS,
        int(now.timestamp()),
        get_settings().results_link_seconds,
        r=reference,
        l=lang,
    )


def results_url(site_url: str, reference: str, lang: str, now: datetime) -> str:
    token = results_token(reference, lang, now)
    return f"{site_url.rstrip('/')}{API_PREFIX}/assessments/results?token={token}"
