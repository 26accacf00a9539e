"""The MkDocs settings stay within what Zensical (Material's successor) also reads."""

from __future__ import annotations

import pytest
import yaml
from sitebuild.settings import REPO_ROOT
from sitetests import BuiltSite

pytestmark = pytest.mark.slow  # builds the site (shared session build or a copy)

# Plugins Zensical supports (design note); no third-party plugin, no hooks.
ZENSICAL_PLUGINS = {"search", "blog", "redirects", "tags", "minify", "meta", "macros"}


def test_shared_config_uses_no_hooks_and_only_zensical_plugins() -> None:
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text("utf-8"))
    assert "hooks" not in config
    plugins = {p if isinstance(p, str) else next(iter(p)) for p in config.get("plugins", [])}
    assert plugins <= ZENSICAL_PLUGINS
    assert config["theme"]["font"] is False  # no Google Fonts


def test_each_language_gets_its_own_config_url_and_theme_language(site: BuiltSite) -> None:
    for lang in ("fr", "en"):
        config = yaml.safe_load(
            (site.settings.out_dir / "config" / f"mkdocs.{lang}.yml").read_text("utf-8")
        )
        assert config["site_url"] == f"{site.settings.site_url}{lang}/"
        assert config["theme"]["language"] == lang
        assert config["site_dir"] == str(site.settings.site_dir / lang)
        assert "hooks" not in config


def test_the_pages_favicon_and_logo_are_the_feeds_icon_and_cost_no_request(site: BuiltSite) -> None:
    import re
    from urllib.parse import unquote

    prefix = "data:image/svg+xml,"
    drawing = (REPO_ROOT / "site" / "assets" / "favicon.svg").read_text("utf-8").strip()
    (store,) = re.findall(r'<path d="[^"]+"', drawing)
    for page in site.html_pages():
        html = page.read_text(encoding="utf-8")
        (favicon,) = re.findall(r'<link rel="icon" href="([^"]*)">', html)
        assert favicon.startswith(prefix), page
        assert unquote(favicon.removeprefix(prefix)).replace("'", '"') == drawing, page
        # The header's and the menu's logo: the favicon's store, written out.
        logo = r'class="md-(?:header|nav)__button md-logo"[^>]*>\s*<svg(.*?)</svg>'
        logos = re.findall(logo, html)
        assert len(logos) == 2, page
        assert all(store in logo for logo in logos), page
        # No reading order between a service site's pages, no versions told.
        assert 'rel="prev"' not in html and 'rel="next"' not in html, page
        assert 'name="generator"' not in html, page
