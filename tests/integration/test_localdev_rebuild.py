"""A change under the watched folders rebuilds the site for the address being served."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from localdev import server
from localdev.server import LocalMode, Options


def test_a_content_change_rebuilds_the_site_while_it_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The local mode sets the handlers' environment: keep it out of this test process.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    builds: list[tuple[str, Path]] = []
    rebuilt = threading.Event()

    def fake_build(site_url: str, out_dir: Path) -> None:
        builds.append((site_url, out_dir))
        rebuilt.set()

    monkeypatch.setattr(server, "build_site", fake_build)
    content = tmp_path / "content"
    content.mkdir()
    page = content / "index.md"
    page.write_text("# Accueil\n", encoding="utf-8")
    options = Options(
        port=0,
        build=False,
        out_dir=tmp_path / "build",
        site_dir=tmp_path,
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
        page.write_text("# Accueil modifié\n", encoding="utf-8")
        assert rebuilt.wait(10)
    finally:
        local.stop()
    assert builds == [(url, tmp_path / "build")]
    assert not (tmp_path / "localdev.json").exists()
