"""The form field styles exist twice: inlined in the pages the forms API answers with
(`functions/forms_api/templates/forms.css`, no site stylesheet there) and at the top of the
site's `site/assets/vnb-forms.css`. A form must look the same in both: the copies cannot drift."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
API_CSS = REPO / "functions" / "forms_api" / "templates" / "forms.css"
SITE_CSS = REPO / "site" / "assets" / "vnb-forms.css"
SITE_ONLY_MARK = "/* Site side"


def _rules(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.startswith("/*")]


def _selector(rule: str) -> str:
    return rule.split("{", 1)[0]


def test_the_site_copy_of_the_field_styles_matches_the_api_pages() -> None:
    api = {_selector(rule): rule for rule in _rules(API_CSS.read_text("utf-8").splitlines())}
    site_lines = SITE_CSS.read_text("utf-8").splitlines()
    # The site file starts with the shared field rules, then its own (steps, bars, print).
    mark = next(i for i, line in enumerate(site_lines) if line.startswith(SITE_ONLY_MARK))
    shared = _rules(site_lines[:mark])
    assert len(shared) >= 10, "the shared field rules went missing from vnb-forms.css"
    for rule in shared:
        assert rule == api.get(_selector(rule)), f"vnb-forms.css differs from forms.css: {rule}"
