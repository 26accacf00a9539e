"""Shared fixtures: moto with the tables built from `infra/template.yaml`, and the
environment the forms functions read.

Caches that hold clients or settings are cleared around each test, so every test
gets clients created inside its own `mock_aws()` (a client made before moto starts
would try the real endpoint).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from forms_support import CONTENT_DATA, TABLES, clear_forms_caches, set_phase


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fake credentials everywhere: no test may ever reach a real account.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")


@pytest.fixture
def content_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of `content/data` the test may change (the program phase…)."""
    target = tmp_path / "data"
    shutil.copytree(CONTENT_DATA, target)
    monkeypatch.setenv("CONTENT_DATA_DIR", str(target))
    return target


@pytest.fixture
def forms_env(monkeypatch: pytest.MonkeyPatch, content_dir: Path) -> Iterator[Path]:
    """Environment of the forms functions, with the program open for registrations."""
    monkeypatch.setenv("TABLE_NAME", TABLES["ProgramTable"])
    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", TABLES["IdempotencyTable"])
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "VirageNumeriqueBleu")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "forms-api")
    # The tokens' key (deployed: a Secrets Manager secret), and no wait on the "check your
    # answers" step unless a test sets one (tests/integration: the timing is tested there).
    monkeypatch.setenv("SIGNING_KEY", "test-signing-key")
    monkeypatch.setenv("MIN_FILL_SECONDS", "0")
    monkeypatch.delenv("SITE_SHELL_DIR", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    set_phase(content_dir, "open")
    clear_forms_caches()
    yield content_dir
    clear_forms_caches()


@pytest.fixture
def dynamodb(forms_env: Path) -> Iterator[Any]:
    """moto running, both tables created from the template; yields a DynamoDB client.

    moto's own TransactWriteItems is not atomic between threads: it copies the tables, and
    a transaction that fails puts its copy back, undoing a write another thread made in
    between (the race tests lost a confirmed registration that way, once in a few hundred
    runs). Its conditional writes check, then write, with nothing between two threads:
    a double-click storm stored two registrations once (two idempotency records both
    passed `attribute_not_exists`). The local mode's stand-in takes writes and journaled
    transactions one at a time, each condition checked with its write, as DynamoDB does:
    the tests use it too."""
    import boto3
    from localdev.standin import REGION, journal_transactions
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from stack.template import create_tables

    with mock_aws():
        journal_transactions(dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION])
        client = boto3.client("dynamodb", region_name="ca-central-1")
        create_tables(client, TABLES)
        yield client
