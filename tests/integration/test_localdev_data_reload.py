"""A change of `content/data/` reaches the local mode's forms at once, without a restart.

The phase in program.yml decides what a registration post does: the open phase's form (with
the NEQ) is taken while registrations are open (on to "check your answers"), refused as a
form of another phase during the callback list, refused when closed. The handlers cache the
data; the preview clears their caches when the data changes, and the rebuilt site shows the
form of the new phase.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from localdev.process import LocalModeProcess
from localdev.standin import REPOSITORY
from localdev.state import State


def _set_phase(content: Path, phase: str) -> None:
    program = content / "data" / "program.yml"
    lines = program.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [f"phase: {phase}\n" if line.startswith("phase:") else line for line in lines]
    assert changed != lines or f"phase: {phase}\n" in lines
    program.write_text("".join(changed), encoding="utf-8")


def _version(url: str, seen: str = "") -> str:
    """The served site's version, once it differs from `seen` (the preview's own endpoint)."""
    query = urllib.parse.urlencode({"version": seen})
    with urllib.request.urlopen(f"{url}__localdev/wait?{query}", timeout=40) as response:
        version: str = json.loads(response.read())["version"]
    return version


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the answer itself is what the test reads


def _post_form(state: State, neq: str) -> tuple[int, str]:
    fields = {
        "legal_name": "Boutique Éole inc.",
        "neq": neq,
        "sector": "clothing",
        "employees": "12",
        "region": "04",
        "sells_online": "false",
        "contact_name": "Lise Tremblay",
        "email": f"lise-{neq}@example.org",
        "phone": "819 555-0123",
        "language": "fr",
        "consent": "on",
    }
    request = urllib.request.Request(
        state.url + "api/registrations",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def test_a_phase_change_reaches_the_forms_and_the_site_without_a_restart(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPOSITORY / "content", content)
    _set_phase(content, "waitlist")
    arguments = ["--content", str(content), "--out", str(tmp_path / "build")]
    with LocalModeProcess(arguments, watch=True) as local:
        state = local.start(timeout=240)
        version = _version(state.url)
        assert 'name="neq"' not in _page(state.url + "fr/inscription/")
        status, answer = _post_form(state, "1170000011")
        assert status == 409, answer  # the open phase's form, while the callback list runs

        _set_phase(content, "open")
        version = _version(state.url, version)

        status, answer = _post_form(state, "1170000012")
        assert status == 303, answer  # taken: on to "check your answers"
        # The rebuilt site shows the form of the open phase (the NEQ is asked for).
        assert 'name="neq"' in _page(state.url + "fr/inscription/")

        _set_phase(content, "closed")
        _version(state.url, version)

        status, answer = _post_form(state, "1170000013")
        assert status == 403, answer
        assert local.process is not None and local.process.poll() is None  # never restarted
