"""Helpers shared by the forms tests (fixtures stay in `conftest.py`).

A plain module, because `from conftest import …` is ambiguous once several folders
have a `conftest.py`: pytest imports each of them under that same name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CONTENT_DATA = REPO / "content" / "data"
TABLES = {"ProgramTable": "test-program", "IdempotencyTable": "test-idempotency"}
# The browser tests' local mode signs with this key, so a test can sign the links only an
# e-mail would carry (the results link): `tests/e2e/conftest.py`.
LOCALDEV_SIGNING_KEY = "e2e-local-signing-key"


def clear_forms_caches() -> None:
    """Forget settings, data and clients cached by the forms functions."""
    import content_model as content
    from forms_api import repository, settings

    settings.get_settings.cache_clear()
    content.cached_content.cache_clear()
    repository.dynamodb_client.cache_clear()
    repository.get_repository.cache_clear()
    repository.keep_to_deadline(None)  # no invocation's time limit left over
    from forms_api.handlers import assessment, registration

    registration.register_once.reset()
    assessment.assess_once.reset()
    assessment.reset_peers_cache()
    assessment.mail_ledger.cache_clear()


def set_phase(data_dir: Path, phase: str) -> None:
    path = data_dir / "program.yml"
    program: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    program["phase"] = phase
    path.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
    import content_model as content

    content.cached_content.cache_clear()
