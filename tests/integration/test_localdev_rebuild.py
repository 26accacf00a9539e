"""A change under the watched folders rebuilds the site for the address being served."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from localdev import server
from localdev.server import LocalMode, Options


def _served(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


def test_a_content_change_rebuilds_the_site_while_it_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The local mode sets the handlers' environment: keep it out of this test process.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    builds: list[tuple[str, Path]] = []
    rebuilt = threading.Event()

    def fake_build(site_url: str, out_dir: Path) -> None:
        builds.append((site_url, out_dir))
        (out_dir / "site" / "fr").mkdir(parents=True)
        (out_dir / "site" / "fr" / "index.html").write_text("rebuilt", encoding="utf-8")
        rebuilt.set()

    monkeypatch.setattr(server, "build_site", fake_build)
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "build" / "site" / "fr").mkdir(parents=True)
    (tmp_path / "build" / "site" / "fr" / "index.html").write_text("first", encoding="utf-8")
    page = content / "index.md"
    page.write_text("# Accueil\n", encoding="utf-8")
    options = Options(
        port=0,
        build=False,
        out_dir=tmp_path / "build",
        site_dir=tmp_path / "build" / "site",
        state_file=tmp_path / "localdev.json",
        watched=[content],
        watch_interval=0.05,
    )
    local = LocalMode(options)
    url = local.start()
    try:
        assert os.environ["TABLE_NAME"] == "vnb-local-program"
        assert os.environ["AWS_ENDPOINT_URL"] == local.standin.endpoint
        assert os.environ["SITE_URL"] == url
        assert _served(url + "fr/") == "first"
        page.write_text("# Accueil modifié\n", encoding="utf-8")
        assert rebuilt.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _served(url + "fr/") != "rebuilt":
            time.sleep(0.05)
        assert _served(url + "fr/") == "rebuilt"
    finally:
        local.stop()
    # Built aside for the address being served, then swapped in.
    assert builds == [(url, tmp_path / "build" / "preview-next")]
    assert not (tmp_path / "build" / "preview-next" / "site").exists()
    assert not (tmp_path / "localdev.json").exists()
