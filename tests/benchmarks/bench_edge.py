"""Benchmark of the forms' public edge. Prints figures; asserts nothing.

1. The bodies no handler can read (`tests/integration/test_edge_input.py`'s cases, both
   forms): how many were sent, how many answered 5xx.
2. Generated events (`tests/integration/edge_requests.py`, random seed printed): the
   statuses answered, the 5xx and the ERROR log records.
3. What reading the body at the edge costs per request (`check_body`), median.
4. The suite generated from the OpenAPI document (schemathesis) against the local mode:
   test cases generated, failures, time.

    .venv/bin/python tests/benchmarks/bench_edge.py [--events 2000] [--examples 150]
        [--functions DIR]   # another checkout's functions/, e.g. to compare with main
        [--no-schemathesis]
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "tests" / "integration"


def setup(functions: Path) -> Path:
    sys.path[:0] = [str(functions), str(INTEGRATION), str(REPO / "tests")]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's fake credentials
        AWS_DEFAULT_REGION="ca-central-1",
        TABLE_NAME="bench-program",
        IDEMPOTENCY_TABLE_NAME="bench-idempotency",
        POWERTOOLS_METRICS_NAMESPACE="VirageNumeriqueBleu",
    )
    data_dir = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(REPO / "content" / "data", data_dir)
    program = data_dir / "program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(re.sub(r"(?m)^phase: \w+", "phase: open", text), encoding="utf-8")
    os.environ["CONTENT_DATA_DIR"] = str(data_dir)
    return data_dir


class Calls:
    """Calls the handlers, keeping their output (EMF metrics, logs) off the terminal."""

    def __init__(self) -> None:
        from forms_api.handlers import assessment, registration, runtime

        self.modules = {"/api/registrations": registration, "/api/assessments": assessment}
        self.log = io.StringIO()
        runtime.logger.registered_handler.setStream(self.log)  # type: ignore[attr-defined]

    def __call__(self, event: dict[str, Any]) -> int | str:
        from forms_events import FakeContext

        stdout, sys.stdout = sys.stdout, io.StringIO()
        try:
            response = self.modules[event["rawPath"]].lambda_handler(event, FakeContext())
            return int(response["statusCode"])
        except Exception as error:  # an old checkout may let some escape
            return f"raised {type(error).__name__}"
        finally:
            sys.stdout = stdout

    def errors_logged(self) -> int:
        lines = self.log.getvalue().splitlines()
        return sum(1 for line in lines if line.startswith('{"level":"ERROR"'))


def bench_unreadable(calls: Calls) -> None:
    from forms_events import http_event
    from test_edge_input import JSON, ROUTES, UNREADABLE

    print("Bodies no handler can read (test_edge_input.py's cases, both forms)")
    sent = server_errors = 0
    for case, (body, content_type, headers, encoded, _) in UNREADABLE.items():
        statuses = []
        for route in ROUTES:
            statuses.append(
                calls(http_event(route, body, content_type, headers=headers, base64_body=encoded))
            )
        not_base64 = http_event(ROUTES[0], "!!! not base64 !!!", JSON)
        sent += len(statuses)
        server_errors += sum(1 for s in statuses if not isinstance(s, int) or s >= 500)
        print(f"  {case:<42} {' '.join(str(s) for s in statuses)}")
    not_base64["isBase64Encoded"] = True
    status = calls(not_base64)
    sent += 1
    server_errors += not isinstance(status, int) or status >= 500
    print(f"  {'base64 flag on a body that is not base64':<42} {status}")
    print(f"  {sent} sent, {server_errors} answered 5xx (or raised)")


def bench_generated(calls: Calls, events: int, seed: int) -> None:
    from edge_requests import edge_events
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    statuses: collections.Counter[int | str] = collections.Counter()
    before = calls.errors_logged()

    @hypothesis_seed(seed)
    @settings(
        max_examples=events,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(event=edge_events())
    def send(event: dict[str, Any]) -> None:
        statuses[calls(event)] += 1

    started = time.perf_counter()
    send()
    elapsed = time.perf_counter() - started
    total = sum(statuses.values())
    bad = sum(n for s, n in statuses.items() if not isinstance(s, int) or s >= 500)
    print(f"Generated events (edge_requests.py, seed {seed}): {total} in {elapsed:.1f} s")
    print("  " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)))
    print(f"  5xx (or raised): {bad}; ERROR log records: {calls.errors_logged() - before}")


def bench_overhead(repeat: int = 2000) -> None:
    from forms_events import json_event, valid_registration

    try:
        from forms_api.handlers.body import check_body
        from forms_api.handlers.registration import page
    except ImportError:
        print("Edge cost: this checkout has no forms_api.handlers.body")
        return
    small = json_event("/registrations", valid_registration())
    # Just under the 16 KB limit, nested like the assessment: the scanner's worst real case.
    large = json_event("/registrations", {"answers": {f"q{n}": "e" * 80 for n in range(170)}})
    print(f"Edge cost per request (check_body, median of {repeat})")
    for label, event in (("a registration (JSON)", small), ("a body near 16 KB (JSON)", large)):
        size = len(event["body"].encode())
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            check_body(event, page)
            timings.append((time.perf_counter() - start) * 1e6)
        print(f"  {label:<32} {size:6d} bytes  {statistics.median(timings):7.1f} µs")


def bench_schemathesis(examples: int) -> None:
    from localdev.process import LocalModeProcess
    from test_openapi_local_mode import run_schemathesis, write_document

    with tempfile.TemporaryDirectory() as folder, LocalModeProcess(["--out", folder]) as local:
        state = local.start(timeout=240)
        document = write_document(Path(folder) / "openapi.json")
        started = time.perf_counter()
        result, report = run_schemathesis(
            document,
            f"{state.url.rstrip('/')}/api",
            Path(folder) / "report.json",
            max_examples=examples,
            seed=None,
        )
        elapsed = time.perf_counter() - started
    cases = report["test_cases"]
    print(
        f"OpenAPI-generated suite against the local mode (max {examples} examples, seed "
        f"{report['seed']}): {cases['generated']} test cases in {elapsed:.0f} s"
    )
    print(
        f"  failures: {len(report['failures'])} unique ({cases['with_failures']} cases), "
        f"errors: {len(report['errors'])}, exit {result.returncode}"
    )
    for operation, phases in report["valid_rates"].items():
        rates = ", ".join(
            f"{p} {v['accepted']} accepted / {v['rejected']} refused" for p, v in phases.items()
        )
        print(f"  {operation}: {rates}")
    for failure in report["failures"][:10]:
        print(f"  - {json.dumps(failure)[:300]}")


def main() -> int:
    # Powertools warns about empty metrics and non-base64 multipart: expected here.
    warnings.filterwarnings("ignore", category=UserWarning, module="aws_lambda_powertools")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--examples", type=int, default=150)
    parser.add_argument("--functions", type=Path, default=REPO / "functions")
    parser.add_argument("--no-schemathesis", action="store_true")
    args = parser.parse_args()
    setup(args.functions.resolve())
    import boto3
    from moto import mock_aws
    from stack.template import create_tables

    print(f"Functions from {args.functions}")
    with mock_aws():
        create_tables(
            boto3.client("dynamodb"),
            {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idempotency"},
        )
        calls = Calls()
        bench_unreadable(calls)
        bench_generated(calls, args.events, random.randrange(2**32))  # noqa: S311 - a seed
        bench_overhead()
    if not args.no_schemathesis:
        bench_schemathesis(args.examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
