"""« Le programme en chiffres » with figures, in Debian's headless Chromium: axe-core finds
nothing on a phone or a desktop, the table and the chart need no JavaScript, and the
open-data files are served from the page's folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from browser import assert_no_axe_violation, static_server
from content_model import load_content
from playwright.sync_api import Browser
from progress.recount import recount, snapshot, write_snapshot
from progress.seed import population
from progress.source import MemoryProgressSource
from sitebuild.build import build
from sitebuild.settings import REPO_ROOT, BuildSettings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PATHS = ["fr/chiffres/", "en/numbers/"]
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("numbers-browser")
    content = load_content(REPO_ROOT / "content" / "data")
    tally_ = recount(MemoryProgressSource(population(content, 1500)), content, NOW)
    write_snapshot(
        snapshot(tally_, content, NOW, synthetic=True), out / "progress" / "snapshot.json"
    )
    build(BuildSettings(out_dir=out))
    with static_server(out / "site") as url:
        yield url


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_no_axe_violation(browser: Browser, base_url: str, path: str, width: int) -> None:
    assert_no_axe_violation(browser, base_url + path, width)


@pytest.mark.parametrize("path", PATHS)
def test_table_chart_and_files_without_javascript(
    browser: Browser, base_url: str, path: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + path)
        # 17 regions and the total, under the header row.
        assert page.locator("#numbers-regions table tbody tr").count() == 18
        assert page.locator("#numbers-chart svg g").count() == 17
        assert page.locator("#numbers-chart svg").bounding_box() is not None
        for link in page.locator("#numbers-files a").all():
            response = page.request.get(base_url.rstrip("/") + str(link.get_attribute("href")))
            assert response.status == 200, link.get_attribute("href")
    finally:
        context.close()
