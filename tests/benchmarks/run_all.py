"""Runs every benchmark script in this folder, one after the other, and prints their figures.

    .venv/bin/python tests/benchmarks/run_all.py [name ...]   # e.g. site functions

Each `bench_*.py` is a standalone script; this only runs them in turn so `make bench`
reports everything. Figures are noisy on a shared 2-core machine: read medians, rerun.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in selected]
    failures = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        elapsed = time.perf_counter() - started
        print(f"--- {script.name}: exit {result.returncode} in {elapsed:.1f} s")
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
