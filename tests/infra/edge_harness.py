"""The deployed CloudFront Function, run in Node (run_edge_function.js) for the tests, and
viewer-request events as CloudFront Functions (2.0) build them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any

HARNESS = Path(__file__).with_name("run_edge_function.js")


def event(uri: str, accept_language: str | None = None, query: str = "") -> dict[str, Any]:
    """A viewer-request event; the query's repeated names become `multiValue`, as CloudFront."""
    headers = {"host": {"value": "viragenumeriquebleu.example"}}
    if accept_language is not None:
        headers["accept-language"] = {"value": accept_language}
    querystring: dict[str, Any] = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        if name in querystring:
            entry = querystring[name]
            entry.setdefault("multiValue", [{"value": entry["value"]}]).append({"value": value})
        else:
            querystring[name] = {"value": value}
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "192.0.2.1"},
        "request": {"method": "GET", "uri": uri, "querystring": querystring, "headers": headers},
    }


class EdgeFunction:
    """One Node process running the function's code; answers batches of events."""

    def __init__(self, code: str) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is needed to run the CloudFront Function (make tools)")
        self._process = subprocess.Popen(
            [node, str(HARNESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self._ask({"code": code}) == {"ready": True}, "the code defines no handler"

    def _ask(self, message: dict[str, Any]) -> Any:
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(message) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the Node harness stopped (see its error above)")
        return json.loads(line)

    def run(self, *events: dict[str, Any]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = self._ask({"events": list(events)})
        return results

    def resolve(self, *locations: str) -> list[dict[str, Any]]:
        """Each Location as a browser resolves it against https://site.example."""
        resolved: list[dict[str, Any]] = self._ask({"locations": list(locations)})
        return resolved

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=10)

    def __enter__(self) -> EdgeFunction:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
