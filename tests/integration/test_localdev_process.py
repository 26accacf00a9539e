"""The local mode as a person runs it: `python -m localdev` in its own process, on free ports.

The API here goes to a small handler of this module (it stores what it is sent,
in the stored registration shape), so that the gateway, the stand-in and the
environment are tested on their own; `test_localdev_forms.py` uses the real
handlers.
"""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from localdev import registrations
from localdev.process import LocalModeProcess
from localdev.standin import dynamodb_client
from localdev.state import State

# The directory that makes this module importable by name in the child process.
IMPORT_ROOT = Path(__file__).resolve().parents[__name__.count(".")]


def storing_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Stands in for the registration handler: stores the submission, answers its reference."""
    import boto3  # in the child process only, after the local mode set the environment

    body = event.get("body", "")
    if event["isBase64Encoded"]:
        body = base64.b64decode(body).decode()
    form = event["headers"].get("content-type", "").startswith("application/x-www-form")
    fields = dict(urllib.parse.parse_qsl(body)) if form else json.loads(body)
    reference = fields["reference"]
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    item = {"pk": f"REG#{reference}", "sk": "REG", "created_at": created_at, **fields}
    boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"]).put_item(Item=item)
    if form:
        return {"statusCode": 303, "headers": {"Location": f"/fr/merci/?ref={reference}"}}
    return {"statusCode": 201, "body": json.dumps({"reference": reference})}


def _site(directory: Path) -> Path:
    (directory / "fr").mkdir(parents=True)
    (directory / "index.html").write_text("<p>racine</p>", encoding="utf-8")
    (directory / "fr" / "index.html").write_text("<p>accueil</p>", encoding="utf-8")
    return directory


def _local_mode(site: Path, port: int = 0) -> LocalModeProcess:
    return LocalModeProcess(
        [
            *("--no-build", "--site-dir", str(site), "--port", str(port)),
            *("--route", f"/api/registrations={__name__}.storing_handler"),
        ],
        env={"PYTHONPATH": os.pathsep.join([str(IMPORT_ROOT), os.environ.get("PYTHONPATH", "")])},
    )


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalModeProcess, State]]:
    with _local_mode(_site(tmp_path_factory.mktemp("site"))) as local:
        yield local, local.start()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(url: str, data: bytes, content_type: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _stored(running: State, reference: str) -> dict[str, Any]:
    client = dynamodb_client(running.dynamodb_endpoint)
    key = {"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}
    item: dict[str, Any] = client.get_item(TableName=running.tables["ProgramTable"], Key=key)
    return item.get("Item", {})


REGISTRATION = {
    "reference": "K7PQ2MZX",
    "phase": "open",
    "branch": "mauricie",
    "sector": "retail-clothing",
    "region": "04",
    "legal_name": "Boutique Éole inc.",
    "contact_name": "Lise Tremblay",
    "email": "lise@example.org",
    "phone": "+18195550123",
    "neq": "1234567890",
}


def test_it_serves_the_site_and_says_where(running: tuple[LocalModeProcess, State]) -> None:
    local, state = running
    assert state.url.startswith("http://127.0.0.1:")
    assert state.dynamodb_endpoint.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(state.url + "fr/", timeout=10) as response:
        assert response.read() == b"<p>accueil</p>"
    assert f"open {state.url}" in local.output()


def test_a_json_registration_goes_through_the_gateway_into_the_table(
    running: tuple[LocalModeProcess, State],
) -> None:
    _, state = running
    status, _, body = _post(
        state.url + "api/registrations", json.dumps(REGISTRATION).encode(), "application/json"
    )
    assert status == 201, body
    assert json.loads(body) == {"reference": "K7PQ2MZX"}
    stored = _stored(state, "K7PQ2MZX")
    assert stored["legal_name"] == {"S": "Boutique Éole inc."}
    assert stored["branch"] == {"S": "mauricie"}


def test_a_form_post_goes_through_the_gateway_into_the_table(
    running: tuple[LocalModeProcess, State],
) -> None:
    _, state = running
    form = {**REGISTRATION, "reference": "W4RT9HJC", "legal_name": "Quincaillerie à Lévis"}
    status, headers, _ = _post(
        state.url + "api/registrations",
        urllib.parse.urlencode(form).encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 303
    assert headers["Location"] == "/fr/merci/?ref=W4RT9HJC"
    assert _stored(state, "W4RT9HJC")["legal_name"] == {"S": "Quincaillerie à Lévis"}


def test_the_listing_hides_personal_data_unless_asked(
    running: tuple[LocalModeProcess, State],
) -> None:
    local, state = running
    _post(
        state.url + "api/registrations",
        json.dumps({**REGISTRATION, "reference": "B8NV3XQE"}).encode(),
        "application/json",
    )
    hidden, shown = io.StringIO(), io.StringIO()

    assert registrations.main(["--state-file", str(local.state_file)], out=hidden) == 0
    arguments = ["--state-file", str(local.state_file), "--show-personal"]
    assert registrations.main(arguments, out=shown) == 0

    assert "B8NV3XQE" in hidden.getvalue() and "mauricie" in hidden.getvalue()
    for personal in (
        "Boutique Éole",
        "Lise Tremblay",
        "lise@example.org",
        "+18195550123",
        "1234567890",
    ):
        assert personal not in hidden.getvalue()
        assert personal in shown.getvalue()


def test_the_listing_says_when_the_local_mode_is_not_running(tmp_path: Path) -> None:
    assert registrations.main(["--state-file", str(tmp_path / "none.json")]) == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_ctrl_c_stops_everything_and_a_second_start_works(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    port = _free_port()
    first = _local_mode(site, port)
    with first:
        state = first.start()
        assert first.state_file.exists()

        assert first.stop() == 0

        assert not first.state_file.exists()
        assert "Local mode stopped." in first.output()
        for endpoint in (state.url, state.dynamodb_endpoint):
            with pytest.raises(urllib.error.URLError):
                urllib.request.urlopen(endpoint, timeout=2)

    # The same port again: the first run released it.
    with _local_mode(site, port) as second:
        again = second.start()
        assert again.url == state.url
        with urllib.request.urlopen(again.url + "fr/", timeout=10) as response:
            assert response.read() == b"<p>accueil</p>"
        assert second.stop() == 0


@pytest.mark.slow
def test_the_command_builds_the_site_for_the_address_it_serves(tmp_path: Path) -> None:
    # The real command (`make dev`), only with its own build folder and a free port.
    with LocalModeProcess(["--out", str(tmp_path)]) as local:
        state = local.start()
        with urllib.request.urlopen(state.url, timeout=10) as response:
            home = response.read().decode()
        short = _NoRedirect()
        opener = urllib.request.build_opener(short)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(state.url + "inscription", timeout=10)
    assert (tmp_path / "site" / "index.html").is_file()
    # Canonical and alternate addresses carry the local address: one setting, SITE_URL.
    assert state.url in home
    assert redirected.value.code == 301
    assert redirected.value.headers["Location"] == "/fr/inscription/"


def test_persist_keeps_the_records_for_the_next_run(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    arguments = ["--persist", "--out", str(tmp_path / "build"), "--site-dir", str(site)]
    body = json.dumps({**REGISTRATION, "reference": "P3RS9STE"}).encode()
    with _local_mode(site) as first:
        first.arguments += arguments
        state = first.start()
        assert _post(state.url + "api/registrations", body, "application/json")[0] == 201
        assert first.stop() == 0
    assert (tmp_path / "build" / "localdev-recording.jsonl").is_file()

    with _local_mode(site) as second:
        second.arguments += arguments
        again = second.start()
        assert _stored(again, "P3RS9STE")["legal_name"] == {"S": "Boutique Éole inc."}

    # Without --persist each run starts empty.
    with _local_mode(site) as third:
        assert _stored(third.start(), "P3RS9STE") == {}
