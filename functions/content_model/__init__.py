"""The one model of the content data (`content/data/*.yml`, the i18n strings, the e-mail
texts): imported by the site build, the content check, the forms functions, the mailer and
the staff tools, and carried in the functions' bundle, so the content check runs exactly
the validation the functions will run."""

from content_model.errors import DataError
from content_model.loader import (
    Content,
    cached_content,
    content_version,
    load_content,
)
from content_model.models import LANGUAGES, PLACEHOLDER, Language, Phase

__all__ = [
    "LANGUAGES",
    "PLACEHOLDER",
    "Content",
    "DataError",
    "Language",
    "Phase",
    "cached_content",
    "content_version",
    "load_content",
]
