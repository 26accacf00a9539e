"""When each source file last changed, for the pages' "Date modified".

Git knows it: the date of the last commit that touched the file (CI builds a clean clone,
which has its history). One `git log` per folder reads the whole history at once. A file
with uncommitted changes is as new as the build (a local preview). Outside a Git checkout
(a copy of the content, an archive) there is no history: the page's front matter
(`modified:`, or a news post's `date:`) is the fallback, and without one the page shows
no date rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

GIT_TIMEOUT_SECONDS = 30


def _git(folder: Path, *args: str) -> str | None:
    try:
        run = subprocess.run(  # noqa: S603 (fixed arguments, our own folders)
            ["git", "-C", str(folder), *args],  # noqa: S607 (git from PATH, as a developer runs it)
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def last_changes(folder: Path, today: dt.date | None = None) -> dict[Path, dt.date]:
    """The last change date of every file Git knows under `folder`; {} outside Git."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    root = Path(top.strip())
    log = _git(folder, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", ".")
    if log is None:
        return {}
    dates: dict[Path, dt.date] = {}
    for entry in log.split("\x00")[1:]:
        day, _, names = entry.partition("\n")
        when = dt.date.fromisoformat(day.strip())
        for name in names.split("\n"):
            if name:
                # The log runs newest first: the first date seen is the last change.
                dates.setdefault((root / name).resolve(), when)
    status = _git(folder, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    if status:
        now = today or dt.date.today()
        records = iter(status.split("\x00"))
        for record in records:
            if len(record) < 4:
                continue
            code, name = record[:2], record[3:]
            dates[(root / name).resolve()] = now
            if "R" in code or "C" in code:
                next(records, None)  # a rename's or copy's original path: its own record
    return dates


def all_last_changes(*folders: Path) -> dict[Path, dt.date]:
    """`last_changes` of several folders, asked of Git at the same time (a build asks once
    for both languages: the sources are the same)."""
    with ThreadPoolExecutor(max_workers=len(folders) or 1) as pool:
        found = list(pool.map(last_changes, folders))
    merged: dict[Path, dt.date] = {}
    for dates in found:
        merged.update(dates)
    return merged


def front_matter_date(meta: dict[str, object]) -> dt.date | None:
    for key in ("modified", "date"):
        value = meta.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
    return None
