"""The forms' data caches, cleared when `content/data/` changes under the local mode.

On AWS the handlers read the data once per instance; the local mode's handlers live as long
as `make dev`, and staff change the data meanwhile (the phase in program.yml, a branch).
"""

from __future__ import annotations


def reload_function_data() -> None:
    """The next request reads `content/data/` again (the site build's forms too)."""
    from content_model import cached_content
    from forms_api import settings

    cached_content.cache_clear()
    settings.get_settings.cache_clear()
