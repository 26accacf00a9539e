"""« Le programme en chiffres »: the page's figures and its open-data files, from the
snapshot `python -m progress recount` writes (`<out_dir>/progress/snapshot.json`).

No snapshot (a fresh checkout, the tests' builds): the page says the figures are not
available yet and no file is written.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from content_model import LANGUAGES, Content, Language
from progress.figures import PAGE_ID, page_folder
from progress.opendata import Snapshot, files, read_snapshot, view

from .pages import SitePlan
from .settings import BuildSettings


def snapshot_path(settings: BuildSettings) -> Path:
    return settings.out_dir / "progress" / "snapshot.json"


@lru_cache(maxsize=4)
def _snapshot(path: Path, mtime_ns: int) -> Snapshot | None:
    return read_snapshot(path)


def current_snapshot(settings: BuildSettings) -> Snapshot | None:
    path = snapshot_path(settings)
    mtime = path.stat().st_mtime_ns if path.is_file() else 0
    return _snapshot(path, mtime)


def page_view(data: Content, settings: BuildSettings, lang: Language) -> dict[str, Any]:
    """The `numbers` variable of every page's template (the numbers page shows it)."""
    result = view(current_snapshot(settings), data, lang)
    if any(p.id == PAGE_ID for p in data.pages):
        # The files' folder from the host's root: raw HTML links, as `asset()` gives.
        result["folder"] = page_folder(data, lang, settings.base_path)
    return result


def write_open_data(data: Content, plan: SitePlan) -> None:
    """The CSV and JSON files next to the page, in each language's folder."""
    snapshot = current_snapshot(plan.settings)
    if snapshot is None:
        return
    for lang in LANGUAGES:
        folder = plan.settings.site_dir / lang / plan.find(lang, PAGE_ID).url
        folder.mkdir(parents=True, exist_ok=True)
        for name, body in files(snapshot, data).items():
            (folder / name).write_bytes(body)
