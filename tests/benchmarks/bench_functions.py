"""Benchmark of the forms functions' cold start. Prints figures; asserts nothing.

1. Import time of each handler module (`python -X importtime`, median of several fresh
   interpreters, interleaved), next to a bare boto3 handler's (the ratio is the goal's
   measure) and to a "framework floor": the bare handler plus what every form request
   needs from the libraries (Powertools' HTTP resolver with validation, one pydantic
   request model, Logger, Metrics), with none of the project's code.
2. Where the time goes: the largest imports beyond the bare handler's (median self time
   per module, grouped by top-level package).
3. The first requests after the import, each in a fresh process against moto's in-memory
   DynamoDB: a registration form post (its 303) and the "check your answers" page it leads
   to (a GET that renders HTML); medians over several processes.
4. Steady-state latency of the check step (JSON) in one process: median and p99.

    .venv/bin/python tests/benchmarks/bench_functions.py [--runs 11] [--first 5] [--requests 200]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BARE_HANDLER = """
import boto3

_client = None


def handler(event, context):
    global _client
    _client = _client or boto3.client("dynamodb")
    return {"statusCode": 200}
"""
FLOOR_HANDLER = """
import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import BaseModel, Field

logger = Logger(service="floor")
metrics = Metrics(namespace="Floor")
app = APIGatewayHttpResolver(enable_validation=True)
_client = None


class Body(BaseModel):
    name: str = Field(max_length=400)


@app.post("/things")
def post_thing(body: Body) -> dict:
    global _client
    _client = _client or boto3.client("dynamodb")
    return {"name": body.name}


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event, context):
    return app.resolve(event, context)
"""
MODULES = {
    "bare boto3 handler": "bare_boto3_handler",
    "framework floor": "framework_floor_handler",
    "registration handler": "forms_api.handlers.registration",
    "assessment handler": "forms_api.handlers.assessment",
}
SIGNING_KEY = "bench-signing-key"


def _env(extra_path: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([extra_path, str(REPO / "functions")]),
        "AWS_DEFAULT_REGION": "ca-central-1",
        "POWERTOOLS_METRICS_NAMESPACE": "VirageNumeriqueBleu",
    }


def import_profile(module: str, extra_path: str) -> tuple[float, dict[str, float]]:
    """Cumulative import time of `module` in a fresh interpreter (ms), and the self time
    of every module it imported (ms)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=_env(extra_path),
        check=True,
    )
    total = None
    selfs: dict[str, float] = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].startswith("import time:"):
            continue
        own = parts[0].removeprefix("import time:").strip()
        if not own.isdigit():
            continue  # the header line
        name = parts[2].strip()
        selfs[name] = int(own) / 1000
        if name == module:
            total = int(parts[1]) / 1000
    if total is None:
        raise RuntimeError(f"{module} not in -X importtime output")
    return total, selfs


def bench_imports(runs: int, top: int) -> None:
    print(f"Cold-start import time (python -X importtime, median of {runs} fresh interpreters)")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare_boto3_handler.py").write_text(BARE_HANDLER, encoding="utf-8")
        Path(folder, "framework_floor_handler.py").write_text(FLOOR_HANDLER, encoding="utf-8")
        totals: dict[str, list[float]] = {m: [] for m in MODULES.values()}
        selfs: dict[str, dict[str, list[float]]] = {m: {} for m in MODULES.values()}
        # Interleaved, so a burst of load on the shared machine hits every module alike.
        for _ in range(runs):
            for module in MODULES.values():
                total, modules = import_profile(module, folder)
                totals[module].append(total)
                for name, ms in modules.items():
                    selfs[module].setdefault(name, []).append(ms)
    baseline = statistics.median(totals["bare_boto3_handler"])
    for label, module in MODULES.items():
        samples = totals[module]
        median = statistics.median(samples)
        spread = f"[min {min(samples):6.1f}, max {max(samples):6.1f}]"
        print(f"  {label:<22} {median:7.1f} ms  {spread}  ratio {median / baseline:4.2f}")
    bare = set(selfs["bare_boto3_handler"])
    for label, module in list(MODULES.items())[1:]:
        extra = {
            name: statistics.median(ms + [0.0] * (runs - len(ms)))
            for name, ms in selfs[module].items()
            if name not in bare
        }
        packages: dict[str, float] = collections.defaultdict(float)
        for name, ms in extra.items():
            packages[name.split(".")[0]] += ms
        print(
            f"\n  {label}: imports beyond the bare handler's, median self time "
            f"(sum {sum(extra.values()):.0f} ms)"
        )
        print(f"    {'package':<24}{'ms':>7}    {'module':<52}{'ms':>7}")
        by_package = sorted(packages.items(), key=lambda item: -item[1])[:top]
        by_module = sorted(extra.items(), key=lambda item: -item[1])[:top]
        for (package, p_ms), (name, m_ms) in zip(by_package, by_module, strict=False):
            print(f"    {package:<24}{p_ms:7.1f}    {name:<52}{m_ms:7.1f}")


