"""A test suite generated from the OpenAPI document (schemathesis), run against the local mode.

Its site is built (the forms' answers link to it), the document written by
`python -m forms_api.openapi`, then `st run` sends what the document allows and much that it
doesn't (coverage and fuzzing phases, positive and negative data), bounded in examples.
It fails on a server error, a status or content type the document doesn't list, a body that
doesn't match its schema, and (`openapi_hooks.valid_requests_are_accepted`) a request valid
by the document refused for any reason but the stored state or the clock.

Left out on purpose: `negative_data_rejection` (for free text, e-mails and references the
document is stricter than the functions, which trim, normalise and upper-case: the document
promises what is accepted, not everything that is), `unsupported_method` (another method is
API Gateway's own 404, not a 405, as in the local gateway).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forms_support import REPO
from localdev.process import LocalModeProcess
from localdev.state import State

HERE = Path(__file__).resolve().parent
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "missing_required_header",
    "valid_requests_are_accepted",
)
MAX_EXAMPLES = 60


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[State]:
    out = tmp_path_factory.mktemp("localdev-openapi")
    with LocalModeProcess(["--out", str(out)]) as process:
        yield process.start(timeout=240)


def run_schemathesis(
    document: Path, base_url: str, report: Path, *, max_examples: int, seed: int | None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`st run` on the document; its JSON report (cases generated, failures, errors)."""
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        str(document),
        "--url",
        base_url,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--workers",
        "2",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *(["--seed", str(seed)] if seed is not None else []),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "openapi_hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        command, cwd=report.parent, env=env, capture_output=True, text=True, timeout=280
    )
    return result, json.loads(report.read_text(encoding="utf-8"))


def write_document(target: Path) -> Path:
    subprocess.run([sys.executable, "-m", "forms_api.openapi", str(target)], check=True, cwd=REPO)
    return target


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_the_api_answers_as_its_document_says(local: State, tmp_path: Path) -> None:
    document = write_document(tmp_path / "openapi.json")
    result, report = run_schemathesis(
        document,
        f"{local.url.rstrip('/')}/api",
        tmp_path / "report.json",
        max_examples=MAX_EXAMPLES,
        seed=20261201,
    )
    output = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, output
    assert report["failures"] == [] and report["errors"] == [], output
    # Every route of the journey: the two posts, Send, the check, edit, confirmation,
    # confirm and result pages.
    assert report["operations"]["tested"] == 10
    # Enough was sent to mean something, and some of it was stored.
    assert report["test_cases"]["generated"] >= 300, report["test_cases"]
    accepted = sum(
        phase["accepted"]
        for operation in report["valid_rates"].values()
        for phase in operation.values()
    )
    assert accepted > 0, report["valid_rates"]
