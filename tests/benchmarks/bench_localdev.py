"""Time from the local-mode command to a served page, on a warm machine; prints the figures.

    .venv/bin/python tests/benchmarks/bench_localdev.py [--runs 3]

Each run starts `python -m localdev` (what `make dev` runs) on a free port with
its own build folder, waits for `/fr/` to answer 200, then times the first
registration posted to the API (the handler's cold import and its first answer, the
"check your answers" step), and stops it with Ctrl-C.
Twice: as `make dev` runs (the preview: its builders build the site) and with
`--no-watch` (one `python -m sitebuild build`, as tests run it).
One unmeasured run first warms the disk cache.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def _status(url: str, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return 0


def _registration() -> bytes:
    """A valid registration, a different business each time (one registration per NEQ)."""
    neq = f"11{time.time_ns() % 10**8:08d}"
    return json.dumps(
        {
            "legal_name": "Boutique de mesure inc.",
            "neq": neq,
            "sector": "clothing",
            "employees": 12,
            "region": "04",
            "sells_online": False,
            "contact_name": "Mesure Test",
            "email": f"mesure-{neq}@example.org",
            "phone": "819 555-0123",
            "language": "fr",
            "consent": True,
            "form_rendered_at": int(time.time()) - 60,
        }
    ).encode()


def one_run(directory: Path, watch: bool) -> dict[str, float]:
    state_file = directory / "localdev.json"
    command = [sys.executable, "-m", "localdev", "--port", "0", *([] if watch else ["--no-watch"])]
    command += ["--out", str(directory / "build"), "--state-file", str(state_file)]
    log = (directory / "output.log").open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not state_file.exists():
            if process.poll() is not None:
                raise SystemExit((directory / "output.log").read_text())
            time.sleep(0.01)
        url = json.loads(state_file.read_text())["url"]
        while _status(url + "fr/") != 200:
            time.sleep(0.01)
        page = time.perf_counter() - started
        api_started = time.perf_counter()
        api_status = _status(url + "api/registrations", _registration())
        api = time.perf_counter() - api_started
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
        log.close()
    built = re.search(r"site built in ([\d.]+) s", (directory / "output.log").read_text())
    return {
        "page_s": page,
        "site_build_s": float(built.group(1)) if built else float("nan"),
        "first_api_s": api,
        "api_status": api_status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    for watch, label in ((True, "make dev (preview)"), (False, "--no-watch")):
        runs = []
        for index in range(arguments.runs + 1):
            with tempfile.TemporaryDirectory(prefix="bench-localdev-") as directory:
                result = one_run(Path(directory), watch)
            if index:  # the first run only warms the machine
                runs.append(result)
                print(
                    f"{label}, run {index}: page {result['page_s']:.2f} s"
                    f" (site build {result['site_build_s']:.1f} s);"
                    f" first registration {result['first_api_s'] * 1000:.0f} ms"
                    f" (HTTP {result['api_status']:.0f})"
                )
        page = statistics.median(r["page_s"] for r in runs)
        api = statistics.median(r["first_api_s"] for r in runs)
        print(
            f"local mode ({label}), command → served page: median {page:.2f} s of {len(runs)}"
            f" warm runs; first registration answer median {api * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
