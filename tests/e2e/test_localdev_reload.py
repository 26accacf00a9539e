"""The preview in a real browser: a page open in Chromium reloads by itself after a save.

The local mode runs with its preview on a copy of the content; the test edits the copy as
staff would in their editor. The reload script is in the local mode's answers only, never in
the built files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from localdev.process import LocalModeProcess
from localdev.standin import REPOSITORY
from localdev.state import State
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[State, Path, Path]]:
    root = tmp_path_factory.mktemp("preview")
    content = root / "content"
    shutil.copytree(REPOSITORY / "content", content)
    out = root / "build"
    with LocalModeProcess(["--content", str(content), "--out", str(out)], watch=True) as local:
        yield local.start(timeout=240), content, out / "site"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_an_open_page_reloads_by_itself_after_its_markdown_is_saved(
    preview: tuple[State, Path, Path], page: Page
) -> None:
    state, content, _ = preview
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(state.url + "fr/accessibilite/")
    page.evaluate("window.beforeTheSave = true")

    _append(content / "fr" / "accessibilite.md", "Phrase ajoutée par le test du rechargement.")

    page.wait_for_function(
        "document.body.innerText.includes('Phrase ajoutée par le test du rechargement.')",
        timeout=30_000,
    )
    # A real reload (a new document), not a script that patched the page.
    assert page.evaluate("window.beforeTheSave") is None
    assert errors == []


def test_a_page_of_the_other_language_reloads_after_a_data_change(
    preview: tuple[State, Path, Path], page: Page
) -> None:
    state, content, _ = preview
    page.goto(state.url + "en/")
    page.evaluate("window.beforeTheSave = true")
    strings = content / "data" / "i18n" / "en.yml"
    text = strings.read_text(encoding="utf-8")
    assert "language_name: English" in text
    strings.write_text(
        text.replace("language_name: English", "language_name: English (edited)"),
        encoding="utf-8",
    )

    page.wait_for_function("window.beforeTheSave === undefined", timeout=30_000)
    assert page.evaluate("window.beforeTheSave") is None


def test_the_reload_script_is_in_the_answers_only_never_in_the_built_site(
    preview: tuple[State, Path, Path], page: Page
) -> None:
    state, _, site = preview
    page.goto(state.url + "fr/")
    assert page.locator('script[src="/__localdev/reload.js"]').count() == 1
    built = [path for path in site.rglob("*") if path.suffix in (".html", ".js", ".xml")]
    assert built
    assert [path for path in built if "__localdev" in path.read_text(encoding="utf-8")] == []
