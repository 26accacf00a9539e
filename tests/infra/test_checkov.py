"""checkov (CloudFormation framework) passes on the template with the one skip list,
and every skipped check in that list says why on its own line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from infra_template import CHECKOV, CHECKOV_CONFIG, TEMPLATES


def skipped_checks() -> list[str]:
    checks: list[str] = yaml.safe_load(CHECKOV_CONFIG.read_text(encoding="utf-8"))["skip-check"]
    return checks


def test_every_skipped_check_has_a_reason_on_its_line() -> None:
    lines = CHECKOV_CONFIG.read_text(encoding="utf-8").splitlines()
    for check in skipped_checks():
        (line,) = [text for text in lines if re.match(rf"\s*-\s*{check}\b", text)]
        reason = line.partition("#")[2].strip()
        assert len(reason) > 20, f"{check}: say why it is skipped"


@pytest.mark.slow
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_checkov_passes_with_the_skip_list(path: Path) -> None:
    assert CHECKOV.exists(), "checkov is installed by `make tools` in .venv-checkov/"
    done = subprocess.run(
        [str(CHECKOV), "--config-file", str(CHECKOV_CONFIG), "--file", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Failed checks: 0" in done.stdout
