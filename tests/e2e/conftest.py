"""Fixtures of the browser tests: one local mode for the whole run, so the form tests and the
campaign-tag tests don't each build the site and start the stand-in; a Chromium per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import chromium
from forms_support import LOCALDEV_SIGNING_KEY
from localdev.process import LocalModeProcess
from localdev.state import State
from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[State]:
    """The local mode on free loopback ports, with its own build and state file."""
    out = tmp_path_factory.mktemp("localdev-e2e")
    # A person reads the "check your answers" page for seconds; a test waits one.
    # The tests sign the links only an e-mail would carry (the results link) with this key.
    env = {"MIN_FILL_SECONDS": "1", "LOCALDEV_SIGNING_KEY": LOCALDEV_SIGNING_KEY}
    with LocalModeProcess(["--out", str(out)], env=env) as process:
        yield process.start(timeout=240)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Per module: Playwright's sync API allows one running instance, and the infra and
    # integration tests start their own.
    with chromium() as launched:
        yield launched


# Merchants are often on a phone: the journey is tested on a phone-sized screen.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    yield context.new_page()
    context.close()
