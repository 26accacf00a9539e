"""Whatever a client sends, the forms answer below 500 and log no ERROR.

Generated events (`edge_requests.py`): random bytes and near-valid posts, as JSON, form
fields or multipart, with random content types, encodings, Referers, other headers and
base64 flags. Derandomised so `make test` is repeatable; `tests/benchmarks/bench_edge.py`
runs more, random, examples.
"""

from __future__ import annotations

import io
import json
from typing import Any

from edge_requests import edge_events
from forms_events import FakeContext
from hypothesis import HealthCheck, given, settings

EXAMPLES = 250


def test_no_generated_request_gets_a_5xx_or_an_error_log(dynamodb: Any) -> None:
    from forms_api.handlers import assessment, registration, runtime

    buffer = io.StringIO()
    handler = runtime.logger.registered_handler
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    seen: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(event=edge_events())
    def answers_below_500(event: dict[str, Any]) -> None:
        module = registration if event["rawPath"] == "/api/registrations" else assessment
        buffer.seek(0)
        buffer.truncate()
        response = module.lambda_handler(event, FakeContext())
        seen.append(response["statusCode"])
        assert response["statusCode"] < 500, response["body"][:500]
        assert isinstance(response["body"], str)
        records = [json.loads(line) for line in buffer.getvalue().splitlines()]
        assert [r for r in records if r["level"] == "ERROR"] == [], records

    try:
        answers_below_500()
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    # The generated requests reached more than the edge's refusals.
    assert {400, 415} <= set(seen), sorted(set(seen))
    assert any(status < 300 for status in seen), sorted(set(seen))
    print(f"{len(seen)} requests, statuses {sorted(set(seen))}")
