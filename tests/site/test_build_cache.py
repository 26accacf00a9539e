"""The build's cache (`build/cache/`: compiled templates, the purge's answers, the social
images) changes nothing a build writes, and never serves what the content no longer says."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetests import build_copy, copy_content


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_warm_build_writes_what_a_cold_one_does_and_follows_an_edit(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    build_copy(content, out)
    assert (out / "cache").is_dir()
    cold = _files(out / "site")
    build_copy(content, out)  # warm: every cache answers
    assert _files(out / "site") == cold

    stylesheet = out / "site" / "fr" / "assets" / "vnb.css"
    assert ".admonition" not in stylesheet.read_text(encoding="utf-8")
    page = content / "fr" / "programme.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n!!! note "Essai"\n\n    Un encadré.\n',
        encoding="utf-8",
    )
    build_copy(content, out)
    # The page's new markup reached the purge: Material's rule for it is kept.
    assert ".admonition" in stylesheet.read_text(encoding="utf-8")
    assert "Un encadré." in (out / "site" / "fr" / "programme" / "index.html").read_text("utf-8")
