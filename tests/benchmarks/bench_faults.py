"""The worst request time with a DynamoDB that never answers, against the function's timeout.

A TCP server on 127.0.0.1 accepts every connection and never answers; the forms functions
point at it. Each request must end in the program's own answer (a 503 page or JSON) before
the function's timeout (infra/template.yaml Globals: 10 s), which API Gateway would
otherwise turn into its raw 500 and leave the idempotency record in progress.

    .venv/bin/python tests/benchmarks/bench_faults.py
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "support")]
TIMEOUT_S = 10.0


class BlackHole:
    """Accepts connections, reads nothing back, answers never."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except TimeoutError:
                continue

    def close(self) -> None:
        self.stopped.set()
        for conn in self.held:
            conn.close()
        self.sock.close()


class Context:
    function_name = "registration"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ca-central-1:123456789012:function:registration"
    memory_limit_in_mb = 1024
    aws_request_id = "bench"
    log_group_name = "/aws/lambda/registration"
    log_stream_name = "bench"

    def __init__(self) -> None:
        self.deadline = time.monotonic() + TIMEOUT_S

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def main() -> int:
    hole = BlackHole()
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{hole.port}",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - a stand-in that answers nothing
        AWS_DEFAULT_REGION="ca-central-1",
        TABLE_NAME="bench-program",
        IDEMPOTENCY_TABLE_NAME="bench-idempotency",
        SIGNING_KEY="bench-key",
        POWERTOOLS_METRICS_NAMESPACE="VirageNumeriqueBleu",
    )
    from content_model import load_content
    from forms_api.handlers import assessment, registration
    from forms_events import as_form, form_event, json_event, valid_registration
    from forms_support import CONTENT_DATA

    fields: dict[str, Any] = {}
    if load_content(CONTENT_DATA).program.phase != "open":  # the callback list asks for less
        fields = {"neq": None, "sector": None, "employees": None, "sells_online": None}

    cases: list[tuple[str, Any, dict[str, Any]]] = [
        (
            "registration, JSON",
            registration,
            json_event("/registrations", valid_registration(**fields)),
        ),
        (
            "registration, form post",
            registration,
            form_event("/registrations", as_form(valid_registration(**fields))),
        ),
        ("assessment, JSON", assessment, json_event("/assessments", {"answers": {}})),
    ]
    worst = 0.0
    print(f"DynamoDB that never answers; function timeout {TIMEOUT_S:.0f} s")
    for name, handler, event in cases:
        started = time.perf_counter()
        response = handler.lambda_handler(event, Context())
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        status = response["statusCode"]
        body = response.get("body", "")
        code = ""
        if body.startswith("{"):
            errors = json.loads(body).get("errors") or [{}]
            code = errors[0].get("code", "")
        print(f"  {name:26} {seconds:5.2f} s  status {status} {code}")
    print(f"worst request: {worst:.2f} s of {TIMEOUT_S:.0f} s ({worst / TIMEOUT_S:.0%})")
    hole.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
