"""The forms' data caches, cleared when `content/data/` changes under the local mode.

On AWS the handlers read the data once per instance; the local mode's handlers live as long
as `make dev`, and staff change the data meanwhile (the phase in program.yml, a branch).
"""

from __future__ import annotations


def reload_function_data() -> None:
    """The next request reads `content/data/` again (the site build's forms too)."""
    from forms_api import mailer, settings
    from forms_api.domain import content

    content.load_program_data.cache_clear()
    mailer.cached_mail_content.cache_clear()
    settings.get_settings.cache_clear()
