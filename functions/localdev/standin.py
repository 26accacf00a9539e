"""The embedded DynamoDB stand-in: moto's server on loopback, tables from the template."""

from __future__ import annotations

import copy
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from types import MethodType
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamShard, Table
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from stack.template import TABLE_ENV, create_tables, load_template

REPOSITORY = Path(__file__).resolve().parents[2]
REGION = "ca-central-1"
# Local table names per logical id of `infra/template.yaml`.
LOCAL_TABLES = {"ProgramTable": "vnb-local-program", "IdempotencyTable": "vnb-local-idempotency"}
# moto accepts any credentials; fixed dummy ones keep a developer's real profile out of reach.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
# Set to 1 to run moto's transactions as they come (the benchmark's comparison).
MOTO_AS_IS = "LOCALDEV_MOTO_AS_IS"

log = logging.getLogger("localdev")


def dynamodb_client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


class StandIn:
    """moto's threaded server in this process, with the program's tables created."""

    def __init__(self, tables: dict[str, str] | None = None, recording: Path | None = None) -> None:
        """`recording`: keep the data between runs by replaying this file of moto's recorder."""
        self.tables = dict(LOCAL_TABLES if tables is None else tables)
        self.recording = recording
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        if os.environ.get(MOTO_AS_IS) != "1":
            account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
            journal_transactions(dynamodb_backends[account][REGION])
        if self.recording is not None and self._replay(self.recording):
            return self.endpoint  # the recording created the tables
        create_tables(dynamodb_client(self.endpoint), self.tables)
        return self.endpoint

    def _replay(self, recording: Path) -> bool:
        """Replay the previous runs' requests, then record this run's after them."""
        from moto.moto_api import recorder

        # moto reads the file's place from the environment once, at import: set it here.
        recorder._location = str(recording)
        recording.parent.mkdir(parents=True, exist_ok=True)
        replayed = recording.is_file() and recording.stat().st_size > 0
        if replayed:
            recorder.replay_recording(target_host=self.endpoint)
        recorder.start_recording()
        return replayed

    def stop(self) -> None:
        if self.recording is not None:
            from moto.moto_api import recorder

            recorder.stop_recording()
        self._server.stop()
        # moto's stop leaves the socket open; close it so the port is freed now.
        server = getattr(self._server, "_server", None)
        if server is not None:
            server.server_close()


def powertools_settings(template: dict[str, Any]) -> dict[str, str]:
    """The `POWERTOOLS_*` variables the template gives every function."""
    function = template.get("Globals", {}).get("Function", {})
    variables = function.get("Environment", {}).get("Variables", {})
    return {
        name: str(value)
        for name, value in variables.items()
        if name.startswith("POWERTOOLS_") and isinstance(value, str | int | bool)
    }


def handler_environment(
    endpoint: str,
    tables: dict[str, str],
    site_url: str,
    shell_dir: Path | None = None,
    data_dir: Path = REPOSITORY / "content" / "data",
) -> dict[str, str]:
    """What the Lambda functions read from their environment, pointed at the stand-in."""
    env = {
        # As deployed (no POWERTOOLS_DEV: it would put stack traces in the answers).
        **powertools_settings(load_template()),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        **DUMMY_CREDENTIALS,
        "CONTENT_DATA_DIR": str(data_dir),
        "SITE_URL": site_url,
        # Tokens of this run only (deployed: a Secrets Manager secret); the browser tests
        # set their own, to sign the links only a mail would carry (the results link).
        "SIGNING_KEY": os.environ.get("LOCALDEV_SIGNING_KEY") or secrets.token_urlsafe(32),
        # The header the local edge adds, as CloudFront does (deployed: a secret).
        "ORIGIN_KEY": secrets.token_urlsafe(32),
    }
    if shell_dir is not None:
        env["SITE_SHELL_DIR"] = str(shell_dir)
    env.update({TABLE_ENV[logical_id]: name for logical_id, name in tables.items()})
    return env


# moto's TransactWriteItems deep-copies every table it writes to before writing, to roll them
# back if the transaction fails: the time of each registration grows with the records stored
# (19 → 585 ms per 100 calls over a few hundred records). The stand-in journals the items the
# transaction touches instead: the same all-or-nothing rollback, in a time that does not grow.
#
# moto checks a write's condition, then writes, with nothing between two requests' threads:
# two conditional puts of one key (Powertools' idempotency record, a guard item) could both
# pass their condition. DynamoDB checks and writes atomically; the stand-in takes every
# write, and every transaction, one at a time (re-entrant: a transaction's writes are writes).
_one_write_at_a_time = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item")


class _Journal:
    """The items a transaction names, as they were before it; `restore()` puts them back."""

    def __init__(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        tables: dict[int, Table] = {}
        unjournaled: set[int] = set()
        for entry in transact_items:
            for op_type, op in entry.items():
                name = op.get("TableName", "") if isinstance(op, dict) else ""
                table = backend.tables.get(name)
                if table is None:
                    continue  # moto refuses it before writing anything to that table
                tables[id(table)] = table
                try:
                    key = op["Item"] if op_type == "Put" else op["Key"]
                    hash_value = DynamoType(key[table.hash_key_attr])
                    range_attr = table.range_key_attr
                    range_value = DynamoType(key[range_attr]) if range_attr else None
                    before = table.get_item(hash_value, range_value)
                except Exception:  # a malformed key: moto refuses this operation
                    unjournaled.add(id(table))
                    continue
                # Updates change an item in place: keep a copy of it, not the item.
                self.items.append((table, hash_value, range_value, copy.deepcopy(before)))
        self.tables = [table for key, table in tables.items() if key not in unjournaled]
        self.streams: list[tuple[StreamShard, int]] = [
            (table.stream_shard, len(table.stream_shard.items))
            for table in tables.values()
            if table.stream_shard is not None
        ]

    def restore(self) -> None:
        for table, hash_value, range_value, before in reversed(self.items):
            if range_value is None:
                if before is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = before  # type: ignore[assignment]
            elif before is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = before
        for shard, length in self.streams:
            del shard.items[length:]  # no stream record of a write that was undone


def _one_at_a_time(write: Callable[..., Any]) -> Callable[..., Any]:
    def serialised(*args: Any, **kwargs: Any) -> Any:
        with _one_write_at_a_time:
            return write(*args, **kwargs)

    return serialised


def journal_transactions(backend: DynamoDBBackend) -> None:
    """This backend's transactions keep a journal instead of a copy of each table, and its
    writes and transactions happen one at a time, each condition checked with its write."""
    if backend.__dict__.get("_journaled_transactions"):
        return  # a stand-in started again in this process (tests)
    for name in _WRITES:
        setattr(backend, name, _one_at_a_time(getattr(backend, name)))
    as_moto_does: Callable[[list[dict[str, Any]]], None] = backend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with _one_write_at_a_time:
            journal = _Journal(self, transact_items)
            # moto's copy of a journaled table becomes the table itself (its rollback then
            # changes nothing); the journal puts the items back.
            for table in journal.tables:
                table.__dict__["__deepcopy__"] = lambda memo, table=table: table
            try:
                as_moto_does(transact_items)
            except BaseException:
                journal.restore()
                raise
            finally:
                for table in journal.tables:
                    table.__dict__.pop("__deepcopy__", None)

    backend.transact_write_items = MethodType(transact_write_items, backend)  # type: ignore[method-assign]
    backend.__dict__["_journaled_transactions"] = True