def _content_copy() -> Path:
    """A copy of the data in the open phase (real registrations, NEQ guard included)."""
    import re

    data_dir = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(REPO / "content" / "data", data_dir)
    program = data_dir / "program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(re.sub(r"(?m)^phase: \w+", "phase: open", text), encoding="utf-8")
    return data_dir


def _test_env(data_dir: Path) -> None:
    sys.path[:0] = [
        str(REPO / "functions"),
        str(REPO / "tests" / "support"),
        str(REPO / "tests" / "integration"),
    ]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's fake credentials
        AWS_DEFAULT_REGION="ca-central-1",
        TABLE_NAME="bench-program",
        IDEMPOTENCY_TABLE_NAME="bench-idempotency",
        POWERTOOLS_METRICS_NAMESPACE="VirageNumeriqueBleu",
        POWERTOOLS_LOG_LEVEL="WARNING",
        SIGNING_KEY=SIGNING_KEY,
        CONTENT_DATA_DIR=str(data_dir),
    )


def first_requests_child() -> dict[str, float]:
    """In this fresh process: moto's tables, then the handler's import, its first form
    post and the first page that post leads to (ms). moto loads boto3 first, so the import
    figure here leaves boto3 out: read part 1 for the import."""
    import boto3
    from moto import mock_aws

    _test_env(_content_copy())
    from forms_events import FakeContext, as_form, follow, form_event, valid_registration
    from stack.template import create_tables

    with mock_aws(), open(os.devnull, "w") as devnull:
        create_tables(
            boto3.client("dynamodb"),
            {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idempotency"},
        )
        event = form_event("/registrations", as_form(valid_registration()))
        stdout, sys.stdout = sys.stdout, devnull  # metrics are printed (EMF)
        try:
            start = time.perf_counter()
            from forms_api.handlers import registration

            imported = time.perf_counter()

            def handler(e: dict[str, Any]) -> dict[str, Any]:
                return dict(registration.lambda_handler(e, FakeContext()))

            posted = handler(event)
            post_done = time.perf_counter()
            page = follow(posted, handler)
            page_done = time.perf_counter()
            second = handler(form_event("/registrations", as_form(valid_registration())))
            second_done = time.perf_counter()
        finally:
            sys.stdout = stdout
    assert posted["statusCode"] == 303 and page["statusCode"] == 200, (posted, page)
    assert second["statusCode"] == 303, second
    return {
        "import (boto3 preloaded)": (imported - start) * 1000,
        "first POST (form, 303)": (post_done - imported) * 1000,
        "first GET (check page, HTML)": (page_done - post_done) * 1000,
        "second POST (warm)": (second_done - page_done) * 1000,
    }


def bench_first_requests(processes: int) -> None:
    samples: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(processes):
        result = subprocess.run(
            [sys.executable, __file__, "--first-requests-child"],
            capture_output=True,
            text=True,
            check=True,
        )
        for name, ms in json.loads(result.stdout.strip().splitlines()[-1]).items():
            samples[name].append(ms)
    print(f"\nFirst requests after the import (fresh process against moto, median of {processes})")
    for name, values in samples.items():
        spread = f"[min {min(values):6.1f}, max {max(values):6.1f}]"
        print(f"  {name:<30} {statistics.median(values):7.1f} ms  {spread}")


def bench_latency(requests: int) -> None:
    import boto3
    from moto import mock_aws

    _test_env(_content_copy())
    from forms_events import FakeContext, json_event, valid_registration
    from stack.template import create_tables

    with mock_aws(), open(os.devnull, "w") as devnull:
        create_tables(
            boto3.client("dynamodb"),
            {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idempotency"},
        )
        from forms_api.handlers import registration

        events = [
            json_event(
                "/registrations", valid_registration(neq=f"{n:010d}", email=f"p{n}@example.ca")
            )
            for n in range(1, requests + 2)
        ]
        timings = []
        stdout, sys.stdout = sys.stdout, devnull
        try:
            for event in events:
                start = time.perf_counter()
                response = registration.lambda_handler(event, FakeContext())
                timings.append((time.perf_counter() - start) * 1000)
                assert response["statusCode"] == 200, json.loads(response["body"])
        finally:
            sys.stdout = stdout
    rest = sorted(timings[1:])
    p99 = rest[min(len(rest) - 1, int(len(rest) * 0.99))]
    print(f"\nCheck step (POST /registrations, JSON) in one process, {len(rest)} warm requests")
    print(f"  median {statistics.median(rest):7.1f} ms   p99 {p99:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--first", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--first-requests-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_requests_child:
        print(json.dumps(first_requests_child()))
        return 0
    bench_imports(args.runs, args.top)
    bench_first_requests(args.first)
    bench_latency(args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
