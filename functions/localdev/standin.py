"""The embedded DynamoDB stand-in: moto's server on loopback, tables from the template."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from stack.template import TABLE_ENV, create_tables, load_template

REPOSITORY = Path(__file__).resolve().parents[2]
REGION = "ca-central-1"
# Local table names per logical id of `infra/template.yaml`.
LOCAL_TABLES = {"ProgramTable": "vnb-local-program", "IdempotencyTable": "vnb-local-idempotency"}
# moto accepts any credentials; fixed dummy ones keep a developer's real profile out of reach.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


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
    endpoint: str, tables: dict[str, str], site_url: str, shell_dir: Path | None = None
) -> dict[str, str]:
    """What the Lambda functions read from their environment, pointed at the stand-in."""
    env = {
        # As deployed (no POWERTOOLS_DEV: it would put stack traces in the answers).
        **powertools_settings(load_template()),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        **DUMMY_CREDENTIALS,
        "CONTENT_DATA_DIR": str(REPOSITORY / "content" / "data"),
        "SITE_URL": site_url,
        # Tokens of this run only (deployed: a Secrets Manager secret).
        "SIGNING_KEY": secrets.token_urlsafe(32),
        # The header the local edge adds, as CloudFront does (deployed: a secret).
        "ORIGIN_KEY": secrets.token_urlsafe(32),
    }
    if shell_dir is not None:
        env["SITE_SHELL_DIR"] = str(shell_dir)
    env.update({TABLE_ENV[logical_id]: name for logical_id, name in tables.items()})
    return env
