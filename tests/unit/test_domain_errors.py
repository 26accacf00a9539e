"""Each domain error states its own facts; a new one that forgets one cannot exist."""

from __future__ import annotations

import pytest
from forms_api.domain import errors


def _all_errors(cls: type[errors.DomainError]) -> list[type[errors.DomainError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_all_errors(direct))]


def test_every_domain_error_states_status_title_way_back_and_outcome() -> None:
    classes = _all_errors(errors.DomainError)
    assert len(classes) >= 7
    for cls in classes:
        assert 400 <= cls.status < 600, cls
        assert cls.title.endswith("_title"), cls
        assert isinstance(cls.back_to_form, bool), cls
        assert cls.outcome, cls


def test_an_error_that_forgets_a_fact_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="outcome"):

        class Forgetful(errors.DomainError):  # pragma: no cover - never defined
            status = 400
            title = "error_title"
            back_to_form = False


def test_every_title_is_an_interface_string_in_both_languages() -> None:
    from pathlib import Path

    from content_model import load_content

    content = load_content(Path(__file__).resolve().parents[2] / "content" / "data")
    for cls in _all_errors(errors.DomainError):
        for lang in ("fr", "en"):
            assert content.message(lang, "form", cls.title)
