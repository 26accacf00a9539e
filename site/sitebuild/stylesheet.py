"""The site's one stylesheet: Material's and ours, without the rules nothing can match.

Material's `main.*.min.css` (137 KB, 22 KB gzip) styles every feature of the theme; this
site uses a few. After the MkDocs builds, this step joins Material's stylesheet and the
site's own (`OWN_STYLESHEETS`, in cascade order), keeps the rules whose selectors something
can match (PurgeCSS), minifies them (Lightning CSS) and writes the result:

- `{lang}/assets/stylesheets/main.<hash>.min.css`, a content-hashed name under the CDN's
  year-long cache behaviour (`/*/assets/stylesheets/main.*`), which every built page links
  instead of Material's file (whose name Material's template hard-codes);
- `{lang}/assets/vnb.css`, the same bytes under a stable name for pages rendered outside
  the build (the forms API's `SITE_STYLESHEET`, e.g. `/{lang}/assets/vnb.css`).

"Something" is what the site can show: every built HTML page, the forms API's templates
(the answer pages rendered at run time: errors, confirmation, result), the figures of « Le
programme en chiffres » (the nightly numbers function renders them into a page built
without them, so the stylesheet may not depend on whether a snapshot existed) and the scripts
(classes and attributes they add at run time). A class the next page needs is kept by the
next build, since the purge reads the pages it builds: there is no safelist to maintain.
A page over its 14 KB budget, or a class that loses its rule, fails
`tests/site/test_stylesheet.py`.

The Node tools are pinned in `tests/package.json` (`make tools` installs them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from forms_api.rendering import TEMPLATES as FORM_TEMPLATES
from progress.figures import TEMPLATE as FIGURES_TEMPLATE

from .compact import compact_html
from .render import ASSETS_DIR
from .settings import REPO_ROOT

NODE_MODULES = REPO_ROOT / "tests" / "node_modules"
SCRIPT = Path(__file__).with_name("stylesheet.cjs")
# The site's own stylesheets, after Material's: the same cascade as separate links had.
OWN_STYLESHEETS = ("vnb.css", "vnb-forms.css", "vnb-search.css")
STABLE_NAME = "vnb.css"
MATERIAL_NAME = re.compile(r"main\.[0-9a-f]{8}\.min\.css")


@dataclass(frozen=True)
class SiteStylesheet:
    name: str
    """The content-hashed file name, in each language's `assets/stylesheets/`."""
    css: str
    rejected: list[str]
    """The selectors PurgeCSS removed (to see what went, when a rule seems missing)."""


@dataclass(frozen=True)
class Sources:
    """What the purge keeps rules for."""

    pages: list[Path]
    templates: list[Path]
    scripts: list[Path]


def site_sources(site_dir: Path) -> Sources:
    return Sources(
        pages=sorted(site_dir.rglob("*.html")),
        templates=[*sorted(FORM_TEMPLATES.glob("*.html")), FIGURES_TEMPLATE],
        scripts=sorted(ASSETS_DIR.glob("*.js")),
    )


def unpurged_css(material: Path) -> str:
    """Material's stylesheet followed by the site's own, as one text."""
    parts = [material.read_text(encoding="utf-8")]
    parts += [(ASSETS_DIR / name).read_text(encoding="utf-8") for name in OWN_STYLESHEETS]
    return "\n".join(parts)


