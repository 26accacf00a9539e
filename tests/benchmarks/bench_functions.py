"""Benchmark of the forms functions. Prints figures; asserts nothing.

1. Cold-start import time of each handler module (`python -X importtime`, median of
   several fresh interpreters), next to a bare boto3 handler's.
2. In-process latency of a registration (handler called with an HTTP API v2 event)
   against moto's in-memory DynamoDB: first call, then median and p99.

    .venv/bin/python tests/benchmarks/bench_functions.py [--runs 7] [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BARE_HANDLER = """
import boto3

_client = None


def handler(event, context):
    global _client
    _client = _client or boto3.client("dynamodb")
    return {"statusCode": 200}
"""
MODULES = {
    "bare boto3 handler": "bare_boto3_handler",
    "registration handler": "forms_api.handlers.registration",
    "assessment handler": "forms_api.handlers.assessment",
}


def import_ms(module: str, extra_path: str) -> float:
    """Cumulative import time of `module` in a fresh interpreter, in milliseconds."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([extra_path, str(REPO / "functions")]),
        "AWS_DEFAULT_REGION": "ca-central-1",
        "POWERTOOLS_METRICS_NAMESPACE": "VirageNumeriqueBleu",
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    for line in result.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    raise RuntimeError(f"{module} not in -X importtime output")


def bench_imports(runs: int) -> None:
    print(f"Cold-start import time (python -X importtime, median of {runs} fresh interpreters)")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare_boto3_handler.py").write_text(BARE_HANDLER, encoding="utf-8")
        # Interleaved, so a burst of load on the shared machine hits every module alike.
        samples_by_module: dict[str, list[float]] = {module: [] for module in MODULES.values()}
        for _ in range(runs):
            for module, samples in samples_by_module.items():
                samples.append(import_ms(module, folder))
        baseline = None
        for label, module in MODULES.items():
            samples = samples_by_module[module]
            median = statistics.median(samples)
            baseline = baseline or median
            extra = "" if median == baseline else f"  (+{median - baseline:.0f} ms over bare boto3)"
            spread = f"[min {min(samples):.1f}, max {max(samples):.1f}]"
            print(f"  {label:<22} {median:7.1f} ms  {spread}{extra}")


def bench_latency(requests: int) -> None:
    import json

    import boto3
    from moto import mock_aws

    sys.path[:0] = [str(REPO / "functions"), str(REPO / "tests" / "integration")]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's fake credentials
        AWS_DEFAULT_REGION="ca-central-1",
        TABLE_NAME="bench-program",
        IDEMPOTENCY_TABLE_NAME="bench-idempotency",
        POWERTOOLS_METRICS_NAMESPACE="VirageNumeriqueBleu",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    # Measure real registrations (NEQ guard included): a copy of the data in the open phase.
    data_dir = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(REPO / "content" / "data", data_dir)
    program = data_dir / "program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(re.sub(r"(?m)^phase: \w+", "phase: open", text), encoding="utf-8")
    os.environ["CONTENT_DATA_DIR"] = str(data_dir)
    from forms_events import FakeContext, json_event, valid_registration
    from stack.template import create_tables

    with mock_aws(), open(os.devnull, "w") as devnull:
        client = boto3.client("dynamodb")
        create_tables(
            client, {"ProgramTable": "bench-program", "IdempotencyTable": "bench-idempotency"}
        )
        # The phase decides what is stored; measure real registrations.
        import content_model as content
        from forms_api.handlers import registration

        data = content.cached_content(data_dir)
        phase = data.program.phase
        events = [
            json_event(
                "/registrations", valid_registration(neq=f"{n:010d}", email=f"p{n}@example.ca")
            )
            for n in range(1, requests + 2)
        ]
        timings = []
        stdout = sys.stdout
        sys.stdout = devnull  # metrics are printed (EMF); keep the figures readable
        try:
            for event in events:
                start = time.perf_counter()
                response = registration.lambda_handler(event, FakeContext())
                timings.append((time.perf_counter() - start) * 1000)
                assert response["statusCode"] == 201, json.loads(response["body"])
        finally:
            sys.stdout = stdout
    first, rest = timings[0], sorted(timings[1:])
    p99 = rest[min(len(rest) - 1, int(len(rest) * 0.99))]
    print(f"Registration latency in process against moto (phase {phase}, {len(rest)} requests)")
    print(f"  first request (lazy imports, clients) {first:7.1f} ms")
    print(f"  median                                {statistics.median(rest):7.1f} ms")
    print(f"  p99                                   {p99:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    bench_imports(args.runs)
    bench_latency(args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
