"""The real forms handlers behind the local gateway: what a merchant posts is in the table.

This is where the browser tests can start from: `LocalModeProcess` runs the
local mode on free ports and says where its site and its stand-in are.
"""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from localdev import registrations
from localdev.process import LocalModeProcess
from localdev.standin import REPOSITORY, dynamodb_client
from localdev.state import State

PHASE = yaml.safe_load((REPOSITORY / "content" / "data" / "program.yml").read_text())["phase"]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalModeProcess, State]]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<p>racine</p>", encoding="utf-8")
    # No wait on the check page's Send here (the timing is tested on the handlers).
    with LocalModeProcess(
        ["--no-build", "--site-dir", str(site)], env={"MIN_FILL_SECONDS": "0"}
    ) as local:
        yield local, local.start()


def _post(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": content_type, "Referer": url}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _registration(neq: str, email: str, language: str) -> dict[str, Any]:
    """A registration as the form of the repository's phase asks for it."""
    fields = {
        "legal_name": "Boutique Éole inc.",
        "neq": neq,
        "sector": "clothing",
        "employees": 12,
        "region": "04",
        "sells_online": False,
        "contact_name": "Lise Tremblay",
        "email": email,
        "phone": "819 555-0123",
        "language": language,
        "consent": True,
    }
    if PHASE != "open":  # the callback list asks for less
        for name in ("neq", "sector", "employees", "sells_online"):
            del fields[name]
    return fields


def _stored(state: State, reference: str) -> dict[str, Any]:
    key = {"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}
    client = dynamodb_client(state.dynamodb_endpoint)
    item: dict[str, Any] = client.get_item(TableName=state.tables["ProgramTable"], Key=key)
    return item.get("Item", {})


@pytest.mark.skipif(PHASE == "closed", reason="registrations are closed in program.yml")
def test_a_json_registration_is_stored_and_listed_without_personal_data(
    running: tuple[LocalModeProcess, State],
) -> None:
    local, state = running
    body = json.dumps(_registration("1170000001", "lise@example.org", "fr")).encode()

    status, check = _post(state.url + "api/registrations", body, "application/json")
    assert status == 200, check
    token = json.dumps({"form_token": json.loads(check)["form_token"]}).encode()
    status, answer = _post(state.url + "api/registrations/send", token, "application/json")

    assert status == 201, answer
    reference = json.loads(answer)["reference"]
    stored = _stored(state, reference)
    assert stored["legal_name"] == {"S": "Boutique Éole inc."}
    assert stored["phone"] == {"S": "+18195550123"}
    listing = io.StringIO()
    assert registrations.main(["--state-file", str(local.state_file)], out=listing) == 0
    assert reference in listing.getvalue()
    assert "lise@example.org" not in listing.getvalue()
    assert "Lise Tremblay" not in listing.getvalue()


@pytest.mark.skipif(PHASE == "closed", reason="registrations are closed in program.yml")
def test_an_html_form_post_is_stored_and_answered_with_a_page(
    running: tuple[LocalModeProcess, State],
) -> None:
    _, state = running
    fields = _registration("2270000002", "marc@example.org", "en")
    fields.update(consent="on")
    form = urllib.parse.urlencode(fields).encode()

    # urllib follows the 303s as a browser does (Post/Redirect/Get).
    status, check = _post(
        state.url + "api/registrations", form, "application/x-www-form-urlencoded"
    )
    assert status == 200 and b"Check your answers" in check, check
    token = re.search(rb'name="form_token" value="([^"]+)"', check)
    assert token is not None
    send = urllib.parse.urlencode({"form_token": token.group(1).decode(), "step": "send"})
    status, page = _post(
        state.url + "api/registrations/send", send.encode(), "application/x-www-form-urlencoded"
    )

    # The contract: the confirmation page, in the visitor's language.
    assert status == 200, page
    client = dynamodb_client(state.dynamodb_endpoint)
    items = client.scan(TableName=state.tables["ProgramTable"])["Items"]
    stored = [item for item in items if item.get("email") == {"S": "marc@example.org"}]
    assert len(stored) == 1
    assert stored[0]["language"] == {"S": "en"}
    assert stored[0]["reference"]["S"].encode() in page


def test_an_invalid_post_is_a_4xx_with_messages_in_both_languages(
    running: tuple[LocalModeProcess, State],
) -> None:
    _, state = running
    status, answer = _post(
        state.url + "api/registrations", b'{"legal_name": ""}', "application/json"
    )
    assert 400 <= status < 500
    errors = json.loads(answer)["errors"]
    assert errors and all(error["message"]["fr"] and error["message"]["en"] for error in errors)
