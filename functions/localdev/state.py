"""Where a running local mode says it is, so that other commands can find its stand-in."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

# Read by the staff tools too (`--local`): this module imports nothing of the dev server.
STATE_FILE = Path(__file__).resolve().parents[2] / "build" / "localdev.json"


@dataclass(frozen=True)
class State:
    url: str
    dynamodb_endpoint: str
    region: str
    tables: dict[str, str]
    pid: int


def write(state: State, path: Path = STATE_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    # Readers polling for the file never see it half-written.
    os.replace(temporary, path)


def read(path: Path = STATE_FILE) -> State | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return State(**data)


def remove(pid: int, path: Path = STATE_FILE) -> None:
    """Remove the file if this process wrote it (a second local mode may have replaced it)."""
    current = read(path)
    if current is not None and current.pid == pid:
        path.unlink(missing_ok=True)