def purge(css: str, sources: Sources, selectors_cache: Path | None = None) -> tuple[str, list[str]]:
    """The rules of `css` that `sources` can match, minified; and the rejected selectors.

    `selectors_cache`: a folder where what each page holds (its tags, classes, ids,
    attributes) is kept by the SHA-256 of its text, so that the next purge parses only the
    pages that changed (stylesheet.cjs)."""
    # Imported here: the build module imports this one.
    from .build import BuildError

    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "purgecss").is_dir():
        raise BuildError(
            "the site stylesheet needs Node.js and the tools of tests/package.json: "
            "run `make tools`"
        )
    job = {
        "css": css,
        "pages": [str(p) for p in sources.pages],
        "templates": [str(p) for p in sources.templates],
        "scripts": [str(p) for p in sources.scripts],
        "cache": str(selectors_cache) if selectors_cache else None,
        "tools": _tools_digest(),
    }
    proc = subprocess.run(  # noqa: S603 (our script, our files)
        [node, str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        check=False,
    )
    if proc.returncode != 0:
        raise BuildError(f"the site stylesheet step failed:\n{proc.stderr}")
    answer = json.loads(proc.stdout)
    return str(answer["css"]), [str(s) for s in answer["rejected"]]


def fingerprinted_name(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:8]
    return f"main.{digest}.min.css"


def material_stylesheet(site_dir: Path) -> Path:
    """Material's `main.*.min.css` (the same file in each language)."""
    found = sorted(site_dir.glob("*/assets/stylesheets/main.*.min.css"))
    names = {path.name for path in found}
    if len(names) != 1 or not MATERIAL_NAME.fullmatch(found[0].name):
        from .build import BuildError

        raise BuildError(f"expected one Material stylesheet in {site_dir}, found {sorted(names)}")
    return found[0]


def _tools_digest() -> str:
    """The installed Node tools, as the npm lock pins them."""
    lock = NODE_MODULES.parent / "package-lock.json"
    return hashlib.sha256(lock.read_bytes() if lock.is_file() else b"").hexdigest()


def _purge_key(css: str, sources: Sources) -> str:
    """What the purge's result depends on: its input, every file it reads, its tools."""
    digest = hashlib.sha256()
    for part in (css, SCRIPT.read_text(encoding="utf-8"), _tools_digest()):
        digest.update(part.encode("utf-8"))
    for path in [*sources.pages, *sources.templates, *sources.scripts]:
        digest.update(b"\x00" + str(path).encode("utf-8") + b"\x00")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached_purge(css: str, sources: Sources, cache_dir: Path | None) -> tuple[str, list[str]]:
    """`purge`, skipped when the same inputs were purged by the previous build (the answer
    is kept in `cache_dir`, one file): a rebuild of unchanged content runs no Node; else
    only the pages that changed are parsed again (`cache_dir/page-selectors`)."""
    if cache_dir is None:
        return purge(css, sources)
    key = _purge_key(css, sources)
    kept = cache_dir / f"{key}.json"
    if kept.is_file():
        answer = json.loads(kept.read_text(encoding="utf-8"))
        return str(answer["css"]), [str(s) for s in answer["rejected"]]
    result, rejected = purge(css, sources, cache_dir / "page-selectors")
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("*.json"):
        old.unlink()
    kept.write_text(json.dumps({"css": result, "rejected": rejected}), encoding="utf-8")
    return result, rejected


@dataclass(frozen=True)
class PreparedStylesheet:
    sheet: SiteStylesheet
    material: Path
    """Material's stylesheet in one language (the name every page links)."""
    pages: list[Path]


def prepare_site_stylesheet(
    site_dir: Path, purged: bool = True, cache_dir: Path | None = None
) -> PreparedStylesheet:
    """The site stylesheet of the built pages, nothing written yet (`apply_site_stylesheet`
    writes it): the pages can be read by others (the search index) meanwhile."""
    material = material_stylesheet(site_dir)
    sources = site_sources(site_dir)
    if purged:
        css, rejected = cached_purge(unpurged_css(material), sources, cache_dir)
    else:
        css, rejected = unpurged_css(material), []
    sheet = SiteStylesheet(name=fingerprinted_name(css), css=css, rejected=rejected)
    return PreparedStylesheet(sheet=sheet, material=material, pages=sources.pages)


def apply_site_stylesheet(site_dir: Path, prepared: PreparedStylesheet) -> SiteStylesheet:
    """Replaces Material's stylesheet by the site stylesheet in every language, and every
    page's link to it; the pages lose their indentation on the way (`compact_html`)."""
    material, sheet = prepared.material, prepared.sheet
    name, css = sheet.name, sheet.css
    for assets in sorted(site_dir.glob(f"*/assets/stylesheets/{material.name}")):
        folder = assets.parent
        assets.unlink()
        folder.joinpath(material.name + ".map").unlink(missing_ok=True)
        folder.joinpath(name).write_text(css, encoding="utf-8")
        folder.parent.joinpath(STABLE_NAME).write_text(css, encoding="utf-8")
        for merged in OWN_STYLESHEETS:
            if merged != STABLE_NAME:
                folder.parent.joinpath(merged).unlink(missing_ok=True)
    for page in prepared.pages:
        html = page.read_text(encoding="utf-8")
        page.write_text(compact_html(html.replace(material.name, name)), encoding="utf-8")
    return sheet


def write_site_stylesheet(
    site_dir: Path, purged: bool = True, cache_dir: Path | None = None
) -> SiteStylesheet:
    """Replaces Material's stylesheet by the purged site stylesheet in every language.

    `purged=False` (the local mode's preview): the stylesheets joined, no rule removed, so
    a rebuild needs no Node; the pages look the same (only unmatchable rules are purged).
    `cache_dir`: where the purge's last answer is kept (`cached_purge`).
    """
    return apply_site_stylesheet(site_dir, prepare_site_stylesheet(site_dir, purged, cache_dir))
