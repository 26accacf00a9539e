"""Time from saving a file to the refreshed page in a browser; prints medians and ratios.

    .venv/bin/python tests/benchmarks/bench_preview.py [--runs 5] [--zensical PATH]

Three previews of the same French pages, measured in the same run, in Debian's Chromium:
- the local mode (`make dev`): a Markdown page of content/ saved, then a data file that
  every page uses (the footer's note in `content/data/i18n/fr.yml`, both languages rebuilt);
- `mkdocs serve` on the build's own per-language configuration (its staged Markdown page
  saved, then the configuration's footer note: MkDocs rebuilds the language either way);
- `zensical serve` on the same configuration (relative paths, as Zensical wants them), if
  Zensical is installed (`--zensical`, `$ZENSICAL`, `.venv/bin/zensical` or the PATH).
Each run writes a new marker and waits until the page open in the browser shows it (the
page reloads by itself in all three). The clock starts at the write.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from browser import chromium, free_port  # noqa: E402
from playwright.sync_api import Page  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

PAGE = "accessibilite"
NOTE = "Programme mené par"  # the start of the footer's note, on every page


@dataclass
class Preview:
    name: str
    url: str  # the page watched in the browser
    edit_page: Callable[[str], None]  # writes a marker into the Markdown page
    edit_data: Callable[[str], None]  # writes a marker into what every page shows


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server stopped ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: no answer in {timeout} s")


@contextmanager
def _running(command: list[str], cwd: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _append(path: Path) -> Callable[[str], None]:
    original = path.read_text(encoding="utf-8")

    def edit(marker: str) -> None:
        path.write_text(original + f"\n{marker}\n", encoding="utf-8")

    return edit


def _replace(path: Path, old: str) -> Callable[[str], None]:
    original = path.read_text(encoding="utf-8")
    if old not in original:
        raise SystemExit(f"{path}: {old!r} not found")

    def edit(marker: str) -> None:
        path.write_text(original.replace(old, f"{marker} {old}", 1), encoding="utf-8")

    return edit


def _measure(page: Page, preview: Preview, edit: Callable[[str], None], runs: int) -> list[float]:
    page.goto(preview.url)
    time.sleep(1)  # the page's reload channel connects (Zensical tells connected pages only)
    times = []
    for run in range(runs + 1):
        marker = f"marqueur{run}x{time.time_ns()}"
        started = time.perf_counter()
        edit(marker)
        page.wait_for_function(
            "marker => document.body && document.body.innerText.includes(marker)",
            arg=marker,
            polling=10,
            timeout=60_000,
        )
        elapsed = time.perf_counter() - started
        if run:  # the first one warms the preview up (a first rebuild compiles templates)
            times.append(elapsed)
        time.sleep(0.5)  # let the preview's own after-work (and the file cache) settle
    return times


def _zensical(explicit: str | None) -> str | None:
    installed = str(REPO / ".venv" / "bin" / "zensical")
    for candidate in (explicit, os.environ.get("ZENSICAL"), installed):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("zensical")


def _stage(root: Path, content: Path) -> Path:
    """The build's staging and per-language configurations (what MkDocs and Zensical get)."""
    out = root / "build"
    env = {**os.environ, "SITE_URL": "http://127.0.0.1:8000/", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "sitebuild", "build", "--content", str(content), "--out", str(out)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    return out


def _config(path: Path, port: int, **changes: str) -> dict[str, object]:
    config: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["site_url"] = f"http://127.0.0.1:{port}/fr/"
    config.update(changes)
    return config


def _config_note(config_file: Path, config: dict[str, object]) -> Callable[[str], None]:
    def edit(marker: str) -> None:
        changed = json.loads(json.dumps(config))
        strings = changed["extra"]["vnb"]["strings"]
        strings["footer"]["note"] = f"{marker} {strings['footer']['note']}"
        config_file.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")

    return edit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--zensical", help="the zensical command (default: found if installed)")
    arguments = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as directory, chromium() as browser:
        root = Path(directory)
        page = browser.new_context().new_page()

        # The local mode, on its own copy of the content.
        content = root / "content"
        shutil.copytree(REPO / "content", content)
        state = root / "localdev.json"
        command = [sys.executable, "-m", "localdev", "--port", "0", "--content", str(content)]
        command += ["--out", str(root / "localdev"), "--state-file", str(state)]
        with _running(command, REPO, root / "localdev.log") as process:
            deadline = time.monotonic() + 240
            while not state.exists() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            if not state.exists():
                raise SystemExit((root / "localdev.log").read_text())
            url = json.loads(state.read_text())["url"]
            preview = Preview(
                "local mode",
                f"{url}fr/{PAGE}/",
                _append(content / "fr" / f"{PAGE}.md"),
                _replace(content / "data" / "i18n" / "fr.yml", NOTE),
            )
            results[preview.name] = _run(page, preview, arguments.runs)

        staged = _stage(root, REPO / "content")
        fr_config = staged / "config" / "mkdocs.fr.yml"

        # mkdocs serve, on the build's configuration of the French site.
        port = free_port()
        config = _config(fr_config, port)
        serve_config = root / "mkdocs-serve.yml"
        serve_config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(serve_config)]
        command += ["--dev-addr", f"127.0.0.1:{port}"]
        with _running(command, REPO, root / "mkdocs.log") as process:
            _wait_http(f"http://127.0.0.1:{port}/fr/{PAGE}/", process)
            preview = Preview(
                "mkdocs serve",
                f"http://127.0.0.1:{port}/fr/{PAGE}/",
                _append(Path(str(config["docs_dir"])) / f"{PAGE}.md"),
                _config_note(serve_config, config),
            )
            results[preview.name] = _run(page, preview, arguments.runs)

        zensical = _zensical(arguments.zensical)
        if zensical is None:
            print("zensical serve: not measured, Zensical is not installed here")
        else:
            # Zensical wants relative docs_dir and custom_dir (absolute ones panic).
            project = root / "zensical"
            shutil.copytree(Path(str(config["docs_dir"])), project / "docs")
            shutil.copytree(REPO / "site" / "overrides", project / "overrides")
            port = free_port()
            config = _config(fr_config, port, docs_dir="docs", site_dir="site")
            theme = dict(config["theme"])  # type: ignore[call-overload]
            theme["custom_dir"] = "overrides"
            config["theme"] = theme
            zensical_config = project / "mkdocs.yml"
            zensical_config.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
            command = [zensical, "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"]
            with _running(command, project, root / "zensical.log") as process:
                _wait_http(f"http://127.0.0.1:{port}/fr/{PAGE}/", process)
                preview = Preview(
                    "zensical serve",
                    f"http://127.0.0.1:{port}/fr/{PAGE}/",
                    _append(project / "docs" / f"{PAGE}.md"),
                    _config_note(zensical_config, config),
                )
                results[preview.name] = _run(page, preview, arguments.runs)
        page.context.close()

    local = results["local mode"]
    for kind, label in (("page", "a Markdown page"), ("data", "a data file every page uses")):
        line = f"save → refreshed page, {label}: local mode median {local[kind]:.2f} s"
        for other in ("mkdocs serve", "zensical serve"):
            if other in results:
                theirs = results[other][kind]
                ratio = local[kind] / theirs
                line += f"; {other} {theirs:.2f} s (local/{other.split()[0]} {ratio:.2f})"
        print(line)


def _run(page: Page, preview: Preview, runs: int) -> dict[str, float]:
    medians = {}
    for kind, edit in (("page", preview.edit_page), ("data", preview.edit_data)):
        try:
            times = _measure(page, preview, edit, runs)
        except PlaywrightTimeout:
            print(f"{preview.name}, {kind}: the page did not show the change within 60 s")
            medians[kind] = float("nan")
            continue
        medians[kind] = statistics.median(times)
        shown = ", ".join(f"{t:.2f}" for t in times)
        median = medians[kind]
        print(f"{preview.name}, {kind}: median {median:.2f} s of {runs} ({shown})", flush=True)
    return medians


if __name__ == "__main__":
    main()
